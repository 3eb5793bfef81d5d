/**
 * The state the parsing stages share: the errors and warnings found so far, and where
 * each value and key of the document is written, by YAML path.
 *
 * @module
 */
import type { Diagnostic } from "../types.ts";
import type { SourcePosition } from "./types.ts";

/** What a diagnostic carries besides its position, path and message. */
export type DiagnosticExtra = Pick<Diagnostic, "suggestion">;

/** The YAML path of `key` (a mapping key or a sequence index) under `parent`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

/** Collects diagnostics and source positions while a scenario is parsed. */
export class ParseContext {
  /** The file name put in every diagnostic, when known. */
  readonly file: string | undefined;
  /** Errors, in the order found. */
  readonly diagnostics: Diagnostic[] = [];
  /** Warnings (VAL-7), in the order found. */
  readonly warnings: Diagnostic[] = [];
  /** Where the value at each YAML path is written. */
  readonly valuePos: Map<string, SourcePosition> = new Map();
  /** Where the key naming each YAML path is written. */
  readonly keyPos: Map<string, SourcePosition> = new Map();
  /** The bytes of each `!!binary` value, by YAML path (the plain data holds `""`). */
  readonly binary: Map<string, Uint8Array> = new Map();

  constructor(file: string | undefined) {
    this.file = file;
  }

  /** Whether an error was reported. */
  get failed(): boolean {
    return this.diagnostics.length > 0;
  }

  /** Where the value at `path` is written, when known. */
  valueAt(path: string): SourcePosition | undefined {
    return this.valuePos.get(path);
  }

  /** Where the key naming `path` is written, when known. */
  keyAt(path: string): SourcePosition | undefined {
    return this.keyPos.get(path);
  }

  /** Reports an error at the value of `path`. */
  error(path: string, message: string, extra: DiagnosticExtra = {}): void {
    this.errorAt(this.valuePos.get(path), path, message, extra);
  }

  /** Reports an error at `at`; an unknown position becomes line and column 0. */
  errorAt(
    at: SourcePosition | undefined,
    path: string,
    message: string,
    extra: DiagnosticExtra = {},
  ): void {
    this.diagnostics.push(this.#diagnostic("error", at, path, message, extra));
  }

  /** Reports a warning at the value of `path`. */
  warn(path: string, message: string): void {
    this.warnAt(this.valuePos.get(path), path, message);
  }

  /** Reports a warning at `at`; an unknown position becomes line and column 0. */
  warnAt(at: SourcePosition | undefined, path: string, message: string): void {
    this.warnings.push(this.#diagnostic("warning", at, path, message, {}));
  }

  /** The errors, sorted by position (stable: ties keep the order found). */
  sortedDiagnostics(): Diagnostic[] {
    return _sorted(this.diagnostics);
  }

  /** The warnings, sorted by position (stable: ties keep the order found). */
  sortedWarnings(): Diagnostic[] {
    return _sorted(this.warnings);
  }

  #diagnostic(
    severity: Diagnostic["severity"],
    at: SourcePosition | undefined,
    path: string,
    message: string,
    extra: DiagnosticExtra,
  ): Diagnostic {
    const d: Diagnostic = {
      line: at?.line ?? 0,
      column: at?.column ?? 0,
      path,
      message,
      severity,
      ...extra,
    };
    if (this.file !== undefined) d.file = this.file;
    return d;
  }
}

function _sorted(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.line - b.line || a.column - b.column);
}
