/**
 * The intercept's cold path (ICPT-3..18): one faked call in its own process. Imports only
 * Deno APIs and our own plain modules; the YAML parser is loaded only when the scenario
 * was edited. The answer itself comes from `answerCall`, which the session server uses too.
 *
 * @module
 */
import { concatBytes } from "../core/bytes.ts";
import { writeAllSync } from "../effects/fs.ts";
import { MAX_STDIN_BYTES } from "../core/limits.ts";
import { ENV, parseFlag } from "../core/env.ts";
import { ReplayError } from "../core/errors.ts";
import type { SignalName } from "../core/types.ts";
import { signalExitCode } from "../core/replay/signals.ts";
import {
  absolutePath,
  isSessionKey,
  type SessionFiles,
  sessionFiles,
  sessionFilesOfKey,
} from "../effects/session/files.ts";
import {
  ensureSessionStateDir,
  findSessionFiles,
  prepareStateDir,
  readStateLocationEnv,
  type StateLocationEnv,
} from "../effects/session/state_location.ts";
import {
  answerCall,
  answerOrRecordCall,
  type CallSpec,
  loadCompiledScenario,
  type RealCall,
  renderCallError,
} from "../effects/intercept/answer_call.ts";

const encoder = new TextEncoder();

function _err(text: string): void {
  writeAllSync(Deno.stderr, encoder.encode(text));
}

interface InterceptArgs {
  scenario?: string;
  session?: string;
  stateDir?: string;
  /** The session's file key, given by shims with `--state-dir` (no hashing per call). */
  key?: string;
  /** `exec --record missing`: the log of calls recorded instead of failing (RECM-1). */
  recordLog?: string;
  argv: string[];
}

function _parseArgs(args: readonly string[]): InterceptArgs {
  const out: InterceptArgs = { argv: [] };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (
      a === "--scenario" || a === "--session" || a === "--state-dir" || a === "--record-log" ||
      a === "--key"
    ) {
      const v = args[++i];
      if (v === undefined) throw new ReplayError("usage", `option '${a}' needs a value`);
      if (a === "--scenario") out.scenario = v;
      else if (a === "--session") out.session = v;
      else if (a === "--record-log") out.recordLog = v;
      else if (a === "--key") {
        if (!isSessionKey(v)) {
          throw new ReplayError("usage", `option '--key' needs 16 hex digits, got '${v}'`);
        }
        out.key = v;
      } else out.stateDir = v;
    } else if (a.startsWith("--scenario=")) out.scenario = a.slice(11);
    else if (a.startsWith("--session=")) out.session = a.slice(10);
    else if (a.startsWith("--state-dir=")) out.stateDir = a.slice(12);
    else break;
  }
  out.argv = args.slice(i);
  if (out.argv.length === 0) {
    throw new ReplayError(
      "usage",
      "missing command after '--': usage: cli-replay __intercept [--scenario <path>] [--session <id>] [--state-dir <dir> [--key <hex>]] -- <command> [args...]",
    );
  }
  return out;
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
    if (total > MAX_STDIN_BYTES) return "too-large";
    chunks.push(buf.slice(0, n));
  }
  return concatBytes(chunks);
}

function _env(): Record<string, string> {
  return Deno.env.toObject();
}

/**
 * The session's files. A shim names its state directory (`--state-dir`) and the files' key
 * (`--key`), so a faked call looks for nothing and hashes nothing; called by hand, the
 * intercept looks where `run`/`exec` would have put the session, and prepares a directory
 * when there is none yet (no-session use).
 */
async function _files(
  scenarioPath: string,
  sessionId: string,
  stateDirArg: string | undefined,
  key: string | undefined,
  location: () => StateLocationEnv,
): Promise<SessionFiles> {
  if (stateDirArg !== undefined && stateDirArg !== "") {
    const dir = absolutePath(stateDirArg);
    if (key !== undefined) return sessionFilesOfKey(scenarioPath, sessionId, dir, key);
    return await sessionFiles(scenarioPath, sessionId, dir);
  }
  const found = await findSessionFiles(scenarioPath, sessionId, location());
  if (found !== undefined) return found;
  const prepared = await prepareStateDir(scenarioPath, location());
  return await sessionFiles(scenarioPath, sessionId, prepared.dir);
}

/**
 * `exec --record missing` (RECM-1): runs the real command for a call that matched no step,
 * found on `PATH` without the intercept dir, with this call's stdin, environment and working
 * directory; its output goes to the caller as it comes, and the call is logged with the place
 * its new step goes. The real command is loaded only now: most calls never need it.
 */
async function _recordReal(
  argv: readonly string[],
  call: RealCall,
  log: string,
  files: SessionFiles,
): Promise<number> {
  if (call.stdin === "too-large") {
    throw new ReplayError(
      "record",
      `cannot record "${argv[0]}": its stdin exceeded 1 MiB and was not kept for the real command`,
    );
  }
  const { execRecordShim } = await import("../effects/record/shim.ts");
  const outcome = await execRecordShim({
    log,
    shimDir: files.interceptDir,
    argv,
    hideShimDir: true,
    insert: call.insert,
    ...(call.stdin !== undefined ? { stdin: call.stdin } : {}),
  });
  if (outcome.kind === "not-found") {
    _err(
      `cli-replay: command not found: ${outcome.command} (a call that matches no step runs the real command, and there is none on PATH)\n`,
    );
    return 127;
  }
  if (outcome.logError !== undefined) {
    _err(`cli-replay: warning: cannot record the call of "${argv[0]}": ${outcome.logError}\n`);
  }
  return outcome.exitCode;
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
 * Runs one intercepted call and returns its exit code. Writes the fake's output.
 *
 * @param args The arguments after `__intercept`.
 * @returns The exit code.
 */
export async function interceptMain(args: readonly string[]): Promise<number> {
  const env = _env();
  const trace = parseFlag(env[ENV.trace]) === true;
  try {
    const parsed = _parseArgs(args);
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
    const files = await _files(
      absolutePath(scenarioArg),
      sessionId,
      parsed.stateDir,
      parsed.key,
      location,
    );
    const spec: CallSpec = {
      files,
      sessionId,
      argv: parsed.argv,
      env,
      stderrIsTerminal: Deno.stderr.isTerminal(),
      readStdin: _readStdin,
      loadScenario: (f) =>
        loadCompiledScenario(f, {
          importChecker: () => import("../effects/scenario/file.ts"),
          ensureStateDir: () => ensureSessionStateDir(f.stateDir, f.scenarioPath, location()),
        }),
    };
    const recordLog = parsed.recordLog;
    const answer = recordLog === undefined
      ? await answerCall(spec)
      : await answerOrRecordCall(spec);
    if (answer === "cold") return 1; // no hook declines on this path
    if ("kind" in answer) return await _recordReal(parsed.argv, answer, recordLog!, files);
    if (answer.delayMs > 0) await new Promise((r) => setTimeout(r, answer.delayMs));
    writeAllSync(Deno.stdout, answer.stdout);
    writeAllSync(Deno.stderr, answer.stderr);
    if (answer.signal !== undefined) return await _endBy(answer.signal);
    return answer.exitCode;
  } catch (error) {
    _err(renderCallError(error, trace));
    return 1;
  }
}
