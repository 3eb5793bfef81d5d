/**
 * The session server (SRV-1..5): listens on 127.0.0.1, authenticates each connection by
 * the session's secret, answers a call exactly as the cold intercept would (`answerCall`,
 * the same lock and atomic replace), and hands anything the bash fast path cannot carry
 * byte-exactly back to the cold path before writing any state.
 *
 * @module
 */
import { scenarioEnvNames } from "../../core/replay/call_rules.ts";
import { writeAll } from "../fs.ts";
import type { Scenario } from "../../core/types.ts";
import {
  answerFits,
  type CallRequest,
  COLD,
  encodeAnswer,
  FLAGS,
  LIMITS,
  NEED_STDIN,
  parseRequest,
  type ParseResult,
  parseStdinFrame,
} from "../../core/server/protocol.ts";
import { PORT_FILE } from "../../core/server/bash_shim.ts";
import type { SessionFiles } from "../session/files.ts";
import { writeFileAtomic } from "../fs.ts";
import { answerCall, loadCompiledScenario, type LoadedCompiled } from "../intercept/answer_call.ts";
import { ensureSessionStateDir, readStateLocationEnv } from "../session/state_location.ts";
import { hasState } from "../session/state_store.ts";

/** Options of {@linkcode startSessionServer}. */
export interface SessionServerOptions {
  /** The session's files. */
  files: SessionFiles;
  /** The session id. */
  sessionId: string;
  /** The session's secret, as embedded in its shims. */
  secret: string;
  /** Stop after this long without a connection (ms). @default {undefined} (never) */
  idleMs?: number;
  /**
   * Check this often (ms) that the intercept dir and the state file still exist, and stop
   * when one is gone (a detached server after `clean`). @default {undefined} (no check)
   */
  watchMs?: number;
  /** Time a connection has to send its whole request (ms). @default {LIMITS.requestMs} */
  requestMs?: number;
}

/** Why a server stopped. */
export type StopReason = "closed" | "idle" | "intercept-dir-gone" | "state-gone";

/** Counts of what a server did with its connections. */
export interface ServerStats {
  /** Calls answered on the fast path. */
  answered: number;
  /** Calls handed to the cold path (`C`) before any state was written. */
  cold: number;
  /** Connections closed without an answer (no or wrong secret, garbage, too big or slow). */
  rejected: number;
}

/** A running session server. */
export interface SessionServer extends AsyncDisposable {
  /** The loopback port it listens on. */
  readonly port: number;
  /** What it did so far. */
  readonly stats: Readonly<ServerStats>;
  /** Resolves when the server has stopped, with the reason. */
  readonly stopped: Promise<StopReason>;
  /** Stops listening, ends open connections and pending delays, removes the port file. */
  close(): Promise<void>;
}

class _Closed extends Error {}

function _statSync(path: string): Deno.FileInfo {
  return Deno.statSync(path);
}

