/**
 * Finding and preparing the directory of a scenario's session files. `run`/`exec` decide it
 * once ({@linkcode prepareStateDir}) and embed it in the shims; `verify`, `clean` and a fake
 * called without a shim look for the session in the same places, in the same order
 * ({@linkcode findStateDirs}), so they find it wherever it went. The decisions are core's
 * (`core/session/state_dir_choice.ts`).
 *
 * @module
 */
import {
  chooseStateDir,
  fallbackStateDir,
  primaryStateDir,
  STATE_DIR_ENV,
  stateDirCandidates,
  type StateDirInput,
  systemTempDir,
} from "../../core/session/state_dir_choice.ts";
import { ReplayError } from "../../core/errors.ts";
import { absolutePath, type SessionFiles, sessionFiles, sha256Hex } from "./files.ts";
import { ensurePrivateDir, ensureStateDir, probePrimaryStateDir } from "./state_dir.ts";
import { hasState } from "./state_store.ts";

/** The parts of the environment that decide where session files go. */
export interface StateLocationEnv {
  /** `CLI_REPLAY_STATE_DIR`, made absolute; `undefined` when unset or empty. */
  explicitDir: string | undefined;
  /** The system temp dir (`$TMPDIR`, else `/tmp`). */
  tmpDir: string;
  /** The current user id. */
  uid: number | null;
}

/**
 * Reads `CLI_REPLAY_STATE_DIR`, `TMPDIR` and the user id. Requires `--allow-env` and
 * `--allow-sys=uid`.
 *
 * @param env The environment to read. @default {Deno.env.toObject()}
 * @returns The location environment.
 */
export function readStateLocationEnv(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): StateLocationEnv {
  const explicit = env[STATE_DIR_ENV];
  return {
    explicitDir: explicit === undefined || explicit === "" ? undefined : absolutePath(explicit),
    tmpDir: systemTempDir(env.TMPDIR),
    uid: Deno.uid(),
  };
}

async function _input(scenarioPath: string, env: StateLocationEnv): Promise<StateDirInput> {
  return {
    scenarioPath,
    explicitDir: env.explicitDir,
    tmpDir: env.tmpDir,
    uid: env.uid,
    scenarioKey: (await sha256Hex(scenarioPath)).slice(0, 16),
  };
}

/** The state directory of a new session. */
export interface PreparedStateDir {
  /** The directory (it exists, is private and the user's own). */
  dir: string;
  /** Why it is there: explicit (`CLI_REPLAY_STATE_DIR`), beside the scenario, or fallback. */
  kind: "explicit" | "beside" | "fallback";
  /** For the fallback: the line that says where the files went and why. */
  notice?: string;
}

/**
 * Decides and prepares the state directory of a new session (`run`, `exec`,
 * `runWithScenario`): `CLI_REPLAY_STATE_DIR`; else `.cli-replay` beside the scenario; else,
 * when that cannot hold the user's files, `$TMPDIR/cli-replay-<uid>/<scenario key>`. Requires
 * `--allow-read`, `--allow-write`, `--allow-env` and `--allow-sys=uid`.
 *
 * @param scenarioPath The scenario's absolute path.
 * @param env Where to look.
 * @returns The directory.
 * @throws {ReplayError} When no directory can be used (unsafe, full disk, …).
 */
export async function prepareStateDir(
  scenarioPath: string,
  env: StateLocationEnv = readStateLocationEnv(),
): Promise<PreparedStateDir> {
  const input = await _input(scenarioPath, env);
  let choice = chooseStateDir(input);
  if (choice.kind === "probe") {
    choice = chooseStateDir({ ...input, primary: await probePrimaryStateDir(choice.dir) });
  }
  switch (choice.kind) {
    case "explicit":
      await ensurePrivateDir(choice.dir, { parents: true });
      return { dir: choice.dir, kind: "explicit" };
    case "beside":
      return { dir: choice.dir, kind: "beside" };
    case "fallback":
      await ensurePrivateDir(choice.base);
      await ensurePrivateDir(choice.dir);
      return { dir: choice.dir, kind: "fallback", notice: choice.notice };
    case "unsafe":
      throw new ReplayError("filesystem", choice.message, { path: choice.dir, fsKind: "unsafe" });
    default:
      throw new Error(`unexpected state directory choice "${choice.kind}"`);
  }
}

