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
