/**
 * Redaction of secrets (RECM-2): the values of secret-named environment variables and the
 * matches of `--redact` patterns are cut out of what a recording writes. In output and stdin
 * they become `[REDACTED:<NAME>]` (or `[REDACTED]`); an argv item becomes a pattern that
 * accepts any value in the redacted part and keeps the rest exact. Pure.
 *
 * @module
 */

import { decodeUtf8 } from "./_bytes.ts";

/**
 * The names of environment variables whose values are secrets by default (RECM-2):
 * globs, compared without regard to letter case.
 */
export const SECRET_NAME_PATTERNS: readonly string[] = [
  "*TOKEN*",
  "*SECRET*",
  "*PASSWORD*",
  "*PASSWD*",
  "*API_KEY*",
  "*APIKEY*",
  "*PRIVATE_KEY*",
  "*CREDENTIAL*",
  "AWS_ACCESS_KEY_ID",
  "*_PAT",
];

/** Shorter values are not redacted: they would match ordinary text (RECM-2). */
export const MIN_SECRET_LENGTH = 6;

/** The label of a value found by a `--redact` pattern. */
export const REGEX_LABEL = "regex";

const SECRET_NAME_RE = new RegExp(
  `^(?:${
    SECRET_NAME_PATTERNS.map((glob) =>
      glob.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")
    ).join("|")
  })$`,
  "i",
);

/**
 * Whether a variable's name marks its value as a secret (RECM-2).
 *
 * @example Usage
 * ```ts
 * import { isSecretName } from "./redact.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isSecretName("GITHUB_TOKEN"), true);
 * assert.equal(isSecretName("gitlab_pat"), true);
 * assert.equal(isSecretName("HOME"), false);
 * ```
 *
 * @param name The variable's name.
 * @returns Whether it matches {@linkcode SECRET_NAME_PATTERNS}.
 */
export function isSecretName(name: string): boolean {
  return SECRET_NAME_RE.test(name);
}

/** Options of {@linkcode pickSecrets}. */
export interface PickSecretsOptions {
  /** Whether the default name patterns apply. @default {true} */
  defaults?: boolean;
  /** More variable names whose values are secrets (`--env NAME`). @default {[]} */
  names?: readonly string[];
}

/**
 * Picks the secrets out of an environment: the variables whose names are secret (by default)
 * or listed, with values of at least {@linkcode MIN_SECRET_LENGTH} characters.
 *
 * @example Usage
 * ```ts
 * import { pickSecrets } from "./redact.ts";
 * import assert from "node:assert/strict";
 * const env = { GITHUB_TOKEN: "ghp_abcdef123", MY_PIN: "1234", HOME: "/home/me", DB_URL: "postgres://u:pw@db" };
 * assert.deepEqual(pickSecrets(env), { GITHUB_TOKEN: "ghp_abcdef123" });
 * assert.deepEqual(pickSecrets(env, { defaults: false, names: ["DB_URL"] }), { DB_URL: "postgres://u:pw@db" });
 * ```
 *
 * @param env The environment.
 * @param options Whether the defaults apply, and more names.
 * @returns Name to value.
 */
export function pickSecrets(
  env: Readonly<Record<string, string>>,
  options: PickSecretsOptions = {},
): Record<string, string> {
  const names = new Set(options.names ?? []);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    if (names.has(name) || (options.defaults !== false && isSecretName(name))) out[name] = value;
  }
  return out;
}

/** What to redact. */
export interface RedactRules {
  /** Secret values by the name of their variable. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Patterns: the whole match, or its first group when it has one, is redacted. */
  readonly patterns: readonly RegExp[];
}

/**
 * Compiles a `--redact` pattern (JavaScript regular expression syntax).
 *
 * @example Usage
 * ```ts
 * import { compileRedactPattern } from "./redact.ts";
 * import assert from "node:assert/strict";
 * assert.ok(compileRedactPattern("Bearer (\\S+)") instanceof RegExp);
 * assert.equal(typeof compileRedactPattern("(unclosed"), "string");
 * ```
 *
 * @param source The pattern as given.
 * @returns The regex, or why it is not one.
 */
export function compileRedactPattern(source: string): RegExp | string {
  if (source === "") return "the pattern is empty";
  try {
    return new RegExp(source, "gdu");
  } catch {
    try {
      return new RegExp(source, "gd");
    } catch (error) {
      return error instanceof Error
        ? error.message.replace(/^Invalid regular expression: /, "")
        : String(error);
    }
  }
}

/** What a redacted value became: `[REDACTED]` or `[REDACTED:NAME]`. */
const PLACEHOLDER = /^\[REDACTED(?::[^\]\s]*)?\]$/;

/** A part of a text to redact. */
interface Span {
  start: number;
  end: number;
  label: string;
}

