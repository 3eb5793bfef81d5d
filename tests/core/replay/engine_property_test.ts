import assert from "node:assert/strict";
import fc from "fast-check";
import { newState, stepCall } from "../../../core/replay/engine.ts";
import type { Scenario, State } from "../../../core/types.ts";
import { type GroupSpec, makeScenario, type StepSpec } from "../_fixtures.ts";

const enc = new TextEncoder();

/** Small alphabets, so that random calls often match random steps. */
const COMMANDS = ["a", "b", "c"];
const ARGS = ["x", "y"];
const STDINS = ["one", "two"];

const boundsArb = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 0, max: 3 }).chain((min) =>
    fc.integer({ min: Math.max(1, min), max: 4 }).map((max) => ({ min, max }))
  ),
);

const argvArb = fc.tuple(
  fc.constantFrom(...COMMANDS),
  fc.array(fc.constantFrom(...ARGS, "{{ .any }}"), { maxLength: 1 }),
).map(([cmd, rest]) => [cmd, ...rest]);

const leafArb: fc.Arbitrary<StepSpec> = fc.record({
  argv: argvArb,
  calls: boundsArb,
  stdin: fc.option(fc.constantFrom(...STDINS), { nil: undefined }),
  capture: fc.option(fc.constantFrom({ k: "1" }, { k: "2" }, { j: "3" }), { nil: undefined }),
}).map((r): StepSpec => ({
  argv: r.argv,
  stdout: "{{ .capture.k }}",
  ...(r.calls === undefined ? {} : { calls: r.calls }),
  ...(r.stdin === undefined ? {} : { stdin: r.stdin }),
  ...(r.capture === undefined ? {} : { capture: r.capture }),
}));

const elementArb: fc.Arbitrary<StepSpec | GroupSpec> = fc.oneof(
  { weight: 3, arbitrary: leafArb },
  {
    weight: 1,
    arbitrary: fc.array(leafArb, { minLength: 1, maxLength: 3 }).map((steps) => ({
      group: "g",
      steps,
    })),
  },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc.array(elementArb, { minLength: 1, maxLength: 6 })
  .map((steps) => {
    let n = 0;
    const named = steps.map((e) => ("group" in e ? { ...e, group: `group-${++n}` } : e));
    return makeScenario({ name: "prop", steps: named });
  });

const callArb = fc.record({
  argv: fc.oneof(argvArb, fc.constant(["zzz"])),
  stdin: fc.option(
    fc.oneof(
      fc.constantFrom(...STDINS, "one\r\n", "").map((t) => enc.encode(t)),
      fc.constant("too-large" as const),
    ),
    { nil: undefined },
  ),
});

/** STATE-13: the invariants every written state keeps. */
function assertInvariants(sc: Scenario, st: State): void {
  const total = sc.steps.length;
  assert.equal(st.totalSteps, total);
  assert.ok(Number.isInteger(st.currentStep));
  assert.ok(st.currentStep >= 0 && st.currentStep <= total, `cursor ${st.currentStep}`);
  assert.equal(st.stepCounts.length, total);
  st.stepCounts.forEach((count, i) => {
    assert.ok(Number.isInteger(count) && count >= 0, `count ${i}`);
    assert.ok(count <= sc.steps[i]!.calls.max, `count ${i} = ${count} > max`);
  });
  const starts = new Set(sc.blocks.map((b) => b.start));
  assert.ok(st.currentStep === total || starts.has(st.currentStep), `cursor ${st.currentStep}`);
  const block = sc.blocks.find((b) => b.start === st.currentStep);
  assert.equal(st.activeGroup, block?.group);
  assert.ok(st.unexpectedCalls.length <= 20);
  assert.ok(st.unexpectedCount >= st.unexpectedCalls.length);
}

Deno.test("stepCall() keeps the STATE-13 invariants for random scenarios and calls", () => {
  fc.assert(
    fc.property(scenarioArb, fc.array(callArb, { maxLength: 30 }), (sc, calls) => {
      let state = newState(sc, { scenarioPath: "/s.yaml", scenarioHash: "h", now: new Date(0) });
      assertInvariants(sc, state);
      calls.forEach((c, i) => {
        const { state: next, outcome } = stepCall(sc, state, {
          argv: c.argv,
          ...(c.stdin === undefined ? {} : { stdin: c.stdin }),
          env: {},
          now: new Date(1000 * (i + 1)),
        });
        assertInvariants(sc, next);
        if (outcome.kind === "matched") {
          // Exactly one count went up by one: the matched step's.
          next.stepCounts.forEach((count, j) => {
            const before = state.stepCounts[j]!;
            assert.equal(count, j === outcome.stepIndex ? before + 1 : before);
          });
          assert.equal(next.unexpectedCount, state.unexpectedCount);
        } else {
          assert.notEqual(outcome.kind, "error");
          // STEP-8: nothing but the unexpected calls changes.
          assert.deepEqual(next.stepCounts, state.stepCounts);
          assert.equal(next.currentStep, state.currentStep);
          assert.deepEqual(next.captures, state.captures);
          assert.equal(next.activeGroup, state.activeGroup);
          assert.equal(next.unexpectedCount, state.unexpectedCount + 1);
        }
        state = next;
      });
    }),
    { numRuns: 500 },
  );
});

Deno.test("stepCall() never answers past max and completes once every block is exhausted", () => {
  fc.assert(
    fc.property(scenarioArb, (sc) => {
      // Call every step exactly max times in flat order: a legal run that ends complete.
      let state = newState(sc, { scenarioPath: "/s.yaml", scenarioHash: "h", now: new Date(0) });
      for (const step of sc.steps) {
        for (let n = 0; n < step.calls.max; n++) {
          const argv = step.argv.map((a) => (a === "{{ .any }}" ? "anything" : a));
          const stdin = step.stdin?.kind === "text" ? enc.encode(step.stdin.template) : undefined;
          const r = stepCall(sc, state, {
            argv,
            ...(stdin === undefined ? {} : { stdin }),
            env: {},
            now: new Date(0),
          });
          assert.equal(r.outcome.kind, "matched");
          assertInvariants(sc, r.state);
          state = r.state;
        }
      }
      assert.equal(state.currentStep, sc.steps.length);
      assert.deepEqual(state.stepCounts, sc.steps.map((st) => st.calls.max));
      const last = stepCall(sc, state, { argv: ["a"], env: {}, now: new Date(0) });
      assert.equal(last.outcome.kind, "complete");
    }),
    { numRuns: 300 },
  );
});
