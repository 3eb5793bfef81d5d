import assert from "node:assert/strict";
import { renderTap } from "../../../core/report/tap.ts";
import { verifyState } from "../../../core/replay/verify.ts";
import type { VerifyResult } from "../../../core/types.ts";
import { readTapStrict } from "../../_tap.ts";
import { getNodes, makeState } from "../_fixtures.ts";
import { DEPLOY_YAML, ODD_YAML, parsed } from "./_scenarios.ts";

const deploy = parsed(DEPLOY_YAML);

interface Case {
  name: string;
  result: VerifyResult;
  file?: string;
  expected: string;
  /** The consumer's verdict and counts. */
  reading: { ok: boolean; pass: number; fail: number; skip: number };
}

const CASES: Case[] = [
  {
    name: "passed: one ok point per step, the optional step never called is a SKIP",
    result: verifyState(deploy, makeState(deploy, { counts: [1, 1, 0, 1] }), { session: "s1" }),
    file: "ci/deploy.yaml",
    expected: `TAP version 14
1..4
# scenario "deploy-app", session s1
ok 1 - step[0]: git status
ok 2 - [group:pre-flight] step[1]: az account show
ok 3 - [group:pre-flight] step[2]: docker info # SKIP optional step (min=0), not called
ok 4 - step[3]: kubectl get pods
`,
    reading: { ok: true, pass: 4, fail: 0, skip: 1 },
  },
  {
    name: "failed steps (a group member among them) carry counts, bounds and their YAML line",
    result: verifyState(deploy, makeState(deploy, { counts: [1, 0, 2, 0] }), {}),
    file: "ci/deploy.yaml",
    expected: `TAP version 14
1..4
# scenario "deploy-app", session default
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
    file: "ci/deploy.yaml"
    line: 8
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
    file: "ci/deploy.yaml"
    line: 11
  ...
`,
    reading: { ok: false, pass: 2, fail: 2, skip: 0 },
  },
  {
    name: "one point per unexpected call (line of the expected step; none after completion), " +
      "one for those not retained",
    result: verifyState(
      deploy,
      makeState(deploy, {
        counts: [1, 1, 0, 1],
        unexpected: [getNodes(), { argv: ["git", "push"], reason: "complete", stepIndex: null }],
        unexpectedCount: 4,
      }),
      {},
    ),
    file: "ci/deploy.yaml",
    expected: `TAP version 14
1..7
# scenario "deploy-app", session default
ok 1 - step[0]: git status
ok 2 - [group:pre-flight] step[1]: az account show
ok 3 - [group:pre-flight] step[2]: docker info # SKIP optional step (min=0), not called
ok 4 - step[3]: kubectl get pods
not ok 5 - unexpected call: ["kubectl", "get", "nodes"] (mismatch at step 2)
  ---
  message: "unexpected call (mismatch at step 2)"
  severity: fail
  data:
    argv: ["kubectl", "get", "nodes"]
    reason: mismatch
    step_index: 1
  at:
    file: "ci/deploy.yaml"
    line: 8
  ...
not ok 6 - unexpected call: ["git", "push"] (after completion)
  ---
  message: "unexpected call (after completion)"
  severity: fail
  data:
    argv: ["git", "push"]
    reason: complete
    step_index: null
  at:
    file: "ci/deploy.yaml"
  ...
not ok 7 - 2 more unexpected calls (not retained)
  ---
  message: "4 unexpected calls in all; the first 2 are listed"
  severity: fail
  data:
    unexpected_count: 4
    retained: 2
  at:
    file: "ci/deploy.yaml"
  ...
`,
    reading: { ok: false, pass: 4, fail: 3, skip: 1 },
  },
  {
    name: "no state: a single failing point named state (VERIFY-8)",
    result: verifyState(deploy, undefined, {}),
    file: "ci/deploy.yaml",
    expected: `TAP version 14
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
    reading: { ok: false, pass: 0, fail: 1, skip: 0 },
  },
  {
    name: "scenario changed: a single failing point, without file when none is given (VERIFY-9)",
    result: verifyState(deploy, makeState(deploy, { totalSteps: 2, counts: [0, 0] }), {}),
    expected: `TAP version 14
1..1
# scenario "deploy-app", session default
not ok 1 - state
  ---
  message: "scenario changed since the session started"
  severity: fail
  data:
    error: "scenario changed since the session started"
  ...
`,
    reading: { ok: false, pass: 0, fail: 1, skip: 0 },
  },
  {
    name: "escaping: # and \\ in descriptions, CR/LF shown as \\r \\n, YAML strings quoted",
    result: (() => {
      const s = parsed(ODD_YAML);
      return verifyState(
        s,
        makeState(s, {
          counts: [0],
          unexpected: [{ argv: ["echo", "x\ny", "50%"], reason: "mismatch", stepIndex: 0 }],
        }),
        {},
      );
    })(),
    file: `ci/we%ird:name,1 "q".yaml`,
    expected: `TAP version 14
1..2
# scenario "odd # name\\nline2", session default
not ok 1 - step[0]: echo a\\#b c\\\\d l1\\nl2\\r 100% k:v,w
  ---
  message: "called 0 times, minimum 1 required"
  severity: fail
  data:
    call_count: 0
    min: 1
    max: 1
  at:
    file: "ci/we%ird:name,1 \\"q\\".yaml"
    line: 3
  ...
not ok 2 - unexpected call: ["echo", "x\\\\ny", "50%"] (mismatch at step 1)
  ---
  message: "unexpected call (mismatch at step 1)"
  severity: fail
  data:
    argv: ["echo", "x\\ny", "50%"]
    reason: mismatch
    step_index: 0
  at:
    file: "ci/we%ird:name,1 \\"q\\".yaml"
    line: 3
  ...
`,
    reading: { ok: false, pass: 0, fail: 2, skip: 0 },
  },
];

Deno.test("renderTap() writes a TAP 14 stream that a strict TAP consumer reads (WAY-5)", async (t) => {
  for (const c of CASES) {
    await t.step(c.name, () => {
      const tap = renderTap(c.result, c.file === undefined ? {} : { file: c.file });
      assert.equal(tap, c.expected);
      const reading = readTapStrict(tap);
      assert.deepEqual(
        { ok: reading.ok, pass: reading.pass, fail: reading.fail, skip: reading.skip },
        c.reading,
      );
      assert.equal(reading.ok, c.result.passed);
    });
  }
});

Deno.test("renderTap() round-trips names and values through the consumer (WAY-5)", () => {
  const s = parsed(ODD_YAML);
  const result = verifyState(
    s,
    makeState(s, {
      counts: [0],
      unexpected: [{
        argv: ["echo", "x\ny\r", "50%", "\u0085\u007f\uFFFE"],
        reason: "stdin",
        stepIndex: 0,
      }],
    }),
    {},
  );
  const file = `ci/we%ird:name,1 "q"\n.yaml`;
  const tap = renderTap(result, { file });
  // YAML 1.2 allows only printable characters in a stream: the others are escaped
  assert.match(tap, /argv: \["echo", "x\\ny\\r", "50%", "\u0085\\u007F\\uFFFE"\]/);
  const reading = readTapStrict(tap);
  const [step, call] = reading.points;
  // `#` and `\` come back as written; line breaks stay visible as `\n` and `\r`
  assert.equal(step?.name, "step[0]: echo a#b c\\d l1\\nl2\\r 100% k:v,w");
  assert.deepEqual(step?.diag, {
    message: "called 0 times, minimum 1 required",
    severity: "fail",
    data: { call_count: 0, min: 1, max: 1 },
    at: { file, line: 3 },
  });
  // the YAML block gives back the exact argv, control characters included
  assert.deepEqual(call?.diag?.data, {
    argv: ["echo", "x\ny\r", "50%", "\u0085\u007f\uFFFE"],
    reason: "stdin",
    step_index: 0,
  });
  assert.deepEqual(reading.comments, ['# scenario "odd # name\\nline2", session default\n']);
});

