// `verify --format tap|github` and `exec --format tap|github` end to end (WAY-5, VERIFY-1,
// EXEC-11): real scenarios in temp dirs, real bash scripts calling the fakes, the reports read
// back with a strict TAP consumer and the runner's workflow-command syntax.
import assert from "node:assert/strict";
import { cli, runScript, usingTempDir, writeScenario } from "../_helpers.ts";
import { readTapStrict } from "../_tap.ts";
import { readWorkflowCommands } from "../_github.ts";

const SCENARIO = `meta:
  name: deploy-app
steps:
  - match:
      argv: [git, status]
    respond:
      stdout: "On branch main\\n"
  - group:
      name: pre-flight
      mode: unordered
      steps:
        - match:
            argv: [az, account, show]
        - match:
            argv: [docker, info]
          calls: {min: 0, max: 2}
  - match:
      argv: [kubectl, get, pods]
`;

/** The line of a step: the `- match:` line just above its `argv`, counted in the YAML text. */
function stepLine(argv: string): number {
  const i = SCENARIO.split("\n").findIndex((l) => l.trim() === `argv: [${argv}]`);
  assert.ok(i > 0, argv);
  assert.match(SCENARIO.split("\n")[i - 1]!, /- match:$/);
  return i; // 1-based line of the line above
}

const AZ = stepLine("az, account, show");
const KUBECTL = stepLine("kubectl, get, pods");

/** Calls git and docker, misses az and kubectl get pods, makes one unexpected call. */
const FAILING_SCRIPT = `#!/usr/bin/env bash
git status
docker info
kubectl get nodes || true
`;

const PASSING_SCRIPT = `#!/usr/bin/env bash
set -e
git status
az account show
kubectl get pods
`;

function failingTap(session: string, file: string): string {
  return `TAP version 14
1..5
# scenario "deploy-app", session ${session}
ok 1 - step[0]: git status
not ok 2 - [group:pre-flight] step[1]: az account show
  ---
  message: "called 0 times, minimum 1 required"
  severity: fail
  data:
    call_count: 0
    min: 1
    max: 1
  at:
    file: "${file}"
    line: ${AZ}
  ...
ok 3 - [group:pre-flight] step[2]: docker info
not ok 4 - step[3]: kubectl get pods
  ---
  message: "called 0 times, minimum 1 required"
  severity: fail
  data:
    call_count: 0
    min: 1
    max: 1
  at:
    file: "${file}"
    line: ${KUBECTL}
  ...
not ok 5 - unexpected call: ["kubectl", "get", "nodes"] (mismatch at step 2)
  ---
  message: "unexpected call (mismatch at step 2)"
  severity: fail
  data:
    argv: ["kubectl", "get", "nodes"]
    reason: mismatch
    step_index: 1
  at:
    file: "${file}"
    line: ${AZ}
  ...
`;
}

function failingGitHub(file: string): string {
  return `::error file=${file},line=${AZ},title=cli-replay%3A step[1] unmet::` +
    `Scenario "deploy-app": [group:pre-flight] step[1]: az account show — called 0 times, minimum 1 required\n` +
    `::error file=${file},line=${KUBECTL},title=cli-replay%3A step[3] unmet::` +
    `Scenario "deploy-app": step[3]: kubectl get pods — called 0 times, minimum 1 required\n` +
    `::error file=${file},line=${AZ},title=cli-replay%3A unexpected call::` +
    `Scenario "deploy-app": unexpected call ["kubectl", "get", "nodes"] (mismatch at step 2)\n`;
}

async function setup(dir: { path: string; join(...parts: string[]): string }): Promise<void> {
  await writeScenario(dir.path, "ci/deploy.yaml", SCENARIO);
  await Deno.writeTextFile(dir.join("ci", "failing.sh"), FAILING_SCRIPT);
  await Deno.writeTextFile(dir.join("ci", "passing.sh"), PASSING_SCRIPT);
  await Deno.mkdir(dir.join("o"));
}

