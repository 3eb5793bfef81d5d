/**
 * The one error type that CLI actions throw for user mistakes: `cli/main.ts` prints
 * `cli-replay: <message>` (plus any detail lines) and exits with `exitCode`.
 *
 * @module
 */

/** A user-facing failure of a management command (ERR-1). */
export class CliError extends Error {
  /** Always `"CliError"`. */
  override readonly name = "CliError";
  /** Exit code for the process. */
  readonly exitCode: number;
  /**
   * @param message Text after `cli-replay: ` (may hold indented detail lines).
   * @param exitCode Exit code, 1 unless the contract says otherwise.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}
