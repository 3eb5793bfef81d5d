/**
 * The one place that turns an OS file error into words and into a user-facing
 * {@linkcode ReplayError} of kind `filesystem` (`cannot write state file "…": no space left on device; …`).
 * The wording and advice are core's (`core/fs_failure.ts`); this module only reads the error.
 *
 * @module
 */
import {
  classifyFsError,
  defaultFsHint,
  formatFsFailure,
  formatFsReason,
  type FsFailureKind,
} from "../core/fs_failure.ts";
import { ReplayError } from "../core/errors.ts";

function _isFsReplayError(error: unknown): error is ReplayError {
  return error instanceof ReplayError && error.kind === "filesystem";
}

function _code(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** The kind of an OS error (`other` for anything that is not a known file system error). */
export function fsErrorKind(error: unknown): FsFailureKind {
  if (_isFsReplayError(error)) return error.fsKind ?? "other";
  return classifyFsError(_code(error), error instanceof Error ? error.name : undefined);
}

/** Short, user-facing reasons for file system errors ("no such file", "permission denied", …). */
export function fsReason(error: unknown): string {
  const kind = fsErrorKind(error);
  if (kind === "not-found") return "no such file";
  return formatFsReason(kind, error instanceof Error ? error.message : String(error));
}

/** Whether `error` is an OS error about a file (as opposed to a bug or a user-data error). */
export function isFsError(error: unknown): boolean {
  if (_isFsReplayError(error)) return true;
  if (fsErrorKind(error) !== "other") return true;
  const code = _code(error);
  return code !== undefined && /^E[A-Z]+$/.test(code);
}

/** What a failed file operation was about; see {@linkcode toFsError}. */
export interface FsContext {
  /** What was being done, as a verb phrase: `write state file`, `create directory`. */
  action: string;
  /** The file or directory concerned. */
  path: string;
  /**
   * What to do, per kind, when the general advice does not fit; a kind left out gets the
   * general advice (`defaultFsHint`).
   */
  hints?: Partial<Record<FsFailureKind, string>>;
  /** The first word(s) of the message. @default {"cannot"} */
  lead?: string;
}

/**
 * Turns an OS file error into a {@linkcode ReplayError} of kind `filesystem` with one user-facing line; any
 * other error (a bug, an error already converted) is returned unchanged. Use as
 * `catch (e) { throw toFsError(e, { action: "write report file", path }) }`.
 *
 * @param error What was caught.
 * @param context What was being done, on which path, and what to advise.
 * @returns The error to throw.
 */
export function toFsError(error: unknown, context: FsContext): unknown {
  if (_isFsReplayError(error) || !isFsError(error)) return error;
  const kind = fsErrorKind(error);
  const message = formatFsFailure({
    action: context.action,
    path: context.path,
    kind,
    reason: formatFsReason(kind, error instanceof Error ? error.message : String(error)),
    hint: context.hints?.[kind] ?? defaultFsHint(kind, context.path),
    ...(context.lead !== undefined ? { lead: context.lead } : {}),
  });
  return new ReplayError("filesystem", message, { path: context.path, fsKind: kind, cause: error });
}

/** Deno's operation names (`writefile 'path'` in OS error messages), as verb phrases. */
const OPERATIONS: Readonly<Record<string, string>> = {
  open: "open",
  mkdir: "create directory",
  writefile: "write",
  readfile: "read",
  remove: "remove",
  rename: "rename",
  chmod: "change the mode of",
  stat: "read",
  lstat: "read",
  readdir: "read directory",
  symlink: "create link",
  copy: "copy",
};

/**
 * The last resort for an OS file error that no caller converted: the operation and path from
 * Deno's message (`No space left on device (os error 28): writefile '/x/y'`) in the same one
 * line as {@linkcode toFsError}. Any other error is returned unchanged.
 *
 * @param error What was caught.
 * @returns The error to report.
 */
export function describeOsError(error: unknown): unknown {
  if (_isFsReplayError(error) || !isFsError(error) || !(error instanceof Error)) {
    return error;
  }
  const m = /\(os error \d+\):? (\w+) '([^']*)'/.exec(error.message);
  if (m === null) {
    const kind = fsErrorKind(error);
    const hint = kind === "permission-denied" || kind === "not-found"
      ? ""
      : defaultFsHint(kind, ".");
    return new ReplayError(
      "filesystem",
      `file system error: ${formatFsReason(kind, error.message)}${hint === "" ? "" : `; ${hint}`}`,
      { fsKind: kind, cause: error },
    );
  }
  // Whether a missing path is to be created or is a typo is unknown here: no advice for that.
  return toFsError(error, {
    action: OPERATIONS[m[1]!] ?? m[1]!,
    path: m[2]!,
    hints: { "not-found": "" },
  });
}
