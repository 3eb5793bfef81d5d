/**
 * The library equivalent of `exec` (LIB-5): run a child under a scenario from inside a
 * Deno test. No `Deno.exit`, no process-wide signal listeners; cleanup on every path.
 *
 * @module
 */
import { scenarioFile, type ScenarioSource } from "../scenario/source.ts";
import { DEFAULT_MAX_DELAY, DEFAULT_MAX_DELAY_MS } from "../../core/limits.ts";
import type { VerifyResult } from "../../core/types.ts";
import { renderVerifyText } from "../../core/report/text.ts";
import { parseDuration } from "../../core/lang/duration.ts";
import { readScenarioFile } from "../scenario/file.ts";
import { ExecSession } from "./exec_session.ts";

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
 * @param scenario A path, a `file:` URL, or `{ yaml, dir? }`.
 * @param command The child command and its arguments.
 * @param opts Child and session options.
 * @returns The run's exit code, output and verification.
 * @throws {ReplayError} When the scenario is invalid or unreadable.
 * @throws {Error} When setup fails (allowlist, unsafe state directory), or with the abort reason.
 */
export async function runWithScenario(
  scenario: ScenarioSource,
  command: readonly string[],
  opts: RunWithScenarioOptions = {},
): Promise<ReplayRun> {
  if (command.length === 0) throw new TypeError("Cannot run an empty command");
  opts.signal?.throwIfAborted();
  const { file, remove: cleanupInline } = await scenarioFile(scenario);
  let session: ExecSession | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const kill = () => {
    session?.forward("SIGTERM");
    killTimer = setTimeout(() => session?.forward("SIGKILL"), 2000);
  };
  const onAbort = () => kill();
  try {
    const loaded = await readScenarioFile(file);
    const maxDelay = opts.maxDelay ?? DEFAULT_MAX_DELAY;
    const stdin = opts.stdin ?? "null";
    session = new ExecSession(loaded, command, {
      allowedCommands: opts.allowedCommands ?? [],
      maxDelay,
      maxDelayMs: parseDuration(maxDelay) ?? DEFAULT_MAX_DELAY_MS,
      ...(opts.env !== undefined ? { env: opts.env } : {}),
      ...(opts.clearEnv !== undefined ? { clearEnv: opts.clearEnv } : {}),
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      stdin: typeof stdin === "string" && stdin !== "inherit" && stdin !== "null"
        ? new TextEncoder().encode(stdin)
        : stdin,
      stdout: opts.stdout ?? "piped",
      stderr: opts.stderr ?? "piped",
    });
    await session.setup();
    opts.signal?.throwIfAborted();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, opts.timeoutMs);
    }
    const outcome = await session.run();
    opts.signal?.throwIfAborted();
    return {
      exitCode: outcome.exitCode,
      childExitCode: outcome.childExitCode,
      childSignal: outcome.childSignal,
      stdout: decoder.decode(outcome.stdout),
      stderr: decoder.decode(outcome.stderr),
      stdoutBytes: outcome.stdout,
      stderrBytes: outcome.stderr,
      verification: outcome.verification,
      passed: outcome.exitCode === 0,
      sessionId: outcome.sessionId,
      report: outcome.startError !== undefined
        ? `cannot start "${command[0]}": ${outcome.startError}\n`
        : renderVerifyText(outcome.verification, { scenarioArg: file }),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
    clearTimeout(killTimer);
    opts.signal?.removeEventListener("abort", onAbort);
    await session?.cleanup();
    await cleanupInline();
  }
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
