/**
 * Names and messages shared by the per-step reports (JUnit, TAP, GitHub): one place decides
 * how a step is named and how its failure reads, so every CI report says the same thing.
 *
 * @module
 */

import type { VerifyError, VerifyStep } from "../types.ts";

/** `step[<index>]: <argv label>`, prefixed `[group:<name>] ` for group members (VERIFY-7). */
export function stepTestName(step: VerifyStep): string {
  if (step.group === undefined) return `step[${step.index}]: ${step.label}`;
  const prefix = `[group:${step.group}] `;
  const argv = step.label.startsWith(prefix) ? step.label.slice(prefix.length) : step.label;
  return `${prefix}step[${step.index}]: ${argv}`;
}

/** `called <n> time|times, minimum <min> required` (VERIFY-7). */
export function stepFailureMessage(step: VerifyStep): string {
  const n = step.callCount;
  return `called ${n} ${n === 1 ? "time" : "times"}, minimum ${step.min} required`;
}

/** Whether a step is an optional one (`min` 0) that was never called: skipped in reports. */
export function isSkippedStep(step: VerifyStep): boolean {
  return step.passed && step.min === 0 && step.callCount === 0;
}

/** The text of an error result's body: the no-state error gets its longer wording (VERIFY-8). */
export function errorDescription(error: VerifyError): string {
  return error.kind === "no-state" ? "no state file found for this session" : error.message;
}
