/**
 * The Deno permissions the cli-replay command needs (WAY-2), and the message for a run
 * without one of them.
 *
 * @module
 */

/**
 * The narrowest permission set under which every command works; the README's install line
 * is `deno install -g -n cli-replay <these> jsr:@x/cli-replay/cli`:
 * - `--allow-read`: scenarios, response files, session state anywhere the user points;
 * - `--allow-write`: the session directory beside the scenario, report files, recordings;
 * - `--allow-net=127.0.0.1`: `exec` hosts the session server on loopback (SRV-1);
 * - `--allow-env`: `CLI_REPLAY_*`, `PATH`, and the variables that override `meta.vars`;
 * - `--allow-run`: `exec` and `record` run the user's command (and shims re-invoke Deno);
 * - `--allow-sys=uid`: the session directory must belong to the current user.
 *
 * The order is the one `deno install` writes into its launcher.
 *
 * Shims, record shims and the cleanup trap re-invoke Deno with their own flags.
 */
export const CLI_PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-net=127.0.0.1",
  "--allow-env",
  "--allow-run",
  "--allow-sys=uid",
];

/**
 * Flags besides the permissions that the README's install line passes:
 * `--unstable-lazy-dynamic-imports` makes Deno load a lazily imported module when the code
 * imports it, not while it builds the module graph at start-up, so `--version`, `verify` and
 * the other light commands do not first walk the YAML and schema libraries (SRV-9). The
 * install still caches those modules, so the command works offline.
 */
export const CLI_START_FLAGS: readonly string[] = [
  "--unstable-lazy-dynamic-imports",
];

/** The flags of the README's install line, in the order `deno install` writes them. */
export const CLI_INSTALL_FLAGS: readonly string[] = [...CLI_PERMISSIONS, ...CLI_START_FLAGS];

/**
 * The `cli-replay:` lines for an error that a missing Deno permission caused, or
 * `undefined` for any other error.
 *
 * @param error What a command threw.
 * @returns The message (ending in a newline), or `undefined`.
 */
export function missingPermissionMessage(error: unknown): string | undefined {
  if (!(error instanceof Deno.errors.NotCapable)) return undefined;
  return `cli-replay: missing Deno permission: ${error.message}\n` +
    `  cli-replay needs ${CLI_PERMISSIONS.join(" ")} (or -A)\n`;
}
