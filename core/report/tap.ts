/**
 * The TAP verification report: a TAP version 14 stream that any TAP consumer reads (`prove`,
 * `tap-parser`, CI plugins).
 *
 * @module
 */

import { errorDescription, isSkippedStep, stepFailureMessage, stepTestName } from "./_names.ts";
import { formatUnexpectedCall, formatUnexpectedReason } from "./text.ts";
import type { VerifyResult, VerifyStep, VerifyUnexpected } from "../types.ts";

/** Options of {@linkcode renderTap}. */
export interface TapOptions {
  /**
   * The scenario file as reports should name it (the CLI passes the path relative to its
   * working directory). Written as `at.file` in each diagnostic block, beside the step's
   * `at.line`. @default {undefined} (no `file` key)
   */
  file?: string;
}

/**
 * Renders a verification result as a TAP version 14 stream: the version line, the plan, a
 * comment naming the scenario, then one test point per flat step and one per retained
 * unexpected call (plus one for the unexpected calls that were counted but not retained).
 *
 * Test point names are those of the JUnit report (`step[<index>]: <label>`, prefixed
 * `[group:<name>] ` for group members). A step below its minimum is `not ok`; an optional step
 * never called is `ok … # SKIP`; every unexpected call is `not ok`. Each failing point is
 * followed by a YAML diagnostic block indented by two spaces (`---` … `...`) with `message`,
 * `severity: fail`, `data` (the step's `call_count`, `min` and `max`, or the call's `argv`,
 * `reason` and `step_index`) and `at` (`file`, `line`) when known. An error result (no state,
 * scenario changed) is a single failing point named `state`.
 *
 * Escaping: in descriptions `\` becomes `\\` and `#` becomes `\#` (TAP 14), and
 * CR and LF become the two characters `\r` and `\n`, so one point stays one line. YAML values
 * are double-quoted scalars with JSON-style escapes; characters YAML forbids in a stream are
 * escaped as `\uXXXX`.
 *
 * @example A failing step with its diagnostic block
 * ```ts
 * import { renderTap } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const tap = renderTap({
 *   scenario: "demo", session: "default", passed: false, totalSteps: 2, consumedSteps: 1,
 *   steps: [
 *     { index: 0, label: "git status", line: 4, callCount: 1, min: 1, max: 1, passed: true,
 *       explicitCalls: false },
 *     { index: 1, label: "git push", line: 6, callCount: 0, min: 1, max: 1, passed: false,
 *       explicitCalls: false },
 *   ],
 *   unexpectedCalls: [], unexpectedCount: 0,
 * }, { file: "tests/demo.yaml" });
 * assert.equal(tap, [
 *   "TAP version 14",
 *   "1..2",
 *   '# scenario "demo", session default',
 *   "ok 1 - step[0]: git status",
 *   "not ok 2 - step[1]: git push",
 *   "  ---",
 *   '  message: "called 0 times, minimum 1 required"',
 *   "  severity: fail",
 *   "  data:",
 *   "    call_count: 0",
 *   "    min: 1",
 *   "    max: 1",
 *   "  at:",
 *   '    file: "tests/demo.yaml"',
 *   "    line: 6",
 *   "  ...",
 *   "",
 * ].join("\n"));
 * ```
 *
 * @example An error result is one failing point
 * ```ts
 * import { renderTap } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const tap = renderTap({
 *   scenario: "demo", session: "default", passed: false, totalSteps: 0, consumedSteps: 0,
 *   error: { kind: "no-state", message: "no state found" }, steps: [], unexpectedCalls: [], unexpectedCount: 0,
 * });
 * assert.equal(tap, [
 *   "TAP version 14",
 *   "1..1",
 *   '# scenario "demo", session default',
 *   "not ok 1 - state",
 *   "  ---",
 *   '  message: "no state file found for this session"',
 *   "  severity: fail",
 *   "  data:",
 *   '    error: "no state found"',
 *   "  ...",
 *   "",
 * ].join("\n"));
 * ```
 *
 * @param r The verification result.
 * @param opts How to name the scenario file.
 * @returns The TAP stream; every line ends with `"\n"`.
 */
