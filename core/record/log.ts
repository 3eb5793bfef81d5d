/**
 * The recording log (REC-6): one JSON object per recorded call, and the order of its calls
 * (REC-7). Pure: the caller reads and writes the file.
 *
 * @module
 */

import { decodeUtf8 } from "./_bytes.ts";
import { ReplayError } from "../errors.ts";
import type { InsertPoint } from "./insert_point.ts";

const UTF8_ENCODER = new TextEncoder();

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
  /**
   * Where the call's new step goes in the scenario, for a call recorded by `exec --record
   * missing` (RECM-1). Logged as `"insert"`.
   */
  insert?: InsertPoint;
  /**
   * The caller's environment variables whose names mark them as secrets, name to value
   * (RECM-2): their values are redacted from the recording. Logged as `"secrets"`.
   */
  secrets?: Record<string, string>;
}

/**
 * Encodes one recorded call as one line of the recording log (REC-6): a JSON object written
 * with a real JSON encoder, byte strings as UTF-8 text, or all of them as base64 with
 * `"encoding": "base64"` when any of them is not valid UTF-8.
 *
 * @example Usage
 * ```ts
 * import { encodeRecordingLine } from "./log.ts";
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
  const texts = [call.stdout, call.stderr, call.stdin ?? new Uint8Array()].map(decodeUtf8);
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
  if (call.insert !== undefined) entry.insert = call.insert;
  if (call.secrets !== undefined && Object.keys(call.secrets).length > 0) {
    entry.secrets = call.secrets;
  }
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

function _insertPoint(value: unknown): InsertPoint | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.before === "number" && Number.isInteger(v.before) && v.before >= 0) {
    return { before: v.before };
  }
  if (typeof v.group === "number" && Number.isInteger(v.group) && v.group >= 0) {
    return { group: v.group };
  }
  throw new TypeError(`"insert" must be {"before": N} or {"group": N}`);
}

function _secrets(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`"secrets" must be an object of strings`);
  }
  const out: Record<string, string> = {};
  for (const [name, secret] of Object.entries(value)) {
    if (typeof secret !== "string") throw new TypeError(`"secrets" must be an object of strings`);
    out[name] = secret;
  }
  return out;
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
  const insert = _insertPoint(obj.insert);
  if (insert !== undefined) call.insert = insert;
  const secrets = _secrets(obj.secrets);
  if (secrets !== undefined) call.secrets = secrets;
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
 * @throws {ReplayError} Kind `record` (exit code 3) when a line is not a valid entry; the
 * message names the line number.
 */
export function parseRecordingLog(jsonl: string): RecordedCall[] {
  const calls: RecordedCall[] = [];
  const lines = jsonl.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    try {
      calls.push(_parseEntry(line));
    } catch (error) {
      throw new ReplayError(
        "record",
        `cannot read the recording: line ${i + 1} of its log: ${(error as Error).message}`,
        {
          exitCode: 3,
          hint: "a call killed while it was recorded can leave a cut line; record again",
          cause: error,
        },
      );
    }
  }
  return calls;
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
