/**
 * `cli-replay exec` (EXEC-1..13): set up a session, run the child under it, verify,
 * report, and always clean up. Signals are forwarded to the child's process group.
 *
 * @module
 */
import { DEFAULT_MAX_DELAY } from "../core/limits.ts";
import { decideExecExitCode, signalNumber } from "../core/session/exec_exit.ts";
import { quoteIfNeeded } from "../core/session/shell.ts";
import { renderVerifyText } from "../core/report/text.ts";
import { readScenarioCached } from "../effects/scenario/cache.ts";
import { writeFileAtomic } from "../effects/fs.ts";
import { toFsError } from "../effects/fs.ts";
import { ExecSession } from "../effects/exec/exec_session.ts";
import { forwardSignals } from "../effects/signals.ts";
import { parseCommandList } from "../effects/session/setup.ts";
import { ReplayError } from "../core/errors.ts";
import { parseDurationFlag } from "./flags.ts";
import { parseFormat, REPORT_FORMATS } from "./flags.ts";
import { parseRecordingRules, type RecordingFlags } from "./_record_flags.ts";
import {
  decideRecordPlan,
  parseRecordCommands,
  parseRecordMode,
  RECORD_MODES,
} from "../core/record/flags.ts";
import { renderReport } from "./report.ts";
import { dryRun } from "./_dry_run.ts";
import { writeErr } from "./output.ts";

/** Flags of `exec`. */
export interface ExecFlags extends RecordingFlags {
  /** `--allowed-commands`. */
  allowedCommands?: string;
  /** `--format`. */
  format?: string;
  /** `--report-file`. */
  reportFile?: string;
  /** `--max-delay`. */
  maxDelay?: string;
  /** `--dry-run`. */
  dryRun?: boolean;
  /** `--record none|once|missing|all` (RECM-1). */
  record?: string;
  /** `-c, --command`: the commands to record (repeatable, comma-separated). */
  command?: readonly string[];
}

const USAGE = "usage: cli-replay exec <scenario.yaml> -- <command> [args...]";

/** Advice when the report file cannot be written (EXEC-11: a warning; the exit code stands). */
const REPORT_HINTS = {
  "permission-denied": "choose a --report-file path in a directory you can write",
  "read-only": "choose a --report-file path on a writable file system",
  "not-found": "create its directory first or choose another --report-file path",
  "not-a-directory": "choose another --report-file path",
  "is-a-directory": "choose a file name, not a directory, for --report-file",
};

/**
 * Runs `cli-replay exec`.
 *
 * @param scenarios Positional arguments before `--`.
 * @param command The child command after `--` (undefined when `--` is missing).
 * @param flags The flags.
 * @returns The EXEC-7 exit code.
 */
