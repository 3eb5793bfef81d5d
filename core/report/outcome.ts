/**
 * The stderr text of an intercepted call that was not answered (ICPT-10..14, ICPT-17), and the
 * trace lines of ICPT-15 and TPL-4. Colour follows COLOR-3 and is used only in mismatch reports.
 *
 * @module
 */

import { argvDisplaySpan, formatArgv } from "./argv_display.ts";
import { renderAcceptingStep, renderClosestSteps, renderStdinDiff } from "./proposal.ts";
import type { ArgvDiff, Scenario, StdinExpectation, StepOutcome, Subject } from "../types.ts";

/** Options of {@linkcode renderOutcome}. */
export interface OutcomeOptions {
  /** Colour the mismatch reports with ANSI codes (COLOR-3); decided by the caller (COLOR-2). */
  color: boolean;
}

/** How many extra or missing arguments a mismatch report lists (ICPT-10). */
const LIST_LIMIT = 5;
/** How many characters of stdin a stdin mismatch report shows (ICPT-13). */
const STDIN_PREVIEW = 200;
/** The width of `  Received: `, where the argv display starts. */
const DISPLAY_INDENT = 12;

type Paint = (text: string) => string;

interface Palette {
  bold: Paint;
  red: Paint;
  green: Paint;
}

function palette(color: boolean): Palette {
  const code = (n: number): Paint => color ? (text) => `\x1b[${n}m${text}\x1b[0m` : (text) => text;
  return { bold: code(1), red: code(31), green: code(32) };
}

/**
 * Renders what an intercepted call writes to stderr when it was not answered: the leaf or group
 * mismatch report with its soft-advance note (ICPT-10..12), the stdin mismatch report (ICPT-13),
 * the call-after-completion lines (ICPT-14) or `cli-replay: <message>` for errors (ICPT-17).
 * A matched call renders as `""`.
 *
 * When the outcome carries `closest` (the engine's outcomes do), the report goes on after the
 * contract's text (LANG-1): the unified diff of a stdin that differs, `Closest steps:` with
 * why each did not answer, and `To accept this call, add:` with a paste-ready step.
 *
 * @example Usage
 * ```ts
 * import { renderOutcome } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const scenario = {
 *   meta: { name: "deploy-app", description: "", vars: {}, allowedCommands: [], denyEnvVars: [] },
 *   elements: [], steps: [], groups: [], blocks: [], commands: [],
 * };
 * const text = renderOutcome(
 *   { kind: "complete", received: ["kubectl", "get", "pods"], totalSteps: 4, deniedVars: [] },
 *   scenario,
 *   { color: false },
 * );
 * assert.equal(
 *   text,
 *   'cli-replay: scenario "deploy-app" already complete (all 4 steps consumed)\n' +
 *     '  received: ["kubectl", "get", "pods"]\n',
 * );
 * ```
 *
 * @param o The outcome of the call.
 * @param scenario The scenario the call was matched against (for names, patterns and groups).
 * @param opts Whether to colour the report.
 * @returns The text for stderr; every line ends with `"\n"`; `""` for a match.
 */
export function renderOutcome(o: StepOutcome, scenario: Scenario, opts: OutcomeOptions): string {
  const p = palette(opts.color);
  switch (o.kind) {
    case "matched":
      return "";
    case "mismatch": {
      const out = o.subject.kind === "group"
        ? groupMismatch(o.subject, o.received, scenario, p)
        : leafMismatch(o.subject, o.received, o.diff, scenario, p);
      if (o.tried.length > 0) out.push("", ...softAdvanceNote(o.tried, scenario));
      if (o.closest !== undefined) {
        out.push(
          ...renderClosestSteps(o.closest, scenario),
          ...renderAcceptingStep(o.received, "mismatch", o.subject.stepIndex, scenario),
        );
      }
      return lines(out);
    }
    case "stdin-mismatch": {
      const out = stdinMismatch(
        o.stepIndex,
        o.argv,
        o.expected,
        o.received,
        o.reason,
        scenario,
        p,
      );
      if (o.closest !== undefined) {
        const e = o.expected;
        out.push(
          ...(e.kind === "text" || e.kind === "binary" || e.kind === "file"
            ? renderStdinDiff(e, o.received, p.green, p.red)
            : []),
          ...renderClosestSteps(o.closest, scenario),
          ...renderAcceptingStep(o.argv, "stdin", o.stepIndex, scenario),
        );
      }
      return lines(out);
    }
    case "env-mismatch": {
      const out = [
        p.bold(`Mismatch at step ${o.stepIndex + 1} of "${scenario.meta.name}":`),
        "",
        `  Argv matched: ${formatArgv(o.argv)}`,
        // SEC-11: the variable is named, its value never shown.
        `  environment variable ${o.name} did not match:`,
        `    expected: ${o.expected === null ? "(unset)" : p.green(o.expected)}`,
        `    received: ${
          o.received === undefined ? "(unset)" : p.red(
            o.reason === "must be unset" ? "set (value not shown)" : "another value (not shown)",
          )
        }`,
      ];
      if (o.closest !== undefined) {
        out.push(
          ...renderClosestSteps(o.closest, scenario),
          ...renderAcceptingStep(o.argv, "env", o.stepIndex, scenario),
        );
      }
      return lines(out);
    }
    case "forbidden":
      // LANG-5: one line; no step could accept the call, so nothing is proposed.
      return lines([
        `cli-replay: forbidden call ${formatArgv(o.received)}${
          o.message === undefined ? "" : `: ${o.message}`
        }`,
      ]);
    case "complete": {
      const out = [
        `cli-replay: scenario "${scenario.meta.name}" already complete (all ${o.totalSteps} steps consumed)`,
        `  received: ${formatArgv(o.received)}`,
      ];
      if (o.closest !== undefined) {
        out.push(
          ...renderClosestSteps(o.closest, scenario),
          ...renderAcceptingStep(o.received, "complete", null, scenario),
        );
      }
      return lines(out);
    }
    case "error":
      return lines([`cli-replay: ${o.message}`]);
  }
}

