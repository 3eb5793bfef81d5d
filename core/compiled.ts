/**
 * The compiled scenario (STATE-11): the validated scenario as JSON, so the intercept
 * parses no YAML. Internal format; a different `format` or `programVersion` is rebuilt.
 *
 * @module
 */
import type { Scenario } from "./types.ts";

/** Bump when the compiled shape changes. */
export const COMPILED_FORMAT = 1;

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

/**
 * Parses a compiled scenario; `undefined` when the text is not a current compiled file.
 *
 * @param text JSON text.
 * @param programVersion The running version; other versions are rejected.
 * @returns The compiled scenario, or undefined.
 */
export function decodeCompiled(
  text: string,
  programVersion: string,
): CompiledScenario | undefined {
  try {
    const value = JSON.parse(
      text,
      (_key, v) =>
        v !== null && typeof v === "object" && typeof v.$b64 === "string" &&
          Object.keys(v).length === 1
          ? _fromBase64(v.$b64)
          : v,
    ) as CompiledScenario;
    if (value?.format !== COMPILED_FORMAT || value.programVersion !== programVersion) {
      return undefined;
    }
    return value;
  } catch {
    return undefined;
  }
}
