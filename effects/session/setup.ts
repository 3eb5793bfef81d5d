/**
 * Starting and removing a replay session (RUN-1 steps 2–8, EXEC-2 Setup and Cleanup):
 * checks, `.cli-replay`, intercept dir with shims, compiled scenario and fresh state.
 * Anything created is removed again when a later step fails.
 *
 * @module
 */
import { removeSession, removeTree } from "./remove.ts";
import { DEFAULT_MAX_DELAY, DEFAULT_MAX_DELAY_MS } from "../../core/limits.ts";
import type { Scenario } from "../../core/types.ts";
import { newState } from "../../core/replay/engine.ts";
import {
  effectiveAllowlist,
  findAllowlistViolations,
  renderAllowlistViolation,
} from "../../core/session/allowlist.ts";
import { formatDiagnostic } from "../../core/scenario/format.ts";
import { ReplayError } from "../../core/errors.ts";
import type { LoadedScenario } from "../scenario/file.ts";
import { newSessionId, type SessionFiles, sessionFiles } from "./files.ts";
import { STATE_DIR_HINTS } from "./state_dir.ts";
import { prepareStateDir, readStateLocationEnv, type StateLocationEnv } from "./state_location.ts";
import { createFile, toFsError } from "../fs.ts";
import { removeStateFiles, writeState } from "./state_store.ts";
import { writeCompiled } from "../scenario/compiled_store.ts";
import { selfCommand } from "./self_command.ts";
import { renderShim } from "../../core/session/shell.ts";
import { createRecordingLog } from "../record/log.ts";
import { sweepExpiredSessions } from "./ttl_sweep.ts";
import { planShims } from "../server/shim_plan.ts";

/** Name of the log of `--record missing` in the intercept dir (not executable: no command). */
const RECORD_LOG_NAME = ".recorded.jsonl";

/** Options of {@linkcode setupSession}. */
export interface SetupOptions {
  /** `--allowed-commands`, parsed. @default {[]} */
  allowedCommands?: readonly string[];
  /** `--max-delay` in ms; 0 = no cap. @default {300000} */
  maxDelayMs?: number;
  /** `--max-delay` as written, for messages. @default {"5m"} */
  maxDelay?: string;
  /** Receives warnings and status lines. @default {() => {}} */
  onMessage?: (line: string) => void;
  /** Current time. @default {new Date()} */
  now?: Date;
  /** Where session files may go. @default {readStateLocationEnv()} */
  locationEnv?: StateLocationEnv;
  /**
   * Whether the caller will host a session server: the shims are then bash shims with a
   * secret (SRV-2), unless bash is missing, `CLI_REPLAY_SERVER=0`, or `recordMissing` is
   * given. @default {false}
   */
  server?: boolean;
  /**
   * `exec --record missing` (RECM-1): these commands get shims whose calls that match no
   * step run the real command and are logged to {@linkcode ReplaySession.recordLog}. Such a
   * session takes the cold path for every call: a fake that runs a real command needs the
   * caller's stdin, environment and working directory, which only the fake process has.
   * @default {undefined} (replay only)
   */
  recordMissing?: readonly string[];
}

/** A session that was set up. */
export interface ReplaySession {
  /** The loaded scenario. */
  readonly loaded: LoadedScenario;
  /** The session's files. */
  readonly files: SessionFiles;
  /** The session id. */
  readonly sessionId: string;
  /** The self command embedded in shims and the cleanup trap. */
  readonly selfCommand: readonly string[];
  /** The secret of the session server the shims ask (SRV-5); undefined: `/bin/sh` shims. */
  readonly secret?: string | undefined;
  /** The log of calls recorded by `--record missing`, in the intercept dir. */
  readonly recordLog?: string;
}

/** Parses `--allowed-commands`: comma-separated, trimmed, empty items dropped. */
export function parseCommandList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * Checks delays against `--max-delay` and the allowlist (RUN-1 step 4, RUN-12, SEC-2).
 *
 * @throws {ReplayError} With every violation.
 */
export function checkSessionRules(loaded: LoadedScenario, options: SetupOptions): void {
  const scenario = loaded.scenario;
  const cap = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const problems: string[] = [];
  if (cap > 0) {
    for (const step of scenario.steps) {
      if (step.respond.delayMs > cap) {
        const path = `${step.yamlPath}.respond.delay`;
        const pos = loaded.positions.get(path);
        problems.push(
          `cli-replay: ${
            formatDiagnostic({
              file: loaded.file,
              line: pos?.line ?? 0,
              column: pos?.column ?? 0,
              path,
              message: `${step.respond.delay} exceeds --max-delay ${
                options.maxDelay ?? DEFAULT_MAX_DELAY
              }`,
              severity: "error",
            })
          }`,
        );
      }
    }
  }
  const allow = effectiveAllowlist(scenario.meta.allowedCommands, options.allowedCommands ?? []);
  for (const v of findAllowlistViolations(scenario, allow)) {
    problems.push(renderAllowlistViolation(v, scenario, allow ?? []).trimEnd());
  }
  if (problems.length > 0) throw new ReplayError("session", problems.join("\n"));
}

