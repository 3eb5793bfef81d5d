import { MAX_UNEXPECTED_CALLS } from "../../../core/limits.ts";
import assert from "node:assert/strict";
import {
  type CallInput,
  effectiveVars,
  needsStdin,
  newState,
  stepCall,
} from "../../../core/replay/engine.ts";
import type { Content, Scenario, State, StepOutcome } from "../../../core/types.ts";
import { type GroupSpec, makeScenario, makeState, type StepSpec } from "../_fixtures.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Splits on spaces, keeping each `{{ … }}` action in one word. */
function words(line: string): string[] {
  return line.match(/\{\{.*?\}\}|\S+/g) ?? [];
}

/** A leaf step whose argv is the words of `line`, with optional bounds `[min, max]`. */
function s(line: string, bounds?: [number, number], extra: Partial<StepSpec> = {}): StepSpec {
  return {
    argv: words(line),
    ...(bounds === undefined ? {} : { calls: { min: bounds[0], max: bounds[1] } }),
    ...extra,
  };
}

function g(name: string, ...steps: StepSpec[]): GroupSpec {
  return { group: name, steps };
}

function scenario(...steps: (StepSpec | GroupSpec)[]): Scenario {
  return makeScenario({ name: "t", steps });
}

const T0 = Date.UTC(2026, 1, 7, 10, 30, 0, 123);

function fresh(sc: Scenario): State {
  return newState(sc, { scenarioPath: "/p/s.yaml", scenarioHash: "h", now: new Date(T0) });
}

/** One call: a string is the argv split on spaces. */
type CallSpec = string | (Partial<CallInput> & { argv: string[] });

function toCall(c: CallSpec, i: number): CallInput {
  const base: CallInput = typeof c === "string"
    ? { argv: words(c), env: {}, now: new Date(T0 + 1000 * (i + 1)) }
    : { env: {}, now: new Date(T0 + 1000 * (i + 1)), ...c };
  return base;
}

/** A compact outcome: `matched:2`, `mismatch:1`, `stdin:3`, `complete`, `error`. */
function short(o: StepOutcome): string {
  switch (o.kind) {
    case "matched":
      return `matched:${o.stepIndex}`;
    case "mismatch":
      return `mismatch:${o.subject.stepIndex}`;
    case "stdin-mismatch":
      return `stdin:${o.stepIndex}`;
    case "env-mismatch":
      return `env:${o.stepIndex}`;
    case "forbidden":
      return `forbidden:${o.forbidIndex}`;
    case "complete":
      return "complete";
    case "error":
      return "error";
  }
}

/** Runs the calls in order from `state` and returns every outcome and the final state. */
function run(sc: Scenario, calls: CallSpec[], state: State = fresh(sc)) {
  const outcomes: StepOutcome[] = [];
  const states: State[] = [state];
  calls.forEach((c, i) => {
    const r = stepCall(sc, state, toCall(c, i));
    outcomes.push(r.outcome);
    state = r.state;
    states.push(state);
  });
  return { outcomes, state, states, summary: outcomes.map(short) };
}

function text(o: StepOutcome): string {
  assert.equal(o.kind, "matched");
  return dec.decode((o as { stdout: Uint8Array }).stdout);
}

/** The parts of a state a mismatch must not touch (STEP-8). */
function progress(st: State) {
  return {
    currentStep: st.currentStep,
    stepCounts: st.stepCounts,
    captures: st.captures,
    activeGroup: st.activeGroup,
  };
}

