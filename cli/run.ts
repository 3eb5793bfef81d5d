/**
 * `cli-replay run` (RUN-1..12): start a session and print shell code for `eval`.
 *
 * @module
 */
import { DEFAULT_MAX_DELAY } from "../core/limits.ts";
import { emitShellSetup } from "../core/session/shell.ts";
import { ENV } from "../core/env.ts";
import { readScenarioCached } from "../effects/scenario/cache.ts";
import { absolutePath } from "../effects/session/files.ts";
import { findSessionFiles } from "../effects/session/state_location.ts";
import { parseCommandList, setupSession } from "../effects/session/setup.ts";
import { spawnDetachedServer } from "../effects/server/detached.ts";
import { ReplayError } from "../core/errors.ts";
import { dryRun } from "./_dry_run.ts";
import { parseDurationFlag } from "./flags.ts";
import { writeErr, writeOut } from "./output.ts";

/** Flags of `run`. */
export interface RunFlags {
  /** `--shell`. */
  shell?: string;
  /** `--allowed-commands`. */
  allowedCommands?: string;
  /** `--max-delay`. */
  maxDelay?: string;
  /** `--dry-run`. */
  dryRun?: boolean;
}

/** Resolves `--shell` (RUN-3) to the output kind. */
export function resolveShell(value: string | undefined): "posix" | "powershell" {
  if (value === undefined) {
    try {
      const comm = Deno.readTextFileSync(`/proc/${Deno.ppid}/comm`).trim();
      if (comm === "pwsh" || comm === "powershell") return "powershell";
    } catch { /* not Linux, or not readable: POSIX */ }
    return "posix";
  }
  const v = value.toLowerCase();
  if (["bash", "zsh", "sh"].includes(v)) return "posix";
  if (["powershell", "pwsh", "ps"].includes(v)) return "powershell";
  if (v === "cmd") throw new ReplayError("usage", `shell "cmd" is not supported (Windows only)`);
  throw new ReplayError(
    "usage",
    `invalid shell "${value}": valid values are bash, zsh, sh, powershell`,
  );
}

/**
 * Runs `cli-replay run`.
 *
 * @param scenarioArg The scenario as given.
 * @param flags The flags.
 * @returns The exit code.
 */
export async function runAction(scenarioArg: string, flags: RunFlags): Promise<number> {
  const shell = resolveShell(flags.shell);
  const maxDelay = flags.maxDelay ?? DEFAULT_MAX_DELAY;
  const maxDelayMs = parseDurationFlag("--max-delay", maxDelay);
  if (flags.dryRun) return await dryRun(scenarioArg, flags);
  const loaded = await readScenarioCached(scenarioArg);
  const activeId = Deno.env.get(ENV.session);
  const activeScenario = Deno.env.get(ENV.scenario);
  if (activeId && activeScenario) {
    if (await findSessionFiles(absolutePath(activeScenario), activeId) !== undefined) {
      writeErr(
        `cli-replay: warning: replacing active session ${activeId}; its files stay until 'cli-replay clean --session ${activeId}'\n`,
      );
    }
  }
  const session = await setupSession(loaded, {
    allowedCommands: parseCommandList(flags.allowedCommands),
    maxDelayMs,
    maxDelay,
    onMessage: (line) => writeErr(`${line}\n`),
    server: true,
  });
  await spawnDetachedServer(session); // SRV-1: until it is up, calls take the cold path
  const s = loaded.scenario;
  writeErr(
    `cli-replay: session initialized for "${s.meta.name}" (${s.steps.length} steps, ${s.commands.length} commands)\n` +
      `  intercept dir: ${session.files.interceptDir}\n` +
      `  commands: ${s.commands.join(", ")}\n`,
  );
  writeOut(emitShellSetup({
    shell,
    sessionId: session.sessionId,
    scenarioPath: session.files.scenarioPath,
    interceptDir: session.files.interceptDir,
    selfCommand: session.selfCommand,
  }));
  return 0;
}
