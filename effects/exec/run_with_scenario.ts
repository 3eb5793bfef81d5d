/**
 * The library equivalent of `exec` (LIB-5): run a child under a scenario from inside a
 * Deno test. No `Deno.exit`, no process-wide signal listeners; cleanup on every path.
 *
 * @module
 */
import type { VerifyResult } from "../../core/types.ts";
import { renderVerifyText } from "../../core/report/text.ts";
import { parseDuration } from "../../core/lang/duration.ts";
import { readScenarioFile } from "../scenario/file.ts";
import { ExecSession } from "./exec_session.ts";
import type { ScenarioSource } from "../scenario/source.ts";
import { DEFAULT_MAX_DELAY, DEFAULT_MAX_DELAY_MS } from "../../core/limits.ts";
import { FreshRecording } from "../record/fresh.ts";
import {
  emptyVerification,
  planRecording,
  type RecordingReport,
  type RecordingRules,
  type RecordOptions,
  writeFreshRecording,
  writeMissingRecording,
} from "../record/write_recording.ts";

/** Options of {@linkcode runWithScenario}. */
export interface RunWithScenarioOptions {
  /** Working directory of the child. @default {Deno.cwd()} */
  cwd?: string;
  /** Extra environment for the child. @default {{}} */
  env?: Record<string, string>;
  /** Give the child only `env` plus the session variables. @default {false} */
  clearEnv?: boolean;
  /** The child's stdin. @default {"null"} */
  stdin?: string | Uint8Array | "inherit" | "null";
  /** The child's stdout. @default {"piped"} */
  stdout?: "piped" | "inherit";
  /** The child's stderr. @default {"piped"} */
  stderr?: "piped" | "inherit";
  /** Commands the scenario may fake (SEC-2). @default {[]} */
  allowedCommands?: string[];
  /** Largest `respond.delay` allowed. @default {"5m"} */
  maxDelay?: string;
  /** Kill the child's process group (SIGTERM, then SIGKILL) after this many ms. @default {undefined} */
  timeoutMs?: number;
  /** Aborting kills the child's process group; the promise then rejects with the reason. */
  signal?: AbortSignal;
  /**
   * Record real calls into the scenario file (RECM-1): `once` records when the file does not
   * exist and replays after, `missing` replays and records the calls that match no step,
   * `all` records every call anew. Needs a scenario path, not inline YAML.
   * @default {undefined} (replay only)
   */
  record?: RecordOptions;
}

/** The result of {@linkcode runWithScenario}. */
export interface ReplayRun {
  /** The EXEC-7 exit code. */
  exitCode: number;
  /** The child's exit code, when it exited normally. */
  childExitCode: number | null;
  /** The signal that killed the child. */
  childSignal: Deno.Signal | null;
  /** The child's stdout as text (empty when inherited). */
  stdout: string;
  /** The child's stderr as text (empty when inherited). */
  stderr: string;
  /** The child's stdout bytes. */
  stdoutBytes: Uint8Array;
  /** The child's stderr bytes. */
  stderrBytes: Uint8Array;
  /** The verification result. */
  verification: VerifyResult;
  /** `exitCode === 0`. */
  passed: boolean;
  /** The session id. */
  sessionId: string;
  /** The VERIFY-5 text report. */
  report: string;
  /** Whether the child was killed by `timeoutMs`. */
  timedOut: boolean;
  /** What a recording wrote, when `record` asked for one. */
  recording?: RecordingReport;
}

const decoder = new TextDecoder();

/**
 * Runs `command` under a scenario and verifies the session (LIB-5): validation, setup
 * next to the scenario, spawn with this library's shims, wait, verify, clean up.
 * Requires `--allow-read --allow-write --allow-env --allow-run --allow-sys=uid` (an existing
 * `.cli-replay` directory must belong to the current user).
 *
 * @example Usage
 * ```ts
 * import { runWithScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const run = await runWithScenario(
 *   { yaml: "meta: {name: demo}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {stdout: \"clean\\n\"}\n" },
 *   ["sh", "-c", "git status"],
 * );
 * assert.equal(run.exitCode, 0, run.report);
 * assert.equal(run.stdout, "clean\n");
 * ```
 *
 * @example Record once, replay after
 * ```ts
 * import { runWithScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const record = { mode: "once", commands: ["uname"] } as const;
 * const first = await runWithScenario(`${dir}/uname.yaml`, ["sh", "-c", "uname -s"], { record });
 * assert.equal(first.recording?.newSteps, 1); // the real uname answered; the file is written
 * const again = await runWithScenario(`${dir}/uname.yaml`, ["sh", "-c", "uname -s"], { record });
 * assert.equal(again.stdout, first.stdout); // replayed from the file
 * assert.equal(again.recording, undefined);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param scenario A path, a `file:` URL, or `{ yaml, dir? }`.
 * @param command The child command and its arguments.
 * @param opts Child and session options.
 * @returns The run's exit code, output and verification.
 * @throws {ReplayError} When the scenario is invalid or unreadable, or a recording cannot be
 * written.
 * @throws {Error} When setup fails (allowlist, unsafe state directory), or with the abort reason.
 */