Deno.test("stepCall() follows every worked example of STEP-10", async (t) => {
  const rows: {
    name: string;
    steps: (StepSpec | GroupSpec)[];
    calls: string[];
    expected: string[];
    counts: number[];
    cursor: number;
  }[] = [
    {
      name: "A, B | A, B → both matched; complete",
      steps: [s("A"), s("B")],
      calls: ["A", "B"],
      expected: ["matched:0", "matched:1"],
      counts: [1, 1],
      cursor: 2,
    },
    {
      name: "A, B | B → mismatch at step 1",
      steps: [s("A"), s("B")],
      calls: ["B"],
      expected: ["mismatch:0"],
      counts: [0, 0],
      cursor: 0,
    },
    {
      name: "A {1,5}, B | A, A, A, B → A counted 3, B matched",
      steps: [s("A", [1, 5]), s("B")],
      calls: ["A", "A", "A", "B"],
      expected: ["matched:0", "matched:0", "matched:0", "matched:1"],
      counts: [3, 1],
      cursor: 2,
    },
    {
      name: "A {1,5}, B | A ×5, A → 6th A is a mismatch at step 2",
      steps: [s("A", [1, 5]), s("B")],
      calls: ["A", "A", "A", "A", "A", "A"],
      expected: ["matched:0", "matched:0", "matched:0", "matched:0", "matched:0", "mismatch:1"],
      counts: [5, 0],
      cursor: 1,
    },
    {
      name: "A, B {0,1}, C {0,1}, D | A, D → D matched (B, C skipped)",
      steps: [s("A"), s("B", [0, 1]), s("C", [0, 1]), s("D")],
      calls: ["A", "D"],
      expected: ["matched:0", "matched:3"],
      counts: [1, 0, 0, 1],
      cursor: 4,
    },
    {
      name: "A {2,3}, B | A, B → mismatch: A needs 2",
      steps: [s("A", [2, 3]), s("B")],
      calls: ["A", "B"],
      expected: ["matched:0", "mismatch:0"],
      counts: [1, 0],
      cursor: 0,
    },
    {
      name: "A, B {0,1} | A, B, B → 2nd B: complete",
      steps: [s("A"), s("B", [0, 1])],
      calls: ["A", "B", "B"],
      expected: ["matched:0", "matched:1", "complete"],
      counts: [1, 1],
      cursor: 2,
    },
    {
      name: "A, B {0,1} | A, C → mismatch, subject step 2 (last block tried)",
      steps: [s("A"), s("B", [0, 1])],
      calls: ["A", "C"],
      expected: ["matched:0", "mismatch:1"],
      counts: [1, 0],
      cursor: 1,
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const sc = scenario(...row.steps);
      const r = run(sc, row.calls);
      assert.deepEqual(r.summary, row.expected);
      assert.deepEqual(r.state.stepCounts, row.counts);
      assert.equal(r.state.currentStep, row.cursor);
    });
  }
  await t.step("a complete outcome names the received argv and the step total", () => {
    const sc = scenario(s("A"));
    const r = run(sc, ["A", "A x"]);
    assert.deepEqual(r.outcomes[1], {
      kind: "complete",
      received: ["A", "x"],
      totalSteps: 1,
      deniedVars: [],
      // LANG-1: the one step shares the command; it differs by the extra argument.
      closest: [{
        stepIndex: 0,
        prefix: 1,
        matched: 1,
        difference: {
          kind: "argv",
          diff: {
            position: 1,
            kind: "extra",
            pattern: "",
            received: "x",
            reason: 'unexpected extra argument "x"',
          },
        },
      }],
    });
  });
});

Deno.test("stepCall() moves the cursor as STEP-3..9 say", async (t) => {
  await t.step("skips exhausted blocks before searching (STEP-3.1)", () => {
    const sc = scenario(s("A"), s("B"), g("G", s("C"), s("D")), s("E"));
    // A state whose cursor was left on exhausted blocks (e.g. written by an older version).
    const st = makeState(sc, { counts: [1, 1, 1, 1, 0], currentStep: 0 });
    const r = stepCall(sc, st, toCall("E", 0));
    assert.equal(short(r.outcome), "matched:4");
    assert.equal(r.state.currentStep, 5);
    assert.deepEqual(r.state.stepCounts, [1, 1, 1, 1, 1]);
  });
  await t.step("past the end after skipping is complete (STEP-3.2)", () => {
    const sc = scenario(s("A"), s("B"));
    const st = makeState(sc, { counts: [1, 1], currentStep: 0 });
    const r = stepCall(sc, st, toCall("A", 0));
    assert.equal(r.outcome.kind, "complete");
    assert.deepEqual(progress(r.state), progress(st));
  });
  await t.step("soft-advance crosses several satisfied leaf steps and groups (STEP-4)", () => {
    const sc = scenario(
      s("A"),
      s("B", [0, 1]),
      g("G1", s("C", [0, 1]), s("D", [0, 2])),
      s("E", [0, 3]),
      g("G2", s("F", [0, 1])),
      s("H"),
    );
    const r = run(sc, ["A", "H"]);
    assert.deepEqual(r.summary, ["matched:0", "matched:6"]);
    assert.equal(r.state.currentStep, 7);
    assert.deepEqual(r.state.stepCounts, [1, 0, 0, 0, 0, 0, 1]);
  });
  await t.step("soft-advance stops at the first unsatisfied block (STEP-4, STEP-5)", () => {
    const sc = scenario(s("A"), s("B", [0, 1]), s("C"), s("D"));
    const r = run(sc, ["A", "D"]);
    assert.deepEqual(r.summary, ["matched:0", "mismatch:2"]);
    const m = r.outcomes[1];
    assert.ok(m?.kind === "mismatch");
    assert.deepEqual(m.tried.map((x) => x.stepIndex), [1]);
    assert.equal(m.subject.stepIndex, 2);
  });
  await t.step("a soft-advance into a group tries every member (STEP-4, GROUP-4)", () => {
    const sc = scenario(s("A"), s("B", [0, 1]), g("G", s("C"), s("D"), s("E")), s("F"));
    const r = run(sc, ["A", "E", "C", "D", "F"]);
    assert.deepEqual(r.summary, ["matched:0", "matched:4", "matched:2", "matched:3", "matched:5"]);
  });
  await t.step("strict order: a block after an unsatisfied block is never tried (STEP-5)", () => {
    const sc = scenario(s("A"), s("B"), s("C"));
    const r = run(sc, ["A", "C"]);
    assert.deepEqual(r.summary, ["matched:0", "mismatch:1"]);
    assert.deepEqual(r.state.stepCounts, [1, 0, 0]);
  });
  await t.step("auto-advance happens only when the block is exhausted (STEP-3.4)", () => {
    const sc = scenario(s("A", [1, 2]), s("B"));
    const r = run(sc, ["A", "A"]);
    assert.deepEqual(r.states.map((x) => x.currentStep), [0, 0, 1]);
  });
  await t.step("a match in a later block moves the cursor to that block (STEP-3.4)", () => {
    const sc = scenario(s("A", [0, 1]), s("B", [1, 3]), s("C"));
    const r = run(sc, ["B"]);
    assert.equal(r.state.currentStep, 1);
    // A is behind the cursor now: it never answers again (B and C are tried, C is the subject).
    assert.deepEqual(run(sc, ["A"], r.state).summary, ["mismatch:2"]);
  });
  await t.step("optional and satisfied polling steps stay candidates (STEP-6)", () => {
    const sc = scenario(s("A"), s("B", [0, 2]), s("C", [1, 2]));
    assert.deepEqual(run(sc, ["A", "B", "B", "C", "C"]).summary, [
      "matched:0",
      "matched:1",
      "matched:1",
      "matched:2",
      "matched:2",
    ]);
    assert.deepEqual(run(sc, ["A", "C", "B"]).summary, ["matched:0", "matched:2", "mismatch:2"]);
  });
  await t.step("an exhausted step never answers again (STEP-7)", () => {
    const sc = scenario(s("A", [1, 2]), s("A"), s("B"));
    const r = run(sc, ["A", "A", "A", "A"]);
    assert.deepEqual(r.summary, ["matched:0", "matched:0", "matched:1", "mismatch:2"]);
    assert.deepEqual(r.state.stepCounts, [2, 1, 0]);
  });
  await t.step("a mismatch changes nothing but unexpected calls (STEP-8)", () => {
    const sc = scenario(s("A", [1, 3]), s("B", [0, 1]), g("G", s("C")), s("D"));
    const before = run(sc, ["A"]).state;
    const r = stepCall(sc, before, toCall("X", 5));
    assert.equal(r.outcome.kind, "mismatch");
    assert.deepEqual(progress(r.state), progress(before));
    assert.equal(r.state.unexpectedCount, 1);
    assert.deepEqual(r.state.unexpectedCalls, [{
      argv: ["X"],
      reason: "mismatch",
      stepIndex: 2,
      at: new Date(T0 + 6000).toISOString(),
    }]);
    // The failed soft-advance moved nothing: a legitimate repeat of A still matches.
    assert.deepEqual(run(sc, ["A"], r.state).summary, ["matched:0"]);
  });
  await t.step("satisfied is not complete (STEP-9)", () => {
    const sc = scenario(s("A", [1, 2]), s("B", [0, 1]));
    const r = run(sc, ["A"]);
    assert.ok(r.state.currentStep < sc.steps.length);
    assert.ok(sc.steps.every((st, i) => (r.state.stepCounts[i] ?? 0) >= st.calls.min));
  });
});

