/**
 * `cli-replay validate` (VAL-1..7): check scenario files without side effects.
 *
 * @module
 */
import { formatDiagnostic } from "../core/scenario/format.ts";
import { validateFiles } from "../effects/scenario/validate_files.ts";
import { parseFormat } from "./flags.ts";
import { writeErr, writeOut } from "./output.ts";

/**
 * Runs `cli-replay validate`.
 *
 * @param files The files.
 * @param flags `--format`.
 * @returns 0 when every file is valid, 1 otherwise.
 */
export async function validateAction(files: string[], flags: { format?: string }): Promise<number> {
  const format = parseFormat(flags.format ?? "text", ["text", "json"] as const)!;
  const reports = await validateFiles(files);
  if (format === "json") {
    writeOut(
      JSON.stringify(
        reports.map((r) => ({
          file: r.file,
          valid: r.valid,
          errors: r.errors.map((e) => typeof e === "string" ? e : formatDiagnostic(e)),
          warnings: r.warnings.map(formatDiagnostic),
        })),
        null,
        2,
      ) + "\n",
    );
  } else {
    let text = "";
    for (const r of reports) {
      const w = r.warnings.length;
      if (r.valid) {
        text += `✓ ${r.file}: valid${w > 0 ? ` (${w} warning${w === 1 ? "" : "s"})` : ""}\n`;
      } else {
        text += `✗ ${r.file}:\n`;
        for (const e of r.errors) {
          text += `  - ${typeof e === "string" ? e : formatDiagnostic(e)}\n`;
        }
      }
      for (const d of r.warnings) text += `  ! ${formatDiagnostic(d)}\n`;
    }
    if (reports.length > 1) {
      text += `\nResult: ${reports.filter((r) => r.valid).length}/${reports.length} files valid\n`;
    }
    writeErr(text);
  }
  return reports.every((r) => r.valid) ? 0 : 1;
}
