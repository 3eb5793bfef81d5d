/**
 * The in-memory replay engine (LIB-4): the step function with its state kept in an
 * object, for unit-testing code that calls CLIs through an injectable executor. No
 * processes, no files.
 *
 * @module
 */
import type { Scenario, State, StepOutcome, VerifyResult } from "../types.ts";
import { newState, stepCall } from "./engine.ts";
import { scenarioEnvNames } from "./call_rules.ts";
import { verifyState } from "./verify.ts";

/** Options of {@linkcode createReplayEngine}. */
export interface ReplayEngineOptions {
  /** Overrides of `meta.vars` values (declared names only). @default {{}} */
  vars?: Record<string, string>;
  /**
   * The caller's environment, a map or a lookup: it overrides variables (TPL-3) and is what
   * `match.env` and `env.NAME` captures read (LANG-3, LANG-4). @default {no environment}
   */
  env?: Record<string, string> | ((name: string) => string | undefined);
  /** Deny patterns replacing the scenario's `deny_env_vars`. @default {the scenario's} */
  denyEnvVars?: string[];
  /** Reads `stdout_file`/`stderr_file` contents by path as written. @default {none: file responses fail} */
  readFile?: (path: string) => Uint8Array;
  /** Replaces argv matching. @default {matchArgv of MATCH} */
  matchArgv?: (pattern: readonly string[], received: readonly string[]) => boolean;
  /** Start from this state (e.g. a snapshot of another engine). @default {a fresh state} */
  initialState?: State;
  /** The clock. @default {() => new Date(0)} */
  now?: () => Date;
}

/** Options of one {@linkcode ReplayEngine.call}. */
export interface EngineCallOptions {
  /** The call's stdin. @default {empty} */
  stdin?: string | Uint8Array;
}

/** An in-memory replay session (LIB-4). */
export interface ReplayEngine {
  /** Answers one call; never throws for mismatches (the state then only records it). */
  call(argv: readonly string[], opts?: EngineCallOptions): StepOutcome;
  /** Immutable snapshot of the state, replaced on every call. */
  readonly state: State;
  /** Number of blocks not yet exhausted. */
  remaining(): number;
  /** Verification of the current state (VERIFY-2/3). */
  verify(): VerifyResult;
  /** Back to a fresh state. */
  reset(): void;
}

const encoder = new TextEncoder();

/**
 * Creates an in-memory replay engine over a validated scenario (LIB-4).
 *
 * @example Usage
 * ```ts
 * import { createReplayEngine, parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseScenario(
 *   "meta: {name: s}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {stdout: clean}\n",
 * );
 * if (!parsed.ok) throw new Error("invalid");
 * const engine = createReplayEngine(parsed.scenario);
 * const outcome = engine.call(["git", "status"]);
 * assert.equal(outcome.kind, "matched");
 * assert.equal(engine.verify().passed, true);
 * ```
 *
 * @param scenario The scenario.
 * @param opts Variables, environment, files, matcher, initial state and clock.
 * @returns The engine.
 */
export function createReplayEngine(
  scenario: Scenario,
  opts: ReplayEngineOptions = {},
): ReplayEngine {
  const declared = [
    ...new Set([...Object.keys(scenario.meta.vars), ...scenarioEnvNames(scenario)]),
  ];
  const vars = { ...scenario.meta.vars };
  for (const [k, v] of Object.entries(opts.vars ?? {})) if (k in vars) vars[k] = v;
  const effective: Scenario = {
    ...scenario,
    meta: {
      ...scenario.meta,
      vars,
      denyEnvVars: opts.denyEnvVars ?? scenario.meta.denyEnvVars,
    },
  };
  const now = opts.now ?? (() => new Date(0));
  const fresh = () =>
    newState(effective, { scenarioPath: "<memory>", scenarioHash: "", now: now() });
  let state: State = opts.initialState ?? fresh();
  const env = (): Record<string, string> => {
    const out: Record<string, string> = {};
    const source = opts.env;
    for (const name of declared) {
      const value = typeof source === "function" ? source(name) : source?.[name];
      if (value !== undefined) out[name] = value;
    }
    return out;
  };
  return {
    call(argv, callOpts = {}) {
      const stdin = typeof callOpts.stdin === "string"
        ? encoder.encode(callOpts.stdin)
        : callOpts.stdin;
      const result = stepCall(effective, state, {
        argv,
        ...(stdin !== undefined ? { stdin } : {}),
        env: env(),
        now: now(),
        ...(opts.readFile !== undefined ? { readFile: opts.readFile } : {}),
        ...(opts.matchArgv !== undefined ? { matchArgv: opts.matchArgv } : {}),
      });
      if (result.outcome.kind === "matched" || result.outcome.kind !== "error") {
        state = result.state;
      }
      return result.outcome;
    },
    get state() {
      return state;
    },
    remaining() {
      return effective.blocks.filter((b) => {
        for (let i = b.start; i < b.end; i++) {
          if ((state.stepCounts[i] ?? 0) < effective.steps[i]!.calls.max) return true;
        }
        return false;
      }).length;
    },
    verify() {
      return verifyState(effective, state, {});
    },
    reset() {
      state = fresh();
    },
  };
}
