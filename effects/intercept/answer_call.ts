/**
 * Answering one intercepted call (ICPT-7..17): load the compiled scenario, read stdin when
 * a step needs it, step under the session lock, and render the exact bytes of the answer.
 * Both paths use it — the cold intercept (`cli/intercept.ts`) and the session server — so
 * their answers and state effects are the same (SRV-3, SRV-4). Imports no npm: or node:
 * module (ICPT-6).
 *
 * @module
 */
import { concatBytes } from "../../core/bytes.ts";
import type { Diagnostic, Scenario, SignalName, State, StepOutcome } from "../../core/types.ts";
import { needsStdin, newState, stepCall } from "../../core/replay/engine.ts";
import { findInsertPoint, type InsertPoint } from "../../core/record/insert_point.ts";
import { renderDeniedTrace, renderOutcome, renderTraceLine } from "../../core/report/outcome.ts";
import { decideColor, ENV, parseFlag } from "../../core/env.ts";
import { renderError, ReplayError } from "../../core/errors.ts";
import { STATE_DIR_ENV } from "../../core/session/state_dir_choice.ts";
import { absolutePath, dirnameOf, sha256Hex } from "../session/files.ts";
import type { SessionFiles } from "../session/files.ts";
import { readCompiled, writeCompiled } from "../scenario/compiled_store.ts";
import { updateState } from "../session/state_store.ts";
import { describeOsError, fsReason, toFsError } from "../fs.ts";

/** Advice when a fake cannot write its session's files: the state on disk is unchanged. */
const WRITE_HINTS = {
  "no-space": "free space on that file system and call again; the session's state is unchanged",
  "quota": "free space or raise your disk quota and call again; the session's state is unchanged",
  "permission-denied":
    `the session's state directory is not writable; run 'cli-replay clean' and start a new session (set ${STATE_DIR_ENV} to choose the directory)`,
  "read-only":
    `the session's state directory is read-only; run 'cli-replay clean' and start a new session (set ${STATE_DIR_ENV} to choose the directory)`,
  "not-found":
    "the session's files were removed (by a clean or a temp dir cleaner); start a new session",
};

/** A loaded scenario and the SHA-256 of the file bytes it was compiled from. */
export interface LoadedCompiled {
  /** The compiled scenario. */
  readonly scenario: Scenario;
  /** SHA-256 (hex) of the scenario file. */
  readonly hash: string;
}

/** What checks a scenario's YAML after an edit (loaded lazily: the only YAML on the path). */
export interface ScenarioChecker {
  /** `checkScenarioText` of `effects/scenario_file.ts`. */
  checkScenarioText(
    text: string,
    file: string,
    display: string,
  ): Promise<
    { ok: true; scenario: Scenario } | {
      ok: false;
      diagnostics: Diagnostic[];
    }
  >;
}

/** Sync on purpose: the hot path avoids the async file machinery. */
function _statSync(path: string): Deno.FileInfo {
  return Deno.statSync(path);
}

function _readSync(path: string): Uint8Array {
  return Deno.readFileSync(path);
}

function _groupLayout(s: Scenario): string {
  return JSON.stringify([s.steps.length, s.groups]);
}

function _writeCompiled(files: SessionFiles, input: Parameters<typeof writeCompiled>[1]): void {
  try {
    writeCompiled(files.compiled, input);
  } catch (error) {
    throw toFsError(error, {
      action: "write compiled scenario",
      path: files.compiled,
      hints: WRITE_HINTS,
    });
  }
}

/** How {@linkcode loadCompiledScenario} reaches what it needs only after an edit. */
export interface LoadScenarioHooks {
  /** Loads the YAML checker (a dynamic import by the caller). */
  importChecker: () => Promise<ScenarioChecker>;
  /** Makes sure the session's state directory exists before the recompiled copy is written. */
  ensureStateDir: () => Promise<unknown>;
}

/**
 * Loads the compiled scenario, recompiling from YAML only when the file changed (STATE-12).
 *
 * @param files The session's files.
 * @param hooks The YAML checker and the state directory, needed only after an edit.
 * @returns The scenario and its hash.
 * @throws {ReplayError} When the file is unreadable, invalid or changed incompatibly.
 */
