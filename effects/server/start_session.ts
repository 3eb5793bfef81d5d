/**
 * In-process replay sessions for Deno tests (SRV-7): the session server runs in a worker
 * of the test's own process, the fakes go first on this process's `PATH`, and
 * `CLI_REPLAY_SESSION`/`CLI_REPLAY_SCENARIO` are set here, so any child the code under
 * test spawns — `Deno.Command`, `node:child_process`, dax, zx — reaches the fakes.
 * Disposing the session restores the environment and removes its files.
 *
 * @module
 */
import type { ScenarioSource } from "../scenario/source.ts";
import { DEFAULT_MAX_DELAY, DEFAULT_MAX_DELAY_MS } from "../../core/limits.ts";
import type { VerifyResult } from "../../core/types.ts";
import { ENV } from "../../core/env.ts";
import { parseDuration } from "../../core/lang/duration.ts";
import { verifyState } from "../../core/replay/verify.ts";
import { renderVerifyText } from "../../core/report/text.ts";
import { readScenarioFile } from "../scenario/file.ts";
import { removeSession, type ReplaySession, setupSession } from "../session/setup.ts";
import { readState } from "../session/state_store.ts";
import { canListen } from "./session_server.ts";
import { absolutePath } from "../session/files.ts";
import { selfCommand } from "../session/self_command.ts";
import { createRecordDir } from "../record/dir.ts";
import { readRecordingLog } from "../record/log.ts";
import {
  emptyVerification,
  planRecording,
  type RecordingReport,
  type RecordingRules,
  type RecordOptions,
  writeFreshRecording,
  writeMissingRecording,
} from "../record/write_recording.ts";

/** A scenario file path, a `file:` URL, or inline YAML. */
export type SessionScenario = ScenarioSource;

/** Options of {@linkcode startSession}. */
export interface StartSessionOptions {
  /** Commands the scenario may fake (SEC-2). @default {[]} */
  allowedCommands?: string[];
  /** Largest `respond.delay` allowed. @default {"5m"} */
  maxDelay?: string;
  /**
   * Record real calls into the scenario file (RECM-1), as `exec --record` does: `once`
   * records when the file does not exist (nothing is faked then) and replays after,
   * `missing` replays and runs the real command for a call that matches no step, `all`
   * records every call anew. The file is written when the session is closed; a session that
   * records takes the cold path. Needs a scenario path, not inline YAML.
   * @default {undefined} (replay only)
   */
  record?: RecordOptions;
}

/** A running in-process session; `await using` ends it. */
export interface ReplaySessionHandle extends AsyncDisposable {
  /** The session id. */
  readonly sessionId: string;
  /** Absolute path of the scenario file. */
  readonly scenarioPath: string;
  /** The directory of the fakes, first on `PATH` while the session runs. */
  readonly interceptDir: string;
  /** Whether calls are answered by the session server (else by the cold path). */
  readonly server: boolean;
  /** Verifies the calls made so far (VERIFY). */
  verify(): Promise<VerifyResult>;
  /** The verification as the text report of `cli-replay verify`. */
  report(): Promise<string>;
  /** Ends the session: stops the server, restores the environment, removes the files. */
  close(): Promise<void>;
  /** What the recording wrote when the session was closed (with `record`); else undefined. */
  readonly recording: RecordingReport | undefined;
}

interface _Worker {
  port: number;
  close(): Promise<void>;
}

async function _startWorker(session: ReplaySession): Promise<_Worker | undefined> {
  if (session.secret === undefined) return undefined;
  const worker = new Worker(new URL("./server_worker.ts", import.meta.url), { type: "module" });
  const reply = (): Promise<unknown> =>
    new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        resolve({ error: e.message });
      };
    });
  const started = reply();
  worker.postMessage({
    start: { files: session.files, sessionId: session.sessionId, secret: session.secret },
  });
  const answer = await started as { port?: number; error?: string };
  if (answer.port === undefined) {
    worker.terminate();
    return undefined;
  }
  return {
    port: answer.port,
    close: async () => {
      const closed = reply();
      worker.postMessage("close");
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
      worker.terminate();
    },
  };
}

/**
 * Starts a replay session inside this process, for Deno tests: the fakes of the
 * scenario's commands go first on `PATH`, answered by a session server in a worker (with
 * `--allow-net=127.0.0.1`; without it, by the cold path). Every child process the test
 * spawns while the session runs reaches them. Requires `--allow-read`, `--allow-write`,
 * `--allow-env`, and `--allow-run` for the children.
 *
 * @example Usage
 * ```ts
 * import { startSession } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const yaml = "meta: {name: demo}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {stdout: \"clean\\n\"}\n";
 * {
 *   await using session = await startSession({ yaml });
 *   const out = await new Deno.Command("git", { args: ["status"] }).output();
 *   assert.equal(new TextDecoder().decode(out.stdout), "clean\n");
 *   assert.equal((await session.verify()).passed, true);
 * }
 * ```
 *
 * @param scenario A path, a `file:` URL, or `{ yaml, dir? }`.
 * @param options Allowlist, delay cap, and recording.
 * @returns The session; dispose it (`await using`) to end it.
 * @throws {ReplayError} When the scenario is invalid or unreadable.
 * @throws {Error} When setup fails (allowlist, unsafe state directory).
 */
