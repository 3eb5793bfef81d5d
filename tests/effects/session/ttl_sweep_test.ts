// The TTL sweep and the state commit (TTL-3, CLEAN-8, STATE-8): a session whose state is being
// committed while the directory is listed is not taken for an orphan.
import assert from "node:assert/strict";
import { newState } from "../../../core/replay/engine.ts";
import { serializeState } from "../../../core/replay/state.ts";
import { parseScenario } from "../../../core/scenario/parse.ts";
import { sessionFiles } from "../../../effects/session/files.ts";
import { nextStatePath } from "../../../effects/session/state_store.ts";
import { sweepExpiredSessions } from "../../../effects/session/ttl_sweep.ts";
import { exists, usingTempDir } from "../../_helpers.ts";

const parsed = parseScenario("meta: {name: s}\nsteps:\n  - match: {argv: [git, status]}\n", {
  file: "s.yaml",
});
if (!parsed.ok) throw new Error("fixture");
const scenario = parsed.scenario;
const HOUR = 3_600_000;

Deno.test(
  "ttl sweep: an old intercept dir whose session is between remove and rename (only its .next.tmp is there) is kept; a true orphan is removed (TTL-3, CLEAN-8, STATE-8)",
  async () => {
    await using dir = await usingTempDir();
    const now = new Date();
    const longAgo = new Date(now.getTime() - 2 * HOUR);
    const files = await sessionFiles(`${dir.path}/s.yaml`, "00000000000000aa", dir.path);
    await Deno.mkdir(files.interceptDir, { mode: 0o700 });
    // A live session: updated just now, caught mid-commit.
    const state = newState(scenario, {
      scenarioPath: files.scenarioPath,
      scenarioHash: "h",
      now,
      interceptDir: files.interceptDir,
    });
    await Deno.writeTextFile(nextStatePath(files), serializeState(state));
    const orphan = `${dir.path}/intercept-00000000000000bb`;
    await Deno.mkdir(orphan, { mode: 0o700 });
    for (const d of [files.interceptDir, orphan]) await Deno.utime(d, longAgo, longAgo);

    const warnings: string[] = [];
    const swept = await sweepExpiredSessions(dir.path, HOUR, {
      now,
      onWarning: (w) => warnings.push(w),
    });
    assert.deepEqual({ swept, warnings }, { swept: { cleaned: 0 }, warnings: [] });
    assert.equal(await exists(files.interceptDir), true, "the live session's dir stays");
    assert.equal(await exists(nextStatePath(files)), true);
    assert.equal(await exists(orphan), false, "the orphan goes");
  },
);
