/**
 * `cli-replay verify` (VERIFY-1..10): check a session's counts and unexpected calls.
 *
 * @module
 */
import { verifyState } from "../core/verify.ts";
import { renderVerifyText } from "../core/report_text.ts";
import { renderVerifyJson } from "../core/report_json.ts";
import { renderJUnit } from "../core/report_junit.ts";
import type { State, VerifyResult } from "../core/types.ts";
import { StateError } from "../core/errors.ts";
import { readScenarioFile } from "../effects/scenario_file.ts";
import { locateSessionFiles } from "../effects/state_location.ts";
import { readState } from "../effects/state_store.ts";
import { toFsError } from "../effects/fs_reason.ts";
import { parseFormat } from "./main.ts";
import { scenarioArgOrEnv, sessionFlagOrEnv } from "./flags.ts";
import { writeErr, writeOut } from "./output.ts";

/** Flags of `verify`. */
export interface VerifyFlags {
  /** `--format`. */
  format?: string;
  /** `--session`. */
  session?: string;
}

/** Report formats. */
export type ReportFormat = "text" | "json" | "junit";

/** Renders a verification result in a format; text goes with the scenario as given. */
export function renderReport(
  result: VerifyResult,
  format: ReportFormat,
  opts: { scenarioArg: string; timestamp: Date },
): string {
  if (format === "json") return renderVerifyJson(result);
  if (format === "junit") {
    return renderJUnit(result, { classname: opts.scenarioArg, timestamp: opts.timestamp });
  }
  return renderVerifyText(result, { scenarioArg: opts.scenarioArg });
}

/**
 * Runs `cli-replay verify`.
 *
 * @param scenarioArg The scenario argument, if any.
 * @param flags The flags.
 * @returns 0 when the session passed, 1 otherwise.
 */
export async function verifyAction(
  scenarioArg: string | undefined,
  flags: VerifyFlags,
): Promise<number> {
  const format = parseFormat(flags.format ?? "text", ["text", "json", "junit"] as const)!;
  const file = scenarioArgOrEnv(scenarioArg);
  const loaded = await readScenarioFile(file);
  const sessionId = sessionFlagOrEnv(flags.session);
  const files = await locateSessionFiles(loaded.absPath, sessionId);
  let state: State | undefined;
  try {
    state = await readState(files.state);
  } catch (error) {
    if (!(error instanceof StateError)) {
      throw toFsError(error, { action: "read state file", path: files.state });
    }
    writeErr(`cli-replay: warning: cannot read state file "${files.state}": ${error.message}\n`);
  }
  const result = verifyState(loaded.scenario, state, { session: sessionId });
  const timestamp = state !== undefined && result.error === undefined
    ? new Date(state.lastUpdated)
    : new Date();
  const text = renderReport(result, format, { scenarioArg: file, timestamp });
  if (format === "text") writeErr(text);
  else writeOut(text);
  return result.passed ? 0 : 1;
}
