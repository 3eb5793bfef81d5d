/**
 * A candidate step whose argv matched but whose environment or stdin did not (STDIN-6,
 * LANG-4), and the unexpected-call outcome it becomes. Private to the engine.
 *
 * @module
 */
import type { ClosestStep, State, Step } from "../types.ts";
import { matchStdin } from "../lang/stdin_rule.ts";
import { type EnvMismatch, explainEnvMismatch } from "./call_rules.ts";
import type { CallInput, StepResult } from "./call.ts";
import { recordUnexpected } from "./_cursor.ts";

/** A candidate whose argv matched but whose environment or stdin did not (STDIN-6, LANG-4). */
export type RuleMiss =
  | { readonly kind: "env"; readonly step: Step; readonly env: EnvMismatch }
  | { readonly kind: "stdin"; readonly step: Step; readonly reason?: string };

export function findRuleMiss(
  step: Step,
  call: CallInput,
  vars: Readonly<Record<string, string>>,
  captures: Readonly<Record<string, string>>,
): RuleMiss | undefined {
  if (step.env !== undefined) {
    const env = explainEnvMismatch(step.env, call.env, vars, captures);
    if (env !== undefined) return { kind: "env", step, env };
  }
  if (step.stdin !== undefined) {
    const r = matchStdin(step.stdin, call.stdin);
    if (!r.ok) {
      return { kind: "stdin", step, ...(r.reason !== undefined ? { reason: r.reason } : {}) };
    }
  }
  return undefined;
}

export function ruleMismatch(
  state: State,
  miss: RuleMiss,
  call: CallInput,
  denied: readonly string[],
  at: string,
  closest: readonly ClosestStep[],
): StepResult {
  const stepIndex = miss.step.index;
  const argv = [...call.argv];
  const next = recordUnexpected(state, { argv, reason: miss.kind, stepIndex, at });
  if (miss.kind === "env") {
    return {
      state: next,
      outcome: {
        kind: "env-mismatch",
        stepIndex,
        ...miss.env,
        argv,
        deniedVars: denied,
        closest,
      },
    };
  }
  return {
    state: next,
    outcome: {
      kind: "stdin-mismatch",
      stepIndex,
      expected: miss.step.stdin!,
      received: call.stdin ?? new Uint8Array(),
      argv,
      ...(miss.reason !== undefined ? { reason: miss.reason } : {}),
      deniedVars: denied,
      closest,
    },
  };
}
