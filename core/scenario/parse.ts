/**
 * Scenario loading and validation (SCN, all): YAML text in, a validated
 * {@linkcode Scenario} or every diagnostic out. Pure: no file system access.
 *
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "yaml";
import type { Document } from "yaml";
import { z } from "zod";
import {
  GroupSchema,
  type LeafStepDocument,
  LeafStepSchema,
  type MetaDocument,
  MetaSchema,
} from "./schema.ts";
import type {
  Block,
  Content,
  Diagnostic,
  GroupRange,
  Respond,
  Scenario,
  Step,
  StepElement,
} from "../types.ts";
import { closest } from "../suggest.ts";
import { parseDuration } from "../duration.ts";
import { parseTemplate, templateCaptureIds, templateVarNames } from "../template.ts";
import { compileGlob } from "../glob.ts";
import { classifyPatternElement } from "../argv_pattern.ts";

/** A 1-based source position. */
export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** A `stdout_file`/`stderr_file` reference, for the loader that checks the files exist. */
export interface FileReference {
  /** Flat step index. */
  stepIndex: number;
  /** Which stream the file feeds. */
  stream: "stdout" | "stderr";
  /** The path as written. */
  path: string;
  /** YAML path of the value, e.g. `steps[3].respond.stdout_file`. */
  yamlPath: string;
  /** Where the value is written. */
  position: SourcePosition;
}

/** The result of {@linkcode parseScenario}. */
export type ParseResult =
  | {
    ok: true;
    scenario: Scenario;
    warnings: Diagnostic[];
    /** Every `stdout_file`/`stderr_file` reference. */
    fileRefs: FileReference[];
    /** Source position of a YAML path (value position), when known. */
    positions: ReadonlyMap<string, SourcePosition>;
  }
  | {
    ok: false;
    diagnostics: Diagnostic[];
    warnings: Diagnostic[];
    /**
     * The `stdout_file`/`stderr_file` references of the steps that could still be read, so
     * that `validate` can report missing files together with the other errors (VAL-3).
     */
    fileRefs: FileReference[];
  };

/** Options of {@linkcode parseScenario}. */
export interface ParseScenarioOptions {
  /** The file name to put in diagnostics, as the user gave it. @default {undefined} */
  file?: string;
}

/** Largest `match.stdin` accepted (STDIN-4). */
export const MAX_STDIN_BYTES = 1024 * 1024;
/** Default `--max-delay` in milliseconds (RUN-12). */
export const DEFAULT_MAX_DELAY_MS = 5 * 60 * 1000;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_VARS = new Set(["capture", "any", "regex"]);
const SHELL_BUILTINS = new Set([
  "echo",
  "printf",
  "test",
  "[",
  "true",
  "false",
  "pwd",
  "cd",
  "read",
  "kill",
  "type",
  "command",
]);
/** `group` with its members left unchecked: they are validated one by one. */
const GroupHeaderSchema = GroupSchema.extend({ steps: z.array(z.unknown()).min(1) });

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STR_TAG = "tag:yaml.org,2002:str";
const BINARY_TAG = "tag:yaml.org,2002:binary";

const STEP_LEVELS: Record<string, readonly string[]> = {
  step: Object.keys(LeafStepSchema.shape),
  match: Object.keys(LeafStepSchema.shape.match.shape),
  respond: ["exit", "stdout", "stderr", "stdout_file", "stderr_file", "delay", "capture"],
  calls: ["min", "max"],
};

interface WalkContext {
  readonly doc: Document.Parsed;
  readonly lc: LineCounter;
  readonly file: string | undefined;
  readonly diagnostics: Diagnostic[];
  readonly valuePos: Map<string, SourcePosition>;
  readonly keyPos: Map<string, SourcePosition>;
  readonly binary: Map<string, Uint8Array>;
  readonly depth: number;
}

function _pos(ctx: WalkContext, offset: number | undefined): SourcePosition {
  if (offset === undefined) return { line: 0, column: 0 };
  const { line, col } = ctx.lc.linePos(offset);
  return { line, column: col };
}

function _childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

function _error(
  list: Diagnostic[],
  file: string | undefined,
  pos: SourcePosition | undefined,
  path: string,
  message: string,
  extra: Partial<Diagnostic> = {},
): void {
  const d: Diagnostic = {
    line: pos?.line ?? 0,
    column: pos?.column ?? 0,
    path,
    message,
    severity: "error",
    ...extra,
  };
  if (file !== undefined) d.file = file;
  list.push(d);
}

function _isIntegerPath(path: string): boolean {
  return /\.respond\.exit$/.test(path) || /\.calls\.(min|max)$/.test(path);
}

function _isBinaryPath(path: string): boolean {
  return /\.match\.stdin$/.test(path) || /\.respond\.(stdout|stderr)$/.test(path);
}

