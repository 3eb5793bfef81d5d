/**
 * Where a session's files live (STATE-2, STATE-3), and the hashes that name them.
 *
 * @module
 */
import { dirnameOf, resolvePath } from "../../core/path.ts";
import { primaryStateDir } from "../../core/session/state_dir_choice.ts";

/** Makes a path absolute lexically against `cwd` (`.`/`..` removed, links not resolved). */
export function absolutePath(path: string, cwd: string = Deno.cwd()): string {
  return resolvePath(path, cwd);
}

export { dirnameOf };

/** Lowercase hex SHA-256 of bytes or UTF-8 text. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** The files of one session. */
export interface SessionFiles {
  /** Absolute scenario path. */
  readonly scenarioPath: string;
  /** Session id, `""` for none. */
  readonly sessionId: string;
  /** The state directory: `<scenario dir>/.cli-replay`, or where `run`/`exec` put the session. */
  readonly stateDir: string;
  /** 16-hex session key. */
  readonly key: string;
  /** State file. */
  readonly state: string;
  /** Lock file. */
  readonly lock: string;
  /** Compiled scenario. */
  readonly compiled: string;
  /** Intercept dir (meaningful only with a session id). */
  readonly interceptDir: string;
}

/**
 * Computes a session's file paths (STATE-3).
 *
 * @param scenarioPath Absolute scenario path.
 * @param sessionId Session id or `""`.
 * @param stateDir The state directory. @default {`<scenario dir>/.cli-replay`}
 * @returns The paths.
 */
export async function sessionFiles(
  scenarioPath: string,
  sessionId: string,
  stateDir: string = primaryStateDir(scenarioPath),
): Promise<SessionFiles> {
  const key = (await sha256Hex(sessionId === "" ? scenarioPath : `${scenarioPath}\0${sessionId}`))
    .slice(0, 16);
  return sessionFilesOfKey(scenarioPath, sessionId, stateDir, key);
}

/** Whether a text is a session file key: 16 lowercase hex digits (STATE-3). */
export function isSessionKey(text: string): boolean {
  return /^[0-9a-f]{16}$/.test(text);
}

/**
 * A session's file paths from its key, computed before by {@linkcode sessionFiles} (a shim
 * passes it, so a faked call does not hash).
 *
 * @param scenarioPath Absolute scenario path.
 * @param sessionId Session id or `""`.
 * @param stateDir The state directory.
 * @param key The 16-hex key {@linkcode sessionFiles} derived from the path and id.
 * @returns The paths.
 */
export function sessionFilesOfKey(
  scenarioPath: string,
  sessionId: string,
  stateDir: string,
  key: string,
): SessionFiles {
  const base = `${stateDir}/cli-replay-${key}`;
  return {
    scenarioPath,
    sessionId,
    stateDir,
    key,
    state: `${base}.state`,
    lock: `${base}.lock`,
    compiled: `${base}.compiled.json`,
    interceptDir: `${stateDir}/intercept-${sessionId}`,
  };
}

/** A new session id: 16 lowercase hex characters from 8 secure random bytes (RUN-2). */
export function newSessionId(): string {
  let hex = "";
  for (const b of crypto.getRandomValues(new Uint8Array(8))) hex += b.toString(16).padStart(2, "0");
  return hex;
}
