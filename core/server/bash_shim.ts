/**
 * The bash shim of the session server's fast path (SRV-2): a bash script that sends the
 * call over bash's `/dev/tcp` to the session server and prints the answer, starting no
 * other process; anything it cannot do ends in the cold path, the same `exec` line as the
 * `/bin/sh` shim (ICPT-1). Runs on bash 3.2 (macOS) and 5.x: `read -N` (bash 4.1+) is
 * used when present, `read -d '' -n` otherwise, and the server sends a bash that reads
 * byte by byte only small answers (see `answerFits`).
 *
 * @module
 */
import { quotePosix } from "../session/shell.ts";
import { ENV } from "../env.ts";
import { FLAGS, PROTOCOL } from "./protocol.ts";

/** The variable that turns the fast path off (`CLI_REPLAY_SERVER=0`, SRV-3). */
export const SERVER_ENV = "CLI_REPLAY_SERVER";

/**
 * Name of the file in the intercept dir that holds the server's port and process id once it
 * is up. A shim whose server process is gone takes the cold path without connecting, so a
 * port taken over by another process never sees the secret.
 */
export const PORT_FILE = ".port";

/** Options of {@linkcode renderBashShim}. */
export interface BashShimOptions {
  /** The faked command name (a plain file name, SCN-13). */
  command: string;
  /** Absolute path of bash, for the `#!` line (no spaces). */
  bash: string;
  /** The cold path's words: self command, `__intercept`, scenario, session, `--`, command. */
  coldCommand: readonly string[];
  /** The session id (for the comment line). */
  sessionId: string;
  /** The intercept dir, where the server writes {@linkcode PORT_FILE}. */
  interceptDir: string;
  /** The session's secret (hex). */
  secret: string;
  /** Names of the caller's variables the server needs (see {@linkcode serverEnvNames}). */
  envNames: readonly string[];
}

/**
 * The names of the caller's environment variables a call's answer can depend on: the
 * scenario's `meta.vars` (TPL-3, also subject to `deny_env_vars`), the names its `match.env`
 * and `env.NAME` captures read (LANG-3, LANG-4), `CLI_REPLAY_TRACE`, `CLI_REPLAY_COLOR` and
 * `NO_COLOR`. Sorted, without duplicates.
 *
 * @example Usage
 * ```ts
 * import { serverEnvNames } from "./bash_shim.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(serverEnvNames(["ns"]), ["CLI_REPLAY_COLOR", "CLI_REPLAY_TRACE", "NO_COLOR", "ns"]);
 * ```
 *
 * @param varNames The scenario's declared variable names and the other names it reads.
 * @returns The names.
 */
export function serverEnvNames(varNames: readonly string[]): string[] {
  return [...new Set([ENV.color, ENV.trace, "NO_COLOR", ...varNames])].sort();
}

/** Whether a path can be used in a `#!` line as is. */
export function isShebangSafe(path: string): boolean {
  return /^\/[A-Za-z0-9_./+-]+$/.test(path) && path.length < 120;
}

/** Name of the file in the intercept dir with the shims' rarely used bash code. */
export const SHIM_LIB_FILE = ".shim-lib.bash";

/**
 * Renders a bash shim. The common path — a call answered with no NUL byte — is all the
 * shim's own code, kept short because bash parses every line it defines; stdin, NUL
 * bytes and errors source {@linkcode SHIM_LIB_FILE} (see {@linkcode renderShimLib}).
 * The last line is the cold path's `exec`, exactly as in the `/bin/sh` shim.
 *
 * @example Usage
 * ```ts
 * import { renderBashShim } from "./bash_shim.ts";
 * import assert from "node:assert/strict";
 * const text = renderBashShim({
 *   command: "git", bash: "/bin/bash", coldCommand: ["/bin/cli-replay", "__intercept", "--", "git"],
 *   sessionId: "0123456789abcdef", interceptDir: "/p/.cli-replay/intercept-0123456789abcdef",
 *   secret: "00", envNames: ["NO_COLOR"],
 * });
 * assert.match(text, /^#!\/bin\/bash -p\n/);
 * assert.match(text, /\nexec '\/bin\/cli-replay' '__intercept' '--' 'git' "\$@"\n$/);
 * ```
 *
 * @param opts What to embed.
 * @returns The shim's text, ending with a newline.
 */
