/**
 * Stdin matching (STDIN-1, STDIN-2, LANG-4): exact text after normalisation, exact bytes, or
 * a rule — a regex found anywhere, a text contained, or JSON containing a value as a subset.
 *
 * @module
 */
import type { JsonValue, StdinExpectation } from "../types.ts";
import { compileRegexPattern, searchRegex } from "./argv_pattern.ts";

/** The result of {@linkcode matchStdin}: whether stdin matches, and if not, why (for rules). */
export type StdinMatch = { readonly ok: true } | { readonly ok: false; readonly reason?: string };

const OK: StdinMatch = { ok: true };
const decoder = new TextDecoder();

/** STDIN-2: every CRLF becomes LF, then trailing LFs are removed. */
export function normaliseStdin(text: string): string {
  return text.replaceAll("\r\n", "\n").replace(/\n+$/, "");
}

/**
 * Tells whether received stdin meets a step's expectation. Text is compared after STDIN-2
 * normalisation and `!!binary` bytes exactly; `regex` searches and `contains` looks in the
 * received text with CRLF turned into LF; `json` parses stdin and checks that it contains the
 * value as a subset (objects by key — extra keys allowed —, arrays element by element with
 * the same length, scalars equal).
 *
 * @example Usage
 * ```ts
 * import { matchStdin } from "./stdin_rule.ts";
 * import assert from "node:assert/strict";
 *
 * const stdin = new TextEncoder().encode('{"kind": "Pod", "spec": {"replicas": 2}}');
 * assert.deepEqual(matchStdin({ kind: "json", value: { kind: "Pod" } }, stdin), { ok: true });
 * assert.deepEqual(matchStdin({ kind: "json", value: { spec: { replicas: 3 } } }, stdin), {
 *   ok: false,
 *   reason: "at .spec.replicas: expected 3, got 2",
 * });
 * assert.deepEqual(matchStdin({ kind: "contains", text: '"Pod"' }, stdin), { ok: true });
 * ```
 *
 * @param expected The step's expectation.
 * @param received The call's stdin (undefined: not read, counts as empty), or `"too-large"`.
 * @returns Whether it matches; for a failed rule, the reason.
 */
export function matchStdin(
  expected: StdinExpectation,
  received: Uint8Array | "too-large" | undefined,
): StdinMatch {
  if (received === "too-large") {
    return { ok: false, reason: "received more than 1 MiB; not compared" };
  }
  const bytes = received ?? new Uint8Array();
  switch (expected.kind) {
    case "binary":
      return expected.bytes.length === bytes.length &&
          expected.bytes.every((b, i) => b === bytes[i])
        ? OK
        : { ok: false };
    case "text":
      return normaliseStdin(expected.template) === normaliseStdin(decoder.decode(bytes))
        ? OK
        : { ok: false };
    case "file":
      return { ok: false };
    case "regex": {
      const regex = compileRegexPattern(expected.source);
      if (!(regex instanceof RegExp)) return { ok: false, reason: regex.error };
      return searchRegex(regex, _text(bytes))
        ? OK
        : { ok: false, reason: `regex ${JSON.stringify(expected.source)} did not match` };
    }
    case "contains":
      return _text(bytes).includes(expected.text.replaceAll("\r\n", "\n"))
        ? OK
        : { ok: false, reason: `does not contain ${JSON.stringify(expected.text)}` };
    case "json": {
      let actual: unknown;
      try {
        actual = JSON.parse(decoder.decode(bytes));
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return { ok: false, reason: `stdin is not valid JSON: ${why}` };
      }
      const reason = jsonSubsetMismatch(expected.value, actual as JsonValue);
      return reason === undefined ? OK : { ok: false, reason };
    }
  }
}

function _text(bytes: Uint8Array): string {
  return decoder.decode(bytes).replaceAll("\r\n", "\n");
}

/**
 * Explains why `actual` does not contain `expected` as a subset (LANG-4), or returns undefined
 * when it does: objects by key (extra keys allowed), arrays element by element with the same
 * length, scalars equal (`3` and `"3"` differ).
 *
 * @example Usage
 * ```ts
 * import { jsonSubsetMismatch } from "./stdin_rule.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(jsonSubsetMismatch({ a: [1, { b: true }] }, { a: [1, { b: true, c: 0 }], d: 1 }), undefined);
 * assert.equal(jsonSubsetMismatch({ a: [1] }, { a: [1, 2] }), "at .a: expected an array of 1 element, got 2");
 * assert.equal(jsonSubsetMismatch({ name: "web" }, {}), 'at .name: missing (expected "web")');
 * ```
 *
 * @param expected The value the scenario wrote.
 * @param actual The parsed stdin.
 * @param at The path of these values, for the reason (`""` for the root).
 * @returns The first difference, or undefined.
 */
export function jsonSubsetMismatch(
  expected: JsonValue,
  actual: JsonValue,
  at = "",
): string | undefined {
  const where = `at ${at === "" ? "the top" : at}`;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${where}: expected an array, got ${_kind(actual)}`;
    if (actual.length !== expected.length) {
      return `${where}: expected an array of ${_elements(expected.length)}, got ${actual.length}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const r = jsonSubsetMismatch(expected[i]!, actual[i]!, `${at}[${i}]`);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      return `${where}: expected an object, got ${_kind(actual)}`;
    }
    const obj = actual as { readonly [key: string]: JsonValue };
    for (const [key, value] of Object.entries(expected)) {
      const path = /^[A-Za-z_$][\w$]*$/.test(key)
        ? `${at}.${key}`
        : `${at}[${JSON.stringify(key)}]`;
      if (!Object.hasOwn(obj, key)) return `at ${path}: missing (expected ${_show(value)})`;
      const r = jsonSubsetMismatch(value, obj[key]!, path);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  return expected === actual
    ? undefined
    : `${where}: expected ${_show(expected)}, got ${_show(actual)}`;
}

function _elements(n: number): string {
  return `${n} ${n === 1 ? "element" : "elements"}`;
}

function _kind(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return _show(value);
}

function _show(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
