/**
 * The step rules: turn one validated leaf step into a {@linkcode Step}, checking the
 * command name (SCN-13), argv patterns, `match.stdin` (STDIN-4), the responses and their
 * templates (SCN-16, TPL-5), delays (SCN-10), captures, call bounds (SCN-17) and `when`.
 *
 * @module
 */
import { commandNameProblem } from "../lang/command_name.ts";
import { DEFAULT_MAX_DELAY_MS, MAX_STDIN_BYTES } from "../limits.ts";
import {
  classifyPatternElement,
  compileRegexPattern,
  regexGroupNames,
} from "../lang/argv_pattern.ts";
import { parseDuration } from "../lang/duration.ts";
import { parseTemplate, undeclaredVariables } from "../lang/template.ts";
import { parseCaptureSource } from "../replay/captures.ts";
import type { CaptureFrom, Content, JsonValue, Respond, StdinExpectation, Step } from "../types.ts";
import type { LeafStepDocument, RespondDocument } from "./schema.ts";
import type { ParseContext } from "./_context.ts";
import type { StepDraft } from "./_layout.ts";
import { IDENTIFIER } from "./_meta.ts";
import type { FileReference, SourcePosition } from "./types.ts";

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

type MatchDocument = LeafStepDocument["match"];

/** What the step rules read and write besides the step. */
export interface StepScope {
  /** Receives the diagnostics. */
  readonly ctx: ParseContext;
  /** The declared variable names; undefined when unknown (TPL-5 is then skipped). */
  readonly declared: ReadonlySet<string> | undefined;
  /** Receives every `stdout_file`/`stderr_file` reference. */
  readonly fileRefs: FileReference[];
}

/**
 * Applies the step rules to one leaf step.
 *
 * @param draft The step as read by the layout stage.
 * @param index Its flat index.
 * @param scope The context, the declared variables and the file references.
 * @returns The step, with defaults filled in (reported parts fall back to defaults).
 */
export function buildStep(draft: StepDraft, index: number, scope: StepScope): Step {
  const { raw, path } = draft;
  const ctx = scope.ctx;
  _checkArgv(raw.match.argv, path, scope);
  const stdin = _readStdin(raw.match.stdin, `${path}.match.stdin`, ctx);
  const env = _readEnv(raw.match.env, `${path}.match.env`, scope);
  const written = raw.respond ?? {};
  const answers = Array.isArray(written)
    ? written.map((r, i) => _readRespond(r, `${path}.respond[${i}]`, index, scope))
    : undefined;
  const respond = answers?.[0] ??
    _readRespond(written as RespondDocument, `${path}.respond`, index, scope);
  const calls = _readCalls(raw.calls, `${path}.calls`, ctx, answers?.length);
  if (raw.when !== undefined) {
    // At the key, as in VAL-4's example: the key is what the user should remove.
    const p = `${path}.when`;
    ctx.warnAt(ctx.keyAt(p) ?? ctx.valueAt(p), p, `"when" is not supported and is ignored`);
  }
  const line = ctx.valueAt(path)?.line ?? 0;
  return {
    index,
    yamlPath: path,
    ...(line > 0 ? { line } : {}),
    argv: [...raw.match.argv],
    ...(stdin !== undefined ? { stdin } : {}),
    ...(env !== undefined ? { env } : {}),
    respond,
    ...(answers !== undefined ? { answers } : {}),
    calls,
    ...(draft.group !== undefined ? { group: draft.group } : {}),
    ...(raw.when !== undefined ? { when: raw.when } : {}),
  };
}

function _checkArgv(argv: readonly string[], path: string, scope: StepScope): void {
  const ctx = scope.ctx;
  checkCommandName(argv[0] ?? "", `${path}.match.argv[0]`, ctx);
  for (let i = 1; i < argv.length; i++) {
    const p = `${path}.match.argv[${i}]`;
    const el = classifyPatternElement(argv[i]!, scope.declared ?? new Set());
    if (el.kind === "error") ctx.error(p, el.message);
    else if (el.kind === "regex") {
      for (const id of regexGroupNames(el.regex)) _checkCaptureId(id, p, ctx.valueAt(p), scope);
    }
  }
}

/**
 * Checks a capture identifier (CAP-4) at `at`; the named groups of argv regexes are captures
 * too (LANG-3). Returns whether it is valid.
 */
function _checkCaptureId(
  id: string,
  p: string,
  at: SourcePosition | undefined,
  scope: StepScope,
): boolean {
  if (!IDENTIFIER.test(id)) {
    scope.ctx.errorAt(at, p, `capture identifier "${id}" must match [a-zA-Z_][a-zA-Z0-9_]*`);
    return false;
  }
  if (scope.declared?.has(id)) {
    scope.ctx.errorAt(at, p, `capture identifier "${id}" conflicts with meta.vars key "${id}"`);
    return false;
  }
  return true;
}

