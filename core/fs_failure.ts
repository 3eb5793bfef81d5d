/**
 * File system failures as the user reads them: the OS error code in words, and what to do
 * about it. Pure: the effect side (`effects/fs.ts`) supplies the error code.
 *
 * @module
 */
import { dirnameOf } from "./path.ts";

/** What went wrong with a file, independent of the operating system's wording. */
export type FsFailureKind =
  | "permission-denied"
  | "read-only"
  | "no-space"
  | "quota"
  | "not-found"
  | "not-a-directory"
  | "is-a-directory"
  | "exists"
  | "too-many-files"
  | "unsafe"
  | "other";

/** `errno` names (as Deno reports them in `error.code`) and Deno error class names, by kind. */
const CODES: Readonly<Record<string, FsFailureKind>> = {
  EACCES: "permission-denied",
  EPERM: "permission-denied",
  PermissionDenied: "permission-denied",
  EROFS: "read-only",
  ENOSPC: "no-space",
  EDQUOT: "quota",
  ENOENT: "not-found",
  NotFound: "not-found",
  ENOTDIR: "not-a-directory",
  NotADirectory: "not-a-directory",
  EISDIR: "is-a-directory",
  IsADirectory: "is-a-directory",
  EEXIST: "exists",
  AlreadyExists: "exists",
  EMFILE: "too-many-files",
  ENFILE: "too-many-files",
};

/** The reason in words, per kind (`other` uses the system's own message). */
const WORDS: Readonly<Record<Exclude<FsFailureKind, "other" | "unsafe">, string>> = {
  "permission-denied": "permission denied",
  "read-only": "read-only file system",
  "no-space": "no space left on device",
  "quota": "disk quota exceeded",
  "not-found": "no such file or directory",
  "not-a-directory": "not a directory",
  "is-a-directory": "is a directory",
  "exists": "already exists",
  "too-many-files": "too many open files",
};

/**
 * Classifies an OS error by its code (`EACCES`, `ENOSPC`, …) or, failing that, by the name of
 * the Deno error class (`PermissionDenied`, `NotFound`, …).
 *
 * @param code The `errno` name, if the error has one.
 * @param name The error class name, if any.
 * @returns The kind; `other` when neither is known.
 */
export function classifyFsError(code: string | undefined, name?: string): FsFailureKind {
  return (code !== undefined ? CODES[code] : undefined) ??
    (name !== undefined ? CODES[name] : undefined) ?? "other";
}

/**
 * The reason in words: `permission denied`, `no space left on device`, `read-only file
 * system`, …; for `other`, the system's message without its `(os error N): op 'path'` tail.
 *
 * @param kind The kind.
 * @param systemMessage The OS error's own message.
 * @returns A short lowercase phrase.
 */
export function formatFsReason(kind: FsFailureKind, systemMessage = ""): string {
  if (kind !== "other" && kind !== "unsafe") return WORDS[kind];
  const trimmed = systemMessage.replace(/\s*\(os error \d+\).*$/s, "").trim();
  return trimmed === "" ? "unknown error" : trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
}

/**
 * What the user can do about a failure on `path`, when the caller has nothing more specific.
 *
 * @param kind The kind.
 * @param path The file or directory that failed.
 * @returns A phrase starting with a verb, or `""` when there is no general advice.
 */
export function defaultFsHint(kind: FsFailureKind, path: string): string {
  switch (kind) {
    case "permission-denied":
      return `check the permissions of "${dirnameOf(path)}" or choose a location you can write`;
    case "read-only":
      return "choose a location on a writable file system";
    case "no-space":
      return "free space on that file system and try again";
    case "quota":
      return "free space or raise your disk quota and try again";
    case "not-found":
      return `create "${dirnameOf(path)}" first`;
    case "too-many-files":
      return "close other programs or raise the open file limit (ulimit -n) and try again";
    default:
      return "";
  }
}

/** One file system failure, ready to be shown. */
export interface FsFailure {
  /** What was being done, as a verb phrase: `write state file`, `create directory`. */
  action: string;
  /** The file or directory concerned. */
  path: string;
  /** The kind of failure. */
  kind: FsFailureKind;
  /** The reason in words (see {@linkcode formatFsReason}). */
  reason: string;
  /** What to do; omitted from the message when empty. */
  hint: string;
  /** The first word(s) of the message. @default {"cannot"} */
  lead?: string;
}

/**
 * Formats a failure as the text after `cli-replay: `:
 * `cannot <action> "<path>": <reason>; <hint>` (`cannot` being {@linkcode FsFailure.lead}).
 *
 * @param failure The failure.
 * @returns One line, without a newline.
 */
export function formatFsFailure(failure: FsFailure): string {
  const head = `${failure.lead ?? "cannot"} ${failure.action} "${failure.path}": ${failure.reason}`;
  return failure.hint === "" ? head : `${head}; ${failure.hint}`;
}