Deno.test("stepCall() reports what was tried on a mismatch (STEP-3.6)", async (t) => {
  await t.step("leaf subject with an argv diff", () => {
    const sc = scenario(s("kubectl get pods"));
    const o = run(sc, ["kubectl get deployments"]).outcomes[0];
    assert.ok(o?.kind === "mismatch");
    assert.deepEqual(o.subject, {
      kind: "step",
      stepIndex: 0,
      candidates: [0],
      counts: [0],
    });
    assert.deepEqual(o.tried, []);
    assert.deepEqual(o.received, ["kubectl", "get", "deployments"]);
    assert.equal(o.diff?.position, 2);
    assert.equal(o.diff?.kind, "literal");
  });
  await t.step("group subject lists its non-exhausted candidates, no diff", () => {
    const sc = scenario(s("A"), s("B", [0, 1]), g("G", s("C"), s("D", [1, 3])), s("E"));
    const r = run(sc, ["A", "D", "X"]);
    const o = r.outcomes[2];
    assert.ok(o?.kind === "mismatch");
    assert.deepEqual(o.subject, {
      kind: "group",
      stepIndex: 2,
      group: 0,
      candidates: [2, 3],
      counts: [0, 1],
    });
    assert.equal(o.diff, undefined);
    assert.deepEqual(o.tried, []);
  });
  await t.step("soft-advanced blocks are listed in tried", () => {
    const sc = scenario(s("A"), s("B", [0, 1]), g("G", s("C", [0, 1])), s("D"));
    const o = run(sc, ["A", "X"]).outcomes[1];
    assert.ok(o?.kind === "mismatch");
    assert.deepEqual(o.tried.map((x) => [x.kind, x.stepIndex]), [["step", 1], ["group", 2]]);
    assert.equal(o.subject.stepIndex, 3);
  });
});

