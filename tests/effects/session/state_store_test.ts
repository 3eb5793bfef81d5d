// The state store's commit protocol (STATE-7, STATE-8, SRV-4): a commit writes `.next.tmp`,
// removes the state file and renames the new one into place; readers never see a missing or
// torn state, and a writer killed between the remove and the rename loses nothing.
import assert from "node:assert/strict";
import { newState } from "../../../core/replay/engine.ts";
import { parseScenario } from "../../../core/scenario/parse.ts";
import { serializeState } from "../../../core/replay/state.ts";
import type { Scenario, State } from "../../../core/types.ts";
import { type SessionFiles, sessionFiles } from "../../../effects/session/files.ts";
import {
  hasState,
  nextStatePath,
  readState,
  removeStateFiles,
  updateState,
  writeState,
} from "../../../effects/session/state_store.ts";
import { listDir, usingTempDir } from "../../_helpers.ts";

const parsed = parseScenario(
  "meta: {name: s}\nsteps:\n  - match: {argv: [git, status]}\n    calls: {max: 100}\n",
  { file: "s.yaml" },
);
if (!parsed.ok) throw new Error("fixture");
const SCENARIO: Scenario = parsed.scenario;

async function session(dir: string): Promise<{ files: SessionFiles; first: State }> {
  const files = await sessionFiles(`${dir}/s.yaml`, "0123456789abcdef", dir);
  const first = newState(SCENARIO, {
    scenarioPath: files.scenarioPath,
    scenarioHash: "h",
    now: new Date(0),
  });
  await writeState(files.state, first);
  return { files, first };
}

/** One call's worth of state change: the first step counted once more. */
function counted(state: State | undefined): State {
  assert.ok(state !== undefined);
  return { ...state, stepCounts: state.stepCounts.map((n, i) => i === 0 ? n + 1 : n) };
}

function commitOne(files: SessionFiles): number {
  return updateState(files, (state) => {
    const next = counted(state);
    return { next, value: next.stepCounts[0]! };
  });
}

Deno.test("state store: a commit leaves the state file and the lock, no temp file (STATE-8)", async () => {
  await using dir = await usingTempDir();
  const { files } = await session(dir.path);
  for (let i = 1; i <= 3; i++) assert.equal(commitOne(files), i);
  assert.deepEqual(
    (await listDir(dir.path)).sort(),
    [`cli-replay-${files.key}.lock`, `cli-replay-${files.key}.state`],
  );
  assert.equal((await readState(files))?.stepCounts[0], 3);
});

Deno.test(
  "state store: a writer killed between its remove and its rename loses nothing — readers use its .next.tmp, the next writer renames it into place and counts on (SRV-4)",
  async () => {
    await using dir = await usingTempDir();
    const { files, first } = await session(dir.path);
    assert.equal(commitOne(files), 1);
    // What the killed writer left: its complete next state, and no state file.
    const left = counted(counted(first));
    await Deno.writeTextFile(nextStatePath(files), serializeState(left));
    await Deno.remove(files.state);

    assert.equal(hasState(files), true);
    assert.equal((await readState(files))?.stepCounts[0], 2);
    assert.equal(commitOne(files), 3, "counts on from the recovered state");
    assert.equal((await readState(files))?.stepCounts[0], 3);
    assert.equal(await Deno.stat(nextStatePath(files)).catch(() => undefined), undefined);
  },
);

Deno.test(
  "state store: a partial .next.tmp of a writer killed while it wrote is never read, and the next commit replaces it (STATE-8)",
  async () => {
    await using dir = await usingTempDir();
    const { files } = await session(dir.path);
    await Deno.writeTextFile(nextStatePath(files), '{"version": 1, "step_co');
    assert.equal((await readState(files))?.stepCounts[0], 0);
    assert.equal(commitOne(files), 1);
    assert.equal((await readState(files))?.stepCounts[0], 1);
    assert.equal(await Deno.stat(nextStatePath(files)).catch(() => undefined), undefined);

    // With the state file gone too, a partial .next.tmp is no state at all.
    await Deno.writeTextFile(nextStatePath(files), '{"version": 1, "step_co');
    await Deno.remove(files.state);
    assert.equal(await readState(files), undefined);
    assert.equal(hasState(files), true, "a commit may be renaming it: the session is there");
  },
);

Deno.test(
  "state store: a reader that finds no state file while a commit holds the lock waits for it and reads the new state (STATE-7)",
  async () => {
    await using dir = await usingTempDir();
    const { files, first } = await session(dir.path);
    assert.equal(commitOne(files), 1);
    // Hold the exclusive lock as a committing writer does, between its remove and its rename.
    using held = await Deno.open(files.lock, { read: true, write: true });
    await held.lock(true);
    await Deno.remove(files.state);
    let settled = false;
    const reading = readState(files).finally(() => settled = true);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(settled, false, "the reader waits for the lock");
    await Deno.writeTextFile(files.state, serializeState(counted(counted(first))));
    await held.unlock();
    assert.equal((await reading)?.stepCounts[0], 2);
  },
);

Deno.test("state store: no state and no lock is no session; clean removes a .next.tmp too", async () => {
  await using dir = await usingTempDir();
  const { files } = await session(dir.path);
  assert.equal(commitOne(files), 1);
  await Deno.writeTextFile(nextStatePath(files), "{");
  assert.equal(await removeStateFiles(files), true);
  assert.deepEqual(await listDir(dir.path), []);
  assert.equal(hasState(files), false);
  assert.equal(await readState(files), undefined);
});
