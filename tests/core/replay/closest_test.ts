// LANG-1: which steps come closest to a call no step answered, and why each did not answer.
import assert from "node:assert/strict";
import { rankClosestSteps } from "../../../core/replay/closest.ts";
import { newState, stepCall } from "../../../core/replay/engine.ts";
import type { Scenario, StepOutcome } from "../../../core/types.ts";
import { makeScenario, type StepSpec } from "../_fixtures.ts";

const words = (line: string) => line.split(" ");
const steps = (...lines: string[]): StepSpec[] => lines.map((line) => ({ argv: words(line) }));

/** Runs calls through the real engine and returns the outcome of the last one. */
function lastOutcome(
  sc: Scenario,
  calls: (string | { argv: string; stdin: string })[],
): StepOutcome {
  let state = newState(sc, { scenarioPath: "/s.yaml", scenarioHash: "h", now: new Date(0) });
  let outcome: StepOutcome | undefined;
  calls.forEach((c, i) => {
    const call = typeof c === "string" ? { argv: c } : c;
    const r = stepCall(sc, state, {
      argv: words(call.argv),
      ...("stdin" in call ? { stdin: new TextEncoder().encode(call.stdin) } : {}),
      env: {},
      now: new Date(i + 1),
    });
    state = r.state;
    outcome = r.outcome;
  });
  return outcome!;
}

function closestOf(o: StepOutcome) {
  assert.ok(o.kind === "mismatch" || o.kind === "stdin-mismatch" || o.kind === "complete", o.kind);
  return o.closest ?? [];
}

Deno.test(
  "rankClosestSteps() ranks by longest matching prefix, then matching positions, then step order, at most three, same command only (LANG-1)",
  async (t) => {
    const cases: {
      name: string;
      steps: StepSpec[];
      vars?: Record<string, string>;
      received: string;
      expected: [step: number, prefix: number, matched: number][];
    }[] = [
      {
        name: "prefix first: a shorter pattern with a longer prefix beats more matching positions",
        steps: steps(
          "kubectl describe pods -n prod", // prefix 1, matched 4
          "kubectl get deployments -n prod", // prefix 2, matched 4
          "kubectl get pods", // prefix 3, matched 3
          "helm get pods -n prod", // another command: never listed
          "kubectl get pods -n staging", // prefix 4, matched 4
        ),
        received: "kubectl get pods -n prod",
        expected: [[5, 4, 4], [3, 3, 3], [2, 2, 4]],
      },
      {
        name: "matching positions break a prefix tie",
        steps: steps("kubectl get x -n other", "kubectl get y -n prod"),
        received: "kubectl get z -n prod",
        expected: [[2, 2, 4], [1, 2, 3]],
      },
      {
        name: "ties keep step order",
        steps: steps("git log -5", "git log -3", "git log -2", "git log -1"),
        received: "git log -9",
        expected: [[1, 2, 2], [2, 2, 2], [3, 2, 2]],
      },
      {
        name: "wildcards, regexes and variables count as matching positions (MATCH-3)",
        steps: [
          { argv: ["kubectl", "-n", '{{ .regex "^prod-" }}', "get", "pods"] },
          { argv: ["kubectl", "-n", "{{ .ns }}", "get", "pods"] },
          { argv: ["kubectl", "{{ .any }}", "other", "get", "nodes"] },
        ],
        vars: { ns: "dev" },
        received: "kubectl -n prod-eu get nodes",
        expected: [[1, 4, 4], [3, 2, 4], [2, 2, 3]],
      },
      {
        name: "no step runs the command: nothing is listed",
        steps: steps("git status"),
        received: "terraform plan",
        expected: [],
      },
    ];
    for (const c of cases) {
      await t.step(c.name, () => {
        const sc = makeScenario({
          name: "rank",
          steps: c.steps,
          ...(c.vars ? { vars: c.vars } : {}),
        });
        const closest = rankClosestSteps(sc, words(c.received), {
          vars: c.vars ?? {},
          counts: sc.steps.map(() => 0),
          from: 0,
          to: sc.steps.length,
          blockedBy: 0,
        });
        assert.deepEqual(
          closest.map((s) => [s.stepIndex + 1, s.prefix, s.matched]),
          c.expected,
        );
      });
    }
  },
);

