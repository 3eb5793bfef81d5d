/**
 * Writing bytes: atomic file replacement (STATE-8, ERR-6: a uniquely named temp file in the
 * same directory, renamed over the target) and writing all of a buffer to a stream.
 *
 * @module
 */

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
