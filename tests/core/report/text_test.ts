import assert from "node:assert/strict";
import { formatUnexpectedCall, renderVerifyText } from "../../../core/report/text.ts";
import { verifyState } from "../../../core/replay/verify.ts";
import { deployApp, getNodes, makeScenario, makeState, type StateSpec } from "../_fixtures.ts";

/** deploy-app with the same steps but no explicit `calls` block. */
function deployAppNoExplicit() {
  return makeScenario({
    name: "deploy-app",
    steps: [
      { argv: ["git", "status"] },
      {
        group: "pre-flight",
        steps: [{ argv: ["az", "account", "show"] }, { argv: ["docker", "info"] }],
      },
      { argv: ["kubectl", "get", "pods", "-n", '{{ .regex "^prod-.*" }}'] },
    ],
  });
}

Deno.test("renderVerifyText() renders the VERIFY-5 report (VERIFY-5)", async (t) => {
  const cases: {
    name: string;
    scenario: ReturnType<typeof deployApp>;
    state: StateSpec;
    expected: string;
  }[] = [
    {
      name: "passed, no explicit calls: the header only (contract example)",
      scenario: deployAppNoExplicit(),
      state: { counts: [1, 1, 1, 1] },
      expected: '✓ Scenario "deploy-app" completed: 4/4 steps consumed\n',
    },
    {
      name: "passed with an explicit calls block: header and step lines",
      scenario: deployApp(),
      state: { counts: [1, 1, 1, 1] },
      expected: [
        '✓ Scenario "deploy-app" completed: 4/4 steps consumed',
        "  Step 1: git status — 1 call ✓",
        "  Step 2: [group:pre-flight] az account show — 1 call ✓",
        "  Step 3: [group:pre-flight] docker info — 1 call (min: 0, max: 2) ✓",
        '  Step 4: kubectl get pods -n {{ .regex "^prod-.*" }} — 1 call ✓',
        "",
      ].join("\n"),
    },
    {
      name: "failed: incomplete with an unexpected call (contract example)",
      scenario: deployApp(),
      state: { counts: [1, 0, 1, 0], unexpected: [getNodes()] },
      expected: [
        '✗ Scenario "deploy-app" incomplete',
        "  consumed: 2/4 steps",
        "  Step 1: git status — 1 call ✓",
        "  Step 2: [group:pre-flight] az account show — 0 calls ✗ needs 1 more",
        "  Step 3: [group:pre-flight] docker info — 1 call (min: 0, max: 2) ✓",
        '  Step 4: kubectl get pods -n {{ .regex "^prod-.*" }} — 0 calls ✗ needs 1 more',
        "  Unexpected calls (1):",
        '    - ["kubectl", "get", "nodes"] (mismatch at step 2)',
        // LANG-1: after the contract's text, the step that accepts the call.
        "  To accept this call, add:",
        '    # in group "pre-flight"',
        "    - match:",
        "        argv: [kubectl, get, nodes]",
        '      respond: {stdout: ""}',
        "",
      ].join("\n"),
    },
    {
      name: "failed only by unexpected calls, with every reason and a cut list",
      scenario: deployAppNoExplicit(),
      state: {
        counts: [1, 1, 2, 1],
        unexpected: [
          getNodes(),
          { argv: ["kubectl", "apply", "-f", "-"], reason: "stdin", stepIndex: 3 },
          { argv: ["git", "status"], reason: "complete", stepIndex: null },
        ],
        unexpectedCount: 5,
      },
      expected: [
        '✗ Scenario "deploy-app" failed: 5 unexpected calls',
        "  consumed: 4/4 steps",
        "  Step 1: git status — 1 call ✓",
        "  Step 2: [group:pre-flight] az account show — 1 call ✓",
        "  Step 3: [group:pre-flight] docker info — 2 calls ✓",
        '  Step 4: kubectl get pods -n {{ .regex "^prod-.*" }} — 1 call ✓',
        "  Unexpected calls (5):",
        '    - ["kubectl", "get", "nodes"] (mismatch at step 2)',
        '    - ["kubectl", "apply", "-f", "-"] (stdin mismatch at step 4)',
        '    - ["git", "status"] (after completion)',
        "    ...+2 more",
        "  To accept these calls, add:",
        '    # in group "pre-flight"',
        "    - match:",
        "        argv: [kubectl, get, nodes]",
        '      respond: {stdout: ""}',
        "    # before step 4",
        "    - match:",
        "        argv: [kubectl, apply, -f, '-']",
        '      respond: {stdout: ""}',
        "    # after step 4, the last (step 1 has this argv)",
        "    - match:",
        "        argv: [git, status]",
        '      respond: {stdout: ""}',
        "",
      ].join("\n"),
    },
    {
      name: "failed by one unexpected call: singular",
      scenario: makeScenario({ name: "s", steps: [{ argv: ["a"] }] }),
      state: { counts: [1], unexpected: [{ argv: ["b"], reason: "mismatch", stepIndex: 0 }] },
      expected: [
        '✗ Scenario "s" failed: 1 unexpected call',
        "  consumed: 1/1 steps",
        "  Step 1: a — 1 call ✓",
        "  Unexpected calls (1):",
        '    - ["b"] (mismatch at step 1)',
        "  To accept this call, add:",
        "    # before step 1",
        "    - match:",
        "        argv: [b]",
        '      respond: {stdout: ""}',
        "",
      ].join("\n"),
    },
    {
      name: "needs counts the missing calls",
      scenario: makeScenario({ name: "s", steps: [{ argv: ["poll"], calls: { min: 3, max: 5 } }] }),
      state: { counts: [1] },
      expected: [
        '✗ Scenario "s" incomplete',
        "  consumed: 1/1 steps",
        "  Step 1: poll — 1 call (min: 3, max: 5) ✗ needs 2 more",
        "",
      ].join("\n"),
    },
  ];
  for (const { name, scenario, state, expected } of cases) {
    await t.step(name, () => {
      const result = verifyState(scenario, makeState(scenario, state), {});
      assert.equal(renderVerifyText(result), expected);
    });
  }
});

