/**
 * Where a scenario's session files go (STATE-1): `.cli-replay` beside the scenario when the
 * user can keep files there, else a private per-user directory under the system temp dir,
 * or the directory `CLI_REPLAY_STATE_DIR` names. Pure: the effect side probes the disk and
 * passes what it found.
 *
 * @module
 */
import { dirnameOf } from "../path.ts";

/** Name of the state directory beside a scenario. */
export const STATE_DIR_NAME = ".cli-replay";

/** The environment variable that chooses the state directory explicitly. */
export const STATE_DIR_ENV = "CLI_REPLAY_STATE_DIR";

/**
 * `<scenario dir>/.cli-replay`.
 *
 * @param scenarioPath The scenario's absolute path.
 * @returns The state directory beside it.
 */
export function primaryStateDir(scenarioPath: string): string {
  const dir = dirnameOf(scenarioPath);
  return dir === "/" ? `/${STATE_DIR_NAME}` : `${dir}/${STATE_DIR_NAME}`;
}

/**
 * The system temp dir from `$TMPDIR`: `/tmp` when unset, empty or relative; no trailing slash.
 *
 * @param tmpdirEnv The value of `TMPDIR`.
 * @returns An absolute directory.
 */
export function systemTempDir(tmpdirEnv: string | undefined): string {
  if (tmpdirEnv === undefined || !tmpdirEnv.startsWith("/")) return "/tmp";
  const trimmed = tmpdirEnv.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/** The per-user fallback location of one scenario. */
export interface FallbackDir {
  /** `<tmp>/cli-replay-<uid>`: private to the user (mode 0700). */
  base: string;
  /** `<base>/<scenario key>`: the scenario's state directory. */
  dir: string;
}

/**
 * The per-user fallback directory for a scenario: `<tmp>/cli-replay-<uid>/<scenario key>`,
 * where the key is the no-session key of the scenario (STATE-3: SHA-256 of its absolute path).
 *
 * @param tmpDir The system temp dir ({@linkcode systemTempDir}).
 * @param uid The current user id (`null` where the platform has none).
 * @param scenarioKey The scenario's 16-hex no-session key.
 * @returns The base and the scenario's directory.
 */
export function fallbackStateDir(
  tmpDir: string,
  uid: number | null,
  scenarioKey: string,
): FallbackDir {
  const base = `${tmpDir === "/" ? "" : tmpDir}/cli-replay-${uid ?? "user"}`;
  return { base, dir: `${base}/${scenarioKey}` };
}

/** What `lstat` says about an existing directory. */
export interface DirFacts {
  /** It is a symbolic link (not followed). */
  isSymlink: boolean;
  /** It is a directory. */
  isDirectory: boolean;
  /** Its owner, when the platform reports one. */
  uid: number | null;
  /** Its permission bits, when the platform reports them. */
  mode: number | null;
}

/** The verdict on an existing directory cli-replay wants to keep files in. */
export type DirVerdict =
  | { kind: "ok" }
  | { kind: "foreign"; ownerUid: number }
  | { kind: "unsafe"; reason: string };

/**
 * Judges an existing directory (STATE-1, SEC-6): another user's directory is `foreign`; a
 * symbolic link, a non-directory or a group- or world-writable directory is `unsafe`.
 *
 * @param facts What `lstat` reported.
 * @param uid The current user id (`null`: ownership is not checked).
 * @returns The verdict, with a reason for `unsafe`.
 */
export function judgeDir(facts: DirFacts, uid: number | null): DirVerdict {
  if (uid !== null && facts.uid !== null && facts.uid !== uid) {
    return { kind: "foreign", ownerUid: facts.uid };
  }
  if (facts.isSymlink) return { kind: "unsafe", reason: "it is a symbolic link" };
  if (!facts.isDirectory) return { kind: "unsafe", reason: "it is not a directory" };
  if (facts.mode !== null && (facts.mode & 0o022) !== 0) {
    return {
      kind: "unsafe",
      reason: `it is writable by group or others (mode ${
        (facts.mode & 0o777).toString(8)
      }); run chmod 700 on it`,
    };
  }
  return { kind: "ok" };
}

/** What probing `.cli-replay` beside the scenario found. */
export type PrimaryProbe =
  /** It exists (or was just created), belongs to the user, is private and writable. */
  | { kind: "usable" }
  /** It could not be created, or written to: `path` is what refused, `reason` in words. */
  | { kind: "unwritable"; path: string; reason: string }
  /** It belongs to another user. */
  | { kind: "foreign"; ownerUid: number }
  /** It is the user's own, but a link, not a directory, or writable by others. */
  | { kind: "unsafe"; reason: string };

/** Inputs of {@linkcode chooseStateDir}. */
export interface StateDirInput {
  /** The scenario's absolute path. */
  scenarioPath: string;
  /** `CLI_REPLAY_STATE_DIR`, made absolute; `undefined` or `""` when unset. */
  explicitDir?: string | undefined;
  /** The system temp dir. */
  tmpDir: string;
  /** The current user id. */
  uid: number | null;
  /** The scenario's 16-hex no-session key (STATE-3). */
  scenarioKey: string;
  /** What probing `.cli-replay` found; leave it out to learn whether a probe is needed. */
  primary?: PrimaryProbe;
}

/** Where the session files go, and why. */
export type StateDirChoice =
  /** `CLI_REPLAY_STATE_DIR` names the directory. */
  | { kind: "explicit"; dir: string }
  /** Probe `dir` (`.cli-replay` beside the scenario), then ask again with `primary`. */
  | { kind: "probe"; dir: string }
  /** `.cli-replay` beside the scenario. */
  | { kind: "beside"; dir: string }
  /** The per-user directory under the temp dir; `notice` is the line that says so. */
  | { kind: "fallback"; dir: string; base: string; notice: string }
  /** `.cli-replay` is the user's own but unsafe: the message of the error. */
  | { kind: "unsafe"; dir: string; message: string };

function _explicit(input: StateDirInput): string | undefined {
  return input.explicitDir === undefined || input.explicitDir === ""
    ? undefined
    : input.explicitDir;
}

/**
 * Decides where a new session's files go: the explicit directory when one is set; else
 * `.cli-replay` beside the scenario when it is usable; else, when the user cannot keep files
 * there (not writable, read-only, another user's), the per-user fallback directory. A
 * `.cli-replay` that is the user's own but unsafe stays an error: the user can fix it.
 *
 * @example Usage
 * ```ts ignore
 * const input = { scenarioPath: "/ro/s.yaml", tmpDir: "/tmp", uid: 1000, scenarioKey: "0123456789abcdef" };
 * chooseStateDir(input).kind; // "probe": look at /ro/.cli-replay first
 * chooseStateDir({ ...input, primary: { kind: "unwritable", path: "/ro", reason: "permission denied" } }).dir;
 * // "/tmp/cli-replay-1000/0123456789abcdef"
 * ```
 *
 * @param input The scenario, the environment and what the probe found.
 * @returns The choice.
 */
export function chooseStateDir(input: StateDirInput): StateDirChoice {
  const explicit = _explicit(input);
  if (explicit !== undefined) return { kind: "explicit", dir: explicit };
  const primary = primaryStateDir(input.scenarioPath);
  const probe = input.primary;
  if (probe === undefined) return { kind: "probe", dir: primary };
  if (probe.kind === "usable") return { kind: "beside", dir: primary };
  if (probe.kind === "unsafe") {
    return {
      kind: "unsafe",
      dir: primary,
      message: `unsafe state directory "${primary}": ${probe.reason}`,
    };
  }
  const fallback = fallbackStateDir(input.tmpDir, input.uid, input.scenarioKey);
  const why = probe.kind === "foreign"
    ? `"${primary}" belongs to uid ${probe.ownerUid}, not to you (uid ${input.uid ?? "?"})`
    : probe.reason === "read-only file system"
    ? `"${probe.path}" is on a read-only file system`
    : `"${probe.path}" is not writable (${probe.reason})`;
  return {
    kind: "fallback",
    dir: fallback.dir,
    base: fallback.base,
    notice:
      `${why}; session files go to "${fallback.dir}" (set ${STATE_DIR_ENV} to choose the directory)`,
  };
}

/**
 * The directories where an existing session of the scenario may be, in the order to look:
 * only the explicit directory when `CLI_REPLAY_STATE_DIR` is set, else `.cli-replay` beside
 * the scenario, then the per-user fallback. `verify`, `clean` and a fake called without a
 * shim look there, so they find a session wherever `run`/`exec` put it.
 *
 * @param input The scenario and the environment (`primary` is ignored).
 * @returns One or two absolute directories.
 */
export function stateDirCandidates(input: StateDirInput): string[] {
  const explicit = _explicit(input);
  if (explicit !== undefined) return [explicit];
  return [
    primaryStateDir(input.scenarioPath),
    fallbackStateDir(input.tmpDir, input.uid, input.scenarioKey).dir,
  ];
}
