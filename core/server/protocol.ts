/**
 * The session server's wire protocol (SRV-2, SRV-5): what a bash shim sends over its
 * loopback connection and what the server answers. Pure: bytes in, values out.
 *
 * A request is a head and length-prefixed items, all of which bash can produce with
 * `printf '%s'` and `${#var}` under `LC_ALL=C` (lengths in bytes). Fields end with `:`, not
 * a newline: bash's line-buffered `printf` then sends the request in one write.
 *
 * ```
 * CRP1 <secret> <flags> <argc> <envc>:
 * <len>:<bytes>        argc times: argv, the command name first
 * <len>:<NAME=value>   envc times: the caller's values of the variables the server needs,
 *                      or <NAME> alone for a variable that is unset (LANG-3, LANG-4)
 * ```
 *
 * The server answers with one of three heads:
 *
 * - `A <exit> <out> <err>\n` then the bytes: `<out>` and `<err>` list the lengths of the
 *   NUL-free segments of stdout and stderr, comma-separated (`12`, or `3,0,5` for two NUL
 *   bytes); the segments follow without their NULs, stdout's first. Bash variables cannot
 *   hold NUL, so the shim prints each segment and a NUL between them.
 * - `S\n`: "send your stdin" (a step of the scenario matches stdin for this call). The shim
 *   answers `I <toolarge> <chunks>:` and the NUL-free chunks of its stdin as items; the
 *   server joins them with NUL bytes. Then the server answers `A …` or `C`.
 * - `C\n`: "take the cold path" — sent before any state is written, when the fast path
 *   cannot give the answer byte-exactly (see {@linkcode answerFits}).
 *
 * @module
 */
import { MAX_STDIN_BYTES } from "../limits.ts";

/** The protocol's magic word, first on every request line. */
export const PROTOCOL = "CRP1";

/** Bounds of a request (SRV-5): a connection that exceeds one is closed. */
export const LIMITS = {
  /** Longest request head line, in bytes. */
  headLine: 256,
  /** Largest request (head, argv and env items), in bytes. */
  requestBytes: 4 * 1024 * 1024,
  /** Largest stdin frame: 1 MiB + 1 (STDIN-4) plus framing. */
  stdinBytes: MAX_STDIN_BYTES + 1 + 64 * 1024,
  /** Most argv or env items. */
  items: 65_536,
  /** Time a connection has to deliver its whole request, in ms. */
  requestMs: 5_000,
  /** Time an authenticated shim has to deliver its stdin, in ms. */
  stdinMs: 10 * 60 * 1000,
  /** Most NUL-free segments per stream the shim prints; more takes the cold path. */
  segments: 64,
  /** Largest answer for a shim whose bash reads the socket one byte at a time. */
  slowReadBytes: 16 * 1024,
} as const;

/** Flag bits of a request head. */
export const FLAGS = {
  /** The caller's stderr is a terminal (`[ -t 2 ]`), for COLOR-2. */
  stderrTty: 1,
  /** The caller's stdin is a terminal (`[ -t 0 ]`): it counts as empty (STDIN-5). */
  stdinTty: 2,
  /** The shim's bash reads the socket in blocks (bash 5 `read -N`), so large answers are cheap. */
  fastRead: 4,
} as const;

/** One parsed call request. */
export interface CallRequest {
  /** The flag bits ({@linkcode FLAGS}). */
  readonly flags: number;
  /** Argv, command name first, decoded as UTF-8. */
  readonly argv: readonly string[];
  /** The caller's values of the variables the shim sends that are set. */
  readonly env: Readonly<Record<string, string>>;
  /** The variables the shim sends that are unset in the caller's environment. */
  readonly unset: readonly string[];
  /** Whether every argv and env item was valid UTF-8 (else: cold path). */
  readonly utf8: boolean;
}

/** The state of parsing a buffer that may not hold the whole message yet. */
export type ParseResult<T> =
  | { readonly kind: "more" }
  | { readonly kind: "reject"; readonly reason: string }
  | { readonly kind: "ok"; readonly value: T; readonly used: number };

const encoder = new TextEncoder();
const strict = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder();

/**
 * Compares two strings in time that depends only on the expected value's length.
 *
 * @param received What the client sent.
 * @param expected The session's secret.
 * @returns Whether they are equal.
 */
export function secretsEqual(received: string, expected: string): boolean {
  let diff = received.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    diff |= (i < received.length ? received.charCodeAt(i) : 0) ^ expected.charCodeAt(i);
  }
  return diff === 0;
}