/** Checks a faked command name (SCN-13) and warns about shell builtins. */
export function checkCommandName(cmd: string, p: string, ctx: ParseContext): void {
  if (commandNameProblem(cmd) !== undefined) {
    ctx.error(
      p,
      `must be a plain command name (no "/", no template), got ${JSON.stringify(cmd)}`,
    );
  } else if (SHELL_BUILTINS.has(cmd)) {
    ctx.warn(
      p,
      `"${cmd}" is a shell builtin: calls from shell scripts run the builtin and are not intercepted`,
    );
  }
}

function _readStdin(
  written: MatchDocument["stdin"],
  p: string,
  ctx: ParseContext,
): StdinExpectation | undefined {
  if (written !== undefined && typeof written === "object") return _readStdinRule(written, p, ctx);
  const stdin = _content(ctx, p, written);
  if (stdin === undefined) return undefined;
  const size = stdin.kind === "binary"
    ? stdin.bytes.length
    : stdin.kind === "text"
    ? new TextEncoder().encode(stdin.template).length
    : 0;
  if (size > MAX_STDIN_BYTES) ctx.error(p, `match.stdin is larger than 1 MiB (${size} bytes)`);
  return stdin;
}

/** A stdin rule (LANG-4): exactly one of `regex`, `contains`, `json`. */
function _readStdinRule(
  rule: Exclude<MatchDocument["stdin"], string | undefined>,
  p: string,
  ctx: ParseContext,
): StdinExpectation | undefined {
  const keys = Object.keys(rule);
  // An unknown key was reported and removed already: no follow-on diagnostic (SCN-22).
  if (keys.length === 0 && ctx.diagnostics.some((d) => d.path === p)) return undefined;
  if (keys.length !== 1) {
    ctx.error(
      p,
      keys.length === 0
        ? 'a stdin rule needs one of "regex", "contains", "json"'
        : `a stdin rule has exactly one of "regex", "contains", "json", found ${
          keys.map((k) => `"${k}"`).join(", ")
        }`,
    );
    return undefined;
  }
  if (rule.regex !== undefined) {
    if (rule.regex === "") {
      ctx.error(`${p}.regex`, "must not be empty");
      return undefined;
    }
    const re = compileRegexPattern(rule.regex);
    if (!(re instanceof RegExp)) {
      ctx.error(
        `${p}.regex`,
        `invalid regular expression ${JSON.stringify(rule.regex)}: ${re.error}`,
      );
      return undefined;
    }
    return { kind: "regex", source: rule.regex };
  }
  if (rule.contains !== undefined) return { kind: "contains", text: rule.contains };
  return { kind: "json", value: (rule.json ?? null) as JsonValue };
}

/** `match.env` (LANG-4): each value an argv item, or null for "must be unset". */
function _readEnv(
  written: MatchDocument["env"],
  p: string,
  scope: StepScope,
): Record<string, string | null> | undefined {
  if (written === undefined) return undefined;
  const env: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(written)) {
    const vp = `${p}.${name}`;
    if (!IDENTIFIER.test(name)) {
      scope.ctx.errorAt(
        scope.ctx.keyAt(vp),
        vp,
        `environment variable name ${JSON.stringify(name)} must match [A-Za-z_][A-Za-z0-9_]*`,
      );
      continue;
    }
    if (value !== null) {
      const el = classifyPatternElement(value, scope.declared ?? new Set());
      if (el.kind === "error") scope.ctx.error(vp, el.message);
    }
    env[name] = value;
  }
  return env;
}

function _readRespond(r: RespondDocument, rp: string, index: number, scope: StepScope): Respond {
  const stdout = _readStream("stdout", r, rp, index, scope);
  const stderr = _readStream("stderr", r, rp, index, scope);
  const delayMs = r.delay === undefined ? 0 : _readDelay(r.delay, `${rp}.delay`, scope.ctx);
  const { capture, captureFrom } = _readCapture(r.capture ?? {}, rp, scope);
  if (r.signal !== undefined && r.exit !== undefined) {
    const sp = `${rp}.signal`;
    scope.ctx.errorAt(
      scope.ctx.keyAt(sp) ?? scope.ctx.valueAt(sp),
      rp,
      "signal and exit are mutually exclusive",
    );
  }
  return {
    exit: r.exit ?? 0,
    ...(r.signal !== undefined ? { signal: r.signal } : {}),
    stdout,
    stderr,
    delayMs,
    ...(r.delay !== undefined ? { delay: r.delay } : {}),
    capture,
    ...(captureFrom !== undefined ? { captureFrom } : {}),
  };
}