Deno.test(
  "verify --format tap|github: a bash session's failures as TAP 14 and GitHub annotations on stdout, file= relative to verify's working directory (WAY-5, VERIFY-1)",
  async () => {
    await using dir = await usingTempDir();
    await setup(dir);
    const r = await runScript(
      "bash",
      `eval "$(cli_replay run ci/deploy.yaml)" || exit 99
echo "$CLI_REPLAY_SESSION" >o/session
source ci/failing.sh >/dev/null 2>&1
cli_replay verify --format tap ci/deploy.yaml >o/verify.tap 2>o/verify.tap.err; echo $? >o/tap.rc
cli_replay verify --format github ci/deploy.yaml >o/verify.gh 2>o/verify.gh.err; echo $? >o/gh.rc
cli_replay verify --format GitHub >o/env.gh  # the scenario from CLI_REPLAY_SCENARIO (absolute)
(cd ci && cli_replay verify --format github deploy.yaml >../o/in-ci.gh)
(cd o && cli_replay verify --format github "$PWD/../ci/deploy.yaml" >above.gh)
(cd o && cli_replay verify --format tap "$PWD/../ci/deploy.yaml" >above.tap)
cli_replay clean
`,
      { cwd: dir.path },
    );
    assert.equal(r.code, 0, r.stderr);
    const read = (name: string) => Deno.readTextFile(dir.join("o", name));
    const session = (await read("session")).trim();
    assert.match(session, /^[0-9a-f]{16}$/);

    assert.equal((await read("tap.rc")).trim(), "1");
    assert.equal(await read("verify.tap.err"), "");
    const tap = await read("verify.tap");
    assert.equal(tap, failingTap(session, "ci/deploy.yaml"));
    const reading = readTapStrict(tap);
    assert.deepEqual([reading.ok, reading.pass, reading.fail], [false, 2, 3]);

    assert.equal((await read("gh.rc")).trim(), "1");
    assert.equal(await read("verify.gh.err"), "");
    assert.equal(await read("verify.gh"), failingGitHub("ci/deploy.yaml"));
    assert.equal(await read("env.gh"), failingGitHub("ci/deploy.yaml"));
    assert.equal(await read("in-ci.gh"), failingGitHub("deploy.yaml"));
    assert.equal(await read("above.gh"), failingGitHub("../ci/deploy.yaml"));
    assert.equal(await read("above.tap"), failingTap(session, "../ci/deploy.yaml"));
    const files = readWorkflowCommands(await read("above.gh")).map((c) => c.properties.file);
    assert.deepEqual(files, ["../ci/deploy.yaml", "../ci/deploy.yaml", "../ci/deploy.yaml"]);
  },
);

Deno.test(
  "verify --format tap|github: a passing session is all ok in TAP and one ::notice, exit 0 (WAY-5)",
  async () => {
    await using dir = await usingTempDir();
    await setup(dir);
    const r = await runScript(
      "bash",
      `eval "$(cli_replay run ci/deploy.yaml)" || exit 99
source ci/passing.sh >/dev/null
cli_replay verify --format tap ci/deploy.yaml >o/verify.tap; echo $? >o/tap.rc
cli_replay verify --format github ci/deploy.yaml >o/verify.gh; echo $? >o/gh.rc
echo "$CLI_REPLAY_SESSION" >o/session
cli_replay clean
`,
      { cwd: dir.path },
    );
    assert.equal(r.code, 0, r.stderr);
    const read = (name: string) => Deno.readTextFile(dir.join("o", name));
    const session = (await read("session")).trim();
    assert.equal((await read("tap.rc")).trim(), "0");
    assert.equal(
      await read("verify.tap"),
      `TAP version 14
1..4
# scenario "deploy-app", session ${session}
ok 1 - step[0]: git status
ok 2 - [group:pre-flight] step[1]: az account show
ok 3 - [group:pre-flight] step[2]: docker info # SKIP optional step (min=0), not called
ok 4 - step[3]: kubectl get pods
`,
    );
    assert.equal(readTapStrict(await read("verify.tap")).ok, true);
    assert.equal((await read("gh.rc")).trim(), "0");
    assert.equal(
      await read("verify.gh"),
      `::notice file=ci/deploy.yaml,title=cli-replay%3A passed::Scenario "deploy-app" completed: 3/4 steps consumed\n`,
    );
  },
);

