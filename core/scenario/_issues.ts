/**
 * Zod issues → diagnostics (SCN-2, SCN-4, SCN-23): each issue becomes one message at
 * the value or key it concerns. An unknown key gets "did you mean" when a known key is
 * close, or the level it belongs to when it is a key of another level of a step.
 *
 * @module
 */
import type { z } from "zod";
import { closest } from "../suggest.ts";
import {
  CaptureFromSchema,
  ForbidSchema,
  GroupSchema,
  LeafStepSchema,
  MetaSchema,
  RespondSchema,
  StdinRuleSchema,
} from "./schema.ts";
import { childPath, type ParseContext } from "./_context.ts";

type Issue = z.core.$ZodIssue;

const STEP_LEVELS: Record<string, readonly string[]> = {
  step: Object.keys(LeafStepSchema.shape),
  match: Object.keys(LeafStepSchema.shape.match.shape),
  respond: Object.keys(RespondSchema.shape),
  calls: ["min", "max"],
};

const OBJECT_KEYS: Record<string, readonly string[]> = {
  root: ["meta", "steps", "forbid"],
  meta: Object.keys(MetaSchema.shape),
  security: ["allowed_commands", "deny_env_vars"],
  session: ["ttl"],
  step: STEP_LEVELS.step!,
  match: STEP_LEVELS.match!,
  respond: STEP_LEVELS.respond!,
  calls: STEP_LEVELS.calls!,
  group: Object.keys(GroupSchema.shape),
  stdin: Object.keys(StdinRuleSchema.shape),
  captureFrom: Object.keys(CaptureFromSchema.shape),
  forbid: Object.keys(ForbidSchema.shape),
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
  for (const issue of flattenIssues(issues)) {
    const path = _pathString(base, issue.path);
    if (issue.code === "unrecognized_keys") _reportUnknownKeys(issue.keys, path, ctx);
    else if (!_reportMissingKey(issue, data, base, ctx)) {
      ctx.error(path, _valueMessage(issue, path, getAt(data, issue.path)));
    }
  }
}

/**
 * Replaces each union issue by the issues of the one branch whose type fits the value (a
 * mapping for `respond: {…}`, a sequence for `respond: […]`), so that a typo inside still gets
 * its own message at its own position. A union with no such branch, or with several, stays.
 *
 * @param issues The issues, in zod's order.
 * @returns The issues, with union issues opened where one branch fits.
 */
export function flattenIssues(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code !== "invalid_union") {
      out.push(issue);
      continue;
    }
    const fitting = issue.errors.filter((branch) =>
      !branch.some((i) => i.path.length === 0 && i.code === "invalid_type")
    );
    if (fitting.length !== 1) {
      out.push(issue);
      continue;
    }
    const nested = fitting[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue);
    out.push(...flattenIssues(nested));
  }
  return out;
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
      if (_lastKey(path) === "signal") {
        return `must be one of ${issue.values.join(", ")}, got ${JSON.stringify(value)}`;
      }
      if (_lastKey(path) !== "mode") return issue.message;
      return `group.mode must be "unordered", got ${JSON.stringify(value)}`;
    case "invalid_union":
      return _unionMessage(issue.errors);
    default:
      return issue.message;
  }
}

/** `must be a string or a mapping`, from the types the union's branches expected. */
function _unionMessage(branches: readonly (readonly Issue[])[]): string {
  const wanted: string[] = [];
  for (const issues of branches) {
    for (const i of issues) {
      if (i.path.length === 0 && i.code === "invalid_type") {
        const noun = _typeMessage(i.expected).replace(/^must be (?:of type )?/, "");
        if (!wanted.includes(noun)) wanted.push(noun);
      }
    }
  }
  if (wanted.length === 0) return "is not valid here";
  return `must be ${wanted.join(" or ").replace("a sequence", "a sequence of mappings")}`;
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
  if (/(?:^|\.)forbid\[\d+\]$/.test(objectPath)) return "forbid";
  if (/\.respond\[\d+\]$/.test(objectPath)) return "respond";
  if (/\.respond(?:\[\d+\])?\.capture\.[^.[\]]+$/.test(objectPath)) return "captureFrom";
  if (/\.match\.stdin$/.test(objectPath)) return "stdin";
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
  if (last === "respond") return "must have at least one answer";
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