/** Converts a YAML node to plain data with string scalars, recording positions. */
function _walk(node: unknown, path: string, ctx: WalkContext): unknown {
  if (ctx.depth > 64) {
    _error(ctx.diagnostics, ctx.file, undefined, path, "document nests too deeply");
    return undefined;
  }
  if (node === null || node === undefined) return "";
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    return _walk(target, path, { ...ctx, depth: ctx.depth + 1 });
  }
  const n = node as Node;
  const pos = _pos(ctx, n.range?.[0]);
  if (!ctx.valuePos.has(path)) ctx.valuePos.set(path, pos);
  const tag = (n as { tag?: string }).tag;
  if (isScalar(n)) {
    if (tag === BINARY_TAG) {
      if (!_isBinaryPath(path)) {
        _error(
          ctx.diagnostics,
          ctx.file,
          pos,
          path,
          "!!binary is allowed only on match.stdin, respond.stdout and respond.stderr",
        );
        return String(n.source ?? "");
      }
      const b64 = String(n.source ?? "").replace(/[ \t\r\n]/g, "");
      if (!BASE64.test(b64)) {
        _error(ctx.diagnostics, ctx.file, pos, path, "!!binary value is not valid base64");
        return "";
      }
      const v = n.value;
      ctx.binary.set(path, v instanceof Uint8Array ? new Uint8Array(v) : new Uint8Array());
      return "";
    }
    if (tag !== undefined && tag !== STR_TAG) {
      _error(ctx.diagnostics, ctx.file, pos, path, `unsupported tag "${_shortTag(tag)}"`);
      return String(n.source ?? "");
    }
    const text = String(n.value ?? "");
    if (
      tag === undefined && n.type === "PLAIN" && _isIntegerPath(path) &&
      /^[+-]?[0-9]+$/.test(text)
    ) {
      return Number(text.replace(/^\+/, ""));
    }
    return text;
  }
  if (tag !== undefined) {
    _error(ctx.diagnostics, ctx.file, pos, path, `unsupported tag "${_shortTag(tag)}"`);
  }
  const inner = { ...ctx, depth: ctx.depth + 1 };
  if (isSeq(n)) {
    return n.items.map((item, i) => _walk(item, _childPath(path, i), inner));
  }
  if (isMap(n)) {
    const out: Record<string, unknown> = {};
    const merged: Record<string, unknown> = {};
    for (const pair of n.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode)) {
        _error(
          ctx.diagnostics,
          ctx.file,
          _pos(ctx, keyNode?.range?.[0]),
          path,
          "mapping keys must be strings",
        );
        continue;
      }
      const key = String(keyNode.value ?? "");
      const keyPos = _pos(ctx, keyNode.range?.[0]);
      if (key === "<<" && keyNode.type === "PLAIN") {
        _merge(pair.value, path, merged, inner, keyPos);
        continue;
      }
      const childPath = _childPath(path, key);
      if (Object.hasOwn(out, key)) {
        _error(ctx.diagnostics, ctx.file, keyPos, childPath, `duplicate key "${key}"`);
        continue;
      }
      ctx.keyPos.set(childPath, keyPos);
      if (pair.value === null || pair.value === undefined) ctx.valuePos.set(childPath, keyPos);
      out[key] = _walk(pair.value, childPath, inner);
    }
    for (const [key, value] of Object.entries(merged)) {
      if (!Object.hasOwn(out, key)) out[key] = value;
    }
    return out;
  }
  _error(ctx.diagnostics, ctx.file, pos, path, "unsupported YAML node");
  return undefined;
}

function _merge(
  value: unknown,
  path: string,
  into: Record<string, unknown>,
  ctx: WalkContext,
  keyPos: SourcePosition,
): void {
  const sources: unknown[] = [];
  const resolved = isAlias(value) ? value.resolve(ctx.doc) : value;
  if (isSeq(resolved)) sources.push(...resolved.items);
  else sources.push(resolved);
  for (const source of sources) {
    const node = isAlias(source) ? source.resolve(ctx.doc) : source;
    if (!isMap(node)) {
      _error(ctx.diagnostics, ctx.file, keyPos, path, "merge key value must be a mapping");
      continue;
    }
    const data = _walk(node, path, ctx) as Record<string, unknown>;
    for (const [key, v] of Object.entries(data)) {
      if (!Object.hasOwn(into, key)) {
        into[key] = v;
        if (!ctx.keyPos.has(_childPath(path, key))) ctx.keyPos.set(_childPath(path, key), keyPos);
      }
    }
  }
}