/**
 * Recreates a session's state directory if it went away (a fake whose session was cleaned,
 * after the scenario was edited). Requires the permissions of {@linkcode prepareStateDir}.
 *
 * @param stateDir The directory the session uses.
 * @param scenarioPath The scenario's absolute path.
 * @param env Where the fallback lives.
 * @throws {ReplayError} When it is unsafe or cannot be created.
 */
export async function ensureSessionStateDir(
  stateDir: string,
  scenarioPath: string,
  env: StateLocationEnv,
): Promise<void> {
  if (stateDir === primaryStateDir(scenarioPath)) return await ensureStateDir(stateDir);
  const input = await _input(scenarioPath, env);
  const fallback = fallbackStateDir(input.tmpDir, input.uid, input.scenarioKey);
  if (stateDir === fallback.dir) {
    await ensurePrivateDir(fallback.base);
    await ensurePrivateDir(fallback.dir);
    return;
  }
  await ensurePrivateDir(stateDir, { parents: true });
}

/** Whether `dir` is an existing real directory owned by the current user. */
async function _ownDir(dir: string, uid: number | null): Promise<boolean> {
  try {
    const info = await Deno.lstat(dir);
    return info.isDirectory && !info.isSymlink &&
      (uid === null || info.uid === null || info.uid === uid);
  } catch {
    return false;
  }
}

/**
 * The existing state directories of a scenario that belong to the user, in lookup order
 * (`CLI_REPLAY_STATE_DIR` alone when set; else `.cli-replay` beside the scenario, then the
 * per-user fallback). Requires `--allow-read`, `--allow-env` and `--allow-sys=uid`.
 *
 * @param scenarioPath The scenario's absolute path.
 * @param env Where to look.
 * @returns Zero to two directories.
 */
export async function findStateDirs(
  scenarioPath: string,
  env: StateLocationEnv = readStateLocationEnv(),
): Promise<string[]> {
  const out: string[] = [];
  for (const dir of stateDirCandidates(await _input(scenarioPath, env))) {
    if (await _ownDir(dir, env.uid)) out.push(dir);
  }
  return out;
}

/**
 * The files of an existing session wherever `run`/`exec` put them: the first state directory
 * of {@linkcode findStateDirs} that holds the session's state file.
 *
 * @param scenarioPath The scenario's absolute path.
 * @param sessionId The session id, `""` for none.
 * @param env Where to look.
 * @returns The session's files, or `undefined` when there is no such session.
 */
export async function findSessionFiles(
  scenarioPath: string,
  sessionId: string,
  env: StateLocationEnv = readStateLocationEnv(),
): Promise<SessionFiles | undefined> {
  for (const dir of await findStateDirs(scenarioPath, env)) {
    const files = await sessionFiles(scenarioPath, sessionId, dir);
    if (hasState(files)) return files;
  }
  return undefined;
}

/**
 * Like {@linkcode findSessionFiles}, but when there is no such session, the files in the first
 * candidate directory (where a session would be looked for first), for messages.
 *
 * @param scenarioPath The scenario's absolute path.
 * @param sessionId The session id, `""` for none.
 * @param env Where to look.
 * @returns The session's files.
 */
export async function locateSessionFiles(
  scenarioPath: string,
  sessionId: string,
  env: StateLocationEnv = readStateLocationEnv(),
): Promise<SessionFiles> {
  const found = await findSessionFiles(scenarioPath, sessionId, env);
  if (found !== undefined) return found;
  const first = stateDirCandidates(await _input(scenarioPath, env))[0]!;
  return await sessionFiles(scenarioPath, sessionId, first);
}

/**
 * State directories outside any scenario's directory, for `clean --ttl --recursive`: the
 * explicit directory when `CLI_REPLAY_STATE_DIR` is set, else every scenario directory under
 * the user's fallback base. Only the user's own real directories are listed. Requires
 * `--allow-read` and `--allow-sys=uid`.
 *
 * @param env Where to look.
 * @returns The directories.
 */
export async function otherStateDirs(env: StateLocationEnv): Promise<string[]> {
  if (env.explicitDir !== undefined) {
    return await _ownDir(env.explicitDir, env.uid) ? [env.explicitDir] : [];
  }
  const { base } = fallbackStateDir(env.tmpDir, env.uid, "");
  if (!await _ownDir(base, env.uid)) return [];
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(base)) {
      if (!/^[0-9a-f]{16}$/.test(entry.name)) continue;
      const dir = `${base}/${entry.name}`;
      if (await _ownDir(dir, env.uid)) out.push(dir);
    }
  } catch { /* unreadable: nothing to sweep */ }
  return out.sort();
}
