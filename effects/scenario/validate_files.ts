/**
 * Validation of scenario files for `validate` and the library (VAL-1..3, LIB-3).
 *
 * @module
 */
import type { Diagnostic } from "../../core/types.ts";
import { effectiveAllowlist, findAllowlistViolations } from "../../core/session/allowlist.ts";
import { checkScenarioText } from "./file.ts";
import { parseScenario } from "../../core/scenario/parse.ts";
import { absolutePath } from "../session/files.ts";
import { fsReason } from "../fs.ts";

/** The validation outcome of one file. */
export interface ValidationReport {
  /** The file as given. */
  file: string;
  /** Whether it has no errors. */
  valid: boolean;
  /** Errors: diagnostics, or a plain line when the file could not be read. */
  errors: (Diagnostic | string)[];
  /** Warnings (VAL-7). */
  warnings: Diagnostic[];
}

/**
 * Validates scenario files independently (VAL-1/2/3). Creates nothing, runs nothing.
 * Requires `--allow-read`.
 *
 * @example Usage
 * ```ts
 * import { validateFiles } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const [report] = await validateFiles(["/no/such/file.yaml"]);
 * assert.equal(report!.valid, false);
 * ```
 *
 * @param paths The files.
 * @returns One report per file, in order.
 */
export async function validateFiles(paths: readonly string[]): Promise<ValidationReport[]> {
  const reports: ValidationReport[] = [];
  for (const file of paths) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      reports.push({
        file,
        valid: false,
        errors: [`${file}: cannot read file (${fsReason(error)})`],
        warnings: [],
      });
      continue;
    }
    const checked = await checkScenarioText(text, file, absolutePath(file));
    // VAL-3: report every error. When only the referenced-file checks failed, the
    // scenario itself parsed, so the allowlist check (VAL-2) still runs on it.
    const parsed = checked.ok ? checked : parseScenario(text, { file });
    const errors: Diagnostic[] = checked.ok ? [] : [...checked.diagnostics];
    if (parsed.ok) {
      const scenario = parsed.scenario;
      const allow = effectiveAllowlist(scenario.meta.allowedCommands, []);
      for (const v of findAllowlistViolations(scenario, allow)) {
        const step = v.stepNumbers.length === 0 ? undefined : scenario.steps[v.stepNumbers[0]! - 1];
        const rule = scenario.forbid?.[v.forbidIndexes?.[0] ?? -1];
        const path = step !== undefined
          ? `${step.yamlPath}.match.argv[0]`
          : rule !== undefined
          ? `${rule.yamlPath}.argv[0]`
          : "";
        const pos = parsed.positions.get(path);
        errors.push({
          file,
          line: pos?.line ?? 0,
          column: pos?.column ?? 0,
          path,
          message: `command "${v.command}" is not in the allowed commands list [${
            (allow ?? []).join(", ")
          }]`,
          severity: "error",
        });
      }
    }
    // SCN-22: diagnostics sorted by position (stable for equal positions).
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    reports.push({ file, valid: errors.length === 0, errors, warnings: checked.warnings });
  }
  return reports;
}
