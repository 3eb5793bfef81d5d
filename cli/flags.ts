/**
 * Shared flag parsing for the CLI actions.
 *
 * @module
 */
import { parseDuration } from "../core/lang/duration.ts";
import { ENV } from "../core/env.ts";
import { ReplayError } from "../core/errors.ts";

/** Parses a duration flag or throws the ERR-5 message. */
export function parseDurationFlag(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new ReplayError(
      "usage",
      `invalid ${flag} value "${value}": expected a duration such as 30s, 10m or 1h`,
    );
  }
  return ms;
}

/** The scenario argument, or `$CLI_REPLAY_SCENARIO`, or the VERIFY-1 error. */
export function scenarioArgOrEnv(arg: string | undefined): string {
  const value = arg ?? Deno.env.get(ENV.scenario);
  if (value === undefined || value === "") {
    throw new ReplayError(
      "usage",
      "no scenario specified — pass a file or set CLI_REPLAY_SCENARIO",
    );
  }
  return value;
}

/** The `--session` flag, or `$CLI_REPLAY_SESSION`, or `""`. */
export function sessionFlagOrEnv(flag: string | undefined): string {
  return flag ?? Deno.env.get(ENV.session) ?? "";
}

/** The values of `--format` for `verify` and `exec`, in the order error messages list them. */
export const REPORT_FORMATS = ["text", "json", "junit", "tap", "github"] as const;

/** Normalises a case-insensitive `--format` value or throws the VERIFY-10/VAL-6 error. */
export function parseFormat<T extends string>(
  value: string | undefined,
  valid: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if ((valid as readonly string[]).includes(v)) return v as T;
  throw new ReplayError("usage", `invalid format "${value}": valid values are ${valid.join(", ")}`);
}
