/**
 * The exec lifecycle (the seed's ExecSession, EXEC-2..9): Setup → Spawn → Wait →
 * Verify → Cleanup, with an idempotent cleanup that runs on every path. Every decision
 * is a core call; this file only does the work.
 *
 * @module
 */
import type { State, VerifyResult } from "../../core/types.ts";
import type { RecordedCall } from "../../core/record/log.ts";
import {
  decideExecExitCode,
  type ExecPhase,
  nextExecPhase,
  signalNumber,
} from "../../core/session/exec_exit.ts";
import { verifyState } from "../../core/replay/verify.ts";
import { ENV } from "../../core/env.ts";
import type { LoadedScenario } from "../scenario/file.ts";
import {
  removeSession,
  type ReplaySession,
  type SetupOptions,
  setupSession,
} from "../session/setup.ts";
import { readState } from "../session/state_store.ts";
import { canListen, hostSessionServer, type SessionServer } from "../server/session_server.ts";
import { readRecordingLog } from "../record/log.ts";
import { signalGroup, spawnAndWait } from "./child.ts";

/** Options of {@linkcode ExecSession}. */
export interface ExecSessionOptions extends SetupOptions {
  /** Extra environment for the child. @default {{}} */
  env?: Record<string, string>;
  /** Start the child with only `env` (plus the session variables). @default {false} */
  clearEnv?: boolean;
  /** Working directory of the child. @default {Deno.cwd()} */
  cwd?: string;
  /** Child stdin. @default {"inherit"} */
  stdin?: "inherit" | "null" | Uint8Array;
  /** Child stdout. @default {"inherit"} */
  stdout?: "inherit" | "piped";
  /** Child stderr. @default {"inherit"} */
  stderr?: "inherit" | "piped";
}

/** What an exec session ended with. */
export interface ExecOutcome {
  /** The EXEC-7 exit code. */
  exitCode: number;
  /** The child's exit code, when it exited normally. */
  childExitCode: number | null;
  /** The signal that killed the child. */
  childSignal: Deno.Signal | null;
  /** Captured stdout (empty unless piped). */
  stdout: Uint8Array;
  /** Captured stderr (empty unless piped). */
  stderr: Uint8Array;
  /** The verification result. */
  verification: VerifyResult;
  /** The session id. */
  sessionId: string;
  /** Why the child could not start, if it could not. */
  startError?: string;
  /** A warning about reading the state, if any. */
  stateWarning?: string;
  /** A signal that arrived after setup but before the child was spawned (EXEC-2). */
  signalBeforeSpawn?: Deno.Signal;
  /** The session's state when the child ended, when it could be read. */
  state?: State;
  /** The calls recorded by `--record missing` (RECM-1), in log order. */
  recorded?: RecordedCall[];
}

/**
 * One `exec` run. Create it, `setup()`, `run()`; `cleanup()` is idempotent and is also
 * called by `run()` on every path.
 */
export class ExecSession {
  /** The lifecycle phase. */
  phase: ExecPhase = "created";
  /** The session once set up. */
  session: ReplaySession | undefined;
  /** The child once spawned. */
  child: Deno.ChildProcess | undefined;
  #cleaned = false;
  #server: SessionServer | undefined;
  #pendingSignal: Deno.Signal | undefined;
  readonly #loaded: LoadedScenario;
  readonly #command: readonly string[];
  readonly #options: ExecSessionOptions;

  /**
   * @param loaded The validated scenario.
   * @param command The child command and its arguments.
   * @param options Setup and child options.
   */
  constructor(
    loaded: LoadedScenario,
    command: readonly string[],
    options: ExecSessionOptions = {},
  ) {
    this.#loaded = loaded;
    this.#command = command;
    this.#options = options;
  }

  /** Whether cleanup has run. */
  get cleaned(): boolean {
    return this.#cleaned;
  }

