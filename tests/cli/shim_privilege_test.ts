// Shims run the intercept with least privilege (SEC-9), never with network access
// (SEC-12), and with V8's linear-time fallback for runaway regexes (SEC-10).
import assert from "node:assert/strict";
import { callShim, cli, startSession, usingTempDir, writeScenario } from "../_helpers.ts";

const SCENARIO = `meta: {name: privileges}
steps:
  - match: {argv: [tool, '{{ .regex "^(a+)+$" }}']}
    calls: {min: 0, max: 5}
    respond: {stdout: "matched\\n"}
`;

Deno.test("shims run the intercept with read, env and .cli-replay-only write permissions (SEC-9, SEC-12)", async () => {
  await using dir = await usingTempDir();
  const scenario = await writeScenario(dir.path, "s.yaml", SCENARIO);
  const session = await startSession(scenario);
  try {
    const shim = await Deno.readTextFile(`${session.interceptDir}/tool`);
    const exec = shim.split("\n").find((line) => line.startsWith("exec "))!;
    assert.match(exec, /'--allow-read'/);
    assert.match(exec, /'--allow-env'/);
    assert.ok(
      exec.includes(`'--allow-write=${dir.path}/.cli-replay'`),
      `write access should be limited to .cli-replay: ${exec}`,
    );
    for (const broad of ["--allow-all", "-A", "--allow-run", "--allow-net", "--allow-ffi"]) {
      assert.ok(!exec.includes(`'${broad}'`), `${broad} in ${exec}`);
      assert.ok(!exec.includes(`'${broad}=`), `${broad} in ${exec}`);
    }
    assert.match(exec, /--enable-experimental-regexp-engine-on-excessive-backtracks/);
  } finally {
    await cli(["clean", "--session", session.id, scenario]);
  }
});

Deno.test("a catastrophic-backtracking regex on an ASCII argument fails fast instead of hanging (SEC-10)", async () => {
  await using dir = await usingTempDir();
  const scenario = await writeScenario(dir.path, "s.yaml", SCENARIO);
  const session = await startSession(scenario);
  try {
    // 2^40 backtracking steps without the linear-time fallback: this would never finish.
    const evil = await callShim(session, ["tool", `${"a".repeat(40)}b`]);
    assert.equal(evil.code, 1, evil.stderr);
    assert.match(
      evil.stderr,
      /regex "\^\(a\+\)\+\$" did not match|expected pattern: \^\(a\+\)\+\$/,
    );
    const good = await callShim(session, ["tool", "aaaa"]);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, "matched\n");
  } finally {
    await cli(["clean", "--session", session.id, scenario]);
  }
});

Deno.test("shims ignore the deno.json and deno.lock of the program's working directory, also when the scenario is edited (ICPT-1, STATE-12)", async () => {
  await using dir = await usingTempDir();
  const scenario = await writeScenario(
    dir.path,
    "s.yaml",
    `meta: {name: cwd-config}
steps:
  - match: {argv: [tool, one]}
    calls: {min: 1, max: 5}
    respond: {stdout: "one\\n"}
`,
  );
  const work = `${dir.path}/project`;
  await Deno.mkdir(work);
  await Deno.writeTextFile(`${work}/deno.json`, "{ this is not json");
  await Deno.writeTextFile(`${work}/deno.lock`, "{ nor is this");
  await Deno.writeTextFile(`${work}/import_map.json`, '{"imports": {"yaml": "./nope.js"}}');
  const session = await startSession(scenario);
  try {
    const first = await callShim(session, ["tool", "one"], { cwd: work });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "one\n");
    // An edit makes the intercept load the YAML parser: it must still resolve our own
    // dependencies, not the broken configuration around the program under test.
    await Deno.writeTextFile(
      scenario,
      (await Deno.readTextFile(scenario)).replace("one\\n", "uno\\n"),
    );
    const edited = await callShim(session, ["tool", "one"], { cwd: work });
    assert.equal(edited.code, 0, edited.stderr);
    assert.equal(edited.stdout, "uno\n");
  } finally {
    await cli(["clean", "--session", session.id, scenario]);
  }
});
