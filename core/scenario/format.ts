/**
 * Formatting of scenario diagnostics (SCN-22). No npm imports: the intercept uses it.
 *
 * @module
 */
import type { Diagnostic } from "../types.ts";

/**
 * Formats a diagnostic as one SCN-22 line: `<file>:<line>:<col>: <path>: <message>`.
 *
 * @example Usage
 * ```ts
 * import { formatDiagnostic } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   formatDiagnostic({ file: "s.yaml", line: 2, column: 3, path: "meta", message: 'missing required key "name"', severity: "error" }),
 *   's.yaml:2:3: meta: missing required key "name"',
 * );
 * ```
 *
 * @param d The diagnostic.
 * @returns One line, without a trailing newline.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [
    d.file,
    d.line > 0 ? String(d.line) : undefined,
    d.line > 0 ? String(d.column) : undefined,
  ]
    .filter((x) => x !== undefined).join(":");
  const prefix = where === "" ? "" : `${where}: `;
  return `${prefix}${d.path === "" ? "" : `${d.path}: `}${d.message}`;
}