Deno.test("stepCall() runs unordered groups (GROUP-1..8)", async (t) => {
  await t.step("members in any order; the first declared match answers (GROUP-1)", () => {
    const sc = scenario(g("G", s("x {{ .any }}", [1, 1]), s("x a", [1, 1])), s("end"));
    const r = run(sc, ["x a", "x a", "end"]);
    assert.deepEqual(r.summary, ["matched:0", "matched:1", "matched:2"]);
  });
  await t.step("barrier: nothing after the group until all members are satisfied (GROUP-2)", () => {
    const sc = scenario(g("G", s("A"), s("B")), s("C"));
    const r = run(sc, ["A", "C"]);
    assert.deepEqual(r.summary, ["matched:0", "mismatch:0"]);
    const o = r.outcomes[1];
    assert.ok(o?.kind === "mismatch");
    assert.deepEqual(o.subject.candidates, [1]);
  });
  await t.step("auto-advance when every member is exhausted (GROUP-3)", () => {
    const sc = scenario(g("G", s("A"), s("B")), s("C"));
    const r = run(sc, ["B", "A"]);
    assert.deepEqual(r.states.map((x) => x.currentStep), [0, 0, 2]);
    assert.deepEqual(r.states.map((x) => x.activeGroup), [0, 0, undefined]);
  });
  await t.step("an all-optional group is satisfied from the start (GROUP-3)", () => {
    const sc = scenario(g("G", s("A", [0, 1]), s("B", [0, 2])), s("C"));
    assert.deepEqual(run(sc, ["C"]).summary, ["matched:2"]);
  });
  await t.step("entered by auto-advance, all members are candidates (GROUP-4)", () => {
    const sc = scenario(s("A"), g("G", s("B"), s("C")));
    const r = run(sc, ["A", "C", "B", "B"]);
    assert.deepEqual(r.summary, ["matched:0", "matched:2", "matched:1", "complete"]);
    assert.deepEqual(r.states.map((x) => x.activeGroup), [undefined, 0, 0, undefined, undefined]);
  });
  await t.step(
    "consecutive groups: after a satisfied group every member of the next (GROUP-5)",
    () => {
      const sc = scenario(g("G1", s("A", [0, 1]), s("B", [0, 1])), g("G2", s("C"), s("D")));
      const r = run(sc, ["A", "D", "C"]);
      assert.deepEqual(r.summary, ["matched:0", "matched:3", "matched:2"]);
      assert.equal(r.state.currentStep, 4);
    },
  );
  await t.step("per-step bounds apply inside groups (GROUP-6)", () => {
    const sc = scenario(g("G", s("A", [2, 2]), s("B")), s("C"));
    const r = run(sc, ["A", "B", "C", "A", "C"]);
    assert.deepEqual(r.summary, ["matched:0", "matched:1", "mismatch:0", "matched:0", "matched:2"]);
    const o = run(sc, ["A", "A", "A"]).outcomes[2];
    assert.ok(o?.kind === "mismatch");
    assert.deepEqual(o.subject.candidates, [1]);
  });
  await t.step("the GROUP-8 example", async (t) => {
    const sc = scenario(
      g(
        "G",
        s("az account show"),
        s("docker info", [0, 2]),
        s("kubectl cluster-info"),
      ),
      s("kubectl apply -f app.yaml"),
    );
    await t.step("any order, then the step after the group", () => {
      const r = run(sc, [
        "docker info",
        "kubectl cluster-info",
        "az account show",
        "kubectl apply -f app.yaml",
      ]);
      assert.deepEqual(r.summary, ["matched:1", "matched:2", "matched:0", "matched:3"]);
      assert.equal(r.state.currentStep, 4);
    });
    await t.step("the apply before az account show is a group mismatch", () => {
      const r = run(sc, ["docker info", "kubectl cluster-info", "kubectl apply -f app.yaml"]);
      const o = r.outcomes[2];
      assert.ok(o?.kind === "mismatch");
      assert.deepEqual(o.subject, {
        kind: "group",
        stepIndex: 0,
        group: 0,
        candidates: [0, 1],
        counts: [0, 1],
      });
      assert.deepEqual(r.state.stepCounts, [0, 1, 1, 0]);
    });
  });
  await t.step("a group entered after a polling step loses no member", () => {
    const sc = scenario(s("poll", [1, 5]), g("G", s("X"), s("Y"), s("Z")), s("end"));
    const r = run(sc, ["poll", "poll", "Z", "poll", "X", "Y", "end"]);
    assert.deepEqual(r.summary, [
      "matched:0",
      "matched:0",
      "matched:3",
      "mismatch:1",
      "matched:1",
      "matched:2",
      "matched:4",
    ]);
    assert.deepEqual(r.state.stepCounts, [2, 1, 1, 1, 1]);
  });
});

