/**
 * The TTL sweep (TTL-2..6, CLEAN-7): removes expired sessions from one `.cli-replay`
 * directory, deleting only inside it.
 *
 * @module
 */
import { parseState } from "../../core/replay/state.ts";
import { fsReason } from "../fs.ts";

/** Options of {@linkcode sweepExpiredSessions}. */
export interface SweepOptions {
  /** The current time. */
  now: Date;
  /** Receives warning texts (without the `cli-replay: warning: ` prefix). */
  onWarning?: (text: string) => void;
  /**
   * Sweep only sessions of scenarios this accepts (by absolute path); intercept dirs that no
   * state references are then left alone, since nothing tells whose they are.
   * @default {undefined} (every session)
   */
  onlyScenario?: (scenarioPath: string) => boolean;
}

/** What a sweep did. */
export interface SweepResult {
  /** Expired sessions removed. */
  cleaned: number;
}

async function _remove(path: string, recursive = false): Promise<boolean> {
  try {
    await Deno.remove(path, { recursive });
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Adds to `out` the intercept dirs that the states of `stateDir` name, committed or not. */
async function _referencedInterceptDirs(stateDir: string, out: Set<string>): Promise<Set<string>> {
  try {
    for await (const entry of Deno.readDir(stateDir)) {
      if (!/^cli-replay-[0-9a-f]{16}\.(state|next\.tmp)$/.test(entry.name)) continue;
      const path = `${stateDir}/${entry.name}`;
      try {
        const dir = parseState(await Deno.readTextFile(path), path).interceptDir;
        if (dir !== undefined) out.add(dir);
      } catch { /* gone, or a partial .next.tmp */ }
    }
  } catch { /* unreadable: the first listing's references stand */ }
  return out;
}

/**
 * Whether `interceptDir` may be deleted while cleaning `stateDir` (CLEAN-7): a direct
 * child of it whose name starts with `intercept-`.
 */
export function isConfinedInterceptDir(stateDir: string, interceptDir: string): boolean {
  const prefix = `${stateDir}/`;
  if (!interceptDir.startsWith(prefix)) return false;
  const name = interceptDir.slice(prefix.length);
  return name.startsWith("intercept-") && !name.includes("/") && name !== "intercept-";
}

/**
 * Removes the expired sessions of one state directory (`.cli-replay` or where `run`/`exec`
 * put them). Requires read and write permission there.
 *
 * @param stateDir The state directory.
 * @param ttlMs The time-to-live in milliseconds.
 * @param options Time and warning sink.
 * @returns How many sessions were removed.
 */
export async function sweepExpiredSessions(
  stateDir: string,
  ttlMs: number,
  options: SweepOptions,
): Promise<SweepResult> {
  const warn = options.onWarning ?? (() => {});
  const now = options.now.getTime();
  const referenced = new Set<string>();
  const interceptDirs: string[] = [];
  let cleaned = 0;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(stateDir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { cleaned: 0 };
    warn(`cannot read directory "${stateDir}": ${fsReason(error)}`);
    return { cleaned: 0 };
  }
  for (const entry of entries) {
    if (entry.isDirectory && entry.name.startsWith("intercept-")) {
      interceptDirs.push(`${stateDir}/${entry.name}`);
    }
  }
  for (const entry of entries) {
    const m = /^(cli-replay-[0-9a-f]{16})\.state$/.exec(entry.name);
    if (!m || !entry.isFile) continue;
    const path = `${stateDir}/${entry.name}`;
    let state;
    try {
      state = parseState(await Deno.readTextFile(path), path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      warn(
        `cannot read state file ${entry.name}: ${error instanceof Error ? error.message : error}`,
      );
      continue;
    }
    if (state.interceptDir !== undefined) referenced.add(state.interceptDir);
    if (options.onlyScenario !== undefined && !options.onlyScenario(state.scenarioPath)) continue;
    const last = Date.parse(state.lastUpdated);
    if (last > now) {
      warn(
        `state file ${entry.name} has future last_updated (${state.lastUpdated}), treating as active`,
      );
      continue;
    }
    if (now - last <= ttlMs) continue;
    try {
      if (state.interceptDir !== undefined) {
        if (isConfinedInterceptDir(stateDir, state.interceptDir)) {
          await _remove(state.interceptDir, true);
        } else {
          warn(
            `ignoring intercept_dir "${state.interceptDir}" in ${entry.name}: outside ${stateDir}`,
          );
        }
      }
      const base = `${stateDir}/${m[1]}`;
      await _remove(path);
      await _remove(`${base}.compiled.json`);
      for (const e of entries) {
        if (e.name.startsWith(`${m[1]}.`) && e.name.endsWith(".tmp")) {
          await _remove(`${stateDir}/${e.name}`);
        }
      }
      await _remove(`${base}.lock`);
      cleaned++;
    } catch (error) {
      warn(`cannot remove session ${entry.name}: ${fsReason(error)}`);
    }
  }
  // A session whose state was being committed when the directory was listed showed only its
  // .next.tmp (or nothing): look once more before calling its intercept dir an orphan.
  const orphans = interceptDirs.filter((dir) => !referenced.has(dir));
  const live = orphans.length > 0 && options.onlyScenario === undefined
    ? await _referencedInterceptDirs(stateDir, new Set(referenced))
    : referenced;
  for (const dir of orphans) {
    if (live.has(dir) || options.onlyScenario !== undefined) continue;
    try {
      const info = await Deno.lstat(dir);
      const mtime = info.mtime?.getTime() ?? now;
      if (info.isDirectory && now - mtime > ttlMs) await _remove(dir, true);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        warn(`cannot remove ${dir}: ${fsReason(error)}`);
      }
    }
  }
  return { cleaned };
}
