/**
 * Atomic file replacement (STATE-8, ERR-6): write a uniquely named temp file in the
 * same directory, then rename it over the target.
 *
 * @module
 */

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
