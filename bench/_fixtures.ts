/**
 * Scenario texts, parsed scenarios and states for the benchmarks. Built once, at module
 * load, outside every bench `fn`.
 *
 * @module
 */
import type { Scenario, State } from "../core/types.ts";
import { parseScenario } from "../core/scenario/parse.ts";
import { newState, stepCall } from "../core/replay/engine.ts";

/** The call every intercept benchmark makes: the scenario's last step. */
export const LAST_ARGV: readonly string[] = ["git", "status"];

/** What the last step answers. */
export const LAST_STDOUT = "nothing to commit, working tree clean\n";

/** A `calls.max` no benchmark run can exhaust. */
export const HUGE_MAX = 1_000_000_000;

/** Argv of the ordered step `i` (all but the last): `git log -n <i>`. */
export function stepArgv(i: number): string[] {
  return ["git", "log", "-n", String(i)];
}

/** Options of {@linkcode scenarioYaml}. */
export interface ScenarioYamlOptions {
  /** Every step optional (`min: 0`), so a run that calls nothing still verifies. */
  optional?: boolean;
  /** `calls.max` of the last step. @default {HUGE_MAX} */
  lastMax?: number;
}

/**
 * A scenario of `size` ordered steps: `git log -n <i>` for `i < size - 1`, each answering
 * one line, then `git status` with a `calls.max` that never runs out.
 */
export function scenarioYaml(size: number, options: ScenarioYamlOptions = {}): string {
  const calls = options.optional === true ? "\n    calls: {min: 0, max: 1}" : "";
  const lines = [`meta:`, `  name: bench-${size}`, `steps:`];
  for (let i = 0; i < size - 1; i++) {
    lines.push(
      `  - match: {argv: ${JSON.stringify(stepArgv(i))}}`,
      `    respond: {stdout: ${JSON.stringify(`commit ${i} subject line\n`)}}${calls}`,
    );
  }
  const min = options.optional === true ? 0 : 1;
  lines.push(
    `  - match: {argv: ${JSON.stringify(LAST_ARGV)}}`,
    `    respond: {stdout: ${JSON.stringify(LAST_STDOUT)}}`,
    `    calls: {min: ${min}, max: ${options.lastMax ?? HUGE_MAX}}`,
  );
  return lines.join("\n") + "\n";
}

/** Argv of member `i` of the bench group: `kubectl get <resource-i>`. */
export function memberArgv(i: number): string[] {
  return ["kubectl", "get", `resource-${i}`];
}

/** One unordered group of `members` steps, followed by one ordered step. */
export function groupScenarioYaml(members: number): string {
  const lines = [
    `meta:`,
    `  name: bench-group-${members}`,
    `steps:`,
    `  - group:`,
    `      mode: unordered`,
    `      name: pre-flight`,
    `      steps:`,
  ];
  for (let i = 0; i < members; i++) {
    lines.push(
      `        - match: {argv: ${JSON.stringify(memberArgv(i))}}`,
      `          respond: {stdout: ${JSON.stringify(`resource ${i}\n`)}}`,
    );
  }
  lines.push(`  - match: {argv: ["kubectl", "apply", "-f", "app.yaml"]}`);
  return lines.join("\n") + "\n";
}

/** Parses a scenario text; throws when it is invalid (a broken fixture). */
export function parseOrThrow(yaml: string): Scenario {
  const parsed = parseScenario(yaml, { file: "bench.yaml" });
  if (!parsed.ok) {
    throw new Error(`bench fixture is invalid: ${JSON.stringify(parsed.diagnostics[0])}`);
  }
  return parsed.scenario;
}

/** The fixed time of every benchmark call. */
export const NOW = new Date("2026-02-07T10:30:00.000Z");

/** A fresh state (cursor 0, zero counts). */
export function freshState(scenario: Scenario): State {
  return newState(scenario, {
    scenarioPath: "/bench/s.yaml",
    scenarioHash: "0".repeat(64),
    now: NOW,
  });
}

/**
 * Drives `calls` through {@linkcode stepCall} from `state`, as the intercept would, and
 * returns the resulting state; throws when one of them does not match (a broken fixture).
 */
export function replayCalls(
  scenario: Scenario,
  state: State,
  calls: readonly (readonly string[])[],
): State {
  let current = state;
  for (const argv of calls) {
    const { state: next, outcome } = stepCall(scenario, current, { argv, env: {}, now: NOW });
    if (outcome.kind !== "matched") {
      throw new Error(`bench fixture: ${JSON.stringify(argv)} gave ${outcome.kind}`);
    }
    current = next;
  }
  return current;
}

/** The argv of every ordered step before the last, in order. */
export function priorCalls(size: number): string[][] {
  return Array.from({ length: size - 1 }, (_, i) => stepArgv(i));
}

/**
 * The state after every step before the last was called once and the last step `prior`
 * times: the cursor is on the last step, counts are non-zero.
 */
export function stateAtLastStep(scenario: Scenario, prior = 3): State {
  const size = scenario.steps.length;
  const calls = [...priorCalls(size), ...Array.from({ length: prior }, () => [...LAST_ARGV])];
  const state = replayCalls(scenario, freshState(scenario), calls);
  if (state.currentStep !== size - 1) {
    throw new Error(`bench fixture: cursor at ${state.currentStep}, wanted ${size - 1}`);
  }
  return state;
}
