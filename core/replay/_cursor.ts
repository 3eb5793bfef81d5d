/**
 * The cursor over the scenario's blocks (STEP-2, GROUP): which block a call is at, whether a
 * block is satisfied or used up, and the bookkeeping of unexpected calls. Private to the engine.
 *
 * @module
 */
import { MAX_UNEXPECTED_CALLS } from "../limits.ts";
import type { Block, Scenario, State, Step, UnexpectedCall } from "../types.ts";

export function exhausted(
  block: Block,
  steps: readonly Step[],
  counts: readonly number[],
): boolean {
  for (let i = block.start; i < block.end; i++) {
    if ((counts[i] ?? 0) < steps[i]!.calls.max) return false;
  }
  return true;
}

export function satisfied(
  block: Block,
  steps: readonly Step[],
  counts: readonly number[],
): boolean {
  for (let i = block.start; i < block.end; i++) {
    if ((counts[i] ?? 0) < steps[i]!.calls.min) return false;
  }
  return true;
}

/** Index of the block starting at `cursor`, or `blocks.length` when past the end. */
export function blockAt(scenario: Scenario, cursor: number): number {
  const blocks = scenario.blocks;
  for (let b = 0; b < blocks.length; b++) if (blocks[b]!.end > cursor) return b;
  return blocks.length;
}

export function withActiveGroup(scenario: Scenario, state: State): State {
  const b = blockAt(scenario, state.currentStep);
  const group = scenario.blocks[b]?.group;
  const { activeGroup: _drop, ...rest } = state;
  return group === undefined ? rest : { ...rest, activeGroup: group };
}

export function recordUnexpected(state: State, entry: UnexpectedCall): State {
  const unexpectedCalls = state.unexpectedCalls.length < MAX_UNEXPECTED_CALLS
    ? [...state.unexpectedCalls, entry]
    : state.unexpectedCalls;
  return {
    ...state,
    unexpectedCalls,
    unexpectedCount: state.unexpectedCount + 1,
    lastUpdated: entry.at,
  };
}