export function renderBashShim(opts: BashShimOptions): string {
  const cold = `${opts.coldCommand.map(quotePosix).join(" ")} "$@"`;
  // `NAME=value` when set (even to ""), `NAME` alone when unset (LANG-4: null means unset).
  const env = opts.envNames.map((n) => `"\${${n}+${n}=}\${${n}-${n}}"`).join(" ");
  const lib = quotePosix(`${opts.interceptDir}/${SHIM_LIB_FILE}`);
  return `#!${opts.bash} -p
# cli-replay shim for '${opts.command}' (session ${opts.sessionId}); generated, do not edit
set +o posix
_cr_N=0 _cr_fr=0; case \${BASH_VERSINFO[0]}.\${BASH_VERSINFO[1]} in [5-9].* | [1-9][0-9]*) _cr_N=1 _cr_fr=1 ;; 4.[1-9]*) _cr_N=1 ;; esac
_cr_cmd=${quotePosix(opts.command)} _cr_lib=${lib} _cr_rc=1
_cr_lost() {
  printf 'cli-replay: the session server closed the connection after %s was sent; not retried, the call may have been counted\\n' "$_cr_cmd" >&7
  exit 1
}
_cr_rd() {
  if [ $_cr_N = 1 ]; then IFS= read -r -N "$1" -u 9 _s; else IFS= read -r -d '' -n "$1" -u 9 _s; fi
  [ "\${#_s}" = "$1" ]
}
_cr_fast() {
  local _v=\${${SERVER_ENV}-} _p _n _a _r _f=0 _k _c _o _e _s _ev
  case $_v in ?*) . "$_cr_lib" && _cr_off "$_v" && return 1 ;; esac
  read -r _p _n <${quotePosix(`${opts.interceptDir}/${PORT_FILE}`)} || return 1
  case $_p.$_n in *[!0-9.]* | .* | *.) return 1 ;; esac
  kill -0 "$_n" || return 1
  _ev=(${env})
  local LC_ALL=C
  [ -t 7 ] && _f=${FLAGS.stderrTty}
  [ -t 0 ] && _f=$((_f | ${FLAGS.stdinTty}))
  [ $_cr_fr = 1 ] && _f=$((_f | ${FLAGS.fastRead}))
  _r="${PROTOCOL} ${opts.secret} $_f $(($# + 1)) \${#_ev[@]}:\${#_cr_cmd}:$_cr_cmd"
  for _a in "$@" "\${_ev[@]}"; do _r+="\${#_a}:$_a"; done
  exec 9<>"/dev/tcp/127.0.0.1/$_p" || return 1
  trap '' PIPE
  if ! printf '%s' "$_r" >&9; then exec 9>&-; return 1; fi
  IFS=' ' read -r -u 9 _k _c _o _e
  if [ "$_k" = S ]; then
    . "$_cr_lib" || { exec 9>&-; return 1; }
    _cr_stdin_phase || return $?
  fi
  case $_k in A) ;; C) exec 9>&-; return 1 ;; *) _cr_lost ;; esac
  case $_c:$_o:$_e in *[!0-9,:]* | :* | *::* | *:) _cr_lost ;; *,*) . "$_cr_lib" || _cr_lost; _cr_nuls ;; esac
  if [ "$_o" != 0 ]; then _cr_rd "$_o" || _cr_lost; printf '%s' "$_s"; fi
  if [ "$_e" != 0 ]; then _cr_rd "$_e" || _cr_lost; printf '%s' "$_s" >&7; fi
  exit "$_c"
}
# While the fast path runs, its own stderr goes to /dev/null and the caller's is fd 7.
if exec 7>&2 2>/dev/null; then _cr_fast "$@"; _cr_rc=$?; exec 2>&7 7>&-; fi
if [ $_cr_rc = 3 ]; then trap - PIPE; exec ${cold} < <(_cr_replay); fi
trap - PIPE
exec ${cold}
`;
}

/**
 * Renders {@linkcode SHIM_LIB_FILE}: the shims' rarely used bash code, sourced (a
 * builtin, no process) only when a call needs it — `CLI_REPLAY_SERVER` set, the stdin
 * phase, answers with NUL bytes.
 *
 * @example Usage
 * ```ts
 * import { renderShimLib } from "./bash_shim.ts";
 * import assert from "node:assert/strict";
 * assert.match(renderShimLib(), /^_cr_stdin\(\) \{/m);
 * ```
 *
 * @returns The file's text.
 */
export function renderShimLib(): string {
  return `# cli-replay: code the bash shims of this session source when they need it; generated
_cr_off() {
  local _v=$1
  _v=\${_v#"\${_v%%[![:space:]]*}"}
  _v=\${_v%"\${_v##*[![:space:]]}"}
  case $_v in 0 | [Ff][Aa][Ll][Ss][Ee] | [Nn][Oo] | [Oo][Ff][Ff]) return 0 ;; esac
  return 1
}
_cr_emit() {
  local IFS=, _l _i=0 _s
  for _l in $1; do
    [ $_i = 0 ] || printf '\\0'
    _i=1
    if [ "$_l" -gt 0 ]; then _cr_rd "$_l" || return 1; printf '%s' "$_s"; fi
  done
  return 0
}
_cr_nuls() {
  _cr_emit "$_o" || _cr_lost
  _cr_emit "$_e" >&7 || _cr_lost
  exit "$_c"
}
_cr_stdin() {
  local _c _g=0 _m=1048577
  _cr_in=() _cr_tl=0
  while :; do
    _c=
    if IFS= read -r -d '' -n $((_m - _g)) _c 2>/dev/null; then
      _cr_in[\${#_cr_in[@]}]=$_c
      if [ "\${#_c}" -eq $((_m - _g)) ]; then _cr_tl=1; return; fi
      _g=$((_g + \${#_c} + 1))
      if [ $_g -ge $_m ]; then _cr_tl=1; return; fi
    else
      _cr_in[\${#_cr_in[@]}]=$_c
      return
    fi
  done
}
_cr_stdin_phase() {
  _cr_stdin
  _r="I $_cr_tl \${#_cr_in[@]}:"
  if [ $_cr_tl = 1 ]; then _r="I 1 0:"; else
    for _a in "\${_cr_in[@]}"; do _r+="\${#_a}:$_a"; done
  fi
  printf '%s' "$_r" >&9 || _cr_lost
  IFS=' ' read -r -u 9 _k _c _o _e || _cr_lost
  if [ "$_k" = C ]; then exec 9>&-; return 3; fi
  return 0
}
_cr_replay() {
  local _c _i=0
  for _c in "\${_cr_in[@]}"; do
    [ $_i = 0 ] || printf '\\0'
    _i=1
    printf '%s' "$_c"
  done 2>/dev/null
  [ $_cr_tl = 0 ] || exec cat
}
`;
}
