/**
 * Environment flag parsing (ENV-1) and the colour decision (COLOR-2).
 *
 * @module
 */

/** Names of the environment variables cli-replay reads and sets (section 4). */
export const ENV = {
  scenario: "CLI_REPLAY_SCENARIO",
  session: "CLI_REPLAY_SESSION",
  trace: "CLI_REPLAY_TRACE",
  color: "CLI_REPLAY_COLOR",
  recordingLog: "CLI_REPLAY_RECORDING_LOG",
  shimDir: "CLI_REPLAY_SHIM_DIR",
  inShim: "CLI_REPLAY_IN_SHIM",
} as const;

/**
 * Reads a truthy/falsy flag (ENV-1): `1 true yes on` / `0 false no off`, case-insensitive
 * after trimming; anything else (or unset) is `undefined`.
 *
 * @param value The variable's value.
 * @returns true, false, or undefined.
 */
export function parseFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  return undefined;
}

/**
 * Decides whether mismatch reports are coloured (COLOR-2).
 *
 * @param env `CLI_REPLAY_COLOR` and `NO_COLOR`.
 * @param stderrIsTerminal Whether stderr is a terminal.
 * @returns Whether to colour.
 */
export function decideColor(
  env: { cliReplayColor?: string | undefined; noColor?: string | undefined },
  stderrIsTerminal: boolean,
): boolean {
  const forced = parseFlag(env.cliReplayColor);
  if (forced !== undefined) return forced;
  if (env.noColor !== undefined && env.noColor !== "") return false;
  return stderrIsTerminal;
}