/** The index of the field terminator `:` at or after `from`, within `max` bytes. */
function _line(buf: Uint8Array, from: number, max: number): number | "more" | "long" {
  const end = Math.min(buf.length, from + max);
  for (let i = from; i < end; i++) if (buf[i] === 58) return i;
  return buf.length - from >= max ? "long" : "more";
}

function _ascii(buf: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/** Whether every byte is 7-bit (a short ASCII item is cheaper to build by hand). */
function _isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return false;
  return true;
}

function _count(word: string | undefined, max: number): number | undefined {
  if (word === undefined || !/^[0-9]{1,9}$/.test(word)) return undefined;
  const n = Number(word);
  return n <= max ? n : undefined;
}

/** Reads `count` items `<len>:<bytes>` from `at`; undefined when more bytes are needed. */
function _items(
  buf: Uint8Array,
  at: number,
  count: number,
  limit: number,
): { items: Uint8Array[]; used: number } | "more" | "reject" {
  const items: Uint8Array[] = [];
  let pos = at;
  for (let i = 0; i < count; i++) {
    const nl = _line(buf, pos, 12);
    if (nl === "more") return "more";
    if (nl === "long") return "reject";
    const len = _count(_ascii(buf, pos, nl), limit);
    if (len === undefined) return "reject";
    if (nl + 1 + len > limit) return "reject";
    if (buf.length < nl + 1 + len) return "more";
    items.push(buf.subarray(nl + 1, nl + 1 + len));
    pos = nl + 1 + len;
  }
  return { items, used: pos };
}

/**
 * Parses a request from the bytes received so far. The secret is checked as soon as the
 * head line is complete, so an unauthenticated client never gets further than 256 bytes.
 *
 * @example Usage
 * ```ts
 * import { parseRequest } from "./protocol.ts";
 * import assert from "node:assert/strict";
 * const bytes = new TextEncoder().encode("CRP1 s3cret 0 2 1:3:git6:status5:A=b c");
 * const r = parseRequest(bytes, "s3cret");
 * assert.equal(r.kind, "ok");
 * if (r.kind === "ok") assert.deepEqual(r.value.argv, ["git", "status"]);
 * ```
 *
 * @param buf The bytes received.
 * @param secret The session's secret.
 * @returns `more`, `reject` (close the connection) or the request.
 */
