/**
 * Recording, the pure half: the JSONL log of recorded calls (REC-6) and its conversion
 * into scenario YAML (REC-7, REC-8). No I/O, no clock: the caller supplies every value.
 *
 * @module
 */

import { quotePosix } from "../session/shell.ts";
import { escapeTemplateText } from "../lang/template.ts";

/** One recorded call of a real command (one line of the recording log, REC-6). */
export interface RecordedCall {
  /** Start of the call, RFC 3339 UTC (`2026-02-07T10:00:00.123Z`). */
  timestamp: string;
  /** The received argv; element 0 is the command name (the record shim's name). */
  argv: string[];
  /** Exit code of the real command (128+N when killed by signal N). */
  exit: number;
  /** Everything the command wrote to stdout. */
  stdout: Uint8Array;
  /** Everything the command wrote to stderr. */
  stderr: Uint8Array;
  /** Stdin the command was given, when something was captured. */
  stdin?: Uint8Array;
  /** Whether stdin exceeded 1 MiB and was therefore not recorded. */
  stdinTruncated?: boolean;
}

/** Metadata of a recorded scenario (REC-7). */
export interface RecordingMeta {
  /** `meta.name`. */
  name: string;
  /** `meta.description`, written only when given. */
  description?: string;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const UTF8_ENCODER = new TextEncoder();

/** Decodes bytes as UTF-8, or returns `undefined` when they are not valid UTF-8. */
function _decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// JSONL log (REC-6)
// ---------------------------------------------------------------------------------------------

/**
 * Encodes one recorded call as one line of the recording log (REC-6): a JSON object written
 * with a real JSON encoder, byte strings as UTF-8 text, or all of them as base64 with
 * `"encoding": "base64"` when any of them is not valid UTF-8.
 *
 * @example Usage
 * ```ts
 * import { encodeRecordingLine } from "./recording.ts";
 * import assert from "node:assert/strict";
 * const line = encodeRecordingLine({
 *   timestamp: "2026-02-07T10:00:00.123Z", argv: ["git", "status"], exit: 0,
 *   stdout: new TextEncoder().encode("clean\n"), stderr: new Uint8Array(),
 * });
 * assert.equal(
 *   line,
 *   '{"timestamp":"2026-02-07T10:00:00.123Z","argv":["git","status"],"exit":0,"stdout":"clean\\n","stderr":""}\n',
 * );
 * ```
 *
 * @param call The call to encode.
 * @returns One JSON object followed by `"\n"`.
 */
export function encodeRecordingLine(call: RecordedCall): string {
  const texts = [call.stdout, call.stderr, call.stdin ?? new Uint8Array()].map(_decodeUtf8);
  const binary = texts.some((text) => text === undefined);
  const field = (bytes: Uint8Array, text: string | undefined): string =>
    binary ? bytes.toBase64() : text ?? "";
  const entry: Record<string, unknown> = {
    timestamp: call.timestamp,
    argv: call.argv,
    exit: call.exit,
    stdout: field(call.stdout, texts[0]),
    stderr: field(call.stderr, texts[1]),
  };
  if (call.stdin !== undefined) entry.stdin = field(call.stdin, texts[2]);
  if (call.stdinTruncated === true) entry.stdin_truncated = true;
  if (binary) entry.encoding = "base64";
  return `${JSON.stringify(entry)}\n`;
}

const TIMESTAMP_RE =
  /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([Zz])|([+-])(\d\d):(\d\d))$/;

/**
 * Splits an RFC 3339 timestamp into whole seconds since the epoch and the fraction as a
 * 9-digit string, so timestamps of any precision compare exactly. `undefined` if invalid.
 */
