/**
 * The child of `exec` and `runWithScenario` (EXEC-2 Spawn and Wait, EXEC-5, EXEC-6): spawned
 * in its own process group, fed its stdin, its piped output read while it runs, and what it
 * leaves behind in its group ended after it exits. Replay sessions and fresh recordings run
 * their child through this one runner.
 *
 * @module
 */
import { concatBytes } from "../../core/bytes.ts";

/** How the child is started. */
export interface ChildOptions {
  /** The child's environment (on top of the inherited one unless `clearEnv`). */
  env: Record<string, string>;
  /** Start the child with only `env`. @default {false} */
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

/** Why a child could not be started. */
export type StartErrorKind = "not-found" | "not-executable" | "other";

/** How the child ended. */
export interface ChildResult {
  /** Its exit code, when it exited normally. */
  childCode: number | null;
  /** The signal that killed it. */
  childSignal: Deno.Signal | null;
  /** Captured stdout (empty unless piped). */
  stdout: Uint8Array;
  /** Captured stderr (empty unless piped). */
  stderr: Uint8Array;
  /** Why it could not be started, in words. */
  startError?: string;
  /** Why it could not be started. */
  startKind?: StartErrorKind;
}

function _startError(error: unknown): StartErrorKind {
  if (error instanceof Deno.errors.NotFound) return "not-found";
  if (error instanceof Deno.errors.PermissionDenied) return "not-executable";
  if (error instanceof Error && /ENOEXEC|Exec format error|os error 8\b/.test(error.message)) {
    return "not-executable";
  }
  return "other";
}

function _startReason(kind: StartErrorKind, error: unknown): string {
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

/** EXEC-6: end leftovers of the child's group: SIGTERM, up to 100 ms, then SIGKILL. */
async function _reapGroup(pid: number): Promise<void> {
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

/**
 * Spawns `command` in a new process group, waits for it to exit, ends what is left of its
 * group, and collects piped output. `onSpawn` receives the child as soon as it runs (to
 * forward signals to its group). Requires `--allow-run` and `--allow-env`.
 *
 * @param command The program and its arguments.
 * @param options Environment, working directory and stdio.
 * @param onSpawn Called with the child once it was spawned.
 * @returns How the child ended, or why it could not start.
 */
export async function spawnAndWait(
  command: readonly string[],
  options: ChildOptions,
  onSpawn: (child: Deno.ChildProcess) => void = () => {},
): Promise<ChildResult> {
  const [program, ...args] = command;
  const stdinMode = options.stdin ?? "inherit";
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program!, {
      args,
      env: options.env,
      clearEnv: options.clearEnv ?? false,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      stdin: stdinMode instanceof Uint8Array ? "piped" : stdinMode,
      stdout: options.stdout ?? "inherit",
      stderr: options.stderr ?? "inherit",
      detached: true,
    }).spawn();
  } catch (error) {
    const startKind = _startError(error);
    return {
      childCode: null,
      childSignal: null,
      stdout: new Uint8Array(),
      stderr: new Uint8Array(),
      startError: _startReason(startKind, error),
      startKind,
    };
  }
  onSpawn(child);
  if (stdinMode instanceof Uint8Array) {
    const writer = child.stdin.getWriter();
    writer.write(stdinMode).catch(() => {}).finally(() => writer.close().catch(() => {}));
  }
  // Read piped output while waiting, but wait for the child's *exit*, not for EOF: a
  // background process left in the group still holds the pipes open until the group is
  // reaped (EXEC-6).
  const out = options.stdout === "piped" ? _collect(child.stdout) : undefined;
  const err = options.stderr === "piped" ? _collect(child.stderr) : undefined;
  const status = await child.status;
  await _reapGroup(child.pid);
  // A process that left the group (setsid) may still hold a pipe: stop reading after a
  // short grace period instead of waiting for it. Only then: the first timer of a process
  // loads Deno's timers (~2 ms of every exec).
  const grace = out !== undefined || err !== undefined
    ? setTimeout(() => {
      out?.cancel();
      err?.cancel();
    }, PIPE_GRACE_MS)
    : undefined;
  try {
    return {
      childCode: status.signal === null ? status.code : null,
      childSignal: status.signal,
      stdout: (await out?.bytes) ?? new Uint8Array(),
      stderr: (await err?.bytes) ?? new Uint8Array(),
    };
  } finally {
    if (grace !== undefined) clearTimeout(grace);
  }
}

/**
 * Sends a signal to a child's whole process group (EXEC-5); nothing when it is gone.
 *
 * @param child The child.
 * @param signal The signal.
 */
export function signalGroup(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    Deno.kill(-child.pid, signal);
  } catch { /* the group is gone */ }
}
