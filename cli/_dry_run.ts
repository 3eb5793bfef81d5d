/**
 * The dry run shared by `run --dry-run` and `exec --dry-run` (RUN-11, EXEC-12): load the
 * scenario, check the session rules and the allowlist, print the step table; create nothing.
 *
 * @module
 */
import { DEFAULT_MAX_DELAY } from "../core/limits.ts";
import { buildDryRunReport, renderDryRun } from "../core/report/dry_run.ts";
import { readScenarioCached } from "../effects/scenario/cache.ts";
import { checkSessionRules, parseCommandList } from "../effects/session/setup.ts";
import { ReplayError } from "../core/errors.ts";
import { parseDurationFlag } from "./flags.ts";
import { writeErr, writeOut } from "./output.ts";

/** Prints the dry-run report of a loaded scenario (RUN-11) and returns its exit code. */
export async function dryRun(
  scenarioArg: string,
  flags: { allowedCommands?: string; maxDelay?: string },
): Promise<number> {
  const loaded = await readScenarioCached(scenarioArg);
  const maxDelayMs = parseDurationFlag("--max-delay", flags.maxDelay ?? DEFAULT_MAX_DELAY);
  const allowedCommands = parseCommandList(flags.allowedCommands);
  try {
    checkSessionRules(loaded, { maxDelayMs, maxDelay: flags.maxDelay ?? DEFAULT_MAX_DELAY });
  } catch (error) {
    if (!(error instanceof ReplayError)) throw error;
    writeErr(`${error.message}\n`);
    return 1;
  }
  const report = buildDryRunReport(loaded.scenario, { allowedCommands });
  writeOut(renderDryRun(report));
  return report.ok ? 0 : 1;
}
