// LANG-2: answer sequences. `respond` may be a list; the n-th call gets the n-th answer, the
// last one repeats; without `calls`, N answers mean exactly N calls.
import assert from "node:assert/strict";
import { createReplayEngine } from "../../../core/replay/memory_engine.ts";
import { renderVerifyText } from "../../../core/report/text.ts";
import { renderVerifyJson } from "../../../core/report/json.ts";
import { decodeCompiled, encodeCompiled } from "../../../core/scenario/compiled.ts";
import type { StepOutcome } from "../../../core/types.ts";
import { errors, load, step, withSteps, yaml } from "../scenario/_helpers.ts";

const dec = new TextDecoder();

/** `stdout` of a matched outcome, `exit=N`/`signal=S`, or the outcome kind. */
function shown(o: StepOutcome): string {
  if (o.kind !== "matched") return o.kind;
  const end = o.signal === undefined ? `exit=${o.exitCode}` : `signal=${o.signal}`;
  return `${dec.decode(o.stdout)}|${end}|answer=${o.answer}`;
}

const POLL = withSteps(
  "  - match: {argv: [kubectl, rollout, status, deploy/web]}",
  "    respond:",
  '      - {stdout: "pending"}',
  '      - {stdout: "pending"}',
  '      - {stdout: "ready", exit: 0}',
  "  - match: {argv: [kubectl, get, pods]}",
);

Deno.test("answer sequences: the n-th call gets the n-th answer, the last repeats (LANG-2)", async (t) => {
  const rows: { name: string; yaml: string; calls: string[][]; expected: string[] }[] = [
    {
      name: "three answers, no calls block: exactly three calls, then the next step",
      yaml: POLL,
      calls: [
        ["kubectl", "rollout", "status", "deploy/web"],
        ["kubectl", "rollout", "status", "deploy/web"],
        ["kubectl", "rollout", "status", "deploy/web"],
        ["kubectl", "rollout", "status", "deploy/web"],
      ],
      expected: [
        "pending|exit=0|answer=0",
        "pending|exit=0|answer=1",
        "ready|exit=0|answer=2",
        "mismatch",
      ],
    },
    {
      name: "with calls: the bounds apply and the last answer repeats",
      yaml: withSteps(
        "  - match: {argv: [poll]}",
        "    calls: {min: 1, max: 5}",
        "    respond: [{stdout: a, exit: 1}, {stdout: b}]",
      ),
      calls: [["poll"], ["poll"], ["poll"], ["poll"], ["poll"], ["poll"]],
      expected: [
        "a|exit=1|answer=0",
        "b|exit=0|answer=1",
        "b|exit=0|answer=1",
        "b|exit=0|answer=1",
        "b|exit=0|answer=1",
        "complete",
      ],
    },
    {
      name: "a list of one answer is one call",
      yaml: withSteps("  - match: {argv: [once]}", "    respond: [{stdout: x}]"),
      calls: [["once"], ["once"]],
      expected: ["x|exit=0|answer=0", "complete"],
    },
    {
      name: "answers differ in exit, signal and captures",
      yaml: withSteps(
        "  - match: {argv: [job]}",
        "    respond:",
        "      - {stdout: 'try {{ .capture.n }}', capture: {n: '1'}, exit: 75}",
        "      - {stdout: 'try {{ .capture.n }}', capture: {n: '2'}, signal: TERM}",
      ),
      calls: [["job"], ["job"]],
      expected: ["try 1|exit=75|answer=0", "try 2|signal=TERM|answer=1"],
    },
    {
      name: "a mismatch does not advance the sequence",
      yaml: withSteps(
        "  - match: {argv: [poll]}",
        "    respond: [{stdout: a}, {stdout: b}]",
      ),
      calls: [["poll"], ["other"], ["poll"]],
      expected: ["a|exit=0|answer=0", "mismatch", "b|exit=0|answer=1"],
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const engine = createReplayEngine(load(row.yaml));
      assert.deepEqual(row.calls.map((argv) => shown(engine.call(argv))), row.expected);
    });
  }
});

