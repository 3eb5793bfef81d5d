import assert from "node:assert/strict";
import { stepLabel, verifyState } from "../../../core/replay/verify.ts";
import type { VerifyResult } from "../../../core/types.ts";
import { deployApp, getNodes, makeScenario, makeState } from "../_fixtures.ts";

Deno.test("stepLabel() joins the argv pattern as written (VERIFY-4)", async (t) => {
  const steps = deployApp().steps;
  const cases = [
    { index: 0, expected: "git status" },
    { index: 1, expected: "[group:pre-flight] az account show" },
    { index: 2, expected: "[group:pre-flight] docker info" },
    { index: 3, expected: 'kubectl get pods -n {{ .regex "^prod-.*" }}' },
  ];
  for (const { index, expected } of cases) {
    await t.step(expected, () => {
      const step = steps[index];
      assert.ok(step);
      assert.equal(stepLabel(step), expected);
    });
  }
});

Deno.test("verifyState() builds error results (VERIFY-8, VERIFY-9)", async (t) => {
  const scenario = deployApp();
  const errorResult = (session: string, message: string): VerifyResult => ({
    scenario: "deploy-app",
    session,
    passed: false,
    totalSteps: 0,
    consumedSteps: 0,
    error: {
      kind: message === "no state found" ? "no-state" : "scenario-changed",
      message,
    },
    steps: [],
    unexpectedCalls: [],
    unexpectedCount: 0,
  });
  const cases = [
    {
      name: "no state, no session (VERIFY-8)",
      state: undefined,
      opts: {},
      expected: errorResult("default", "no state found"),
    },
    {
      name: "no state, with a session (VERIFY-8)",
      state: undefined,
      opts: { session: "3f9a0c1d2e4b5a67" },
      expected: errorResult("3f9a0c1d2e4b5a67", "no state found"),
    },
    {
      name: "state with another number of steps (VERIFY-9)",
      state: makeState(scenario, { totalSteps: 5, counts: [1, 1, 0, 1, 0] }),
      opts: { session: "" },
      expected: errorResult("default", "scenario changed since the session started"),
    },
  ];
  for (const { name, state, opts, expected } of cases) {
    await t.step(name, () => assert.deepEqual(verifyState(scenario, state, opts), expected));
  }
});

Deno.test("verifyState() reports every step and the unexpected calls (VERIFY-2)", () => {
  const scenario = deployApp();
  const state = makeState(scenario, { counts: [1, 0, 1, 0], unexpected: [getNodes()] });
  assert.deepEqual(verifyState(scenario, state, { session: "3f9a0c1d2e4b5a67" }), {
    scenario: "deploy-app",
    session: "3f9a0c1d2e4b5a67",
    passed: false,
    totalSteps: 4,
    consumedSteps: 2,
    steps: [
      {
        index: 0,
        label: "git status",
        callCount: 1,
        min: 1,
        max: 1,
        passed: true,
        explicitCalls: false,
      },
      {
        index: 1,
        label: "[group:pre-flight] az account show",
        group: "pre-flight",
        callCount: 0,
        min: 1,
        max: 1,
        passed: false,
        explicitCalls: false,
      },
      {
        index: 2,
        label: "[group:pre-flight] docker info",
        group: "pre-flight",
        callCount: 1,
        min: 0,
        max: 2,
        passed: true,
        explicitCalls: true,
      },
      {
        index: 3,
        label: 'kubectl get pods -n {{ .regex "^prod-.*" }}',
        callCount: 0,
        min: 1,
        max: 1,
        passed: false,
        explicitCalls: false,
      },
    ],
    unexpectedCalls: [{ argv: ["kubectl", "get", "nodes"], reason: "mismatch", stepIndex: 1 }],
    unexpectedCount: 1,
  });
});

Deno.test("verifyState() passes only when every min is met and nothing was unexpected (VERIFY-3)", async (t) => {
  const scenario = deployApp();
  const cases = [
    { name: "all steps called once", counts: [1, 1, 0, 1], unexpected: 0, passed: true },
    { name: "optional step called twice", counts: [1, 1, 2, 1], unexpected: 0, passed: true },
    { name: "a required step not called", counts: [1, 0, 0, 1], unexpected: 0, passed: false },
    {
      name: "satisfied, with an unexpected call",
      counts: [1, 1, 0, 1],
      unexpected: 1,
      passed: false,
    },
    { name: "nothing called", counts: [0, 0, 0, 0], unexpected: 0, passed: false },
  ];
  for (const { name, counts, unexpected, passed } of cases) {
    await t.step(name, () => {
      const state = makeState(scenario, {
        counts,
        unexpected: unexpected > 0 ? [getNodes()] : [],
      });
      const result = verifyState(scenario, state, {});
      assert.equal(result.passed, passed);
      assert.equal(result.consumedSteps, counts.filter((c) => c > 0).length);
      assert.equal(result.session, "default");
    });
  }
});

Deno.test("verifyState() keeps at most 20 unexpected calls and the total count (VERIFY-2)", async (t) => {
  const scenario = makeScenario({ name: "s", steps: [{ argv: ["a"] }] });
  await t.step("retained list is cut at 20, count kept", () => {
    const unexpected = Array.from({ length: 25 }, (_, i) => ({
      argv: ["b", String(i)],
      reason: "mismatch" as const,
      stepIndex: 0,
    }));
    const result = verifyState(
      scenario,
      makeState(scenario, { counts: [1], unexpected, unexpectedCount: 42 }),
      {},
    );
    assert.equal(result.unexpectedCalls.length, 20);
    assert.equal(result.unexpectedCount, 42);
    assert.deepEqual(result.unexpectedCalls[19], {
      argv: ["b", "19"],
      reason: "mismatch",
      stepIndex: 0,
    });
  });
  await t.step("reasons and null step indices pass through", () => {
    const result = verifyState(
      scenario,
      makeState(scenario, {
        counts: [1],
        unexpected: [
          { argv: ["a"], reason: "complete", stepIndex: null },
          { argv: ["a", "-"], reason: "stdin", stepIndex: 0 },
        ],
      }),
      {},
    );
    assert.deepEqual(result.unexpectedCalls, [
      // LANG-1: step 1's argv matches the call made after completion.
      { argv: ["a"], reason: "complete", stepIndex: null, argvMatchesStep: 0 },
      { argv: ["a", "-"], reason: "stdin", stepIndex: 0 },
    ]);
    assert.equal(result.unexpectedCount, 2);
    assert.equal(result.passed, false);
  });
  await t.step(
    "argvMatchesStep names the first step whose argv matches, with meta.vars (LANG-1)",
    () => {
      const sc = makeScenario({
        name: "s",
        vars: { ns: "prod" },
        steps: [{ argv: ["k", "get"] }, { argv: ["k", "-n", "{{ .ns }}"] }, {
          argv: ["k", "-n", "prod"],
        }],
      });
      const result = verifyState(
        sc,
        makeState(sc, {
          counts: [0, 0, 0],
          unexpected: [
            { argv: ["k", "-n", "prod"], reason: "mismatch", stepIndex: 0 },
            { argv: ["k", "-n", "dev"], reason: "mismatch", stepIndex: 0 },
          ],
        }),
      );
      assert.deepEqual(result.unexpectedCalls.map((u) => u.argvMatchesStep), [1, undefined]);
    },
  );
  await t.step("missing counts read as 0", () => {
    const result = verifyState(scenario, makeState(scenario, { counts: [] }), {});
    assert.equal(result.steps[0]?.callCount, 0);
    assert.equal(result.passed, false);
  });
});
