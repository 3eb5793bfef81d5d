// Integration tests of `cli-replay verify` (VERIFY-1..10, STATE-14).
import assert from "node:assert/strict";
import {
  callShim,
  cli,
  exists,
  sessionPaths,
  startSession,
  usingTempDir,
  writeScenario,
} from "../_helpers.ts";

const NOW_TOLERANCE_MS = 120_000;

function junitTimestamp(xml: string): string {
  const ts = /timestamp="([^"]*)"/.exec(xml)?.[1] ?? "";
  assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return ts;
}

Deno.test(
  "verify: without a scenario argument or CLI_REPLAY_SCENARIO fails with the usage message (VERIFY-1, VERIFY-10)",
  async () => {
    await using dir = await usingTempDir();
    const r = await cli(["verify"], { cwd: dir.path });
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
      code: 1,
      stdout: "",
      stderr: "cli-replay: no scenario specified — pass a file or set CLI_REPLAY_SCENARIO\n",
    });
  },
);

Deno.test(
  "verify: an invalid --format is rejected with the valid values (VERIFY-10, ERR-5)",
  async () => {
    await using dir = await usingTempDir();
    await writeScenario(dir.path, "s.yaml", `meta: {name: f}\nsteps:\n  - match: {argv: [a]}\n`);
    const r = await cli(["verify", "--format", "yaml", "s.yaml"], { cwd: dir.path });
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
      code: 1,
      stdout: "",
      stderr:
        `cli-replay: invalid format "yaml": valid values are text, json, junit, tap, github\n`,
    });
  },
);

Deno.test(
  "verify: with no state reports 'no state found' in text, json and junit, exits 1 and creates nothing (VERIFY-8, STATE-14)",
  async (t) => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "tests/deploy.yaml",
      `meta: {name: deploy-app}\nsteps:\n  - match: {argv: [git, status]}\n`,
    );
    const run = (format: string) =>
      cli(["verify", "--format", format, "tests/deploy.yaml"], { cwd: dir.path });
    await t.step("text", async () => {
      const r = await run("text");
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
        code: 1,
        stdout: "",
        stderr: `cli-replay: no state found for "deploy-app"\n` +
          `  run 'cli-replay run tests/deploy.yaml' first\n`,
      });
    });
    await t.step("json", async () => {
      const r = await run("json");
      assert.deepEqual({ code: r.code, stdout: r.stdout }, {
        code: 1,
        stdout:
          `{"scenario":"deploy-app","session":"default","passed":false,"total_steps":0,"consumed_steps":0,"error":"no state found","steps":[],"unexpected_calls":[],"unexpected_count":0}\n`,
      });
    });
    await t.step("junit", async () => {
      const r = await run("junit");
      assert.equal(r.code, 1);
      const ts = junitTimestamp(r.stdout);
      assert.ok(Math.abs(Date.parse(ts) - Date.now()) < NOW_TOLERANCE_MS, `now: ${ts}`);
      assert.equal(
        r.stdout,
        `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="cli-replay" tests="0" failures="0" errors="1" time="0.000">
  <testsuite name="deploy-app" tests="0" failures="0" errors="1" skipped="0" time="0.000" timestamp="${ts}">
    <testcase name="state" classname="tests/deploy.yaml" time="0.000">
      <error message="no state found" type="StateError">no state file found for this session</error>
    </testcase>
  </testsuite>
</testsuites>
`,
      );
    });
    assert.equal(await exists(dir.join("tests/.cli-replay")), false);
  },
);

Deno.test(
  "verify: a scenario whose step count changed since the session started is an error result (VERIFY-9)",
  async () => {
    await using dir = await usingTempDir();
    const yaml = `meta: {name: changed}\nsteps:\n  - match: {argv: [git, status]}\n`;
    const path = await writeScenario(dir.path, "s.yaml", yaml);
    const s = await startSession(path);
    assert.equal((await callShim(s, ["git", "status"])).code, 0);
    await Deno.writeTextFile(path, `${yaml}  - match: {argv: [git, push]}\n`);
    const r = await cli(["verify", "--format", "json"], { env: s.env });
    assert.equal(r.code, 1);
    const result = JSON.parse(r.stdout);
    assert.equal(result.passed, false);
    assert.equal(result.error, "scenario changed since the session started");
    assert.equal(result.session, s.id);
    const text = await cli(["verify"], { env: s.env });
    assert.equal(text.code, 1);
    assert.match(text.stderr, /^cli-replay: .*scenario changed since the session started/);
  },
);