export function parseRequest(buf: Uint8Array, secret: string): ParseResult<CallRequest> {
  const nl = _line(buf, 0, LIMITS.headLine);
  if (nl === "more") {
    return buf.length > 0 && !_prefixOk(buf) ? _reject("not a cli-replay request") : MORE;
  }
  if (nl === "long") return _reject("request head too long");
  const words = _ascii(buf, 0, nl).split(" ");
  if (words[0] !== PROTOCOL || words.length !== 5) return _reject("not a cli-replay request");
  if (!secretsEqual(words[1]!, secret)) return _reject("wrong secret");
  const flags = _count(words[2], 255);
  const argc = _count(words[3], LIMITS.items);
  const envc = _count(words[4], LIMITS.items);
  if (flags === undefined || argc === undefined || argc < 1 || envc === undefined) {
    return _reject("malformed request head");
  }
  const parsed = _items(buf, nl + 1, argc + envc, LIMITS.requestBytes);
  if (parsed === "more") {
    return buf.length >= LIMITS.requestBytes ? _reject("request too large") : MORE;
  }
  if (parsed === "reject") return _reject("malformed or oversized request item");
  let utf8 = true;
  const text = (bytes: Uint8Array): string => {
    if (bytes.length <= 64 && _isAscii(bytes)) return _ascii(bytes, 0, bytes.length);
    try {
      return strict.decode(bytes);
    } catch {
      utf8 = false;
      return lossy.decode(bytes);
    }
  };
  const argv = parsed.items.slice(0, argc).map(text);
  const env: Record<string, string> = {};
  const unset: string[] = [];
  for (const item of parsed.items.slice(argc)) {
    const pair = text(item);
    const eq = pair.indexOf("=");
    if (eq < 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(pair)) unset.push(pair);
    else if (eq <= 0) return _reject("malformed environment item");
    else env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { kind: "ok", value: { flags, argv, env, unset, utf8 }, used: parsed.used };
}

const MORE = { kind: "more" } as const;

function _reject(reason: string): ParseResult<never> {
  return { kind: "reject", reason };
}

/** Whether the first bytes can still become `CRP1 ` (garbage is rejected at once). */
function _prefixOk(buf: Uint8Array): boolean {
  const want = `${PROTOCOL} `;
  for (let i = 0; i < Math.min(buf.length, want.length); i++) {
    if (buf[i] !== want.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Parses the shim's stdin frame (`I <toolarge> <chunks>:` and the chunks as items).
 *
 * @param buf The bytes received after the server's `S`.
 * @returns `more`, `reject`, or the stdin bytes (`"too-large"` past 1 MiB, STDIN-4).
 */
export function parseStdinFrame(buf: Uint8Array): ParseResult<Uint8Array | "too-large"> {
  const nl = _line(buf, 0, 64);
  if (nl === "more") return MORE;
  if (nl === "long") return _reject("stdin head too long");
  const words = _ascii(buf, 0, nl).split(" ");
  const tooLarge = _count(words[1], 1);
  const chunks = _count(words[2], LIMITS.stdinBytes);
  if (words[0] !== "I" || words.length !== 3 || tooLarge === undefined || chunks === undefined) {
    return _reject("malformed stdin head");
  }
  const parsed = _items(buf, nl + 1, chunks, LIMITS.stdinBytes);
  if (parsed === "more") return buf.length >= LIMITS.stdinBytes ? _reject("stdin too large") : MORE;
  if (parsed === "reject") return _reject("malformed stdin item");
  if (tooLarge === 1) return { kind: "ok", value: "too-large", used: parsed.used };
  const total = parsed.items.reduce((n, c) => n + c.length, 0) + Math.max(0, chunks - 1);
  const out = new Uint8Array(total);
  let at = 0;
  parsed.items.forEach((chunk, i) => {
    if (i > 0) out[at++] = 0;
    out.set(chunk, at);
    at += chunk.length;
  });
  return { kind: "ok", value: out, used: parsed.used };
}

/** One answer the fast path gives: exit code and the exact output bytes. */
export interface WireAnswer {
  /** Exit code, 0–255. */
  readonly exitCode: number;
  /** Bytes for stdout. */
  readonly stdout: Uint8Array;
  /** Bytes for stderr. */
  readonly stderr: Uint8Array;
}

/** Lengths of the NUL-free segments of `bytes` (`[n]` without NUL, `[0]` when empty). */
export function segmentLengths(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0); i >= 0; i = bytes.indexOf(0, i + 1)) {
    out.push(i - start);
    start = i + 1;
  }
  out.push(bytes.length - start);
  return out;
}

/**
 * Decides whether the bash fast path can print an answer byte-exactly and cheaply (the
 * rules of SRV-2): at most {@linkcode LIMITS}.segments NUL-separated segments per stream,
 * and, for a bash that reads the socket byte by byte, at most `slowReadBytes` in all.
 * Everything else is answered `C` before any state is written.
 *
 * @param answer The answer.
 * @param flags The request's flag bits.
 * @returns Whether the fast path may carry it.
 */
export function answerFits(answer: WireAnswer, flags: number): boolean {
  if (answer.exitCode < 0 || answer.exitCode > 255 || !Number.isInteger(answer.exitCode)) {
    return false;
  }
  if ((flags & FLAGS.fastRead) === 0) {
    if (answer.stdout.length + answer.stderr.length > LIMITS.slowReadBytes) return false;
  }
  return _nuls(answer.stdout) < LIMITS.segments && _nuls(answer.stderr) < LIMITS.segments;
}

function _nuls(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(0); i >= 0 && n < LIMITS.segments; i = bytes.indexOf(0, i + 1)) n++;
  return n;
}

/**
 * Encodes an `A` answer: the head with exit code and segment lengths, then the bytes
 * without their NULs.
 *
 * @example Usage
 * ```ts
 * import { encodeAnswer } from "./protocol.ts";
 * import assert from "node:assert/strict";
 * const te = new TextEncoder();
 * const bytes = encodeAnswer({ exitCode: 3, stdout: te.encode("a\0b"), stderr: te.encode("") });
 * assert.equal(new TextDecoder().decode(bytes), "A 3 1,1 0\nab");
 * ```
 *
 * @param answer Exit code and output.
 * @returns The bytes to send.
 */
export function encodeAnswer(answer: WireAnswer): Uint8Array {
  const head = encoder.encode(
    `A ${answer.exitCode} ${segmentLengths(answer.stdout).join(",")} ${
      segmentLengths(answer.stderr).join(",")
    }\n`,
  );
  const out = new Uint8Array(head.length + answer.stdout.length + answer.stderr.length);
  out.set(head, 0);
  let at = head.length;
  for (const stream of [answer.stdout, answer.stderr]) {
    for (const byte of stream) if (byte !== 0) out[at++] = byte;
  }
  return out.subarray(0, at);
}

/** The `S` head: "send your stdin". */
export const NEED_STDIN: Uint8Array = encoder.encode("S\n");
/** The `C` head: "take the cold path". */
export const COLD: Uint8Array = encoder.encode("C\n");
