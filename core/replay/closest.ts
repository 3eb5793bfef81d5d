/**
 * Which steps come closest to a call that no step answered, and why each did not answer it
 * (LANG-1). Pure; the engine calls it only on the mismatch path.
 *
 * @module
 */
import type { ClosestStep, Scenario, Step, StepDifference } from "../types.ts";
import { explainArgvMismatch, matchArgv, matchArgvElement } from "../lang/matcher.ts";

/** How many steps a mismatch report proposes (LANG-1). */
export const CLOSEST_LIMIT = 3;

/** What {@linkcode rankClosestSteps} needs to know about the search that failed. */
export interface ClosestOptions {
  /** Effective values of the declared variables (TPL-3). */
  readonly vars: Readonly<Record<string, string>>;
  /** The stored captures (LANG-3). @default {{}} */
  readonly captures?: Readonly<Record<string, string>>;
  /**
   * Variables and `capture.<id>`s whose values came from the environment: differences show
   * their templates, not their values (SEC-11). @default {undefined} (none)
   */
  readonly hidden?: ReadonlySet<string>;
  /** Call counts before the call. */
  readonly counts: readonly number[];
  /** First flat index the search tried; steps before it were passed by the cursor. */
  readonly from: number;
  /** One past the last flat index the search tried; steps from here were not reached. */
  readonly to: number;
  /** The step (or group's first step) that stopped the search, for `not-yet`. */
  readonly blockedBy: number;
  /** The engine's argv matcher (a custom one of LIB-4). @default {matchArgv with `vars`} */
  readonly match?: (pattern: readonly string[], received: readonly string[]) => boolean;
  /**
   * Whether the step's stdin expectation rejects the call's stdin.
   * @default {() => true} (a step that matches on stdin is taken to have failed on it)
   */
  readonly stdinDiffers?: (step: Step) => boolean;
  /**
   * The `match.env` variable of the step that rejects the caller's environment (LANG-4), or
   * undefined. @default {() => undefined}
   */
  readonly envDiffers?: (step: Step) => string | undefined;
  /** How many steps to return. @default {CLOSEST_LIMIT} */
  readonly limit?: number;
}

interface Scored extends ClosestStep {
  readonly full: boolean;
}

/**
 * Ranks the steps of a scenario by how close their argv comes to a received argv (LANG-1) and
 * says for each why it did not answer. The score, best first:
 *
 * 1. steps whose whole argv matches (they failed on something else: stdin, their call count,
 *    their place in the order);
 * 2. then the longest matching prefix: how many positions from `argv[0]` on match;
 * 3. then the most matching positions in all (up to the shorter argv's length);
 * 4. ties keep step order.
 *
 * Steps whose command (`argv[0]`) differs are never listed. Positions match as in MATCH-3.
 *
 * @example Usage
 * ```ts
 * import { rankClosestSteps } from "./closest.ts";
 * import { parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseScenario(
 *   "meta: {name: s}\nsteps:\n  - match: {argv: [git, fetch]}\n  - match: {argv: [git, log, -1]}\n",
 * );
 * if (!parsed.ok) throw new Error("invalid");
 * const closest = rankClosestSteps(parsed.scenario, ["git", "log", "-2"], {
 *   vars: {}, counts: [1, 0], from: 1, to: 2, blockedBy: 1,
 * });
 * assert.deepEqual(closest.map((c) => [c.stepIndex, c.prefix, c.matched]), [[1, 2, 2], [0, 1, 1]]);
 * ```
 *
 * @param scenario The scenario.
 * @param argv The received argv.
 * @param opts The variables, counts and the range the search tried.
 * @returns Up to `limit` steps, best first.
 */
export function rankClosestSteps(
  scenario: Scenario,
  argv: readonly string[],
  opts: ClosestOptions,
): ClosestStep[] {
  const match = opts.match ?? ((p, r) => matchArgv(p, r, opts.vars, opts.captures));
  const scored: Scored[] = [];
  for (const step of scenario.steps) {
    if (match(step.argv, argv)) {
      scored.push({
        stepIndex: step.index,
        prefix: argv.length,
        matched: argv.length,
        difference: _whyNotAnswered(step, opts),
        full: true,
      });
      continue;
    }
    const { prefix, matched } = _overlap(step.argv, argv, opts.vars, opts.captures);
    if (prefix === 0) continue;
    scored.push({
      stepIndex: step.index,
      prefix,
      matched,
      difference: { kind: "argv" },
      full: false,
    });
  }
  scored.sort((a, b) =>
    Number(b.full) - Number(a.full) || b.prefix - a.prefix || b.matched - a.matched ||
    a.stepIndex - b.stepIndex
  );
  // Only the steps shown get their first difference explained (MATCH-9).
  return scored.slice(0, opts.limit ?? CLOSEST_LIMIT).map(({ full, ...rest }) => {
    if (full) return rest;
    const diff = explainArgvMismatch(
      scenario.steps[rest.stepIndex]!.argv,
      argv,
      opts.vars,
      opts.captures,
      opts.hidden,
    );
    return diff === undefined ? rest : { ...rest, difference: { kind: "argv", diff } };
  });
}

/** The matching prefix length and the number of matching positions. */
function _overlap(
  pattern: readonly string[],
  argv: readonly string[],
  vars: Readonly<Record<string, string>>,
  captures: Readonly<Record<string, string>> | undefined,
): { prefix: number; matched: number } {
  const common = Math.min(pattern.length, argv.length);
  let prefix = 0;
  let matched = 0;
  for (let i = 0; i < common; i++) {
    if (matchArgvElement(pattern[i]!, argv[i]!, i, vars, captures)) {
      matched++;
      if (prefix === i) prefix++;
    }
  }
  return { prefix, matched };
}

/** Why a step whose argv matches did not answer. */
function _whyNotAnswered(step: Step, opts: ClosestOptions): StepDifference {
  const count = opts.counts[step.index] ?? 0;
  if (count >= step.calls.max) return { kind: "exhausted", count, max: step.calls.max };
  if (step.index < opts.from) return { kind: "passed" };
  if (step.index >= opts.to) return { kind: "not-yet", blockedBy: opts.blockedBy };
  const env = step.env === undefined ? undefined : opts.envDiffers?.(step);
  if (env !== undefined) return { kind: "env", name: env };
  if (step.stdin !== undefined && (opts.stdinDiffers?.(step) ?? true)) return { kind: "stdin" };
  return { kind: "rejected" };
}
