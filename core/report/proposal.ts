/**
 * What a mismatch report proposes after its diagnosis (LANG-1): the closest steps and why each
 * did not answer, the unified diff of a stdin that differs, and the step that would accept
 * the call. Rendered by {@linkcode renderOutcome} when the engine supplied `closest`.
 *
 * @module
 */
import type { ClosestStep, Content, Scenario, StepDifference, UnexpectedReason } from "../types.ts";
import { stepLabel } from "../replay/verify.ts";
import { renderUnifiedDiff } from "./line_diff.ts";
import { describePlacement, renderSuggestedStep } from "./suggested_step.ts";

/** Colours a line of text (the report's palette, COLOR-3). */
export type Paint = (text: string) => string;

/** Sentences for each kind of {@linkcode StepDifference}: a new kind adds one entry. */
const DIFFERENCE_TEXT: {
  readonly [K in StepDifference["kind"]]: (
    d: Extract<StepDifference, { kind: K }>,
    scenario: Scenario,
  ) => string;
} = {
  argv: (d) =>
    d.diff === undefined
      ? "argv differs"
      : `first difference at position ${d.diff.position}: ${d.diff.reason}`,
  stdin: () => "argv matches; stdin differs",
  env: (d) => `argv matches; environment variable ${d.name} differs`,
  exhausted: (d) => `argv matches, but the step has had all its calls (${d.count} of max ${d.max})`,
  passed: () => "argv matches, but the replay has already moved past this step",
  "not-yet": (d, scenario) => {
    const group = scenario.steps[d.blockedBy]?.group;
    return group === undefined
      ? `argv matches, but step ${d.blockedBy + 1} must be called first`
      : `argv matches, but group "${group}" must be completed first`;
  },
  rejected: () => "argv matches, but another rule of the step rejected the call",
};

function _differenceText(d: StepDifference, scenario: Scenario): string {
  const render = DIFFERENCE_TEXT[d.kind] as (d: StepDifference, s: Scenario) => string;
  return render(d, scenario);
}

/**
 * The `Closest steps:` section: for each step, `step <N>: <label>` (the label as `verify`
 * shows it, VERIFY-4) and, indented below, why it did not answer.
 *
 * @param closest The ranked steps, best first.
 * @param scenario The scenario.
 * @returns The lines (empty when no step is close), starting with an empty line.
 */
export function renderClosestSteps(
  closest: readonly ClosestStep[],
  scenario: Scenario,
): string[] {
  if (closest.length === 0) return [];
  const out = ["", "  Closest steps:"];
  for (const c of closest) {
    const step = scenario.steps[c.stepIndex];
    if (step === undefined) continue;
    out.push(`    step ${c.stepIndex + 1}: ${stepLabel(step)}`);
    out.push(`      ${_differenceText(c.difference, scenario)}`);
  }
  return out;
}

/**
 * The `To accept this call, add:` section: a comment saying where the step goes and the
 * paste-ready step itself.
 *
 * @param argv The call's argv.
 * @param reason Why the call was unexpected.
 * @param stepIndex The subject step, `null` after completion.
 * @param scenario The scenario.
 * @returns The lines, starting with an empty line.
 */
export function renderAcceptingStep(
  argv: readonly string[],
  reason: UnexpectedReason,
  stepIndex: number | null,
  scenario: Scenario,
): string[] {
  return [
    "",
    "  To accept this call, add:",
    `    # ${describePlacement(reason, stepIndex, scenario.steps)}`,
    ...renderSuggestedStep(argv).map((line) => `    ${line}`),
  ];
}

/**
 * The unified diff `-expected +received` of a stdin that differs, both sides normalised as
 * they are compared (STDIN-2). Only for a text expectation and a received stdin that is text;
 * `[]` otherwise (binary, file, more than 1 MiB).
 *
 * @param expected The step's stdin expectation.
 * @param received The call's stdin.
 * @param removed Paint for `-` lines (the expected side, green in COLOR-3's palette).
 * @param added Paint for `+` lines (the received side, red).
 * @returns The lines, starting with an empty line.
 */
export function renderStdinDiff(
  expected: Content,
  received: Uint8Array | "too-large",
  removed: Paint,
  added: Paint,
): string[] {
  if (expected.kind !== "text" || received === "too-large") return [];
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(received);
  } catch {
    return [];
  }
  const normal = (s: string) => s.replaceAll("\r\n", "\n").replace(/\n+$/, "");
  const diff = renderUnifiedDiff(normal(expected.template), normal(text));
  return [
    "",
    "  stdin diff (-expected +received):",
    ...diff.map((line, i) => {
      const painted = i < 2
        ? line
        : line.startsWith("-")
        ? removed(line)
        : line.startsWith("+")
        ? added(line)
        : line;
      return `    ${painted}`;
    }),
  ];
}
