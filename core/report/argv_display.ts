/**
 * The argv display used by every report: a JSON-style array (ICPT-16).
 *
 * @module
 */

/** How many elements {@linkcode formatArgv} shows before eliding the rest. */
export const ARGV_DISPLAY_LIMIT = 12;

/**
 * Formats an argv as a JSON-style array, each element JSON-string-escaped and separated by
 * `", "` (ICPT-16). More than 12 elements: the first 12, then two spaces and `...+<k> more`.
 *
 * @example Usage
 * ```ts
 * import { formatArgv } from "./argv_display.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatArgv(["kubectl", "get", "pods"]), '["kubectl", "get", "pods"]');
 * assert.equal(formatArgv(["echo", 'say "hi"']), '["echo", "say \\"hi\\""]');
 * ```
 *
 * @param argv The argv to show; element 0 is the command name.
 * @returns The display text, on one line.
 */
export function formatArgv(argv: readonly string[]): string {
  const shown = argv.slice(0, ARGV_DISPLAY_LIMIT).map((arg) => JSON.stringify(arg));
  const rest = argv.length - ARGV_DISPLAY_LIMIT;
  return `[${shown.join(", ")}]${rest > 0 ? `  ...+${rest} more` : ""}`;
}

/**
 * Finds where one element's display text sits inside {@linkcode formatArgv}'s output, for the
 * caret line of ICPT-10. Columns count Unicode code points.
 *
 * @param argv The argv that was displayed.
 * @param position 0-based element position.
 * @returns The 0-based column and width of the element's quoted text, or `undefined` when the
 * element is not shown (beyond the argv or beyond the first 12).
 */
export function argvDisplaySpan(
  argv: readonly string[],
  position: number,
): { column: number; width: number } | undefined {
  if (position < 0 || position >= argv.length || position >= ARGV_DISPLAY_LIMIT) return undefined;
  let column = 1;
  for (let i = 0; i < position; i++) column += codePointLength(JSON.stringify(argv[i])) + 2;
  return { column, width: codePointLength(JSON.stringify(argv[position])) };
}

function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
