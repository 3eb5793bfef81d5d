/**
 * Argv pattern elements (MATCH-3, MATCH-5, MATCH-6): literals, `{{ .any }}`, `{{ .regex "…" }}`
 * and literals with `{{ .NAME }}` variable references.
 *
 * @module
 */

/** A classified argv pattern element (MATCH-3). */
export type PatternElement =
  | { kind: "literal"; text: string }
  | { kind: "wildcard" }
  | { kind: "regex"; source: string; regex: RegExp }
  | { kind: "template"; text: string; refs: string[]; captures?: string[] };

/** `{{ .any }}` with optional whitespace, on the trimmed element. */
const WILDCARD = /^\{\{\s*\.any\s*\}\}$/;

/** `{{ .regex "PATTERN" }}`: PATTERN runs from the first `"` to the last `"` before `}}`. */
const REGEX_FORM = /^\{\{\s*\.regex\s+"([\s\S]*)"\s*\}\}$/;

/** A variable reference `{{ .NAME }}` inside an argv element. */
const VAR_REF = /\{\{[ \t\r\n]*\.([A-Za-z_][A-Za-z0-9_]*)[ \t\r\n]*\}\}/g;

/** A capture reference `{{ .capture.ID }}` inside an argv element (LANG-3). */
const CAPTURE_REF = /\{\{[ \t\r\n]*\.capture\.([A-Za-z_][A-Za-z0-9_]*)[ \t\r\n]*\}\}/g;

/** A capture or a variable reference. */
const BOTH_REFS = new RegExp(`${CAPTURE_REF.source}|${VAR_REF.source}`, "g");

/** A leading RE2 flag group such as `(?i)` or `(?is)`. */
const RE2_FLAGS = /^\(\?([ims]+)\)/;

const regexCache = new Map<string, RegExp | { error: string }>();

/** Rewrites RE2-only syntax outside character classes: `(?P<`, `\A`, `\z`. */
function translateRe2(body: string): string {
  if (!body.includes("\\") && !body.includes("(?P<")) return body;
  let out = "";
  let last = 0;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      const next = body[i + 1];
      if (!inClass && (next === "A" || next === "z")) {
        out += body.slice(last, i) + (next === "A" ? "(?<![\\s\\S])" : "(?![\\s\\S])");
        last = i + 2;
      }
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
    } else if (c === "(" && body.startsWith("(?P<", i)) {
      out += `${body.slice(last, i)}(?<`;
      i += 3;
      last = i + 1;
    }
  }
  return out + body.slice(last);
}

function engineReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, "");
}

function compileUncached(source: string): RegExp | { error: string } {
  const flags = new Set<string>();
  let body = source;
  for (let m = RE2_FLAGS.exec(body); m !== null; m = RE2_FLAGS.exec(body)) {
    for (const flag of m[1]!) flags.add(flag);
    body = body.slice(m[0].length);
  }
  body = translateRe2(body);
  const flagText = [...flags].sort().join("");
  try {
    return new RegExp(body, `${flagText}u`);
  } catch (withU) {
    try {
      return new RegExp(body, flagText);
    } catch {
      return { error: engineReason(withU) };
    }
  }
}