Deno.test("answer sequences set the call bounds when there is no calls block (LANG-2)", async (t) => {
  const rows = [
    { respond: "[{stdout: a}, {stdout: b}, {stdout: c}]", calls: "", bounds: [3, 3, false] },
    { respond: "[{stdout: a}, {stdout: b}]", calls: "calls: {max: 5}", bounds: [0, 5, true] },
    { respond: "[{stdout: a}, {stdout: b}]", calls: "calls: {min: 1}", bounds: [1, 1, true] },
    { respond: "{stdout: a}", calls: "", bounds: [1, 1, false] },
  ] as const;
  for (const row of rows) {
    await t.step(`respond: ${row.respond} ${row.calls}`, () => {
      const extra = row.calls === "" ? [] : [`    ${row.calls}`];
      const s = step(
        load(withSteps("  - match: {argv: [a]}", `    respond: ${row.respond}`, ...extra)),
        0,
      );
      assert.deepEqual([s.calls.min, s.calls.max, s.calls.explicit], row.bounds);
      assert.equal(
        s.answers?.length,
        row.respond.startsWith("[") ? row.respond.split("{").length - 1 : undefined,
      );
    });
  }
});

Deno.test("answer sequences: errors name the answer by its index (LANG-2)", async (t) => {
  const rows = [
    {
      name: "an empty list",
      lines: ["  - match: {argv: [a]}", "    respond: []"],
      expected: ["s.yaml:5:14: steps[0].respond: must have at least one answer"],
    },
    {
      name: "a typo in the second answer",
      lines: ["  - match: {argv: [a]}", "    respond: [{stdout: a}, {stdot: b}]"],
      expected: [
        's.yaml:5:29: steps[0].respond[1]: unknown key "stdot" (did you mean "stdout"?)',
      ],
    },
    {
      name: "an answer that is not a mapping",
      lines: ["  - match: {argv: [a]}", "    respond: [{stdout: a}, b]"],
      expected: ["s.yaml:5:28: steps[0].respond[1]: must be a mapping"],
    },
    {
      name: "a bad exit in the first answer",
      lines: ["  - match: {argv: [a]}", "    respond: [{exit: x}]"],
      expected: ["s.yaml:5:22: steps[0].respond[0].exit: must be an integer"],
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => assert.deepEqual(errors(withSteps(...row.lines)), row.expected));
  }
});

Deno.test("verify shows which answer a step is at (LANG-2)", () => {
  const scenario = load(POLL);
  const engine = createReplayEngine(scenario);
  engine.call(["kubectl", "rollout", "status", "deploy/web"]);
  engine.call(["kubectl", "rollout", "status", "deploy/web"]);
  const result = engine.verify();
  assert.equal(result.steps[0]?.answer, 2);
  assert.equal(result.steps[0]?.answers, 3);
  assert.equal(result.steps[1]?.answers, undefined);
  assert.deepEqual(renderVerifyText(result).split("\n").slice(2, 4), [
    "  Step 1: kubectl rollout status deploy/web — 2 calls, at answer 2 of 3 ✗ needs 1 more",
    "  Step 2: kubectl get pods — 0 calls ✗ needs 1 more",
  ]);
  const json = JSON.parse(renderVerifyJson(result));
  assert.deepEqual(
    json.steps.map((s: Record<string, unknown>) => [s.answer, s.answers]),
    [[2, 3], [undefined, undefined]],
  );
  for (let i = 0; i < 2; i++) {
    engine.call(
      i === 0 ? ["kubectl", "rollout", "status", "deploy/web"] : ["kubectl", "get", "pods"],
    );
  }
  assert.equal(
    renderVerifyText(engine.verify()),
    yaml(
      '✓ Scenario "s" completed: 2/2 steps consumed',
      "  Step 1: kubectl rollout status deploy/web — 3 calls, at answer 3 of 3 ✓",
      "  Step 2: kubectl get pods — 1 call ✓",
    ),
  );
});

Deno.test("the compiled scenario keeps every answer, binary ones too (LANG-2, STATE-11)", () => {
  const scenario = load(
    withSteps("  - match: {argv: [a]}", "    respond: [{stdout: !!binary AAEC}, {stdout: x}]"),
  );
  const text = encodeCompiled({
    format: 0,
    programVersion: "v",
    scenarioHash: "h",
    size: 0,
    mtimeMs: 0,
    scenario,
  });
  const back = decodeCompiled(text.replace('"format":0', '"format":4'), "v");
  assert.ok(back !== undefined);
  const answers = back.scenario.steps[0]!.answers!;
  assert.deepEqual(answers[0]!.stdout, { kind: "binary", bytes: new Uint8Array([0, 1, 2]) });
  assert.deepEqual(answers[1]!.stdout, { kind: "text", template: "x" });
});
