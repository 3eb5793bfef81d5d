/**
 * Recorded steps as scenario YAML (REC-7, REC-8): the model of a recorded step, one per
 * call or one per run of folded calls, and its text in the contract's style. Pure.
 *
 * @module
 */

import { type RecordedCall, sortRecordedCalls } from "./log.ts";
import { argvItem, bytesScalar, textScalar } from "./_scalars.ts";

/** Metadata of a recorded scenario (REC-7). */
export interface RecordingMeta {
  /** `meta.name`. */
  name: string;
  /** `meta.description`, written only when given. */
  description?: string;
}

/** One answer of a recorded step: what the real command did. */
export interface RecordedAnswer {
  /** Exit code (128+N when killed by signal N). */
  readonly exit: number;
  /** Everything it wrote to stdout. */
  readonly stdout: Uint8Array;
  /** Everything it wrote to stderr. */
  readonly stderr: Uint8Array;
}

/** A step about to be written: the call it matches and what it answers. */
export interface RecordedStep {
  /** `match.argv` items as written: exact values, or patterns for redacted parts. */
  readonly argv: readonly string[];
  /** `match.stdin`, when the step matches on stdin. */
  readonly stdin?: Uint8Array;
  /** A comment written inside `match` (say, why stdin is not matched). */
  readonly note?: string;
  /** The answers: one, or an answer sequence (the n-th call gets the n-th answer). */
  readonly answers: readonly RecordedAnswer[];
  /** `calls` bounds, when the step answers more than one call. */
  readonly calls?: { readonly min: number; readonly max: number };
  /** How many recorded calls this step stands for. @default {1} */
  readonly recordedCalls?: number;
}

/**
 * The step for one recorded call (REC-7): its argv exactly, its stdin when something was
 * captured, its exit code and output as the answer.
 *
 * @example Usage
 * ```ts
 * import { stepFromCall } from "./scenario_writer.ts";
 * import assert from "node:assert/strict";
 * const step = stepFromCall({
 *   timestamp: "2026-02-07T10:00:00Z", argv: ["git", "status"], exit: 0,
 *   stdout: new Uint8Array([111, 107]), stderr: new Uint8Array(),
 * });
 * assert.deepEqual(step.argv, ["git", "status"]);
 * assert.equal(step.answers.length, 1);
 * ```
 *
 * @param call The call.
 * @returns Its step.
 */
export function stepFromCall(call: RecordedCall): RecordedStep {
  const answers = [{ exit: call.exit, stdout: call.stdout, stderr: call.stderr }];
  return call.stdin !== undefined && call.stdin.length > 0
    ? { argv: call.argv, stdin: call.stdin, answers }
    : { argv: call.argv, answers };
}

/** The lines of one answer's keys at column `indent`. */
function _answerLines(answer: RecordedAnswer, indent: number): string[] {
  const pad = " ".repeat(indent);
  const lines = [`${pad}exit: ${answer.exit}`];
  if (answer.stdout.length > 0) {
    lines.push(`${pad}stdout: ${bytesScalar(answer.stdout, indent, true)}`);
  }
  if (answer.stderr.length > 0) {
    lines.push(`${pad}stderr: ${bytesScalar(answer.stderr, indent, true)}`);
  }
  return lines;
}

/**
 * Renders steps as the items of a block sequence whose dashes sit at column `indent`
 * (REC-8): `argv` as a flow sequence of double-quoted strings (patterns single-quoted), other strings as block
 * literals or double-quoted, `!!binary` for bytes that are not UTF-8, `{{` in output escaped.
 * A step with several answers writes `respond` as a list (an answer sequence).
 *
 * @example Usage
 * ```ts
 * import { renderRecordedSteps } from "./scenario_writer.ts";
 * import assert from "node:assert/strict";
 * const text = renderRecordedSteps([{
 *   argv: ["kubectl", "get", "pods"],
 *   answers: [{ exit: 0, stdout: new TextEncoder().encode("web-0\n"), stderr: new Uint8Array() }],
 *   calls: { min: 1, max: 3 },
 * }], 2);
 * assert.equal(text, [
 *   "  - match:",
 *   '      argv: ["kubectl", "get", "pods"]',
 *   "    respond:",
 *   "      exit: 0",
 *   "      stdout: |",
 *   "        web-0",
 *   "    calls: {min: 1, max: 3}",
 *   "",
 * ].join("\n"));
 * ```
 *
 * @param steps The steps.
 * @param indent Column of each item's `-`.
 * @returns The text, one line per line, ending with a newline (empty for no steps).
 */