Deno.test("stepCall() applies captures (CAP-2, CAP-3, CAP-5, CAP-6)", async (t) => {
  await t.step("a step renders its own capture on its first call (CAP-2)", () => {
    const sc = scenario(s("A", undefined, {
      stdout: "sub={{ .capture.sub }}",
      capture: { sub: "my-sub" },
    }));
    const r = run(sc, ["A"]);
    assert.equal(text(r.outcomes[0]!), "sub=my-sub");
    assert.deepEqual(r.state.captures, { sub: "my-sub" });
  });
  await t.step("an unset capture renders empty (CAP-3)", () => {
    const sc = scenario(
      s("opt", [0, 1], { capture: { o: "1" } }),
      g(
        "G",
        s("A", undefined, { stdout: "[{{ .capture.b }}|{{ .capture.o }}]" }),
        s("B", undefined, {
          capture: { b: "2" },
        }),
      ),
      s("C", undefined, { stdout: "[{{ .capture.b }}|{{ .capture.o }}]" }),
    );
    const r = run(sc, ["A", "B", "C"]);
    assert.deepEqual(r.summary, ["matched:1", "matched:2", "matched:3"]);
    assert.equal(text(r.outcomes[0]!), "[|]");
    assert.equal(text(r.outcomes[2]!), "[2|]");
  });
  await t.step("captures persist across calls and later values overwrite (CAP-5)", () => {
    const sc = scenario(
      s("A", undefined, { capture: { x: "1", y: "a" } }),
      s("B", undefined, { capture: { x: "2" } }),
      s("C", undefined, { stdout: "{{ .capture.x }}{{ .capture.y }}" }),
    );
    const r = run(sc, ["A", "B", "C"]);
    assert.deepEqual(r.states.map((x) => x.captures), [{}, { x: "1", y: "a" }, {
      x: "2",
      y: "a",
    }, { x: "2", y: "a" }]);
    assert.equal(text(r.outcomes[2]!), "2a");
  });
  await t.step("a mismatch stores no captures", () => {
    const sc = scenario(s("A", undefined, { capture: { x: "1" } }));
    assert.deepEqual(run(sc, ["B"]).state.captures, {});
  });
  await t.step("captures are substituted in argv (LANG-3 reverses CAP-6)", () => {
    const sc = scenario(
      s("A", undefined, { capture: { id: "42" } }),
      s("B {{ .capture.id }}", [0, 2]),
    );
    assert.deepEqual(run(sc, ["A", "B 42"]).summary, ["matched:0", "matched:1"]);
    assert.deepEqual(run(sc, ["A", "B {{ .capture.id }}"]).summary, ["matched:0", "matched:1"]);
    assert.deepEqual(run(sc, ["A", "B 41"]).summary, ["matched:0", "mismatch:1"]);
  });
});

Deno.test("stepCall() matches stdin (STDIN-1, STDIN-2, STDIN-6, STDIN-7)", async (t) => {
  const call = (argv: string, stdin?: string | Uint8Array | "too-large"): CallSpec => ({
    argv: words(argv),
    ...(stdin === undefined
      ? {}
      : { stdin: typeof stdin === "string" && stdin !== "too-large" ? enc.encode(stdin) : stdin }),
  });
  await t.step("no match.stdin: stdin is ignored (STDIN-1)", () => {
    const sc = scenario(s("cat"));
    assert.deepEqual(run(sc, [call("cat", "anything")]).summary, ["matched:0"]);
    assert.deepEqual(run(sc, [call("cat", "too-large")]).summary, ["matched:0"]);
  });
  const rows = [
    { expected: "a\nb", received: "a\nb", match: true },
    { expected: "a\nb\n", received: "a\r\nb\r\n\r\n", match: true },
    { expected: "a\r\nb", received: "a\nb\n", match: true },
    { expected: "a\n\n\n", received: "a", match: true },
    { expected: "", received: "\n\n", match: true },
    { expected: "a ", received: "a", match: false },
    { expected: "a\t", received: "a", match: false },
    { expected: "a\r", received: "a", match: false },
    { expected: "a", received: "a\r", match: false },
    { expected: " a", received: "a", match: false },
    { expected: "a\n\nb", received: "a\nb", match: false },
  ];
  for (const { expected, received, match } of rows) {
    await t.step(
      `normalisation ${JSON.stringify(expected)} vs ${JSON.stringify(received)} (STDIN-2)`,
      () => {
        const sc = scenario(s("kubectl apply -f -", undefined, { stdin: expected }));
        assert.deepEqual(run(sc, [call("kubectl apply -f -", received)]).summary, [
          match ? "matched:0" : "stdin:0",
        ]);
      },
    );
  }
  await t.step("no stdin given counts as empty", () => {
    const sc = scenario(s("k", undefined, { stdin: "\n" }), s("j", undefined, { stdin: "x" }));
    assert.deepEqual(run(sc, ["k", "j"]).summary, ["matched:0", "stdin:1"]);
  });
  await t.step("binary stdin is compared byte for byte (STDIN-2)", () => {
    const bytes: Content = { kind: "binary", bytes: new Uint8Array([0, 1, 13, 10]) };
    const sc = scenario(s("x", [0, 5], { stdin: bytes }));
    assert.deepEqual(
      run(sc, [
        call("x", new Uint8Array([0, 1, 13, 10])),
        call("x", new Uint8Array([0, 1, 10])),
        call("x", new Uint8Array([0, 1])),
        call("x", new Uint8Array([0, 1, 13, 10, 10])),
      ]).summary,
      ["matched:0", "stdin:0", "stdin:0", "stdin:0"],
    );
  });
  await t.step("two kubectl apply -f - steps in a group with different manifests (STDIN-6)", () => {
    const sc = scenario(
      g(
        "apply",
        s("kubectl apply -f -", undefined, { stdin: "kind: ConfigMap\n", stdout: "configmap" }),
        s("kubectl apply -f -", undefined, { stdin: "kind: Deployment\n", stdout: "deployment" }),
      ),
      s("done"),
    );
    const r = run(sc, [
      call("kubectl apply -f -", "kind: Deployment\r\n"),
      call("kubectl apply -f -", "kind: ConfigMap"),
      "done",
    ]);
    assert.deepEqual(r.summary, ["matched:1", "matched:0", "matched:2"]);
    assert.equal(text(r.outcomes[0]!), "deployment");
  });
  await t.step("no full match: a stdin mismatch against the first argv match (STDIN-6)", () => {
    const sc = scenario(
      g(
        "apply",
        s("kubectl apply -f -", undefined, { stdin: "one" }),
        s("kubectl apply -f -", undefined, { stdin: "two" }),
      ),
    );
    const st = fresh(sc);
    const r = stepCall(sc, st, toCall(call("kubectl apply -f -", "three"), 0));
    assert.deepEqual(r.outcome, {
      kind: "stdin-mismatch",
      stepIndex: 0,
      expected: { kind: "text", template: "one" },
      received: enc.encode("three"),
      argv: ["kubectl", "apply", "-f", "-"],
      deniedVars: [],
      // LANG-1: both members match on argv and fail on stdin.
      closest: [0, 1].map((stepIndex) => ({
        stepIndex,
        prefix: 4,
        matched: 4,
        difference: { kind: "stdin" },
      })),
    });
    assert.deepEqual(progress(r.state), progress(st));
    assert.deepEqual(r.state.unexpectedCalls.map((u) => [u.reason, u.stepIndex]), [["stdin", 0]]);
  });
  await t.step("a stdin miss does not stop the search for a later full match (STDIN-6)", () => {
    const sc = scenario(
      s("k apply", [0, 1], { stdin: "old" }),
      s("k apply", undefined, { stdin: "new" }),
    );
    assert.deepEqual(run(sc, [call("k apply", "new")]).summary, ["matched:1"]);
  });
  await t.step("more than 1 MiB received never matches (STDIN-4)", () => {
    const sc = scenario(s("k apply", undefined, { stdin: "x" }));
    const o = run(sc, [call("k apply", "too-large")]).outcomes[0];
    assert.ok(o?.kind === "stdin-mismatch");
    assert.equal(o.received, "too-large");
  });
  await t.step("stdin is never rendered as a template (STDIN-7)", () => {
    const sc = makeScenario({
      name: "t",
      vars: { v: "x" },
      steps: [s("k", [0, 2], { stdin: "{{ .v }}" })],
    });
    assert.deepEqual(run(sc, [call("k", "x"), call("k", "{{ .v }}")]).summary, [
      "stdin:0",
      "matched:0",
    ]);
  });
});

