// Tests of core/record/insert_point.ts and core/record/splice.ts: the place of a new step, and
// the scenario edited (not regenerated) to hold it (RECM-1).
import assert from "node:assert/strict";
import {
  findInsertPoint,
  type InsertPoint,
  mergeStepCounts,
} from "../../../core/record/insert_point.ts";
import { spliceRecordedSteps } from "../../../core/record/splice.ts";
import { convertMissing } from "../../../core/record/convert.ts";
import type { RecordedCall } from "../../../core/record/log.ts";
import type { RecordedStep } from "../../../core/record/scenario_writer.ts";
import { parseScenario } from "../../../core/scenario/parse.ts";
import { newState, stepCall } from "../../../core/replay/engine.ts";
import type { Scenario, State } from "../../../core/types.ts";

const enc = new TextEncoder();

function scenario(yaml: string): Scenario {
  const parsed = parseScenario(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.scenario;
}

/** Plays `calls` against a scenario; returns the state and whether the last call matched. */
function play(s: Scenario, calls: string[][]): { state: State; matched: boolean } {
  let state = newState(s, { scenarioPath: "/s.yaml", scenarioHash: "h", now: new Date(0) });
  let matched = true;
  for (const argv of calls) {
    const result = stepCall(s, state, { argv, env: {}, now: new Date(0) });
    state = result.state;
    matched = result.outcome.kind === "matched";
  }
  return { state, matched };
}

const LINEAR = scenario(`meta: {name: s}
steps:
  - match: {argv: [a]}
  - match: {argv: [poll]}
    calls: {min: 1, max: 5}
  - group:
      name: g
      mode: unordered
      steps:
        - match: {argv: [x]}
        - match: {argv: [y]}
  - match: {argv: [z]}
`);

Deno.test("findInsertPoint() puts a new step where its call came (RECM-1)", async (t) => {
  const cases: { calls: string[][]; want: InsertPoint; why: string }[] = [
    { calls: [], want: { before: 0 }, why: "nothing called yet: before the first step" },
    { calls: [["a"]], want: { before: 1 }, why: "after an exhausted step" },
    { calls: [["a"], ["poll"]], want: { before: 2 }, why: "after a satisfied polling step" },
    { calls: [["a"], ["poll"], ["x"]], want: { group: 0 }, why: "into a group still waiting" },
    { calls: [["a"], ["poll"], ["x"], ["y"]], want: { before: 3 }, why: "after a finished group" },
    { calls: [["a"], ["poll"], ["x"], ["y"], ["z"]], want: { before: 4 }, why: "at the end" },
  ];
  for (const c of cases) {
    await t.step(c.why, () => {
      const { state } = play(LINEAR, c.calls);
      assert.deepEqual(findInsertPoint(LINEAR, state), c.want);
    });
  }
});

Deno.test("mergeStepCounts() lines the counts up with the merged file's steps (RECM-1)", () => {
  const counts = [1, 2, 1, 1, 0];
  assert.deepEqual(
    mergeStepCounts(LINEAR, counts, [
      { at: { before: 0 }, calls: 7 },
      { at: { group: 0 }, calls: 8 },
      { at: { before: 2 }, calls: 9 },
      { at: { before: 4 }, calls: 6 },
    ]),
    [7, 1, 2, 9, 1, 1, 8, 0, 6],
  );
});

const answers = [{ exit: 0, stdout: enc.encode("new\n"), stderr: new Uint8Array() }];
const step = (...argv: string[]): RecordedStep => ({ argv, answers });

const FILE = `# deploy flow, recorded once and edited by hand
meta:
  name: deploy   # the name
steps:
    # the first call
    - match: {argv: [a]}
      respond: {stdout: "A\\n"}

    # polls until ready
    - match:
        argv: [poll]
      respond:
        stdout: |
          ready
      calls: {min: 1, max: 5}
    - group:
        name: g
        mode: unordered
        steps:
          - match: {argv: [x]}
          - match: {argv: [y]}
    - match: {argv: [z]}   # last`;

/** The text with the inserted ranges cut out again. */
function without(text: string, inserted: readonly string[]): string {
  let out = text;
  for (const part of inserted) out = out.replace(part, "");
  return out;
}

Deno.test("spliceRecordedSteps() inserts each step at its place and changes nothing else (RECM-1)", async (t) => {
  await t.step("before a step, above the comment that speaks of it", () => {
    const result = spliceRecordedSteps(FILE, [{ at: { before: 1 }, steps: [step("n")] }]);
    assert.ok(result.ok);
    const inserted =
      '    - match:\n        argv: ["n"]\n      respond:\n        exit: 0\n        stdout: |\n          new\n';
    assert.ok(result.text.includes(`\n\n${inserted}    # polls until ready\n`), result.text);
    assert.equal(without(result.text, [inserted]), FILE);
  });
  await t.step("everywhere at once: first, into the group, at the end (no final newline)", () => {
    const result = spliceRecordedSteps(FILE, [
      { at: { before: 0 }, steps: [step("first"), step("second")] },
      { at: { group: 0 }, steps: [step("member")] },
      { at: { before: 4 }, steps: [step("end")] },
    ]);
    assert.ok(result.ok);
    const parsed = parseScenario(result.text);
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.diagnostics));
    assert.deepEqual(parsed.scenario.steps.map((s) => s.argv[0]), [
      "first",
      "second",
      "a",
      "poll",
      "x",
      "y",
      "member",
      "z",
      "end",
    ]);
    assert.equal(parsed.scenario.steps[6]!.group, "g");
    assert.match(result.text, /^# deploy flow, recorded once and edited by hand\n/);
    assert.match(
      result.text,
      /\n {4}- match: \{argv: \[z\]\} {3}# last\n {4}- match:\n {8}argv: \["end"\]/,
    );
    assert.match(
      result.text,
      /\n {10}- match: \{argv: \[y\]\}\n {10}- match:\n {14}argv: \["member"\]/,
    );
  });
  await t.step("the merged counts line up with the merged file", () => {
    const s = scenario(FILE);
    const placements = [
      { at: { before: 0 } as InsertPoint, steps: [step("first")] },
      { at: { group: 0 } as InsertPoint, steps: [step("member")] },
    ];
    const result = spliceRecordedSteps(FILE, placements);
    assert.ok(result.ok);
    const merged = scenario(result.text);
    const counts = mergeStepCounts(
      s,
      [1, 1, 1, 1, 1],
      placements.map((p) => ({ at: p.at, calls: 1 })),
    );
    assert.equal(counts.length, merged.steps.length);
  });
  await t.step("steps written as a flow sequence go through the YAML document", () => {
    const text = "meta: {name: s}\n# keep me\nsteps: [{match: {argv: [a]}}]\n";
    const result = spliceRecordedSteps(text, [{ at: { before: 1 }, steps: [step("b")] }]);
    assert.ok(result.ok);
    assert.match(result.text, /# keep me/);
    const parsed = scenario(result.text);
    assert.deepEqual(parsed.steps.map((s) => s.argv[0]), ["a", "b"]);
  });
  await t.step("a text without steps is refused", () => {
    assert.deepEqual(
      spliceRecordedSteps("meta: {name: s}\n", [{ at: { before: 0 }, steps: [step("b")] }]),
      {
        ok: false,
        message: 'the scenario has no "steps" sequence',
      },
    );
  });
});

Deno.test("convertMissing() groups calls by place, in scenario order, each folded on its own (RECM-1, RECM-3)", () => {
  const s = scenario(FILE);
  const rec = (at: string, argv: string[], insert: InsertPoint): RecordedCall => ({
    timestamp: at,
    argv,
    exit: 0,
    stdout: enc.encode("same\n"),
    stderr: new Uint8Array(),
    insert,
  });
  const calls = [
    rec("2026-01-01T00:00:05Z", ["end"], { before: 4 }),
    rec("2026-01-01T00:00:01Z", ["poll2"], { before: 1 }),
    rec("2026-01-01T00:00:02Z", ["poll2"], { before: 1 }),
    rec("2026-01-01T00:00:03Z", ["member"], { group: 0 }),
    rec("2026-01-01T00:00:04Z", ["mid"], { before: 3 }),
  ];
  const groupElement = (g: number) =>
    s.elements.findIndex((e) => e.kind === "group" && e.group === g);
  const result = convertMissing(calls, groupElement, { elements: s.elements.length });
  assert.deepEqual(
    result.placements.map((p) => [p.at, p.steps.map((st) => [st.argv[0], st.calls?.max ?? 1])]),
    [
      [{ before: 1 }, [["poll2", 2]]],
      [{ group: 0 }, [["member", 1]]],
      [{ before: 3 }, [["mid", 1]]],
      [{ before: 4 }, [["end", 1]]],
    ],
  );
  assert.deepEqual([result.foldedCalls, result.foldedSteps], [2, 1]);
  const spliced = spliceRecordedSteps(FILE, result.placements);
  assert.ok(spliced.ok);
  assert.deepEqual(scenario(spliced.text).steps.map((st) => st.argv[0]), [
    "a",
    "poll2",
    "poll",
    "x",
    "y",
    "member",
    "mid",
    "z",
    "end",
  ]);
});

Deno.test("a scenario with the new steps replays the calls in the order they came (RECM-1)", () => {
  // The session replayed a, then met n1 (new), then poll, then n2 (new), then z.
  const s = scenario(
    `meta: {name: s}\nsteps:\n  - match: {argv: [a]}\n  - match: {argv: [poll]}\n  - match: {argv: [z]}\n`,
  );
  const calls = [["a"], ["n1"], ["poll"], ["n2"], ["z"]];
  const placed: { at: InsertPoint; argv: string }[] = [];
  let state = play(s, []).state;
  for (const argv of calls) {
    const result = stepCall(s, state, { argv, env: {}, now: new Date(0) });
    if (result.outcome.kind === "matched") state = result.state;
    else placed.push({ at: findInsertPoint(s, state), argv: argv[0]! });
  }
  const text =
    `meta: {name: s}\nsteps:\n  - match: {argv: [a]}\n  - match: {argv: [poll]}\n  - match: {argv: [z]}\n`;
  const result = spliceRecordedSteps(
    text,
    placed.map((p) => ({ at: p.at, steps: [step(p.argv)] })),
  );
  assert.ok(result.ok);
  const merged = scenario(result.text);
  const replayed = play(merged, calls);
  assert.ok(replayed.matched);
  assert.deepEqual(replayed.state.stepCounts, [1, 1, 1, 1, 1]);
});