export function renderRecordedSteps(steps: readonly RecordedStep[], indent: number): string {
  const dash = " ".repeat(indent);
  const key = " ".repeat(indent + 2);
  const inner = " ".repeat(indent + 4);
  const out: string[] = [];
  for (const step of steps) {
    out.push(`${dash}- match:`);
    out.push(`${inner}argv: [${step.argv.map(argvItem).join(", ")}]`);
    if (step.stdin !== undefined && step.stdin.length > 0) {
      out.push(`${inner}stdin: ${bytesScalar(step.stdin, indent + 4, false)}`);
    }
    if (step.note !== undefined) {
      for (const line of step.note.split("\n")) out.push(`${inner}# ${line}`.trimEnd());
    }
    out.push(`${key}respond:`);
    const [only, ...more] = step.answers;
    if (only !== undefined && more.length === 0) out.push(..._answerLines(only, indent + 4));
    else {
      for (const answer of step.answers) {
        const lines = _answerLines(answer, indent + 6);
        out.push(`${inner}- ${lines[0]!.trimStart()}`, ...lines.slice(1));
      }
    }
    if (step.calls !== undefined) {
      out.push(`${key}calls: {min: ${step.calls.min}, max: ${step.calls.max}}`);
    }
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/**
 * Renders a whole scenario file from recorded steps (REC-8): `meta` then `steps`.
 *
 * @param steps The steps, in call order.
 * @param meta The scenario's name and optional description.
 * @returns The YAML text, ending with a newline.
 */
export function renderRecordedScenario(
  steps: readonly RecordedStep[],
  meta: RecordingMeta,
): string {
  const out: string[] = ["meta:", `  name: ${textScalar(meta.name, 2)}`];
  if (meta.description !== undefined) {
    out.push(`  description: ${textScalar(meta.description, 2)}`);
  }
  out.push("steps:");
  return `${out.join("\n")}\n${renderRecordedSteps(steps, 2)}`;
}

/**
 * Converts recorded calls into the text of a scenario file (REC-7, REC-8): calls ordered by
 * timestamp, one leaf step each, in the contract's YAML style. Loading the result yields
 * exactly the recorded argv, stdin, exit code, stdout and stderr.
 *
 * @example Usage
 * ```ts
 * import { recordingToScenarioYaml } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const yaml = recordingToScenarioYaml([{
 *   timestamp: "2026-02-07T10:00:00.000Z", argv: ["kubectl", "get", "pods"], exit: 0,
 *   stdout: new TextEncoder().encode("web-0\n"), stderr: new Uint8Array(),
 * }], { name: "pods" });
 * assert.equal(yaml, [
 *   "meta:",
 *   '  name: "pods"',
 *   "steps:",
 *   "  - match:",
 *   '      argv: ["kubectl", "get", "pods"]',
 *   "    respond:",
 *   "      exit: 0",
 *   "      stdout: |",
 *   "        web-0",
 *   "",
 * ].join("\n"));
 * ```
 *
 * @param calls The recorded calls, in any order.
 * @param meta The scenario's name and optional description.
 * @returns The YAML text, ending with a newline.
 */
export function recordingToScenarioYaml(
  calls: readonly RecordedCall[],
  meta: RecordingMeta,
): string {
  return renderRecordedScenario(sortRecordedCalls(calls).map(stepFromCall), meta);
}
