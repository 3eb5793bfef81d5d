/**
 * The types the scenario parser shares with its callers besides its result: source
 * positions and the file references a loader checks.
 *
 * @module
 */

/** A 1-based source position. */
export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** A `stdout_file`/`stderr_file` reference, for the loader that checks the files exist. */
export interface FileReference {
  /** Flat step index. */
  stepIndex: number;
  /** Which stream the file feeds. */
  stream: "stdout" | "stderr";
  /** The path as written. */
  path: string;
  /** YAML path of the value, e.g. `steps[3].respond.stdout_file`. */
  yamlPath: string;
  /** Where the value is written. */
  position: SourcePosition;
}