export async function runWithScenario(
  scenario: ScenarioSource,
  command: readonly string[],
  opts: RunWithScenarioOptions = {},
): Promise<ReplayRun> {
  if (command.length === 0) throw new TypeError("Cannot run an empty command");
  opts.signal?.throwIfAborted();
  const record = opts.record ?? { mode: "none", commands: [] };
  const { file, remove: cleanupInline, plan, commands } = await planRecording(scenario, record);
  let session: Pick<ExecSession, "forward" | "cleanup"> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const kill = () => {
    session?.forward("SIGTERM");
    killTimer = setTimeout(() => session?.forward("SIGKILL"), 2000);
  };
  const onAbort = () => kill();
  const stdin = opts.stdin ?? "null";
  const child = {
    ...(opts.env !== undefined ? { env: opts.env } : {}),
    ...(opts.clearEnv !== undefined ? { clearEnv: opts.clearEnv } : {}),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    stdin: typeof stdin === "string" && stdin !== "inherit" && stdin !== "null"
      ? new TextEncoder().encode(stdin)
      : stdin,
    stdout: opts.stdout ?? "piped",
    stderr: opts.stderr ?? "piped",
  } as const;
  const rules: RecordingRules = { ...record, env: { ...Deno.env.toObject(), ...opts.env } };
  const arm = () => {
    opts.signal?.throwIfAborted();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, opts.timeoutMs);
    }
  };
  try {
    if (plan === "fresh") {
      const fresh = new FreshRecording(command, { commands, ...child });
      session = fresh;
      await fresh.setup();
      arm();
      const outcome = await fresh.run();
      opts.signal?.throwIfAborted();
      const recording = outcome.startError === undefined
        ? await writeFreshRecording(file, outcome.calls, rules)
        : undefined;
      return _result(outcome, {
        verification: recording?.verification ?? emptyVerification(file),
        report: outcome.startError !== undefined
          ? `cannot start "${command[0]}": ${outcome.startError}\n`
          : recording!.lines.map((line) => `${line}\n`).join(""),
        sessionId: "",
        timedOut,
        ...(recording !== undefined ? { recording } : {}),
      });
    }
    const loaded = await readScenarioFile(file);
    const maxDelay = opts.maxDelay ?? DEFAULT_MAX_DELAY;
    const replay = new ExecSession(loaded, command, {
      allowedCommands: opts.allowedCommands ?? [],
      maxDelay,
      maxDelayMs: parseDuration(maxDelay) ?? DEFAULT_MAX_DELAY_MS,
      ...child,
      ...(plan === "missing" ? { recordMissing: commands } : {}),
    });
    session = replay;
    await replay.setup();
    arm();
    const outcome = await replay.run();
    opts.signal?.throwIfAborted();
    const recording = plan === "missing" && outcome.startError === undefined
      ? await writeMissingRecording(loaded, {
        calls: outcome.recorded ?? [],
        state: outcome.state,
        sessionId: outcome.sessionId,
      }, rules)
      : undefined;
    const verification = recording?.verification ?? outcome.verification;
    return _result(outcome, {
      verification,
      report: outcome.startError !== undefined
        ? `cannot start "${command[0]}": ${outcome.startError}\n`
        : (recording?.lines ?? []).map((line) => `${line}\n`).join("") +
          renderVerifyText(verification, { scenarioArg: file }),
      sessionId: outcome.sessionId,
      timedOut,
      ...(recording !== undefined ? { recording } : {}),
    });
  } finally {
    clearTimeout(timer);
    clearTimeout(killTimer);
    opts.signal?.removeEventListener("abort", onAbort);
    await session?.cleanup();
    await cleanupInline();
  }
}

/** A run's result from the child's outcome and what the run adds. */
function _result(
  outcome: {
    exitCode: number;
    childExitCode: number | null;
    childSignal: Deno.Signal | null;
    stdout: Uint8Array;
    stderr: Uint8Array;
  },
  more: Pick<ReplayRun, "verification" | "report" | "sessionId" | "timedOut" | "recording">,
): ReplayRun {
  return {
    exitCode: outcome.exitCode,
    childExitCode: outcome.childExitCode,
    childSignal: outcome.childSignal,
    stdout: decoder.decode(outcome.stdout),
    stderr: decoder.decode(outcome.stderr),
    stdoutBytes: outcome.stdout,
    stderrBytes: outcome.stderr,
    passed: outcome.exitCode === 0,
    ...more,
  };
}

/**
 * Throws unless a run passed: the message holds the verification report and the last
 * lines of the child's stderr, as evidence.
 *
 * @example Usage
 * ```ts
 * import { assertReplayPassed, runWithScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const run = await runWithScenario(
 *   { yaml: "meta: {name: demo}\nsteps:\n  - match: {argv: [git, push]}\n" },
 *   ["true"],
 * );
 * assert.throws(() => assertReplayPassed(run), /git push/);
 * ```
 *
 * @param run The result of {@linkcode runWithScenario}.
 * @throws {Error} When `run.passed` is false.
 */
export function assertReplayPassed(run: ReplayRun): void {
  if (run.passed) return;
  const tail = run.stderr.trimEnd().split("\n").slice(-20).join("\n");
  const child = run.childSignal !== null
    ? `killed by ${run.childSignal}`
    : `exit code ${run.childExitCode}`;
  throw new Error(
    `Replay failed with exit code ${run.exitCode} (child ${child}${
      run.timedOut ? ", timed out" : ""
    })\n${run.report}${tail === "" ? "" : `--- child stderr (last lines) ---\n${tail}\n`}`,
  );
}