/**
 * Creates a session: checks, `.cli-replay`, TTL sweep, intercept dir with one shim per
 * command, compiled scenario, fresh state. Requires read, write and env permissions.
 *
 * @param loaded The validated scenario.
 * @param options Flags.
 * @returns The session.
 * @throws {ReplayError} On a rule violation.
 * @throws {ReplayError} When the session files cannot be written (unsafe state directory,
 * full disk, …); what was created is removed again.
 */
export async function setupSession(
  loaded: LoadedScenario,
  options: SetupOptions = {},
): Promise<ReplaySession> {
  checkSessionRules(loaded, options);
  const scenario: Scenario = loaded.scenario;
  const location = await prepareStateDir(
    loaded.absPath,
    options.locationEnv ?? readStateLocationEnv(),
  );
  if (location.notice !== undefined) options.onMessage?.(`cli-replay: ${location.notice}`);
  if (scenario.meta.ttlMs !== undefined) {
    const swept = await sweepExpiredSessions(location.dir, scenario.meta.ttlMs, {
      now: options.now ?? new Date(),
      onWarning: (w) => options.onMessage?.(`cli-replay: warning: ${w}`),
    });
    if (swept.cleaned > 0) {
      options.onMessage?.(`cli-replay: cleaned ${swept.cleaned} expired sessions`);
    }
  }
  const sessionId = newSessionId();
  const files = await sessionFiles(loaded.absPath, sessionId, location.dir);
  const self = selfCommand({ mode: "intercept", writeDir: files.stateDir });
  const recorded = new Set(options.recordMissing ?? []);
  const recordLog = recorded.size > 0 ? `${files.interceptDir}/${RECORD_LOG_NAME}` : undefined;
  // SRV-2: bash shims with a secret when a server will answer, else /bin/sh shims; a session
  // that records missing calls takes the cold path (RECM-1).
  const shims = planShims({
    scenario,
    scenarioPath: files.scenarioPath,
    sessionId,
    interceptDir: files.interceptDir,
    selfCommand: self,
    stateDir: files.stateDir,
    key: files.key,
  }, (options.server ?? false) && recordLog === undefined);
  const render = (command: string) =>
    recordLog !== undefined && recorded.has(command)
      ? renderShim({
        command,
        selfCommand: selfCommand({ mode: "intercept", writeDir: files.stateDir, allowRun: true }),
        scenarioPath: files.scenarioPath,
        sessionId,
        stateDir: files.stateDir,
        key: files.key,
        recordLog,
      })
      : shims.render(command);
  let created = false;
  const step = async (action: string, path: string, work: () => unknown) => {
    try {
      await work();
    } catch (error) {
      throw toFsError(error, { action, path, hints: STATE_DIR_HINTS });
    }
  };
  try {
    await step("create intercept directory", files.interceptDir, async () => {
      await Deno.mkdir(files.interceptDir, { mode: 0o700 });
      created = true;
      await Deno.chmod(files.interceptDir, 0o700);
    });
    for (const command of new Set([...scenario.commands, ...recorded])) {
      const shimPath = `${files.interceptDir}/${command}`;
      await step("write shim", shimPath, async () => {
        createFile(shimPath, render(command), 0o700);
        await Deno.chmod(shimPath, 0o700);
      });
    }
    if (recordLog !== undefined) {
      await step("create recording log", recordLog, () => createRecordingLog(recordLog));
    }
    for (const [name, text] of Object.entries(shims.files)) {
      const path = `${files.interceptDir}/${name}`;
      await step(
        "write shim",
        path,
        () => createFile(path, text, 0o600),
      );
    }
    await step("write compiled scenario", files.compiled, () =>
      writeCompiled(files.compiled, {
        scenario,
        hash: loaded.hash,
        size: loaded.size,
        mtimeMs: loaded.mtimeMs,
      }));
    await step("write state file", files.state, () =>
      writeState(
        files.state,
        newState(scenario, {
          scenarioPath: files.scenarioPath,
          scenarioHash: loaded.hash,
          now: options.now ?? new Date(),
          interceptDir: files.interceptDir,
        }),
      ));
  } catch (error) {
    if (created) await removeTree(files.interceptDir).catch(() => {});
    await removeStateFiles(files).catch(() => {});
    throw error;
  }
  return {
    loaded,
    files,
    sessionId,
    selfCommand: selfCommand({ mode: "full" }),
    secret: shims.secret,
    ...(recordLog !== undefined ? { recordLog } : {}),
  };
}

export { removeSession };
