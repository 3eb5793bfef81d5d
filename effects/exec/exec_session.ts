/**
 * The exec lifecycle (the seed's ExecSession, EXEC-2..9): Setup → Spawn → Wait →
 * Verify → Cleanup, with an idempotent cleanup that runs on every path. Every decision
 * is a core call; this file only does the work.
 *
 * @module
 */
import { concatBytes } from "../../core/bytes.ts";
import type { VerifyResult } from "../../core/types.ts";
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
}

function _startError(error: unknown): "not-found" | "not-executable" | "other" {
  if (error instanceof Deno.errors.NotFound) return "not-found";
  if (error instanceof Deno.errors.PermissionDenied) return "not-executable";
  if (error instanceof Error && /ENOEXEC|Exec format error|os error 8\b/.test(error.message)) {
    return "not-executable";
  }
  return "other";
}

function _startReason(kind: ReturnType<typeof _startError>, error: unknown): string {
  if (kind === "not-found") return "not found";
  if (kind === "not-executable") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

/** How long piped output is still read after the child's group is gone. */
const PIPE_GRACE_MS = 200;

/** Reads a stream to its end in the background; `cancel()` stops early with what was read. */
function _collect(stream: ReadableStream<Uint8Array>): {
  bytes: Promise<Uint8Array>;
  cancel: () => void;
} {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  const bytes = (async () => {
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
    } catch { /* cancelled or broken pipe: keep what was read */ }
    return concatBytes(chunks);
  })();
  return { bytes, cancel: () => void reader.cancel().catch(() => {}) };
}

function _groupAlive(pid: number): boolean {
  try {
    Deno.kill(-pid, 0 as unknown as Deno.Signal);
    return true;
  } catch {
    return false;
  }
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
    try {
      Deno.kill(-this.child.pid, signal);
    } catch { /* the group is gone */ }
  }

  /** Spawn, wait, verify (EXEC-2 steps 2–4), then cleanup. */
  async run(): Promise<ExecOutcome> {
    const session = this.session;
    if (session === undefined) throw new Error("ExecSession.run() before setup()");
    const opts = this.#options;
    const [program, ...args] = this.#command;
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
    let childCode: number | null = null;
    let childSignal: Deno.Signal | null = null;
    let stdout: Uint8Array = new Uint8Array();
    let stderr: Uint8Array = new Uint8Array();
    let startError: string | undefined;
    let startKind: ReturnType<typeof _startError> | undefined;
    try {
      try {
        this.child = new Deno.Command(program!, {
          args,
          env,
          clearEnv: opts.clearEnv ?? false,
          ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
          stdin: stdinMode instanceof Uint8Array ? "piped" : stdinMode,
          stdout: opts.stdout ?? "inherit",
          stderr: opts.stderr ?? "inherit",
          detached: true,
        }).spawn();
        this.phase = nextExecPhase(this.phase, "spawned");
      } catch (error) {
        startKind = _startError(error);
        startError = _startReason(startKind, error);
        this.phase = nextExecPhase(this.phase, "spawn-failed");
      }
      if (this.child !== undefined) {
        if (stdinMode instanceof Uint8Array) {
          const writer = this.child.stdin.getWriter();
          writer.write(stdinMode).catch(() => {}).finally(() => writer.close().catch(() => {}));
        }
        // Read piped output while waiting, but wait for the child's *exit*, not for EOF:
        // a background process left in the group still holds the pipes open until
        // #reapGroup ends it (EXEC-6).
        const out = opts.stdout === "piped" ? _collect(this.child.stdout) : undefined;
        const err = opts.stderr === "piped" ? _collect(this.child.stderr) : undefined;
        const status = await this.child.status;
        childCode = status.signal === null ? status.code : null;
        childSignal = status.signal;
        this.phase = nextExecPhase(this.phase, "exited");
        await this.#reapGroup();
        // A process that left the group (setsid) may still hold a pipe: stop reading
        // after a short grace period instead of waiting for it.
        const grace = setTimeout(() => {
          out?.cancel();
          err?.cancel();
        }, PIPE_GRACE_MS);
        try {
          stdout = (await out?.bytes) ?? stdout;
          stderr = (await err?.bytes) ?? stderr;
        } finally {
          clearTimeout(grace);
        }
      }
      // Verify
      let verification: VerifyResult;
      let stateWarning: string | undefined;
      const sessionName = session.sessionId;
      if (startError !== undefined) {
        verification = {
          ...verifyState(this.#loaded.scenario, undefined, { session: sessionName }),
          error: { kind: "not-started", message: "child command could not be started" },
        };
      } else {
        try {
          const state = await readState(session.files.state);
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
      };
    } finally {
      await this.cleanup();
    }
  }

  /** EXEC-6: end leftovers of the child's group: SIGTERM, up to 100 ms, then SIGKILL. */
  async #reapGroup(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      Deno.kill(-pid, "SIGTERM");
    } catch {
      return; // the group no longer exists
    }
    const deadline = Date.now() + 100;
    while (Date.now() < deadline) {
      if (!_groupAlive(pid)) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch { /* gone */ }
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
