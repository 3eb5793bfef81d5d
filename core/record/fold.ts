/**
 * Folding of repeated calls (RECM-3): consecutive calls with the same argv and stdin become
 * one step. Identical answers fold into one answer with `calls: {min: 1, max: N}`, so a
 * polling loop may poll fewer times on replay; different answers become an answer sequence
 * when the scenario language has them, and otherwise one folded step per run of identical
 * answers. Pure.
 *
 * @module
 */

import type { RecordedAnswer, RecordedStep } from "./scenario_writer.ts";

/** Options of {@linkcode foldSteps}. */
export interface FoldOptions {
  /**
   * Whether a step may answer with a sequence (`respond` as a list, LANG-2). Without it,
   * a repeated call whose answers differ folds into one step per run of identical answers.
   * @default {false}
   */
  sequences?: boolean;
}

/** What {@linkcode foldSteps} did. */
export interface FoldResult {
  /** The steps after folding. */
  readonly steps: RecordedStep[];
  /** Calls that went into folded steps (steps standing for more than one call). */
  readonly foldedCalls: number;
  /** Folded steps: steps standing for more than one call. */
  readonly foldedSteps: number;
}

function _sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function _sameCall(a: RecordedStep, b: RecordedStep): boolean {
  return a.argv.length === b.argv.length && a.argv.every((item, i) => item === b.argv[i]) &&
    _sameBytes(a.stdin, b.stdin) && a.note === b.note;
}

function _sameAnswer(a: RecordedAnswer, b: RecordedAnswer): boolean {
  return a.exit === b.exit && _sameBytes(a.stdout, b.stdout) && _sameBytes(a.stderr, b.stderr);
}

/** How many calls a step stands for. */
function _calls(step: RecordedStep): number {
  return step.recordedCalls ?? 1;
}

/** One step for `run` (the same call, each with one answer), all answers identical. */
function _foldIdentical(run: readonly RecordedStep[]): RecordedStep {
  const first = run[0]!;
  if (run.length === 1) return first;
  const calls = run.reduce((n, s) => n + _calls(s), 0);
  return {
    ...first,
    answers: [first.answers[0]!],
    calls: { min: 1, max: calls },
    recordedCalls: calls,
  };
}

/**
 * Folds consecutive steps for the same call (argv, stdin) into one (RECM-3). Each input step
 * stands for one recorded call with one answer.
 *
 * @example Usage
 * ```ts
 * import { foldSteps } from "./fold.ts";
 * import assert from "node:assert/strict";
 * const enc = new TextEncoder();
 * const poll = (out: string) => ({
 *   argv: ["kubectl", "get", "job"],
 *   answers: [{ exit: 0, stdout: enc.encode(out), stderr: new Uint8Array() }],
 * });
 * const folded = foldSteps([poll("pending\n"), poll("pending\n"), poll("ready\n")]);
 * assert.equal(folded.steps.length, 2);
 * assert.deepEqual(folded.steps[0]?.calls, { min: 1, max: 2 });
 * const sequence = foldSteps([poll("pending\n"), poll("ready\n")], { sequences: true });
 * assert.equal(sequence.steps[0]?.answers.length, 2);
 * ```
 *
 * @param steps The steps, one per call, in call order.
 * @param options Whether answer sequences may be written.
 * @returns The folded steps and how much was folded.
 */
export function foldSteps(steps: readonly RecordedStep[], options: FoldOptions = {}): FoldResult {
  const out: RecordedStep[] = [];
  let i = 0;
  while (i < steps.length) {
    let j = i + 1;
    while (j < steps.length && _sameCall(steps[i]!, steps[j]!)) j++;
    const group = steps.slice(i, j);
    i = j;
    const answers = group.flatMap((s) => s.answers);
    if (answers.every((a) => _sameAnswer(a, answers[0]!))) {
      out.push(_foldIdentical(group));
    } else if (options.sequences === true) {
      const { calls: _calls, ...first } = group[0]!;
      out.push({ ...first, answers, recordedCalls: answers.length });
    } else {
      let k = 0;
      while (k < group.length) {
        let m = k + 1;
        while (m < group.length && _sameAnswer(group[k]!.answers[0]!, group[m]!.answers[0]!)) m++;
        out.push(_foldIdentical(group.slice(k, m)));
        k = m;
      }
    }
  }
  let foldedCalls = 0;
  let foldedSteps = 0;
  for (const step of out) {
    if (_calls(step) > 1) {
      foldedCalls += _calls(step);
      foldedSteps += 1;
    }
  }
  return { steps: out, foldedCalls, foldedSteps };
}

/**
 * The summary line of folding: `folded 12 calls into 3 steps`.
 *
 * @example Usage
 * ```ts
 * import { formatFoldSummary } from "./fold.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatFoldSummary({ foldedCalls: 12, foldedSteps: 3 }), "folded 12 calls into 3 steps");
 * assert.equal(formatFoldSummary({ foldedCalls: 0, foldedSteps: 0 }), undefined);
 * ```
 *
 * @param result What folding did.
 * @returns The line (without a newline), or `undefined` when nothing was folded.
 */
export function formatFoldSummary(
  result: Pick<FoldResult, "foldedCalls" | "foldedSteps">,
): string | undefined {
  if (result.foldedSteps === 0) return undefined;
  return `folded ${result.foldedCalls} calls into ${result.foldedSteps} step${
    result.foldedSteps === 1 ? "" : "s"
  }`;
}
