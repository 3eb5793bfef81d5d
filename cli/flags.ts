/**
 * Shared flag parsing for the CLI actions.
 *
 * @module
 */
import { parseDuration } from "../core/duration.ts";
import { ENV } from "../core/env_flags.ts";
import { CliError } from "./errors.ts";

/** Parses a duration flag or throws the ERR-5 message. */
export function parseDurationFlag(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new CliError(
      `invalid ${flag} value "${value}": expected a duration such as 30s, 10m or 1h`,
    );
  }
  return ms;
}

/** The scenario argument, or `$CLI_REPLAY_SCENARIO`, or the VERIFY-1 error. */
export function scenarioArgOrEnv(arg: string | undefined): string {
  const value = arg ?? Deno.env.get(ENV.scenario);
  if (value === undefined || value === "") {
    throw new CliError("no scenario specified — pass a file or set CLI_REPLAY_SCENARIO");
  }
  return value;
}

/** The `--session` flag, or `$CLI_REPLAY_SESSION`, or `""`. */
export function sessionFlagOrEnv(flag: string | undefined): string {
  return flag ?? Deno.env.get(ENV.session) ?? "";
}
