/**
 * In-process replay sessions for Deno tests (SRV-7): the session server runs in a worker
 * of the test's own process, the fakes go first on this process's `PATH`, and
 * `CLI_REPLAY_SESSION`/`CLI_REPLAY_SCENARIO` are set here, so any child the code under
 * test spawns — `Deno.Command`, `node:child_process`, dax, zx — reaches the fakes.
 * Disposing the session restores the environment and removes its files.
 *
 * @module
 */
import { scenarioFile, type ScenarioSource } from "../scenario/source.ts";
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

/** A scenario file path, a `file:` URL, or inline YAML. */
export type SessionScenario = ScenarioSource;

/** Options of {@linkcode startSession}. */
export interface StartSessionOptions {
  /** Commands the scenario may fake (SEC-2). @default {[]} */
  allowedCommands?: string[];
  /** Largest `respond.delay` allowed. @default {"5m"} */
  maxDelay?: string;
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
 * @param options Allowlist and delay cap.
 * @returns The session; dispose it (`await using`) to end it.
 * @throws {ReplayError} When the scenario is invalid or unreadable.
 * @throws {Error} When setup fails (allowlist, unsafe state directory).
 */
export async function startSession(
  scenario: SessionScenario,
  options: StartSessionOptions = {},
): Promise<ReplaySessionHandle> {
  const { file, remove: removeInline } = await scenarioFile(scenario);
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
  const saved = new Map<string, string | undefined>();
  const set = (name: string, value: string) => {
    if (!saved.has(name)) saved.set(name, Deno.env.get(name));
    Deno.env.set(name, value);
  };
  const path = Deno.env.get("PATH");
  set("PATH", path ? `${session.files.interceptDir}:${path}` : session.files.interceptDir);
  set(ENV.session, session.sessionId);
  set(ENV.scenario, session.files.scenarioPath);
  const verify = async () =>
    verifyState(session.loaded.scenario, await readState(session.files.state), {
      session: session.sessionId,
    });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const [name, value] of saved) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
    await worker?.close();
    await removeSession(session.files);
    await removeInline();
  };
  return {
    sessionId: session.sessionId,
    scenarioPath: session.files.scenarioPath,
    interceptDir: session.files.interceptDir,
    server: worker !== undefined,
    verify,
    report: async () => renderVerifyText(await verify(), { scenarioArg: file }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
