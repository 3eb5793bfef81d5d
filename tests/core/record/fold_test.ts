// Tests of core/record/fold.ts: repeats fold (RECM-3), and what they fold into replays.
import assert from "node:assert/strict";
import { foldSteps, formatFoldSummary } from "../../../core/record/fold.ts";
import { type RecordedStep, renderRecordedScenario } from "../../../core/record/scenario_writer.ts";
import { parseScenario } from "../../../core/scenario/parse.ts";
import { createReplayEngine } from "../../../core/replay/memory_engine.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function call(argv: string[], stdout: string, extra: Partial<RecordedStep> = {}): RecordedStep {
  return {
    argv,
    answers: [{ exit: 0, stdout: enc.encode(stdout), stderr: new Uint8Array() }],
    ...extra,
  };
}

const POLL = ["kubectl", "get", "job", "migrate", "-o", "jsonpath={.status}"];

/** What `argv` and stdout of each folded step look like, for compact comparisons. */
function shape(steps: readonly RecordedStep[]) {
  return steps.map((s) => ({
    argv: s.argv.join(" "),
    out: s.answers.map((a) => dec.decode(a.stdout)),
    calls: s.calls,
  }));
}

Deno.test("foldSteps() folds consecutive identical calls into one step with calls bounds (RECM-3)", async (t) => {
  await t.step("identical answers: one answer, calls {min: 1, max: N}", () => {
    const folded = foldSteps([call(POLL, "ok\n"), call(POLL, "ok\n"), call(POLL, "ok\n")]);
    assert.deepEqual(shape(folded.steps), [
      { argv: POLL.join(" "), out: ["ok\n"], calls: { min: 1, max: 3 } },
    ]);
    assert.equal(folded.steps[0]!.recordedCalls, 3);
    assert.deepEqual([folded.foldedCalls, folded.foldedSteps], [3, 1]);
  });
  await t.step("different answers without answer sequences: one step per run", () => {
    const folded = foldSteps([
      call(POLL, "pending\n"),
      call(POLL, "pending\n"),
      call(POLL, "pending\n"),
      call(POLL, "ready\n"),
    ]);
    assert.deepEqual(shape(folded.steps), [
      { argv: POLL.join(" "), out: ["pending\n"], calls: { min: 1, max: 3 } },
      { argv: POLL.join(" "), out: ["ready\n"], calls: undefined },
    ]);
    assert.deepEqual([folded.foldedCalls, folded.foldedSteps], [3, 1]);
  });
  await t.step("different answers with answer sequences: one step, the answers in order", () => {
    const folded = foldSteps([
      call(POLL, "pending\n"),
      call(POLL, "pending\n"),
      call(POLL, "ready\n"),
    ], {
      sequences: true,
    });
    assert.deepEqual(shape(folded.steps), [
      { argv: POLL.join(" "), out: ["pending\n", "pending\n", "ready\n"], calls: undefined },
    ]);
    assert.deepEqual([folded.foldedCalls, folded.foldedSteps], [3, 1]);
  });
  await t.step("a different argv, stdin or exit code breaks a run", () => {
    const folded = foldSteps([
      call(["git", "status"], "a\n"),
      call(["git", "status", "-s"], "a\n"),
      call(["jq", "."], "1\n", { stdin: enc.encode("1") }),
      call(["jq", "."], "1\n", { stdin: enc.encode("2") }),
      call(["git", "status"], "a\n"),
      {
        argv: ["git", "status"],
        answers: [{ exit: 1, stdout: enc.encode("a\n"), stderr: new Uint8Array() }],
      },
    ]);
    assert.equal(folded.steps.length, 6);
    assert.deepEqual([folded.foldedCalls, folded.foldedSteps], [0, 0]);
  });
  await t.step("calls that are not consecutive do not fold", () => {
    const folded = foldSteps([call(["a"], "1"), call(["b"], "2"), call(["a"], "1")]);
    assert.deepEqual(folded.steps.map((s) => s.argv[0]), ["a", "b", "a"]);
  });
});

Deno.test("formatFoldSummary() says how many calls became how many steps (RECM-3)", () => {
  assert.equal(
    formatFoldSummary({ foldedCalls: 12, foldedSteps: 3 }),
    "folded 12 calls into 3 steps",
  );
  assert.equal(formatFoldSummary({ foldedCalls: 2, foldedSteps: 1 }), "folded 2 calls into 1 step");
  assert.equal(formatFoldSummary({ foldedCalls: 0, foldedSteps: 0 }), undefined);
});

/** Replays `polls` calls of the poll command against a scenario; the outputs and verification. */
function replay(steps: readonly RecordedStep[], polls: number) {
  const parsed = parseScenario(renderRecordedScenario(steps, { name: "poll" }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  const engine = createReplayEngine(parsed.scenario);
  const outs: string[] = [];
  for (let i = 0; i < polls; i++) {
    const result = engine.call(POLL);
    outs.push(result.kind === "matched" ? dec.decode(result.stdout) : result.kind);
  }
  return { outs, passed: engine.verify().passed };
}

Deno.test("folded polling steps replay green (RECM-3)", async (t) => {
  await t.step("pending, pending, ready replays the same answers in order", () => {
    const folded = foldSteps([
      call(POLL, "pending\n"),
      call(POLL, "pending\n"),
      call(POLL, "ready\n"),
    ]);
    assert.deepEqual(replay(folded.steps, 3), {
      outs: ["pending\n", "pending\n", "ready\n"],
      passed: true,
    });
  });
  await t.step(
    "identical answers: a loop that polls fewer times than recorded still passes",
    () => {
      const folded = foldSteps([
        call(POLL, "ready\n"),
        call(POLL, "ready\n"),
        call(POLL, "ready\n"),
      ]);
      assert.deepEqual(replay(folded.steps, 1), { outs: ["ready\n"], passed: true });
      assert.deepEqual(replay(folded.steps, 3).passed, true);
      assert.equal(
        replay(folded.steps, 4).outs.at(-1),
        "complete",
        "more than recorded is unexpected",
      );
    },
  );
  await t.step("without folding, fewer polls than recorded fail verification", () => {
    const steps = [call(POLL, "ready\n"), call(POLL, "ready\n"), call(POLL, "ready\n")];
    assert.deepEqual(replay(steps, 1), { outs: ["ready\n"], passed: false });
  });
});
