/**
 * The `--dry-run` report (RUN-11): what a scenario would fake, checked against the allowlist,
 * without touching anything.
 *
 * @module
 */

import {
  type AllowlistViolation,
  effectiveAllowlist,
  findAllowlistViolations,
} from "../session/allowlist.ts";
import type { Content, Scenario, SignalName } from "../types.ts";
import { classifyPatternElement, regexGroupNames } from "../lang/argv_pattern.ts";

/** One step row of a {@linkcode DryRunReport}. */
export interface DryRunStep {
  /** 1-based step number. */
  readonly number: number;
  /** The argv pattern joined by single spaces, as written. */
  readonly pattern: string;
  /** `calls.min`. */
  readonly min: number;
  /** `calls.max`. */
  readonly max: number;
  /** The group name, for group members. */
  readonly group?: string;
  /** `respond.exit` (of the first answer). */
  readonly exit: number;
  /** `respond.signal` of the first answer, if set (LANG-6). */
  readonly signal?: SignalName;
  /** The number of answers, for a list of answers (LANG-2). */
  readonly answers?: number;
  /** The stdout preview (escaped text, `[file: <path>]` or `[binary: <n> bytes]`), if any. */
  readonly stdout?: string;
  /** `respond.delay` as written, if set. */
  readonly delay?: string;
  /** Capture identifiers, sorted: literal, taken from the call, and named regex groups. */
  readonly captures: readonly string[];
}

/** One `forbid` entry of a {@linkcode DryRunReport} (LANG-5). */
export interface DryRunForbid {
  /** The argv prefix pattern joined by single spaces, as written. */
  readonly pattern: string;
  /** The message, if written. */
  readonly message?: string;
}

/** Everything the `--dry-run` report shows (RUN-11). */
export interface DryRunReport {
  /** `meta.name`. */
  readonly name: string;
  /** `meta.description` (`""` when absent). */
  readonly description: string;
  /** Number of flat steps. */
  readonly stepCount: number;
  /** Number of groups. */
  readonly groupCount: number;
  /** Number of distinct commands. */
  readonly commandCount: number;
  /** Declared template variables, sorted. */
  readonly vars: readonly string[];
  /** `meta.session.ttl` as written, if set. */
  readonly ttl?: string;
  /** The effective allowlist (SEC-2), when one is in effect. */
  readonly allowlist?: readonly string[];
  /** One row per flat step. */
  readonly steps: readonly DryRunStep[];
  /** The `forbid` entries (LANG-5), when there are any. */
  readonly forbid?: readonly DryRunForbid[];
  /** Commands the allowlist does not allow. */
  readonly violations: readonly AllowlistViolation[];
  /** Whether there is no allowlist violation (exit 0). */
  readonly ok: boolean;
}

/** Options of {@linkcode buildDryRunReport}. */
export interface DryRunOptions {
  /** The parsed `--allowed-commands` flag. @default {[]} */
  allowedCommands?: readonly string[];
}

/** Characters of stdout shown in a preview (RUN-11). */
const PREVIEW_LIMIT = 80;
/** Width of the pattern column, and the cut of longer patterns. */
const PATTERN_WIDTH = 44;
/** The table rules: 60 × U+2500. */
const RULE = "─".repeat(60);

/**
 * Builds the data of the `--dry-run` report (RUN-11) from a validated scenario, including the
 * allowlist check against the effective allowlist (SEC-2).
 *
 * @param scenario The validated scenario.
 * @param opts The `--allowed-commands` flag.
 * @returns The report; `ok` is false when some command is not allowed.
 */
export function buildDryRunReport(scenario: Scenario, opts: DryRunOptions = {}): DryRunReport {
  const { meta } = scenario;
  const allowlist = effectiveAllowlist(meta.allowedCommands, opts.allowedCommands ?? []);
  const violations = findAllowlistViolations(scenario, allowlist);
  const ttl = meta.ttl ?? (meta.ttlMs === undefined ? undefined : `${meta.ttlMs}ms`);
  const steps = scenario.steps.map((step): DryRunStep => {
    const stdout = preview(step.respond.stdout);
    const delay = step.respond.delay ??
      (step.respond.delayMs > 0 ? `${step.respond.delayMs}ms` : undefined);
    return {
      number: step.index + 1,
      pattern: step.argv.join(" "),
      min: step.calls.min,
      max: step.calls.max,
      ...(step.group === undefined ? {} : { group: step.group }),
      exit: step.respond.exit,
      ...(step.respond.signal === undefined ? {} : { signal: step.respond.signal }),
      ...(step.answers === undefined ? {} : { answers: step.answers.length }),
      ...(stdout === undefined ? {} : { stdout }),
      ...(delay === undefined ? {} : { delay }),
      captures: _captureIds(step),
    };
  });
  const forbid = (scenario.forbid ?? []).map((rule): DryRunForbid => ({
    pattern: rule.argv.join(" "),
    ...(rule.message === undefined ? {} : { message: rule.message }),
  }));
  return {
    name: meta.name,
    description: meta.description,
    stepCount: scenario.steps.length,
    groupCount: scenario.groups.length,
    commandCount: scenario.commands.length,
    vars: Object.keys(meta.vars).sort(),
    ...(ttl === undefined ? {} : { ttl }),
    ...(allowlist === undefined ? {} : { allowlist }),
    steps,
    ...(forbid.length === 0 ? {} : { forbid }),
    violations,
    ok: violations.length === 0,
  };
}

