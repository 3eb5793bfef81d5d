/**
 * `cli-replay verify` (VERIFY-1..10): check a session's counts and unexpected calls.
 *
 * @module
 */
import { verifyState } from "../core/replay/verify.ts";
import type { State } from "../core/types.ts";
import { ReplayError } from "../core/errors.ts";
import { readScenarioCached } from "../effects/scenario/cache.ts";
import { locateSessionFiles } from "../effects/session/state_location.ts";
import { readState } from "../effects/session/state_store.ts";
import { toFsError } from "../effects/fs.ts";
import { parseFormat, REPORT_FORMATS } from "./flags.ts";
import { renderReport } from "./report.ts";
import { scenarioArgOrEnv, sessionFlagOrEnv } from "./flags.ts";
import { writeErr, writeOut } from "./output.ts";

/** Flags of `verify`. */
export interface VerifyFlags {
  /** `--format`. */
  format?: string;
  /** `--session`. */
  session?: string;
  /** `--suggest`: the steps that would accept the unexpected calls, on stdout (LANG-1). */
  suggest?: boolean;
}

/**
 * Runs `cli-replay verify`.
 *
 * With `--suggest`, the text report still goes to stderr and stdout gets a YAML sequence of
 * steps, one per unexpected call (LANG-1).
 *
 * @param scenarioArg The scenario argument, if any.
 * @param flags The flags.
 * @returns 0 when the session passed, 1 otherwise.
 */
export async function verifyAction(
  scenarioArg: string | undefined,
  flags: VerifyFlags,
): Promise<number> {
  const format = parseFormat(flags.format ?? "text", REPORT_FORMATS)!;
  if (flags.suggest === true && format !== "text") {
    throw new ReplayError(
      "usage",
      `--suggest cannot be combined with --format ${format}: both write to stdout`,
    );
  }
  const file = scenarioArgOrEnv(scenarioArg);
  const sessionId = sessionFlagOrEnv(flags.session);
  const loaded = await readScenarioCached(file);
  const files = await locateSessionFiles(loaded.absPath, sessionId);
  let state: State | undefined;
  try {
    state = await readState(files);
  } catch (error) {
    if (!(error instanceof ReplayError && error.kind === "state")) {
      throw toFsError(error, { action: "read state file", path: files.state });
    }
    writeErr(`cli-replay: warning: cannot read state file "${files.state}": ${error.message}\n`);
  }
  const result = verifyState(loaded.scenario, state, { session: sessionId });
  const timestamp = state !== undefined && result.error === undefined
    ? new Date(state.lastUpdated)
    : new Date();
  const text = await renderReport(result, format, {
    scenarioArg: file,
    absPath: loaded.absPath,
    cwd: Deno.cwd(),
    timestamp,
  });
  // text goes to stderr (VERIFY-5); the machine-read formats to stdout (VERIFY-6/7)
  if (format === "text") writeErr(text);
  else writeOut(text);
  if (flags.suggest === true) {
    const { renderSuggestions } = await import("../core/report/suggested_step.ts");
    writeOut(renderSuggestions(result));
  }
  return result.passed ? 0 : 1;
}