Deno.test(
  "stepCall() puts the closest steps in mismatch, stdin-mismatch and complete outcomes, with why each did not answer (LANG-1)",
  async (t) => {
    const cases: {
      name: string;
      steps: Parameters<typeof makeScenario>[0]["steps"];
      calls: (string | { argv: string; stdin: string })[];
      expected: unknown[];
    }[] = [
      {
        name: "an argv difference names the first differing position (MATCH-9)",
        steps: steps("git fetch", "git log -1"),
        calls: ["git fetch", "git log -2"],
        expected: [
          {
            stepIndex: 1,
            prefix: 2,
            matched: 2,
            difference: {
              kind: "argv",
              diff: {
                position: 2,
                kind: "literal",
                pattern: "-1",
                received: "-2",
                reason: 'expected "-1", got "-2"',
              },
            },
          },
          {
            stepIndex: 0,
            prefix: 1,
            matched: 1,
            difference: {
              kind: "argv",
              diff: {
                position: 1,
                kind: "literal",
                pattern: "fetch",
                received: "log",
                reason: 'expected "fetch", got "log"',
              },
            },
          },
        ],
      },
      {
        name: "a step that has had its calls (STEP-7), after completion",
        steps: steps("git status"),
        calls: ["git status", "git status"],
        expected: [{
          stepIndex: 0,
          prefix: 2,
          matched: 2,
          difference: { kind: "exhausted", count: 1, max: 1 },
        }],
      },
      {
        name: "a step the cursor has passed (a skipped optional step)",
        steps: [{ argv: ["a"], calls: { min: 0, max: 1 } }, { argv: ["b"] }, { argv: ["c"] }],
        calls: ["b", "a"],
        expected: [{ stepIndex: 0, prefix: 1, matched: 1, difference: { kind: "passed" } }],
      },
      {
        name: "a step behind one that still needs calls (STEP-5)",
        steps: steps("a", "b"),
        calls: ["b"],
        expected: [{
          stepIndex: 1,
          prefix: 1,
          matched: 1,
          difference: { kind: "not-yet", blockedBy: 0 },
        }],
      },
      {
        name: "a step whose stdin differs (STDIN-6), ahead of a later one that must wait",
        steps: [
          { argv: ["k", "apply"], stdin: "kind: Pod" },
          { argv: ["k", "apply"] },
        ],
        calls: [{ argv: "k apply", stdin: "kind: Deployment" }],
        expected: [
          { stepIndex: 0, prefix: 2, matched: 2, difference: { kind: "stdin" } },
          { stepIndex: 1, prefix: 2, matched: 2, difference: { kind: "not-yet", blockedBy: 0 } },
        ],
      },
      {
        name: "whole-argv matches rank before partial ones",
        steps: [
          { argv: words("k get pods -A"), calls: { min: 0, max: 1 } },
          ...steps("k get pods", "k get"),
        ],
        calls: ["k get pods", "k get pods"],
        expected: [
          {
            stepIndex: 1,
            prefix: 3,
            matched: 3,
            difference: { kind: "exhausted", count: 1, max: 1 },
          },
          {
            stepIndex: 0,
            prefix: 3,
            matched: 3,
            difference: {
              kind: "argv",
              diff: {
                position: 3,
                kind: "missing",
                pattern: "-A",
                reason: 'missing argument for pattern "-A"',
              },
            },
          },
          {
            stepIndex: 2,
            prefix: 2,
            matched: 2,
            difference: {
              kind: "argv",
              diff: {
                position: 2,
                kind: "extra",
                pattern: "",
                received: "pods",
                reason: 'unexpected extra argument "pods"',
              },
            },
          },
        ],
      },
    ];
    for (const c of cases) {
      await t.step(c.name, () => {
        const sc = makeScenario({ name: "why", steps: c.steps });
        assert.deepEqual(closestOf(lastOutcome(sc, c.calls)), c.expected);
      });
    }
  },
);

Deno.test("rankClosestSteps() honours a custom argv matcher (LIB-4, LANG-1)", () => {
  const sc = makeScenario({ name: "custom", steps: steps("git log", "git status") });
  const closest = rankClosestSteps(sc, ["git", "log"], {
    vars: {},
    counts: [0, 0],
    from: 0,
    to: 2,
    blockedBy: 0,
    match: () => false, // rejects even the equal argv
    limit: 1,
  });
  assert.deepEqual(closest, [{
    stepIndex: 0,
    prefix: 2,
    matched: 2,
    difference: { kind: "argv" },
  }]);
});