Deno.test(
  "verify: a passing no-session state — per-step lines for explicit bounds, cut labels, junit skipped and escaping, nothing written (VERIFY-2, VERIFY-4, VERIFY-5, VERIFY-7, STATE-14)",
  async (t) => {
    await using dir = await usingTempDir();
    const long = "x".repeat(70);
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: "opt & <more>"}
steps:
  - match: {argv: [git, status]}
  - match: {argv: [echo, "a&b", "<c>", '"q"']}
  - match: {argv: [kubectl, apply, -f, ${long}]}
    calls: {min: 1, max: 3}
  - match: {argv: [docker, info]}
    calls: {min: 0, max: 1}
`,
    );
    for (
      const argv of [["git", "status"], ["echo", "a&b", "<c>", '"q"'], [
        "kubectl",
        "apply",
        "-f",
        long,
      ]]
    ) {
      const r = await cli(["__intercept", "--scenario", "s.yaml", "--", ...argv], {
        cwd: dir.path,
      });
      assert.equal(r.code, 0, r.stderr);
    }
    const state = (await sessionPaths(path)).state;
    const before = await Deno.readTextFile(state);
    const mtime = (await Deno.stat(state)).mtime?.getTime();

    await t.step("text", async () => {
      const r = await cli(["verify", "s.yaml"], { cwd: dir.path });
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
        code: 0,
        stdout: "",
        stderr: `✓ Scenario "opt & <more>" completed: 3/4 steps consumed
  Step 1: git status — 1 call ✓
  Step 2: echo a&b <c> "q" — 1 call ✓
  Step 3: ${`kubectl apply -f ${long}`.slice(0, 57)}... — 1 call (min: 1, max: 3) ✓
  Step 4: docker info — 0 calls (min: 0, max: 1) ✓
`,
      });
    });
    await t.step("json", async () => {
      const r = await cli(["verify", "--format", "json", "s.yaml"], { cwd: dir.path });
      assert.equal(r.code, 0);
      const result = JSON.parse(r.stdout);
      assert.equal(result.session, "default");
      assert.equal(result.passed, true);
      assert.equal(result.consumed_steps, 3);
      assert.equal(result.steps[2].label, `kubectl apply -f ${long}`, "full label in JSON");
      assert.deepEqual(result.unexpected_calls, []);
    });
    await t.step("junit", async () => {
      const r = await cli(["verify", "--format", "junit", "s.yaml"], { cwd: dir.path });
      assert.equal(r.code, 0);
      const ts = junitTimestamp(r.stdout);
      const lastUpdated = JSON.parse(before).last_updated as string;
      assert.equal(ts, `${lastUpdated.slice(0, 19)}Z`, "timestamp is the state's last_updated");
      const tc = (name: string) =>
        `    <testcase name="${name}" classname="s.yaml" time="0.000"/>\n`;
      assert.equal(
        r.stdout,
        `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="cli-replay" tests="4" failures="0" errors="0" time="0.000">
  <testsuite name="opt &amp; &lt;more&gt;" tests="4" failures="0" errors="0" skipped="1" time="0.000" timestamp="${ts}">
` +
          tc("step[0]: git status") +
          tc("step[1]: echo a&amp;b &lt;c&gt; &quot;q&quot;") +
          tc(`step[2]: kubectl apply -f ${long}`) +
          `    <testcase name="step[3]: docker info" classname="s.yaml" time="0.000">
      <skipped message="optional step (min=0), not called"/>
    </testcase>
  </testsuite>
</testsuites>
`,
      );
    });
    await t.step("verify never writes the state", async () => {
      assert.equal(await Deno.readTextFile(state), before);
      assert.equal((await Deno.stat(state)).mtime?.getTime(), mtime);
    });
  },
);

Deno.test(
  "verify: --session selects the session over CLI_REPLAY_SESSION (VERIFY-1, ICPT-5)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: pick}\nsteps:\n  - match: {argv: [git, status]}\n`,
    );
    const done = await startSession(path);
    const idle = await startSession(path);
    assert.equal((await callShim(done, ["git", "status"])).code, 0);
    const r = await cli(["verify", "--format", "json", "--session", done.id], { env: idle.env });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(JSON.parse(r.stdout).session, done.id);
    const other = await cli(["verify", "--format", "json"], { env: idle.env });
    assert.equal(other.code, 1);
    assert.equal(JSON.parse(other.stdout).session, idle.id);
  },
);
