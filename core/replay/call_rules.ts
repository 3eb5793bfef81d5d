/**
 * The rules of a call besides its argv and stdin (LANG-4, LANG-5): the caller's environment a
 * step expects, and the calls a scenario forbids.
 *
 * @module
 */
import type { ForbidRule, Scenario } from "../types.ts";
import { matchArgvPrefix, matchElement } from "../lang/matcher.ts";

/** A `match.env` variable that did not match (LANG-4). */
export interface EnvMismatch {
  /** The variable. */
  readonly name: string;
  /** Its pattern, or null when it must be unset. */
  readonly expected: string | null;
  /** The caller's value, or undefined when unset. Reports never show it (SEC-11). */
  readonly received: string | undefined;
  /** Why it did not match, without the value: `must be unset`, `is not set`, `value differs`. */
  readonly reason: "must be unset" | "is not set" | "value differs";
}

/**
 * Checks the caller's environment against a step's `match.env` (LANG-4), variable by variable
 * in the order written: each pattern is an argv item (literal, `{{ .any }}`, `{{ .regex … }}`,
 * variable and capture references); `null` means the variable must be unset, and an unset
 * variable matches no pattern. The reason never contains the value (SEC-11).
 *
 * @example Usage
 * ```ts
 * import { explainEnvMismatch } from "./call_rules.ts";
 * import assert from "node:assert/strict";
 *
 * const expected = { AWS_PROFILE: "prod", DRY_RUN: null };
 * assert.equal(explainEnvMismatch(expected, { AWS_PROFILE: "prod" }, {}, {}), undefined);
 * assert.deepEqual(explainEnvMismatch(expected, { AWS_PROFILE: "dev" }, {}, {}), {
 *   name: "AWS_PROFILE", expected: "prod", received: "dev", reason: "value differs",
 * });
 * ```
 *
 * @param expected The step's `match.env`.
 * @param env The caller's environment.
 * @param vars Effective values of the declared variables.
 * @param captures The stored captures.
 * @returns The first variable that does not match, or undefined.
 */
export function explainEnvMismatch(
  expected: Readonly<Record<string, string | null>>,
  env: Readonly<Record<string, string>>,
  vars: Readonly<Record<string, string>>,
  captures: Readonly<Record<string, string>>,
): EnvMismatch | undefined {
  for (const [name, pattern] of Object.entries(expected)) {
    const received = Object.hasOwn(env, name) ? env[name] : undefined;
    const reason = pattern === null
      ? (received === undefined ? undefined : "must be unset")
      : received === undefined
      ? "is not set"
      : matchElement(pattern, received, vars, captures)
      ? undefined
      : "value differs";
    if (reason !== undefined) return { name, expected: pattern, received, reason };
  }
  return undefined;
}

/**
 * The first `forbid` entry whose argv pattern the call's argv starts with (LANG-5).
 *
 * @example Usage
 * ```ts
 * import { findForbidden } from "./call_rules.ts";
 * import assert from "node:assert/strict";
 *
 * const scenario = { forbid: [{ index: 0, yamlPath: "forbid[0]", argv: ["terraform", "destroy"] }] };
 * assert.equal(findForbidden(scenario, ["terraform", "destroy", "-auto-approve"], {}, {})?.index, 0);
 * assert.equal(findForbidden(scenario, ["terraform", "plan"], {}, {}), undefined);
 * ```
 *
 * @param scenario The scenario (only its `forbid` list is read).
 * @param argv The received argv.
 * @param vars Effective values of the declared variables.
 * @param captures The stored captures.
 * @returns The entry, or undefined.
 */
export function findForbidden(
  scenario: Pick<Scenario, "forbid">,
  argv: readonly string[],
  vars: Readonly<Record<string, string>>,
  captures: Readonly<Record<string, string>>,
): ForbidRule | undefined {
  for (const rule of scenario.forbid ?? []) {
    if (matchArgvPrefix(rule.argv, argv, vars, captures)) return rule;
  }
  return undefined;
}

/**
 * The names of the caller's environment variables a scenario reads besides its declared
 * variables: `match.env` keys and `env.NAME` capture sources (LANG-3, LANG-4). Sorted.
 *
 * @example Usage
 * ```ts
 * import { scenarioEnvNames, parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseScenario(
 *   "meta: {name: s}\nsteps:\n  - match: {argv: [aws, s3, ls], env: {AWS_PROFILE: prod}}\n",
 * );
 * if (!parsed.ok) throw new Error("invalid");
 * assert.deepEqual(scenarioEnvNames(parsed.scenario), ["AWS_PROFILE"]);
 * ```
 *
 * @param scenario The scenario.
 * @returns The names.
 */
export function scenarioEnvNames(scenario: Scenario): string[] {
  return _envSources(scenario).names;
}

/**
 * The ids of the captures a scenario takes from the caller's environment (`from: env.NAME`,
 * LANG-3): reports never show their values (SEC-11).
 *
 * @param scenario The scenario.
 * @returns The capture ids, sorted.
 */
export function envCaptureIds(scenario: Scenario): string[] {
  return _envSources(scenario).captures;
}

function _envSources(scenario: Scenario): { names: string[]; captures: string[] } {
  const names = new Set<string>();
  const captures = new Set<string>();
  for (const step of scenario.steps) {
    for (const name of Object.keys(step.env ?? {})) names.add(name);
    for (const answer of step.answers ?? [step.respond]) {
      for (const [id, from] of Object.entries(answer.captureFrom ?? {})) {
        if (from.source.kind !== "env") continue;
        names.add(from.source.name);
        captures.add(id);
      }
    }
  }
  return { names: [...names].sort(), captures: [...captures].sort() };
}
