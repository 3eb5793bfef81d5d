/**
 * Bench groups and names shared by the bench files and `bench/report.ts`, which picks
 * results out of `deno bench --json` by them.
 *
 * @module
 */

/** Env var naming a file to which `intercept_bench.ts` appends its per-run wall times. */
export const SAMPLES_ENV = "BENCH_SAMPLES_FILE";

/** One line of the samples file: every wall time (ms) of one bench, warm-ups first. */
export interface SamplesLine {
  /** Bench group. */
  group: string;
  /** Bench name. */
  name: string;
  /** Wall times in milliseconds, in run order. */
  ms: number[];
}

/** The PERF-1/PERF-2 group. */
export const INTERCEPT_GROUP = "intercepted call vs empty deno run (PERF-1, PERF-2)";
/** Baseline B: an empty module run by a /bin/sh shim with the shim's deno flags. */
export const BASELINE_SHIM = "empty deno run, shim flags, via /bin/sh (B)";
/** The same without the /bin/sh hop. */
export const BASELINE_DIRECT = "empty deno run, shim flags, direct spawn";
/** One intercepted call through its shim. */
export function interceptName(size: number): string {
  return `intercepted call through shim, ${size} steps`;
}

/** One intercepted call answered by the last member of a 50-member unordered group. */
export const INTERCEPT_GROUP_MEMBER = "intercepted call through shim, 50-member group, last member";

/** The `exec`/`runWithScenario` group. */
export const LIFECYCLE_GROUP = "session lifecycle (PERF-5 setup)";
/** `cli.ts exec s.yaml -- true`. */
export function execName(size: number): string {
  return `cli.ts exec s.yaml (${size} steps) -- true`;
}
/** `runWithScenario` of a script making three intercepted calls. */
export const RUN_WITH_SCENARIO = "runWithScenario, 3-call script";

/** `stepCall` group per scenario size. */
export function stepCallGroup(size: number): string {
  return `stepCall ${size} steps`;
}
/** Call matching the first step of a fresh state. */
export const FIRST_STEP = "first step (fresh state)";
/** Call matching the last step with the cursor on it. */
export const LAST_STEP = "last step (cursor on it)";

/** The 50-member group. */
export const GROUP_GROUP = "stepCall 50-member unordered group";
/** Call matching the first member. */
export const FIRST_MEMBER = "first member";
/** Call matching the last member. */
export const LAST_MEMBER = "last member";

/** State encode/decode group. */
export const STATE_GROUP = "state 500 steps";
/** The JSON floor. */
export const STATE_JSON_FLOOR = "JSON.stringify + JSON.parse (floor)";
/** The PERF-5 figure. */
export const STATE_ROUND_TRIP = "serializeState + parseState";

/** Report rendering group. */
export const REPORTS_GROUP = "reports 200 steps";
/** `renderVerifyJson`. */
export const RENDER_JSON = "renderVerifyJson";
/** `renderJUnit`. */
export const RENDER_JUNIT = "renderJUnit";

/** SRV-8: one faked call, per call, measured inside a bash loop. */
export const SERVER_CALL_GROUP = "faked call per call, in a bash loop (SRV-8)";
/** The floor: `bash -c true` in the same loop. */
export const BASH_TRUE = "bash -c true";
/**
 * The bench that measures {@linkcode BASH_TRUE} and the server calls in rounds: one loop of
 * each per round, in rotating order, so a drift of the machine's speed during the run biases
 * none of their ratios.
 */
export const SERVER_ROUND = "bash -c true, server call 10 and 500 steps, one loop each per round";
/** One call through a bash shim answered by the session server. */
export function serverCallName(size: number): string {
  return `server call, ${size} steps`;
}
/** One call through the cold path (`/bin/sh` shim, intercept bundle). */
export function coldCallName(size: number): string {
  return `cold call, ${size} steps`;
}
/** SRV-8: 16 parallel callers. */
export const PARALLEL_GROUP = "16 parallel callers, per call (SRV-8)";
/** 16 parallel loops of `bash -c true`. */
export const PARALLEL_BASH = "16 × bash -c true";
/** 16 parallel loops of server calls. */
export const PARALLEL_SERVER = "16 × server call";
/** 16 parallel loops of cold calls. */
export const PARALLEL_COLD = "16 × cold call";
/** SRV-8: a 200-call loop under exec. */
export const EXEC_LOOP_GROUP = "exec of a 200-call loop (SRV-8)";
/** With the session server. */
export const EXEC_LOOP_SERVER = "exec, session server";
/** With `CLI_REPLAY_SERVER=0`. */
export const EXEC_LOOP_COLD = "exec, CLI_REPLAY_SERVER=0";
/**
 * The same exec with cli-replay v0.1 (commit {@linkcode V01_COMMIT}, before the session server):
 * the cold path issue 9 called "today's", measured in the same run.
 */
export const EXEC_LOOP_V01 = "exec, v0.1 (cold path as issue 9 found it)";
/** The commit of v0.1, checked out from git for {@linkcode EXEC_LOOP_V01}. */
export const V01_COMMIT = "425ad72";
/** The loop alone, as timed by the script under exec. */
export function loopOnlyName(name: string): string {
  return `${name} (loop only)`;
}

/** The group of `startup_bench.ts` (SRV-9). */
export const STARTUP_GROUP = "management start-up";
/** Its baseline: an empty module under `deno run`. */
export const STARTUP_BASELINE = "empty deno run (B)";
/** The bench that runs every start-up command once per round, in rotating order. */
export const STARTUP_ROUND = "every command once per round";
/** Each start-up bench and its SRV-9 target (a ratio of the baseline), in report order. */
export const STARTUP_TARGETS: readonly (readonly [string, number | undefined])[] = [
  [STARTUP_BASELINE, undefined],
  ["--version", 1.5],
  ["--help", 1.5],
  ["verify (session running)", 2],
  ["clean --session (nothing to remove)", 2],
  ["run", 4],
  ["exec s.yaml -- true", 4],
  ["exec s.yaml -- true (cache off)", undefined],
];
