/**
 * How reports name an unexpected call and its reason (VERIFY-5).
 *
 * @module
 */

import { formatArgv } from "./argv_display.ts";
import type { VerifyUnexpected } from "../types.ts";

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
 * The reason text of an unexpected call: `mismatch at step <N>`, `stdin mismatch at step <N>`
 * or `after completion` (VERIFY-5).
 *
 * @param call A retained unexpected call.
 * @returns The reason, without parentheses.
 */
export function formatUnexpectedReason(call: VerifyUnexpected): string {
  const step = call.stepIndex === null ? "?" : String(call.stepIndex + 1);
  return call.reason === "complete"
    ? "after completion"
    : call.reason === "stdin"
    ? `stdin mismatch at step ${step}`
    : `mismatch at step ${step}`;
}