function _shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice(18)}` : tag;
}

function _pathString(base: string, segments: readonly PropertyKey[]): string {
  let out = base;
  for (const s of segments) out = _childPath(out, typeof s === "number" ? s : String(s));
  return out;
}

function _parentPath(path: string): string {
  const m = /^(.*?)(?:\.[^.[\]]+|\[\d+\])$/.exec(path);
  return m ? m[1]! : "";
}

function _lastKey(path: string): string {
  const m = /(?:^|\.)([^.[\]]+)$/.exec(path);
  return m ? m[1]! : "";
}

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

function _rangeMessage(path: string, value: unknown, issue: z.core.$ZodIssue): string {
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

function _getAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const s of segments) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[s];
  }
  return cur;
}

/** Turns zod issues into diagnostics; returns whether any were added. */
function _zodIssues(
  result: z.ZodSafeParseResult<unknown>,
  data: unknown,
  base: string,
  ctx: WalkContext,
): boolean {
  if (result.success) return false;
  for (const issue of result.error.issues) {
    const path = _pathString(base, issue.path);
    if (issue.code === "unrecognized_keys") {
      const level = _levelOf(path);
      const allowed = OBJECT_KEYS[level] ?? [];
      for (const key of issue.keys) {
        const keyPath = _childPath(path, key);
        const { message, suggestion } = _unknownKeyMessage(key, level, allowed);
        _error(
          ctx.diagnostics,
          ctx.file,
          ctx.keyPos.get(keyPath) ?? ctx.valuePos.get(path),
          path,
          message,
          suggestion === undefined ? {} : { suggestion },
        );
      }
      continue;
    }
    const value = _getAt(data, issue.path);
    const parentSegments = issue.path.slice(0, -1);
    const parent = _getAt(data, parentSegments);
    if (
      value === undefined && issue.path.length > 0 &&
      parent !== null && typeof parent === "object" && !Array.isArray(parent) &&
      !Object.hasOwn(parent, String(issue.path.at(-1)))
    ) {
      const parentPath = _pathString(base, parentSegments);
      _error(
        ctx.diagnostics,
        ctx.file,
        ctx.valuePos.get(parentPath),
        parentPath,
        `missing required key "${String(issue.path.at(-1))}"`,
      );
      continue;
    }
    const pos = ctx.valuePos.get(path);
    if (issue.code === "invalid_type") {
      _error(ctx.diagnostics, ctx.file, pos, path, _typeMessage(issue.expected));
    } else if (issue.code === "too_small" || issue.code === "too_big") {
      _error(ctx.diagnostics, ctx.file, pos, path, _rangeMessage(path, value, issue));
    } else if (issue.code === "invalid_value" && _lastKey(path) === "mode") {
      _error(
        ctx.diagnostics,
        ctx.file,
        pos,
        path,
        `group.mode must be "unordered", got ${JSON.stringify(value)}`,
      );
    } else {
      _error(ctx.diagnostics, ctx.file, pos, path, issue.message);
    }
  }
  return true;
}

/**
 * Where to cut a value that failed validation so the rest can still be checked: a path to
 * delete, `"keep"` when the salvage schema tolerates the issue, or `undefined` to give up.
 */
type Cut = (path: readonly PropertyKey[]) => PropertyKey[] | "keep" | undefined;

/** The result of {@linkcode _parseReporting}. */
interface Salvaged<T> {
  /** The data, possibly with broken parts removed; undefined when nothing could be saved. */
  data: T | undefined;
  /** Whether the value was valid as written. */
  clean: boolean;
  /** The paths that were removed because their values were invalid. */
  cuts: PropertyKey[][];
}

function _deleteAt(root: unknown, path: readonly PropertyKey[]): void {
  const parent = _getAt(root, path.slice(0, -1));
  if (parent !== null && typeof parent === "object" && path.length > 0) {
    delete (parent as Record<PropertyKey, unknown>)[path.at(-1)!];
  }
}

/**
 * Validates `value` against `schema`, reporting every issue. When the value is invalid, the
 * unknown keys and the invalid parts named by `cut` are removed and the rest is validated
 * again (against `salvage` when given), so that the semantic checks still run on what is
 * left and no follow-on diagnostics appear (SCN-22: report all problems, and only real ones).
 */
function _parseReporting<T>(
  schema: z.ZodType<T>,
  value: unknown,
  base: string,
  ctx: WalkContext,
  options: { cut?: Cut; salvage?: z.ZodType<T> } = {},
): Salvaged<T> {
  const r = schema.safeParse(value);
  if (r.success) return { data: r.data, clean: true, cuts: [] };
  _zodIssues(r, value, base, ctx);
  const failed: Salvaged<T> = { data: undefined, clean: false, cuts: [] };
  if (value === null || typeof value !== "object" || Array.isArray(value)) return failed;
  const clone = structuredClone(value);
  const cuts: PropertyKey[][] = [];
  for (const issue of r.error.issues) {
    if (issue.code === "unrecognized_keys") {
      const target = _getAt(clone, issue.path);
      if (target === null || typeof target !== "object") continue;
      for (const key of issue.keys) delete (target as Record<string, unknown>)[key];
      continue;
    }
    const where = options.cut?.(issue.path);
    if (where === undefined || (Array.isArray(where) && where.length === 0)) return failed;
    if (where === "keep") continue;
    _deleteAt(clone, where);
    cuts.push(where);
  }
  const retry = (options.salvage ?? schema).safeParse(clone);
  return { data: retry.success ? retry.data : undefined, clean: false, cuts };
}

/** Salvage rules of `meta` (the name is replaced, see {@linkcode MetaSalvageSchema}). */
const _cutMeta: Cut = (path) => {
  const [first, second] = path;
  if (first === "name") return "keep";
  if (first === "description" || first === "vars") return [first];
  if (first === "security" || first === "session") {
    return second === undefined ? [first] : [first, second];
  }
  return undefined;
};

/** `meta` with any name, for checking the rest when the name is broken. */
const MetaSalvageSchema = MetaSchema.extend({
  name: z.unknown().transform((v) => (typeof v === "string" && v.trim() !== "" ? v : "?")),
}) as unknown as z.ZodType<MetaDocument>;

/** Salvage rules of a leaf step: broken bounds and response fields fall back to defaults. */
const _cutLeaf: Cut = (path) => {
  const [first, second] = path;
  if (first === "calls" || first === "when") return [first];
  if (first === "respond") return second === undefined ? ["respond"] : ["respond", second];
  if (first === "match" && second === "stdin") return ["match", "stdin"];
  return undefined;
};

/** Salvage rules of a group header: a bad mode is tolerated, a bad name is dropped. */
const _cutGroup: Cut = (path) => {
  const [first] = path;
  if (first === "mode") return "keep";
  if (first === "name") return ["name"];
  return undefined;
};

/** `group` with any mode, for checking the members when the mode is wrong. */
const GroupSalvageSchema = GroupHeaderSchema.extend({ mode: z.unknown() }) as unknown as z.ZodType<
  z.infer<typeof GroupHeaderSchema>
>;

/** Whether removed parts may have held captures (so capture references cannot be checked). */
function _capturesLost(cuts: readonly PropertyKey[][]): boolean {
  return cuts.some((c) => c[0] === "respond" && (c.length === 1 || c[1] === "capture"));
}

interface StepDraft {
  raw: LeafStepDocument;
  path: string;
  block: number;
  group?: string;
}

/**
 * Parses and validates scenario text (SCN-1..25). Never throws for bad input: every
 * problem comes back as a {@linkcode Diagnostic}, sorted by position.
 *
 * @example Usage
 * ```ts
 * import { parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const ok = parseScenario("meta: {name: demo}\nsteps:\n  - match: {argv: [git, status]}\n");
 * assert.ok(ok.ok);
 * const bad = parseScenario("meta: {name: demo}\nsteps:\n  - match: {argv: [git]}\n    respond: {stdot: x}\n");
 * assert.ok(!bad.ok);
 * assert.match(bad.diagnostics[0]!.message, /did you mean "stdout"/);
 * ```
 *
 * @param text The YAML text.
 * @param options The file name for diagnostics.
 * @returns The scenario and warnings, or all diagnostics.
 */
export function parseScenario(text: string, options: ParseScenarioOptions = {}): ParseResult {
  const file = options.file;
  const diagnostics: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lc = new LineCounter();
  const docs = parseAllDocuments(source, {
    schema: "failsafe",
    lineCounter: lc,
    uniqueKeys: false,
    prettyErrors: false,
  });
  const fileRefs: FileReference[] = [];
  const fail = (): ParseResult => ({
    ok: false,
    diagnostics: _sorted(diagnostics),
    warnings: _sorted(warnings),
    fileRefs,
  });
  const docList = Array.isArray(docs) ? docs : [];
  if (docList.length === 0) {
    _error(diagnostics, file, { line: 1, column: 1 }, "", "scenario is empty");
    return fail();
  }
  if (docList.length > 1) {
    const second = docList[1]!;
    const { line, col } = lc.linePos(second.range[0]);
    _error(
      diagnostics,
      file,
      { line, column: col },
      "",
      "file contains more than one YAML document (a scenario is exactly one document)",
    );
  }
  const doc = docList[0]!;
  for (const e of doc.errors) {
    const offset = e.pos[0];
    const { line, col } = lc.linePos(offset);
    _error(diagnostics, file, { line, column: col }, "", e.message.split("\n")[0]!);
  }
  if (diagnostics.length > 0) return fail();
  const ctx: WalkContext = {
    doc,
    lc,
    file,
    diagnostics,
    valuePos: new Map(),
    keyPos: new Map(),
    binary: new Map(),
    depth: 0,
  };
  if (
    doc.contents === null ||
    (isScalar(doc.contents) && doc.contents.tag === undefined &&
      doc.contents.type === "PLAIN" &&
      ["", "~", "null", "Null", "NULL"].includes(String(doc.contents.source ?? "")))
  ) {
    _error(diagnostics, file, { line: 1, column: 1 }, "", "scenario is empty");
    return fail();
  }
  const data = _walk(doc.contents, "", ctx);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    _error(
      diagnostics,
      file,
      ctx.valuePos.get("") ?? { line: 1, column: 1 },
      "",
      "the document root must be a mapping with the keys meta and steps",
    );
    return fail();
  }
  const root = data as Record<string, unknown>;
  const rootSchema = z.strictObject({ meta: z.unknown(), steps: z.unknown() });
  const rootCheck = rootSchema.safeParse(root);
  _zodIssues(rootCheck, root, "", ctx);
  if (!("meta" in root) || !("steps" in root)) {
    for (const key of ["meta", "steps"]) {
      if (!(key in root) && !diagnostics.some((d) => d.message.includes(`"${key}"`))) {
        _error(diagnostics, file, ctx.valuePos.get(""), "", `missing required key "${key}"`);
      }
    }
  }

  // meta
  let meta: MetaDocument | undefined;
  let metaOk = false;
  let varsLost = false;
  if ("meta" in root) {
    const r = _parseReporting(MetaSchema, root.meta, "meta", ctx, {
      cut: _cutMeta,
      salvage: MetaSalvageSchema,
    });
    meta = r.data;
    metaOk = r.clean;
    varsLost = r.cuts.some((c) => c[0] === "vars");
  }
  const vars: Record<string, string> = {};
  if (meta !== undefined) _checkMeta(meta, ctx, vars);
  // When meta could not be read, the declared variables are unknown: skip TPL-5.
  const declared: ReadonlySet<string> | undefined = meta === undefined || varsLost
    ? undefined
    : new Set(Object.keys(vars));

  // steps
  const drafts: StepDraft[] = [];
  const groups: GroupRange[] = [];
  const blocks: Block[] = [];
  const elements: StepElement[] = [];
  const groupNamePaths = new Map<string, string>();
  let structuralOk = metaOk;
  // Whether a step element was too broken to be read at all (its captures are unknown).
  let stepsDropped = false;
  const stepsValue = root.steps;
  if ("steps" in root) {
    if (!Array.isArray(stepsValue)) {
      _error(diagnostics, file, ctx.valuePos.get("steps"), "steps", "must be a sequence");
      structuralOk = false;
      stepsDropped = true;
    } else if (stepsValue.length === 0) {
      _error(diagnostics, file, ctx.valuePos.get("steps"), "steps", "must have at least one step");
      structuralOk = false;
    }
  } else structuralOk = false;
  let groupOrdinal = 0;
  for (const [i, element] of (Array.isArray(stepsValue) ? stepsValue : []).entries()) {
    const path = `steps[${i}]`;
    const isObject = element !== null && typeof element === "object" && !Array.isArray(element);
    if (isObject && "group" in element) {
      groupOrdinal++;
      const keys = Object.keys(element);
      if (keys.length > 1) {
        _error(
          diagnostics,
          file,
          ctx.valuePos.get(path),
          path,
          `a group element must have only the key "group", found also ${
            keys.filter((k) => k !== "group").map((k) => `"${k}"`).join(", ")
          }`,
        );
        structuralOk = false;
        stepsDropped = true;
        continue;
      }
      const groupValue = (element as Record<string, unknown>).group;
      const groupPath = `${path}.group`;
      const header = _parseReporting(GroupHeaderSchema, groupValue, groupPath, ctx, {
        cut: _cutGroup,
        salvage: GroupSalvageSchema,
      });
      if (!header.clean) structuralOk = false;
      // Members are checked one by one, so that one broken member hides nothing else.
      const memberDrafts: StepDraft[] = [];
      const memberValues = header.data?.steps ??
        (Array.isArray((groupValue as { steps?: unknown } | null)?.steps)
          ? (groupValue as { steps: unknown[] }).steps
          : []);
      const g = header.data;
      const name = g?.name ?? `group-${groupOrdinal}`;
      for (const [j, m] of memberValues.entries()) {
        const mp = `${groupPath}.steps[${j}]`;
        if (m !== null && typeof m === "object" && !Array.isArray(m) && "group" in m) {
          _error(diagnostics, file, ctx.valuePos.get(mp), mp, "nested groups are not allowed");
          structuralOk = false;
          stepsDropped = true;
          continue;
        }
        const member = _parseReporting(LeafStepSchema, m, mp, ctx, { cut: _cutLeaf });
        if (!member.clean) structuralOk = false;
        if (_capturesLost(member.cuts)) stepsDropped = true;
        if (member.data === undefined) {
          stepsDropped = true;
          continue;
        }
        memberDrafts.push({ raw: member.data, path: mp, block: blocks.length, group: name });
      }
      if (g === undefined) {
        stepsDropped = true;
        continue;
      }
      if (g.name !== undefined && g.name.trim() === "") {
        _error(
          diagnostics,
          file,
          ctx.valuePos.get(`${path}.group.name`),
          `${path}.group.name`,
          "group.name must not be empty",
        );
      }
      const previous = groupNamePaths.get(name);
      if (previous !== undefined) {
        _error(
          diagnostics,
          file,
          ctx.valuePos.get(`${path}.group.name`) ?? ctx.valuePos.get(path),
          `${path}.group`,
          `duplicate group name "${name}" (also used by ${previous})`,
        );
      }
      groupNamePaths.set(name, path);
      const start = drafts.length;
      drafts.push(...memberDrafts);
      groups.push({ name, start, end: drafts.length });
      elements.push({ kind: "group", group: groups.length - 1 });
      blocks.push({ start, end: drafts.length, group: groups.length - 1 });
    } else {
      const r = _parseReporting(LeafStepSchema, element, path, ctx, { cut: _cutLeaf });
      if (!r.clean) structuralOk = false;
      if (_capturesLost(r.cuts)) stepsDropped = true;
      if (r.data === undefined) {
        stepsDropped = true;
        continue;
      }
      elements.push({ kind: "step", step: drafts.length });
      blocks.push({ start: drafts.length, end: drafts.length + 1 });
      drafts.push({ raw: r.data, path, block: blocks.length - 1 });
    }
  }

  const steps: Step[] = drafts.map((d, index) =>
    _buildStep(d, index, ctx, declared, fileRefs, warnings)
  );
  _checkCommands(steps, ctx);
  if (!stepsDropped) _checkCaptures(drafts, steps, ctx);

  if (diagnostics.length > 0 || !structuralOk || meta === undefined) return fail();
  if (declared === undefined) return fail();

  const commands: string[] = [];
  for (const s of steps) if (!commands.includes(s.argv[0]!)) commands.push(s.argv[0]!);
  const security = meta.security ?? {};
  const ttl = meta.session?.ttl;
  const scenario: Scenario = {
    meta: {
      name: meta.name,
      description: meta.description ?? "",
      vars,
      allowedCommands: security.allowed_commands ?? [],
      denyEnvVars: security.deny_env_vars ?? [],
      ...(ttl !== undefined ? { ttl, ttlMs: parseDuration(ttl)! } : {}),
    },
    elements,
    steps,
    groups,
    blocks,
    commands,
  };
  return {
    ok: true,
    scenario,
    warnings: _sorted(warnings),
    fileRefs,
    positions: ctx.valuePos,
  };
}

function _checkMeta(meta: MetaDocument, ctx: WalkContext, vars: Record<string, string>): void {
  const { diagnostics: list, file, valuePos, keyPos } = ctx;
  if (meta.name.trim() === "") {
    _error(list, file, valuePos.get("meta.name"), "meta.name", "meta.name must not be empty");
  }
  for (const [key, value] of Object.entries(meta.vars ?? {})) {
    const p = `meta.vars.${key}`;
    if (!IDENTIFIER.test(key)) {
      _error(
        list,
        file,
        keyPos.get(p),
        p,
        `variable name "${key}" must match [A-Za-z_][A-Za-z0-9_]*`,
      );
    } else if (RESERVED_VARS.has(key)) {
      _error(
        list,
        file,
        keyPos.get(p),
        p,
        `variable name "${key}" is reserved (capture, any and regex are template syntax)`,
      );
    } else vars[key] = value;
  }
  for (const [i, item] of (meta.security?.allowed_commands ?? []).entries()) {
    const p = `meta.security.allowed_commands[${i}]`;
    if (item.trim() === "") _error(list, file, valuePos.get(p), p, "must not be empty");
  }
  for (const [i, item] of (meta.security?.deny_env_vars ?? []).entries()) {
    const p = `meta.security.deny_env_vars[${i}]`;
    if (item === "") {
      _error(list, file, valuePos.get(p), p, "must not be empty");
      continue;
    }
    const g = compileGlob(item);
    if (!(g instanceof RegExp)) {
      _error(list, file, valuePos.get(p), p, `invalid glob pattern "${item}": ${g.error}`);
    }
  }
  const ttl = meta.session?.ttl;
  if (ttl !== undefined) {
    const ms = parseDuration(ttl);
    const p = "meta.session.ttl";
    if (ms === undefined) {
      _error(
        list,
        file,
        valuePos.get(p),
        p,
        `invalid duration "${ttl}": expected a duration such as 30s, 10m or 1h`,
      );
    } else if (ms <= 0) {
      _error(list, file, valuePos.get(p), p, `ttl must be greater than zero, got "${ttl}"`);
    }
  }
}

function _content(
  ctx: WalkContext,
  path: string,
  text: string | undefined,
): Content | undefined {
  const bytes = ctx.binary.get(path);
  if (bytes !== undefined) return { kind: "binary", bytes };
  if (text === undefined) return undefined;
  return { kind: "text", template: text };
}

function _checkTemplate(
  ctx: WalkContext,
  path: string,
  text: string,
  declared: ReadonlySet<string> | undefined,
): void {
  const parsed = parseTemplate(text);
  const pos = ctx.valuePos.get(path);
  if (!parsed.ok) {
    _error(ctx.diagnostics, ctx.file, pos, path, parsed.message);
    return;
  }
  if (declared === undefined) return;
  for (const name of templateVarNames(parsed.parts)) {
    if (!declared.has(name)) {
      _error(
        ctx.diagnostics,
        ctx.file,
        pos,
        path,
        `template references undefined variable "${name}" (declare it in meta.vars)`,
      );
    }
  }
}

function _buildStep(
  d: StepDraft,
  index: number,
  ctx: WalkContext,
  declared: ReadonlySet<string> | undefined,
  fileRefs: FileReference[],
  warnings: Diagnostic[],
): Step {
  const { raw, path } = d;
  const list = ctx.diagnostics;
  const file = ctx.file;
  const warn = (p: string, message: string, at = ctx.valuePos.get(p)) => {
    const w: Diagnostic = {
      line: at?.line ?? 0,
      column: at?.column ?? 0,
      path: p,
      message,
      severity: "warning",
    };
    if (file !== undefined) w.file = file;
    warnings.push(w);
  };
  // argv
  const argv = raw.match.argv;
  const cmd = argv[0] ?? "";
  const cmdPath = `${path}.match.argv[0]`;
  // deno-lint-ignore no-control-regex
  const badName = cmd === "" || cmd === "." || cmd === ".." || /[\/\x00-\x1f\x7f]/.test(cmd) ||
    cmd.includes("{{") || new TextEncoder().encode(cmd).length > 255;
  if (badName) {
    _error(
      list,
      file,
      ctx.valuePos.get(cmdPath),
      cmdPath,
      `must be a plain command name (no "/", no template), got ${JSON.stringify(cmd)}`,
    );
  } else if (SHELL_BUILTINS.has(cmd)) {
    warn(
      cmdPath,
      `"${cmd}" is a shell builtin: calls from shell scripts run the builtin and are not intercepted`,
    );
  }
  for (let i = 1; i < argv.length; i++) {
    const p = `${path}.match.argv[${i}]`;
    const el = classifyPatternElement(argv[i]!, declared ?? new Set());
    if (el.kind === "error") _error(list, file, ctx.valuePos.get(p), p, el.message);
    else if (/\{\{-?\s*\.capture\./.test(argv[i]!)) {
      warn(p, "captures are not substituted in argv; this element is matched literally");
    }
  }
  // stdin
  const stdinPath = `${path}.match.stdin`;
  const stdin = _content(ctx, stdinPath, raw.match.stdin);
  if (stdin !== undefined) {
    const size = stdin.kind === "binary"
      ? stdin.bytes.length
      : stdin.kind === "text"
      ? new TextEncoder().encode(stdin.template).length
      : 0;
    if (size > MAX_STDIN_BYTES) {
      _error(
        list,
        file,
        ctx.valuePos.get(stdinPath),
        stdinPath,
        `match.stdin is larger than 1 MiB (${size} bytes)`,
      );
    }
  }
  // respond
  const r = raw.respond ?? {};
  const rp = `${path}.respond`;
  const stream = (name: "stdout" | "stderr"): Content => {
    const textPath = `${rp}.${name}`;
    const filePath = `${rp}.${name}_file`;
    const fileValue = r[`${name}_file`];
    const inline = _content(ctx, textPath, r[name]);
    if (inline !== undefined && fileValue !== undefined) {
      _error(
        list,
        file,
        ctx.keyPos.get(filePath) ?? ctx.valuePos.get(filePath),
        rp,
        `${name} and ${name}_file are mutually exclusive`,
      );
    }
    if (fileValue !== undefined) {
      if (fileValue === "") {
        _error(list, file, ctx.valuePos.get(filePath), filePath, "must not be empty");
      }
      fileRefs.push({
        stepIndex: index,
        stream: name,
        path: fileValue,
        yamlPath: filePath,
        position: ctx.valuePos.get(filePath) ?? { line: 0, column: 0 },
      });
      return { kind: "file", path: fileValue };
    }
    if (inline?.kind === "text") _checkTemplate(ctx, textPath, inline.template, declared);
    return inline ?? { kind: "text", template: "" };
  };
  const stdout = stream("stdout");
  const stderr = stream("stderr");
  let delayMs = 0;
  if (r.delay !== undefined) {
    const p = `${rp}.delay`;
    const ms = parseDuration(r.delay);
    if (ms === undefined) {
      _error(
        list,
        file,
        ctx.valuePos.get(p),
        p,
        `invalid duration "${r.delay}": expected a duration such as 300ms, 1.5h or 1h30m`,
      );
    } else if (ms < 0) {
      _error(list, file, ctx.valuePos.get(p), p, `delay must be >= 0, got "${r.delay}"`);
    } else {
      delayMs = ms;
      if (ms > DEFAULT_MAX_DELAY_MS) {
        warn(p, `delay ${r.delay} exceeds the default --max-delay of 5m`);
      }
    }
  }
  const capture: Record<string, string> = {};
  for (const [id, value] of Object.entries(r.capture ?? {})) {
    const p = `${rp}.capture.${id}`;
    if (!IDENTIFIER.test(id)) {
      _error(
        list,
        file,
        ctx.keyPos.get(p),
        p,
        `capture identifier "${id}" must match [a-zA-Z_][a-zA-Z0-9_]*`,
      );
    } else if (declared?.has(id)) {
      _error(
        list,
        file,
        ctx.keyPos.get(p),
        p,
        `capture identifier "${id}" conflicts with meta.vars key "${id}"`,
      );
    } else capture[id] = value;
  }
  // calls
  let min = 1;
  let max = 1;
  if (raw.calls !== undefined) {
    const cp = `${path}.calls`;
    min = raw.calls.min ?? 0;
    if (raw.calls.max !== undefined) max = raw.calls.max;
    else if (min >= 1) max = min;
    else {
      _error(
        list,
        file,
        ctx.valuePos.get(cp),
        cp,
        "calls.max is required when calls.min is 0",
      );
    }
    if (min > max && raw.calls.max !== undefined) {
      _error(
        list,
        file,
        ctx.valuePos.get(cp),
        cp,
        `calls.min (${min}) must be <= calls.max (${max})`,
      );
    }
  }
  if (raw.when !== undefined) {
    // At the key, as in VAL-4's example: the key is what the user should remove.
    const p = `${path}.when`;
    warn(p, `"when" is not supported and is ignored`, ctx.keyPos.get(p) ?? ctx.valuePos.get(p));
  }
  const respond: Respond = {
    exit: r.exit ?? 0,
    stdout,
    stderr,
    delayMs,
    ...(r.delay !== undefined ? { delay: r.delay } : {}),
    capture,
  };
  const line = ctx.valuePos.get(path)?.line ?? 0;
  return {
    index,
    yamlPath: path,
    ...(line > 0 ? { line } : {}),
    argv: [...argv],
    ...(stdin !== undefined ? { stdin } : {}),
    respond,
    calls: { min, max, explicit: raw.calls !== undefined },
    ...(d.group !== undefined ? { group: d.group } : {}),
    ...(raw.when !== undefined ? { when: raw.when } : {}),
  };
}

function _checkCommands(steps: readonly Step[], ctx: WalkContext): void {
  const seen = new Map<string, string>();
  for (const step of steps) {
    const cmd = step.argv[0]!;
    const lower = cmd.toLowerCase();
    const prior = seen.get(lower);
    if (prior !== undefined && prior !== cmd) {
      const p = `${step.yamlPath}.match.argv[0]`;
      _error(
        ctx.diagnostics,
        ctx.file,
        ctx.valuePos.get(p),
        p,
        `command names "${prior}" and "${cmd}" differ only in letter case (their shims would collide)`,
      );
    }
    if (prior === undefined) seen.set(lower, cmd);
  }
}

function _checkCaptures(
  drafts: readonly StepDraft[],
  steps: readonly Step[],
  ctx: WalkContext,
): void {
  const definers = new Map<string, number[]>();
  for (const step of steps) {
    for (const id of Object.keys(step.respond.capture)) {
      const list = definers.get(id) ?? [];
      list.push(step.index);
      definers.set(id, list);
    }
  }
  for (const step of steps) {
    const block = drafts[step.index]!.block;
    for (const stream of ["stdout", "stderr"] as const) {
      const content = step.respond[stream];
      if (content.kind !== "text") continue;
      const parsed = parseTemplate(content.template);
      if (!parsed.ok) continue;
      const p = `${step.yamlPath}.respond.${stream}`;
      for (const id of templateCaptureIds(parsed.parts)) {
        const defs = definers.get(id) ?? [];
        if (defs.length === 0) {
          _error(
            ctx.diagnostics,
            ctx.file,
            ctx.valuePos.get(p),
            p,
            `capture "${id}" is not defined by any step`,
          );
          continue;
        }
        const visible = defs.some((i) => i === step.index || drafts[i]!.block <= block);
        if (!visible) {
          _error(
            ctx.diagnostics,
            ctx.file,
            ctx.valuePos.get(p),
            p,
            `capture "${id}" is first defined at ${drafts[defs[0]!]!.path} (forward reference)`,
          );
        }
      }
    }
  }
}

function _sorted(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.line - b.line || a.column - b.column);
}

export { formatDiagnostic } from "./format.ts";
