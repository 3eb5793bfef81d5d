/**
 * The state file's JSON form (STATE-5, STATE-6): parse with migration and strict
 * checks, serialise with snake_case keys.
 *
 * @module
 */
import type { State, UnexpectedCall, UnexpectedReason } from "../types.ts";
import { ReplayError } from "../errors.ts";

function _jsonErrorLine(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lineCol = /line (\d+)/.exec(message);
  if (lineCol) return `invalid JSON at line ${lineCol[1]}`;
  const pos = /position (\d+)/.exec(message);
  if (pos) {
    const offset = Number(pos[1]);
    return `invalid JSON at line ${text.slice(0, offset).split("\n").length}`;
  }
  if (/end of JSON/i.test(message)) {
    return `invalid JSON at line ${text.split("\n").length} (unexpected end of input)`;
  }
  return "invalid JSON";
}

/** RFC 3339 date-time, any number of fraction digits (the original wrote nanoseconds). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

function _isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

const REASONS: readonly string[] = ["mismatch", "stdin", "env", "complete", "forbidden"];

/**
 * Parses a state file's text (STATE-6). Unknown fields are ignored; `consumed_steps` of
 * old versions is migrated to counts.
 *
 * @example Usage
 * ```ts
 * import { parseState } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const state = parseState(
 *   '{"scenario_path":"/s.yaml","scenario_hash":"h","current_step":0,"total_steps":1,"step_counts":[0],"last_updated":"2026-01-01T00:00:00Z"}',
 * );
 * assert.deepEqual(state.stepCounts, [0]);
 * ```
 *
 * @param json The file's text.
 * @param file The file name for error messages.
 * @returns The state.
 * @throws {ReplayError} When the text is not valid JSON or a required field is missing or mistyped.
 */
export function parseState(json: string, file = ""): State {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ReplayError("state", _jsonErrorLine(json, error), { path: file });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ReplayError("state", "state must be a JSON object", { path: file });
  }
  const o = raw as Record<string, unknown>;
  const bad = (field: string, wanted: string) =>
    new ReplayError("state", `field "${field}" must be ${wanted}`, { path: file });
  if (typeof o.scenario_path !== "string") throw bad("scenario_path", "a string");
  if (typeof o.scenario_hash !== "string") throw bad("scenario_hash", "a string");
  if (!_isInt(o.current_step) || o.current_step < 0) {
    throw bad("current_step", "a non-negative integer");
  }
  if (!_isInt(o.total_steps) || o.total_steps < 0) {
    throw bad("total_steps", "a non-negative integer");
  }
  let stepCounts: number[];
  if (o.step_counts === undefined && Array.isArray(o.consumed_steps)) {
    if (!o.consumed_steps.every((x) => typeof x === "boolean")) {
      throw bad("consumed_steps", "an array of booleans");
    }
    stepCounts = o.consumed_steps.map((x) => (x ? 1 : 0));
  } else {
    if (!Array.isArray(o.step_counts) || !o.step_counts.every((x) => _isInt(x) && x >= 0)) {
      throw bad("step_counts", "an array of non-negative integers");
    }
    stepCounts = o.step_counts as number[];
  }
  if (stepCounts.length !== o.total_steps) {
    throw new ReplayError(
      "state",
      `step_counts has ${stepCounts.length} entries but total_steps is ${o.total_steps}`,
      { path: file },
    );
  }
  if (o.current_step > o.total_steps) throw bad("current_step", "at most total_steps");
  if (
    typeof o.last_updated !== "string" || !RFC3339.test(o.last_updated) ||
    Number.isNaN(Date.parse(o.last_updated))
  ) {
    throw bad("last_updated", "an RFC 3339 timestamp");
  }
  const captures: Record<string, string> = {};
  if (o.captures !== undefined) {
    if (o.captures === null || typeof o.captures !== "object" || Array.isArray(o.captures)) {
      throw bad("captures", "an object of strings");
    }
    for (const [k, v] of Object.entries(o.captures)) {
      if (typeof v !== "string") throw bad("captures", "an object of strings");
      captures[k] = v;
    }
  }
  const unexpectedCalls: UnexpectedCall[] = [];
  if (o.unexpected_calls !== undefined) {
    if (!Array.isArray(o.unexpected_calls)) throw bad("unexpected_calls", "an array");
    for (const u of o.unexpected_calls) {
      const e = u as Record<string, unknown>;
      if (
        e === null || typeof e !== "object" || !Array.isArray(e.argv) ||
        !e.argv.every((a) => typeof a === "string") || typeof e.reason !== "string" ||
        !REASONS.includes(e.reason) || !(e.step_index === null || _isInt(e.step_index))
      ) {
        throw bad("unexpected_calls", "an array of {argv, reason, step_index, at}");
      }
      unexpectedCalls.push({
        argv: e.argv as string[],
        reason: e.reason as UnexpectedReason,
        stepIndex: e.step_index as number | null,
        at: typeof e.at === "string" ? e.at : "",
        ...(typeof e.message === "string" ? { message: e.message } : {}),
      });
    }
  }
  let unexpectedCount = unexpectedCalls.length;
  if (o.unexpected_count !== undefined) {
    if (!_isInt(o.unexpected_count) || o.unexpected_count < 0) {
      throw bad("unexpected_count", "a non-negative integer");
    }
    unexpectedCount = Math.max(o.unexpected_count, unexpectedCalls.length);
  }
  return {
    scenarioPath: o.scenario_path,
    scenarioHash: o.scenario_hash,
    currentStep: o.current_step,
    totalSteps: o.total_steps,
    stepCounts,
    ...(_isInt(o.active_group) ? { activeGroup: o.active_group } : {}),
    ...(typeof o.intercept_dir === "string" ? { interceptDir: o.intercept_dir } : {}),
    lastUpdated: o.last_updated,
    captures,
    unexpectedCalls,
    unexpectedCount,
  };
}

/**
 * Serialises a state as the STATE-5 JSON text (two-space indentation, final newline).
 *
 * @example Usage
 * ```ts
 * import { parseState, serializeState } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const text = '{"scenario_path":"/s.yaml","scenario_hash":"h","current_step":0,"total_steps":0,"step_counts":[],"last_updated":"2026-01-01T00:00:00.000Z"}';
 * assert.equal(JSON.parse(serializeState(parseState(text))).scenario_path, "/s.yaml");
 * ```
 *
 * @param state The state.
 * @returns JSON text.
 */
export function serializeState(state: State): string {
  const out: Record<string, unknown> = {
    scenario_path: state.scenarioPath,
    scenario_hash: state.scenarioHash,
    current_step: state.currentStep,
    total_steps: state.totalSteps,
    step_counts: state.stepCounts,
  };
  if (state.activeGroup !== undefined) out.active_group = state.activeGroup;
  if (state.interceptDir !== undefined) out.intercept_dir = state.interceptDir;
  out.last_updated = state.lastUpdated;
  if (Object.keys(state.captures).length > 0) out.captures = state.captures;
  if (state.unexpectedCalls.length > 0) {
    out.unexpected_calls = state.unexpectedCalls.map((u) => ({
      argv: u.argv,
      reason: u.reason,
      step_index: u.stepIndex,
      at: u.at,
      ...(u.message !== undefined ? { message: u.message } : {}),
    }));
  }
  if (state.unexpectedCount > 0) out.unexpected_count = state.unexpectedCount;
  return JSON.stringify(out, null, 2) + "\n";
}