Deno.test("renderVerifyText() cuts labels longer than 60 characters (VERIFY-5)", async (t) => {
  const cases = [
    { label: "x".repeat(60), shown: "x".repeat(60) },
    { label: "x".repeat(61), shown: `${"x".repeat(57)}...` },
    { label: `${"é".repeat(58)}😀😀😀`, shown: `${"é".repeat(57)}...` },
  ];
  for (const { label, shown } of cases) {
    await t.step(`${Array.from(label).length} characters`, () => {
      const text = renderVerifyText({
        scenario: "s",
        session: "default",
        passed: false,
        totalSteps: 1,
        consumedSteps: 0,
        steps: [{
          index: 0,
          label,
          callCount: 0,
          min: 1,
          max: 1,
          passed: false,
          explicitCalls: false,
        }],
        unexpectedCalls: [],
        unexpectedCount: 0,
      });
      assert.equal(text.split("\n")[2], `  Step 1: ${shown} — 0 calls ✗ needs 1 more`);
    });
  }
});

Deno.test("renderVerifyText() renders error results (VERIFY-8, VERIFY-9)", async (t) => {
  const scenario = deployApp();
  const cases = [
    {
      name: "no state found, scenario as given (VERIFY-8)",
      state: undefined,
      scenarioArg: "tests/deploy.yaml",
      expected: 'cli-replay: no state found for "deploy-app"\n' +
        "  run 'cli-replay run tests/deploy.yaml' first\n",
    },
    {
      name: "no state found, no scenario argument",
      state: undefined,
      scenarioArg: undefined,
      expected: 'cli-replay: no state found for "deploy-app"\n' +
        "  run 'cli-replay run <scenario>' first\n",
    },
    {
      name: "scenario changed (VERIFY-9)",
      state: makeState(scenario, { totalSteps: 3, counts: [1, 1, 1] }),
      scenarioArg: "deploy.yaml",
      expected: 'cli-replay: scenario changed since the session started for "deploy-app"\n' +
        "  run 'cli-replay clean deploy.yaml' and start a new session\n",
    },
  ];
  for (const { name, state, scenarioArg, expected } of cases) {
    await t.step(name, () => {
      const result = verifyState(scenario, state, {});
      const opts = scenarioArg === undefined ? {} : { scenarioArg };
      assert.equal(renderVerifyText(result, opts), expected);
    });
  }
});

Deno.test("formatUnexpectedCall() names the reason (VERIFY-5)", async (t) => {
  const cases = [
    { call: getNodes(), expected: '["kubectl", "get", "nodes"] (mismatch at step 2)' },
    {
      call: { argv: ["a"], reason: "stdin" as const, stepIndex: 0 },
      expected: '["a"] (stdin mismatch at step 1)',
    },
    {
      call: { argv: ["a"], reason: "complete" as const, stepIndex: null },
      expected: '["a"] (after completion)',
    },
  ];
  for (const { call, expected } of cases) {
    await t.step(expected, () => assert.equal(formatUnexpectedCall(call), expected));
  }
});
