/**
 * `cli-replay __record-shim` (hidden): what record shims run (REC-5). Parses its own
 * arguments, without the CLI framework, to keep each recorded call cheap.
 *
 * @module
 */

import { execRecordShim } from "../effects/record/shim.ts";
import { writeErr } from "./output.ts";

const USAGE =
  "usage: cli-replay __record-shim --log <file> --shim-dir <dir> -- <command> [args...]";

/** Parsed arguments of `__record-shim`. */
interface _ShimArgs {
  log?: string;
  shimDir?: string;
  argv: string[];
}

function _parse(args: readonly string[]): _ShimArgs | string {
  const parsed: _ShimArgs = { argv: [] };
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (arg === "--") {
      parsed.argv = args.slice(i + 1);
      return parsed;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 && arg.startsWith("--") ? arg.slice(0, eq) : arg;
    if (flag !== "--log" && flag !== "--shim-dir") return `unknown option '${arg}'`;
    let value: string;
    if (eq > 0 && flag !== arg) {
      value = arg.slice(eq + 1);
      i += 1;
    } else {
      const next = args[i + 1];
      if (next === undefined) return `option '${flag}' argument missing`;
      value = next;
      i += 2;
    }
    if (flag === "--log") parsed.log = value;
    else parsed.shimDir = value;
  }
  return "missing '--' separator";
}

/**
 * Runs one record shim call: `--log <file> --shim-dir <dir> -- <command> [args…]`, with
 * `CLI_REPLAY_RECORDING_LOG` and `CLI_REPLAY_SHIM_DIR` as fallbacks (REC-5). Prints
 * `cli-replay: command not found: <name>` (exit 127) when no real command exists outside the
 * shim dir, and a warning when stdin exceeded 1 MiB.
 *
 * The caller MUST end the process with `Deno.exit(code)`: a read of stdin may still be pending
 * after the command exits (REC-5 rule 4) and would otherwise keep the process alive.
 *
 * @param args The arguments after `__record-shim`.
 * @returns The exit code: the real command's (128+N if killed by signal N), 127, or 1 for
 * usage errors.
 */
export async function recordShimMain(args: string[]): Promise<number> {
  const parsed = _parse(args[0] === "__record-shim" ? args.slice(1) : args);
  if (typeof parsed === "string") {
    writeErr(`cli-replay: error: ${parsed}: ${USAGE}\n`);
    return 1;
  }
  const log = parsed.log ?? Deno.env.get("CLI_REPLAY_RECORDING_LOG") ?? "";
  const shimDir = parsed.shimDir ?? Deno.env.get("CLI_REPLAY_SHIM_DIR") ?? "";
  if (parsed.argv.length === 0) {
    writeErr(`cli-replay: error: missing command after '--': ${USAGE}\n`);
    return 1;
  }
  if (log === "" || shimDir === "") {
    const missing = log === ""
      ? "--log (or CLI_REPLAY_RECORDING_LOG)"
      : "--shim-dir (or CLI_REPLAY_SHIM_DIR)";
    writeErr(`cli-replay: error: missing ${missing}: ${USAGE}\n`);
    return 1;
  }
  const outcome = await execRecordShim({ log, shimDir, argv: parsed.argv });
  if (outcome.kind === "not-found") {
    writeErr(`cli-replay: command not found: ${outcome.command}\n`);
    return 127;
  }
  if (outcome.stdinTruncated) {
    writeErr(
      `cli-replay: warning: stdin of "${
        parsed.argv[0]
      }" exceeded 1 MiB and was not recorded (the step will not match on stdin)\n`,
    );
  }
  if (outcome.logError !== undefined) {
    writeErr(
      `cli-replay: warning: cannot record the call of "${parsed.argv[0]}": ${outcome.logError}\n`,
    );
  }
  return outcome.exitCode;
}
