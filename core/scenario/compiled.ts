/**
 * The compiled scenario (STATE-11): the validated scenario as JSON, so the intercept
 * parses no YAML. Internal format; a different `format` or `programVersion` is rebuilt.
 *
 * @module
 */
import type { Content, Respond, Scenario, Step } from "../types.ts";

/** Bump when the compiled shape changes. */
export const COMPILED_FORMAT = 4;

/** The compiled scenario file's content. */
export interface CompiledScenario {
  /** {@linkcode COMPILED_FORMAT} at write time. */
  format: number;
  /** cli-replay version that wrote it. */
  programVersion: string;
  /** SHA-256 hex of the scenario file. */
  scenarioHash: string;
  /** Scenario file size at compile time. */
  size: number;
  /** Scenario file mtime (ms) at compile time. */
  mtimeMs: number;
  /** The validated scenario. */
  scenario: Scenario;
}

function _toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function _fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Serialises a compiled scenario to JSON (byte strings as `{"$b64": "…"}`).
 *
 * @param compiled The compiled scenario.
 * @returns JSON text.
 */
export function encodeCompiled(compiled: CompiledScenario): string {
  return JSON.stringify(
    compiled,
    (_key, value) => value instanceof Uint8Array ? { $b64: _toBase64(value) } : value,
  );
}

type _Encoded = { $b64: string };

function _isEncoded(value: unknown): value is _Encoded {
  return value !== null && typeof value === "object" &&
    typeof (value as { $b64?: unknown }).$b64 === "string";
}

function _decodeContent<T>(content: T | _Encoded): T | { kind: "binary"; bytes: Uint8Array } {
  if (content !== null && typeof content === "object" && "kind" in content) {
    const c = content as { kind: string; bytes?: unknown };
    if (c.kind === "binary" && _isEncoded(c.bytes)) {
      return { kind: "binary", bytes: _fromBase64(c.bytes.$b64) };
    }
  }
  return content as T;
}

/**
 * Parses a compiled scenario; `undefined` when the text is not a current compiled file.
 * Plain `JSON.parse`, then byte strings are restored only where they can occur (stdin,
 * stdout, stderr): a reviver over the whole tree costs milliseconds on large scenarios.
 *
 * @param text JSON text.
 * @param programVersion The running version; other versions are rejected.
 * @returns The compiled scenario, or undefined.
 */
export function decodeCompiled(
  text: string,
  programVersion: string,
): CompiledScenario | undefined {
  let value: CompiledScenario;
  try {
    value = JSON.parse(text) as CompiledScenario;
  } catch {
    return undefined;
  }
  if (value?.format !== COMPILED_FORMAT || value.programVersion !== programVersion) {
    return undefined;
  }
  const steps = value.scenario?.steps;
  if (!Array.isArray(steps)) return undefined;
  for (const step of steps as Step[]) {
    const s = step as { stdin?: Content; respond: Respond; answers?: readonly Respond[] };
    if (s.stdin !== undefined) s.stdin = _decodeContent(s.stdin);
    _decodeRespond(s.respond);
    // LANG-2: JSON has no shared references, so the first answer is decoded twice.
    for (const answer of s.answers ?? []) _decodeRespond(answer);
  }
  return value;
}

function _decodeRespond(respond: Respond): void {
  (respond as { stdout: Content }).stdout = _decodeContent(respond.stdout);
  (respond as { stderr: Content }).stderr = _decodeContent(respond.stderr);
}
