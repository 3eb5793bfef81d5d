import assert from "node:assert/strict";
import { renderGitHub } from "../../../core/report/github.ts";
import { verifyState } from "../../../core/replay/verify.ts";
import type { VerifyResult } from "../../../core/types.ts";
import { readWorkflowCommands } from "../../_github.ts";
import { getNodes, makeState } from "../_fixtures.ts";
import { DEPLOY_YAML, ODD_YAML, parsed } from "./_scenarios.ts";

const deploy = parsed(DEPLOY_YAML);
const odd = parsed(ODD_YAML);

const CASES: { name: string; result: VerifyResult; file?: string; expected: string }[] = [
  {
    name: "passed: one notice with the summary",
    result: verifyState(deploy, makeState(deploy, { counts: [1, 1, 0, 1] }), {}),
    file: "ci/deploy.yaml",
    expected: "::notice file=ci/deploy.yaml,title=cli-replay%3A passed::" +
      'Scenario "deploy-app" completed: 3/4 steps consumed\n',
  },
  {
    name: "failed steps, a group member among them: one error each, at the step's line",
    result: verifyState(deploy, makeState(deploy, { counts: [1, 0, 2, 0] }), {}),
    file: "ci/deploy.yaml",
    expected: "::error file=ci/deploy.yaml,line=8,title=cli-replay%3A step[1] unmet::" +
      'Scenario "deploy-app": [group:pre-flight] step[1]: az account show — ' +
      "called 0 times, minimum 1 required\n" +
      "::error file=ci/deploy.yaml,line=11,title=cli-replay%3A step[3] unmet::" +
      'Scenario "deploy-app": step[3]: kubectl get pods — called 0 times, minimum 1 required\n',
  },
  {
    name: "unexpected calls: at the expected step's line, without line after completion, " +
      "one more error for those not retained",
    result: verifyState(
      deploy,
      makeState(deploy, {
        counts: [1, 1, 0, 1],
        unexpected: [getNodes(), { argv: ["git", "push"], reason: "complete", stepIndex: null }],
        unexpectedCount: 3,
      }),
      {},
    ),
    file: "ci/deploy.yaml",
    expected: "::error file=ci/deploy.yaml,line=8,title=cli-replay%3A unexpected call::" +
      'Scenario "deploy-app": unexpected call ["kubectl", "get", "nodes"] (mismatch at step 2)\n' +
      "::error file=ci/deploy.yaml,title=cli-replay%3A unexpected call::" +
      'Scenario "deploy-app": unexpected call ["git", "push"] (after completion)\n' +
      "::error file=ci/deploy.yaml,title=cli-replay%3A unexpected call::" +
      'Scenario "deploy-app": 1 more unexpected call (3 in all)\n',
  },
  {
    name: "no state: one error on the file (VERIFY-8)",
    result: verifyState(deploy, undefined, {}),
    file: "ci/deploy.yaml",
    expected: "::error file=ci/deploy.yaml,title=cli-replay%3A no state found::" +
      'Scenario "deploy-app": no state file found for this session\n',
  },
  {
    name: "scenario changed, no file given: no file nor line property (VERIFY-9)",
    result: verifyState(deploy, makeState(deploy, { totalSteps: 2, counts: [0, 0] }), {}),
    expected: "::error title=cli-replay%3A scenario changed since the session started::" +
      'Scenario "deploy-app": scenario changed since the session started\n',
  },
  {
    name: "escaping: % CR LF in messages; % CR LF : , in properties",
    result: verifyState(
      odd,
      makeState(odd, {
        counts: [0],
        unexpected: [{ argv: ["echo", "x\ny", "50%"], reason: "mismatch", stepIndex: 0 }],
      }),
      {},
    ),
    file: "ci/we%ird:name,1\r\n.yaml",
    expected: "::error file=ci/we%25ird%3Aname%2C1%0D%0A.yaml,line=3," +
      "title=cli-replay%3A step[0] unmet::" +
      'Scenario "odd # name%0Aline2": step[0]: echo a#b c\\d l1%0Al2%0D 100%25 k:v,w — ' +
      "called 0 times, minimum 1 required\n" +
      "::error file=ci/we%25ird%3Aname%2C1%0D%0A.yaml,line=3,title=cli-replay%3A unexpected call::" +
      'Scenario "odd # name%0Aline2": unexpected call ["echo", "x\\ny", "50%25"] (mismatch at step 1)\n',
  },
];

Deno.test("renderGitHub() writes one workflow command per finding (WAY-5)", async (t) => {
  for (const c of CASES) {
    await t.step(c.name, () => {
      const text = renderGitHub(c.result, c.file === undefined ? {} : { file: c.file });
      assert.equal(text, c.expected);
      const commands = readWorkflowCommands(text);
      assert.ok(commands.every((cmd) => cmd.command === (c.result.passed ? "notice" : "error")));
      if (c.file !== undefined) {
        assert.ok(commands.every((cmd) => cmd.properties.file === c.file));
      }
    });
  }
});

Deno.test("renderGitHub() escaping round-trips through the runner's unescaping (WAY-5)", () => {
  const file = "dir,with:odd%chars\r\n/s.yaml";
  const result = verifyState(odd, makeState(odd, { counts: [0] }), {});
  const [cmd, ...rest] = readWorkflowCommands(renderGitHub(result, { file }));
  assert.deepEqual(rest, []);
  assert.deepEqual(cmd, {
    command: "error",
    properties: { file, line: "3", title: "cli-replay: step[0] unmet" },
    message: `Scenario "odd # name\nline2": step[0]: echo a#b c\\d l1\nl2\r 100% k:v,w — ` +
      "called 0 times, minimum 1 required",
  });
});

Deno.test("renderGitHub() line= is the line of the step in the scenario source (WAY-5)", () => {
  const lines = DEPLOY_YAML.split("\n");
  const result = verifyState(deploy, makeState(deploy, { counts: [0, 0, 0, 0] }), {});
  const commands = readWorkflowCommands(renderGitHub(result, { file: "d.yaml" }));
  assert.equal(commands.length, 3);
  for (const cmd of commands) {
    const line = Number(cmd.properties.line);
    const argv = cmd.message.replace(/^.*step\[\d+\]: (.*) — .*$/, "$1").split(" ").join(", ");
    assert.ok(lines[line - 1]?.includes(`argv: [${argv}]`), `${cmd.message} -> ${line}`);
  }
});
