/**
 * The small decisions of recording: the default scenario name, the `-c` command names
 * (REC-1), and the record modes of `exec` (RECM-1).
 *
 * @module
 */

import { commandNameProblem, letterCaseTwins } from "../lang/command_name.ts";

/**
 * The default scenario name for a recording started at `start`:
 * `recorded-session-<yyyymmdd-hhmmss>` in UTC (REC-7).
 *
 * @example Usage
 * ```ts
 * import { defaultRecordingName } from "./flags.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   defaultRecordingName(new Date("2026-02-07T10:04:05Z")),
 *   "recorded-session-20260207-100405",
 * );
 * ```
 *
 * @param start When the recording started.
 * @returns The name.
 */
export function defaultRecordingName(start: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `recorded-session-${start.getUTCFullYear()}${p(start.getUTCMonth() + 1)}${
    p(start.getUTCDate())
  }-${p(start.getUTCHours())}${p(start.getUTCMinutes())}${p(start.getUTCSeconds())}`;
}

/** Result of {@linkcode parseRecordCommands}. */
export type RecordCommandsResult =
  | { readonly ok: true; readonly names: string[] }
  | { readonly ok: false; readonly message: string };

/**
 * Reads the values of `record -c` (REC-1): each value may hold comma-separated names; items
 * are trimmed, empty items dropped, duplicates dropped (first kept); every name must satisfy
 * SCN-13, and two names that differ only in letter case are refused.
 *
 * @example Usage
 * ```ts
 * import { parseRecordCommands } from "./flags.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseRecordCommands(["kubectl,helm", "kubectl"]), {
 *   ok: true, names: ["kubectl", "helm"],
 * });
 * assert.equal(parseRecordCommands(["../x"]).ok, false);
 * ```
 *
 * @param values The option values as given.
 * @returns The distinct names in order, or a message for the first bad name.
 */
export function parseRecordCommands(values: readonly string[]): RecordCommandsResult {
  const names: string[] = [];
  const twin = letterCaseTwins();
  for (const value of values) {
    for (const raw of value.split(",")) {
      const name = raw.trim();
      if (name === "" || names.includes(name)) continue;
      const problem = commandNameProblem(name);
      if (problem !== undefined) {
        return { ok: false, message: `invalid --command ${JSON.stringify(name)}: ${problem}` };
      }
      const other = twin(name);
      if (other !== undefined) {
        return {
          ok: false,
          message: `invalid --command ${JSON.stringify(name)}: differs from ${
            JSON.stringify(other)
          } only in letter case`,
        };
      }
      names.push(name);
    }
  }
  return { ok: true, names };
}

/** A record mode of `exec --record` (RECM-1). */
export type RecordMode = "none" | "once" | "missing" | "all";

/** The record modes, in the order help lists them. */
export const RECORD_MODES: readonly RecordMode[] = ["none", "once", "missing", "all"];

/**
 * Reads the value of `--record`.
 *
 * @example Usage
 * ```ts
 * import { parseRecordMode } from "./flags.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseRecordMode("missing"), "missing");
 * assert.equal(parseRecordMode("sometimes"), undefined);
 * ```
 *
 * @param value The value as given.
 * @returns The mode, or `undefined` when it is not one.
 */
export function parseRecordMode(value: string): RecordMode | undefined {
  return (RECORD_MODES as readonly string[]).includes(value) ? value as RecordMode : undefined;
}

/**
 * What `exec` does in a record mode (RECM-1): `replay` the scenario as it is, record a
 * `fresh` scenario from real calls only, or replay and record the `missing` calls into it.
 * `once` records only when the file does not exist yet; `missing` without a file records
 * everything, like `once`.
 *
 * @example Usage
 * ```ts
 * import { decideRecordPlan } from "./flags.ts";
 * import assert from "node:assert/strict";
 * assert.equal(decideRecordPlan("once", true), "replay");
 * assert.equal(decideRecordPlan("once", false), "fresh");
 * assert.equal(decideRecordPlan("all", true), "fresh");
 * ```
 *
 * @param mode The record mode.
 * @param exists Whether the scenario file exists.
 * @returns The plan.
 */
export function decideRecordPlan(
  mode: RecordMode,
  exists: boolean,
): "replay" | "fresh" | "missing" {
  if (mode === "none") return "replay";
  if (mode === "all" || !exists) return "fresh";
  return mode === "once" ? "replay" : "missing";
}
