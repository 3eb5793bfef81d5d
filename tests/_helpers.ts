/**
 * Shared helpers for the integration tests: temp directories, spawning the real CLI,
 * writing scenarios and running scripts in real shells (STYLE.md section 3).
 *
 * Everything here spawns real processes; nothing is mocked. Child processes get a
 * sanitised copy of this process's environment ({@linkcode baseEnv}): inherited
 * `CLI_REPLAY_*` variables are dropped (so an outer session never leaks into a test) and
 * `NO_COLOR=1` keeps reports free of escape codes. `CLI_REPLAY_SERVER` is kept: the
 * integration tests run once with the session server and once with `CLI_REPLAY_SERVER=0`
 * (SRV-3).
 *
 * @module
 */

/** Absolute path of the CLI entry point under test (`cli.ts` at the repository root). */
export const CLI: string = decodeURIComponent(new URL("../cli.ts", import.meta.url).pathname);

/** Absolute path of the repository root. */
export const ROOT: string = decodeURIComponent(new URL("../", import.meta.url).pathname)
  .replace(/\/$/, "");

/** What a finished process produced. */
export interface ProcessResult {
  /** Exit code (128 + N when killed by signal N, as Deno reports it). */
  code: number;
  /** The signal that killed the process, or null. */
  signal: Deno.Signal | null;
  /** Everything written to stdout, decoded as UTF-8. */
  stdout: string;
  /** Everything written to stderr, decoded as UTF-8. */
  stderr: string;
}

/** Options shared by {@linkcode cli}, {@linkcode runScript} and {@linkcode runFile}. */
export interface SpawnOptions {
  /** Working directory. @default {Deno.cwd()} */
  cwd?: string;
  /** Variables added to (or, with `undefined`, removed from) the base environment. */
  env?: Record<string, string | undefined>;
  /** Text written to stdin; stdin is `/dev/null` when absent. */
  stdin?: string | Uint8Array;
}

const decoder = new TextDecoder();

/**
 * The environment children start from: this process's environment without any
 * `CLI_REPLAY_*` variable, with `NO_COLOR=1`, then `extra` applied (`undefined` removes).
 *
 * @param extra Variables to set or remove.
 * @returns A fresh object.
 */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (!k.startsWith("CLI_REPLAY_") || k === "CLI_REPLAY_SERVER") env[k] = v;
  }
  env.NO_COLOR = "1";
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** What {@linkcode runFileBytes} returns: the exit status and the raw output bytes. */
export interface ProcessBytes {
  /** Exit code. */
  code: number;
  /** The signal that ended it, if one did. */
  signal: Deno.Signal | null;
  /** Stdout bytes. */
  stdout: Uint8Array;
  /** Stderr bytes. */
  stderr: Uint8Array;
}

/**
 * Spawns any program with the sanitised environment and collects its output as bytes.
 *
 * @param program Executable (looked up on `PATH` when it has no `/`).
 * @param args Its arguments.
 * @param opts Working directory, environment and stdin.
 * @returns Exit code, signal, stdout and stderr bytes.
 */
