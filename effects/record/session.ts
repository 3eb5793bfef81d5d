/**
 * `cli-replay record`, the effects: run the command in direct mode (REC-3) or under record
 * shims (REC-4) and collect what was recorded. Every decision about the result is left to
 * the caller and to `core/record/recording.ts`.
 *
 * @module
 */

import { ReplayError } from "../../core/errors.ts";
import type { RecordedCall } from "../../core/record/recording.ts";
import { createRecordDir } from "./dir.ts";
import { teeStream } from "./io.ts";
import { readRecordingLog } from "./log.ts";
import { findExecutable } from "./lookup.ts";
import { forwardSignals } from "../signals.ts";
import { selfCommand } from "../session/self_command.ts";

/** What a recording produced. */
export interface RecordSessionResult {
  /** The recorded calls, in log order. */
  calls: RecordedCall[];
  /** Exit code of the recorded command (128+N when killed by signal N). */
  exitCode: number;
}

/** The error for a command that could not be started (REC-10: exit 1, nothing written). */
function _cannotRun(command: string, reason: string, options?: ErrorOptions): ReplayError {
  return new ReplayError("record", `cannot run ${JSON.stringify(command)}: ${reason}`, {
    ...(options?.cause === undefined ? {} : { cause: options.cause }),
  });
}

/** Resolves and spawns `argv`, turning start failures into a `record` {@linkcode ReplayError}. */
async function _spawn(
  argv: readonly string[],
  options: Omit<Deno.CommandOptions, "args">,
): Promise<Deno.ChildProcess> {
  const name = argv[0] ?? "";
  const pathValue = options.env?.PATH ?? Deno.env.get("PATH");
  const file = await findExecutable(name, pathValue);
  if (file === undefined) {
    let reason = "command not found";
    if (name.includes("/")) {
      const info = await Deno.stat(name).catch(() => undefined);
      if (info !== undefined) reason = info.isFile ? "permission denied" : "not a regular file";
    }
    throw _cannotRun(name, reason);
  }
  try {
    return new Deno.Command(file, { ...options, args: argv.slice(1) }).spawn();
  } catch (error) {
    throw _cannotRun(name, error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}

/** The last path component of a command, as recorded in `argv[0]` (REC-3). */
function _baseName(command: string): string {
  const parts = command.split("/").filter((p) => p !== "");
  return parts.at(-1) ?? command;
}

/**
 * Direct mode (REC-3): runs `argv` without a shell, stdin inherited, stdout and stderr
 * streamed live and captured; records one call. Signals received meanwhile are forwarded to
 * the command. Requires `--allow-run`, `--allow-read` and `--allow-env`.
 *
 * @param argv The command and its arguments.
 * @returns One call, with `argv[0]` reduced to its base name.
 * @throws {ReplayError} When the command cannot be started.
 */
export async function recordDirect(argv: readonly string[]): Promise<RecordSessionResult> {
  using signals = forwardSignals();
  const timestamp = new Date().toISOString();
  const child = await _spawn(argv, { stdin: "inherit", stdout: "piped", stderr: "piped" });
  signals.setChild(child);
  const [stdout, stderr, status] = await Promise.all([
    teeStream(child.stdout, Deno.stdout),
    teeStream(child.stderr, Deno.stderr),
    child.status,
  ]);
  const call: RecordedCall = {
    timestamp,
    argv: [_baseName(argv[0]!), ...argv.slice(1)],
    exit: status.code,
    stdout,
    stderr,
  };
  return { calls: [call], exitCode: status.code };
}

/**
 * Shim mode (REC-4): creates the private recording directory with one record shim per
 * command, runs `argv` without a shell with the shim dir first on `PATH` (the command itself
 * resolved against that `PATH`), stdio inherited, and reads the log. The directory is removed
 * on every path (REC-12). Requires `--allow-all` (the shims re-run cli-replay).
 *
 * @param argv The command and its arguments.
 * @param commands The commands to record (plain names, SCN-13).
 * @returns The logged calls and the command's exit code.
 * @throws {ReplayError} When the command cannot be started.
 */
export async function recordWithShims(
  argv: readonly string[],
  commands: readonly string[],
): Promise<RecordSessionResult> {
  using signals = forwardSignals();
  await using dir = await createRecordDir({ commands, selfCommand: selfCommand({ mode: "full" }) });
  const env = Deno.env.toObject();
  delete env.CLI_REPLAY_IN_SHIM;
  env.PATH = env.PATH === undefined || env.PATH === "" ? dir.binDir : `${dir.binDir}:${env.PATH}`;
  env.CLI_REPLAY_RECORDING_LOG = dir.logPath;
  env.CLI_REPLAY_SHIM_DIR = dir.binDir;
  const child = await _spawn(argv, {
    env,
    clearEnv: true,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  });
  signals.setChild(child);
  const status = await child.status;
  const calls = await readRecordingLog(dir.logPath);
  return { calls, exitCode: status.code };
}
