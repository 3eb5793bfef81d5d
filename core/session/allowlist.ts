/**
 * The command allowlist (SEC-2): the effective list, the violations and their error text.
 *
 * @module
 */

import { formatArgv } from "../report/argv_display.ts";
import type { Scenario } from "../types.ts";

/** One command of a scenario that the effective allowlist does not allow. */
export interface AllowlistViolation {
  /** The offending command name (`argv[0]`). */
  readonly command: string;
  /** 1-based step numbers of every step using the command, in order. */
  readonly stepNumbers: readonly number[];
  /** 0-based indexes of the `forbid` entries using the command (LANG-5), when any. */
  readonly forbidIndexes?: readonly number[];
}

/**
 * Computes the effective allowlist (SEC-2) from `meta.security.allowed_commands` and the
 * `--allowed-commands` flag: none when both are empty, the one that is given, or their
 * intersection in the YAML list's order. An empty intersection is `[]`, which allows nothing.
 *
 * @example Usage
 * ```ts
 * import { effectiveAllowlist } from "./allowlist.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(effectiveAllowlist([], []), undefined);
 * assert.deepEqual(effectiveAllowlist(["kubectl", "az"], []), ["kubectl", "az"]);
 * assert.deepEqual(effectiveAllowlist(["kubectl", "az", "git"], ["git", "kubectl"]), [
 *   "kubectl",
 *   "git",
 * ]);
 * assert.deepEqual(effectiveAllowlist(["kubectl"], ["docker"]), []);
 * ```
 *
 * @param yaml The scenario's `meta.security.allowed_commands` (empty = no constraint).
 * @param cli The parsed `--allowed-commands` flag (empty = no constraint).
 * @returns The allowed command names, or `undefined` when nothing constrains the commands.
 */
export function effectiveAllowlist(
  yaml: readonly string[],
  cli: readonly string[],
): string[] | undefined {
  if (yaml.length === 0 && cli.length === 0) return undefined;
  const list = yaml.length === 0
    ? cli
    : cli.length === 0
    ? yaml
    : yaml.filter((c) => cli.includes(c));
  return [...new Set(list)];
}

/**
 * Lists the scenario's commands that the allowlist does not allow (exact, case-sensitive
 * comparison), one entry per command in first-appearance order.
 *
 * @param scenario The scenario to check.
 * @param allowlist The effective allowlist; `undefined` allows everything.
 * @returns The violations; empty when every command is allowed.
 */
export function findAllowlistViolations(
  scenario: Scenario,
  allowlist: readonly string[] | undefined,
): AllowlistViolation[] {
  if (allowlist === undefined) return [];
  const found = new Map<string, number[]>();
  for (const step of scenario.steps) {
    const command = step.argv[0] ?? "";
    if (allowlist.includes(command)) continue;
    const numbers = found.get(command);
    if (numbers === undefined) found.set(command, [step.index + 1]);
    else numbers.push(step.index + 1);
  }
  // LANG-5: forbid entries get shims too, so their commands count as well.
  const forbidden = new Map<string, number[]>();
  for (const rule of scenario.forbid ?? []) {
    const command = rule.argv[0] ?? "";
    if (allowlist.includes(command)) continue;
    if (!found.has(command)) found.set(command, []);
    forbidden.set(command, [...(forbidden.get(command) ?? []), rule.index]);
  }
  return [...found].map(([command, stepNumbers]) => {
    const forbidIndexes = forbidden.get(command);
    return forbidIndexes === undefined
      ? { command, stepNumbers }
      : { command, stepNumbers, forbidIndexes };
  });
}

/**
 * Renders one violation as the three-line SEC-2 block: the command and the allowlist, the
 * scenario name, and the first step using the command.
 *
 * @param v The violation.
 * @param scenario The scenario it was found in.
 * @param allowlist The effective allowlist.
 * @returns Three lines, each ending with `"\n"`.
 */
export function renderAllowlistViolation(
  v: AllowlistViolation,
  scenario: Scenario,
  allowlist: readonly string[],
): string {
  const first = v.stepNumbers[0] ?? 0;
  const rule = first === 0 ? scenario.forbid?.[v.forbidIndexes?.[0] ?? -1] : undefined;
  const argv = scenario.steps[first - 1]?.argv ?? rule?.argv ?? [v.command];
  const usedBy = rule !== undefined ? `forbid[${rule.index}]` : `step ${first}`;
  return [
    `cli-replay: command "${v.command}" is not in the allowed commands list [${
      allowlist.join(", ")
    }]`,
    `  scenario: ${scenario.meta.name}`,
    `  used by: ${usedBy} ${formatArgv(argv)}`,
    "",
  ].join("\n");
}
