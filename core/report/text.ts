/**
 * The human-readable verification report that `verify` and `exec` write to stderr (VERIFY-5,
 * VERIFY-8, VERIFY-9).
 *
 * @module
 */

import { formatArgv } from "./argv_display.ts";
import type { VerifyResult, VerifyStep, VerifyUnexpected } from "../types.ts";

/** Labels longer than this are cut (VERIFY-5). */
const LABEL_LIMIT = 60;

/** Options of {@linkcode renderVerifyText}. */
export interface VerifyTextOptions {
  /**
   * The scenario path as the user gave it, quoted back in the hints of error results
   * (VERIFY-8). @default {"<scenario>"}
   */
  scenarioArg?: string;
}

/**
 * Describes one unexpected call as `<argv display> (<reason text>)`, with reason texts
 * `mismatch at step <N>`, `stdin mismatch at step <N>` and `after completion` (VERIFY-5).
 *
 * @param call A retained unexpected call.
 * @returns One line, without indentation or newline.
 */
export function formatUnexpectedCall(call: VerifyUnexpected): string {
  return `${formatArgv(call.argv)} (${formatUnexpectedReason(call)})`;
}

/**
 * The reason text of an unexpected call: `mismatch at step <N>`, `stdin mismatch at step <N>`,
 * `env mismatch at step <N>`, `after completion` (VERIFY-5) or `forbidden[: <message>]`
 * (LANG-5).
 *
 * @param call A retained unexpected call.
 * @returns The reason, without parentheses.
 */
export function formatUnexpectedReason(call: VerifyUnexpected): string {
  const step = call.stepIndex === null ? "?" : String(call.stepIndex + 1);
  switch (call.reason) {
    case "complete":
      return "after completion";
    case "forbidden":
      return call.message === undefined ? "forbidden" : `forbidden: ${call.message}`;
    case "stdin":
      return `stdin mismatch at step ${step}`;
    case "env":
      return `env mismatch at step ${step}`;
    default:
      return `mismatch at step ${step}`;
  }
}

/**
 * Renders a verification result as the text report of VERIFY-5: a `✓`/`✗` header, per-step lines
 * (after a passing header only when some step has an explicit `calls` block) and the unexpected
 * calls. Error results give the two lines of VERIFY-8 (no state) or VERIFY-9 (scenario changed).
 *
 * @example Usage
 * ```ts
 * import { renderVerifyText } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const text = renderVerifyText({
 *   scenario: "deploy-app", session: "default", passed: true, totalSteps: 1, consumedSteps: 1,
 *   steps: [{
 *     index: 0, label: "git status", callCount: 1, min: 1, max: 1, passed: true,
 *     explicitCalls: false,
 *   }],
 *   unexpectedCalls: [], unexpectedCount: 0,
 * });
 * assert.equal(text, '✓ Scenario "deploy-app" completed: 1/1 steps consumed\n');
 * ```
 *
 * @param r The verification result.
 * @param opts How the user named the scenario.
 * @returns The report; every line ends with `"\n"`.
 */
export function renderVerifyText(r: VerifyResult, opts: VerifyTextOptions = {}): string {
  const scenarioArg = opts.scenarioArg ?? "<scenario>";
  if (r.error !== undefined) {
    if (r.error.kind === "scenario-changed") {
      return lines([
        `cli-replay: ${r.error.message} for "${r.scenario}"`,
        `  run 'cli-replay clean ${scenarioArg}' and start a new session`,
      ]);
    }
    if (r.error.kind !== "no-state") {
      return lines([`cli-replay: ${r.error.message} for "${r.scenario}"`]);
    }
    return lines([
      `cli-replay: no state found for "${r.scenario}"`,
      `  run 'cli-replay run ${scenarioArg}' first`,
    ]);
  }

  const out: string[] = [];
  if (r.passed) {
    out.push(
      `✓ Scenario "${r.scenario}" completed: ${r.consumedSteps}/${r.totalSteps} steps consumed`,
    );
    if (r.steps.some((s) => s.explicitCalls || s.answers !== undefined)) {
      out.push(...r.steps.map(stepLine));
    }
    return lines(out);
  }

  if (r.steps.some((s) => !s.passed)) {
    out.push(`✗ Scenario "${r.scenario}" incomplete`);
  } else {
    out.push(`✗ Scenario "${r.scenario}" failed: ${plural(r.unexpectedCount, "unexpected call")}`);
  }
  out.push(`  consumed: ${r.consumedSteps}/${r.totalSteps} steps`);
  out.push(...r.steps.map(stepLine));
  if (r.unexpectedCount > 0) {
    out.push(`  Unexpected calls (${r.unexpectedCount}):`);
    for (const call of r.unexpectedCalls) out.push(`    - ${formatUnexpectedCall(call)}`);
    const more = r.unexpectedCount - r.unexpectedCalls.length;
    if (more > 0) out.push(`    ...+${more} more`);
  }
  return lines(out);
}

function stepLine(s: VerifyStep): string {
  const bounds = (s.explicitCalls ? ` (min: ${s.min}, max: ${s.max})` : "") +
    (s.answers === undefined ? "" : `, at answer ${s.answer ?? 0} of ${s.answers}`);
  const verdict = s.passed ? "✓" : `✗ needs ${s.min - s.callCount} more`;
  return `  Step ${s.index + 1}: ${cutLabel(s.label)} — ${
    plural(s.callCount, "call")
  }${bounds} ${verdict}`;
}

function cutLabel(label: string): string {
  const chars = Array.from(label);
  return chars.length > LABEL_LIMIT ? `${chars.slice(0, LABEL_LIMIT - 3).join("")}...` : label;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function lines(list: readonly string[]): string {
  return list.map((line) => `${line}\n`).join("");
}