export async function loadCompiledScenario(
  files: SessionFiles,
  hooks: LoadScenarioHooks,
): Promise<LoadedCompiled> {
  let info: Deno.FileInfo;
  try {
    info = _statSync(files.scenarioPath);
  } catch (error) {
    throw new ReplayError(
      "scenario",
      `cannot read scenario "${files.scenarioPath}": ${fsReason(error)}`,
    );
  }
  const mtimeMs = info.mtime?.getTime() ?? 0;
  const compiled = readCompiled(files.compiled);
  if (compiled !== undefined && compiled.size === info.size && compiled.mtimeMs === mtimeMs) {
    return { scenario: compiled.scenario, hash: compiled.scenarioHash };
  }
  let bytes: Uint8Array;
  try {
    bytes = _readSync(files.scenarioPath);
  } catch (error) {
    throw new ReplayError(
      "scenario",
      `cannot read scenario "${files.scenarioPath}": ${fsReason(error)}`,
    );
  }
  const hash = await sha256Hex(bytes);
  if (compiled !== undefined && compiled.scenarioHash === hash) {
    _writeCompiled(files, { scenario: compiled.scenario, hash, size: info.size, mtimeMs });
    return { scenario: compiled.scenario, hash };
  }
  // The scenario is new or was edited: the only case that loads the YAML parser.
  const { checkScenarioText } = await hooks.importChecker();
  const checked = await checkScenarioText(
    new TextDecoder().decode(bytes),
    files.scenarioPath,
    files.scenarioPath,
  );
  if (!checked.ok) {
    throw new ReplayError(
      "scenario",
      `scenario "${files.scenarioPath}" is invalid (${checked.diagnostics.length} error(s))`,
      { diagnostics: checked.diagnostics },
    );
  }
  const scenario = checked.scenario;
  if (compiled !== undefined && _groupLayout(compiled.scenario) !== _groupLayout(scenario)) {
    throw new ReplayError(
      "session",
      `scenario "${files.scenarioPath}" changed incompatibly since the session started (steps: ${compiled.scenario.steps.length} → ${scenario.steps.length}); run 'cli-replay clean' and start a new session`,
    );
  }
  await hooks.ensureStateDir();
  _writeCompiled(files, { scenario, hash, size: info.size, mtimeMs });
  return { scenario, hash };
}

/** The exact answer of one call: what to write and the exit code. */
export interface CallAnswer {
  /** Exit code. */
  readonly exitCode: number;
  /** Bytes for stdout. */
  readonly stdout: Uint8Array;
  /** Bytes for stderr: warnings, the response's stderr or report, trace lines. */
  readonly stderr: Uint8Array;
  /** Wait this long (after the state was written) before answering (ICPT-8). */
  readonly delayMs: number;
  /** End by this signal after the output, instead of exiting (LANG-6). */
  readonly signal?: SignalName;
}

/** One call to answer. */
export interface CallSpec {
  /** The session's files. */
  readonly files: SessionFiles;
  /** The session id, `""` for none. */
  readonly sessionId: string;
  /** Argv, command name first. */
  readonly argv: readonly string[];
  /** The caller's environment (at least the variables the answer depends on). */
  readonly env: Readonly<Record<string, string>>;
  /** Whether the caller's stderr is a terminal (COLOR-2). */
  readonly stderrIsTerminal: boolean;
  /** Reads the caller's stdin (only called when a step needs it, STDIN-3). */
  readonly readStdin: () => Promise<Uint8Array | "too-large">;
  /** Loads the scenario (see {@linkcode loadCompiledScenario}). */
  readonly loadScenario: (files: SessionFiles) => Promise<LoadedCompiled>;
  /** Whether this path can answer calls of this scenario; false = `"cold"`, nothing done. */
  readonly acceptScenario?: (scenario: Scenario) => boolean;
  /** Whether this path can deliver the answer; false = `"cold"`, state not written. */
  readonly acceptAnswer?: (answer: CallAnswer) => boolean;
}

/**
 * A call that matched no step, handed back to be answered by the real command
 * (`exec --record missing`, RECM-1). The session's state is unchanged.
 */
