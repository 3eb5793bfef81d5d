/**
 * Whole-name globs with Go `path.Match` semantics, for `deny_env_vars` (TPL-4, SCN-8).
 *
 * @module
 */

/** The result of compiling a glob: a matcher, or why the pattern is malformed. */
type Compiled = RegExp | { error: string };

const cache = new Map<string, Compiled>();

/** Session variables that are never denied (TPL-4); ASCII case-insensitive (no `u` flag). */
const NEVER_DENIED = /^CLI_REPLAY_(?:SESSION|SCENARIO|RECORDING_LOG|SHIM_DIR|TRACE)$/i;

const UNTERMINATED_CLASS = 'unterminated character class (missing "]")';

/** Writes one code point as a regex atom that is valid inside and outside a class. */
function atom(char: string): string {
  return /^[A-Za-z0-9_]$/.test(char) ? char : `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

function compile(pattern: string): Compiled {
  const chars = Array.from(pattern); // code points, like Go's runes
  const n = chars.length;
  let src = "^";
  let i = 0;
  while (i < n) {
    const c = chars[i]!;
    if (c === "*") {
      src += "[^/]*";
      i++;
    } else if (c === "?") {
      src += "[^/]";
      i++;
    } else if (c === "\\") {
      const next = chars[i + 1];
      if (next === undefined) return { error: "trailing backslash (nothing to escape)" };
      src += atom(next);
      i += 2;
    } else if (c === "[") {
      i++;
      let negated = false;
      if (chars[i] === "^") {
        negated = true;
        i++;
      }
      let body = "";
      let ranges = 0;
      for (;;) {
        if (chars[i] === "]" && ranges > 0) {
          i++;
          break;
        }
        // Go's getEsc: one (possibly escaped) character that must be followed by more pattern.
        const readChar = (isRangeEnd: boolean): string | { error: string } => {
          let ch = chars[i];
          if (ch === undefined) return { error: UNTERMINATED_CLASS };
          if (ch === "-") return { error: 'unescaped "-" in character class (write "\\-")' };
          if (ch === "]") {
            return {
              error: isRangeEnd
                ? 'character range has no end (write "\\-" for a literal "-")'
                : 'empty character class (write "\\]" for a literal "]")',
            };
          }
          if (ch === "\\") {
            i++;
            ch = chars[i];
            if (ch === undefined) return { error: UNTERMINATED_CLASS };
          }
          i++;
          if (i >= n) return { error: UNTERMINATED_CLASS };
          return ch;
        };
        const lo = readChar(false);
        if (typeof lo !== "string") return lo;
        let hi = lo;
        if (chars[i] === "-") {
          i++;
          const end = readChar(true);
          if (typeof end !== "string") return end;
          hi = end;
        }
        // Go accepts a reversed range (it matches nothing); a JS class would reject it.
        if (lo.codePointAt(0)! <= hi.codePointAt(0)!) {
          body += lo === hi ? atom(lo) : `${atom(lo)}-${atom(hi)}`;
        }
        ranges++;
      }
      src += negated ? `[^${body}]` : `[${body}]`;
    } else {
      src += atom(c);
      i++;
    }
  }
  return new RegExp(`${src}$`, "u");
}

/**
 * Compiles a glob with Go `path.Match` semantics into an anchored, case-sensitive matcher
 * (TPL-4): `*` matches any run of characters except `/`, `?` one character except `/`, `[abc]`,
 * `[a-z]` and `[^a-z]` are character classes (which, as in Go, may match `/`), and `\` escapes
 * the next character. Results are memoised per pattern.
 *
 * @example Usage
 * ```ts
 * import { compileGlob } from "./glob.ts";
 * import assert from "node:assert/strict";
 *
 * const glob = compileGlob("AWS_*");
 * assert.ok(glob instanceof RegExp && glob.test("AWS_SECRET_ACCESS_KEY"));
 * assert.deepEqual(compileGlob("[AWS_*"), { error: 'unterminated character class (missing "]")' });
 * ```
 *
 * @param pattern The glob as written, e.g. `"*_TOKEN"`.
 * @returns A `RegExp` that matches whole names, or `{ error }` with the reason the pattern is
 * malformed (e.g. an unterminated class or a trailing backslash).
 */
export function compileGlob(pattern: string): RegExp | { error: string } {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    compiled = compile(pattern);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/**
 * Tells whether an environment variable is denied by `deny_env_vars` (TPL-4): true when any
 * pattern matches the whole name. `CLI_REPLAY_SESSION`, `CLI_REPLAY_SCENARIO`,
 * `CLI_REPLAY_RECORDING_LOG`, `CLI_REPLAY_SHIM_DIR` and `CLI_REPLAY_TRACE` (ASCII
 * case-insensitive) are never denied. Malformed patterns are ignored here; the loader rejects
 * them (SCN-8).
 *
 * @example Usage
 * ```ts
 * import { isDeniedEnvVar } from "./glob.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isDeniedEnvVar("GITHUB_TOKEN", ["*_TOKEN"]), true);
 * assert.equal(isDeniedEnvVar("CLI_REPLAY_TRACE", ["*"]), false);
 * ```
 *
 * @param name The variable name.
 * @param patterns The `meta.security.deny_env_vars` globs.
 * @returns Whether the variable's environment value must be ignored.
 */
export function isDeniedEnvVar(name: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0 || NEVER_DENIED.test(name)) return false;
  for (const pattern of patterns) {
    const glob = compileGlob(pattern);
    if (glob instanceof RegExp && glob.test(name)) return true;
  }
  return false;
}
