// runWithScenario({record}) (RECM-1, RECM-4): the library records real calls and replays them.
import assert from "node:assert/strict";
import { runWithScenario } from "../../../effects/exec/run_with_scenario.ts";
import { usingTempDir } from "../../_helpers.ts";

Deno.test("runWithScenario({record}) records once, replays after, and adds missing calls (RECM-1, RECM-4)", async () => {
  await using dir = await usingTempDir("run-record-");
  const file = dir.join("git.yaml");
  const replayBin = dir.join("bin");
  await Deno.mkdir(replayBin);
  await Deno.symlink(await Deno.realPath("/bin/sh"), `${replayBin}/sh`);
  const record = { mode: "once", commands: ["git"] } as const;

  const first = await runWithScenario(file, ["sh", "-c", "git --version"], { record });
  assert.equal(first.exitCode, 0, first.stderr);
  assert.match(first.stdout, /^git version \d/);
  assert.equal(first.recording?.written, true);
  assert.equal(first.recording?.newSteps, 1);
  assert.equal(first.verification.passed, true);
  assert.match(first.report, /^recorded 1 new step \(git ×1\) in .*git\.yaml\n$/);

  const replay = await runWithScenario(file, ["sh", "-c", "git --version"], {
    record,
    env: { PATH: replayBin },
  });
  assert.equal(replay.exitCode, 0, replay.report);
  assert.equal(replay.stdout, first.stdout);
  assert.equal(replay.recording, undefined);

  const missing = await runWithScenario(
    file,
    ["sh", "-c", "git --version && git check-ref-format --branch topic"],
    { record: { mode: "missing", commands: ["git"] } },
  );
  assert.equal(missing.exitCode, 0, missing.report);
  assert.match(missing.stdout, /\ntopic\n$/);
  assert.equal(missing.recording?.newSteps, 1);
  assert.equal(missing.verification.totalSteps, 2);
  assert.deepEqual(
    missing.verification.steps.map((s) => [s.label, s.callCount, s.passed]),
    [["git --version", 1, true], ["git check-ref-format --branch topic", 1, true]],
  );
  assert.match(missing.report, /completed: 2\/2 steps consumed/);

  const after = await runWithScenario(
    file,
    ["sh", "-c", "git --version && git check-ref-format --branch topic"],
    { env: { PATH: replayBin } },
  );
  assert.equal(after.exitCode, 0, after.report);
});

Deno.test("runWithScenario({record}) refuses an inline scenario and a mode without commands", async () => {
  await assert.rejects(
    runWithScenario({ yaml: "meta: {name: x}\nsteps:\n  - match: {argv: [a]}\n" }, ["true"], {
      record: { mode: "once", commands: ["git"] },
    }),
    { name: "TypeError", message: /Cannot record into an inline scenario/ },
  );
  await assert.rejects(
    runWithScenario("/nonexistent/x.yaml", ["true"], { record: { mode: "all", commands: [] } }),
    { name: "TypeError", message: /without commands/ },
  );
});