/** Whether this process may listen on 127.0.0.1 without prompting. */
export function canListen(): boolean {
  try {
    return Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Starts a session server and writes its port to the intercept dir, where the shims look
 * for it. Requires `--allow-net=127.0.0.1`, read and write access to the session's files.
 *
 * @param options The session and the stop conditions.
 * @returns The running server.
 */
export async function startSessionServer(options: SessionServerOptions): Promise<SessionServer> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0, transport: "tcp" });
  const port = listener.addr.port;
  const portFile = `${options.files.interceptDir}/${PORT_FILE}`;
  const conns = new Set<Deno.TcpConn>();
  const stats: ServerStats = { answered: 0, cold: 0, rejected: 0 };
  const timers = new Set<ReturnType<typeof setTimeout>>();
  // Time limits of requests: one sweep closes the connections past theirs (a timer per
  // connection cost about 30 µs of every call, SRV-8).
  const deadlines = new Map<Deno.TcpConn, number>();
  let sweeper: ReturnType<typeof setInterval> | undefined;
  const limit: _Limit = (conn, ms) => {
    // Started at the first call: the first timer of a process loads Deno's timers (~2 ms),
    // which an exec whose script makes no call should not pay.
    if (!stopping) {
      sweeper ??= setInterval(sweep, Math.max(10, Math.min(1000, Math.floor(requestMs / 5))));
    }
    deadlines.set(conn, Date.now() + ms);
    return () => deadlines.delete(conn);
  };
  const sweep = () => {
    const now = Date.now();
    for (const [conn, at] of deadlines) {
      if (now < at) continue;
      deadlines.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  };
  const requestMs = options.requestMs ?? LIMITS.requestMs;
  let lastActivity = Date.now();
  let stopping = false;
  let resolveStopped!: (reason: StopReason) => void;
  const stopped = new Promise<StopReason>((r) => resolveStopped = r);
  let cache: { size: number; mtimeMs: number; loaded: LoadedCompiled } | undefined;

  const loadScenario = async (files: SessionFiles): Promise<LoadedCompiled> => {
    let info: Deno.FileInfo | undefined;
    try {
      info = _statSync(files.scenarioPath); // sync: an async stat costs ~100 µs per call
    } catch { /* loadCompiledScenario reports it */ }
    const mtimeMs = info?.mtime?.getTime() ?? -1;
    if (cache !== undefined && info?.size === cache.size && mtimeMs === cache.mtimeMs) {
      return cache.loaded;
    }
    const loaded = await loadCompiledScenario(files, {
      importChecker: () => import("../scenario/file.ts"),
      ensureStateDir: () =>
        ensureSessionStateDir(files.stateDir, files.scenarioPath, readStateLocationEnv()),
    });
    if (info !== undefined) cache = { size: info.size, mtimeMs, loaded };
    return loaded;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (stopping) return reject(new _Closed());
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const stop = async (reason: StopReason) => {
    if (stopping) return;
    stopping = true;
    try {
      listener.close();
    } catch { /* already closed */ }
    for (const t of timers) clearTimeout(t);
    timers.clear();
    if (sweeper !== undefined) clearInterval(sweeper);
    deadlines.clear();
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
    conns.clear();
    if (watcher !== undefined) clearInterval(watcher);
    try {
      const text = await Deno.readTextFile(portFile);
      if (text.split(" ")[0] === String(port)) await Deno.remove(portFile);
    } catch { /* gone with its dir */ }
    resolveStopped(reason);
  };

  const handle = async (conn: Deno.TcpConn) => {
    conns.add(conn);
    lastActivity = Date.now();
    try {
      stats[await _serveOne(conn, options, { loadScenario, sleep, limit, requestMs })]++;
    } catch {
      // A connection that broke while its answer was written (or delayed).
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
      lastActivity = Date.now();
    }
  };

  let watcher: ReturnType<typeof setInterval> | undefined;
  const check = async () => {
    if (stopping) return;
    if (options.idleMs !== undefined && conns.size === 0) {
      if (Date.now() - lastActivity >= options.idleMs) return await stop("idle");
    }
    if (options.watchMs !== undefined) {
      try {
        await Deno.stat(options.files.interceptDir);
      } catch {
        return await stop("intercept-dir-gone");
      }
      if (!hasState(options.files)) return await stop("state-gone");
    }
  };
  if (options.idleMs !== undefined || options.watchMs !== undefined) {
    const every = Math.max(10, Math.min(options.watchMs ?? 1000, options.idleMs ?? 1000));
    watcher = setInterval(() => void check(), every);
  }

  try {
    await writeFileAtomic(portFile, `${port} ${Deno.pid}\n`, { mode: 0o600 });
  } catch (error) {
    listener.close();
    if (watcher !== undefined) clearInterval(watcher);
    if (sweeper !== undefined) clearInterval(sweeper);
    throw error;
  }

  (async () => {
    try {
      for await (const conn of listener) {
        if (stopping) {
          conn.close();
          break;
        }
        void handle(conn);
      }
    } catch { /* listener closed */ }
  })();

  return {
    port,
    stats,
    stopped,
    close: () => stop("closed"),
    [Symbol.asyncDispose]: () => stop("closed"),
  };
}

/** Gives `conn` `ms` to finish, after which the server closes it; returns the release. */
type _Limit = (conn: Deno.TcpConn, ms: number) => () => void;

/** Reads from `conn` until `parse` has a whole message; undefined on reject, EOF or time-out. */
async function _readMessage<T>(
  conn: Deno.TcpConn,
  parse: (buf: Uint8Array) => ParseResult<T>,
  limitBytes: number,
  release: () => void,
): Promise<T | undefined> {
  let buf = new Uint8Array(4096);
  let used = 0;
  try {
    while (true) {
      if (used === buf.length) {
        if (buf.length >= limitBytes) return undefined;
        const bigger = new Uint8Array(Math.min(limitBytes, buf.length * 4));
        bigger.set(buf);
        buf = bigger;
      }
      let n: number | null;
      try {
        n = await conn.read(buf.subarray(used));
      } catch {
        return undefined; // closed by the time limit, or reset by the client
      }
      if (n === null) return undefined;
      used += n;
      const parsed = parse(buf.subarray(0, used));
      if (parsed.kind === "reject") return undefined;
      if (parsed.kind === "ok") return parsed.value;
    }
  } finally {
    release();
  }
}

class _StdinFailed extends Error {}

/** What serving one connection needs from its server. */
interface _ServeHooks {
  loadScenario: (files: SessionFiles) => Promise<LoadedCompiled>;
  sleep: (ms: number) => Promise<void>;
  limit: _Limit;
  requestMs: number;
}

async function _serveOne(
  conn: Deno.TcpConn,
  options: SessionServerOptions,
  { loadScenario, sleep, limit, requestMs }: _ServeHooks,
): Promise<keyof ServerStats> {
  const request: CallRequest | undefined = await _readMessage(
    conn,
    (buf) => parseRequest(buf, options.secret),
    LIMITS.requestBytes,
    limit(conn, requestMs),
  );
  if (request === undefined) return "rejected";
  if (!request.utf8) {
    await writeAll(conn, COLD);
    return "cold";
  }
  let stdinFailed = false;
  const answer = await answerCall({
    files: options.files,
    sessionId: options.sessionId,
    argv: request.argv,
    env: request.env,
    stderrIsTerminal: (request.flags & FLAGS.stderrTty) !== 0,
    readStdin: async () => {
      if ((request.flags & FLAGS.stdinTty) !== 0) return new Uint8Array();
      await writeAll(conn, NEED_STDIN);
      const stdin = await _readMessage(
        conn,
        parseStdinFrame,
        LIMITS.stdinBytes,
        limit(conn, LIMITS.stdinMs),
      );
      if (stdin === undefined) {
        stdinFailed = true;
        throw new _StdinFailed();
      }
      return stdin;
    },
    loadScenario,
    // The shim must have sent every variable the answer can depend on (a scenario edited
    // during the session may read new ones: the cold path reads the whole environment).
    acceptScenario: (scenario: Scenario) =>
      [...Object.keys(scenario.meta.vars), ...scenarioEnvNames(scenario)].every((name) =>
        name in request.env || request.unset.includes(name)
      ),
    // LANG-6: a faked signal ends the fake's own process, which the cold path is.
    acceptAnswer: (a) => a.signal === undefined && answerFits(a, request.flags),
  });
  if (stdinFailed) return "rejected";
  if (answer === "cold") {
    await writeAll(conn, COLD);
    return "cold";
  }
  if (answer.delayMs > 0) await sleep(answer.delayMs);
  await writeAll(conn, encodeAnswer(answer));
  return "answered";
}

/**
 * Starts the in-process server of a session whose shims ask one (`secret` set), for
 * `exec`, `runWithScenario` and in-process sessions (SRV-1). When it cannot start, the
 * shims find no port and take the cold path.
 *
 * @param session The session's files, id and secret.
 * @returns The server, or undefined.
 */
export async function hostSessionServer(
  session: { files: SessionFiles; sessionId: string; secret?: string | undefined },
): Promise<SessionServer | undefined> {
  if (session.secret === undefined) return undefined;
  try {
    return await startSessionServer({
      files: session.files,
      sessionId: session.sessionId,
      secret: session.secret,
    });
  } catch {
    return undefined;
  }
}
