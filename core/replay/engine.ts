/**
 * The step function (STEP, GROUP, CAP, STDIN, TPL): one intercepted call in, the next
 * state and the outcome out. Pure and total: it never throws for bad input.
 *
 * @module
 */
import { MAX_UNEXPECTED_CALLS } from "../limits.ts";
import type {
  Block,
  ClosestStep,
  Content,
  Respond,
  Scenario,
  State,
  Step,
  StepOutcome,
  Subject,
  UnexpectedCall,
} from "../types.ts";
import { matchArgv as defaultMatchArgv } from "../lang/matcher.ts";
import { explainArgvMismatch } from "../lang/matcher.ts";
import { isDeniedEnvVar } from "../lang/glob.ts";
import { rankClosestSteps } from "./closest.ts";
import { parseTemplate, renderTemplate } from "../lang/template.ts";
import { matchStdin } from "../lang/stdin_rule.ts";
import { captureCall, capturesStdin } from "./captures.ts";
import { type EnvMismatch, explainEnvMismatch, findForbidden } from "./call_rules.ts";

/** Everything {@linkcode stepCall} needs to know about one call. */
export interface CallInput {
  /** Received argv, command name first. */
  readonly argv: readonly string[];
  /** Received stdin (only when a candidate needs it), or `"too-large"` past 1 MiB. */
  readonly stdin?: Uint8Array | "too-large";
  /**
   * The environment of the intercepted process: variable overrides (TPL-3), `match.env`
   * (LANG-4) and `env.NAME` captures (LANG-3). A name that is absent is unset.
   */
  readonly env: Readonly<Record<string, string>>;
  /** The time of the call. */
  readonly now: Date;
  /** Reads a `stdout_file`/`stderr_file` by its path as written; throws with a reason. */
  readonly readFile?: (path: string) => Uint8Array;
  /** Replaces argv matching (LIB-4 `matchArgv` option). */
  readonly matchArgv?: (pattern: readonly string[], received: readonly string[]) => boolean;
}

/** The result of {@linkcode stepCall}. */
export interface StepResult {
  /** The state to store (unchanged but for unexpected calls on a mismatch). */
  readonly state: State;
  /** What happened. */
  readonly outcome: StepOutcome;
}

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
  return _withActiveGroup(scenario, {
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
  for (const [name, value] of Object.entries(scenario.meta.vars)) {
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== "") {
      if (isDeniedEnvVar(name, scenario.meta.denyEnvVars)) {
        denied.push(name);
        vars[name] = value;
      } else vars[name] = fromEnv;
    } else vars[name] = value;
  }
  return { vars, denied };
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
  for (const step of scenario.steps) {
    if (step.stdin === undefined && !capturesStdin(step)) continue;
    vars ??= effectiveVars(scenario, env).vars;
    if (defaultMatchArgv(step.argv, argv, vars, "unknown")) return true;
  }
  return false;
}

function _exhausted(block: Block, steps: readonly Step[], counts: readonly number[]): boolean {
  for (let i = block.start; i < block.end; i++) {
    if ((counts[i] ?? 0) < steps[i]!.calls.max) return false;
  }
  return true;
}

function _satisfied(block: Block, steps: readonly Step[], counts: readonly number[]): boolean {
  for (let i = block.start; i < block.end; i++) {
    if ((counts[i] ?? 0) < steps[i]!.calls.min) return false;
  }
  return true;
}

/** Index of the block starting at `cursor`, or `blocks.length` when past the end. */
function _blockAt(scenario: Scenario, cursor: number): number {
  const blocks = scenario.blocks;
  for (let b = 0; b < blocks.length; b++) if (blocks[b]!.end > cursor) return b;
  return blocks.length;
}

function _withActiveGroup(scenario: Scenario, state: State): State {
  const b = _blockAt(scenario, state.currentStep);
  const group = scenario.blocks[b]?.group;
  const { activeGroup: _drop, ...rest } = state;
  return group === undefined ? rest : { ...rest, activeGroup: group };
}

const decoder = new TextDecoder();