Deno.test("effectiveVars() and stepCall() apply env overrides and denials (TPL-3, TPL-4)", async (t) => {
  const sc = makeScenario({
    name: "t",
    vars: {
      ns: "prod",
      AWS_REGION: "eu",
      TOKEN: "t0",
      CLI_REPLAY_TRACE: "0",
      cli_replay_session: "s0",
      other: "o",
    },
    denyEnvVars: ["AWS_*", "TOKEN", "CLI_*", "cli_*"],
    steps: [
      s("k get {{ .ns }}", [0, 9], {
        stdout:
          "{{ .ns }} {{ .AWS_REGION }} {{ .TOKEN }} {{ .CLI_REPLAY_TRACE }} {{ .cli_replay_session }}",
      }),
    ],
  });
  const rows = [
    {
      name: "no environment",
      env: {},
      vars: {
        ns: "prod",
        AWS_REGION: "eu",
        TOKEN: "t0",
        CLI_REPLAY_TRACE: "0",
        cli_replay_session: "s0",
        other: "o",
      },
      denied: [],
    },
    {
      name: "override by a non-empty value",
      env: { ns: "dev" },
      vars: { ns: "dev" },
      denied: [],
    },
    { name: "an empty value does not override", env: { ns: "" }, vars: { ns: "prod" }, denied: [] },
    { name: "names are case-sensitive", env: { NS: "dev" }, vars: { ns: "prod" }, denied: [] },
    {
      name: "denied names keep the scenario value",
      env: { AWS_REGION: "us", TOKEN: "secret", ns: "dev" },
      vars: { AWS_REGION: "eu", TOKEN: "t0", ns: "dev" },
      denied: ["AWS_REGION", "TOKEN"],
    },
    {
      name: "an empty denied value is not reported",
      env: { TOKEN: "" },
      vars: { TOKEN: "t0" },
      denied: [],
    },
    {
      name: "CLI_REPLAY_* names are never denied, in any case",
      env: { CLI_REPLAY_TRACE: "1", cli_replay_session: "abc" },
      vars: { CLI_REPLAY_TRACE: "1", cli_replay_session: "abc" },
      denied: [],
    },
    {
      name: "undeclared environment variables are invisible",
      env: { HOME: "/root" },
      vars: { other: "o" },
      denied: [],
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const got = effectiveVars(sc, row.env);
      for (const [k, v] of Object.entries(row.vars)) assert.equal(got.vars[k], v, k);
      assert.equal("HOME" in got.vars, false);
      assert.deepEqual(got.denied, row.denied);
    });
  }
  await t.step("stepCall renders effective values and reports denied names", () => {
    const r = run(sc, [{
      argv: ["k", "get", "dev"],
      env: { ns: "dev", AWS_REGION: "us", CLI_REPLAY_TRACE: "1" },
    }]);
    const o = r.outcomes[0];
    assert.ok(o?.kind === "matched");
    assert.equal(dec.decode(o.stdout), "dev eu t0 1 s0");
    assert.deepEqual(o.deniedVars, ["AWS_REGION"]);
  });
  await t.step("variables in argv follow the environment at call time", () => {
    assert.deepEqual(
      run(sc, [
        { argv: ["k", "get", "prod"] },
        { argv: ["k", "get", "prod"], env: { ns: "dev" } },
        { argv: ["k", "get", "dev"], env: { ns: "dev" } },
      ]).summary,
      ["matched:0", "mismatch:0", "matched:0"],
    );
  });
  await t.step("denied names are reported on mismatches and completion too", () => {
    const env = { TOKEN: "x" };
    const o1 = run(sc, [{ argv: ["zz"], env }]).outcomes[0];
    assert.ok(o1?.kind === "mismatch");
    assert.deepEqual(o1.deniedVars, ["TOKEN"]);
    const small = makeScenario({
      name: "t",
      vars: { TOKEN: "a" },
      denyEnvVars: ["TOKEN"],
      steps: [s("A")],
    });
    const o2 = run(small, ["A", { argv: ["A"], env }]).outcomes[1];
    assert.ok(o2?.kind === "complete");
    assert.deepEqual(o2.deniedVars, ["TOKEN"]);
  });
});