/** Reads `stdout`/`stderr` or its `_file` variant (SCN-16); the two exclude each other. */
function _readStream(
  name: "stdout" | "stderr",
  r: RespondDocument,
  rp: string,
  index: number,
  scope: StepScope,
): Content {
  const ctx = scope.ctx;
  const textPath = `${rp}.${name}`;
  const filePath = `${rp}.${name}_file`;
  const fileValue = r[`${name}_file`];
  const inline = _content(ctx, textPath, r[name]);
  if (inline !== undefined && fileValue !== undefined) {
    ctx.errorAt(
      ctx.keyAt(filePath) ?? ctx.valueAt(filePath),
      rp,
      `${name} and ${name}_file are mutually exclusive`,
    );
  }
  if (fileValue !== undefined) {
    if (fileValue === "") ctx.error(filePath, "must not be empty");
    scope.fileRefs.push({
      stepIndex: index,
      stream: name,
      path: fileValue,
      yamlPath: filePath,
      position: ctx.valueAt(filePath) ?? { line: 0, column: 0 },
    });
    return { kind: "file", path: fileValue };
  }
  if (inline?.kind === "text") _checkTemplate(ctx, textPath, inline.template, scope.declared);
  return inline ?? { kind: "text", template: "" };
}

/** The delay in milliseconds; 0 when it is reported. */
function _readDelay(delay: string, p: string, ctx: ParseContext): number {
  const ms = parseDuration(delay);
  if (ms === undefined) {
    ctx.error(
      p,
      `invalid duration "${delay}": expected a duration such as 300ms, 1.5h or 1h30m`,
    );
    return 0;
  }
  if (ms < 0) {
    ctx.error(p, `delay must be >= 0, got "${delay}"`);
    return 0;
  }
  if (ms > DEFAULT_MAX_DELAY_MS) {
    ctx.warn(p, `delay ${delay} exceeds the default --max-delay of 5m`);
  }
  return ms;
}

/**
 * The captures with valid identifiers, literal ones apart from the ones taken from the call
 * (LANG-3); the others are reported at their key.
 */
function _readCapture(
  written: NonNullable<RespondDocument["capture"]>,
  rp: string,
  scope: StepScope,
): { capture: Record<string, string>; captureFrom?: Record<string, CaptureFrom> } {
  const ctx = scope.ctx;
  const capture: Record<string, string> = {};
  let captureFrom: Record<string, CaptureFrom> | undefined;
  for (const [id, value] of Object.entries(written)) {
    const p = `${rp}.capture.${id}`;
    if (!_checkCaptureId(id, p, ctx.keyAt(p), scope)) continue;
    if (typeof value === "string") {
      capture[id] = value;
      continue;
    }
    const source = parseCaptureSource(value.from);
    if (source === undefined) {
      ctx.error(
        `${p}.from`,
        `capture source must be argv[N], stdin or env.NAME, got ${JSON.stringify(value.from)}`,
      );
      continue;
    }
    if (value.regex !== undefined) {
      const re = value.regex === ""
        ? { error: "must not be empty" }
        : compileRegexPattern(value.regex);
      if (!(re instanceof RegExp)) {
        ctx.error(
          `${p}.regex`,
          `invalid regular expression ${JSON.stringify(value.regex)}: ${re.error}`,
        );
        continue;
      }
    }
    captureFrom ??= {};
    captureFrom[id] = {
      from: value.from,
      source,
      ...(value.regex !== undefined ? { regex: value.regex } : {}),
    };
  }
  return captureFrom === undefined ? { capture } : { capture, captureFrom };
}

/**
 * The call bounds (SCN-17): absent means exactly one call, or exactly N calls for a list of
 * N answers (LANG-2).
 */
function _readCalls(
  calls: LeafStepDocument["calls"],
  cp: string,
  ctx: ParseContext,
  answers: number | undefined,
): Step["calls"] {
  let min = answers ?? 1;
  let max = answers ?? 1;
  if (calls !== undefined) {
    min = calls.min ?? 0;
    if (calls.max !== undefined) max = calls.max;
    else if (min >= 1) max = min;
    else ctx.error(cp, "calls.max is required when calls.min is 0");
    if (min > max && calls.max !== undefined) {
      ctx.error(cp, `calls.min (${min}) must be <= calls.max (${max})`);
    }
  }
  return { min, max, explicit: calls !== undefined };
}

/** The content at `path`: `!!binary` bytes, the text, or undefined when absent. */
function _content(ctx: ParseContext, path: string, text: string | undefined): Content | undefined {
  const bytes = ctx.binary.get(path);
  if (bytes !== undefined) return { kind: "binary", bytes };
  if (text === undefined) return undefined;
  return { kind: "text", template: text };
}

/** Checks a response template's syntax and that its variables are declared (TPL-5). */
function _checkTemplate(
  ctx: ParseContext,
  path: string,
  text: string,
  declared: ReadonlySet<string> | undefined,
): void {
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    ctx.error(path, parsed.message);
    return;
  }
  if (declared === undefined) return;
  for (const message of undeclaredVariables(parsed.parts, declared)) ctx.error(path, message);
}
