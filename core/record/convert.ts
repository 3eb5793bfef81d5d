/**
 * From recorded calls to the steps a recording writes: order by time (REC-7), redact
 * secrets (RECM-2), fold repeats (RECM-3), and for `exec --record missing` group the calls by
 * the place their steps go (RECM-1). Pure.
 *
 * @module
 */

import type { InsertPoint } from "./insert_point.ts";
import { type RecordedCall, sortRecordedCalls } from "./log.ts";
import { type RecordedStep, stepFromCall } from "./scenario_writer.ts";
import { type RedactionCounts, redactSteps } from "./redact_steps.ts";
import { foldSteps } from "./fold.ts";

/** Options of {@linkcode convertRecording}. */
export interface ConvertOptions {
  /** Secret values to redact, by variable name. @default {{}} */
  secrets?: Readonly<Record<string, string>>;
  /**
   * Whether the secrets logged with each call (its caller's secret-named variables) are
   * redacted too, in every call. `--no-redact` turns this off. @default {true}
   */
  callSecrets?: boolean;
  /** `--redact` patterns. @default {[]} */
  patterns?: readonly RegExp[];
  /** Whether repeats fold (`--no-fold` turns it off). @default {true} */
  fold?: boolean;
  /** Whether folding may write answer sequences (LANG-2). @default {false} */
  sequences?: boolean;
}

/** What a recording writes, and what was done to it. */
export interface ConvertResult {
  /** The steps, in call order. */
  readonly steps: RecordedStep[];
  /** Values redacted, by label. */
  readonly redactions: RedactionCounts;
  /** Calls that went into folded steps. */
  readonly foldedCalls: number;
  /** Folded steps. */
  readonly foldedSteps: number;
}

/** The secrets to redact from `calls`: the given ones and, unless turned off, the logged ones. */
function _secrets(calls: readonly RecordedCall[], options: ConvertOptions): Record<string, string> {
  const secrets: Record<string, string> = { ...options.secrets };
  if (options.callSecrets === false) return secrets;
  for (const call of calls) {
    for (const [name, value] of Object.entries(call.secrets ?? {})) {
      if (!Object.values(secrets).includes(value)) secrets[name] ??= value;
    }
  }
  return secrets;
}

/**
 * Turns recorded calls into the steps to write: in time order, one per call, redacted, then
 * folded.
 *
 * @example Usage
 * ```ts
 * import { convertRecording } from "./convert.ts";
 * import assert from "node:assert/strict";
 * const enc = new TextEncoder();
 * const poll = (at: string) => ({
 *   timestamp: at, argv: ["kubectl", "get", "job"], exit: 0,
 *   stdout: enc.encode("ready\n"), stderr: new Uint8Array(),
 * });
 * const result = convertRecording([poll("2026-01-01T00:00:02Z"), poll("2026-01-01T00:00:01Z")]);
 * assert.equal(result.steps.length, 1);
 * assert.deepEqual(result.steps[0]?.calls, { min: 1, max: 2 });
 * ```
 *
 * @param calls The calls, in log order.
 * @param options Redaction and folding.
 * @returns The steps and what was done.
 */
export function convertRecording(
  calls: readonly RecordedCall[],
  options: ConvertOptions = {},
): ConvertResult {
  const steps = sortRecordedCalls(calls).map(stepFromCall);
  const redacted = redactSteps(steps, {
    secrets: _secrets(calls, options),
    patterns: options.patterns ?? [],
  });
  if (options.fold === false) {
    return { steps: redacted.steps, redactions: redacted.counts, foldedCalls: 0, foldedSteps: 0 };
  }
  const folded = foldSteps(redacted.steps, { sequences: options.sequences ?? false });
  return { ...folded, redactions: redacted.counts };
}

/** The new steps that go to one place of a scenario. */
export interface Placement {
  /** Where they go. */
  readonly at: InsertPoint;
  /** The steps, in call order. */
  readonly steps: RecordedStep[];
}

/** What {@linkcode convertMissing} produced. */
export interface MissingResult extends Omit<ConvertResult, "steps"> {
  /** The new steps by place, in scenario order. */
  readonly placements: Placement[];
}

/** Sort key of a place: the element it precedes, groups right after their element. */
function _order(at: InsertPoint, groupElement: (group: number) => number): number {
  return "before" in at ? at.before * 2 : groupElement(at.group) * 2 + 1;
}

/**
 * Turns the calls recorded by `exec --record missing` into new steps grouped by where they
 * go (RECM-1); each place's calls are redacted and folded on their own. Calls without a
 * place go to the end.
 *
 * @param calls The calls, in log order.
 * @param groupElement The top-level element index of a group (for ordering the places).
 * @param options Redaction and folding.
 * @returns The places in scenario order, and what was done.
 */
export function convertMissing(
  calls: readonly RecordedCall[],
  groupElement: (group: number) => number,
  options: ConvertOptions & { readonly elements: number },
): MissingResult {
  const byPlace = new Map<string, { at: InsertPoint; calls: RecordedCall[] }>();
  for (const call of calls) {
    const at = call.insert ?? { before: options.elements };
    const key = JSON.stringify(at);
    const entry = byPlace.get(key) ?? { at, calls: [] };
    entry.calls.push(call);
    byPlace.set(key, entry);
  }
  const secrets = _secrets(calls, options);
  const redactions = new Map<string, number>();
  let foldedCalls = 0;
  let foldedSteps = 0;
  const placements: Placement[] = [];
  const places = [...byPlace.values()].sort((a, b) =>
    _order(a.at, groupElement) - _order(b.at, groupElement)
  );
  for (const place of places) {
    const result = convertRecording(place.calls, { ...options, secrets, callSecrets: false });
    for (const [label, n] of result.redactions) {
      redactions.set(label, (redactions.get(label) ?? 0) + n);
    }
    foldedCalls += result.foldedCalls;
    foldedSteps += result.foldedSteps;
    placements.push({ at: place.at, steps: result.steps });
  }
  return { placements, redactions, foldedCalls, foldedSteps };
}

/**
 * The summary line of a recording: `recorded 3 new steps (kubectl ×2, helm ×1)`, commands
 * in order of their first step.
 *
 * @example Usage
 * ```ts
 * import { formatRecordedSummary } from "./convert.ts";
 * import assert from "node:assert/strict";
 * const answers = [{ exit: 0, stdout: new Uint8Array(), stderr: new Uint8Array() }];
 * const steps = [["kubectl", "get"], ["helm", "ls"], ["kubectl", "apply"]].map((argv) => ({ argv, answers }));
 * assert.equal(formatRecordedSummary(steps), "recorded 3 new steps (kubectl ×2, helm ×1)");
 * ```
 *
 * @param steps The new steps.
 * @returns The line, without a newline.
 */
export function formatRecordedSummary(steps: readonly RecordedStep[]): string {
  const counts = new Map<string, number>();
  for (const step of steps) {
    const name = step.argv[0] ?? "";
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const parts = [...counts].map(([name, n]) => `${name} ×${n}`).join(", ");
  return `recorded ${steps.length} new step${steps.length === 1 ? "" : "s"}${
    parts === "" ? "" : ` (${parts})`
  }`;
}
