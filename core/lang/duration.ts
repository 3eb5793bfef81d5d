/**
 * Go duration syntax (SCN-10): `300ms`, `1.5h`, `1h30m`, `-2s`, `0`.
 *
 * @module
 */

/** Nanoseconds per unit, as Go's `time.ParseDuration` knows them. */
const UNIT_NS: ReadonlyMap<string, number> = new Map([
  ["ns", 1],
  ["us", 1e3],
  ["\u00b5s", 1e3], // µs, MICRO SIGN
  ["\u03bcs", 1e3], // μs, GREEK SMALL LETTER MU
  ["ms", 1e6],
  ["s", 1e9],
  ["m", 60e9],
  ["h", 3600e9],
]);

/** Go rejects durations beyond the range of an int64 of nanoseconds. */
const MAX_NS = 9223372036854775807;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Parses a duration written in Go's syntax (SCN-10) and returns it in milliseconds.
 *
 * The grammar is an optional sign (`+` or `-`), then one or more `<number><unit>` pairs, where
 * the number is decimal with an optional fraction (`1`, `1.5`, `.5`; Go also accepts `1.`) and
 * the unit is one of `ns`, `us`, `µs` (U+00B5), `μs` (U+03BC), `ms`, `s`, `m`, `h`. The bare
 * string `0` (optionally signed) is valid too. Nothing else is accepted: no whitespace, no
 * missing unit, no unknown unit. Like Go, a total beyond ±2^63-1 nanoseconds is invalid.
 *
 * @example Usage
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseDuration("1h30m"), 5_400_000);
 * assert.equal(parseDuration("300ms"), 300);
 * assert.equal(parseDuration("-1.5s"), -1500);
 * assert.equal(parseDuration("5"), undefined);
 * ```
 *
 * @param text The duration as written, e.g. `"2s"`.
 * @returns The duration in milliseconds (possibly fractional or negative), or `undefined` when
 * `text` is not a valid duration.
 */
export function parseDuration(text: string): number | undefined {
  let i = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === 45 /* - */ || first === 43 /* + */) {
    negative = first === 45;
    i = 1;
  }
  if (text.length - i === 1 && text.charCodeAt(i) === 48 /* 0 */) return 0;
  if (i >= text.length) return undefined;

  let totalNs = 0;
  while (i < text.length) {
    // Integer part.
    const intStart = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    const intDigits = text.slice(intStart, i);
    // Fraction.
    let fracDigits = "";
    if (text.charCodeAt(i) === 46 /* . */) {
      i++;
      const fracStart = i;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      // Digits beyond nanosecond precision of an hour cannot change the result.
      fracDigits = text.slice(fracStart, Math.min(i, fracStart + 18));
    }
    if (intDigits === "" && fracDigits === "") return undefined;
    // Unit: everything up to the next digit or dot.
    const unitStart = i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 46 || isDigit(c)) break;
      i++;
    }
    const unitNs = UNIT_NS.get(text.slice(unitStart, i));
    if (unitNs === undefined) return undefined;
    let ns = (intDigits === "" ? 0 : Number(intDigits)) * unitNs;
    if (fracDigits !== "") ns += Number(fracDigits) * (unitNs / 10 ** fracDigits.length);
    totalNs += ns;
    if (!(totalNs <= MAX_NS)) return undefined;
  }
  const ms = totalNs / 1e6;
  return negative && ms !== 0 ? -ms : ms;
}
