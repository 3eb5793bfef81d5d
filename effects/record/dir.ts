/**
 * The private working directory of a shim-mode recording (REC-4, REC-12): `bin/` with one
 * record shim per command, the log and its lock, all removed again on dispose.
 *
 * @module
 */

import { renderShim } from "../../core/session/shell.ts";
import { createRecordingLog } from "./log.ts";
import { createFile, toFsError } from "../fs.ts";

/** Advice when the recording directory cannot be created under `$TMPDIR`. */
const TMP_HINTS = {
  "permission-denied": "set TMPDIR to a directory you can write",
  "read-only": "set TMPDIR to a directory on a writable file system",
  "no-space": "free space there, or set TMPDIR to a directory on another file system",
};

/** A created recording directory. Disposing removes it. */
export interface RecordDir extends AsyncDisposable {
  /** The temporary directory (`$TMPDIR/cli-replay-rec-*`, mode `0700`). */
  readonly root: string;
  /** The shim directory, first on the recorded command's `PATH`. */
  readonly binDir: string;
  /** The JSONL log (`recording.jsonl`, mode `0600`). */
  readonly logPath: string;
  /** Removes the directory; safe to call more than once. */
  remove(): Promise<void>;
}

/** Options of {@linkcode createRecordDir}. */
export interface RecordDirOptions {
  /** The commands to record (plain names, SCN-13). */
  commands: readonly string[];
  /** The self command the shims run. */
  selfCommand: readonly string[];
}

/**
 * Creates the recording directory under `$TMPDIR`. On failure, whatever was created is
 * removed. Requires `--allow-read`, `--allow-write` and `--allow-env`.
 *
 * @throws {ReplayError} When `$TMPDIR` cannot hold it (not writable, full).
 *
 * @param options The commands and the self command.
 * @returns The directory; dispose it (or call `remove`) when done.
 */
export async function createRecordDir(options: RecordDirOptions): Promise<RecordDir> {
  let root: string;
  try {
    root = await Deno.realPath(await Deno.makeTempDir({ prefix: "cli-replay-rec-" }));
  } catch (error) {
    const tmp = Deno.env.get("TMPDIR") || "/tmp";
    throw toFsError(error, {
      action: "create recording directory in",
      path: tmp,
      hints: TMP_HINTS,
    });
  }
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await Deno.remove(root, { recursive: true }).catch(() => {});
  };
  try {
    await Deno.chmod(root, 0o700);
    const binDir = `${root}/bin`;
    const logPath = `${root}/recording.jsonl`;
    await Deno.mkdir(binDir, { mode: 0o700 });
    createRecordingLog(logPath);
    for (const command of options.commands) {
      const text = renderShim({
        command,
        selfCommand: options.selfCommand,
        logPath,
        shimDir: binDir,
      });
      const path = `${binDir}/${command}`;
      createFile(path, text, 0o700);
      await Deno.chmod(path, 0o700);
    }
    return { root, binDir, logPath, remove, [Symbol.asyncDispose]: remove };
  } catch (error) {
    await remove();
    throw toFsError(error, { action: "prepare recording directory", path: root, hints: TMP_HINTS });
  }
}
