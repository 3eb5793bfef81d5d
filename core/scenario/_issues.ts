/**
 * Zod issues → diagnostics (SCN-2, SCN-4, SCN-23): each issue becomes one message at
 * the value or key it concerns. An unknown key gets "did you mean" when a known key is
 * close, or the level it belongs to when it is a key of another level of a step.
 *
 * @module
 */
import type { z } from "zod";
import { closest } from "../suggest.ts";
import { GroupSchema, LeafStepSchema, MetaSchema } from "./schema.ts";
import { childPath, type ParseContext } from "./_context.ts";

type Issue = z.core.$ZodIssue;

const STEP_LEVELS: Record<string, readonly string[]> = {
  step: Object.keys(LeafStepSchema.shape),
  match: Object.keys(LeafStepSchema.shape.match.shape),
  respond: ["exit", "stdout", "stderr", "stdout_file", "stderr_file", "delay", "capture"],
  calls: ["min", "max"],
};

const OBJECT_KEYS: Record<string, readonly string[]> = {
  root: ["meta", "steps"],
  meta: Object.keys(MetaSchema.shape),
  security: ["allowed_commands", "deny_env_vars"],
  session: ["ttl"],
  step: STEP_LEVELS.step!,
  match: STEP_LEVELS.match!,
  respond: STEP_LEVELS.respond!,
  calls: STEP_LEVELS.calls!,
  group: Object.keys(GroupSchema.shape),
};

/**
 * Reports the issues zod found in `data`, the value at YAML path `base`.
 *
 * @param issues The issues, in zod's order.
 * @param data The value that was validated.
 * @param base The YAML path of `data`.
 * @param ctx Receives the diagnostics.
 */
export function reportIssues(
  issues: readonly Issue[],
  data: unknown,
  base: string,
  ctx: ParseContext,
): void {
  for (const issue of issues) {
    const path = _pathString(base, issue.path);
    if (issue.code === "unrecognized_keys") _reportUnknownKeys(issue.keys, path, ctx);
    else if (!_reportMissingKey(issue, data, base, ctx)) {
      ctx.error(path, _valueMessage(issue, path, getAt(data, issue.path)));
    }
  }
}

/** The value at `segments` under `root`, or undefined when there is none. */
export function getAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const s of segments) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[s];
  }
  return cur;
}

function _reportUnknownKeys(keys: readonly string[], path: string, ctx: ParseContext): void {
  const level = _levelOf(path);
  const allowed = OBJECT_KEYS[level] ?? [];
  for (const key of keys) {
    const { message, suggestion } = _unknownKeyMessage(key, level, allowed);
    ctx.errorAt(
      ctx.keyAt(childPath(path, key)) ?? ctx.valueAt(path),
      path,
      message,
      suggestion === undefined ? {} : { suggestion },
    );
  }
}

/** Reports an issue about a key absent from its mapping; returns whether it was one. */
function _reportMissingKey(issue: Issue, data: unknown, base: string, ctx: ParseContext): boolean {
  if (issue.path.length === 0 || getAt(data, issue.path) !== undefined) return false;
  const parentSegments = issue.path.slice(0, -1);
  const parent = getAt(data, parentSegments);
  const key = String(issue.path.at(-1));
  if (parent === null || typeof parent !== "object" || Array.isArray(parent)) return false;
  if (Object.hasOwn(parent, key)) return false;
  ctx.error(_pathString(base, parentSegments), `missing required key "${key}"`);
  return true;
}

function _valueMessage(issue: Issue, path: string, value: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return _typeMessage(issue.expected);
    case "too_small":
    case "too_big":
      return _rangeMessage(path, value, issue);
    case "invalid_value":
      if (_lastKey(path) !== "mode") return issue.message;
      return `group.mode must be "unordered", got ${JSON.stringify(value)}`;
    default:
      return issue.message;
  }
}

function _pathString(base: string, segments: readonly PropertyKey[]): string {
  let out = base;
  for (const s of segments) out = childPath(out, typeof s === "number" ? s : String(s));
  return out;
}

function _lastKey(path: string): string {
  const m = /(?:^|\.)([^.[\]]+)$/.exec(path);
  return m ? m[1]! : "";
}

/** Which kind of mapping the path names: a key of {@linkcode OBJECT_KEYS}, or `"other"`. */
function _levelOf(objectPath: string): string {
  if (objectPath === "") return "root";
  const last = _lastKey(objectPath);
  if (/steps\[\d+\]$/.test(objectPath)) return "step";
  if (["meta", "security", "session", "match", "respond", "calls", "group"].includes(last)) {
    return last;
  }
  return "other";
}

function _unknownKeyMessage(
  key: string,
  level: string,
  allowed: readonly string[],
): { message: string; suggestion?: string } {
  const suggestion = closest(key, allowed);
  if (suggestion !== undefined) {
    return { message: `unknown key "${key}" (did you mean "${suggestion}"?)`, suggestion };
  }
  if (level in STEP_LEVELS) {
    for (const [other, keys] of Object.entries(STEP_LEVELS)) {
      if (other !== level && keys.includes(key)) {
        const where = other === "step" ? "the step itself" : other;
        return { message: `unknown key "${key}" ("${key}" belongs under ${where})` };
      }
    }
  }
  const list = allowed.map((k) => `"${k}"`).join(", ");
  return { message: `unknown key "${key}" (expected one of: ${list})` };
}

function _rangeMessage(path: string, value: unknown, issue: Issue): string {
  const last = _lastKey(path);
  if (last === "exit") return `must be between 0 and 255, got ${String(value)}`;
  if (last === "min" && path.endsWith("calls.min")) {
    return `calls.min must be >= 0, got ${String(value)}`;
  }
  if (last === "max" && path.endsWith("calls.max")) {
    return `calls.max must be >= 1, got ${String(value)}`;
  }
  if (last === "argv") return "must have at least one element";
  if (last === "steps") return "must have at least one step";
  return issue.message;
}

function _typeMessage(expected: string): string {
  switch (expected) {
    case "string":
      return "must be a string";
    case "number":
    case "int":
      return "must be an integer";
    case "object":
    case "record":
      return "must be a mapping";
    case "array":
      return "must be a sequence";
    default:
      return `must be of type ${expected}`;
  }
}
