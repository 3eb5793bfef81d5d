/**
 * A fresh recording under `exec` (RECM-1 `once` without a file, and `all`): the child runs
 * with record shims first on `PATH`, so every call of the recorded commands runs the real
 * command and is logged; nothing is faked. Same lifecycle as a replay session: `setup()`,
 * `run()`, an idempotent `cleanup()`, and signals forwarded to the child's process group.
 *
 * @module
 */

import type { RecordedCall } from "../../core/record/log.ts";
import { decideExecExitCode, signalNumber } from "../../core/session/exec_exit.ts";
import { type ChildOptions, signalGroup, spawnAndWait } from "../exec/child.ts";
import { createRecordDir, type RecordDir } from "./dir.ts";
import { readRecordingLog } from "./log.ts";
import { selfCommand } from "../session/self_command.ts";

/** Options of {@linkcode FreshRecording}. */
export interface FreshRecordingOptions extends Omit<ChildOptions, "env"> {
  /** The commands to record (plain names, SCN-13). */
  commands: readonly string[];
  /** Extra environment for the child. @default {{}} */
  env?: Record<string, string>;
}

/** How a fresh recording ended. */
export interface FreshOutcome {
  /** The exit code of `exec`: the child's (128+N when killed by signal N; 126/127 when it could not start). */
  exitCode: number;
  /** The child's exit code, when it exited normally. */
  childExitCode: number | null;
  /** The signal that killed the child. */
  childSignal: Deno.Signal | null;
  /** Captured stdout (empty unless piped). */
  stdout: Uint8Array;
  /** Captured stderr (empty unless piped). */
  stderr: Uint8Array;
  /** The recorded calls, in log order. */
  calls: RecordedCall[];
  /** Why the child could not start, if it could not. */
  startError?: string;
}

/** One fresh recording. Create it, `setup()`, `run()`; `cleanup()` runs on every path. */
export class FreshRecording {
  /** `created`, `ready`, `running`, `exited` or `cleaned`. */
  phase: "created" | "ready" | "running" | "exited" | "cleaned" = "created";
  /** The child once spawned. */
  child: Deno.ChildProcess | undefined;
  #dir: RecordDir | undefined;
  #pendingSignal: Deno.Signal | undefined;
  readonly #command: readonly string[];
  readonly #options: FreshRecordingOptions;

  /**
   * @param command The child command and its arguments.
   * @param options The commands to record and the child's options.
   */
  constructor(command: readonly string[], options: FreshRecordingOptions) {
    this.#command = command;
    this.#options = options;
  }

  /**
   * Creates the private recording directory with one record shim per command (REC-4).
   * Requires `--allow-all` (the shims re-run cli-replay to run real commands).
   */
  async setup(): Promise<void> {
    this.#dir = await createRecordDir({
      commands: this.#options.commands,
      selfCommand: selfCommand({ mode: "full" }),
    });
    this.phase = "ready";
  }

  /** Sends a signal to the child's process group; before it runs, no child is started. */
  forward(signal: Deno.Signal): void {
    if (this.child === undefined) this.#pendingSignal ??= signal;
    else signalGroup(this.child, signal);
  }

  /** Runs the child with the record shims first on `PATH`, then reads the log and cleans up. */
  async run(): Promise<FreshOutcome> {
    const dir = this.#dir;
    if (dir === undefined) throw new Error("FreshRecording.run() before setup()");
    const opts = this.#options;
    try {
      if (this.#pendingSignal !== undefined) {
        return {
          exitCode: decideExecExitCode({
            signalBeforeSpawn: signalNumber(this.#pendingSignal, Deno.build.os),
          }),
          childExitCode: null,
          childSignal: null,
          stdout: new Uint8Array(),
          stderr: new Uint8Array(),
          calls: [],
        };
      }
      const env: Record<string, string> = {
        ...(opts.clearEnv ? {} : Deno.env.toObject()),
        ...(opts.env ?? {}),
      };
      delete env.CLI_REPLAY_IN_SHIM;
      env.PATH = env.PATH === undefined || env.PATH === ""
        ? dir.binDir
        : `${dir.binDir}:${env.PATH}`;
      env.CLI_REPLAY_RECORDING_LOG = dir.logPath;
      env.CLI_REPLAY_SHIM_DIR = dir.binDir;
      const result = await spawnAndWait(
        this.#command,
        { ...opts, env, clearEnv: true },
        (child) => {
          this.child = child;
          this.phase = "running";
        },
      );
      this.phase = "exited";
      const exitCode = decideExecExitCode({
        ...(result.startKind !== undefined ? { startError: result.startKind } : {}),
        childCode: result.childCode,
        childSignal: result.childSignal === null
          ? null
          : signalNumber(result.childSignal, Deno.build.os),
        verified: true,
      });
      return {
        exitCode,
        childExitCode: result.childCode,
        childSignal: result.childSignal,
        stdout: result.stdout,
        stderr: result.stderr,
        calls: result.startError === undefined ? await readRecordingLog(dir.logPath) : [],
        ...(result.startError !== undefined ? { startError: result.startError } : {}),
      };
    } finally {
      await this.cleanup();
    }
  }

  /** Removes the recording directory (REC-12). Idempotent. */
  async cleanup(): Promise<void> {
    if (this.phase === "cleaned") return;
    if (this.child !== undefined && this.phase === "running") signalGroup(this.child, "SIGKILL");
    this.phase = "cleaned";
    await this.#dir?.remove();
  }
}