/** Every capture a step can set: literal or from the call in any answer, named regex groups. */
function _captureIds(step: Scenario["steps"][number]): string[] {
  const ids = new Set<string>();
  for (const answer of step.answers ?? [step.respond]) {
    for (const id of Object.keys(answer.capture)) ids.add(id);
    for (const id of Object.keys(answer.captureFrom ?? {})) ids.add(id);
  }
  for (const item of step.argv.slice(1)) {
    const el = classifyPatternElement(item, new Set());
    if (el.kind === "regex") { for (const id of regexGroupNames(el.regex)) ids.add(id); }
  }
  return [...ids].sort();
}

/**
 * Renders the `--dry-run` report in the layout of RUN-11: the summary lines, the step table, and
 * the allowlist and validation verdicts.
 *
 * @example Usage
 * ```ts
 * import { buildDryRunReport, renderDryRun } from "./dry_run.ts";
 * import assert from "node:assert/strict";
 *
 * const text = (template: string) => ({ kind: "text" as const, template });
 * const scenario = {
 *   meta: { name: "demo", description: "", vars: {}, allowedCommands: ["git"], denyEnvVars: [] },
 *   elements: [{ kind: "step" as const, step: 0 }],
 *   steps: [{
 *     index: 0, yamlPath: "steps[0]", argv: ["git", "status"],
 *     respond: { exit: 0, stdout: text("clean\n"), stderr: text(""), delayMs: 0, capture: {} },
 *     calls: { min: 1, max: 1, explicit: false },
 *   }],
 *   groups: [], blocks: [{ start: 0, end: 1 }], commands: ["git"],
 * };
 * const report = buildDryRunReport(scenario, { allowedCommands: ["kubectl"] });
 * assert.equal(report.ok, false);
 * assert.match(renderDryRun(report), /^✗ command "git" is not in the allowlist \(step 1\)$/m);
 * ```
 *
 * @param report A report from {@linkcode buildDryRunReport}.
 * @returns The report text, every line ending with `"\n"`.
 */
export function renderDryRun(report: DryRunReport): string {
  const out = [`Scenario: ${report.name}`];
  if (report.description !== "") out.push(`Description: ${report.description}`);
  out.push(
    `Steps: ${report.stepCount} | Groups: ${report.groupCount} | Commands: ${report.commandCount}`,
  );
  if (report.vars.length > 0) out.push(`Template Variables: ${report.vars.join(", ")}`);
  if (report.ttl !== undefined && report.ttl !== "") out.push(`Session TTL: ${report.ttl}`);
  if (report.allowlist !== undefined && report.allowlist.length > 0) {
    out.push(`Allowlist: ${report.allowlist.join(", ")}`);
  }
  out.push("", RULE, row("#", "Command / Match Pattern", "Calls", "Group"), RULE);
  for (const step of report.steps) {
    const group = step.group === undefined ? "—" : `${step.group} (unordered)`;
    out.push(row(String(step.number), cut(step.pattern), `[${step.min},${step.max}]`, group));
    let detail = step.signal === undefined
      ? `      → exit ${step.exit}`
      : `      → signal ${step.signal}`;
    if (step.stdout !== undefined) detail += ` | stdout: ${step.stdout}`;
    if (step.delay !== undefined) detail += ` | delay: ${step.delay}`;
    if (step.answers !== undefined) detail += ` | answers: ${step.answers}`;
    out.push(detail);
    if (step.captures.length > 0) out.push(`      ↳ captures: ${step.captures.join(", ")}`);
  }
  out.push(RULE, "");
  for (const rule of report.forbid ?? []) {
    out.push(
      `✗ forbidden: ${rule.pattern}${rule.message === undefined ? "" : ` — ${rule.message}`}`,
    );
  }
  if (report.forbid !== undefined) out.push("");
  if (report.allowlist !== undefined) {
    if (report.violations.length === 0) out.push("✓ All commands match allowlist");
    for (const v of report.violations) {
      const users = [
        ...(v.stepNumbers.length === 0
          ? []
          : [`${v.stepNumbers.length === 1 ? "step" : "steps"} ${v.stepNumbers.join(", ")}`]),
        ...(v.forbidIndexes ?? []).map((i) => `forbid[${i}]`),
      ];
      out.push(`✗ command "${v.command}" is not in the allowlist (${users.join(", ")})`);
    }
  }
  if (report.ok) out.push("✓ No validation errors");
  return out.map((line) => `${line}\n`).join("");
}

function row(number: string, pattern: string, calls: string, group: string): string {
  return ` ${pad(number, 4)} ${pad(pattern, PATTERN_WIDTH)} ${pad(calls, 7)} ${group}`;
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - Array.from(text).length));
}

function cut(text: string): string {
  const chars = Array.from(text);
  return chars.length > PATTERN_WIDTH ? `${chars.slice(0, PATTERN_WIDTH - 3).join("")}...` : text;
}

/** The stdout preview of RUN-11, or `undefined` when the step writes no stdout. */
function preview(content: Content): string | undefined {
  switch (content.kind) {
    case "file":
      return `[file: ${content.path}]`;
    case "binary":
      return `[binary: ${content.bytes.length} bytes]`;
    case "text": {
      if (content.template === "") return undefined;
      const chars = Array.from(content.template);
      const shown = escapeControls(chars.slice(0, PREVIEW_LIMIT).join(""));
      return chars.length > PREVIEW_LIMIT ? `${shown}...` : shown;
    }
  }
}

/** Escapes `\n`, `\r`, `\t` and every other control character (C0, DEL, C1) as `\xHH`. */
function escapeControls(text: string): string {
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}
