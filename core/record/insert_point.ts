/**
 * Where `exec --record missing` puts a new step (RECM-1): at the cursor's position, so the
 * call it answers comes in the same order on replay. Pure, and free of npm modules: the
 * intercept decides the point under the session lock.
 *
 * @module
 */
import type { Scenario, State } from "../types.ts";

/**
 * A place in a scenario's `steps`: before the top-level element `before` (its length
 * means "at the end"), or at the end of the members of group `group` (its index among the
 * scenario's groups).
 */
export type InsertPoint = { readonly before: number } | { readonly group: number };

/** A new step placed at a point, with the number of calls it answered. */
export interface PlacedStep {
  /** Where it goes. */
  readonly at: InsertPoint;
  /** How many calls it answered (its call count for verification). */
  readonly calls: number;
}

/** Index of the block that holds `cursor`, or `blocks.length` past the end. */
function _blockAt(scenario: Scenario, cursor: number): number {
  const blocks = scenario.blocks;
  for (let b = 0; b < blocks.length; b++) if (blocks[b]!.end > cursor) return b;
  return blocks.length;
}

/**
 * Decides where a call that matched no step goes (RECM-1). The cursor's block decides: when
 * it has not been called yet, the new step goes before it; when it has been called and is
 * satisfied (every member called its minimum), after it; a group still waiting for members
 * takes the new step as one more member (its order there does not matter); a step still
 * below its minimum is passed (the new step goes after it).
 *
 * @example Usage
 * ```ts
 * import { findInsertPoint } from "./insert_point.ts";
 * import { newState, parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const parsed = parseScenario("meta: {name: s}\nsteps:\n  - match: {argv: [a]}\n  - match: {argv: [b]}\n");
 * if (!parsed.ok) throw new Error("invalid");
 * const fresh = newState(parsed.scenario, { scenarioPath: "/s.yaml", scenarioHash: "h", now: new Date(0) });
 * assert.deepEqual(findInsertPoint(parsed.scenario, fresh), { before: 0 });
 * const afterA = { ...fresh, currentStep: 1, stepCounts: [1, 0] };
 * assert.deepEqual(findInsertPoint(parsed.scenario, afterA), { before: 1 });
 * ```
 *
 * @param scenario The scenario being replayed.
 * @param state The session's state when the call came.
 * @returns The point.
 */
export function findInsertPoint(scenario: Scenario, state: State): InsertPoint {
  const b = _blockAt(scenario, state.currentStep);
  const block = scenario.blocks[b];
  if (block === undefined) return { before: scenario.blocks.length };
  let touched = false;
  let satisfied = true;
  for (let i = block.start; i < block.end; i++) {
    const count = state.stepCounts[i] ?? 0;
    if (count > 0) touched = true;
    if (count < scenario.steps[i]!.calls.min) satisfied = false;
  }
  if (!touched) return { before: b };
  if (!satisfied && block.group !== undefined) return { group: block.group };
  return { before: b + 1 };
}

/**
 * The call counts of a scenario after new steps were placed into it, in the flat order of
 * the merged file: for each top-level element, first the steps placed before it, then its
 * own steps (a group's members followed by the steps placed into it); the steps placed at
 * the end come last. New steps at one point keep their order.
 *
 * @example Usage
 * ```ts
 * import { mergeStepCounts } from "./insert_point.ts";
 * import { parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const parsed = parseScenario("meta: {name: s}\nsteps:\n  - match: {argv: [a]}\n  - match: {argv: [b]}\n");
 * if (!parsed.ok) throw new Error("invalid");
 * const merged = mergeStepCounts(parsed.scenario, [1, 1], [{ at: { before: 1 }, calls: 3 }]);
 * assert.deepEqual(merged, [1, 3, 1]);
 * ```
 *
 * @param scenario The scenario as it was replayed.
 * @param counts Its call counts, one per flat step.
 * @param placed The new steps, in the order they are written at each point.
 * @returns The counts of the merged scenario, one per flat step.
 */
export function mergeStepCounts(
  scenario: Scenario,
  counts: readonly number[],
  placed: readonly PlacedStep[],
): number[] {
  const before = (e: number) =>
    placed.filter((p) => "before" in p.at && p.at.before === e).map((p) => p.calls);
  const out: number[] = [];
  for (const [e, block] of scenario.blocks.entries()) {
    out.push(...before(e));
    for (let i = block.start; i < block.end; i++) out.push(counts[i] ?? 0);
    if (block.group !== undefined) {
      const g = block.group;
      out.push(...placed.filter((p) => "group" in p.at && p.at.group === g).map((p) => p.calls));
    }
  }
  out.push(...before(scenario.blocks.length));
  return out;
}
