/**
 * `exec --record once|all` when a fresh scenario is recorded (RECM-1): the child runs with
 * record shims, every call of the recorded commands runs for real, and the scenario is
 * written once when the child ends. The exit code is the child's.
 *
 * @module
 */
import type { RecordMode } from "../core/record/flags.ts";
import { FreshRecording } from "../effects/record/fresh.ts";
import { type RecordingRules, writeFreshRecording } from "../effects/record/write_recording.ts";
import { ReplayError } from "../core/errors.ts";
import { writeErr } from "./output.ts";

/** What the record flags asked for. */
export interface RecordRequest {
  /** The record mode. */
  readonly mode: RecordMode;
  /** The commands to record. */
  readonly commands: readonly string[];
  /** Redaction and folding. */
  readonly rules: RecordingRules;
}

/** The directory part of a path as the user wrote it (`.` when there is none). */
function _dirOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return ".";
  return slash === 0 ? "/" : trimmed.slice(0, slash);
}

/**
 * Records a fresh scenario while `command` runs. `onCreated` receives the recording before
 * it starts anything, so signals can be forwarded and cleanup run on every path.
 *
 * @param file The scenario file to write.
 * @param command The child command.
 * @param request The mode, the commands and the rules.
 * @param onCreated Receives the recording.
 * @returns The child's exit code (126/127 when it could not start, 128+N when killed).
 * @throws {ReplayError} When the file's directory does not exist.
 */
export async function recordFresh(
  file: string,
  command: readonly string[],
  request: RecordRequest,
  onCreated: (recording: FreshRecording) => void,
): Promise<number> {
  const dir = _dirOf(file);
  const info = await Deno.stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory) {
    throw new ReplayError(
      "usage",
      `cannot record into "${file}": directory does not exist: ${dir}`,
    );
  }
  const recording = new FreshRecording(command, { commands: request.commands });
  onCreated(recording);
  await recording.setup();
  writeErr(
    `cli-replay: recording ${
      request.commands.join(", ")
    } into "${file}" (--record ${request.mode}); the file is written when the command ends\n`,
  );
  const outcome = await recording.run();
  if (outcome.startError !== undefined) {
    writeErr(`cli-replay: cannot start "${command[0]}": ${outcome.startError}\n`);
    return outcome.exitCode;
  }
  const report = await writeFreshRecording(file, outcome.calls, request.rules);
  for (const line of report.lines) writeErr(`cli-replay: ${line}\n`);
  return outcome.exitCode;
}