  /** Setup: creates the session (RUN-1 steps 2–8). Cleans up and rethrows on failure. */
  async setup(): Promise<ReplaySession> {
    try {
      this.session = await setupSession(this.#loaded, { ...this.#options, server: canListen() });
      this.#server = await hostSessionServer(this.session); // SRV-1: lives as long as the session
      this.phase = nextExecPhase(this.phase, "setup-ok");
      return this.session;
    } catch (error) {
      this.phase = nextExecPhase(this.phase, "setup-failed");
      await this.cleanup();
      throw error;
    }
  }

  /**
   * Sends a signal to the child's whole process group (EXEC-5). Before the child is
   * spawned, the signal is kept and {@linkcode ExecSession.run} starts no child (EXEC-2).
   */
  forward(signal: Deno.Signal): void {
    if (this.child === undefined) {
      this.#pendingSignal ??= signal;
      return;
    }
    signalGroup(this.child, signal);
  }

  /** Spawn, wait, verify (EXEC-2 steps 2–4), then cleanup. */
  async run(): Promise<ExecOutcome> {
    const session = this.session;
    if (session === undefined) throw new Error("ExecSession.run() before setup()");
    const opts = this.#options;
    const inheritedPath = opts.clearEnv ? opts.env?.PATH : (opts.env?.PATH ?? Deno.env.get("PATH"));
    const env: Record<string, string> = {
      ...(opts.env ?? {}),
      PATH: inheritedPath === undefined || inheritedPath === ""
        ? session.files.interceptDir
        : `${session.files.interceptDir}:${inheritedPath}`,
      [ENV.session]: session.sessionId,
      [ENV.scenario]: session.files.scenarioPath,
    };
    const stdinMode = opts.stdin ?? "inherit";
    if (this.#pendingSignal !== undefined) {
      const signal = this.#pendingSignal;
      this.phase = nextExecPhase(this.phase, "signal");
      await this.cleanup();
      return {
        exitCode: decideExecExitCode({
          signalBeforeSpawn: signalNumber(signal, Deno.build.os),
        }),
        childExitCode: null,
        childSignal: null,
        stdout: new Uint8Array(),
        stderr: new Uint8Array(),
        verification: verifyState(this.#loaded.scenario, undefined, {
          session: session.sessionId,
        }),
        sessionId: session.sessionId,
        signalBeforeSpawn: signal,
      };
    }
    try {
      const child = await spawnAndWait(this.#command, {
        env,
        clearEnv: opts.clearEnv ?? false,
        ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
        stdin: stdinMode,
        stdout: opts.stdout ?? "inherit",
        stderr: opts.stderr ?? "inherit",
      }, (spawned) => {
        this.child = spawned;
        this.phase = nextExecPhase(this.phase, "spawned");
      });
      const { childCode, childSignal, stdout, stderr, startError, startKind } = child;
      this.phase = nextExecPhase(this.phase, startError === undefined ? "exited" : "spawn-failed");
      // Verify
      let verification: VerifyResult;
      let stateWarning: string | undefined;
      let state: State | undefined;
      const sessionName = session.sessionId;
      if (startError !== undefined) {
        verification = {
          ...verifyState(this.#loaded.scenario, undefined, { session: sessionName }),
          error: { kind: "not-started", message: "child command could not be started" },
        };
      } else {
        try {
          state = await readState(session.files);
          verification = verifyState(this.#loaded.scenario, state, { session: sessionName });
        } catch (error) {
          stateWarning = `could not read state for verification: ${
            error instanceof Error ? error.message : String(error)
          }`;
          verification = verifyState(this.#loaded.scenario, undefined, { session: sessionName });
        }
        this.phase = nextExecPhase(this.phase, verification.passed ? "verify-ok" : "verify-fail");
      }
      const exitCode = decideExecExitCode({
        ...(startKind !== undefined ? { startError: startKind } : {}),
        childCode,
        childSignal: childSignal === null ? null : signalNumber(childSignal, Deno.build.os),
        verified: verification.passed,
      });
      return {
        exitCode,
        childExitCode: childCode,
        childSignal,
        stdout,
        stderr,
        verification,
        sessionId: session.sessionId,
        ...(startError !== undefined ? { startError } : {}),
        ...(stateWarning !== undefined ? { stateWarning } : {}),
        ...(state !== undefined ? { state } : {}),
        ...(session.recordLog !== undefined
          ? { recorded: await readRecordingLog(session.recordLog) }
          : {}),
      };
    } finally {
      await this.cleanup();
    }
  }

  /** Cleanup: remove the intercept dir, state, lock and compiled files. Idempotent. */
  async cleanup(): Promise<void> {
    if (this.#cleaned) return;
    this.#cleaned = true;
    if (this.child !== undefined && this.phase === "running") {
      this.forward("SIGKILL");
    }
    await this.#server?.close();
    if (this.session !== undefined) await removeSession(this.session.files);
    this.phase = nextExecPhase(this.phase, "cleanup");
  }
}
