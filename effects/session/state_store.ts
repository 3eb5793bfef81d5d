/**
 * The session state on disk (STATE-7, STATE-8, STATE-14): exclusive-locked
 * read–decide–write, and reads that never see a torn or missing state.
 *
 * A commit, under the exclusive lock, writes the whole next state to `<key>.next.tmp`,
 * removes the state file, and renames the new file into its place. Renaming onto a name
 * that does not exist spares the flush that ext4 forces when a rename replaces a file
 * (about 0.2 ms of every faked call; SRV-8). A reader that finds no state file while the
 * lock file exists waits for the shared lock and reads again; a writer killed between the
 * remove and the rename left a complete `.next.tmp`, which the next reader uses and the
 * next writer renames into place.
 *
 * @module
 */
import type { State } from "../../core/types.ts";
import { parseState, serializeState } from "../../core/replay/state.ts";
import { ReplayError } from "../../core/errors.ts";
import { writeFileAtomic } from "../fs.ts";
import type { SessionFiles } from "./files.ts";

/** What a decision returns: the state to write (none = leave the file alone) and a value. */
export interface StateDecision<T> {
  /** The next state, or undefined to write nothing. */
  readonly next?: State | undefined;
  /** Anything the caller needs back. */
  readonly value: T;
}

/** The file a commit writes before it renames it into place (a `.tmp`: clean removes it). */
export function nextStatePath(files: Pick<SessionFiles, "state">): string {
  return `${files.state.replace(/\.state$/, "")}.next.tmp`;
}

/**
 * Whether a session has a state on disk: its state file, or the file a commit is renaming
 * into its place (looked at again after that, so a commit in between is not missed).
 *
 * @param files The session's files.
 * @returns True when there is a state.
 */
export function hasState(files: Pick<SessionFiles, "state">): boolean {
  return _exists(files.state) || _exists(nextStatePath(files)) || _exists(files.state);
}

function _exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A `.next.tmp` that parses, or undefined (a partial one is left for the next commit). */
function _recovered(next: string): string | undefined {
  const text = _readText(next);
  if (text === undefined) return undefined;
  try {
    parseState(text, next);
    return text;
  } catch {
    return undefined;
  }
}

function _readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Reads a session's state; `undefined` when it has none. Without a lock while the state file
 * is there; when it is not but the lock file is, under the shared lock (a commit is between
 * its remove and its rename, or its writer was killed there).
 *
 * @param files The session's files.
 * @returns The state or undefined.
 * @throws {ReplayError} When the file is corrupt.
 */
export async function readState(
  files: Pick<SessionFiles, "state" | "lock">,
): Promise<State | undefined> {
  const text = _readText(files.state);
  if (text !== undefined) return parseState(text, files.state);
  let lock: Deno.FsFile;
  try {
    lock = await Deno.open(files.lock, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    await lock.lock(false);
    const again = _readText(files.state);
    if (again !== undefined) return parseState(again, files.state);
    const left = _recovered(nextStatePath(files));
    return left === undefined ? undefined : parseState(left, files.state);
  } finally {
    lock.close();
  }
}

/** Writes a state atomically (mode 0600). */
export async function writeState(path: string, state: State): Promise<void> {
  await writeFileAtomic(path, serializeState(state), { mode: 0o600 });
}

/**
 * Runs `decide` on the current state under the session's exclusive lock and commits the
 * next state before releasing it (STATE-7; the commit is in the module doc). `decide` must not wait on
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
  const next = nextStatePath(files);
  let text = _readText(files.state);
  if (text === undefined) {
    // A writer was killed between its remove and its rename: finish its commit.
    text = _recovered(next);
    if (text !== undefined) Deno.renameSync(next, files.state);
  }
  const decision = decide(text === undefined ? undefined : parseState(text, files.state));
  if (decision.next !== undefined) _commit(files.state, next, serializeState(decision.next));
  return decision.value;
}

/** Writes `text` to `next`, then puts it in place of `state` (see the module doc). */
function _commit(state: string, next: string, text: string): void {
  const bytes = new TextEncoder().encode(text);
  const write = () => {
    try {
      Deno.writeFileSync(next, bytes, { mode: 0o600, createNew: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) {
        try {
          Deno.removeSync(next); // a full disk: leave the state as it was, and no partial file
        } catch { /* never created */ }
      }
      throw error;
    }
  };
  try {
    write();
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    // Left by a writer killed while it wrote (the state file was still there then).
    Deno.removeSync(next);
    write();
  }
  try {
    Deno.removeSync(state);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  Deno.renameSync(next, state);
}

/** Temp files a killed writer left behind for this session (STATE-8 names). */
async function _tempFiles(files: Pick<SessionFiles, "key" | "stateDir">): Promise<string[]> {
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
export async function removeStateFiles(
  files: Pick<SessionFiles, "key" | "stateDir" | "state" | "lock" | "compiled">,
): Promise<boolean> {
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
