/**
 * The signals a fake can end by (LANG-6) and their numbers, which differ between Linux and
 * macOS for `USR1` and `USR2`.
 *
 * @module
 */
import type { SignalName } from "../types.ts";

const LINUX: Readonly<Record<SignalName, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
};

const DARWIN: Readonly<Record<SignalName, number>> = { ...LINUX, USR1: 30, USR2: 31 };

/**
 * The number of a signal on an operating system (`Deno.build.os`); Linux numbers elsewhere.
 *
 * @example Usage
 * ```ts
 * import { signalNumber } from "./signals.ts";
 * import assert from "node:assert/strict";
 * assert.equal(signalNumber("TERM", "linux"), 15);
 * assert.equal(signalNumber("USR1", "darwin"), 30);
 * ```
 *
 * @param name The signal, without `SIG`.
 * @param os The operating system.
 * @returns The number.
 */
export function signalNumber(name: SignalName, os: string): number {
  return (os === "darwin" ? DARWIN : LINUX)[name];
}

/**
 * The exit status a shell reports for a process ended by a signal: 128 + its number
 * (LANG-6); also the exit code of a fake whose signal could not end it (an ignored one).
 *
 * @example Usage
 * ```ts
 * import { signalExitCode } from "./signals.ts";
 * import assert from "node:assert/strict";
 * assert.equal(signalExitCode("PIPE", "linux"), 141);
 * ```
 *
 * @param name The signal, without `SIG`.
 * @param os The operating system.
 * @returns 128 + the signal's number.
 */
export function signalExitCode(name: SignalName, os: string): number {
  return 128 + signalNumber(name, os);
}
