/**
 * Which shims a session gets (SRV-2): bash shims with a fresh secret when bash is there
 * and the server is not turned off (`CLI_REPLAY_SERVER=0`), else the `/bin/sh` shims of
 * the cold path.
 *
 * @module
 */
import type { Scenario } from "../../core/types.ts";
import { scenarioEnvNames } from "../../core/replay/call_rules.ts";
import { parseFlag } from "../../core/env.ts";
import { renderShim } from "../../core/session/shell.ts";
import {
  isShebangSafe,
  renderBashShim,
  renderShimLib,
  SERVER_ENV,
  serverEnvNames,
  SHIM_LIB_FILE,
} from "../../core/server/bash_shim.ts";

/** How a session's shims are written. */
export interface ShimPlan {
  /** The session's secret (≥ 128 bits, hex) when the shims use the server; else undefined. */
  readonly secret: string | undefined;
  /** The text of the shim for `command`. */
  render(command: string): string;
  /** Other files of the intercept dir (name → text, mode 0600): the bash shims' library. */
  readonly files: Readonly<Record<string, string>>;
}

/** What {@linkcode planShims} needs to know about the session. */
export interface ShimPlanInput {
  /** The scenario (its variable names go into the shims). */
  readonly scenario: Scenario;
  /** Absolute scenario path. */
  readonly scenarioPath: string;
  /** The session id. */
  readonly sessionId: string;
  /** The intercept dir. */
  readonly interceptDir: string;
  /** The cold path's self command. */
  readonly selfCommand: readonly string[];
  /** The session's state directory, passed to the cold path as `--state-dir`. */
  readonly stateDir: string;
  /** The session's file key, passed to the cold path as `--key` (no hashing per call). */
  readonly key: string;
}

/** Whether the session server is turned off by `CLI_REPLAY_SERVER` (ENV-1 falsy). */
export function serverDisabled(): boolean {
  return parseFlag(Deno.env.get(SERVER_ENV)) === false;
}

/**
 * Finds bash for the shims' `#!` line: the first `bash` on `PATH`, else `/bin/bash`.
 * Requires `--allow-env` and `--allow-read`.
 *
 * @returns Its absolute path, or undefined when there is none usable.
 */
export function findBash(): string | undefined {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter((d) => d.startsWith("/"));
  for (const dir of [...dirs, "/bin", "/usr/bin"]) {
    const path = `${dir}/bash`;
    if (!isShebangSafe(path)) continue;
    try {
      const info = Deno.statSync(path);
      if (info.isFile && info.mode !== null && (info.mode & 0o111) !== 0) return path;
    } catch { /* not here */ }
  }
  return undefined;
}

/** A new secret: 32 random bytes from the system's CSPRNG, as hex (SRV-5). */
export function newSecret(): string {
  let hex = "";
  for (const b of crypto.getRandomValues(new Uint8Array(32))) {
    hex += b.toString(16).padStart(2, "0");
  }
  return hex;
}

/**
 * Plans the shims of a new session.
 *
 * @param input The session.
 * @param wantServer Whether a server will answer (false: `/bin/sh` shims).
 * @returns The plan.
 */
export function planShims(input: ShimPlanInput, wantServer: boolean): ShimPlan {
  const bash = wantServer && !serverDisabled() ? findBash() : undefined;
  const cold = (command: string) => [
    ...input.selfCommand,
    "__intercept",
    "--state-dir",
    input.stateDir,
    "--key",
    input.key,
    "--scenario",
    input.scenarioPath,
    "--session",
    input.sessionId,
    "--",
    command,
  ];
  if (bash === undefined) {
    return {
      secret: undefined,
      files: {},
      render: (command) =>
        renderShim({
          command,
          selfCommand: input.selfCommand,
          scenarioPath: input.scenarioPath,
          sessionId: input.sessionId,
          stateDir: input.stateDir,
          key: input.key,
        }),
    };
  }
  const secret = newSecret();
  const envNames = serverEnvNames([
    ...Object.keys(input.scenario.meta.vars),
    ...scenarioEnvNames(input.scenario),
  ]);
  return {
    secret,
    files: { [SHIM_LIB_FILE]: renderShimLib() },
    render: (command) =>
      renderBashShim({
        command,
        bash,
        coldCommand: cold(command),
        sessionId: input.sessionId,
        interceptDir: input.interceptDir,
        secret,
        envNames,
      }),
  };
}