/**
 * Renders the trace line of one intercepted call (ICPT-15): `step=<N> argv=[…] exit=<code>` for
 * a match, `mismatch argv=[…] cursor=step <N>` for a mismatch or stdin mismatch,
 * `complete argv=[…]` after completion and `error argv=[…]` for an intercept error.
 *
 * @param o The outcome of the call.
 * @param argv The received argv (matched outcomes do not carry it).
 * @param cursor The 0-based cursor for mismatch lines; by default the first block tried (the
 * cursor block of STEP-3), or the stdin-mismatch step.
 * @returns One line starting with `cli-replay[trace]: `, ending with `"\n"`.
 */
export function renderTraceLine(
  o: StepOutcome,
  argv: readonly string[],
  cursor?: number,
): string {
  const shown = formatArgv(argv);
  switch (o.kind) {
    case "matched":
      return `cli-replay[trace]: step=${o.stepIndex + 1} argv=${shown} ${
        o.signal === undefined ? `exit=${o.exitCode}` : `signal=${o.signal}`
      }\n`;
    case "mismatch": {
      const at = cursor ?? (o.tried[0] ?? o.subject).stepIndex;
      return `cli-replay[trace]: mismatch argv=${shown} cursor=step ${at + 1}\n`;
    }
    case "stdin-mismatch":
    case "env-mismatch":
      return `cli-replay[trace]: mismatch argv=${shown} cursor=step ${
        (cursor ?? o.stepIndex) + 1
      }\n`;
    case "forbidden":
      return `cli-replay[trace]: forbidden argv=${shown}\n`;
    case "complete":
      return `cli-replay[trace]: complete argv=${shown}\n`;
    case "error":
      return `cli-replay[trace]: error argv=${shown}\n`;
  }
}

/**
 * Renders the trace line for an environment variable whose value was suppressed by
 * `deny_env_vars` (TPL-4). Only the name is shown, never the value (SEC-11).
 *
 * @param name The variable's name.
 * @returns `cli-replay[trace]: denied env var <name>` and a newline.
 */
export function renderDeniedTrace(name: string): string {
  return `cli-replay[trace]: denied env var ${name}\n`;
}

function leafMismatch(
  subject: Subject,
  received: readonly string[],
  diff: ArgvDiff | undefined,
  scenario: Scenario,
  p: Palette,
): string[] {
  const pattern = scenario.steps[subject.stepIndex]?.argv ?? [];
  const sizes = pattern.length === received.length;
  const out = [
    p.bold(`Mismatch at step ${subject.stepIndex + 1} of "${scenario.meta.name}":`),
    "",
    `  Expected: ${formatArgv(pattern)}${sizes ? "" : `  (${argCount(pattern.length)})`}`,
    `  Received: ${formatArgv(received)}${sizes ? "" : `  (${argCount(received.length)})`}`,
  ];
  if (diff === undefined) return out;

  const span = diff.position < pattern.length
    ? argvDisplaySpan(received, diff.position)
    : undefined;
  if (span !== undefined) {
    out.push(" ".repeat(DISPLAY_INDENT + span.column) + p.red("^".repeat(span.width)));
  }
  out.push("");
  const i = diff.position;
  const value = diff.received ?? received[i] ?? "";
  switch (diff.kind) {
    case "extra":
      out.push(`  Extra arguments starting at position ${i}:`, ...argList(received, i, p.red));
      break;
    case "missing":
      out.push(`  Missing arguments starting at position ${i}:`, ...argList(pattern, i, p.green));
      break;
    case "regex":
      out.push(
        `  First difference at position ${i}:`,
        `    expected pattern: ${p.red(diff.pattern)}`,
        `    received value:   ${p.red(value)}`,
      );
      break;
    case "template":
      out.push(
        `  First difference at position ${i}:`,
        diff.hidden === true
          ? `    expected: ${p.green(diff.pattern)}  (a value from the environment, not shown)`
          : `    expected: ${p.green(diff.pattern)}  (from ${diff.source ?? pattern[i] ?? ""})`,
        `    received: ${p.red(value)}`,
      );
      break;
    default:
      out.push(
        `  First difference at position ${i}:`,
        `    expected: ${p.green(diff.pattern)}`,
        `    received: ${p.red(value)}`,
      );
  }
  return out;
}

