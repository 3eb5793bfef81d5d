/**
 * Answering a call from the step that matched it (ICPT-7, LANG-2, CAP-2, TPL): which answer of
 * the step is due, the captures it takes, its rendered output, and the state after it.
 *
 * @module
 */
import type { Content, Respond, Scenario, State, Step } from "../types.ts";
import { parseTemplate, renderTemplate } from "../lang/template.ts";
import { captureCall } from "./captures.ts";
import type { CallInput, StepResult } from "./call.ts";
import { exhausted, withActiveGroup } from "./_cursor.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

export function answerStep(
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
  const currentStep = exhausted(block, scenario.steps, stepCounts) ? block.end : block.start;
  const next = withActiveGroup(scenario, {
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
