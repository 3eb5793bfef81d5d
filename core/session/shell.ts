/**
 * Shell text: POSIX and PowerShell quoting, the shims, and the code that
 * `cli-replay run` prints for `eval` (RUN-4..7, ICPT-1, SEC-7).
 *
 * @module
 */

/**
 * Quotes a value for a POSIX shell: always single-quoted, `'` written as `'\''` (RUN-5).
 *
 * @example Usage
 * ```ts
 * import { quotePosix } from "./shell.ts";
 * import assert from "node:assert/strict";
 * assert.equal(quotePosix("it's"), "'it'\\''s'");
 * ```
 *
 * @param value Any string.
 * @returns The quoted word.
 */
export function quotePosix(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes a value for PowerShell: `'` and the typographic single quotes doubled (RUN-7). */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (c) => c + c)}'`;
}

/** Quotes a word for display only when it holds characters outside `A-Za-z0-9_@%+=:,./-` (EXEC-10). */
export function quoteIfNeeded(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : quotePosix(word);
}

/** Options of a replay shim: it forwards the call to `__intercept` (ICPT-1). */
export interface InterceptShimOptions {
  /** The faked command name (a plain file name, SCN-13). */
  command: string;
  /** The self command (RUN-6) that re-invokes this cli-replay. */
  selfCommand: readonly string[];
  /** Absolute scenario path embedded in the shim. */
  scenarioPath: string;
  /** Session id embedded in the shim. */
  sessionId: string;
  /** The session's state directory, passed as `--state-dir` so the fake need not look for it. */
  stateDir?: string;
  /**
   * The session's file key (16 hex digits, STATE-3), passed with `--state-dir` as `--key` so
   * the fake need not hash the scenario path and session id on every call.
   */
  key?: string;
  /**
   * The log of `exec --record missing` (RECM-1), passed as `--record-log`: a call that
   * matches no step runs the real command and is logged there.
   */
  recordLog?: string;
}

/** Options of a record shim: it runs the real command under `__record-shim` (REC-4). */
export interface RecordShimOptions {
  /** The recorded command's name (a plain file name, SCN-13). */
  command: string;
  /** The self command that re-invokes this cli-replay. */
  selfCommand: readonly string[];
  /** Absolute path of the recording log. */
  logPath: string;
  /** Absolute path of the record shim dir (skipped when resolving the real command). */
  shimDir: string;
}

/** Options of {@linkcode renderShim}: a replay shim, or a record shim (with `logPath`). */
export type ShimOptions = InterceptShimOptions | RecordShimOptions;

/**
 * Renders the `/bin/sh` shim for one command (ICPT-1): `exec` of the self command with
 * `__intercept` (a replay shim) or `__record-shim` (a record shim, REC-4) and the command's
 * name, every embedded word single-quoted (SEC-7), then `"$@"`.
 *
 * @example Usage
 * ```ts
 * import { renderShim } from "./shell.ts";
 * import assert from "node:assert/strict";
 * const text = renderShim({
 *   command: "kubectl", selfCommand: ["/bin/cli-replay"],
 *   scenarioPath: "/p/s.yaml", sessionId: "0123456789abcdef",
 * });
 * assert.match(text, /^#!\/bin\/sh\n/);
 * assert.match(text, /'__intercept' '--scenario' '\/p\/s.yaml'/);
 * const record = renderShim({
 *   command: "kubectl", selfCommand: ["/bin/cli-replay"],
 *   logPath: "/tmp/r/recording.jsonl", shimDir: "/tmp/r/bin",
 * });
 * assert.match(record, /'__record-shim' '--log' '\/tmp\/r\/recording.jsonl'/);
 * ```
 *
 * @param opts What to embed.
 * @returns The shim's text, ending with a newline.
 */
export function renderShim(opts: ShimOptions): string {
  let words: string[];
  let comment: string;
  if ("logPath" in opts) {
    words = ["__record-shim", "--log", opts.logPath, "--shim-dir", opts.shimDir];
    comment = `record shim for '${opts.command}'`;
  } else {
    words = [
      "__intercept",
      ...(opts.stateDir !== undefined ? ["--state-dir", opts.stateDir] : []),
      ...(opts.stateDir !== undefined && opts.key !== undefined ? ["--key", opts.key] : []),
      ...(opts.recordLog !== undefined ? ["--record-log", opts.recordLog] : []),
      "--scenario",
      opts.scenarioPath,
      "--session",
      opts.sessionId,
    ];
    comment = `shim for '${opts.command}' (session ${opts.sessionId})`;
  }
  const all = [...opts.selfCommand, ...words, "--", opts.command];
  return [
    "#!/bin/sh",
    `# cli-replay ${comment}; generated, do not edit`,
    `exec ${all.map(quotePosix).join(" ")} "$@"`,
    "",
  ].join("\n");
}

/** Options of {@linkcode emitShellSetup}. */
export interface ShellSetupOptions {
  /** `posix` for bash, zsh and sh; `powershell` for pwsh. */
  shell: "posix" | "powershell";
  /** The new session id. */
  sessionId: string;
  /** Absolute scenario path. */
  scenarioPath: string;
  /** Absolute intercept dir. */
  interceptDir: string;
  /** The self command used by the cleanup trap. */
  selfCommand: readonly string[];
}

/**
 * Renders the shell code that `cli-replay run` prints for `eval` (RUN-4, RUN-6, RUN-7).
 *
 * @example Usage
 * ```ts
 * import { emitShellSetup } from "./shell.ts";
 * import assert from "node:assert/strict";
 * const text = emitShellSetup({
 *   shell: "posix", sessionId: "0123456789abcdef", scenarioPath: "/p/s.yaml",
 *   interceptDir: "/p/.cli-replay/intercept-0123456789abcdef", selfCommand: ["/bin/cli-replay"],
 * });
 * assert.match(text, /^export CLI_REPLAY_SESSION='0123456789abcdef'$/m);
 * assert.match(text, /^trap '_cli_replay_clean' EXIT$/m);
 * ```
 *
 * @param opts The session to activate.
 * @returns Shell code, one statement per line, ending with a newline.
 */
export function emitShellSetup(opts: ShellSetupOptions): string {
  if (opts.shell === "powershell") {
    return [
      `$env:CLI_REPLAY_SESSION = ${quotePowerShell(opts.sessionId)}`,
      `$env:CLI_REPLAY_SCENARIO = ${quotePowerShell(opts.scenarioPath)}`,
      `$env:PATH = ${quotePowerShell(opts.interceptDir)} + [IO.Path]::PathSeparator + $env:PATH`,
      "",
    ].join("\n");
  }
  const clean = [...opts.selfCommand, "clean", "--session", opts.sessionId, "--", opts.scenarioPath]
    .map(quotePosix).join(" ");
  return [
    `export CLI_REPLAY_SESSION=${quotePosix(opts.sessionId)}`,
    `export CLI_REPLAY_SCENARIO=${quotePosix(opts.scenarioPath)}`,
    `export PATH=${quotePosix(opts.interceptDir)}:"$PATH"`,
    "unset _cli_replay_cleaned",
    `_cli_replay_clean() { if [ -n "\${_cli_replay_cleaned:-}" ]; then return 0; fi; _cli_replay_cleaned=1; ${clean} 2>/dev/null; }`,
    "trap '_cli_replay_clean' EXIT",
    "trap '_cli_replay_clean; trap - INT; kill -INT $$' INT",
    "trap '_cli_replay_clean; trap - TERM; kill -TERM $$' TERM",
    "",
  ].join("\n");
}
