/**
 * The session state on disk (STATE-7, STATE-8, STATE-14): exclusive-locked
 * read–decide–write with atomic replacement, and lock-free reads.
 *
 * @module
 */
import type { State } from "../../core/types.ts";
import { parseState, serializeState } from "../../core/replay/state.ts";
import { ReplayError } from "../../core/errors.ts";
import { writeFileAtomic, writeFileAtomicSync } from "../fs.ts";
import type { SessionFiles } from "./files.ts";

/** What a decision returns: the state to write (none = leave the file alone) and a value. */
export interface StateDecision<T> {
  /** The next state, or undefined to write nothing. */
  readonly next?: State | undefined;
  /** Anything the caller needs back. */
  readonly value: T;
}

/**
 * Reads a state file without locking; `undefined` when it does not exist.
 *
 * @param path The state file.
 * @returns The state or undefined.
 * @throws {ReplayError} When the file is corrupt.
 */
export async function readState(path: string): Promise<State | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  return parseState(text, path);
}

/** Writes a state atomically (mode 0600). */
export async function writeState(path: string, state: State): Promise<void> {
  await writeFileAtomic(path, serializeState(state), { mode: 0o600 });
}

/**
 * Runs `decide` on the current state under the session's exclusive lock and writes the
 * next state atomically before releasing it (STATE-7). `decide` must not wait on
 * anything outside the process. Synchronous on purpose: this is the intercept's hot
 * path, and it holds the lock only for read–decide–write.
 *
 * @param files The session's files.
 * @param decide Receives the state (undefined when there is none yet).
 * @returns The decision's value.
 * @throws {ReplayError} When the state is corrupt or the session was cleaned meanwhile.
 */
export function updateState<T>(
  files: SessionFiles,
  decide: (state: State | undefined) => StateDecision<T>,
): T {
  using lock = Deno.openSync(files.lock, { create: true, read: true, write: true, mode: 0o600 });
  lock.lockSync(true);
  const held = lock.statSync();
  let current: Deno.FileInfo | undefined;
  try {
    current = Deno.statSync(files.lock);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (current === undefined || current.ino !== held.ino || current.dev !== held.dev) {
    throw new ReplayError(
      "state",
      `session was cleaned during the call (lock file "${files.lock}" was removed)`,
      { path: files.state },
    );
  }
  let text: string | undefined;
  try {
    text = Deno.readTextFileSync(files.state);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const decision = decide(text === undefined ? undefined : parseState(text, files.state));
  if (decision.next !== undefined) {
    writeFileAtomicSync(files.state, serializeState(decision.next), { mode: 0o600 });
  }
  return decision.value;
}

/** Temp files a killed writer left behind for this session (STATE-8 names). */
async function _tempFiles(files: SessionFiles): Promise<string[]> {
  const prefix = `cli-replay-${files.key}.`;
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(files.stateDir)) {
      if (entry.isFile && entry.name.startsWith(prefix) && entry.name.endsWith(".tmp")) {
        out.push(`${files.stateDir}/${entry.name}`);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

/**
 * Removes a session's state, compiled and lock files (and leftover temp files) under its lock (CLEAN-3).
 * Missing files are not errors.
 *
 * @param files The session's files.
 * @returns Whether a state file was removed.
 */
export async function removeStateFiles(files: SessionFiles): Promise<boolean> {
  let lock: Deno.FsFile | undefined;
  try {
    lock = await Deno.open(files.lock, { read: true, write: true });
    await lock.lock(true);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  try {
    let removed = false;
    for (const path of [files.state, files.compiled, ...await _tempFiles(files), files.lock]) {
      try {
        await Deno.remove(path);
        if (path === files.state) removed = true;
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    return removed;
  } finally {
    lock?.close();
  }
}