/** The parts of `text` to redact, sorted, without overlaps (an overlap joins two parts). */
function _spans(text: string, rules: RedactRules): Span[] {
  const found: (Span & { rank: number })[] = [];
  const names = Object.keys(rules.secrets).sort();
  for (const name of names) {
    const value = rules.secrets[name]!;
    if (value.length < MIN_SECRET_LENGTH) continue;
    for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + value.length)) {
      found.push({ start: at, end: at + value.length, label: name, rank: 0 });
    }
  }
  for (const pattern of rules.patterns) {
    const flags = [...new Set(`${pattern.flags}gd`)].join("");
    for (const match of text.matchAll(new RegExp(pattern.source, flags))) {
      const indices = match.indices;
      const range = indices?.[1] ?? (match.length > 1 ? undefined : indices?.[0]);
      if (range === undefined || range[1] <= range[0]) continue;
      // a placeholder of an earlier redaction stays as it is
      if (PLACEHOLDER.test(text.slice(range[0], range[1]))) continue;
      found.push({ start: range[0], end: range[1], label: REGEX_LABEL, rank: 1 });
    }
  }
  found.sort((a, b) => a.start - b.start || a.rank - b.rank || b.end - a.end);
  const spans: Span[] = [];
  for (const span of found) {
    const last = spans.at(-1);
    if (last !== undefined && span.start < last.end) last.end = Math.max(last.end, span.end);
    else spans.push({ start: span.start, end: span.end, label: span.label });
  }
  return spans;
}

/** A redacted text and what was cut out of it. */
export interface RedactedText {
  /** The text with every redacted part replaced. */
  readonly text: string;
  /** One label per redacted part: the variable's name, or `regex`. */
  readonly labels: readonly string[];
}

/**
 * Redacts a text: every secret value and pattern match becomes `[REDACTED:<NAME>]`
 * (`[REDACTED]` for a pattern).
 *
 * @example Usage
 * ```ts
 * import { redactText } from "./redact.ts";
 * import assert from "node:assert/strict";
 * const rules = { secrets: { GITHUB_TOKEN: "ghp_abc123" }, patterns: [/Bearer (\S+)/gd] };
 * assert.deepEqual(redactText("token ghp_abc123; Authorization: Bearer xyz\n", rules), {
 *   text: "token [REDACTED:GITHUB_TOKEN]; Authorization: Bearer [REDACTED]\n",
 *   labels: ["GITHUB_TOKEN", "regex"],
 * });
 * ```
 *
 * @param text The text.
 * @param rules What to redact.
 * @returns The redacted text and the labels of what was cut.
 */
export function redactText(text: string, rules: RedactRules): RedactedText {
  const spans = _spans(text, rules);
  if (spans.length === 0) return { text, labels: [] };
  let out = "";
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) +
      (span.label === REGEX_LABEL ? "[REDACTED]" : `[REDACTED:${span.label}]`);
    at = span.end;
  }
  return { text: out + text.slice(at), labels: spans.map((s) => s.label) };
}

/** Escapes a literal for a regex: the syntax characters get a backslash. */
function _escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

/**
 * Redacts one argv item: an item holding a secret becomes a pattern that accepts any value
 * in the redacted parts and keeps the rest exact — `{{ .any }}` when the whole item is
 * secret, otherwise an anchored `{{ .regex "…" }}` (MATCH-5, MATCH-6).
 *
 * @example Usage
 * ```ts
 * import { redactArgvItem } from "./redact.ts";
 * import assert from "node:assert/strict";
 * const rules = { secrets: { API_TOKEN: "secret123" }, patterns: [] };
 * assert.equal(redactArgvItem("--token=secret123", rules).item, '{{ .regex "^--token=.*$" }}');
 * assert.equal(redactArgvItem("secret123", rules).item, "{{ .any }}");
 * assert.equal(redactArgvItem("--verbose", rules).item, "--verbose");
 * ```
 *
 * @param item The item as received.
 * @param rules What to redact.
 * @returns The item to write and the labels of what was cut.
 */
export function redactArgvItem(
  item: string,
  rules: RedactRules,
): { readonly item: string; readonly labels: readonly string[] } {
  const spans = _spans(item, rules);
  if (spans.length === 0) return { item, labels: [] };
  const labels = spans.map((s) => s.label);
  if (spans.length === 1 && spans[0]!.start === 0 && spans[0]!.end === item.length) {
    return { item: "{{ .any }}", labels };
  }
  let body = "^";
  let at = 0;
  for (const span of spans) {
    const secret = item.slice(span.start, span.end);
    body += _escapeRegex(item.slice(at, span.start)) + (/[\n\r]/.test(secret) ? "[\\s\\S]*" : ".*");
    at = span.end;
  }
  body += `${_escapeRegex(item.slice(at))}$`;
  return { item: `{{ .regex "${body}" }}`, labels };
}

/** Encodes a string whose code points are all below 256 as one byte each. */
function _latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Reads bytes as latin1 text: one character per byte, so any bytes round-trip. */
function _latin1Text(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/**
 * Redacts recorded bytes: as text when they are UTF-8, otherwise byte for byte (secrets are
 * searched for as their UTF-8 bytes; the placeholders are ASCII).
 *
 * @param bytes The recorded bytes.
 * @param rules What to redact.
 * @returns The redacted bytes and the labels of what was cut.
 */
export function redactBytes(
  bytes: Uint8Array,
  rules: RedactRules,
): { readonly bytes: Uint8Array; readonly labels: readonly string[] } {
  if (bytes.length === 0) return { bytes, labels: [] };
  const text = decodeUtf8(bytes);
  if (text !== undefined) {
    const redacted = redactText(text, rules);
    return redacted.labels.length === 0
      ? { bytes, labels: [] }
      : { bytes: new TextEncoder().encode(redacted.text), labels: redacted.labels };
  }
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(rules.secrets)) {
    secrets[name] = _latin1Text(new TextEncoder().encode(value));
  }
  const redacted = redactText(_latin1Text(bytes), { secrets, patterns: rules.patterns });
  return redacted.labels.length === 0
    ? { bytes, labels: [] }
    : { bytes: _latin1Bytes(redacted.text), labels: redacted.labels };
}
