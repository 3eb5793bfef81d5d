/**
 * Verification: turns a scenario and a session's state into a {@linkcode VerifyResult}
 * (VERIFY-2, VERIFY-3, VERIFY-4, VERIFY-8, VERIFY-9).
 *
 * @module
 */

import { MAX_UNEXPECTED_CALLS } from "../limits.ts";
import type {
  Scenario,
  State,
  Step,
  VerifyError,
  VerifyResult,
  VerifyStep,
  VerifyUnexpected,
} from "../types.ts";
import { matchArgv } from "../lang/matcher.ts";

/** The `error` of a result built without a state (VERIFY-8). */
const NO_STATE: VerifyError = { kind: "no-state", message: "no state found" };

/** The `error` of a result whose state has another number of steps (VERIFY-9). */
const SCENARIO_CHANGED: VerifyError = {
  kind: "scenario-changed",
  message: "scenario changed since the session started",
};

/** Options of {@linkcode verifyState}. */
export interface VerifyStateOptions {
  /** The session id; empty or absent means no session. @default {"default"} */
  session?: string;
}

/**
 * Labels a step for reports: its argv pattern joined by single spaces, as written, prefixed with
 * `[group:<name>] ` for group members (VERIFY-4).
 *
 * @param step A flat step.
 * @returns The label, e.g. `[group:pre-flight] az account show`.
 */
export function stepLabel(step: Step): string {
  const argv = step.argv.join(" ");
  return step.group === undefined ? argv : `[group:${step.group}] ${argv}`;
}

/**
 * Checks a session's state against its scenario: every step called at least `calls.min` times
 * and no unexpected call (VERIFY-3). A missing state gives the error result `no state found`
 * (VERIFY-8); a state with another number of steps gives `scenario changed since the session
 * started` (VERIFY-9).
 *
 * @example Usage
 * ```ts
 * import { verifyState } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const text = (template: string) => ({ kind: "text" as const, template });
 * const scenario = {
 *   meta: { name: "demo", description: "", vars: {}, allowedCommands: [], denyEnvVars: [] },
 *   elements: [{ kind: "step" as const, step: 0 }],
 *   steps: [{
 *     index: 0, yamlPath: "steps[0]", argv: ["git", "fetch"],
 *     respond: { exit: 0, stdout: text(""), stderr: text(""), delayMs: 0, capture: {} },
 *     calls: { min: 1, max: 1, explicit: false },
 *   }],
 *   groups: [], blocks: [{ start: 0, end: 1 }], commands: ["git"],
 * };
 * const state = {
 *   scenarioPath: "/p/demo.yaml", scenarioHash: "h", currentStep: 0, totalSteps: 1,
 *   stepCounts: [0], lastUpdated: "2026-02-07T10:30:00.000Z", captures: {},
 *   unexpectedCalls: [], unexpectedCount: 0,
 * };
 *
 * const result = verifyState(scenario, state, {});
 * assert.equal(result.passed, false);
 * assert.equal(result.steps[0]?.label, "git fetch");
 * assert.equal(verifyState(scenario, undefined, {}).error?.kind, "no-state");
 * ```
 *
 * @param scenario The scenario being replayed.
 * @param state The session's state, or `undefined` when there is none.
 * @param opts The session the state belongs to.
 * @returns The verification result; `error` is set only for error results.
 */
export function verifyState(
  scenario: Scenario,
  state: State | undefined,
  opts: VerifyStateOptions = {},
): VerifyResult {
  const session = opts.session === undefined || opts.session === "" ? "default" : opts.session;
  const name = scenario.meta.name;
  if (state === undefined) return errorResult(name, session, NO_STATE);
  if (state.totalSteps !== scenario.steps.length) {
    return errorResult(name, session, SCENARIO_CHANGED);
  }

  const steps: VerifyStep[] = scenario.steps.map((step, i) => {
    const callCount = state.stepCounts[i] ?? 0;
    return {
      index: i,
      label: stepLabel(step),
      ...(step.group === undefined ? {} : { group: step.group }),
      ...(step.line === undefined ? {} : { line: step.line }),
      callCount,
      min: step.calls.min,
      max: step.calls.max,
      passed: callCount >= step.calls.min,
      explicitCalls: step.calls.explicit,
      // LANG-2: the answer the step is at (the last one given).
      ...(step.answers === undefined
        ? {}
        : { answer: Math.min(callCount, step.answers.length), answers: step.answers.length }),
    };
  });
  const unexpectedCalls: VerifyUnexpected[] = state.unexpectedCalls
    .slice(0, MAX_UNEXPECTED_CALLS)
    .map((call) => {
      const same = scenario.steps.find((s) =>
        matchArgv(s.argv, call.argv, scenario.meta.vars, state.captures)
      );
      return {
        argv: call.argv,
        reason: call.reason,
        stepIndex: call.stepIndex,
        ...(call.message !== undefined ? { message: call.message } : {}),
        ...(same === undefined ? {} : { argvMatchesStep: same.index }),
      };
    });
  const unexpectedCount = Math.max(state.unexpectedCount, unexpectedCalls.length);
  return {
    scenario: name,
    session,
    passed: steps.every((s) => s.passed) && unexpectedCount === 0,
    totalSteps: steps.length,
    consumedSteps: steps.filter((s) => s.callCount >= 1).length,
    steps,
    unexpectedCalls,
    unexpectedCount,
  };
}

function errorResult(scenario: string, session: string, error: VerifyError): VerifyResult {
  return {
    scenario,
    session,
    passed: false,
    totalSteps: 0,
    consumedSteps: 0,
    error,
    steps: [],
    unexpectedCalls: [],
    unexpectedCount: 0,
  };
}
