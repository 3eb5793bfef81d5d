/**
 * Core benchmarks (PERF-5): `stepCall` by scenario size and in a 50-member group, state
 * serialise + parse, and the JSON/JUnit verification reports. Run with `deno task bench`.
 *
 * @module
 */
import type { Scenario, State } from "../core/types.ts";
import { stepCall } from "../core/replay/engine.ts";
import { parseState, serializeState } from "../core/replay/state.ts";
import { verifyState } from "../core/replay/verify.ts";
import { renderVerifyJson } from "../core/report/json.ts";
import { renderJUnit } from "../core/report/junit.ts";
import {
  freshState,
  groupScenarioYaml,
  LAST_ARGV,
  memberArgv,
  NOW,
  parseOrThrow,
  replayCalls,
  scenarioYaml,
  stateAtLastStep,
  stepArgv,
} from "./_fixtures.ts";
import {
  FIRST_MEMBER,
  FIRST_STEP,
  GROUP_GROUP,
  LAST_MEMBER,
  LAST_STEP,
  RENDER_JSON,
  RENDER_JUNIT,
  REPORTS_GROUP,
  STATE_GROUP,
  STATE_JSON_FLOOR,
  STATE_ROUND_TRIP,
  stepCallGroup,
} from "./_names.ts";

/** Records `count` unexpected calls (mismatches) in `state`, as a failing script would. */
function withUnexpected(scenario: Scenario, state: State, count: number): State {
  let current = state;
  for (let i = 0; i < count; i++) {
    current = stepCall(scenario, current, {
      argv: ["git", "push", "--force", `origin-${i}`],
      env: {},
      now: NOW,
    }).state;
  }
  return current;
}

// stepCall: one group per size; the baseline answers the first step of a fresh state, the
// other the last step with every earlier step called once (the cursor on the last step).
for (const size of [10, 500, 1_000]) {
  const scenario = parseOrThrow(scenarioYaml(size));
  const fresh = freshState(scenario);
  const atLast = stateAtLastStep(scenario);
  const first = { argv: stepArgv(0), env: {}, now: NOW };
  const last = { argv: LAST_ARGV, env: {}, now: NOW };
  Deno.bench({
    group: stepCallGroup(size),
    name: FIRST_STEP,
    baseline: true,
    fn: () => void stepCall(scenario, fresh, first),
  });
  Deno.bench({
    group: stepCallGroup(size),
    name: LAST_STEP,
    fn: () => void stepCall(scenario, atLast, last),
  });
}

// A 50-member unordered group: every member is a candidate; the last one is tried last.
{
  const members = 50;
  const scenario = parseOrThrow(groupScenarioYaml(members));
  const fresh = freshState(scenario);
  const first = { argv: memberArgv(0), env: {}, now: NOW };
  const last = { argv: memberArgv(members - 1), env: {}, now: NOW };
  Deno.bench({
    group: GROUP_GROUP,
    name: FIRST_MEMBER,
    baseline: true,
    fn: () => void stepCall(scenario, fresh, first),
  });
  Deno.bench({
    group: GROUP_GROUP,
    name: LAST_MEMBER,
    fn: () => void stepCall(scenario, fresh, last),
  });
}

// State file text for 500 steps with counts, a cursor and retained unexpected calls.
{
  const scenario = parseOrThrow(scenarioYaml(500));
  const state = withUnexpected(scenario, stateAtLastStep(scenario), 5);
  const text = serializeState(state);
  Deno.bench({
    group: STATE_GROUP,
    name: STATE_JSON_FLOOR,
    baseline: true,
    fn: () => void JSON.parse(JSON.stringify(state)),
  });
  Deno.bench({
    group: STATE_GROUP,
    name: STATE_ROUND_TRIP,
    fn: () => void parseState(serializeState(state)),
  });
  Deno.bench({ group: STATE_GROUP, name: "serializeState", fn: () => void serializeState(state) });
  Deno.bench({ group: STATE_GROUP, name: "parseState", fn: () => void parseState(text) });
}

// Verification reports for 200 steps: half called, a few unexpected calls.
{
  const size = 200;
  const scenario = parseOrThrow(scenarioYaml(size));
  const called = Array.from({ length: size / 2 }, (_, i) => stepArgv(i));
  const state = withUnexpected(scenario, replayCalls(scenario, freshState(scenario), called), 3);
  const result = verifyState(scenario, state, { session: "0123456789abcdef" });
  const junit = { classname: "tests/bench.yaml", timestamp: NOW };
  Deno.bench({
    group: REPORTS_GROUP,
    name: RENDER_JSON,
    baseline: true,
    fn: () => void renderVerifyJson(result),
  });
  Deno.bench({
    group: REPORTS_GROUP,
    name: RENDER_JUNIT,
    fn: () => void renderJUnit(result, junit),
  });
  Deno.bench({
    group: REPORTS_GROUP,
    name: "verifyState",
    fn: () => void verifyState(scenario, state, { session: "0123456789abcdef" }),
  });
}
