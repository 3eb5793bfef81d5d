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
  return [...found].map(([command, stepNumbers]) => ({ command, stepNumbers }));
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
  const argv = scenario.steps[first - 1]?.argv ?? [v.command];
  return [
    `cli-replay: command "${v.command}" is not in the allowed commands list [${
      allowlist.join(", ")
    }]`,
    `  scenario: ${scenario.meta.name}`,
    `  used by: step ${first} ${formatArgv(argv)}`,
    "",
  ].join("\n");
}