function _recordUnexpected(state: State, entry: UnexpectedCall): State {
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

const encoder = new TextEncoder();

function _render(
  content: Content,
  respondPath: string,
  stream: "stdout" | "stderr",
  vars: Readonly<Record<string, string>>,
  captures: Readonly<Record<string, string>>,
  readFile: CallInput["readFile"],
): Uint8Array | { error: string } {
  if (content.kind === "binary") return content.bytes;
  let template: string;
  if (content.kind === "file") {
    const where = `${respondPath}.${stream}_file`;
    if (readFile === undefined) {
      return { error: `${where}: cannot read "${content.path}": no file reader available` };
    }
    try {
      template = decoder.decode(readFile(content.path));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { error: `${where}: cannot read "${content.path}": ${reason}` };
    }
    const parsed = parseTemplate(template);
    if (!parsed.ok) return { error: `${where}: "${content.path}": ${parsed.message}` };
    return encoder.encode(renderTemplate(parsed.parts, vars, captures));
  }
  template = content.template;
  if (!template.includes("{{")) return encoder.encode(template);
  const parsed = parseTemplate(template);
  if (!parsed.ok) return { error: `${respondPath}.${stream}: ${parsed.message}` };
  return encoder.encode(renderTemplate(parsed.parts, vars, captures));
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
  const { vars, denied } = effectiveVars(scenario, call.env);
  const captures = state.captures;
  const match = call.matchArgv ??
    ((p: readonly string[], r: readonly string[]) => defaultMatchArgv(p, r, vars, captures));

  // LANG-5: a forbidden call fails at once, before any step is tried.
  const forbidden = findForbidden(scenario, call.argv, vars, captures);
  if (forbidden !== undefined) {
    const message = forbidden.message !== undefined ? { message: forbidden.message } : {};
    return {
      state: _recordUnexpected(state, {
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

  let b = _blockAt(scenario, state.currentStep);
  while (b < blocks.length && _exhausted(blocks[b]!, steps, counts)) b++;
  if (b >= blocks.length) {
    return {
      state: _recordUnexpected(state, {
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
  let ruleMiss: _RuleMiss | undefined;
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
      const miss = _ruleMiss(step, call, vars, captures);
      if (miss !== undefined) {
        ruleMiss ??= miss;
        continue;
      }
      return _answer(scenario, state, step, b, vars, denied, call, at);
    }
    subject = {
      kind: block.group === undefined ? "step" : "group",
      stepIndex: block.start,
      ...(block.group !== undefined ? { group: block.group } : {}),
      candidates,
      counts: candidateCounts,
    };
    if (_satisfied(block, steps, counts) && b + 1 < blocks.length) {
      tried.push(subject);
      continue;
    }
    break;
  }
  const s = subject!;
  // LANG-1: the search tried the blocks from the first tried one to the subject's.
  const closest = rankClosestSteps(scenario, call.argv, {
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
  if (ruleMiss !== undefined) return _ruleMismatch(state, ruleMiss, call, denied, at, closest);
  const diff = s.kind === "step"
    ? explainArgvMismatch(steps[s.stepIndex]!.argv, call.argv, vars, captures)
    : undefined;
  return {
    state: _recordUnexpected(state, {
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

/** A candidate whose argv matched but whose environment or stdin did not (STDIN-6, LANG-4). */
type _RuleMiss =
  | { readonly kind: "env"; readonly step: Step; readonly env: EnvMismatch }
  | { readonly kind: "stdin"; readonly step: Step; readonly reason?: string };

function _ruleMiss(
  step: Step,
  call: CallInput,
  vars: Readonly<Record<string, string>>,
  captures: Readonly<Record<string, string>>,
): _RuleMiss | undefined {
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

function _ruleMismatch(
  state: State,
  miss: _RuleMiss,
  call: CallInput,
  denied: readonly string[],
  at: string,
  closest: readonly ClosestStep[],
): StepResult {
  const stepIndex = miss.step.index;
  const argv = [...call.argv];
  const next = _recordUnexpected(state, { argv, reason: miss.kind, stepIndex, at });
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

/**
 * The answer a step gives to its next call (LANG-2): with a list of answers, the n-th call
 * (counting from 0) gets answer n, and the last answer repeats once the list is used up.
 *
 * @example Usage
 * ```ts
 * import { answerFor } from "./engine.ts";
 * import assert from "node:assert/strict";
 *
 * const answer = (stdout: string) => ({
 *   exit: 0, stdout: { kind: "text" as const, template: stdout },
 *   stderr: { kind: "text" as const, template: "" }, delayMs: 0, capture: {},
 * });
 * const answers = [answer("pending"), answer("ready")];
 * const step = { respond: answers[0]!, answers };
 * assert.equal(answerFor(step, 0).index, 0);
 * assert.equal(answerFor(step, 5).index, 1);
 * ```
 *
 * @param step The step.
 * @param count How many calls it answered so far.
 * @returns The answer and its 0-based index.
 */
export function answerFor(
  step: Pick<Step, "respond" | "answers">,
  count: number,
): { answer: Respond; index: number } {
  const answers = step.answers;
  if (answers === undefined || answers.length === 0) return { answer: step.respond, index: 0 };
  const index = Math.min(count, answers.length - 1);
  return { answer: answers[index]!, index };
}

function _answer(
  scenario: Scenario,
  state: State,
  step: Step,
  b: number,
  vars: Readonly<Record<string, string>>,
  denied: string[],
  call: CallInput,
  at: string,
): StepResult {
  const block = scenario.blocks[b]!;
  const count = state.stepCounts[step.index] ?? 0;
  const stepCounts = state.stepCounts.with(step.index, count + 1);
  const { answer, index } = answerFor(step, count);
  const respondPath = step.answers === undefined
    ? `${step.yamlPath}.respond`
    : `${step.yamlPath}.respond[${index}]`;
  // CAP-2: the captures are stored before the answer is rendered.
  const taken = captureCall(step, answer, call);
  const captures = Object.keys(taken).length === 0
    ? state.captures
    : { ...state.captures, ...taken };
  const stdout = _render(answer.stdout, respondPath, "stdout", vars, captures, call.readFile);
  if (!(stdout instanceof Uint8Array)) {
    return { state, outcome: { kind: "error", message: stdout.error } };
  }
  const stderr = _render(answer.stderr, respondPath, "stderr", vars, captures, call.readFile);
  if (!(stderr instanceof Uint8Array)) {
    return { state, outcome: { kind: "error", message: stderr.error } };
  }
  const currentStep = _exhausted(block, scenario.steps, stepCounts) ? block.end : block.start;
  const next = _withActiveGroup(scenario, {
    ...state,
    stepCounts,
    currentStep,
    captures,
    lastUpdated: at,
  });
  return {
    state: next,
    outcome: {
      kind: "matched",
      stepIndex: step.index,
      answer: index,
      exitCode: answer.exit,
      ...(answer.signal !== undefined ? { signal: answer.signal } : {}),
      stdout,
      stderr,
      delayMs: answer.delayMs,
      deniedVars: denied,
    },
  };
}
