/**
 * Files and bytes: atomic file replacement (STATE-8, ERR-6: a uniquely named temp file in the
 * same directory, renamed over the target), writing all of a buffer to a stream, and the one
 * place that turns an OS file error into words and into a user-facing `filesystem`
 * {@linkcode ReplayError} (`cannot write state file "…": no space left on device; …`); the
 * wording and advice are core's (`core/fs_failure.ts`).
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

/** Something bytes can be written to in part, like `Deno.FsFile` or `Deno.TcpConn`. */
export interface ByteWriter {
  /** Writes some of `p`, returning how many bytes were written. */
  write(p: Uint8Array): Promise<number>;
}

/**
 * Writes all of `data`, however many calls the writer needs.
 *
 * @param writer Where to write.
 * @param data The bytes.
 */
export async function writeAll(writer: ByteWriter, data: Uint8Array): Promise<void> {
  let at = 0;
  while (at < data.length) at += await writer.write(data.subarray(at));
}

/**
 * Writes all of `data` to stdout or stderr synchronously (no async stream machinery on the
 * hot path). A closed pipe discards the rest (ICPT-18).
 *
 * @param stream `Deno.stdout` or `Deno.stderr`.
 * @param data The bytes.
 */
export function writeAllSync(
  stream: typeof Deno.stdout | typeof Deno.stderr,
  data: Uint8Array,
): void {
  let at = 0;
  try {
    while (at < data.length) at += stream.writeSync(data.subarray(at));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/**
 * Creates `path` with `text` and `mode`; fails when it exists. Synchronous on purpose: the
 * first async `Deno.writeFile` of a process costs about 2.5 ms of runtime set-up, which
 * `exec` and `run` would pay at every start (SRV-9). For small files only.
 * Requires `--allow-write`.
 *
 * @param path The new file.
 * @param text Its content.
 * @param mode Its file mode.
 */
export function createFile(path: string, text: string | Uint8Array, mode: number): void {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  Deno.writeFileSync(path, bytes, { mode, createNew: true });
}

function _tempPath(path: string): string {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash + 1) : "";
  const base = slash >= 0 ? path.slice(slash + 1) : path;
  const stem = base.endsWith(".state") ? base.slice(0, -".state".length) : base;
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${dir}${stem}.${Deno.pid}.${random[0]!.toString(16)}${random[1]!.toString(16)}.tmp`;
}

/** Options of {@linkcode writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of the new file. @default {0o600} */
  mode?: number;
}

/**
 * Replaces `path` with `data` atomically: readers see the old or the new file, never a
 * torn one. Synchronous on purpose: the intercept's hot path uses it, and Deno's sync file
 * calls avoid the cost of the async stream machinery. Requires `--allow-write`.
 *
 * @param path Target file.
 * @param data New content.
 * @param options File mode.
 */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const temp = _tempPath(path);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    Deno.writeFileSync(temp, bytes, { mode: options.mode ?? 0o600, createNew: true });
    Deno.renameSync(temp, path);
  } catch (error) {
    try {
      Deno.removeSync(temp);
    } catch { /* never created */ }
    throw error;
  }
}

/**
 * Async form of {@linkcode writeFileAtomicSync}, for management commands.
 *
 * @param path Target file.
 * @param data New content.
 * @param options File mode.
 */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  try {
    writeFileAtomicSync(path, data, options);
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error);
  }
}

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
