/**
 * State directories on disk (STATE-1, SEC-6): `.cli-replay` beside the scenario (created
 * private with a `.gitignore`) and private directories elsewhere (the per-user fallback under
 * the temp dir, `CLI_REPLAY_STATE_DIR`). Every existing directory is checked with `lstat`, so
 * a symbolic link is never followed; the verdicts are core's (`judgeDir`).
 *
 * @module
 */
import { dirnameOf } from "../../core/path.ts";
import {
  type DirFacts,
  judgeDir,
  type PrimaryProbe,
  STATE_DIR_ENV,
} from "../../core/session/state_dir_choice.ts";
import { ReplayError } from "../../core/errors.ts";
import { createFile, fsErrorKind, fsReason, toFsError } from "../fs.ts";

/** Advice when a state directory or a file in it cannot be created or written. */
export const STATE_DIR_HINTS = {
  "permission-denied": `set ${STATE_DIR_ENV} to a directory you can write`,
  "read-only": `set ${STATE_DIR_ENV} to a directory on a writable file system`,
  "no-space":
    `free space on that file system, or set ${STATE_DIR_ENV} to a directory on another one`,
};

/** The facts core judges a directory by. */
export function dirFacts(info: Deno.FileInfo): DirFacts {
  return {
    isSymlink: info.isSymlink,
    isDirectory: info.isDirectory,
    uid: info.uid,
    mode: info.mode,
  };
}

function _currentUid(): number | null {
  return Deno.uid();
}

function _unsafe(dir: string, reason: string): ReplayError {
  return new ReplayError("filesystem", `unsafe state directory "${dir}": ${reason}`, {
    path: dir,
    fsKind: "unsafe",
  });
}

/** Throws unless an existing directory is the user's own, private, real directory. */
function _checkOwn(dir: string, info: Deno.FileInfo): void {
  const uid = _currentUid();
  const verdict = judgeDir(dirFacts(info), uid);
  if (verdict.kind === "foreign") {
    throw _unsafe(
      dir,
      `it is owned by uid ${verdict.ownerUid}, not by the current user (${uid}); set ${STATE_DIR_ENV} to a directory of your own`,
    );
  }
  if (verdict.kind === "unsafe") throw _unsafe(dir, verdict.reason);
}

async function _lstat(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw toFsError(error, { action: "read state directory", path, hints: STATE_DIR_HINTS });
  }
}

function _cannotWrite(error: unknown): boolean {
  const kind = fsErrorKind(error);
  return kind === "permission-denied" || kind === "read-only";
}

/** Creates and removes an empty file in `dir`: whether the user can write there. */
async function _writable(dir: string): Promise<true | string> {
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(16);
  const probe = `${dir}/.probe-${Deno.pid}-${random}.tmp`;
  try {
    const file = await Deno.open(probe, { write: true, createNew: true, mode: 0o600 });
    file.close();
  } catch (error) {
    if (_cannotWrite(error)) return fsReason(error);
    throw toFsError(error, {
      action: "write in state directory",
      path: dir,
      hints: STATE_DIR_HINTS,
    });
  }
  await Deno.remove(probe).catch(() => {});
  return true;
}

/**
 * Looks at `.cli-replay` beside the scenario and creates it (mode 0700, with a `.gitignore`
 * of `*`) when it is missing and the scenario's directory is writable. Requires `--allow-read`,
 * `--allow-write` and `--allow-sys=uid`.
 *
 * @param dir The `.cli-replay` directory.
 * @returns What core needs to choose the state directory.
 * @throws {ReplayError} When it cannot be created for another reason than permissions
 * (a full disk).
 */
export async function probePrimaryStateDir(dir: string): Promise<PrimaryProbe> {
  let info = await _lstat(dir);
  if (info === undefined) {
    try {
      await Deno.mkdir(dir, { mode: 0o700 });
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) info = await _lstat(dir);
      else if (_cannotWrite(error)) {
        return {
          kind: "unwritable",
          path: dirnameOf(dir),
          reason: fsReason(error),
        };
      } else {throw toFsError(error, {
          action: "create state directory",
          path: dir,
          hints: STATE_DIR_HINTS,
        });}
    }
    if (info === undefined) {
      try {
        await Deno.chmod(dir, 0o700);
        createFile(`${dir}/.gitignore`, "*\n", 0o600);
      } catch (error) {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
        throw toFsError(error, {
          action: "create state directory",
          path: dir,
          hints: STATE_DIR_HINTS,
        });
      }
      return { kind: "usable" };
    }
  }
  const verdict = judgeDir(dirFacts(info), _currentUid());
  if (verdict.kind !== "ok") return verdict;
  const writable = await _writable(dir);
  return writable === true
    ? { kind: "usable" }
    : { kind: "unwritable", path: dir, reason: writable };
}

/**
 * Creates `.cli-replay` or checks the existing one, and fails unless it is usable (the
 * intercept recreating a cleaned session's directory). Requires `--allow-read`,
 * `--allow-write` and `--allow-sys=uid`.
 *
 * @param dir The `.cli-replay` directory.
 * @throws {ReplayError} When it is unsafe, another user's or not writable.
 */
export async function ensureStateDir(dir: string): Promise<void> {
  const probe = await probePrimaryStateDir(dir);
  if (probe.kind === "usable") return;
  if (probe.kind === "unsafe") throw _unsafe(dir, probe.reason);
  if (probe.kind === "foreign") {
    throw _unsafe(
      dir,
      `it is owned by uid ${probe.ownerUid}, not by the current user (${_currentUid()}); set ${STATE_DIR_ENV} to a directory of your own`,
    );
  }
  const readOnly = probe.reason === "read-only file system";
  throw new ReplayError(
    "filesystem",
    `cannot create state directory "${dir}": ${probe.reason}; ${
      STATE_DIR_HINTS[readOnly ? "read-only" : "permission-denied"]
    }`,
    { path: dir, fsKind: readOnly ? "read-only" : "permission-denied" },
  );
}

/** Options of {@linkcode ensurePrivateDir}. */
export interface PrivateDirOptions {
  /** Create missing parent directories too (mode 0700). @default {false} */
  parents?: boolean;
}

/**
 * Creates a private directory (mode 0700) or checks the existing one: a real directory (not a
 * symbolic link), owned by the current user, not writable by group or others. Requires
 * `--allow-read`, `--allow-write` and `--allow-sys=uid`.
 *
 * @param dir The directory.
 * @param options Whether to create parents.
 * @throws {ReplayError} When it cannot be created, or is unsafe or another user's.
 */
export async function ensurePrivateDir(
  dir: string,
  options: PrivateDirOptions = {},
): Promise<void> {
  const existing = await _lstat(dir);
  if (existing !== undefined) {
    _checkOwn(dir, existing);
    return;
  }
  try {
    await Deno.mkdir(dir, { mode: 0o700, recursive: options.parents ?? false });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      throw toFsError(error, {
        action: "create state directory",
        path: dir,
        hints: STATE_DIR_HINTS,
      });
    }
  }
  const created = await _lstat(dir);
  if (created === undefined) {
    throw new ReplayError(
      "filesystem",
      `cannot create state directory "${dir}": it disappeared while being created`,
      { path: dir, fsKind: "other" },
    );
  }
  _checkOwn(dir, created);
  try {
    await Deno.chmod(dir, 0o700);
  } catch (error) {
    throw toFsError(error, { action: "create state directory", path: dir, hints: STATE_DIR_HINTS });
  }
}
