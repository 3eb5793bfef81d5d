/**
 * The step function (STEP, GROUP, CAP, STDIN, TPL): one intercepted call in, the next
 * state and the outcome out. Pure and total: it never throws for bad input.
 *
 * @module
 */
import type { Scenario, State, Subject } from "../types.ts";
import { matchArgv as defaultMatchArgv } from "../lang/matcher.ts";
import { explainArgvMismatch } from "../lang/matcher.ts";
import { isDeniedEnvVar } from "../lang/glob.ts";
import { rankClosestSteps } from "./closest.ts";
import { matchStdin } from "../lang/stdin_rule.ts";
import { readsStdin } from "./captures.ts";
import { blockAt, exhausted, recordUnexpected, satisfied, withActiveGroup } from "./_cursor.ts";
import { findRuleMiss, ruleMismatch, type RuleMiss } from "./_rule_miss.ts";
import { answerStep } from "./answer.ts";
export { answerFor } from "./answer.ts";
import type { CallInput, StepResult } from "./call.ts";
export type { CallInput, StepResult } from "./call.ts";
import { envCaptureIds, explainEnvMismatch, findForbidden } from "./call_rules.ts";

/** Options of {@linkcode newState}. */
export interface NewStateOptions {
  /** Absolute scenario path. */
  scenarioPath: string;
  /** SHA-256 (hex) of the scenario file. */
  scenarioHash: string;
  /** Creation time. */
  now: Date;
  /** The session's intercept dir, when it has one. */
  interceptDir?: string;
}

/**
 * Creates the fresh state of a new session (STATE-10): cursor 0, zero counts.
 *
 * @example Usage
 * ```ts
 * import { newState, parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const parsed = parseScenario("meta: {name: s}\nsteps:\n  - match: {argv: [git, status]}\n");
 * if (!parsed.ok) throw new Error("invalid");
 * const state = newState(parsed.scenario, { scenarioPath: "/s.yaml", scenarioHash: "h", now: new Date(0) });
 * assert.deepEqual(state.stepCounts, [0]);
 * ```
 *
 * @param scenario The scenario.
 * @param init Identity and time.
 * @returns A new state.
 */
export function newState(scenario: Scenario, init: NewStateOptions): State {
  return withActiveGroup(scenario, {
    scenarioPath: init.scenarioPath,
    scenarioHash: init.scenarioHash,
    currentStep: 0,
    totalSteps: scenario.steps.length,
    stepCounts: scenario.steps.map(() => 0),
    ...(init.interceptDir !== undefined ? { interceptDir: init.interceptDir } : {}),
    lastUpdated: init.now.toISOString(),
    captures: {},
    unexpectedCalls: [],
    unexpectedCount: 0,
  });
}

/** The result of {@linkcode effectiveVars}. */
export interface EffectiveVars {
  /** Effective value of every declared variable. */
  vars: Record<string, string>;
  /** Declared names whose environment value was suppressed by `deny_env_vars`. */
  denied: string[];
  /** Declared names whose value came from the environment (reports never show it, SEC-11). */
  fromEnv: string[];
}

/**
 * Computes the effective value of every declared variable (TPL-3, TPL-4).
 *
 * @example Usage
 * ```ts
 * import { effectiveVars, parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const parsed = parseScenario("meta: {name: s, vars: {ns: prod}}\nsteps:\n  - match: {argv: [k]}\n");
 * if (!parsed.ok) throw new Error("invalid");
 * assert.deepEqual(effectiveVars(parsed.scenario, { ns: "dev" }).vars, { ns: "dev" });
 * ```
 *
 * @param scenario The scenario declaring the variables.
 * @param env The environment of the call.
 * @returns The values and the denied names.
 */
export function effectiveVars(
  scenario: Scenario,
  env: Readonly<Record<string, string>>,
): EffectiveVars {
  const vars: Record<string, string> = {};
  const denied: string[] = [];
  const fromEnv: string[] = [];
  for (const [name, value] of Object.entries(scenario.meta.vars)) {
    const set = env[name];
    if (set !== undefined && set !== "") {
      if (isDeniedEnvVar(name, scenario.meta.denyEnvVars)) {
        denied.push(name);
        vars[name] = value;
      } else {
        vars[name] = set;
        fromEnv.push(name);
      }
    } else vars[name] = value;
  }
  return { vars, denied, fromEnv };
}

/**
 * Whether any step whose argv matches the call (ignoring counts, cursor and captures) matches
 * on stdin or takes a capture from it, so the intercept must read stdin before locking
 * (STDIN-3, LANG-3).
 *
 * @example Usage
 * ```ts
 * import { needsStdin, parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const parsed = parseScenario("meta: {name: s}\nsteps:\n  - match: {argv: [k, apply], stdin: x}\n");
 * if (!parsed.ok) throw new Error("invalid");
 * assert.equal(needsStdin(parsed.scenario, ["k", "apply"], {}), true);
 * assert.equal(needsStdin(parsed.scenario, ["k", "get"], {}), false);
 * ```
 *
 * @param scenario The scenario.
 * @param argv The received argv.
 * @param env The environment (variables in argv patterns).
 * @returns Whether stdin must be read.
 */
export function needsStdin(
  scenario: Scenario,
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
): boolean {
  let vars: Record<string, string> | undefined;
  const steps = scenario.stdinSteps?.map((i) => scenario.steps[i]!) ??
    scenario.steps.filter(readsStdin);
  for (const step of steps) {
    vars ??= effectiveVars(scenario, env).vars;
    if (defaultMatchArgv(step.argv, argv, vars, "unknown")) return true;
  }
  return false;
}