function _timestampKey(text: string): [number, string] | undefined {
  const m = TIMESTAMP_RE.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  const offset = sign === undefined ? 0 : (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const fraction = (frac ?? "").slice(0, 9).padEnd(9, "0");
  return [ms / 1000 - offset * 60, fraction];
}

function _field(obj: Record<string, unknown>, key: string, base64: boolean): Uint8Array {
  const value = obj[key];
  if (value === undefined) return new Uint8Array();
  if (typeof value !== "string") throw new TypeError(`"${key}" must be a string`);
  if (!base64) return UTF8_ENCODER.encode(value);
  try {
    return Uint8Array.fromBase64(value.replace(/\s+/g, ""));
  } catch {
    throw new TypeError(`"${key}" is not valid base64`);
  }
}

function _parseEntry(line: string): RecordedCall {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new TypeError(`not valid JSON (${error instanceof Error ? error.message : error})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("expected a JSON object");
  }
  const obj = value as Record<string, unknown>;
  const { timestamp, argv, exit, encoding } = obj;
  if (typeof timestamp !== "string" || _timestampKey(timestamp) === undefined) {
    throw new TypeError(`"timestamp" must be an RFC 3339 time, got ${JSON.stringify(timestamp)}`);
  }
  if (
    !Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string")
  ) {
    throw new TypeError(`"argv" must be a non-empty array of strings`);
  }
  if (typeof exit !== "number" || !Number.isInteger(exit)) {
    throw new TypeError(`"exit" must be an integer`);
  }
  if (encoding !== undefined && encoding !== "base64") {
    throw new TypeError(`unsupported "encoding" ${JSON.stringify(encoding)}`);
  }
  const base64 = encoding === "base64";
  const call: RecordedCall = {
    timestamp,
    argv: [...(argv as string[])],
    exit,
    stdout: _field(obj, "stdout", base64),
    stderr: _field(obj, "stderr", base64),
  };
  if (obj.stdin !== undefined && obj.stdin !== null) call.stdin = _field(obj, "stdin", base64);
  if (obj.stdin_truncated === true) call.stdinTruncated = true;
  return call;
}

/**
 * Parses a recording log (REC-6): one JSON object per non-blank line, in log order. Accepts the
 * original's lines too (second-precision timestamps, no `encoding`).
 *
 * @example Usage
 * ```ts
 * import { parseRecordingLog } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const calls = parseRecordingLog(
 *   '{"timestamp":"2026-02-07T10:00:00Z","argv":["git","status"],"exit":0,"stdout":"ok\\n","stderr":""}\n',
 * );
 * assert.deepEqual(calls[0]?.argv, ["git", "status"]);
 * assert.equal(new TextDecoder().decode(calls[0]?.stdout), "ok\n");
 * ```
 *
 * @param jsonl The log's text.
 * @returns The calls in log order.
 * @throws {SyntaxError} When a line is not a valid entry; the message names the line number.
 */
export function parseRecordingLog(jsonl: string): RecordedCall[] {
  const calls: RecordedCall[] = [];
  const lines = jsonl.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    try {
      calls.push(_parseEntry(line));
    } catch (error) {
      throw new SyntaxError(
        `Cannot parse recording log line ${i + 1}: ${(error as Error).message}`,
      );
    }
  }
  return calls;
}

// ---------------------------------------------------------------------------------------------
// Scenario YAML (REC-7, REC-8)
// ---------------------------------------------------------------------------------------------

/** Whether a code point is YAML 1.2 printable (`c-printable`). */
function _isPrintable(cp: number): boolean {
  return cp === 0x09 || cp === 0x0a || cp === 0x0d || (cp >= 0x20 && cp <= 0x7e) ||
    cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Whether a block literal can carry `text` exactly: only printable characters, no CR (it
 * would be read as a line break), no NEL, line or paragraph separator, no BOM.
 */
function _blockSafe(text: string): boolean {
  const lines = text.split("\n");
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  if (lines.length > 0 && /^[ \t]+$/.test(lines.at(-1)!)) return false;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x0a || cp === 0x09) continue;
    if (
      !_isPrintable(cp) || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029 ||
      cp === 0xfeff
    ) return false;
  }
  return true;
}

const ESCAPES: Readonly<Record<number, string>> = {
  0x00: "\\0",
  0x07: "\\a",
  0x08: "\\b",
  0x09: "\\t",
  0x0a: "\\n",
  0x0b: "\\v",
  0x0c: "\\f",
  0x0d: "\\r",
  0x1b: "\\e",
  0x22: '\\"',
  0x5c: "\\\\",
  0x85: "\\N",
  0x2028: "\\L",
  0x2029: "\\P",
};

/** Writes `text` as a one-line YAML double-quoted scalar. */
function _doubleQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const escape = ESCAPES[cp];
    if (escape !== undefined) out += escape;
    else if (_isPrintable(cp) && cp !== 0xfeff) out += ch;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return `${out}"`;
}

/**
 * Writes `text` (which contains a newline) as a block literal whose content sits at
 * `indent + 2` spaces. Returns the header (`|`, `|-`, `|+`, `|2`…) and the content lines.
 */
function _blockLiteral(text: string, indent: number): string {
  const chomp = text.endsWith("\n")
    ? (/^\n*$/.test(text) || text.endsWith("\n\n") ? "+" : "")
    : "-";
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const lines = body.split("\n");
  const firstContent = lines.find((line) => line !== "");
  const indicator = firstContent !== undefined && /^[ \t]/.test(firstContent) ? "2" : "";
  const pad = " ".repeat(indent + 2);
  const content = lines.map((line) => line === "" ? "" : pad + line).join("\n");
  return `|${indicator}${chomp}\n${content}`;
}

/** Renders a text scalar for a mapping key at `indent` (the value after `key: `). */
function _textScalar(text: string, indent: number): string {
  return text.includes("\n") && _blockSafe(text)
    ? _blockLiteral(text, indent)
    : _doubleQuoted(text);
}

/** Renders raw bytes as `!!binary` with base64 lines at `indent + 2`. */
function _binaryScalar(bytes: Uint8Array, indent: number): string {
  const b64 = bytes.toBase64();
  const pad = " ".repeat(indent + 2);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(pad + b64.slice(i, i + 76));
  return `!!binary |\n${lines.join("\n")}`;
}

/** Renders recorded bytes: text (optionally with `{{` escaped, TPL-6) or `!!binary`. */
function _bytesScalar(bytes: Uint8Array, indent: number, template: boolean): string {
  const text = _decodeUtf8(bytes);
  if (text === undefined) return _binaryScalar(bytes, indent);
  return _textScalar(template ? escapeTemplateText(text) : text, indent);
}

/**
 * Orders recorded calls by timestamp (REC-7); calls with equal timestamps keep their order.
 * Calls whose timestamp cannot be read sort after the others.
 *
 * @param calls Calls in log order.
 * @returns A new array in call order.
 */
export function sortRecordedCalls(calls: readonly RecordedCall[]): RecordedCall[] {
  const keyed = calls.map((call, index) => ({ call, index, key: _timestampKey(call.timestamp) }));
  keyed.sort((a, b) => {
    if (a.key === undefined || b.key === undefined) {
      return a.key === b.key ? a.index - b.index : a.key === undefined ? 1 : -1;
    }
    if (a.key[0] !== b.key[0]) return a.key[0] - b.key[0];
    if (a.key[1] !== b.key[1]) return a.key[1] < b.key[1] ? -1 : 1;
    return a.index - b.index;
  });
  return keyed.map((k) => k.call);
}

/**
 * Converts recorded calls into the text of a scenario file (REC-7, REC-8): calls ordered by
 * timestamp, one leaf step each, in the contract's YAML style. Loading the result yields
 * exactly the recorded argv, stdin, exit code, stdout and stderr.
 *
 * @example Usage
 * ```ts
 * import { recordingToScenarioYaml } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const yaml = recordingToScenarioYaml([{
 *   timestamp: "2026-02-07T10:00:00.000Z", argv: ["kubectl", "get", "pods"], exit: 0,
 *   stdout: new TextEncoder().encode("web-0\n"), stderr: new Uint8Array(),
 * }], { name: "pods" });
 * assert.equal(yaml, [
 *   "meta:",
 *   '  name: "pods"',
 *   "steps:",
 *   "  - match:",
 *   '      argv: ["kubectl", "get", "pods"]',
 *   "    respond:",
 *   "      exit: 0",
 *   "      stdout: |",
 *   "        web-0",
 *   "",
 * ].join("\n"));
 * ```
 *
 * @param calls The recorded calls, in any order.
 * @param meta The scenario's name and optional description.
 * @returns The YAML text, ending with a newline.
 */
export function recordingToScenarioYaml(
  calls: readonly RecordedCall[],
  meta: RecordingMeta,
): string {
  const out: string[] = ["meta:", `  name: ${_textScalar(meta.name, 2)}`];
  if (meta.description !== undefined) {
    out.push(`  description: ${_textScalar(meta.description, 2)}`);
  }
  out.push("steps:");
  for (const call of sortRecordedCalls(calls)) {
    out.push("  - match:");
    out.push(`      argv: [${call.argv.map(_doubleQuoted).join(", ")}]`);
    if (call.stdin !== undefined && call.stdin.length > 0) {
      out.push(`      stdin: ${_bytesScalar(call.stdin, 6, false)}`);
    }
    out.push("    respond:");
    out.push(`      exit: ${call.exit}`);
    if (call.stdout.length > 0) out.push(`      stdout: ${_bytesScalar(call.stdout, 6, true)}`);
    if (call.stderr.length > 0) out.push(`      stderr: ${_bytesScalar(call.stderr, 6, true)}`);
  }
  return `${out.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Small decisions of `cli-replay record`
// ---------------------------------------------------------------------------------------------

/**
 * The default scenario name for a recording started at `start`:
 * `recorded-session-<yyyymmdd-hhmmss>` in UTC (REC-7).
 *
 * @example Usage
 * ```ts
 * import { defaultRecordingName } from "./recording.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   defaultRecordingName(new Date("2026-02-07T10:04:05Z")),
 *   "recorded-session-20260207-100405",
 * );
 * ```
 *
 * @param start When the recording started.
 * @returns The name.
 */
export function defaultRecordingName(start: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `recorded-session-${start.getUTCFullYear()}${p(start.getUTCMonth() + 1)}${
    p(start.getUTCDate())
  }-${p(start.getUTCHours())}${p(start.getUTCMinutes())}${p(start.getUTCSeconds())}`;
}

/** Result of {@linkcode parseRecordCommands}. */
export type RecordCommandsResult =
  | { readonly ok: true; readonly names: string[] }
  | { readonly ok: false; readonly message: string };

/** Why `name` is not a plain command name (SCN-13), or `undefined` when it is one. */
function _commandNameProblem(name: string): string | undefined {
  if (name === "") return "must not be empty";
  if (UTF8_ENCODER.encode(name).length > 255) return "must be at most 255 bytes";
  if (name === "." || name === "..") return `must not be "." or ".."`;
  // deno-lint-ignore no-control-regex
  if (name.includes("/") || name.includes("{{") || /[\u0000-\u001f\u007f]/.test(name)) {
    return `must be a plain command name (no "/", no template)`;
  }
  return undefined;
}

/**
 * Reads the values of `record -c` (REC-1): each value may hold comma-separated names; items
 * are trimmed, empty items dropped, duplicates dropped (first kept); every name must satisfy
 * SCN-13, and two names that differ only in letter case are refused.
 *
 * @example Usage
 * ```ts
 * import { parseRecordCommands } from "./recording.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseRecordCommands(["kubectl,helm", "kubectl"]), {
 *   ok: true, names: ["kubectl", "helm"],
 * });
 * assert.equal(parseRecordCommands(["../x"]).ok, false);
 * ```
 *
 * @param values The option values as given.
 * @returns The distinct names in order, or a message for the first bad name.
 */
export function parseRecordCommands(values: readonly string[]): RecordCommandsResult {
  const names: string[] = [];
  const folded = new Map<string, string>();
  for (const value of values) {
    for (const raw of value.split(",")) {
      const name = raw.trim();
      if (name === "" || names.includes(name)) continue;
      const problem = _commandNameProblem(name);
      if (problem !== undefined) {
        return { ok: false, message: `invalid --command ${JSON.stringify(name)}: ${problem}` };
      }
      const other = folded.get(name.toLowerCase());
      if (other !== undefined) {
        return {
          ok: false,
          message: `invalid --command ${JSON.stringify(name)}: differs from ${
            JSON.stringify(other)
          } only in letter case`,
        };
      }
      folded.set(name.toLowerCase(), name);
      names.push(name);
    }
  }
  return { ok: true, names };
}

/** Options of {@linkcode renderRecordShim}. */
export interface RecordShimOptions {
  /** The recorded command's name (a plain file name, SCN-13). */
  command: string;
  /** The self command that re-invokes this cli-replay. */
  selfCommand: readonly string[];
  /** Absolute path of the recording log. */
  logPath: string;
  /** Absolute path of the record shim dir (skipped when resolving the real command). */
  shimDir: string;
}

/**
 * Renders the `/bin/sh` record shim for one `-c` command (REC-4): the ICPT-1 form, running
 * `__record-shim --log <log> --shim-dir <dir> -- <command> "$@"`; every embedded word is
 * single-quoted (SEC-7).
 *
 * @example Usage
 * ```ts
 * import { renderRecordShim } from "./recording.ts";
 * import assert from "node:assert/strict";
 * const text = renderRecordShim({
 *   command: "kubectl", selfCommand: ["/bin/cli-replay"],
 *   logPath: "/tmp/r/recording.jsonl", shimDir: "/tmp/r/bin",
 * });
 * assert.match(text, /^#!\/bin\/sh\n/);
 * assert.match(text, /'__record-shim' '--log' '\/tmp\/r\/recording.jsonl'/);
 * assert.match(text, /'--' 'kubectl' "\$@"\n$/);
 * ```
 *
 * @param opts What to embed.
 * @returns The shim's text, ending with a newline.
 */
export function renderRecordShim(opts: RecordShimOptions): string {
  const words = [
    ...opts.selfCommand,
    "__record-shim",
    "--log",
    opts.logPath,
    "--shim-dir",
    opts.shimDir,
    "--",
    opts.command,
  ];
  return [
    "#!/bin/sh",
    `# cli-replay record shim for '${opts.command}'; generated, do not edit`,
    `exec ${words.map(quotePosix).join(" ")} "$@"`,
    "",
  ].join("\n");
}