export async function runFileBytes(
  program: string,
  args: readonly string[],
  opts: SpawnOptions = {},
): Promise<ProcessBytes> {
  const child = new Deno.Command(program, {
    args: [...args],
    clearEnv: true,
    env: baseEnv(opts.env),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    const bytes = typeof opts.stdin === "string"
      ? new TextEncoder().encode(opts.stdin)
      : opts.stdin;
    // The child may exit without reading its stdin; that is not the test's concern.
    await writer.write(bytes).catch(() => {});
    await writer.close().catch(() => {});
  }
  const out = await child.output();
  return { code: out.code, signal: out.signal, stdout: out.stdout, stderr: out.stderr };
}

/**
 * Spawns any program with the sanitised environment and collects its output as text.
 *
 * @param program Executable (looked up on `PATH` when it has no `/`).
 * @param args Its arguments.
 * @param opts Working directory, environment and stdin.
 * @returns Exit code, signal, stdout and stderr.
 */
export async function runFile(
  program: string,
  args: readonly string[],
  opts: SpawnOptions = {},
): Promise<ProcessResult> {
  const out = await runFileBytes(program, args, opts);
  return {
    code: out.code,
    signal: out.signal,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** The words that run the CLI under test: `[deno, "run", "-A", cli.ts]`. */
export const CLI_COMMAND: readonly string[] = [Deno.execPath(), "run", "-A", CLI];

/**
 * Runs `deno run -A cli.ts <args>` as a real process.
 *
 * @example Usage
 * ```ts ignore
 * const { code, stderr } = await cli(["verify", "s.yaml"], { cwd: dir.path });
 * ```
 *
 * @param args Arguments after `cli.ts`.
 * @param opts Working directory, environment and stdin.
 * @returns Exit code, signal, stdout and stderr.
 */
export function cli(args: readonly string[], opts: SpawnOptions = {}): Promise<ProcessResult> {
  return runFile(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), ...args], opts);
}

/** A temporary directory removed (recursively) on `await using` disposal. */
export interface TempDir extends AsyncDisposable {
  /** Absolute, symlink-free path of the directory. */
  readonly path: string;
  /** `path` joined with a relative path. */
  join(...parts: string[]): string;
}

/**
 * Creates a temporary directory that `await using` removes again.
 *
 * @example Usage
 * ```ts ignore
 * await using dir = await usingTempDir();
 * await Deno.writeTextFile(dir.join("a.txt"), "x");
 * ```
 *
 * @param prefix Name prefix. @default {"cli-replay-test-"}
 * @returns The directory handle.
 */
export async function usingTempDir(prefix = "cli-replay-test-"): Promise<TempDir> {
  const path = await Deno.realPath(await Deno.makeTempDir({ prefix }));
  return {
    path,
    join: (...parts: string[]) => [path, ...parts].join("/"),
    async [Symbol.asyncDispose]() {
      // Tests may leave directories read-only or unsafe on purpose; make them removable.
      await Deno.chmod(path, 0o700).catch(() => {});
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Writes a scenario file (creating parent directories) and returns its absolute path.
 *
 * @param dir Directory to write into (absolute).
 * @param name File name, may contain `/` for sub-directories.
 * @param yaml The scenario text.
 * @returns The absolute path of the file.
 */
export async function writeScenario(dir: string, name: string, yaml: string): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, yaml);
  return path;
}

/** Shells scripts can run in. `sh` is the system `/bin/sh` (dash on Debian/Ubuntu). */
export type Shell = "bash" | "zsh" | "sh";

/** The shells every shell-facing behaviour is tested in. */
export const SHELLS: readonly Shell[] = ["bash", "zsh", "sh"];

/**
 * Whether an executable named `name` is in one of the directories of `path`.
 *
 * @param name Program name (no `/`).
 * @param path A `PATH` value. @default {Deno.env.get("PATH")}
 * @returns True when found.
 */
export function onPath(name: string, path: string = Deno.env.get("PATH") ?? ""): boolean {
  for (const dir of path.split(":")) {
    if (dir === "") continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

/** Whether zsh is installed (on `PATH`), checked once when the tests load. */
export const ZSH_INSTALLED: boolean = onPath("zsh");

/**
 * Whether the tests run in CI (the `CI` variable is set and not empty): there, every shell
 * must be covered and a missing zsh fails instead of being skipped.
 */
export const IN_CI: boolean = (Deno.env.get("CI") ?? "") !== "";

/**
 * Throws a clear error when a test is about to run a script in zsh without zsh installed
 * (a test that does that must be registered with {@linkcode shellTest}).
 *
 * @param shell The shell about to be spawned.
 */
export function assertShellInstalled(shell: Shell): void {
  if (shell === "zsh" && !ZSH_INSTALLED) {
    throw new Error("zsh is not installed: register this test with shellTest()");
  }
}

/**
 * Registers a test that runs scripts in real shells. Every zsh use of the tests goes through
 * here: zsh is optional on a developer machine (the README's test command needs only Node
 * and npm), so when it is not installed the test runs in the other `shells` and an ignored
 * test named `<name> in zsh (skipped: zsh is not installed)` shows the gap in the summary.
 * With `CI` set, a missing zsh is a failing test `<name> in zsh` instead.
 *
 * @example Usage
 * ```ts ignore
 * shellTest("run: eval activates the fakes (RUN-1)", SHELLS, async (t, shells) => {
 *   for (const shell of shells) await t.step(shell, async () => {});
 * });
 * ```
 *
 * @param name Test name (a zsh-only test's name ends with ` in zsh`).
 * @param shells The shells the test covers.
 * @param fn The test body; gets the shells it may use.
 */
export function shellTest(
  name: string,
  shells: readonly Shell[],
  fn: (t: Deno.TestContext, shells: readonly Shell[]) => Promise<void>,
): void {
  if (ZSH_INSTALLED || !shells.includes("zsh")) {
    Deno.test(name, (t) => fn(t, shells));
    return;
  }
  const rest = shells.filter((s) => s !== "zsh");
  if (rest.length > 0) Deno.test(name, (t) => fn(t, rest));
  const zshName = name.endsWith(" in zsh") ? name : `${name} in zsh`;
  if (IN_CI) {
    Deno.test(zshName, () => {
      throw new Error(
        "zsh is not installed, and CI must cover zsh (the CI variable is set): install zsh " +
          "(.ci/run does), or unset CI to skip the zsh tests on a developer machine",
      );
    });
  } else {
    Deno.test({ name: `${zshName} (skipped: zsh is not installed)`, ignore: true, fn() {} });
  }
}

/** Whether `CLI_REPLAY_SERVER=0` is set for the tests: every fake takes the cold path. */
export const SERVER_OFF: boolean = Deno.env.get("CLI_REPLAY_SERVER") === "0";

/**
 * Registers a test of the session server itself (SRV-*). With `CLI_REPLAY_SERVER=0` set
 * for the whole run (the cold-path mode of `deno task test:cold`), such a test cannot see
 * the server and shows as ignored, `<name> (skipped: CLI_REPLAY_SERVER=0)`, instead of
 * failing on answers that came the cold way.
 *
 * @param name Test name.
 * @param fn The test body.
 */
export function serverTest(
  name: string,
  fn: (t: Deno.TestContext) => void | Promise<void>,
): void {
  if (SERVER_OFF) Deno.test({ name: `${name} (skipped: CLI_REPLAY_SERVER=0)`, ignore: true, fn });
  else Deno.test(name, fn);
}

/**
 * Quotes a value for a POSIX shell (single quotes, `'` as `'\''`); use it to embed paths
 * in scripts.
 *
 * @param value Any string.
 * @returns The quoted word.
 */
export function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Shell code defining `cli_replay`, a function that runs the CLI under test with all
 * permissions: `eval "$(cli_replay run s.yaml)"` works in bash, zsh and dash.
 */
export const CLI_FUNCTION = `cli_replay() { ${CLI_COMMAND.map(sh).join(" ")} "$@"; }`;

/**
 * Runs a script in a real shell (`<shell> -c <script>`), with {@linkcode CLI_FUNCTION}
 * defined first so the script can call `cli_replay …`.
 *
 * @example Usage
 * ```ts ignore
 * const r = await runScript("zsh", 'eval "$(cli_replay run s.yaml)"; git status', {
 *   cwd: dir.path,
 * });
 * ```
 *
 * @param shell `bash`, `zsh` or `sh`.
 * @param script The script body.
 * @param opts Working directory, environment and stdin.
 * @returns Exit code, signal, stdout and stderr of the shell.
 */
export function runScript(
  shell: Shell,
  script: string,
  opts: SpawnOptions = {},
): Promise<ProcessResult> {
  assertShellInstalled(shell);
  return runFile(shell, ["-c", `${CLI_FUNCTION}\n${script}`], opts);
}

/**
 * Lists a directory's entry names, sorted; `[]` when it does not exist.
 *
 * @param dir The directory.
 * @returns The names.
 */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/**
 * Whether a path exists (without following a final symbolic link).
 *
 * @param path The path.
 * @returns True when `lstat` succeeds.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Finds every path under `root` (recursively, links not followed) whose last component
 * equals `name`.
 *
 * @param root Directory to search.
 * @param name File or directory name.
 * @returns Absolute paths, possibly none.
 */
export async function findNamed(root: string, name: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.name === name) found.push(path);
      if (entry.isDirectory && !entry.isSymlink) await walk(path);
    }
  };
  await walk(root);
  return found;
}

/**
 * Lowercase hex SHA-256 of text or bytes.
 *
 * @param data The input.
 * @returns 64 hex characters.
 */
export async function sha256(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The session key of STATE-3, computed independently of the product: the first 16 hex
 * characters of SHA-256 of the absolute scenario path (plus NUL and the session id).
 *
 * @param scenarioPath Absolute scenario path.
 * @param sessionId Session id, `""` for none.
 * @returns 16 hex characters.
 */
export async function sessionKey(scenarioPath: string, sessionId = ""): Promise<string> {
  return (await sha256(sessionId === "" ? scenarioPath : `${scenarioPath}\0${sessionId}`))
    .slice(0, 16);
}

/** The paths of one session, derived from the contract (STATE-3), not from product code. */
export interface SessionPaths {
  /** `<scenario dir>/.cli-replay`. */
  stateDir: string;
  /** `cli-replay-<key>.state`. */
  state: string;
  /** `cli-replay-<key>.lock`. */
  lock: string;
  /** `cli-replay-<key>.compiled.json`. */
  compiled: string;
  /** `intercept-<session id>`. */
  interceptDir: string;
}

/**
 * Computes a session's paths from the contract's rules.
 *
 * @param scenarioPath Absolute scenario path.
 * @param sessionId Session id, `""` for none.
 * @returns The paths.
 */
export async function sessionPaths(scenarioPath: string, sessionId = ""): Promise<SessionPaths> {
  const stateDir = `${scenarioPath.slice(0, scenarioPath.lastIndexOf("/"))}/.cli-replay`;
  const base = `${stateDir}/cli-replay-${await sessionKey(scenarioPath, sessionId)}`;
  return {
    stateDir,
    state: `${base}.state`,
    lock: `${base}.lock`,
    compiled: `${base}.compiled.json`,
    interceptDir: `${stateDir}/intercept-${sessionId}`,
  };
}

/** A session started with `cli-replay run` from a test (not from a shell). */
export interface StartedSession extends SessionPaths {
  /** The session id printed in `export CLI_REPLAY_SESSION=…`. */
  id: string;
  /** Absolute scenario path. */
  scenario: string;
  /** Environment for fakes and `verify`/`clean`: PATH with the intercept dir first, ids set. */
  env: Record<string, string>;
  /** Output of the `run` process. */
  run: ProcessResult;
}

/**
 * Runs `cli-replay run <scenario>` and reads the session id from its output, so a test
 * can call the shims directly (without a shell) and inspect the files.
 *
 * @param scenarioPath Absolute scenario path.
 * @param args Extra flags for `run`.
 * @returns The session.
 * @throws {Error} When `run` fails.
 */
export async function startSession(
  scenarioPath: string,
  args: readonly string[] = [],
): Promise<StartedSession> {
  const run = await cli(["run", ...args, scenarioPath]);
  const m = /^export CLI_REPLAY_SESSION='([0-9a-f]{16})'$/m.exec(run.stdout);
  if (run.code !== 0 || m === null) {
    throw new Error(`cli-replay run failed (${run.code}):\n${run.stderr}${run.stdout}`);
  }
  const id = m[1]!;
  const paths = await sessionPaths(scenarioPath, id);
  return {
    ...paths,
    id,
    scenario: scenarioPath,
    run,
    env: {
      CLI_REPLAY_SESSION: id,
      CLI_REPLAY_SCENARIO: scenarioPath,
      PATH: `${paths.interceptDir}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    },
  };
}

/**
 * Calls one fake through its shim, as the program under test would (no shell).
 *
 * @param session The session.
 * @param argv Command name and arguments.
 * @param opts Extra environment, stdin, working directory.
 * @returns The fake's exit code and output.
 */
export function callShim(
  session: StartedSession,
  argv: readonly string[],
  opts: SpawnOptions = {},
): Promise<ProcessResult> {
  return runFile(`${session.interceptDir}/${argv[0]}`, argv.slice(1), {
    ...opts,
    env: { ...session.env, ...opts.env },
  });
}

/**
 * Reads and parses a JSON file.
 *
 * @param path The file.
 * @returns The parsed value.
 */
export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(path)) as T;
}

/**
 * The text of a session's state while calls may be committing: the state file, or, between a
 * commit's remove and rename (or after its writer was killed there), the commit's complete
 * `.next.tmp` (STATE-8).
 */
export async function readStateText(statePath: string): Promise<string> {
  const stem = statePath.replace(/\.state$/, "");
  const read = async (path: string) => {
    try {
      return await Deno.readTextFile(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      return undefined;
    }
  };
  const text = await read(statePath);
  if (text !== undefined) return text;
  // As cli-replay's readers do: under the shared lock, no commit is half done.
  using lock = await Deno.open(`${stem}.lock`, { read: true });
  await lock.lock(false);
  const found = (await read(statePath)) ?? (await read(`${stem}.next.tmp`));
  if (found === undefined) throw new Deno.errors.NotFound(`no state at ${statePath}`);
  return found;
}

/**
 * The example scenario of CONTRACT section 5 ("deploy-app"): an ordered step, an
 * unordered group with a capture and an optional step, and a regex step rendering a var
 * and the capture. Its reports are the contract's own examples (VERIFY-5..7, ICPT-10).
 */
export const DEPLOY_SCENARIO = `meta:
  name: deploy-app
  description: Deploys the web app
  vars:
    cluster: prod
  security:
    allowed_commands: [git, az, docker, kubectl]
  session:
    ttl: 10m
steps:
  - match:
      argv: [git, status]
    respond:
      exit: 0
      stdout: "On branch main\\n"
  - group:
      mode: unordered
      name: pre-flight
      steps:
        - match:
            argv: [az, account, show]
          respond:
            stdout: '{"name": "my-sub"}'
            capture:
              sub: my-sub
        - match:
            argv: [docker, info]
          calls: {min: 0, max: 2}
  - match:
      argv: [kubectl, get, pods, -n, '{{ .regex "^prod-.*" }}']
    respond:
      stdout: "{{ .cluster }} {{ .capture.sub }}\\n"
`;

/** The headings of LANG-1's sections of a mismatch report; each follows an empty line. */
const PROPOSAL_HEADINGS = [
  "\n  stdin diff (-expected +received):\n",
  "\n  Closest steps:\n",
  "\n  To accept this call, add:\n",
];

/**
 * The part of an intercepted call's report that the contract fixes (ICPT-10..14): the text
 * before LANG-1's additions. Throws when the report lacks LANG-1's `To accept this call, add:`
 * section, so a test that compares the contract part also proves the additions follow it.
 *
 * @param report The fake's stderr.
 * @returns The report up to (not including) the empty line before the first LANG-1 section.
 */
export function contractPart(report: string): string {
  if (!report.includes("\n  To accept this call, add:\n")) {
    throw new Error(`the report has no "To accept this call, add:" section (LANG-1):\n${report}`);
  }
  const at = Math.min(
    ...PROPOSAL_HEADINGS.map((h) => report.indexOf(h)).filter((i) => i >= 0),
  );
  return report.slice(0, at);
}

/**
 * A call's result with its stderr cut to {@linkcode contractPart}.
 *
 * @param r A result with the fake's stderr.
 * @returns A copy whose `stderr` is the contract's part of the report.
 */
export function withContractReport<T extends { stderr: string }>(r: T): T {
  return { ...r, stderr: contractPart(r.stderr) };
}
