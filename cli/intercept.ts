/**
 * The intercept hot path (ICPT-3..18): one faked call. Imports only Deno APIs and our
 * own plain modules; the YAML parser is loaded only when the scenario was edited.
 *
 * @module
 */
import type { Scenario, SignalName, State, StepOutcome } from "../core/types.ts";
import { signalExitCode } from "../core/replay/signals.ts";
import { needsStdin, newState, stepCall } from "../core/replay/engine.ts";
import { renderDeniedTrace, renderOutcome, renderTraceLine } from "../core/report/outcome.ts";
import { decideColor, ENV, parseFlag } from "../core/env.ts";
import { formatDiagnostic } from "../core/scenario/format.ts";
import { ScenarioError, StateError } from "../core/errors.ts";
import { FileSystemError } from "../core/fs_failure.ts";
import { STATE_DIR_ENV } from "../core/session/state_dir_choice.ts";
import { absolutePath, dirnameOf, sessionFiles, sha256Hex } from "../effects/session/files.ts";
import type { SessionFiles } from "../effects/session/files.ts";
import { readCompiled, writeCompiled } from "../effects/scenario/compiled_store.ts";
import { updateState } from "../effects/session/state_store.ts";
import {
  ensureSessionStateDir,
  findSessionFiles,
  prepareStateDir,
  readStateLocationEnv,
  type StateLocationEnv,
} from "../effects/session/state_location.ts";
import { describeOsError, fsReason, toFsError } from "../effects/fs_reason.ts";

const MAX_STDIN = 1024 * 1024;
const encoder = new TextEncoder();

class InterceptError extends Error {}

