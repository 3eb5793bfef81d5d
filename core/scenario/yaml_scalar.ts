/**
 * Writing scenario text (LANG-1): one string as a YAML scalar for a flow sequence such as
 * `argv: [kubectl, get, pods]`, plain where YAML reads it back as that same string, quoted
 * where it would not. Pure and free of npm modules: it runs on the intercept's cold path.
 *
 * @module
 */

/** Characters that may not start a plain scalar (`c-indicator`, YAML 1.2 §5.3). */
const INDICATORS = "-?:,[]{}#&*!|>'\"%@`";

/** Characters that end a plain scalar inside a flow collection (`c-flow-indicator`). */
const FLOW_INDICATORS = ",[]{}";

/**
 * Plain words that some YAML reader resolves to something other than a string: null and
 * booleans of YAML 1.2's core schema and of YAML 1.1 (`on`, `no`, `y`, …), and the 1.1 merge
 * and value keys.
 */
const NON_STRING_WORDS = new Set([
  "~",
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "on",
  "On",
  "ON",
  "off",
  "Off",
  "OFF",
  "<<",
  "=",
]);

/**
 * Plain texts that YAML 1.2 (core/JSON) or YAML 1.1 read as numbers or timestamps: integers
 * in any base with `_` separators, floats, `.inf`/`.nan`, base-60 (`1:20`) and dates.
 */
const NON_STRING_FORMS: readonly RegExp[] = [
  /^[-+]?[0-9][0-9_]*$/, // decimal, 1.1 octal, with separators
  /^[-+]?0b[01_]+$/,
  /^[-+]?0o[0-7_]+$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?$/, // 1.10, .5, 1., 1.2.3 (1.1)
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/, // 1e3, 1.5E-2, and E3 in 1.1
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/, // base 60
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/, // timestamps
];

/** Escapes of a double-quoted scalar for the characters that have a short form. */
const ESCAPES: Readonly<Record<number, string>> = {
  0x00: "\\0",
  0x07: "\\a",
  0x08: "\\b",
  0x09: "\\t",
  0x0a: "\\n",
  0x0b: "\\v",
  0x0c: "\\f",
  0x0d: "\\r",
  0x1b: "\\e",
  0x22: '\\"',
  0x5c: "\\\\",
  0x85: "\\N",
  0xa0: "\\_",
  0x2028: "\\L",
  0x2029: "\\P",
};

/**
 * Whether a code point can be written as is, inside a single line, in a plain or single-quoted
 * scalar: YAML's printable characters without tab, line breaks (CR, LF, and NEL, LS, PS, which
 * YAML 1.1 reads as breaks), the byte order mark and lone surrogates.
 */
function _isVisible(cp: number): boolean {
  return (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff && cp !== 0x2028 && cp !== 0x2029) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Whether every code point of `text` is {@linkcode _isVisible} (lone surrogates are not). */
function _allVisible(text: string): boolean {
  for (const ch of text) if (!_isVisible(ch.codePointAt(0)!)) return false;
  return true;
}

/** `ns-plain-safe(flow)`: a character that may continue a plain scalar in a flow collection. */
function _flowSafe(ch: string | undefined): boolean {
  return ch !== undefined && ch !== " " && !FLOW_INDICATORS.includes(ch);
}

/**
 * Whether `text`, written plain inside a flow sequence, is read back as exactly `text` by
 * every YAML reader (1.2 core, JSON and failsafe schemas, and 1.1).
 */
function _plainSafe(text: string): boolean {
  if (text === "" || !_allVisible(text)) return false;
  if (NON_STRING_WORDS.has(text) || NON_STRING_FORMS.some((form) => form.test(text))) {
    return false;
  }
  if (text.startsWith(" ") || text.endsWith(" ")) return false;
  const first = text[0]!;
  if (INDICATORS.includes(first) && !("-?:".includes(first) && _flowSafe(text[1]))) return false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (FLOW_INDICATORS.includes(ch)) return false;
    if (ch === "#" && text[i - 1] === " ") return false;
    if (ch === ":" && !_flowSafe(text[i + 1])) return false;
  }
  return true;
}

/**
 * Writes `text` as a one-line double-quoted YAML scalar: `\` and `"` escaped, tab, line
 * breaks and every character that is not printable as an escape (`\n`, `\x7F`, `\uFEFF`, …).
 *
 * @example Usage
 * ```ts
 * import { formatDoubleQuoted } from "./yaml_scalar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatDoubleQuoted('say "hi"\n'), '"say \\"hi\\"\\n"');
 * ```
 *
 * @param text Any string, lone surrogates included.
 * @returns The scalar, quotes included.
 */
export function formatDoubleQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const escape = ESCAPES[cp];
    if (escape !== undefined) out += escape;
    else if (_isVisible(cp)) out += ch;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return `${out}"`;
}

/**
 * Writes one item of a YAML flow sequence so that any YAML reader gives back exactly `text`:
 * plain when that is safe (`kubectl`, `-n`, `--output=json`, `a:b`, `日本`), single-quoted when
 * plain would read differently or not parse (`'on'`, `'1.10'`, `'null'`, `'a: b'`, `'#x'`,
 * `'[x'`, `','`, `'- x'`, `'{{ .any }}'`, `''`, `' padded '`), and double-quoted with escapes
 * when the text holds a tab, a line break or a character that is not printable.
 *
 * @example Usage
 * ```ts
 * import { formatFlowScalar } from "./yaml_scalar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatFlowScalar("-n"), "-n");
 * assert.equal(formatFlowScalar("1.10"), "'1.10'");
 * assert.equal(formatFlowScalar("it's on"), "it's on");
 * assert.equal(formatFlowScalar("'quoted'"), "'''quoted'''");
 * assert.equal(formatFlowScalar("a\tb"), '"a\\tb"');
 * ```
 *
 * @param text The string.
 * @returns The scalar as it goes between `[` and `]`.
 */
export function formatFlowScalar(text: string): string {
  if (_plainSafe(text)) return text;
  if (_allVisible(text)) return `'${text.replaceAll("'", "''")}'`;
  return formatDoubleQuoted(text);
}

/**
 * Writes a list of strings as a one-line YAML flow sequence, each item by
 * {@linkcode formatFlowScalar}.
 *
 * @example Usage
 * ```ts
 * import { formatFlowSequence } from "./yaml_scalar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatFlowSequence(["helm", "version", "1.10"]), "[helm, version, '1.10']");
 * ```
 *
 * @param items The strings.
 * @returns `[a, b, …]`.
 */
export function formatFlowSequence(items: readonly string[]): string {
  return `[${items.map(formatFlowScalar).join(", ")}]`;
}