export async function startSession(
  scenario: SessionScenario,
  options: StartSessionOptions = {},
): Promise<ReplaySessionHandle> {
  const record = options.record ?? { mode: "none", commands: [] };
  const { file, remove: removeInline, plan, commands } = await planRecording(scenario, record);
  if (plan === "fresh") return await _startFreshRecording(file, commands, record);
  let session: ReplaySession;
  let worker: _Worker | undefined;
  try {
    const loaded = await readScenarioFile(file);
    const maxDelay = options.maxDelay ?? DEFAULT_MAX_DELAY;
    session = await setupSession(loaded, {
      allowedCommands: options.allowedCommands ?? [],
      maxDelay,
      maxDelayMs: parseDuration(maxDelay) ?? DEFAULT_MAX_DELAY_MS,
      server: canListen(),
      ...(plan === "missing" ? { recordMissing: commands } : {}),
    });
    try {
      worker = await _startWorker(session);
    } catch {
      worker = undefined;
    }
  } catch (error) {
    await removeInline();
    throw error;
  }
  const env = _envSaver();
  const path = Deno.env.get("PATH");
  env.set("PATH", path ? `${session.files.interceptDir}:${path}` : session.files.interceptDir);
  env.set(ENV.session, session.sessionId);
  env.set(ENV.scenario, session.files.scenarioPath);
  const recorded = async () => ({
    calls: session.recordLog === undefined ? [] : await readRecordingLog(session.recordLog),
    state: await readState(session.files),
    sessionId: session.sessionId,
  });
  const verify = async () => {
    const state = await readState(session.files);
    if (session.recordLog !== undefined) {
      // The new steps count too (RECM-1): verify the file as it would be written.
      const preview = await writeMissingRecording(session.loaded, await recorded(), {
        ...record,
        write: false,
      });
      if (preview.verification !== undefined) return preview.verification;
    }
    return verifyState(session.loaded.scenario, state, { session: session.sessionId });
  };
  let closed = false;
  let recording: RecordingReport | undefined;
  const close = async () => {
    if (closed) return;
    closed = true;
    env.restore();
    await worker?.close();
    try {
      if (session.recordLog !== undefined) {
        recording = await writeMissingRecording(session.loaded, await recorded(), record);
      }
    } finally {
      await removeSession(session.files);
      await removeInline();
    }
  };
  return {
    sessionId: session.sessionId,
    scenarioPath: session.files.scenarioPath,
    interceptDir: session.files.interceptDir,
    server: worker !== undefined,
    verify,
    report: async () => renderVerifyText(await verify(), { scenarioArg: file }),
    close,
    get recording() {
      return recording;
    },
    [Symbol.asyncDispose]: close,
  };
}

/** Sets environment variables and puts them back as they were. */
function _envSaver() {
  const saved = new Map<string, string | undefined>();
  return {
    set(name: string, value: string | undefined): void {
      if (!saved.has(name)) saved.set(name, Deno.env.get(name));
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    },
    restore(): void {
      for (const [name, value] of saved) {
        if (value === undefined) Deno.env.delete(name);
        else Deno.env.set(name, value);
      }
    },
  };
}

/**
 * A session that records a fresh scenario (RECM-1 `once` without a file, `all`): record shims
 * first on this process's `PATH`, nothing faked; the file is written when it is closed.
 */
async function _startFreshRecording(
  file: string,
  commands: readonly string[],
  rules: RecordingRules,
): Promise<ReplaySessionHandle> {
  const dir = await createRecordDir({ commands, selfCommand: selfCommand({ mode: "full" }) });
  const env = _envSaver();
  const path = Deno.env.get("PATH");
  env.set("PATH", path ? `${dir.binDir}:${path}` : dir.binDir);
  env.set("CLI_REPLAY_RECORDING_LOG", dir.logPath);
  env.set("CLI_REPLAY_SHIM_DIR", dir.binDir);
  env.set("CLI_REPLAY_IN_SHIM", undefined);
  const preview = async () =>
    await writeFreshRecording(file, await readRecordingLog(dir.logPath), {
      ...rules,
      write: false,
    });
  const verify = async () => (await preview()).verification ?? emptyVerification(file);
  let closed = false;
  let recording: RecordingReport | undefined;
  const close = async () => {
    if (closed) return;
    closed = true;
    env.restore();
    try {
      recording = await writeFreshRecording(file, await readRecordingLog(dir.logPath), rules);
    } finally {
      await dir.remove();
    }
  };
  return {
    sessionId: "",
    scenarioPath: absolutePath(file),
    interceptDir: dir.binDir,
    server: false,
    verify,
    report: async () => (await preview()).lines.map((line) => `${line}\n`).join(""),
    close,
    get recording() {
      return recording;
    },
    [Symbol.asyncDispose]: close,
  };
}