Deno.test(
  "verify --format tap|github without a session: one failing TAP point, one ::error, exit 1 (WAY-5, VERIFY-8)",
  async () => {
    await using dir = await usingTempDir();
    await setup(dir);
    const tap = await cli(["verify", "--format", "tap", "ci/deploy.yaml"], { cwd: dir.path });
    assert.deepEqual({ code: tap.code, stdout: tap.stdout, stderr: tap.stderr }, {
      code: 1,
      stdout: `TAP version 14
1..1
# scenario "deploy-app", session default
not ok 1 - state
  ---
  message: "no state file found for this session"
  severity: fail
  data:
    error: "no state found"
  at:
    file: "ci/deploy.yaml"
  ...
`,
      stderr: "",
    });
    assert.equal(readTapStrict(tap.stdout).fail, 1);
    const gh = await cli(["verify", "--format", "github", "ci/deploy.yaml"], { cwd: dir.path });
    assert.deepEqual({ code: gh.code, stdout: gh.stdout, stderr: gh.stderr }, {
      code: 1,
      stdout: "::error file=ci/deploy.yaml,title=cli-replay%3A no state found::" +
        'Scenario "deploy-app": no state file found for this session\n',
      stderr: "",
    });
  },
);

Deno.test(
  "exec --format tap|github --report-file: the report file holds the report, stdout stays the child's (WAY-5, EXEC-11)",
  async (t) => {
    await using dir = await usingTempDir();
    await setup(dir);
    const exec = (format: string, script: string, file: string, cwd = dir.path) =>
      cli([
        "exec",
        "--format",
        format,
        "--report-file",
        file,
        "ci/deploy.yaml",
        "--",
        "bash",
        script,
      ], { cwd });

    await t.step("tap, failing script", async () => {
      const r = await exec("tap", "ci/failing.sh", "o/report.tap");
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, "On branch main\n");
      assert.doesNotMatch(r.stderr, /TAP version/);
      const report = await Deno.readTextFile(dir.join("o", "report.tap"));
      const session = /^# scenario "deploy-app", session ([0-9a-f]{16})$/m.exec(report)?.[1];
      assert.ok(session !== undefined, report);
      assert.equal(report, failingTap(session, "ci/deploy.yaml"));
      assert.deepEqual(readTapStrict(report).fail, 3);
    });
    await t.step("github, failing script", async () => {
      const r = await exec("github", "ci/failing.sh", "o/report.gh");
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /::error/);
      assert.equal(
        await Deno.readTextFile(dir.join("o", "report.gh")),
        failingGitHub("ci/deploy.yaml"),
      );
    });
    await t.step("github, passing script", async () => {
      const r = await exec("github", "ci/passing.sh", "o/pass.gh");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        await Deno.readTextFile(dir.join("o", "pass.gh")),
        `::notice file=ci/deploy.yaml,title=cli-replay%3A passed::Scenario "deploy-app" completed: 3/4 steps consumed\n`,
      );
    });
  },
);

Deno.test(
  "exec --format github without --report-file: the commands follow the text summary on stderr, file= relative to exec's working directory (WAY-5, EXEC-11)",
  async () => {
    await using dir = await usingTempDir();
    await setup(dir);
    const r = await cli(
      ["exec", "--format", "github", "deploy.yaml", "--", "bash", "failing.sh"],
      { cwd: dir.join("ci") },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, "On branch main\n");
    const summary = r.stderr.indexOf('✗ Scenario "deploy-app" incomplete');
    assert.ok(summary >= 0, r.stderr);
    assert.ok(r.stderr.endsWith(failingGitHub("deploy.yaml")), r.stderr);
    assert.ok(r.stderr.indexOf("::error") > summary);
  },
);
