/**
 * `cli-replay clean` (CLEAN-1..8): remove a session, every session of a scenario, or
 * expired sessions (one directory or a whole tree). Never parses the scenario.
 *
 * @module
 */
import { parseState } from "../core/replay/state.ts";
import { absolutePath, sessionFiles } from "../effects/session/files.ts";
import { removeSession } from "../effects/session/remove.ts";
import { removeStateFiles } from "../effects/session/state_store.ts";
import { isConfinedInterceptDir, sweepExpiredSessions } from "../effects/session/ttl_sweep.ts";
import { fsReason } from "../effects/fs.ts";
import {
  findStateDirs,
  otherStateDirs,
  readStateLocationEnv,
} from "../effects/session/state_location.ts";
import { ReplayError } from "../core/errors.ts";
import { parseDurationFlag, scenarioArgOrEnv, sessionFlagOrEnv } from "./flags.ts";
import { warn, writeErr } from "./output.ts";

/** Flags of `clean`. */
export interface CleanFlags {
  /** `--ttl`. */
  ttl?: string;
  /** `--recursive`. */
  recursive?: boolean;
  /** `--session`. */
  session?: string;
}

const SKIPPED = new Set([".git", "node_modules", "vendor", ".terraform", "__pycache__"]);

async function _walk(
  dir: string,
  visit: (stateDir: string) => Promise<void>,
  counter: { dirs: number },
): Promise<void> {
  counter.dirs++;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return; // unreadable directories are skipped silently (CLEAN-6)
  }
  for (const entry of entries) {
    if (!entry.isDirectory || entry.isSymlink) continue;
    const path = dir === "/" ? `/${entry.name}` : `${dir}/${entry.name}`;
    if (entry.name === ".cli-replay") await visit(path);
    else if (!SKIPPED.has(entry.name)) await _walk(path, visit, counter);
  }
}

/**
 * Runs `cli-replay clean`.
 *
 * @param arg The scenario (or root with `--recursive`).
 * @param flags The flags.
 * @returns The exit code.
 */
export async function cleanAction(arg: string | undefined, flags: CleanFlags): Promise<number> {
  if (flags.recursive && flags.ttl === undefined) {
    throw new ReplayError(
      "usage",
      "--recursive requires --ttl to prevent accidental deletion of all sessions",
    );
  }
  if (flags.ttl !== undefined) {
    const ttlMs = parseDurationFlag("--ttl", flags.ttl);
    if (ttlMs <= 0) throw new ReplayError("usage", `--ttl must be positive, got "${flags.ttl}"`);
    const now = new Date();
    if (flags.recursive) {
      const root = absolutePath(arg ?? ".");
      const counter = { dirs: 0 };
      let cleaned = 0;
      await _walk(root, async (stateDir) => {
        cleaned += (await sweepExpiredSessions(stateDir, ttlMs, { now, onWarning: warn })).cleaned;
      }, counter);
      // Sessions that went to the per-user directory or CLI_REPLAY_STATE_DIR: only those of
      // scenarios under the root.
      const under = root === "/" ? "/" : `${root}/`;
      for (const stateDir of await otherStateDirs(readStateLocationEnv())) {
        cleaned += (await sweepExpiredSessions(stateDir, ttlMs, {
          now,
          onWarning: warn,
          onlyScenario: (path) => path.startsWith(under),
        })).cleaned;
      }
      writeErr(
        cleaned > 0
          ? `cli-replay: scanned ${counter.dirs} directories, cleaned ${cleaned} expired sessions\n`
          : "cli-replay: no expired sessions found\n",
      );
      return 0;
    }
    const file = scenarioArgOrEnv(arg);
    let cleaned = 0;
    for (const stateDir of await findStateDirs(absolutePath(file))) {
      cleaned += (await sweepExpiredSessions(stateDir, ttlMs, { now, onWarning: warn })).cleaned;
    }
    writeErr(
      cleaned > 0
        ? `cli-replay: cleaned ${cleaned} expired sessions for ${file}\n`
        : "cli-replay: no expired sessions found\n",
    );
    return 0;
  }
  const file = scenarioArgOrEnv(arg);
  const absPath = absolutePath(file);
  const sessionId = sessionFlagOrEnv(flags.session);
  const stateDirs = await findStateDirs(absPath);
  if (sessionId !== "") {
    const primary = await sessionFiles(absPath, sessionId);
    if (!isConfinedInterceptDir(primary.stateDir, primary.interceptDir)) {
      warn(`ignoring intercept dir "${primary.interceptDir}": outside ${primary.stateDir}`);
    }
    for (const dir of stateDirs) {
      const files = await sessionFiles(absPath, sessionId, dir);
      try {
        if (await removeSession(files)) {
          writeErr(`cli-replay: removed intercept dir ${files.interceptDir}\n`);
        }
      } catch (error) {
        warn(`cannot remove the session's files in ${dir}: ${fsReason(error)}`);
      }
    }
    writeErr(`cli-replay: state reset for ${file}\n`);
    return 0;
  }
  // CLEAN-4: every session of this scenario, plus the no-session state, wherever they are.
  let removed = 0;
  for (const dir of stateDirs) removed += await _removeAllSessions(dir, absPath);
  writeErr(`cli-replay: removed ${removed} session(s) for ${file}\n`);
  return 0;
}

/** CLEAN-4 in one state directory: every session of the scenario. Returns how many. */
async function _removeAllSessions(stateDir: string, absPath: string): Promise<number> {
  const noSession = await sessionFiles(absPath, "", stateDir);
  let removed = 0;
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(stateDir));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      warn(`cannot read directory "${stateDir}": ${fsReason(error)}`);
    }
  }
  for (const entry of entries) {
    const m = /^cli-replay-([0-9a-f]{16})\.state$/.exec(entry.name);
    if (!m || !entry.isFile) continue;
    const path = `${stateDir}/${entry.name}`;
    let state;
    try {
      state = parseState(await Deno.readTextFile(path), path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      if (m[1] !== noSession.key) {
        warn(`skipping unreadable state file ${entry.name}`);
        continue;
      }
    }
    if (state !== undefined && state.scenarioPath !== absPath) continue;
    if (state === undefined && m[1] !== noSession.key) continue;
    const base = `${stateDir}/cli-replay-${m[1]}`;
    const dir = state?.interceptDir;
    if (dir !== undefined) {
      if (isConfinedInterceptDir(stateDir, dir)) {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      } else {
        warn(`ignoring intercept_dir "${dir}" in ${entry.name}: outside ${stateDir}`);
      }
    }
    // Under the session's lock, like every other removal: a call committing now finishes first.
    await removeStateFiles({
      key: m[1]!,
      stateDir,
      state: `${base}.state`,
      lock: `${base}.lock`,
      compiled: `${base}.compiled.json`,
    }).catch(() => {});
    removed++;
  }
  return removed;
}
