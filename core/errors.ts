/**
 * The one error type of cli-replay. Core and effects throw a {@linkcode ReplayError} with a
 * {@linkcode ReplayErrorKind}, the message, the evidence (diagnostics, the path concerned)
 * and a hint; the CLI renders it once, as `cli-replay: …` lines, with
 * {@linkcode renderError}. Library users switch on `kind`.
 *
 * @module
 */
import type { Diagnostic } from "./types.ts";
import type { FsFailureKind } from "./fs_failure.ts";
import { formatDiagnostic } from "./scenario/format.ts";

/**
 * What went wrong, for callers that handle failures differently:
 * - `usage`: a command-line flag or argument is wrong;
 * - `scenario`: the scenario cannot be read or is invalid (`diagnostics` lists every problem);
 * - `state`: a session's state file cannot be read (`path` names it);
 * - `session`: the session cannot be set up or continued (allowlist, session rules, a scenario
 *   changed incompatibly);
 * - `filesystem`: a file the tool reads or writes cannot be used (`path`, `fsKind`);
 * - `record`: a recording could not be made or written.
 */
export type ReplayErrorKind =
  | "usage"
  | "scenario"
  | "state"
  | "session"
  | "filesystem"
  | "record";

/** Options of {@linkcode ReplayError}. */
export interface ReplayErrorOptions extends ErrorOptions {
  /** Every problem found in a scenario, with file, line and column. @default {[]} */
  diagnostics?: readonly Diagnostic[];
  /** The file or directory concerned. @default {undefined} */
  path?: string;
  /** For `filesystem` errors: the failure in OS-independent terms. @default {undefined} */
  fsKind?: FsFailureKind;
  /** What the user can do about it; rendered after the message. @default {undefined} */
  hint?: string;
  /** The process exit code when this error ends a command. @default {1} */
  exitCode?: number;
}

/**
 * A failure the user can act on: an invalid scenario, an unreadable state file, a full disk,
 * a wrong flag. Its `message` is the text after `cli-replay: ` (for a scenario with
 * diagnostics, followed by one indented line per diagnostic).
 *
 * @example Switching on the kind
 * ```ts
 * import { parseScenario, ReplayError } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseScenario("meta: {name: s}\nsteps: []\n", { file: "s.yaml" });
 * assert.equal(parsed.ok, false);
 * const error = new ReplayError("scenario", 'scenario "s.yaml" is invalid', {
 *   diagnostics: parsed.ok ? [] : parsed.diagnostics,
 * });
 * assert.equal(error.kind, "scenario");
 * assert.match(error.message, /^scenario "s.yaml" is invalid\n {2}s\.yaml:2:/);
 * ```
 */
export class ReplayError extends Error {
  /** Always `"ReplayError"`. */
  override readonly name = "ReplayError";
  /** What went wrong. */
  readonly kind: ReplayErrorKind;
  /** Every problem found in a scenario (empty for other kinds). */
  readonly diagnostics: readonly Diagnostic[];
  /** The file or directory concerned, when there is one. */
  readonly path: string | undefined;
  /** For `filesystem` errors: the failure in OS-independent terms. */
  readonly fsKind: FsFailureKind | undefined;
  /** What the user can do about it. */
  readonly hint: string | undefined;
  /** The process exit code when this error ends a command. */
  readonly exitCode: number;

  /**
   * Creates the error.
   *
   * @param kind What went wrong.
   * @param message The text after `cli-replay: `.
   * @param options Evidence, hint, exit code and `cause`.
   */
  constructor(kind: ReplayErrorKind, message: string, options: ReplayErrorOptions = {}) {
    const diagnostics = options.diagnostics ?? [];
    super(
      diagnostics.length === 0
        ? message
        : `${message}\n${diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join("\n")}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.kind = kind;
    this.diagnostics = diagnostics;
    this.path = options.path;
    this.fsKind = options.fsKind;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The most diagnostics {@linkcode renderError} prints before summarising the rest. */
export const MAX_SHOWN_DIAGNOSTICS = 50;

/** Options of {@linkcode renderError}. */
export interface RenderErrorOptions {
  /** Append the stack of an unexpected error (`CLI_REPLAY_TRACE=1`). @default {false} */
  trace?: boolean;
}

/**
 * Renders any error as the lines the CLI prints on stderr, and the exit code: a
 * {@linkcode ReplayError} as its `cli-replay:` lines (one per diagnostic, then the summary);
 * anything else as an internal error.
 *
 * @example Usage
 * ```ts
 * import { renderError, ReplayError } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const error = new ReplayError("usage", "--ttl must be positive, got \"0s\"");
 * assert.deepEqual(renderError(error), {
 *   text: 'cli-replay: --ttl must be positive, got "0s"\n',
 *   exitCode: 1,
 * });
 * ```
 *
 * @param error What was thrown.
 * @param options Whether to show stack traces of unexpected errors.
 * @returns The text (newline-terminated lines) and the exit code.
 */
export function renderError(
  error: unknown,
  options: RenderErrorOptions = {},
): { text: string; exitCode: number } {
  if (!(error instanceof ReplayError)) {
    const message = error instanceof Error ? error.message : String(error);
    let text =
      `cli-replay: internal error: ${message}\n  please report this with the output of CLI_REPLAY_TRACE=1\n`;
    if (options.trace && error instanceof Error && error.stack) text += `${error.stack}\n`;
    return { text, exitCode: 1 };
  }
  const hint = error.hint === undefined ? "" : `; ${error.hint}`;
  if (error.diagnostics.length === 0) {
    const text = error.message.startsWith("cli-replay:")
      ? error.message
      : `cli-replay: ${error.message}`;
    return { text: `${text}${hint}${text.endsWith("\n") ? "" : "\n"}`, exitCode: error.exitCode };
  }
  const shown = error.diagnostics.slice(0, MAX_SHOWN_DIAGNOSTICS)
    .map((d) => `cli-replay: ${formatDiagnostic(d)}\n`);
  if (error.diagnostics.length > MAX_SHOWN_DIAGNOSTICS) {
    shown.push(`cli-replay: … and ${error.diagnostics.length - MAX_SHOWN_DIAGNOSTICS} more\n`);
  }
  return {
    text: `${shown.join("")}cli-replay: ${error.message.split("\n")[0]}${hint}\n`,
    exitCode: error.exitCode,
  };
}
