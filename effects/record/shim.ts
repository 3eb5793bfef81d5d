/**
 * One record shim call, `cli-replay __record-shim` (REC-5): run the real command with its
 * output streamed live and captured, pass stdin through, and append the call to the log.
 *
 * @module
 */

import type { RecordedCall } from "../../core/record/recording.ts";
import { type PumpResult, pumpStdin, teeStream } from "./io.ts";
import { appendRecordedCall } from "./log.ts";
import { findExecutable } from "./lookup.ts";
import { forwardSignals } from "../signals.ts";
import { toFsError } from "../fs.ts";

/** Options of {@linkcode execRecordShim}. */
export interface RecordShimCallOptions {
  /** The recording log to append to. */
  log: string;
  /** The record shim dir, skipped when resolving the real command. */
  shimDir: string;
  /** The received call: the shim's name, then the arguments. */
  argv: readonly string[];
}

/** The outcome of a record shim call. */
export type RecordShimOutcome =
  /** No real command of that name outside the shim dir; nothing was run or logged. */
  | { readonly kind: "not-found"; readonly command: string }
  /** The real command ran; `recorded` is false for nested calls. */
  | {
    readonly kind: "ran";
    readonly exitCode: number;
    readonly recorded: boolean;
    readonly stdinTruncated: boolean;
    /** Why the call could not be appended to the log, when it could not. */
    readonly logError?: string;
  };

/**
 * Performs one record shim call (REC-5). A nested call (`CLI_REPLAY_IN_SHIM=1`) runs the real
 * command transparently. Otherwise the real command runs with `CLI_REPLAY_IN_SHIM=1`, its
 * stdout and stderr streamed to this process's and captured, stdin inherited when it is a
 * terminal and otherwise passed through while the first MiB is captured; then one line is
 * appended to the log under its lock. Requires `--allow-all`.
 *
 * @param options The log, the shim dir and the call.
 * @returns What happened; the caller exits with `exitCode` (127 when not found).
 */
export async function execRecordShim(options: RecordShimCallOptions): Promise<RecordShimOutcome> {
  const name = options.argv[0] ?? "";
  const args = options.argv.slice(1);
  if (name === "" || name.includes("/")) return { kind: "not-found", command: name };
  const file = await findExecutable(name, Deno.env.get("PATH"), { skipDir: options.shimDir });
  if (file === undefined) return { kind: "not-found", command: name };
  using signals = forwardSignals();

  if (Deno.env.get("CLI_REPLAY_IN_SHIM") === "1") {
    const child = new Deno.Command(file, { args }).spawn();
    signals.setChild(child);
    const status = await child.status;
    return { kind: "ran", exitCode: status.code, recorded: false, stdinTruncated: false };
  }

  const timestamp = new Date().toISOString();
  const terminal = Deno.stdin.isTerminal();
  const child = new Deno.Command(file, {
    args,
    env: { CLI_REPLAY_IN_SHIM: "1" },
    stdin: terminal ? "inherit" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  signals.setChild(child);
  const stdin: Promise<PumpResult> = terminal
    ? Promise.resolve({ truncated: false })
    : pumpStdin(Deno.stdin, child.stdin, child.status);
  const [stdout, stderr, status, input] = await Promise.all([
    teeStream(child.stdout, Deno.stdout),
    teeStream(child.stderr, Deno.stderr),
    child.status,
    stdin,
  ]);
  const call: RecordedCall = {
    timestamp,
    argv: [name, ...args],
    exit: status.code,
    stdout,
    stderr,
  };
  if (input.captured !== undefined) call.stdin = input.captured;
  if (input.truncated) call.stdinTruncated = true;
  let logError: string | undefined;
  try {
    await appendRecordedCall(options.log, call);
  } catch (error) {
    // the recording may already be over (a call left running in the background)
    const failure = toFsError(error, { action: "write recording log", path: options.log });
    logError = failure instanceof Error ? failure.message : String(failure);
  }
  return {
    kind: "ran",
    exitCode: status.code,
    recorded: logError === undefined,
    stdinTruncated: input.truncated,
    ...(logError === undefined ? {} : { logError }),
  };
}
