/**
 * The JSON verification report (VERIFY-6): one line of compact JSON with snake_case keys in a
 * fixed order.
 *
 * @module
 */

import type { VerifyResult } from "../types.ts";

/**
 * Renders a verification result as the compact JSON of VERIFY-6. Keys come in the contract's
 * order; `group` appears only for group members and `error` only in error results;
 * `unexpected_calls` and `unexpected_count` are always present.
 *
 * @example Usage
 * ```ts
 * import { renderVerifyJson } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const json = renderVerifyJson({
 *   scenario: "deploy-app", session: "default", passed: false, totalSteps: 0,
 *   consumedSteps: 0, error: { kind: "no-state", message: "no state found" }, steps: [], unexpectedCalls: [],
 *   unexpectedCount: 0,
 * });
 * assert.equal(
 *   json,
 *   '{"scenario":"deploy-app","session":"default","passed":false,"total_steps":0,' +
 *     '"consumed_steps":0,"error":"no state found","steps":[],"unexpected_calls":[],' +
 *     '"unexpected_count":0}\n',
 * );
 * ```
 *
 * @param r The verification result.
 * @returns One line of JSON followed by a newline.
 */
export function renderVerifyJson(r: VerifyResult): string {
  const doc = {
    scenario: r.scenario,
    session: r.session,
    passed: r.passed,
    total_steps: r.totalSteps,
    consumed_steps: r.consumedSteps,
    ...(r.error === undefined ? {} : { error: r.error.message }),
    steps: r.steps.map((s) => ({
      index: s.index,
      label: s.label,
      ...(s.group === undefined ? {} : { group: s.group }),
      call_count: s.callCount,
      min: s.min,
      max: s.max,
      passed: s.passed,
      ...(s.answers === undefined ? {} : { answer: s.answer ?? 0, answers: s.answers }),
    })),
    unexpected_calls: r.unexpectedCalls.map((u) => ({
      argv: u.argv,
      reason: u.reason,
      step_index: u.stepIndex,
      ...(u.message === undefined ? {} : { message: u.message }),
    })),
    unexpected_count: r.unexpectedCount,
  };
  return `${JSON.stringify(doc)}\n`;
}
