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
  const format = parseFormat(flags.format ?? "text", REPORT_FORMATS)!;
  const file = scenarioArgOrEnv(scenarioArg);
  const sessionId = sessionFlagOrEnv(flags.session);
  const loaded = await readScenarioCached(file);
  const files = await locateSessionFiles(loaded.absPath, sessionId);
  let state: State | undefined;
  try {
    state = await readState(files.state);
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
  const text = renderReport(result, format, {
    scenarioArg: file,
    absPath: loaded.absPath,
    cwd: Deno.cwd(),
    timestamp,
  });
  // text goes to stderr (VERIFY-5); the machine-read formats to stdout (VERIFY-6/7)
  if (format === "text") writeErr(text);
  else writeOut(text);
  return result.passed ? 0 : 1;
}