export interface RealCall {
  /** Always `"real"`. */
  readonly kind: "real";
  /** Where the call's new step goes (decided under the session lock). */
  readonly insert: InsertPoint;
  /** The stdin already read to compare it with a step's, if it was read (STDIN-3). */
  readonly stdin?: Uint8Array | "too-large";
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array();

function _text(stderr: string, exitCode = 1): CallAnswer {
  return { exitCode, stdout: EMPTY, stderr: encoder.encode(stderr), delayMs: 0 };
}

/**
 * Answers one call: everything the cold intercept did between reading its arguments and
 * writing its output. Never throws for a failure of the call: errors become a
 * `cli-replay:` answer with exit 1 (ICPT-17).
 *
 * @param spec The call.
 * @returns The answer, or `"cold"` when a hook declined before anything was written.
 */
export function answerCall(spec: CallSpec): Promise<CallAnswer | "cold"> {
  return _answerCall(spec, false) as Promise<CallAnswer | "cold">;
}

/**
 * {@linkcode answerCall} for a fake of `exec --record missing` (RECM-1): a call that matches
 * no step (a mismatch, a stdin mismatch, or a call after the last step) is not an error but a
 * {@linkcode RealCall}, with the place its new step goes; the state is left as it was.
 *
 * @param spec The call.
 * @returns The answer, `"cold"`, or the call for the real command.
 */
export function answerOrRecordCall(spec: CallSpec): Promise<CallAnswer | "cold" | RealCall> {
  return _answerCall(spec, true);
}

async function _answerCall(
  spec: CallSpec,
  recordUnmatched: boolean,
): Promise<CallAnswer | "cold" | RealCall> {
  const { files, sessionId, argv, env } = spec;
  const trace = parseFlag(env[ENV.trace]) === true;
  try {
    const { scenario, hash: scenarioHash } = await spec.loadScenario(files);
    if (spec.acceptScenario !== undefined && !spec.acceptScenario(scenario)) return "cold";
    const stdin = needsStdin(scenario, argv, env) ? await spec.readStdin() : undefined;
    const scenarioDir = dirnameOf(files.scenarioPath);
    const readFile = (path: string) =>
      Deno.readFileSync(path.startsWith("/") ? path : absolutePath(path, scenarioDir));
    const color = decideColor(
      { cliReplayColor: env[ENV.color], noColor: env.NO_COLOR },
      spec.stderrIsTerminal,
    );
    return _updateState<CallAnswer | "cold" | RealCall>(files, (state: State | undefined) => {
      let current = state;
      let warning = "";
      if (current === undefined) {
        if (sessionId !== "") {
          warning = `cli-replay: warning: no state for session ${sessionId}; starting at step 1\n`;
        }
        current = newState(scenario, {
          scenarioPath: files.scenarioPath,
          scenarioHash,
          now: new Date(),
        });
      }
      let next: State | undefined;
      let outcome: StepOutcome;
      if (current.totalSteps !== scenario.steps.length) {
        outcome = {
          kind: "error",
          message:
            `scenario "${files.scenarioPath}" changed incompatibly since the session started (steps: ${current.totalSteps} → ${scenario.steps.length}); run 'cli-replay clean' and start a new session`,
        };
      } else {
        const stepped = stepCall(scenario, current, {
          argv,
          ...(stdin !== undefined ? { stdin } : {}),
          env,
          now: new Date(),
          readFile: (p) => {
            try {
              return readFile(p);
            } catch (error) {
              throw new Error(fsReason(error));
            }
          },
        });
        outcome = stepped.outcome;
        if (
          recordUnmatched &&
          (outcome.kind === "mismatch" || outcome.kind === "stdin-mismatch" ||
            outcome.kind === "complete")
        ) {
          // RECM-1: the real command answers; its step goes where the cursor is.
          const real: RealCall = {
            kind: "real",
            insert: findInsertPoint(scenario, current),
            ...(stdin !== undefined ? { stdin } : {}),
          };
          return { next: undefined, value: real };
        }
        // STATE-12: after a compatible edit the state refers to the new file bytes.
        next = outcome.kind === "error"
          ? undefined
          : stepped.state.scenarioHash === scenarioHash
          ? stepped.state
          : { ...stepped.state, scenarioHash };
      }
      let tail = "";
      if (trace) {
        const denied = outcome.kind === "error" ? [] : outcome.deniedVars;
        for (const name of denied) tail += renderDeniedTrace(name);
        tail += renderTraceLine(outcome, argv);
      }
      const answer: CallAnswer = outcome.kind === "matched"
        ? {
          exitCode: outcome.exitCode,
          stdout: outcome.stdout,
          stderr: warning === "" && tail === ""
            ? outcome.stderr
            : concatBytes([encoder.encode(warning), outcome.stderr, encoder.encode(tail)]),
          delayMs: outcome.delayMs,
          ...(outcome.signal !== undefined ? { signal: outcome.signal } : {}),
        }
        : _text(warning + renderOutcome(outcome, scenario, { color }) + tail);
      if (spec.acceptAnswer !== undefined && !spec.acceptAnswer(answer)) {
        return { next: undefined, value: "cold" as const };
      }
      return { next, value: answer };
    });
  } catch (error) {
    return _text(renderCallError(error, trace));
  }
}

/** {@linkcode updateState}, with file system failures in words (the state stays as it was). */
function _updateState<T>(files: SessionFiles, decide: Parameters<typeof updateState<T>>[1]): T {
  try {
    return updateState(files, decide);
  } catch (error) {
    throw toFsError(error, { action: "write state file", path: files.state, hints: WRITE_HINTS });
  }
}

/**
 * Renders a failure of the intercept itself as its `cli-replay:` lines (ICPT-17, ERR-7): the
 * CLI's renderer, with an unreadable state file named and the way out.
 *
 * @param error What was thrown.
 * @param trace Whether `CLI_REPLAY_TRACE` is on (adds the stack of an internal error).
 * @returns The stderr text.
 */
export function renderCallError(error: unknown, trace: boolean): string {
  const described = describeOsError(error);
  if (described instanceof ReplayError && described.kind === "state") {
    return `cli-replay: cannot read state file "${described.path}": ${described.message}; run 'cli-replay clean' to reset the session\n`;
  }
  return renderError(described, { trace }).text;
}