function argList(argv: readonly string[], from: number, paint: Paint): string[] {
  const out: string[] = [];
  for (let j = from; j < argv.length && j < from + LIST_LIMIT; j++) {
    out.push(`    [${j}]: ${paint(JSON.stringify(argv[j]))}`);
  }
  const more = argv.length - from - LIST_LIMIT;
  if (more > 0) out.push(`    ...+${more} more`);
  return out;
}

function groupMismatch(
  subject: Subject,
  received: readonly string[],
  scenario: Scenario,
  p: Palette,
): string[] {
  const group = subject.group === undefined ? undefined : scenario.groups[subject.group];
  const name = group?.name ?? scenario.steps[subject.stepIndex]?.group ?? "";
  const first = (group?.start ?? subject.stepIndex) + 1;
  const last = group?.end ?? first;
  const range = last > first ? `steps ${first}-${last}` : `step ${first}`;
  return [
    p.bold(`Mismatch in group "${name}" (${range}) of "${scenario.meta.name}":`),
    "",
    `  Received: ${formatArgv(received)}`,
    "",
    "  Expected one of:",
    ...subject.candidates.map((i) =>
      `    step ${i + 1}: ${formatArgv(scenario.steps[i]?.argv ?? [])}`
    ),
  ];
}

function softAdvanceNote(tried: readonly Subject[], scenario: Scenario): string[] {
  const cursor = tried[0];
  const head = cursor === undefined || cursor.kind === "step"
    ? `step ${(cursor?.stepIndex ?? 0) + 1} had reached its minimum call count`
    : `group "${groupName(cursor, scenario)}" had reached their minimum call counts`;
  const out = [`  Note: ${head}, so later steps were tried too:`];
  for (const subject of tried) {
    subject.candidates.forEach((i, k) => {
      const step = scenario.steps[i];
      const argv = formatArgv(step?.argv ?? []);
      if (subject.kind === "group") {
        out.push(`    step ${i + 1} [group:${groupName(subject, scenario)}]: ${argv}`);
      } else {
        const count = subject.counts[k] ?? 0;
        out.push(`    step ${i + 1}: ${argv} (${count} of max ${step?.calls.max ?? 0} calls)`);
      }
    });
  }
  out.push("  None of them matched.");
  return out;
}

function groupName(subject: Subject, scenario: Scenario): string {
  const group = subject.group === undefined ? undefined : scenario.groups[subject.group];
  return group?.name ?? scenario.steps[subject.stepIndex]?.group ?? "";
}

function stdinMismatch(
  stepIndex: number,
  argv: readonly string[],
  expected: StdinExpectation,
  received: Uint8Array | "too-large",
  reason: string | undefined,
  scenario: Scenario,
  p: Palette,
): string[] {
  const out = [
    p.bold(`Mismatch at step ${stepIndex + 1} of "${scenario.meta.name}":`),
    "",
    `  Argv matched: ${formatArgv(argv)}`,
    "  stdin did not match:",
  ];
  switch (expected.kind) {
    case "binary":
      out.push(`    expected (binary, ${expected.bytes.length} bytes)`);
      break;
    case "file":
      out.push(`    expected (file: ${expected.path})`);
      break;
    case "text":
      out.push(
        `    expected (first ${STDIN_PREVIEW} characters):`,
        ...stdinPreview(expected.template),
      );
      break;
    case "regex":
      out.push(`    expected pattern: ${p.green(expected.source)}`);
      break;
    case "contains":
      out.push(`    expected to contain: ${p.green(JSON.stringify(expected.text))}`);
      break;
    case "json":
      out.push(`    expected JSON containing: ${p.green(JSON.stringify(expected.value))}`);
  }
  if (reason !== undefined && received !== "too-large" && expected.kind === "json") {
    out.push(`    ${p.red(reason)}`);
  }
  if (received === "too-large") {
    out.push("    received more than 1 MiB; not compared");
  } else {
    const text = expected.kind === "binary" ? undefined : decodeUtf8(received);
    if (text === undefined) {
      out.push(`    received (binary, ${received.length} bytes)`);
    } else {
      out.push(`    received (first ${STDIN_PREVIEW} characters):`, ...stdinPreview(text));
    }
  }
  return out;
}

/** STDIN-2 normalisation, the 200-character cut and the six-space indentation of ICPT-13. */
function stdinPreview(text: string): string[] {
  const normal = text.replaceAll("\r\n", "\n").replace(/\n+$/, "");
  const chars = Array.from(normal);
  const shown = chars.length > STDIN_PREVIEW
    ? `${chars.slice(0, STDIN_PREVIEW).join("")}...`
    : normal;
  return shown === "" ? ["      (empty)"] : shown.split("\n").map((line) => `      ${line}`);
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function argCount(n: number): string {
  return `${n} ${n === 1 ? "arg" : "args"}`;
}

function lines(list: readonly string[]): string {
  return list.map((line) => `${line}\n`).join("");
}
