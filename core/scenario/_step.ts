/**
 * The step rules: turn one validated leaf step into a {@linkcode Step}, checking the
 * command name (SCN-13), argv patterns, `match.stdin` (STDIN-4), the responses and their
 * templates (SCN-16, TPL-5), delays (SCN-10), captures, call bounds (SCN-17) and `when`.
 *
 * @module
 */
import { commandNameProblem } from "../lang/command_name.ts";
import { DEFAULT_MAX_DELAY_MS, MAX_STDIN_BYTES } from "../limits.ts";
import { classifyPatternElement } from "../lang/argv_pattern.ts";
import { parseDuration } from "../lang/duration.ts";
import { parseTemplate, undeclaredVariables } from "../lang/template.ts";
import type { Content, Respond, Step } from "../types.ts";
import type { LeafStepDocument } from "./schema.ts";
import type { ParseContext } from "./_context.ts";
import type { StepDraft } from "./_layout.ts";
import { IDENTIFIER } from "./_meta.ts";
import type { FileReference } from "./types.ts";

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

type RespondDocument = NonNullable<LeafStepDocument["respond"]>;

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
  const respond = _readRespond(raw.respond ?? {}, `${path}.respond`, index, scope);
  const calls = _readCalls(raw.calls, `${path}.calls`, ctx);
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
    respond,
    calls,
    ...(draft.group !== undefined ? { group: draft.group } : {}),
    ...(raw.when !== undefined ? { when: raw.when } : {}),
  };
}

function _checkArgv(argv: readonly string[], path: string, scope: StepScope): void {
  const ctx = scope.ctx;
  _checkCommandName(argv[0] ?? "", `${path}.match.argv[0]`, ctx);
  for (let i = 1; i < argv.length; i++) {
    const p = `${path}.match.argv[${i}]`;
    const el = classifyPatternElement(argv[i]!, scope.declared ?? new Set());
    if (el.kind === "error") ctx.error(p, el.message);
    else if (/\{\{-?\s*\.capture\./.test(argv[i]!)) {
      ctx.warn(p, "captures are not substituted in argv; this element is matched literally");
    }
  }
}

function _checkCommandName(cmd: string, p: string, ctx: ParseContext): void {
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

function _readStdin(text: string | undefined, p: string, ctx: ParseContext): Content | undefined {
  const stdin = _content(ctx, p, text);
  if (stdin === undefined) return undefined;
  const size = stdin.kind === "binary"
    ? stdin.bytes.length
    : stdin.kind === "text"
    ? new TextEncoder().encode(stdin.template).length
    : 0;
  if (size > MAX_STDIN_BYTES) ctx.error(p, `match.stdin is larger than 1 MiB (${size} bytes)`);
  return stdin;
}

function _readRespond(r: RespondDocument, rp: string, index: number, scope: StepScope): Respond {
  const stdout = _readStream("stdout", r, rp, index, scope);
  const stderr = _readStream("stderr", r, rp, index, scope);
  const delayMs = r.delay === undefined ? 0 : _readDelay(r.delay, `${rp}.delay`, scope.ctx);
  const capture = _readCapture(r.capture ?? {}, rp, scope);
  return {
    exit: r.exit ?? 0,
    stdout,
    stderr,
    delayMs,
    ...(r.delay !== undefined ? { delay: r.delay } : {}),
    capture,
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

/** The captures with valid identifiers; the others are reported at their key. */
function _readCapture(
  written: Record<string, string>,
  rp: string,
  scope: StepScope,
): Record<string, string> {
  const ctx = scope.ctx;
  const capture: Record<string, string> = {};
  for (const [id, value] of Object.entries(written)) {
    const p = `${rp}.capture.${id}`;
    if (!IDENTIFIER.test(id)) {
      ctx.errorAt(ctx.keyAt(p), p, `capture identifier "${id}" must match [a-zA-Z_][a-zA-Z0-9_]*`);
    } else if (scope.declared?.has(id)) {
      ctx.errorAt(
        ctx.keyAt(p),
        p,
        `capture identifier "${id}" conflicts with meta.vars key "${id}"`,
      );
    } else capture[id] = value;
  }
  return capture;
}

/** The call bounds (SCN-17): absent means exactly one call. */
function _readCalls(
  calls: LeafStepDocument["calls"],
  cp: string,
  ctx: ParseContext,
): Step["calls"] {
  let min = 1;
  let max = 1;
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
