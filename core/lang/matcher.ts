/**
 * Argv matching (MATCH-2..9): does a step's argv pattern match a received argv, and if not,
 * where is the first difference.
 *
 * @module
 */

import {
  classifyPatternElement,
  type PatternElement,
  searchRegex,
  substituteVars,
} from "./argv_pattern.ts";
import type { ArgvDiff } from "../types.ts";

type Shape = PatternElement | { kind: "error"; message: string };

const NO_NAMES: ReadonlySet<string> = new Set();

/** Wildcard/regex/other shape of elements containing `{{`, memoised by element text. */
const shapes = new Map<string, Shape>();

function shapeOf(p: string): Shape {
  let shape = shapes.get(p);
  if (shape === undefined) {
    shape = classifyPatternElement(p, NO_NAMES);
    shapes.set(p, shape);
  }
  return shape;
}

/** Element match from MATCH-3 rule 2 on, for a position > 0 where `p !== v`. */
function matchesNonLiteral(
  p: string,
  v: string,
  vars: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!p.includes("{{")) return false;
  const shape = shapeOf(p);
  switch (shape.kind) {
    case "wildcard":
      return true;
    case "regex":
      return searchRegex(shape.regex, v);
    case "error":
      return false; // rejected at load time (MATCH-6); never matches here
    default:
      // Rule 4: only declared names are substituted, so an element without a declared
      // reference substitutes to itself, which already differs from `v`.
      return vars !== undefined && substituteVars(p, vars) === v;
  }
}

/**
 * Tells whether a step's argv pattern matches a received argv (MATCH-2..8): same length, and
 * each element equal (fast path), or from position 1 on a `{{ .any }}` wildcard, a
 * `{{ .regex "…" }}` found anywhere in the value, or a template whose declared variable
 * references, once substituted, equal the value. Position 0 is always literal (MATCH-5).
 * Literal elements are compared without allocating.
 *
 * @example Usage
 * ```ts
 * import { matchArgv } from "./matcher.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(matchArgv(["kubectl", "get", "pods"], ["kubectl", "get", "pods"]), true);
 * assert.equal(matchArgv(["kubectl", "-n", '{{ .regex "prod" }}'], ["kubectl", "-n", "my-prod-x"]), true);
 * assert.equal(matchArgv(["kubectl", "-n", "{{ .ns }}"], ["kubectl", "-n", "staging"], { ns: "staging" }), true);
 * assert.equal(matchArgv(["tool", "1.10"], ["tool", "1.1"]), false);
 * ```
 *
 * @param pattern The step's argv pattern; element 0 is the command name.
 * @param received The received argv.
 * @param vars Effective values of the declared variables (TPL-3); its keys are the declared
 * names. Without it, no variable reference matches.
 * @returns Whether the call matches the step.
 */
export function matchArgv(
  pattern: readonly string[],
  received: readonly string[],
  vars?: Readonly<Record<string, string>>,
): boolean {
  const n = pattern.length;
  if (n !== received.length) return false;
  for (let i = 0; i < n; i++) {
    const p = pattern[i]!;
    const v = received[i]!;
    if (p === v) continue;
    if (i === 0 || !matchesNonLiteral(p, v, vars)) return false;
  }
  return true;
}

/**
 * Tells whether one argv pattern element matches the received value at `position` (MATCH-3):
 * equal text, or from position 1 on a wildcard, a regex found in the value, or a template
 * equal to the value once its declared variables are substituted. Used to rank how close a
 * step comes to a call that matched nothing (LANG-1).
 *
 * @example Usage
 * ```ts
 * import { matchArgvElement } from "./matcher.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(matchArgvElement("{{ .any }}", "pods", 2), true);
 * assert.equal(matchArgvElement("{{ .any }}", "kubectl", 0), false);
 * ```
 *
 * @param p The pattern element.
 * @param v The received value.
 * @param position The element's 0-based position (position 0 is always literal, MATCH-5).
 * @param vars Effective values of the declared variables, as for {@linkcode matchArgv}.
 * @returns Whether the element matches.
 */
export function matchArgvElement(
  p: string,
  v: string,
  position: number,
  vars?: Readonly<Record<string, string>>,
): boolean {
  return p === v || (position > 0 && matchesNonLiteral(p, v, vars));
}

function q(text: string): string {
  return JSON.stringify(text);
}

function diffAt(
  position: number,
  p: string,
  v: string,
  vars: Readonly<Record<string, string>> | undefined,
): ArgvDiff {
  const literal: ArgvDiff = {
    position,
    kind: "literal",
    pattern: p,
    received: v,
    reason: `expected ${q(p)}, got ${q(v)}`,
  };
  if (position === 0 || !p.includes("{{")) return literal;
  const shape = shapeOf(p);
  if (shape.kind === "regex") {
    return {
      position,
      kind: "regex",
      pattern: shape.source,
      received: v,
      reason: `regex ${q(shape.source)} did not match ${q(v)}`,
    };
  }
  if (shape.kind === "literal" && vars !== undefined) {
    const element = classifyPatternElement(p, new Set(Object.keys(vars)));
    if (element.kind === "template") {
      const rendered = substituteVars(p, vars);
      return {
        position,
        kind: "template",
        pattern: rendered,
        source: p,
        received: v,
        reason: `expected ${q(rendered)}, got ${q(v)}`,
      };
    }
  }
  return literal;
}

/**
 * Explains why a pattern does not match a received argv (MATCH-9): the first position where an
 * element does not match, with its kind (`literal`, `template`, `regex`), the pattern text (the
 * literal, the regex source, or the rendered template value; `source` holds the raw template
 * element) and a reason such as `expected "pods", got "deployments"` or
 * `regex "^prod-.*" did not match "staging-app"`. When the lengths differ and all common
 * positions match, the difference is at the length of the shorter argv: kind `extra`
 * (`unexpected extra argument "x"`) or `missing` (`missing argument for pattern "y"`).
 *
 * @example Usage
 * ```ts
 * import { explainArgvMismatch } from "./matcher.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(explainArgvMismatch(["kubectl", "get", "pods"], ["kubectl", "get", "deployments"]), {
 *   position: 2,
 *   kind: "literal",
 *   pattern: "pods",
 *   received: "deployments",
 *   reason: 'expected "pods", got "deployments"',
 * });
 * assert.equal(explainArgvMismatch(["git", "status"], ["git", "status"]), undefined);
 * ```
 *
 * @param pattern The step's argv pattern; element 0 is the command name.
 * @param received The received argv.
 * @param vars Effective values of the declared variables, as for {@linkcode matchArgv}.
 * @returns The first difference, or `undefined` when the argv matches.
 */
export function explainArgvMismatch(
  pattern: readonly string[],
  received: readonly string[],
  vars?: Readonly<Record<string, string>>,
): ArgvDiff | undefined {
  const common = Math.min(pattern.length, received.length);
  for (let i = 0; i < common; i++) {
    const p = pattern[i]!;
    const v = received[i]!;
    if (p === v) continue;
    if (i === 0 || !matchesNonLiteral(p, v, vars)) return diffAt(i, p, v, vars);
  }
  if (received.length > common) {
    const extra = received[common]!;
    return {
      position: common,
      kind: "extra",
      pattern: "",
      received: extra,
      reason: `unexpected extra argument ${q(extra)}`,
    };
  }
  if (pattern.length > common) {
    const missing = pattern[common]!;
    return {
      position: common,
      kind: "missing",
      pattern: missing,
      reason: `missing argument for pattern ${q(missing)}`,
    };
  }
  return undefined;
}
