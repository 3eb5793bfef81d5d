/**
 * The decisions of `exec` (EXEC-2, EXEC-7) as pure functions: the lifecycle
 * transitions and the exit code.
 *
 * @module
 */

/** Phases of an exec session (EXEC-2). */
export type ExecPhase =
  | "created"
  | "ready"
  | "running"
  | "exited"
  | "verified-ok"
  | "verified-fail"
  | "cleaned";

/** Events that move an exec session between phases. */
export type ExecEvent =
  | "setup-ok"
  | "setup-failed"
  | "spawned"
  | "spawn-failed"
  | "signal"
  | "exited"
  | "verify-ok"
  | "verify-fail"
  | "cleanup";

const TRANSITIONS: Record<ExecPhase, Partial<Record<ExecEvent, ExecPhase>>> = {
  "created": { "setup-ok": "ready", "setup-failed": "cleaned", "cleanup": "cleaned" },
  "ready": {
    "spawned": "running",
    "spawn-failed": "cleaned",
    "signal": "cleaned",
    "cleanup": "cleaned",
  },
  "running": { "exited": "exited", "cleanup": "cleaned" },
  "exited": { "verify-ok": "verified-ok", "verify-fail": "verified-fail", "cleanup": "cleaned" },
  "verified-ok": { "cleanup": "cleaned" },
  "verified-fail": { "cleanup": "cleaned" },
  "cleaned": {},
};

/**
 * The next phase of an exec session (EXEC-2): a signal before `running` goes straight
 * to `cleaned`; a signal while running is forwarded and the phase stays. Events that
 * do not apply leave the phase unchanged.
 *
 * @example Usage
 * ```ts
 * import { nextExecPhase } from "./exec_exit.ts";
 * import assert from "node:assert/strict";
 * assert.equal(nextExecPhase("ready", "spawned"), "running");
 * assert.equal(nextExecPhase("ready", "signal"), "cleaned");
 * ```
 *
 * @param phase The current phase.
 * @param event What happened.
 * @returns The next phase.
 */
export function nextExecPhase(phase: ExecPhase, event: ExecEvent): ExecPhase {
  return TRANSITIONS[phase][event] ?? phase;
}

/** What is known when `exec` decides its exit code. */
export interface ExecFacts {
  /** Setup failed or the command line was wrong. */
  readonly setupFailed?: boolean;
  /** Signal number received before the child was spawned. */
  readonly signalBeforeSpawn?: number;
  /** Why the child could not be started. */
  readonly startError?: "not-found" | "not-executable" | "other";
  /** The child's exit code, when it exited normally. */
  readonly childCode?: number | null;
  /** The number of the signal that killed the child. */
  readonly childSignal?: number | null;
  /** Whether verification passed. */
  readonly verified?: boolean;
}

/**
 * The exit code of `exec` (EXEC-7). The child's status takes precedence over
 * verification.
 *
 * @example Usage
 * ```ts
 * import { decideExecExitCode } from "./exec_exit.ts";
 * import assert from "node:assert/strict";
 * assert.equal(decideExecExitCode({ childCode: 42, verified: true }), 42);
 * assert.equal(decideExecExitCode({ childCode: 0, verified: false }), 1);
 * assert.equal(decideExecExitCode({ childSignal: 15 }), 143);
 * ```
 *
 * @param facts What happened.
 * @returns The exit code.
 */
export function decideExecExitCode(facts: ExecFacts): number {
  if (facts.signalBeforeSpawn !== undefined) return 128 + facts.signalBeforeSpawn;
  if (facts.setupFailed) return 1;
  if (facts.startError === "not-found") return 127;
  if (facts.startError === "not-executable") return 126;
  if (facts.startError === "other") return 1;
  if (facts.childSignal !== undefined && facts.childSignal !== null) {
    return 128 + facts.childSignal;
  }
  if (facts.childCode !== undefined && facts.childCode !== null && facts.childCode !== 0) {
    return facts.childCode;
  }
  return facts.verified ? 0 : 1;
}

const LINUX: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};
const DARWIN_OVERRIDES: Record<string, number> = {
  SIGBUS: 10,
  SIGUSR1: 30,
  SIGSEGV: 11,
  SIGUSR2: 31,
  SIGCHLD: 20,
  SIGCONT: 19,
  SIGSTOP: 17,
  SIGTSTP: 18,
  SIGURG: 16,
  SIGIO: 23,
  SIGSYS: 12,
};

/**
 * The number of a signal name on an OS (`linux` or `darwin`); 0 when unknown.
 *
 * @param name Signal name such as `"SIGTERM"`.
 * @param os `Deno.build.os`.
 * @returns The number.
 */
export function signalNumber(name: string, os: string): number {
  if (os === "darwin" && name in DARWIN_OVERRIDES) return DARWIN_OVERRIDES[name]!;
  return LINUX[name] ?? 0;
}
