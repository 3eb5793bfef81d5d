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
 * Renders a bash shim. The common path — a call answered with no NUL byte — is the shim's
 * own code, written flat, with no function defined: bash parses every line it reaches and
 * copies every function it defines, about 0.1 ms per KiB on our machine, a twentieth of a
 * call (SRV-8). Stdin, NUL bytes, `CLI_REPLAY_SERVER` and errors source
 * {@linkcode SHIM_LIB_FILE} (see {@linkcode renderShimLib}). The last line is the cold
 * path's `exec`, exactly as in the `/bin/sh` shim.
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
  const port = quotePosix(`${opts.interceptDir}/${PORT_FILE}`);
  // While the fast path runs, its own stderr goes to /dev/null and the caller's is fd 7.
  // Words are checked with patterns, not `=~`: bash compiles a regex on every use (~30–60 µs).
  // _cr_rc: 1 = take the cold path, 3 = the cold path with the stdin already read.
  return `#!${opts.bash} -p
# cli-replay shim for '${opts.command}' (session ${opts.sessionId}); generated, do not edit
set +o posix
_cr_cmd=${quotePosix(opts.command)} _cr_lib=${lib} _cr_rc=1
_cr_f=0 _cr_rd=(-N); case \${BASH_VERSINFO[0]}.\${BASH_VERSINFO[1]} in [5-9].* | [1-9][0-9]*) _cr_f=${FLAGS.fastRead} ;; 4.[1-9]*) ;; *) _cr_rd=(-d '' -n) ;; esac
if exec 7>&2 2>/dev/null; then
  case \${${SERVER_ENV}-} in ?*) . "$_cr_lib" && _cr_off "$${SERVER_ENV}" && _cr_f=off ;; esac
  if [ $_cr_f != off ] && read -r _cr_p _cr_n <${port} && [[ $_cr_p.$_cr_n == [1-9]*.[1-9]* && $_cr_p$_cr_n != *[!0-9]* ]] &&
    kill -0 $_cr_n && exec 9<>/dev/tcp/127.0.0.1/$_cr_p; then
    _cr_ev=(${env})
    _cr_lc=\${LC_ALL-} _cr_ls=\${LC_ALL+1} LC_ALL=C
    [ -t 7 ] && _cr_f=$((_cr_f | ${FLAGS.stderrTty}))
    [ -t 0 ] && _cr_f=$((_cr_f | ${FLAGS.stdinTty}))
    _cr_r="${PROTOCOL} ${opts.secret} $_cr_f $(($# + 1)) \${#_cr_ev[@]}:\${#_cr_cmd}:$_cr_cmd"
    for _cr_a in "$@" "\${_cr_ev[@]}"; do _cr_r+="\${#_cr_a}:$_cr_a"; done
    trap '' PIPE
    if printf %s "$_cr_r" >&9; then
      IFS=' ' read -r -u 9 _cr_k _cr_c _cr_o _cr_e
      if [[ $_cr_k = A && $_cr_c.$_cr_o.$_cr_e == [0-9]*.[0-9]*.[0-9]* && $_cr_c$_cr_o$_cr_e != *[!0-9]* ]]; then
        _cr_s= _cr_t=
        [ $_cr_o = 0 ] || IFS= read -r "\${_cr_rd[@]}" $_cr_o -u 9 _cr_s
        [ $_cr_e = 0 ] || IFS= read -r "\${_cr_rd[@]}" $_cr_e -u 9 _cr_t
        if [ \${#_cr_s}:\${#_cr_t} = $_cr_o:$_cr_e ]; then
          [ $_cr_o = 0 ] || printf %s "$_cr_s"
          [ $_cr_e = 0 ] || printf %s "$_cr_t" >&7
          exit $_cr_c
        fi
        _cr_k=
      fi
      . "$_cr_lib" || { echo "cli-replay: $_cr_lib is gone: the session was cleaned during the call" >&7; exit 1; }
      _cr_slow "$@"
    fi
    exec 9>&-
    if [ -n "$_cr_ls" ]; then LC_ALL=$_cr_lc; else unset LC_ALL; fi
  fi
  exec 2>&7 7>&-
fi
trap - PIPE
if [ $_cr_rc = 3 ]; then exec ${cold} < <(_cr_replay); fi
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
_cr_lost() {
  printf 'cli-replay: the session server closed the connection after %s was sent; not retried, the call may have been counted\\n' "$_cr_cmd" >&7
  exit 1
}
_cr_read() {
  IFS= read -r "\${_cr_rd[@]}" "$1" -u 9 _cr_s
  [ "\${#_cr_s}" = "$1" ]
}
_cr_emit() {
  local IFS=, _l _i=0
  for _l in $1; do
    [ $_i = 0 ] || printf '\\0'
    _i=1
    if [ "$_l" -gt 0 ]; then _cr_read "$_l" || return 1; printf '%s' "$_cr_s"; fi
  done
  return 0
}
# After an answer's first line that the shim does not print itself: the stdin phase, a
# cold answer, NUL bytes, or a broken connection. Returns only to take the cold path.
_cr_slow() {
  if [ "$_cr_k" = S ]; then
    _cr_stdin_phase || return
  fi
  case $_cr_k in A) ;; C) return ;; *) _cr_lost ;; esac
  case $_cr_c:$_cr_o:$_cr_e in *[!0-9:,]* | :* | *::* | *:) _cr_lost ;; esac
  _cr_emit "$_cr_o" || _cr_lost
  _cr_emit "$_cr_e" >&7 || _cr_lost
  exit "$_cr_c"
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
  local _a
  _cr_stdin
  _cr_r="I $_cr_tl \${#_cr_in[@]}:"
  if [ $_cr_tl = 1 ]; then _cr_r="I 1 0:"; else
    for _a in "\${_cr_in[@]}"; do _cr_r+="\${#_a}:$_a"; done
  fi
  printf '%s' "$_cr_r" >&9 || _cr_lost
  IFS=' ' read -r -u 9 _cr_k _cr_c _cr_o _cr_e || _cr_lost
  if [ "$_cr_k" = C ]; then _cr_rc=3; return 1; fi
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