Deno.test("stepCall() keeps the state fields (STATE-5)", async (t) => {
  await t.step("unexpected_calls is capped at 20, unexpected_count is not", () => {
    const sc = scenario(s("A"));
    const calls = Array.from({ length: 25 }, (_, i) => `X${i}`);
    const r = run(sc, calls);
    assert.equal(r.state.unexpectedCalls.length, MAX_UNEXPECTED_CALLS);
    assert.equal(MAX_UNEXPECTED_CALLS, 20);
    assert.equal(r.state.unexpectedCount, 25);
    assert.deepEqual(r.state.unexpectedCalls.map((u) => u.argv[0]), calls.slice(0, 20));
  });
  await t.step("a call after completion is recorded with a null step", () => {
    const sc = scenario(s("A"));
    const r = run(sc, ["A", "A"]);
    assert.deepEqual(r.state.unexpectedCalls, [{
      argv: ["A"],
      reason: "complete",
      stepIndex: null,
      at: new Date(T0 + 2000).toISOString(),
    }]);
    assert.equal(r.state.unexpectedCount, 1);
  });
  await t.step("active_group follows the cursor", () => {
    const sc = scenario(s("A"), g("G1", s("B")), s("C"), g("G2", s("D"), s("E")));
    const r = run(sc, ["A", "B", "C", "D", "E"]);
    assert.deepEqual(r.states.map((x) => x.activeGroup), [
      undefined,
      0,
      undefined,
      1,
      1,
      undefined,
    ]);
    assert.equal("activeGroup" in r.state, false);
  });
  await t.step("newState starts at 0 with zero counts and the group of block 0", () => {
    const sc = scenario(g("G", s("A"), s("B")), s("C"));
    const st = newState(sc, {
      scenarioPath: "/p/s.yaml",
      scenarioHash: "abc",
      now: new Date(T0),
      interceptDir: "/p/.cli-replay/intercept-1",
    });
    assert.deepEqual(st, {
      scenarioPath: "/p/s.yaml",
      scenarioHash: "abc",
      currentStep: 0,
      totalSteps: 3,
      stepCounts: [0, 0, 0],
      activeGroup: 0,
      interceptDir: "/p/.cli-replay/intercept-1",
      lastUpdated: "2026-02-07T10:30:00.123Z",
      captures: {},
      unexpectedCalls: [],
      unexpectedCount: 0,
    });
  });
  await t.step("last_updated comes from now, on matches and mismatches", () => {
    const sc = scenario(s("A", [1, 2]));
    const r = run(sc, ["A", "B"]);
    assert.deepEqual(r.states.map((x) => x.lastUpdated), [
      "2026-02-07T10:30:00.123Z",
      "2026-02-07T10:30:01.123Z",
      "2026-02-07T10:30:02.123Z",
    ]);
  });
  await t.step("identity fields are carried over", () => {
    const sc = scenario(s("A"));
    const st = { ...fresh(sc), interceptDir: "/i" };
    const r = stepCall(sc, st, toCall("A", 0));
    assert.equal(r.state.scenarioPath, "/p/s.yaml");
    assert.equal(r.state.scenarioHash, "h");
    assert.equal(r.state.interceptDir, "/i");
    assert.equal(r.state.totalSteps, 1);
  });
  await t.step("the input state is not mutated", () => {
    const sc = scenario(s("A", [1, 2], { capture: { c: "1" } }));
    const st = fresh(sc);
    const copy = structuredClone(st);
    stepCall(sc, st, toCall("A", 0));
    stepCall(sc, st, toCall("B", 1));
    assert.deepEqual(st, copy);
  });
});

