/**
 * The recording log on disk (REC-4, REC-6): created empty and private by `record`, appended
 * to by record shims under an exclusive lock so that parallel calls lose nothing.
 *
 * @module
 */

import { createFile, writeAll } from "../fs.ts";
import {
  encodeRecordingLine,
  parseRecordingLog,
  type RecordedCall,
} from "../../core/record/log.ts";

/** The lock file that guards `logPath`. */
export function recordingLockPath(logPath: string): string {
  return `${logPath}.lock`;
}

/**
 * Creates an empty recording log and its lock file, both new and mode `0600`.
 * Requires `--allow-write`.
 *
 * @param logPath The log to create.
 */
export function createRecordingLog(logPath: string): void {
  for (const path of [logPath, recordingLockPath(logPath)]) {
    createFile(path, new Uint8Array(), 0o600);
  }
}

/**
 * Appends one call to the log (REC-6) while holding an exclusive lock on the lock file.
 * Requires `--allow-read` and `--allow-write`.
 *
 * @param logPath The log.
 * @param call The call to append.
 */
export async function appendRecordedCall(logPath: string, call: RecordedCall): Promise<void> {
  const line = new TextEncoder().encode(encodeRecordingLine(call));
  using lock = await Deno.open(recordingLockPath(logPath), {
    create: true,
    write: true,
    mode: 0o600,
  });
  await lock.lock(true);
  using log = await Deno.open(logPath, { append: true, create: true, mode: 0o600 });
  await writeAll(log, line);
}

/**
 * Reads every call of a recording log, in log order. Requires `--allow-read`.
 *
 * @param logPath The log.
 * @returns The calls.
 * @throws {ReplayError} Kind `record` when a line is not a valid entry.
 */
export async function readRecordingLog(logPath: string): Promise<RecordedCall[]> {
  return parseRecordingLog(await Deno.readTextFile(logPath));
}
