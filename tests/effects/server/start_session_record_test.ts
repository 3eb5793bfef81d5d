// startSession({record}) (RECM-1): an in-process session records real calls and replays them.
import assert from "node:assert/strict";
import { startSession } from "../../../effects/server/start_session.ts";
import { usingTempDir } from "../../_helpers.ts";

async function git(...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
  return new TextDecoder().decode(out.stdout);
}

Deno.test("startSession({record}) records once when the file is missing, then replays it (RECM-1)", async () => {
  await using dir = await usingTempDir("start-record-");
  const file = dir.join("git.yaml");
  const record = { mode: "once", commands: ["git"] } as const;
  const real = await git("--version");
  {
    await using session = await startSession(file, { record });
    assert.equal(session.server, false);
    assert.equal(await git("--version"), real, "the real git answered");
    const verification = await session.verify();
    assert.deepEqual(verification.steps.map((s) => [s.label, s.callCount]), [["git --version", 1]]);
    assert.equal(await Deno.stat(file).then(() => true, () => false), false, "written at the end");
    await session.close();
    assert.equal(session.recording?.written, true);
    assert.deepEqual(session.recording?.lines, [`recorded 1 new step (git ×1) in ${file}`]);
  }
  const text = await Deno.readTextFile(file);
  assert.match(text, /argv: \["git", "--version"\]/);
  // Replayed from the file: an edited answer comes back, not the real one.
  await Deno.writeTextFile(file, text.replace(real.trim(), "git version 0.0-from-the-file"));
  await using again = await startSession(file, { record });
  assert.equal(await git("--version"), "git version 0.0-from-the-file\n");
  assert.equal((await again.verify()).passed, true);
  await again.close();
  assert.equal(again.recording, undefined);
});

Deno.test("startSession({record: missing}) runs the real command for a new call and adds its step at close (RECM-1)", async () => {
  await using dir = await usingTempDir("start-record-");
  const file = dir.join("git.yaml");
  const original = `meta: {name: git}
steps:
  # the version, faked
  - match: {argv: [git, --version]}
    respond: {stdout: "git version 0.0-fake\\n"}
`;
  await Deno.writeTextFile(file, original);
  await using session = await startSession(file, {
    record: { mode: "missing", commands: ["git"] },
  });
  assert.equal(await git("--version"), "git version 0.0-fake\n");
  assert.equal(await git("check-ref-format", "--branch", "topic"), "topic\n");
  const verification = await session.verify();
  assert.deepEqual(verification.steps.map((s) => [s.label, s.callCount, s.passed]), [
    ["git --version", 1, true],
    ["git check-ref-format --branch topic", 1, true],
  ]);
  await session.close();
  assert.equal(session.recording?.newSteps, 1);
  assert.equal(
    await Deno.readTextFile(file),
    original +
      '  - match:\n      argv: ["git", "check-ref-format", "--branch", "topic"]\n' +
      "    respond:\n      exit: 0\n      stdout: |\n        topic\n",
  );
});
