/**
 * Errors that callers catch: invalid scenarios and unreadable state.
 *
 * @module
 */
import type { Diagnostic } from "./types.ts";
import { formatDiagnostic } from "./scenario/format.ts";

/** Thrown by {@linkcode loadScenario} and library helpers when a scenario is invalid or unreadable. */
export class ScenarioError extends Error {
  /** Always `"ScenarioError"`. */
  override readonly name = "ScenarioError";
  /** Every problem found (SCN-22); empty when the file could not be read at all. */
  readonly diagnostics: Diagnostic[];
  /**
   * Creates the error; the message lists every diagnostic.
   *
   * @param message Summary line.
   * @param diagnostics The problems found.
   * @param options Standard error options.
   */
  constructor(message: string, diagnostics: Diagnostic[] = [], options?: ErrorOptions) {
    super(
      diagnostics.length === 0
        ? message
        : `${message}\n${diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join("\n")}`,
      options,
    );
    this.diagnostics = diagnostics;
  }
}

/** Thrown when a state file cannot be parsed (STATE-6). */
export class StateError extends Error {
  /** Always `"StateError"`. */
  override readonly name = "StateError";
  /** The state file, or `""` when parsing text with no file. */
  readonly file: string;
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   * @param file The state file.
   * @param options Standard error options.
   */
  constructor(message: string, file = "", options?: ErrorOptions) {
    super(message, options);
    this.file = file;
  }
}