// deno-lint-ignore no-control-regex
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const UNICODE_ONLY_SYNTAX = /\\[pP]\{|\\u\{/;
const legacyTwins = new WeakMap<RegExp, RegExp | null>();

function _legacyTwin(regex: RegExp): RegExp | null {
  let twin = legacyTwins.get(regex);
  if (twin === undefined) {
    twin = null;
    if (ASCII_ONLY.test(regex.source) && !UNICODE_ONLY_SYNTAX.test(regex.source)) {
      try {
        twin = new RegExp(regex.source, regex.flags.replace("u", ""));
      } catch {
        twin = null;
      }
    }
    legacyTwins.set(regex, twin);
  }
  return twin;
}

/**
 * Searches `value` with a compiled pattern (MATCH-6), guarding against catastrophic
 * backtracking where the engine allows it (SEC-10): V8 falls back to its linear-time
 * engine only for regexes without the `u` flag, so when both the pattern and the value
 * are ASCII (where `u` changes nothing) the search uses an equivalent regex without `u`.
 *
 * @param regex A regex from {@linkcode compileRegexPattern}.
 * @param value The received argument.
 * @returns Whether the regex finds a match in the value.
 */
export function searchRegex(regex: RegExp, value: string): boolean {
  if (regex.unicode && ASCII_ONLY.test(value)) {
    const twin = _legacyTwin(regex);
    if (twin !== null) return twin.test(value);
  }
  return regex.test(value);
}

/**
 * Compiles a regex pattern source (MATCH-6): ECMAScript with the `u` flag, or without it when
 * the pattern is only valid without; before that, RE2 compatibility rewrites turn a leading
 * `(?i)`, `(?m)`, `(?s)` (or a combination such as `(?is)`) into flags, `(?P<name>` into
 * `(?<name>`, `\A` into `(?<![\s\S])` and `\z` into `(?![\s\S])`. The regex is unanchored (use
 * it with `test` to search). Results are memoised per source.
 *
 * @example Usage
 * ```ts
 * import { compileRegexPattern } from "./argv_pattern.ts";
 * import assert from "node:assert/strict";
 *
 * const re = compileRegexPattern("(?i)^prod-");
 * assert.ok(re instanceof RegExp && re.test("PROD-eu"));
 * assert.deepEqual(compileRegexPattern("("), { error: "Unterminated group" });
 * ```
 *
 * @param source The PATTERN text as written in `{{ .regex "PATTERN" }}`.
 * @returns The compiled regex, or `{ error }` with the engine's reason.
 */
export function compileRegexPattern(source: string): RegExp | { error: string } {
  let compiled = regexCache.get(source);
  if (compiled === undefined) {
    compiled = compileUncached(source);
    regexCache.set(source, compiled);
  }
  return compiled;
}

/** Distinct declared names referenced by `{{ .NAME }}` in `text`, in order of appearance. */
function declaredRefs(text: string, declared: ReadonlySet<string>): string[] {
  const refs: string[] = [];
  for (const m of text.matchAll(VAR_REF)) {
    const name = m[1]!;
    if (name !== "capture" && declared.has(name) && !refs.includes(name)) refs.push(name);
  }
  return refs;
}

/**
 * Runs a compiled pattern on `value` like {@linkcode searchRegex}, returning the match with
 * its groups (LANG-3), or null.
 *
 * @param regex A regex from {@linkcode compileRegexPattern}.
 * @param value The text searched.
 * @returns The match, or null.
 */
export function execRegex(regex: RegExp, value: string): RegExpExecArray | null {
  if (regex.unicode && ASCII_ONLY.test(value)) {
    const twin = _legacyTwin(regex);
    if (twin !== null) return twin.exec(value);
  }
  return regex.exec(value);
}

/**
 * The names of a compiled pattern's named groups (`(?<name>…)`, or RE2's `(?P<name>…)`), in
 * order (LANG-3).
 *
 * @example Usage
 * ```ts
 * import { compileRegexPattern, regexGroupNames } from "./argv_pattern.ts";
 * import assert from "node:assert/strict";
 *
 * const re = compileRegexPattern("^deploy/(?<app>[a-z]+)-(?P<env>dev|prod)$");
 * assert.ok(re instanceof RegExp);
 * assert.deepEqual(regexGroupNames(re), ["app", "env"]);
 * ```
 *
 * @param regex A regex from {@linkcode compileRegexPattern}.
 * @returns The names; empty when it has none.
 */
export function regexGroupNames(regex: RegExp): string[] {
  if (!regex.source.includes("(?<")) return [];
  // An empty alternative matches "", and the result lists every group of the pattern.
  const groups = new RegExp(`(?:${regex.source})|`, regex.flags).exec("")?.groups;
  return groups === undefined ? [] : Object.keys(groups);
}

/**
 * The capture identifiers an argv element references with `{{ .capture.ID }}` (LANG-3), each
 * once, in order of first appearance.
 *
 * @example Usage
 * ```ts
 * import { captureRefs } from "./argv_pattern.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(captureRefs("{{ .capture.app }}-{{.capture.env}}"), ["app", "env"]);
 * ```
 *
 * @param text The pattern element.
 * @returns The identifiers.
 */
export function captureRefs(text: string): string[] {
  const ids: string[] = [];
  if (!text.includes("{{")) return ids;
  for (const m of text.matchAll(CAPTURE_REF)) if (!ids.includes(m[1]!)) ids.push(m[1]!);
  return ids;
}

/**
 * Classifies one argv pattern element (MATCH-3, MATCH-6). With surrounding whitespace removed,
 * `{{ .any }}` (optional inner whitespace) is a wildcard and `{{ .regex "PATTERN" }}` (at least
 * one whitespace after `.regex`) a regex whose PATTERN is taken verbatim; an element with a
 * `{{ .NAME }}` reference to a declared variable is a template; anything else is a literal.
 * Position 0 is always literal (MATCH-5): callers do not classify it.
 *
 * @example Usage
 * ```ts
 * import { classifyPatternElement } from "./argv_pattern.ts";
 * import assert from "node:assert/strict";
 *
 * const declared = new Set(["ns"]);
 * assert.equal(classifyPatternElement("{{.any}}", declared).kind, "wildcard");
 * assert.equal(classifyPatternElement('{{ .regex "^prod-" }}', declared).kind, "regex");
 * assert.deepEqual(classifyPatternElement("--ns={{ .ns }}", declared), {
 *   kind: "template",
 *   text: "--ns={{ .ns }}",
 *   refs: ["ns"],
 * });
 * assert.equal(classifyPatternElement('{{ .regex "" }}', declared).kind, "error");
 * ```
 *
 * @param p The pattern element as written.
 * @param declared The names declared in `meta.vars`.
 * @returns The element, or `{ kind: "error", message }` for an empty or invalid regex.
 */
export function classifyPatternElement(
  p: string,
  declared: ReadonlySet<string>,
): PatternElement | { kind: "error"; message: string } {
  if (!p.includes("{{")) return { kind: "literal", text: p };
  const trimmed = p.trim();
  if (WILDCARD.test(trimmed)) return { kind: "wildcard" };
  const m = REGEX_FORM.exec(trimmed);
  if (m !== null) {
    const source = m[1]!;
    if (source === "") {
      return { kind: "error", message: `empty regular expression in ${JSON.stringify(p)}` };
    }
    const regex = compileRegexPattern(source);
    if (!(regex instanceof RegExp)) {
      return {
        kind: "error",
        message: `invalid regular expression ${JSON.stringify(source)}: ${regex.error}`,
      };
    }
    return { kind: "regex", source, regex };
  }
  const refs = declaredRefs(p, declared);
  const captures = captureRefs(p);
  if (captures.length > 0) return { kind: "template", text: p, refs, captures };
  return refs.length > 0 ? { kind: "template", text: p, refs } : { kind: "literal", text: p };
}

/**
 * Replaces every `{{ .NAME }}` reference (optional whitespace inside the braces) whose NAME is
 * an own key of `vars` by its value (MATCH-3 rule 4, MATCH-7). Any other `{{ … }}` text, and
 * `{{ .capture.ID }}` (see {@linkcode substituteRefs}), stays as written.
 *
 * @example Usage
 * ```ts
 * import { substituteVars } from "./argv_pattern.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(substituteVars("--ns={{.ns}} {{ .other }}", { ns: "prod" }), "--ns=prod {{ .other }}");
 * ```
 *
 * @param text The pattern element.
 * @param vars Effective values of the declared variables.
 * @returns The text with the references replaced.
 */
export function substituteVars(text: string, vars: Readonly<Record<string, string>>): string {
  if (!text.includes("{{")) return text;
  return text.replace(
    VAR_REF,
    (ref: string, name: string) =>
      name !== "capture" && Object.hasOwn(vars, name) ? vars[name] ?? ref : ref,
  );
}

/**
 * Replaces the variable references of an argv element (as {@linkcode substituteVars}) and its
 * capture references `{{ .capture.ID }}` by the stored values (LANG-3).
 *
 * @example Usage
 * ```ts
 * import { substituteRefs } from "./argv_pattern.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(substituteRefs("{{ .capture.app }}@{{ .ns }}", { ns: "prod" }, { app: "web" }), "web@prod");
 * assert.equal(substituteRefs("{{ .capture.app }}", {}, {}), undefined);
 * ```
 *
 * @param text The pattern element.
 * @param vars Effective values of the declared variables.
 * @param captures The stored captures.
 * @returns The text with the references replaced, or undefined when a referenced capture is
 * not set (such an element matches nothing).
 */
export function substituteRefs(
  text: string,
  vars: Readonly<Record<string, string>>,
  captures: Readonly<Record<string, string>>,
): string | undefined {
  if (!text.includes("{{")) return text;
  const ids = captureRefs(text);
  if (ids.length === 0) return substituteVars(text, vars);
  if (!ids.every((id) => Object.hasOwn(captures, id))) return undefined;
  // One left-to-right pass, so that a value is never substituted again.
  return text.replace(
    BOTH_REFS,
    (ref: string, id: string | undefined, name: string | undefined) => {
      if (id !== undefined) return captures[id] ?? "";
      return name !== undefined && name !== "capture" && Object.hasOwn(vars, name)
        ? vars[name] ?? ref
        : ref;
    },
  );
}
