/**
 * One call as the engine sees it, and what stepping it yields: the types shared by the
 * engine's modules.
 *
 * @module
 */
import type { State, StepOutcome } from "../types.ts";

/** Everything `stepCall` needs to know about one call. */
export interface CallInput {
  /** Received argv, command name first. */
  readonly argv: readonly string[];
  /** Received stdin (only when a candidate needs it), or `"too-large"` past 1 MiB. */
  readonly stdin?: Uint8Array | "too-large";
  /**
   * The environment of the intercepted process: variable overrides (TPL-3), `match.env`
   * (LANG-4) and `env.NAME` captures (LANG-3). A name that is absent is unset.
   */
  readonly env: Readonly<Record<string, string>>;
  /** The time of the call. */
  readonly now: Date;
  /** Reads a `stdout_file`/`stderr_file` by its path as written; throws with a reason. */
  readonly readFile?: (path: string) => Uint8Array;
  /** Replaces argv matching (LIB-4 `matchArgv` option). */
  readonly matchArgv?: (pattern: readonly string[], received: readonly string[]) => boolean;
}

/** The result of `stepCall`. */
export interface StepResult {
  /** The state to store (unchanged but for unexpected calls on a mismatch). */
  readonly state: State;
  /** What happened. */
  readonly outcome: StepOutcome;
}