/**
 * Processes one intercepted call (STEP-3): skips exhausted blocks, searches the cursor
 * block and, past satisfied blocks, the following ones (soft-advance), and either
 * answers from the matching step or reports why nothing matched.
 *
 * @example Usage
 * ```ts
 * import { newState, parseScenario, stepCall } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const parsed = parseScenario(
 *   "meta: {name: s}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {stdout: clean}\n",
 * );
 * if (!parsed.ok) throw new Error("invalid");
 * const scenario = parsed.scenario;
 * const state = newState(scenario, { scenarioPath: "/s.yaml", scenarioHash: "h", now: new Date(0) });
 * const { state: next, outcome } = stepCall(scenario, state, {
 *   argv: ["git", "status"], env: {}, now: new Date(1),
 * });
 * assert.equal(outcome.kind, "matched");
 * assert.deepEqual(next.stepCounts, [1]);
 * ```
 *
 * @param scenario The scenario.
 * @param state The session's state before the call.
 * @param call The call.
 * @returns The next state and the outcome.
 */
export function stepCall(scenario: Scenario, state: State, call: CallInput): StepResult {
  const { steps, blocks } = scenario;
  const counts = state.stepCounts;
  const at = call.now.toISOString();
  const { vars, denied, fromEnv } = effectiveVars(scenario, call.env);
  const captures = state.captures;
  // SEC-11: reports show the templates of values from the environment, never the values.
  const hidden = () =>
    new Set([...fromEnv, ...envCaptureIds(scenario).map((id) => `capture.${id}`)]);
  const match = call.matchArgv ??
    ((p: readonly string[], r: readonly string[]) => defaultMatchArgv(p, r, vars, captures));

  // LANG-5: a forbidden call fails at once, before any step is tried.
  const forbidden = findForbidden(scenario, call.argv, vars, captures);
  if (forbidden !== undefined) {
    const message = forbidden.message !== undefined ? { message: forbidden.message } : {};
    return {
      state: recordUnexpected(state, {
        argv: [...call.argv],
        reason: "forbidden",
        stepIndex: null,
        at,
        ...message,
      }),
      outcome: {
        kind: "forbidden",
        forbidIndex: forbidden.index,
        received: [...call.argv],
        ...message,
        deniedVars: denied,
      },
    };
  }

  let b = blockAt(scenario, state.currentStep);
  while (b < blocks.length && exhausted(blocks[b]!, steps, counts)) b++;
  if (b >= blocks.length) {
    return {
      state: recordUnexpected(state, {
        argv: [...call.argv],
        reason: "complete",
        stepIndex: null,
        at,
      }),
      outcome: {
        kind: "complete",
        received: [...call.argv],
        totalSteps: steps.length,
        deniedVars: denied,
        closest: rankClosestSteps(scenario, call.argv, {
          hidden: hidden(),
          vars,
          captures,
          counts,
          from: steps.length,
          to: steps.length,
          blockedBy: steps.length,
          match,
        }),
      },
    };
  }

  const tried: Subject[] = [];
  let ruleMiss: RuleMiss | undefined;
  let subject: Subject | undefined;
  for (; b < blocks.length; b++) {
    const block = blocks[b]!;
    const candidates: number[] = [];
    const candidateCounts: number[] = [];
    for (let i = block.start; i < block.end; i++) {
      const count = counts[i] ?? 0;
      const step = steps[i]!;
      if (count >= step.calls.max) continue;
      candidates.push(i);
      candidateCounts.push(count);
      if (!match(step.argv, call.argv)) continue;
      const miss = findRuleMiss(step, call, vars, captures);
      if (miss !== undefined) {
        ruleMiss ??= miss;
        continue;
      }
      return answerStep(scenario, state, step, b, vars, denied, call, at);
    }
    subject = {
      kind: block.group === undefined ? "step" : "group",
      stepIndex: block.start,
      ...(block.group !== undefined ? { group: block.group } : {}),
      candidates,
      counts: candidateCounts,
    };
    if (satisfied(block, steps, counts) && b + 1 < blocks.length) {
      tried.push(subject);
      continue;
    }
    break;
  }
  const s = subject!;
  // LANG-1: the search tried the blocks from the first tried one to the subject's.
  const hiddenNames = hidden();
  const closest = rankClosestSteps(scenario, call.argv, {
    hidden: hiddenNames,
    vars,
    captures,
    counts,
    from: (tried[0] ?? s).stepIndex,
    to: blocks[b]?.end ?? steps.length,
    blockedBy: s.stepIndex,
    match,
    stdinDiffers: (step) => !matchStdin(step.stdin!, call.stdin).ok,
    envDiffers: (step) => explainEnvMismatch(step.env!, call.env, vars, captures)?.name,
  });
  if (ruleMiss !== undefined) return ruleMismatch(state, ruleMiss, call, denied, at, closest);
  const diff = s.kind === "step"
    ? explainArgvMismatch(steps[s.stepIndex]!.argv, call.argv, vars, captures, hiddenNames)
    : undefined;
  return {
    state: recordUnexpected(state, {
      argv: [...call.argv],
      reason: "mismatch",
      stepIndex: s.stepIndex,
      at,
    }),
    outcome: {
      kind: "mismatch",
      subject: s,
      tried,
      received: [...call.argv],
      ...(diff !== undefined ? { diff } : {}),
      deniedVars: denied,
      closest,
    },
  };
}