export async function execAction(
  scenarios: string[],
  command: string[] | undefined,
  flags: ExecFlags,
): Promise<number> {
  if (command === undefined && !flags.dryRun) {
    throw new ReplayError("usage", `missing '--' separator: ${USAGE}`);
  }
  if (scenarios.length === 0) throw new ReplayError("usage", "missing scenario path before '--'");
  if (scenarios.length > 1) {
    throw new ReplayError(
      "usage",
      `expected exactly one scenario path before '--', got ${scenarios.length}`,
    );
  }
  if ((command === undefined || command.length === 0) && !flags.dryRun) {
    throw new ReplayError("usage", `missing command after '--': ${USAGE}`);
  }
  const format = parseFormat(flags.format, REPORT_FORMATS);
  if (flags.reportFile !== undefined && format === undefined) {
    throw new ReplayError(
      "usage",
      `--report-file requires --format (${REPORT_FORMATS.slice(0, -1).join(", ")} or ${
        REPORT_FORMATS.at(-1)
      })`,
    );
  }
  const maxDelay = flags.maxDelay ?? DEFAULT_MAX_DELAY;
  const maxDelayMs = parseDurationFlag("--max-delay", maxDelay);
  const scenarioArg = scenarios[0]!;
  const record = _recordFlags(flags);
  if (flags.dryRun || command === undefined) {
    if (record.mode !== "none") {
      throw new ReplayError("usage", "--dry-run cannot be combined with --record");
    }
    return await dryRun(scenarioArg, flags);
  }
  const plan = decideRecordPlan(record.mode, await _exists(scenarioArg));

  // Signals: before the session is set up they end exec (128+N after cleanup); after, the
  // session forwards them to the child's process group, or starts no child (EXEC-2, EXEC-5).
  using signals = forwardSignals();
  let session: ExecSession | undefined;
  try {
    if (plan === "fresh") {
      // RECM-1: nothing is faked; the recording forwards signals like a session does.
      const { recordFresh } = await import("./_exec_record.ts");
      return await recordFresh(scenarioArg, command, record, (fresh) => {
        signals.setTarget((signal) => fresh.forward(signal));
      });
    }
    const loaded = await readScenarioCached(scenarioArg);
    session = new ExecSession(loaded, command, {
      allowedCommands: parseCommandList(flags.allowedCommands),
      maxDelayMs,
      maxDelay,
      onMessage: (line) => writeErr(`${line}\n`),
      ...(plan === "missing" ? { recordMissing: record.commands } : {}),
    });
    await session.setup();
    if (signals.received !== undefined) {
      await session.cleanup();
      return decideExecExitCode({
        signalBeforeSpawn: signalNumber(signals.received, Deno.build.os),
      });
    }
    const running = session;
    signals.setTarget((signal) => running.forward(signal));
    const s = loaded.scenario;
    writeErr(
      `cli-replay: exec session initialized for "${s.meta.name}" (${s.steps.length} steps, ${s.commands.length} commands)\n` +
        `  child command: ${command.map(quoteIfNeeded).join(" ")}\n`,
    );
    const outcome = await session.run();
    if (outcome.signalBeforeSpawn !== undefined) return outcome.exitCode;
    if (plan === "missing" && outcome.startError === undefined) {
      const { writeMissingRecording } = await import("../effects/record/write_recording.ts");
      const report = await writeMissingRecording(loaded, {
        calls: outcome.recorded ?? [],
        state: outcome.state,
        sessionId: outcome.sessionId,
      }, record.rules);
      for (const line of report.lines) writeErr(`cli-replay: ${line}\n`);
      if (report.verification !== undefined) outcome.verification = report.verification;
    }
    if (outcome.startError !== undefined) {
      writeErr(`cli-replay: cannot start "${command[0]}": ${outcome.startError}\n`);
    }
    if (outcome.stateWarning !== undefined) {
      writeErr(`cli-replay: warning: ${outcome.stateWarning}\n`);
    }
    const now = new Date();
    if (outcome.startError === undefined) {
      writeErr(renderVerifyText(outcome.verification, { scenarioArg }));
    }
    if (format !== undefined) {
      const report = await renderReport(outcome.verification, format, {
        scenarioArg,
        absPath: loaded.absPath,
        cwd: Deno.cwd(),
        timestamp: now,
      });
      if (flags.reportFile !== undefined) {
        try {
          await writeFileAtomic(flags.reportFile, report, { mode: 0o644 });
        } catch (error) {
          const failure = toFsError(error, {
            lead: "could not",
            action: "write report file",
            path: flags.reportFile,
            hints: REPORT_HINTS,
          });
          if (!(failure instanceof ReplayError)) throw error;
          writeErr(`cli-replay: warning: ${failure.message}\n`);
        }
      } else if (format !== "text" || outcome.startError !== undefined) {
        writeErr(report);
      }
    }
    return outcome.exitCode;
  } finally {
    await session?.cleanup();
  }
}

/** What `--record`, `-c` and the redaction flags ask for (RECM-1, RECM-2). */
function _recordFlags(flags: ExecFlags) {
  const mode = parseRecordMode(flags.record ?? "none");
  if (mode === undefined) {
    throw new ReplayError(
      "usage",
      `invalid --record "${flags.record}": valid values are ${RECORD_MODES.join(", ")}`,
    );
  }
  const commands = parseRecordCommands(flags.command ?? []);
  if (!commands.ok) throw new ReplayError("usage", commands.message);
  if (mode !== "none" && commands.names.length === 0) {
    throw new ReplayError(
      "usage",
      `--record ${mode} needs the commands to record: add -c <name> (e.g. -c kubectl -c helm)`,
    );
  }
  if (mode === "none" && commands.names.length > 0) {
    throw new ReplayError("usage", "-c/--command records calls: add --record once, missing or all");
  }
  return { mode, commands: commands.names, rules: parseRecordingRules(flags) };
}

async function _exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