Deno.test("stepCall() answers with the step's response", async (t) => {
  await t.step("exit code, stdout, stderr, delay", () => {
    const sc = makeScenario({
      name: "t",
      vars: { who: "world" },
      steps: [s("A", undefined, {
        exit: 3,
        stdout: "hello {{ .who }}\n",
        stderr: 'warn {{ "{{" }}',
        delayMs: 250,
      })],
    });
    assert.deepEqual(run(sc, ["A"]).outcomes[0], {
      kind: "matched",
      stepIndex: 0,
      answer: 0,
      exitCode: 3,
      stdout: enc.encode("hello world\n"),
      stderr: enc.encode("warn {{"),
      delayMs: 250,
      deniedVars: [],
    });
  });
  await t.step("binary stdout is written as is", () => {
    const bytes = new Uint8Array([0, 255, 123, 123]);
    const sc = scenario(s("A", undefined, { stdout: { kind: "binary", bytes } }));
    const o = run(sc, ["A"]).outcomes[0];
    assert.ok(o?.kind === "matched");
    assert.deepEqual(o.stdout, bytes);
  });
  await t.step("stdout_file is read through readFile and rendered (TPL-1)", () => {
    const sc = makeScenario({
      name: "t",
      vars: { ns: "prod" },
      steps: [s("A", undefined, {
        stdout: { kind: "file", path: "out/pods.txt" },
        stderr: { kind: "file", path: "/abs/err.txt" },
        capture: { id: "7" },
      })],
    });
    const read: string[] = [];
    const files: Record<string, string> = {
      "out/pods.txt": "pods in {{ .ns }} #{{ .capture.id }}\n",
      "/abs/err.txt": "err",
    };
    const o = run(sc, [{
      argv: ["A"],
      env: { ns: "dev" },
      readFile: (p) => {
        read.push(p);
        return enc.encode(files[p] ?? "");
      },
    }]).outcomes[0];
    assert.ok(o?.kind === "matched");
    assert.equal(dec.decode(o.stdout), "pods in dev #7\n");
    assert.equal(dec.decode(o.stderr), "err");
    assert.deepEqual(read, ["out/pods.txt", "/abs/err.txt"]);
  });
  const fileScenario = () =>
    scenario(s("A", [1, 2], { stdout: { kind: "file", path: "gone.txt" }, capture: { c: "1" } }));
  await t.step("an unreadable file is an error outcome and the state is unchanged", () => {
    const sc = fileScenario();
    const st = fresh(sc);
    const r = stepCall(sc, st, {
      ...toCall("A", 0),
      readFile: () => {
        throw new Error("No such file or directory");
      },
    });
    assert.deepEqual(r.outcome, {
      kind: "error",
      message: 'steps[0].respond.stdout_file: cannot read "gone.txt": No such file or directory',
    });
    assert.equal(r.state, st);
  });
  await t.step("no file reader is an error outcome", () => {
    const sc = fileScenario();
    const st = fresh(sc);
    const r = stepCall(sc, st, toCall("A", 0));
    assert.equal(r.outcome.kind, "error");
    assert.equal(r.state, st);
  });
  await t.step("an invalid template in a file is an error outcome (TPL-7)", () => {
    const sc = fileScenario();
    const st = fresh(sc);
    const r = stepCall(sc, st, { ...toCall("A", 0), readFile: () => enc.encode("{{ if .x }}") });
    assert.ok(r.outcome.kind === "error");
    assert.match(
      r.outcome.message,
      /^steps\[0\]\.respond\.stdout_file: "gone\.txt": unsupported template action/,
    );
    assert.equal(r.state, st);
  });
  await t.step("a custom matchArgv replaces argv matching", () => {
    const sc = scenario(s("A"), s("B"));
    const r = run(sc, [{ argv: ["anything"], matchArgv: (p) => p[0] === "A" }]);
    assert.deepEqual(r.summary, ["matched:0"]);
  });
});

Deno.test("needsStdin() tells whether any argv-matching step has match.stdin (STDIN-3)", async (t) => {
  const sc = makeScenario({
    name: "t",
    vars: { ns: "prod" },
    steps: [
      s("kubectl get pods"),
      s("kubectl apply -f -", undefined, { stdin: "x" }),
      g("G", s("kubectl -n {{ .ns }} apply -f -", undefined, { stdin: "y" })),
      s("kubectl get {{ .any }}", undefined, {
        stdin: { kind: "binary", bytes: new Uint8Array([1]) },
      }),
    ],
  });
  const rows = [
    { argv: "kubectl apply -f -", env: {}, expected: true },
    { argv: "kubectl apply -f x.yaml", env: {}, expected: false },
    { argv: "kubectl -n prod apply -f -", env: {}, expected: true },
    { argv: "kubectl -n dev apply -f -", env: {}, expected: false },
    { argv: "kubectl -n dev apply -f -", env: { ns: "dev" }, expected: true },
    { argv: "kubectl get pods", env: {}, expected: true },
    { argv: "kubectl version", env: {}, expected: false },
  ];
  for (const { argv, env, expected } of rows) {
    await t.step(`${argv} ${JSON.stringify(env)} → ${expected}`, () => {
      assert.equal(needsStdin(sc, words(argv), env), expected);
    });
  }
  await t.step("no step with stdin: never", () => {
    assert.equal(needsStdin(scenario(s("a"), s("b")), ["a"], {}), false);
  });
});
