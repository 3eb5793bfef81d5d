/**
 * Captures taken from the actual call (LANG-3): named groups of the argv regexes of the step
 * that matched, and `respond.capture` values `{from: argv[N] | stdin | env.NAME, regex}`.
 *
 * @module
 */
import type { CaptureFrom, Respond, Step } from "../types.ts";
import { classifyPatternElement, compileRegexPattern, execRegex } from "../lang/argv_pattern.ts";
import { normaliseStdin } from "../lang/stdin_rule.ts";

/** What a capture can be taken from: the call as received. */
export interface CallSources {
  /** The received argv, command name first. */
  readonly argv: readonly string[];
  /** The received stdin, when it was read. */
  readonly stdin?: Uint8Array | "too-large";
  /** The caller's environment. */
  readonly env: Readonly<Record<string, string>>;
}

const NO_NAMES: ReadonlySet<string> = new Set();
const decoder = new TextDecoder();

/**
 * The captures a step stores when it answers a call (CAP-2, LANG-3), in this order, later ones
 * winning: the named groups of its argv regexes, the answer's literal captures, and the
 * answer's captures taken from the call. A group that took no part in the match, a missing
 * source and a regex that does not match leave their capture out.
 *
 * @example Usage
 * ```ts
 * import { captureCall } from "./captures.ts";
 * import assert from "node:assert/strict";
 *
 * const step = {
 *   index: 0, yamlPath: "steps[0]", argv: ["deploy", '{{ .regex "^app/(?<app>[a-z]+)$" }}'],
 *   respond: {
 *     exit: 0, stdout: { kind: "text" as const, template: "" },
 *     stderr: { kind: "text" as const, template: "" }, delayMs: 0, capture: { by: "ci" },
 *     captureFrom: {
 *       user: { from: "env.USER", source: { kind: "env" as const, name: "USER" } },
 *       tag: { from: "argv[2]", source: { kind: "argv" as const, index: 2 }, regex: "v(\\d+)" },
 *     },
 *   },
 *   calls: { min: 1, max: 1, explicit: false },
 * };
 * const sources = { argv: ["deploy", "app/web", "v42"], env: { USER: "ann" } };
 * assert.deepEqual(captureCall(step, step.respond, sources), {
 *   app: "web", by: "ci", user: "ann", tag: "42",
 * });
 * ```
 *
 * @param step The step that matched.
 * @param answer The answer it gives.
 * @param call The call.
 * @returns The captures to store (possibly empty).
 */
export function captureCall(
  step: Step,
  answer: Respond,
  call: CallSources,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i < step.argv.length; i++) {
    const p = step.argv[i]!;
    if (!p.includes("(?")) continue;
    const el = classifyPatternElement(p, NO_NAMES);
    if (el.kind !== "regex") continue;
    const groups = execRegex(el.regex, call.argv[i] ?? "")?.groups;
    if (groups === undefined) continue;
    for (const [id, value] of Object.entries(groups)) if (value !== undefined) out[id] = value;
  }
  Object.assign(out, answer.capture);
  for (const [id, from] of Object.entries(answer.captureFrom ?? {})) {
    const value = captureValue(from, call);
    if (value !== undefined) out[id] = value;
  }
  return out;
}

/**
 * The value of one capture taken from the call: the first group of its regex in the source
 * (the whole match when the regex has no group), or the whole source without a regex. Stdin is
 * read as UTF-8 and normalised as in STDIN-2 (CRLF to LF, trailing newlines removed); stdin that
 * was not read counts as empty, stdin over 1 MiB as missing.
 *
 * @param from The capture.
 * @param call The call.
 * @returns The value, or undefined when the source is missing or the regex does not match.
 */
export function captureValue(from: CaptureFrom, call: CallSources): string | undefined {
  const source = _source(from, call);
  if (source === undefined || from.regex === undefined) return source;
  const regex = compileRegexPattern(from.regex);
  if (!(regex instanceof RegExp)) return undefined;
  const m = execRegex(regex, source);
  if (m === null) return undefined;
  return m.length > 1 ? m[1] : m[0];
}

function _source(from: CaptureFrom, call: CallSources): string | undefined {
  const s = from.source;
  switch (s.kind) {
    case "argv":
      return call.argv[s.index];
    case "env":
      return Object.hasOwn(call.env, s.name) ? call.env[s.name] : undefined;
    case "stdin":
      // Stdin not read counts as empty (STDIN-5); past 1 MiB it is not used.
      return call.stdin === "too-large"
        ? undefined
        : normaliseStdin(decoder.decode(call.stdin ?? new Uint8Array()));
  }
}

/**
 * Parses a capture source as written: `argv[N]`, `stdin` or `env.NAME`.
 *
 * @example Usage
 * ```ts
 * import { parseCaptureSource } from "./captures.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseCaptureSource("argv[2]"), { kind: "argv", index: 2 });
 * assert.deepEqual(parseCaptureSource("env.HOME"), { kind: "env", name: "HOME" });
 * assert.equal(parseCaptureSource("stdout"), undefined);
 * ```
 *
 * @param text The `from` value.
 * @returns The source, or undefined when the text is none of the three forms.
 */
export function parseCaptureSource(text: string): CaptureFrom["source"] | undefined {
  if (text === "stdin") return { kind: "stdin" };
  const argv = /^argv\[(0|[1-9][0-9]{0,5})\]$/.exec(text);
  if (argv !== null) return { kind: "argv", index: Number(argv[1]) };
  const env = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (env !== null) return { kind: "env", name: env[1]! };
  return undefined;
}

/** Whether a step takes a capture from stdin in any of its answers (STDIN-3 must read it). */
export function capturesStdin(step: Step): boolean {
  for (const answer of step.answers ?? [step.respond]) {
    for (const from of Object.values(answer.captureFrom ?? {})) {
      if (from.source.kind === "stdin") return true;
    }
  }
  return false;
}

/** Whether a call this step matches must read stdin: it matches stdin or captures from it. */
export function readsStdin(step: Step): boolean {
  return step.stdin !== undefined || capturesStdin(step);
}