Deno.test("renderTap() lines point at the failing step in the scenario source (WAY-5)", () => {
  const lines = DEPLOY_YAML.split("\n");
  const result = verifyState(deploy, makeState(deploy, { counts: [0, 0, 0, 0] }), {});
  const reading = readTapStrict(renderTap(result, { file: "d.yaml" }));
  const failing = reading.points.filter((p) => !p.ok);
  assert.equal(failing.length, 3);
  for (const point of failing) {
    const at = point.diag?.at as { line: number };
    const argv = point.name.replace(/^.*step\[\d+\]: /, "").split(" ").join(", ");
    assert.ok(lines[at.line - 1]?.includes(`argv: [${argv}]`), `${point.name} -> ${at.line}`);
  }
});

Deno.test("renderTap() names no file and no line for steps built without a source (WAY-5)", () => {
  const result: VerifyResult = {
    scenario: "hand-built",
    session: "default",
    passed: false,
    totalSteps: 1,
    consumedSteps: 0,
    steps: [{
      index: 0,
      label: "git push",
      callCount: 0,
      min: 1,
      max: 1,
      passed: false,
      explicitCalls: false,
    }],
    unexpectedCalls: [],
    unexpectedCount: 0,
  };
  const reading = readTapStrict(renderTap(result));
  assert.equal(reading.points[0]?.diag?.at, undefined);
});