/** Writes all of `data` (sync: no async stream machinery on the hot path). */
function _writeAll(stream: typeof Deno.stdout | typeof Deno.stderr, data: Uint8Array): void {
  let offset = 0;
  try {
    while (offset < data.length) offset += stream.writeSync(data.subarray(offset));
  } catch (error) {
    // ICPT-18: a closed pipe discards the rest.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

function _err(text: string): void {
  _writeAll(Deno.stderr, encoder.encode(text));
}

function _statSync(path: string): Deno.FileInfo {
  return Deno.statSync(path);
}

function _readSync(path: string): Uint8Array {
  return Deno.readFileSync(path);
}

interface InterceptArgs {
  scenario?: string;
  session?: string;
  stateDir?: string;
  argv: string[];
}

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

function _parseArgs(args: readonly string[]): InterceptArgs {
  const out: InterceptArgs = { argv: [] };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (a === "--scenario" || a === "--session" || a === "--state-dir") {
      const v = args[++i];
      if (v === undefined) throw new InterceptError(`option '${a}' needs a value`);
      if (a === "--scenario") out.scenario = v;
      else if (a === "--session") out.session = v;
      else out.stateDir = v;
    } else if (a.startsWith("--scenario=")) out.scenario = a.slice(11);
    else if (a.startsWith("--session=")) out.session = a.slice(10);
    else if (a.startsWith("--state-dir=")) out.stateDir = a.slice(12);
    else break;
  }
  out.argv = args.slice(i);
  if (out.argv.length === 0) {
    throw new InterceptError(
      "missing command after '--': usage: cli-replay __intercept [--scenario <path>] [--session <id>] [--state-dir <dir>] -- <command> [args...]",
    );
  }
  return out;
}

function _groupLayout(s: Scenario): string {
  return JSON.stringify([s.steps.length, s.groups]);
}

/** A loaded scenario and the SHA-256 of the file bytes it was compiled from. */
interface LoadedCompiled {
  scenario: Scenario;
  hash: string;
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

/** Loads the compiled scenario, recompiling from YAML only when the file changed (STATE-12). */
async function _loadScenario(
  files: SessionFiles,
  location: () => StateLocationEnv,
): Promise<LoadedCompiled> {
  let info: Deno.FileInfo;
  try {
    info = _statSync(files.scenarioPath);
  } catch (error) {
    throw new InterceptError(`cannot read scenario "${files.scenarioPath}": ${fsReason(error)}`);
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
    throw new InterceptError(`cannot read scenario "${files.scenarioPath}": ${fsReason(error)}`);
  }
  const hash = await sha256Hex(bytes);
  if (compiled !== undefined && compiled.scenarioHash === hash) {
    _writeCompiled(files, {
      scenario: compiled.scenario,
      hash,
      size: info.size,
      mtimeMs,
    });
    return { scenario: compiled.scenario, hash };
  }
  // The scenario is new or was edited: the only case that loads the YAML parser.
  const { checkScenarioText } = await import("../effects/scenario/file.ts");
  const checked = await checkScenarioText(
    new TextDecoder().decode(bytes),
    files.scenarioPath,
    files.scenarioPath,
  );
  if (!checked.ok) {
    throw new ScenarioError(
      `scenario "${files.scenarioPath}" is invalid (${checked.diagnostics.length} error(s))`,
      checked.diagnostics,
    );
  }
  const scenario = checked.scenario;
  if (compiled !== undefined && _groupLayout(compiled.scenario) !== _groupLayout(scenario)) {
    throw new InterceptError(
      `scenario "${files.scenarioPath}" changed incompatibly since the session started (steps: ${compiled.scenario.steps.length} → ${scenario.steps.length}); run 'cli-replay clean' and start a new session`,
    );
  }
  await ensureSessionStateDir(files.stateDir, files.scenarioPath, location());
  _writeCompiled(files, { scenario, hash, size: info.size, mtimeMs });
  return { scenario, hash };
}

async function _readStdin(): Promise<Uint8Array | "too-large"> {
  if (Deno.stdin.isTerminal()) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buf = new Uint8Array(64 * 1024);
  while (true) {
    let n: number | null;
    try {
      n = await Deno.stdin.read(buf);
    } catch {
      break;
    }
    if (n === null) break;
    total += n;
    if (total > MAX_STDIN) return "too-large";
    chunks.push(buf.slice(0, n));
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function _env(): Record<string, string> {
  return Deno.env.toObject();
}

/**
 * Ends this process by `signal` after the answer was written (LANG-6). The shim `exec`s the
 * intercept, so this process is the fake the caller waits for. A signal whose default action
 * ends the process does so at once; one that is ignored — SIGPIPE always (the Deno runtime
 * ignores it), SIGINT and SIGQUIT in a background job of a non-interactive shell — cannot,
 * and the fake exits with 128 + the signal's number instead, the status a shell reports for a
 * process killed by it.
 */
async function _endBy(signal: SignalName): Promise<number> {
  if (signal !== "PIPE") {
    try {
      Deno.kill(Deno.pid, `SIG${signal}`);
      for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 10));
    } catch {
      // Not delivered: exit with the status instead.
    }
  }
  return signalExitCode(signal, Deno.build.os);
}

/**
 * The session's files. A shim names its state directory (`--state-dir`), so a faked call
 * looks for nothing; called by hand, the intercept looks where `run`/`exec` would have put
 * the session, and prepares a directory when there is none yet (no-session use).
 */
async function _files(
  scenarioPath: string,
  sessionId: string,
  stateDirArg: string | undefined,
  location: () => StateLocationEnv,
): Promise<SessionFiles> {
  if (stateDirArg !== undefined && stateDirArg !== "") {
    return await sessionFiles(scenarioPath, sessionId, absolutePath(stateDirArg));
  }
  const found = await findSessionFiles(scenarioPath, sessionId, location());
  if (found !== undefined) return found;
  const prepared = await prepareStateDir(scenarioPath, location());
  return await sessionFiles(scenarioPath, sessionId, prepared.dir);
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
 * Runs one intercepted call and returns its exit code. Writes the fake's output.
 *
 * @param args The arguments after `__intercept`.
 * @returns The exit code.
 */
export async function interceptMain(args: readonly string[]): Promise<number> {
  const env = _env();
  const trace = parseFlag(env[ENV.trace]) === true;
  let parsed: InterceptArgs = { argv: [] };
  try {
    parsed = _parseArgs(args);
    const scenarioArg = parsed.scenario ?? env[ENV.scenario];
    if (scenarioArg === undefined || scenarioArg === "") {
      _err(
        "cli-replay: no scenario specified\n" +
          '  use: eval "$(cli-replay run <scenario.yaml>)"\n' +
          "  or:  export CLI_REPLAY_SCENARIO=/path/to/scenario.yaml\n",
      );
      return 1;
    }
    const sessionId = parsed.session ?? env[ENV.session] ?? "";
    let locationEnv: StateLocationEnv | undefined;
    const location = () => (locationEnv ??= readStateLocationEnv(env));
    const files = await _files(absolutePath(scenarioArg), sessionId, parsed.stateDir, location);
    const { scenario, hash: scenarioHash } = await _loadScenario(files, location);
    const argv = parsed.argv;
    const stdin = needsStdin(scenario, argv, env) ? await _readStdin() : undefined;
    const scenarioDir = dirnameOf(files.scenarioPath);
    const readFile = (path: string) =>
      Deno.readFileSync(path.startsWith("/") ? path : absolutePath(path, scenarioDir));
    let warnedMissing = false;
    const result = _updateState(files, (state: State | undefined) => {
      let current = state;
      if (current === undefined) {
        warnedMissing = sessionId !== "";
        current = newState(scenario, {
          scenarioPath: files.scenarioPath,
          scenarioHash,
          now: new Date(),
        });
      }
      if (current.totalSteps !== scenario.steps.length) {
        return {
          value: {
            outcome: {
              kind: "error",
              message:
                `scenario "${files.scenarioPath}" changed incompatibly since the session started (steps: ${current.totalSteps} → ${scenario.steps.length}); run 'cli-replay clean' and start a new session`,
            } as StepOutcome,
          },
        };
      }
      const { state: next, outcome } = stepCall(scenario, current, {
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
      return {
        // STATE-12: after a compatible edit the state refers to the new file bytes.
        next: outcome.kind === "error"
          ? undefined
          : next.scenarioHash === scenarioHash
          ? next
          : { ...next, scenarioHash },
        value: { outcome },
      };
    });
    if (warnedMissing) {
      _err(`cli-replay: warning: no state for session ${sessionId}; starting at step 1\n`);
    }
    const { outcome } = result;
    if (outcome.kind === "matched") {
      if (outcome.delayMs > 0) await new Promise((r) => setTimeout(r, outcome.delayMs));
      _writeAll(Deno.stdout, outcome.stdout);
      _writeAll(Deno.stderr, outcome.stderr);
    } else {
      const color = decideColor(
        { cliReplayColor: env[ENV.color], noColor: env.NO_COLOR },
        Deno.stderr.isTerminal(),
      );
      _err(renderOutcome(outcome, scenario, { color }));
    }
    if (trace) {
      const denied = outcome.kind === "error" ? [] : outcome.deniedVars;
      let text = "";
      for (const name of denied) text += renderDeniedTrace(name);
      text += renderTraceLine(outcome, parsed.argv);
      _err(text);
    }
    if (outcome.kind === "matched" && outcome.signal !== undefined) {
      return await _endBy(outcome.signal);
    }
    return outcome.kind === "matched" ? outcome.exitCode : 1;
  } catch (caught) {
    const error = describeOsError(caught);
    if (error instanceof ScenarioError && error.diagnostics.length > 0) {
      const lines = error.diagnostics.slice(0, 50).map((d) =>
        `cli-replay: ${formatDiagnostic(d)}\n`
      );
      const more = error.diagnostics.length > 50
        ? `cli-replay: … and ${error.diagnostics.length - 50} more\n`
        : "";
      _err(`${lines.join("")}${more}cli-replay: ${error.message.split("\n")[0]}\n`);
      return 1;
    }
    if (error instanceof StateError) {
      _err(
        `cli-replay: cannot read state file "${error.file}": ${error.message}; run 'cli-replay clean' to reset the session\n`,
      );
      return 1;
    }
    if (
      error instanceof InterceptError || error instanceof ScenarioError ||
      error instanceof FileSystemError
    ) {
      _err(`cli-replay: ${error.message}\n`);
      return 1;
    }
    if (error instanceof Error && error.name === "CliError") {
      _err(`cli-replay: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    _err(
      `cli-replay: internal error: ${message}\n  please report this with the output of CLI_REPLAY_TRACE=1\n`,
    );
    if (trace && error instanceof Error && error.stack) _err(`${error.stack}\n`);
    return 1;
  }
}
