/**
 * Paste-ready scenario steps for calls that no step answered (LANG-1): the step of one call,
 * where it goes, and the `verify --suggest` text for every unexpected call of a session.
 *
 * @module
 */
import { classifyPatternElement } from "../lang/argv_pattern.ts";
import { formatFlowSequence } from "../scenario/yaml_scalar.ts";
import { formatUnexpectedCall } from "./unexpected_call.ts";
import type { UnexpectedReason, VerifyResult, VerifyUnexpected } from "../types.ts";

const NO_NAMES: ReadonlySet<string> = new Set();

/** The answer a suggested step gives: exit 0 and no output, ready to be filled in. */
export const SUGGESTED_RESPOND = 'respond: {stdout: ""}';

/** Characters a regex source escapes to match themselves. */
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/**
 * The argv pattern that accepts exactly `argv`: the same strings, except an argument from
 * position 1 on that would read as a pattern (`{{ .any }}`, `{{ .regex "…" }}`), which becomes
 * an anchored regex matching only that text.
 *
 * @example Usage
 * ```ts
 * import { suggestedArgv } from "./suggested_step.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(suggestedArgv(["echo", "{{ .any }}"]), ["echo", '{{ .regex "^\\{\\{ \\.any \\}\\}$" }}']);
 * ```
 *
 * @param argv The received argv.
 * @returns The pattern for `match.argv`.
 */
export function suggestedArgv(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    if (i === 0) return arg;
    const kind = classifyPatternElement(arg, NO_NAMES).kind;
    if (kind === "literal" || kind === "template") return arg;
    return `{{ .regex "^${arg.replace(REGEX_SYNTAX, "\\$&")}$" }}`;
  });
}

/**
 * Renders the YAML of a step that accepts a call, for a sequence item under `steps:`:
 * `match.argv` as a flow sequence (items quoted only where YAML needs it) and an empty answer.
 *
 * @example Usage
 * ```ts
 * import { renderSuggestedStep } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(renderSuggestedStep(["helm", "upgrade", "web", "--version", "1.10"]), [
 *   "- match:",
 *   "    argv: [helm, upgrade, web, --version, '1.10']",
 *   '  respond: {stdout: ""}',
 * ]);
 * ```
 *
 * @param argv The call's argv, command name first.
 * @returns The lines, without newlines, starting at column 0.
 */
export function renderSuggestedStep(argv: readonly string[]): string[] {
  return [
    "- match:",
    `    argv: ${formatFlowSequence(suggestedArgv(argv))}`,
    `  ${SUGGESTED_RESPOND}`,
  ];
}

/** What {@linkcode describePlacement} needs to know about one flat step. */
export interface PlacedStep {
  /** The group the step belongs to, if any. */
  readonly group?: string;
}

/**
 * Says where a suggested step goes so that the call it accepts is answered: after the last
 * step for a call made after completion, into the group for a call that a group blocked,
 * otherwise before the step that blocked the call (the subject of the mismatch, STEP-3).
 *
 * @param reason Why the call was unexpected.
 * @param stepIndex The subject step (or a group's first step), `null` after completion.
 * @param steps The scenario's flat steps.
 * @returns `before step 3`, `in group "pre-flight"` or `after step 4, the last`.
 */
export function describePlacement(
  reason: UnexpectedReason,
  stepIndex: number | null,
  steps: readonly PlacedStep[],
): string {
  if (reason === "complete" || stepIndex === null || stepIndex >= steps.length) {
    return `after step ${steps.length}, the last`;
  }
  const group = steps[stepIndex]?.group;
  return group === undefined ? `before step ${stepIndex + 1}` : `in group "${group}"`;
}

/**
 * The comment of a suggested step for an unexpected call of a session: where the step goes
 * ({@linkcode describePlacement}) and, when a step of the scenario already has the call's argv,
 * that step, since the call then failed for its place in the order, its stdin or that step's
 * call count, and fixing an earlier call or that step may be the better change.
 *
 * @param call The unexpected call, as verification reports it.
 * @param steps The scenario's flat steps.
 * @returns `before step 2`, or `before step 2 (step 3 has this argv)`, or
 * `before step 4 (step 4 has this argv, with another stdin)`.
 */
export function describeSuggestion(call: VerifyUnexpected, steps: readonly PlacedStep[]): string {
  const place = describePlacement(call.reason, call.stepIndex, steps);
  if (call.argvMatchesStep === undefined) return place;
  const same = `step ${call.argvMatchesStep + 1} has this argv`;
  const why = call.reason === "stdin"
    ? `${same}, with another stdin`
    : call.reason === "env"
    ? `${same}, with another environment`
    : same;
  return `${place} (${why})`;
}

/**
 * Renders the steps that accept a session's unexpected calls, as printed by
 * `cli-replay verify --suggest`: a YAML sequence to paste under `steps:`, one step per retained
 * unexpected call, each after a comment naming the call and where the step goes
 * ({@linkcode describeSuggestion}). Calls beyond
 * the retained ones are counted in a last comment. No unexpected calls give `""`.
 *
 * @example Usage
 * ```ts
 * import { renderSuggestions } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const text = renderSuggestions({
 *   scenario: "s", session: "default", passed: false, totalSteps: 1, consumedSteps: 1,
 *   steps: [{ index: 0, label: "git fetch", callCount: 1, min: 1, max: 1, passed: true, explicitCalls: false }],
 *   unexpectedCalls: [{ argv: ["git", "log", "-1"], reason: "complete", stepIndex: null }],
 *   unexpectedCount: 1,
 * });
 * assert.equal(text, [
 *   '# ["git", "log", "-1"] (after completion): after step 1, the last',
 *   "- match:",
 *   "    argv: [git, log, '-1']",
 *   '  respond: {stdout: ""}',
 *   "",
 * ].join("\n"));
 * ```
 *
 * @param r The verification result.
 * @returns The YAML text; every line ends with `"\n"`.
 */
export function renderSuggestions(r: VerifyResult): string {
  const out: string[] = [];
  for (const call of r.unexpectedCalls) {
    // LANG-5: no step accepts a forbidden call; the script must not make it.
    if (call.reason === "forbidden") {
      out.push(`# ${formatUnexpectedCall(call)}: forbidden by the scenario, no step accepts it`);
      continue;
    }
    out.push(`# ${formatUnexpectedCall(call)}: ${describeSuggestion(call, r.steps)}`);
    out.push(...renderSuggestedStep(call.argv));
  }
  const more = r.unexpectedCount - r.unexpectedCalls.length;
  if (more > 0) out.push(`# ...+${more} more unexpected calls were not kept (STATE-5)`);
  return out.map((line) => `${line}\n`).join("");
}
