/**
 * Reads and writes the compiled scenario next to the state (STATE-11). No npm imports:
 * the intercept uses it.
 *
 * @module
 */
import {
  COMPILED_FORMAT,
  type CompiledScenario,
  decodeCompiled,
  encodeCompiled,
} from "../../core/scenario/compiled.ts";
import type { Scenario } from "../../core/types.ts";
import { VERSION } from "../../core/version.ts";
import { writeFileAtomicSync } from "../fs.ts";

/**
 * Reads a compiled scenario; undefined when missing, stale in format/version, or corrupt.
 * Synchronous: it is on the intercept's hot path.
 */
export function readCompiled(path: string): CompiledScenario | undefined {
  try {
    return decodeCompiled(Deno.readTextFileSync(path), VERSION);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Writes a compiled scenario atomically (mode 0600). Synchronous, like {@linkcode readCompiled}. */
export function writeCompiled(
  path: string,
  input: { scenario: Scenario; hash: string; size: number; mtimeMs: number },
): CompiledScenario {
  const compiled: CompiledScenario = {
    format: COMPILED_FORMAT,
    programVersion: VERSION,
    scenarioHash: input.hash,
    size: input.size,
    mtimeMs: input.mtimeMs,
    scenario: input.scenario,
  };
  writeFileAtomicSync(path, encodeCompiled(compiled), { mode: 0o600 });
  return compiled;
}
