/**
 * The limits and defaults of cli-replay, in one place: what the contract fixes as a number
 * is named here once and imported wherever it applies.
 *
 * @module
 */

/** `--max-delay` when none is given, as written in help and messages (RUN-10). */
export const DEFAULT_MAX_DELAY = "5m";

/** {@linkcode DEFAULT_MAX_DELAY} in milliseconds. */
export const DEFAULT_MAX_DELAY_MS: number = 5 * 60 * 1000;

/** The largest stdin a fake reads, a `match.stdin` may hold, and `record` keeps (STDIN-4). */
export const MAX_STDIN_BYTES: number = 1024 * 1024;

/** How many unexpected calls a session's state keeps in full (STATE-5, VERIFY-4). */
export const MAX_UNEXPECTED_CALLS = 20;

/** How long a session server lives without a call when the scenario sets no TTL (SRV-1). */
export const DEFAULT_SERVER_IDLE_MS: number = 15 * 60 * 1000;