export function renderTap(r: VerifyResult, opts: TapOptions = {}): string {
  const points: string[][] = [];
  if (r.error !== undefined) {
    points.push(notOk("state", [
      `message: ${yamlString(errorDescription(r.error))}`,
      "severity: fail",
      "data:",
      `  error: ${yamlString(r.error.message)}`,
      ...at(opts.file, undefined),
    ]));
  } else {
    for (const step of r.steps) points.push(stepPoint(step, opts.file));
    for (const call of r.unexpectedCalls) {
      const line = call.stepIndex === null ? undefined : r.steps[call.stepIndex]?.line;
      points.push(unexpectedPoint(call, opts.file, line));
    }
    const more = r.unexpectedCount - r.unexpectedCalls.length;
    if (more > 0) {
      points.push(notOk(`${more} more unexpected ${more === 1 ? "call" : "calls"} (not retained)`, [
        `message: ${
          yamlString(
            `${r.unexpectedCount} unexpected calls in all; the first ${r.unexpectedCalls.length} are listed`,
          )
        }`,
        "severity: fail",
        "data:",
        `  unexpected_count: ${r.unexpectedCount}`,
        `  retained: ${r.unexpectedCalls.length}`,
        ...at(opts.file, undefined),
      ]));
    }
  }
  const out = [
    "TAP version 14",
    `1..${points.length}`,
    `# ${oneLine(`scenario "${r.scenario}", session ${r.session}`)}`,
  ];
  points.forEach((lines, i) => {
    out.push(lines[0]!.replace(/^(not ok|ok)/, `$1 ${i + 1}`), ...lines.slice(1));
  });
  return `${out.join("\n")}\n`;
}

function stepPoint(step: VerifyStep, file: string | undefined): string[] {
  const name = stepTestName(step);
  if (isSkippedStep(step)) {
    return [`ok - ${escapeDescription(name)} # SKIP optional step (min=0), not called`];
  }
  if (step.passed) return [`ok - ${escapeDescription(name)}`];
  return notOk(name, [
    `message: ${yamlString(stepFailureMessage(step))}`,
    "severity: fail",
    "data:",
    `  call_count: ${step.callCount}`,
    `  min: ${step.min}`,
    `  max: ${step.max}`,
    ...at(file, step.line),
  ]);
}

function unexpectedPoint(
  call: VerifyUnexpected,
  file: string | undefined,
  line: number | undefined,
): string[] {
  const argv = call.argv.map(yamlString).join(", ");
  return notOk(`unexpected call: ${formatUnexpectedCall(call)}`, [
    `message: ${yamlString(`unexpected call (${formatUnexpectedReason(call)})`)}`,
    "severity: fail",
    "data:",
    `  argv: [${argv}]`,
    `  reason: ${call.reason}`,
    `  step_index: ${call.stepIndex ?? "null"}`,
    ...at(file, line),
  ]);
}

/** A failing point: its line and its diagnostic block, indented by two spaces (TAP 14). */
function notOk(name: string, yaml: readonly string[]): string[] {
  return [`not ok - ${escapeDescription(name)}`, "  ---", ...yaml.map((l) => `  ${l}`), "  ..."];
}

function at(file: string | undefined, line: number | undefined): string[] {
  if (file === undefined && line === undefined) return [];
  return [
    "at:",
    ...(file === undefined ? [] : [`  file: ${yamlString(file)}`]),
    ...(line === undefined ? [] : [`  line: ${line}`]),
  ];
}

/** Line breaks as the visible two characters `\r` and `\n`, so a comment stays one line. */
function oneLine(text: string): string {
  return text.replace(/\r/g, "\\r").replace(/\n/g, "\\n");
}

/** TAP 14 description escapes (`\` and `#`), and line breaks as visible `\r`/`\n`. */
function escapeDescription(text: string): string {
  return text.replace(/[\\#\r\n]/g, (c) => DESCRIPTION_ESCAPES[c] ?? c);
}

const DESCRIPTION_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "#": "\\#",
  "\r": "\\r",
  "\n": "\\n",
};

/** Characters outside YAML 1.2's printable set (`c-printable`), after JSON's own escapes. */
const NOT_YAML_PRINTABLE = /[\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]/g;

/** A YAML double-quoted scalar: JSON's escapes are YAML's, and lone surrogates are fixed. */
function yamlString(text: string): string {
  return JSON.stringify(text.toWellFormed()).replace(
    NOT_YAML_PRINTABLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}
