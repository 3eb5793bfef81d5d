/**
 * The detached session server of `cli-replay run` (SRV-1): a background process in its
 * own process group, with no inherited stdin, stdout or stderr, so that
 * `eval "$(cli-replay run s.yaml)"` returns at once. It gets the secret on a pipe, never
 * on its command line.
 *
 * @module
 */
import { DEFAULT_SERVER_IDLE_MS } from "../../core/limits.ts";
import type { SessionFiles } from "../session/files.ts";
import { readCompiled } from "../scenario/compiled_store.ts";
import { selfCommand } from "../session/self_command.ts";
import { type SessionServer, startSessionServer, type StopReason } from "./session_server.ts";

/** Idle timeout of a detached server without a session TTL (SRV-1). */
export const DEFAULT_IDLE_MS: number = DEFAULT_SERVER_IDLE_MS;

/** How often a detached server checks that its intercept dir and state still exist. */
export const WATCH_MS = 250;

/**
 * Starts the detached server of a session and returns without waiting for it. Until it
 * has written its port, the shims take the cold path. Requires `--allow-run`.
 *
 * @param session The session's files, id and secret.
 * @returns The server's process id, or undefined when it could not be started.
 */
export async function spawnDetachedServer(
  session: { files: SessionFiles; sessionId: string; secret?: string | undefined },
): Promise<number | undefined> {
  if (session.secret === undefined) return undefined;
  const [program, ...args] = selfCommand({ mode: "full" });
  try {
    const child = new Deno.Command(program!, {
      args: [
        ...args,
        "__serve",
        "--scenario",
        session.files.scenarioPath,
        "--session",
        session.sessionId,
        "--state-dir",
        session.files.stateDir,
      ],
      cwd: "/",
      stdin: "piped",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(`${session.secret}\n`));
    await writer.close();
    child.unref();
    return child.pid;
  } catch {
    return undefined;
  }
}

/** Options of {@linkcode serveDetached}. */
export interface ServeDetachedOptions {
  /** The session's files. */
  files: SessionFiles;
  /** The session id. */
  sessionId: string;
  /** The secret, as read from stdin. */
  secret: string;
}

/**
 * Runs a detached server until it stops: on `clean` (intercept dir or state gone), or
 * after the session's TTL (else 15 minutes) without a call.
 *
 * @param options The session.
 * @returns Why it stopped.
 */
export async function serveDetached(options: ServeDetachedOptions): Promise<StopReason> {
  const ttl = readCompiled(options.files.compiled)?.scenario.meta.ttlMs;
  let server: SessionServer;
  try {
    await Deno.stat(options.files.interceptDir);
    server = await startSessionServer({
      ...options,
      idleMs: ttl ?? DEFAULT_IDLE_MS,
      watchMs: WATCH_MS,
    });
  } catch {
    return "intercept-dir-gone";
  }
  return await server.stopped;
}
