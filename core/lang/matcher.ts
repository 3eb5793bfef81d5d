/**
 * Argv matching (MATCH-2..9): does a step's argv pattern match a received argv, and if not,
 * where is the first difference.
 *
 * @module
 */

import {
  captureRefs,
  classifyPatternElement,
  type PatternElement,
  searchRegex,
  substituteRefs,
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

/**
 * The stored captures an argv pattern sees (LANG-3), or `"unknown"` to let every element with
 * a capture reference match (for decisions taken before the state is read, STDIN-3).
 */
export type CaptureValues = Readonly<Record<string, string>> | "unknown";

const NO_CAPTURES: Readonly<Record<string, string>> = {};

/** Element match from MATCH-3 rule 2 on, for a position > 0 where `p !== v`. */
function matchesNonLiteral(
  p: string,
  v: string,
  vars: Readonly<Record<string, string>> | undefined,
  captures: CaptureValues | undefined,
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
    default: {
      // Rule 4: only declared names are substituted, so an element without a declared
      // reference substitutes to itself, which already differs from `v`.
      if (!p.includes(".capture.")) return vars !== undefined && substituteVars(p, vars) === v;
      if (captures === "unknown") {
        return captureRefs(p).length > 0 || substituteVars(p, vars ?? {}) === v;
      }
      return substituteRefs(p, vars ?? {}, captures ?? NO_CAPTURES) === v;
    }
  }
}

/**
 * Tells whether one value matches one pattern element with the rules of an argv item from
 * position 1 on (MATCH-3, LANG-3): literal, `{{ .any }}`, `{{ .regex "…" }}`, or references to
 * variables and captures substituted and then compared exactly.
 *
 * @example Usage
 * ```ts
 * import { matchElement } from "./matcher.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(matchElement('{{ .regex "^prod" }}', "prod-eu"), true);
 * assert.equal(matchElement("{{ .capture.app }}", "web", {}, { app: "web" }), true);
 * assert.equal(matchElement("{{ .capture.app }}", "web", {}, {}), false);
 * ```
 *
 * @param p The pattern element.
 * @param v The value.
 * @param vars Effective values of the declared variables.
 * @param captures The stored captures.
 * @returns Whether the value matches.
 */
export function matchElement(
  p: string,
  v: string,
  vars?: Readonly<Record<string, string>>,
  captures?: CaptureValues,
): boolean {
  return p === v || matchesNonLiteral(p, v, vars, captures);
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
 * @param captures The stored captures (LANG-3): `{{ .capture.ID }}` is substituted, and an
 * element referencing an unset capture matches nothing. Without it, no capture is set.
 * @returns Whether the call matches the step.
 */
export function matchArgv(
  pattern: readonly string[],
  received: readonly string[],
  vars?: Readonly<Record<string, string>>,
  captures?: CaptureValues,
): boolean {
  const n = pattern.length;
  if (n !== received.length) return false;
  return _matchPrefix(pattern, received, n, vars, captures);
}

/**
 * Tells whether an argv starts with a pattern (LANG-5): at least as many elements, and the
 * first ones matching as in {@linkcode matchArgv}.
 *
 * @example Usage
 * ```ts
 * import { matchArgvPrefix } from "./matcher.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(matchArgvPrefix(["terraform", "destroy"], ["terraform", "destroy", "-auto-approve"]), true);
 * assert.equal(matchArgvPrefix(["terraform", "destroy"], ["terraform"]), false);
 * ```
 *
 * @param pattern The prefix pattern; element 0 is the command name.
 * @param received The received argv.
 * @param vars Effective values of the declared variables.
 * @param captures The stored captures.
 * @returns Whether the argv starts with the pattern.
 */
export function matchArgvPrefix(
  pattern: readonly string[],
  received: readonly string[],
  vars?: Readonly<Record<string, string>>,
  captures?: CaptureValues,
): boolean {
  const n = pattern.length;
  if (n > received.length) return false;
  return _matchPrefix(pattern, received, n, vars, captures);
}

function _matchPrefix(
  pattern: readonly string[],
  received: readonly string[],
  n: number,
  vars: Readonly<Record<string, string>> | undefined,
  captures: CaptureValues | undefined,
): boolean {
  for (let i = 0; i < n; i++) {
    const p = pattern[i]!;
    const v = received[i]!;
    if (p === v) continue;
    if (i === 0 || !matchesNonLiteral(p, v, vars, captures)) return false;
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
 * @param captures The stored captures, as for {@linkcode matchArgv}.
 * @returns Whether the element matches.
 */
export function matchArgvElement(
  p: string,
  v: string,
  position: number,
  vars?: Readonly<Record<string, string>>,
  captures?: CaptureValues,
): boolean {
  return p === v || (position > 0 && matchesNonLiteral(p, v, vars, captures));
}

function q(text: string): string {
  return JSON.stringify(text);
}

function diffAt(
  position: number,
  p: string,
  v: string,
  vars: Readonly<Record<string, string>> | undefined,
  captures: Readonly<Record<string, string>>,
  hidden: ReadonlySet<string> | undefined,
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
  const plain = shape.kind === "literal" || shape.kind === "template";
  const template = { position, kind: "template", source: p, received: v } as const;
  if (plain && p.includes(".capture.")) {
    const unset = captureRefs(p).filter((id) => !Object.hasOwn(captures, id));
    if (unset.length > 0) {
      return { ...template, pattern: p, reason: `capture ${q(unset[0]!)} is not set` };
    }
  }
  if (plain && (vars !== undefined || p.includes(".capture."))) {
    const element = classifyPatternElement(p, new Set(Object.keys(vars ?? {})));
    if (element.kind === "template") {
      if (hidden !== undefined && _usesHidden(element, hidden)) {
        // SEC-11: the value came from the environment; show the template, not the value.
        return {
          ...template,
          pattern: p,
          reason: `expected ${q(p)} (a value from the environment, not shown), got ${q(v)}`,
          hidden: true,
        };
      }
      const rendered = substituteRefs(p, vars ?? {}, captures) ?? p;
      return { ...template, pattern: rendered, reason: `expected ${q(rendered)}, got ${q(v)}` };
    }
  }
  return literal;
}

function _usesHidden(
  element: { refs: readonly string[]; captures?: readonly string[] },
  hidden: ReadonlySet<string>,
): boolean {
  return element.refs.some((name) => hidden.has(name)) ||
    (element.captures ?? []).some((id) => hidden.has(`capture.${id}`));
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
 * @param captures The stored captures, as for {@linkcode matchArgv}.
 * @param hidden Variables and `capture.<id>`s whose values came from the environment: a
 * template using one is shown as written, its value never (SEC-11).
 * @returns The first difference, or `undefined` when the argv matches.
 */
export function explainArgvMismatch(
  pattern: readonly string[],
  received: readonly string[],
  vars?: Readonly<Record<string, string>>,
  captures: Readonly<Record<string, string>> = NO_CAPTURES,
  hidden?: ReadonlySet<string>,
): ArgvDiff | undefined {
  const common = Math.min(pattern.length, received.length);
  for (let i = 0; i < common; i++) {
    const p = pattern[i]!;
    const v = received[i]!;
    if (p === v) continue;
    if (i === 0 || !matchesNonLiteral(p, v, vars, captures)) {
      return diffAt(i, p, v, vars, captures, hidden);
    }
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
