/**
 * The human-readable verification report that `verify` and `exec` write to stderr (VERIFY-5,
 * VERIFY-8, VERIFY-9).
 *
 * @module
 */

import type { VerifyResult, VerifyStep } from "../types.ts";
import { formatUnexpectedCall } from "./unexpected_call.ts";
import { describeSuggestion, renderSuggestedStep } from "./suggested_step.ts";

export { formatUnexpectedCall, formatUnexpectedReason } from "./unexpected_call.ts";

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
    // LANG-1: after the contract's list, the step that would accept each call.
    // LANG-5: no step accepts a forbidden call.
    const acceptable = r.unexpectedCalls.filter((call) => call.reason !== "forbidden");
    if (acceptable.length > 0) {
      out.push(`  To accept ${acceptable.length === 1 ? "this call" : "these calls"}, add:`);
      for (const call of acceptable) {
        out.push(
          `    # ${describeSuggestion(call, r.steps)}`,
          ...renderSuggestedStep(call.argv).map((line) => `    ${line}`),
        );
      }
    }
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
