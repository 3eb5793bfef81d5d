/**
 * The management commands (section 2), built with commander. The only place that turns
 * errors into `cli-replay: …` lines and exit codes (ERR-1..7).
 *
 * @module
 */
import { Command, CommanderError, Option } from "commander";
import { VERSION } from "../core/version.ts";
import { ScenarioError } from "../core/errors.ts";
import { formatDiagnostic } from "../core/scenario_format.ts";
import { parseFlag } from "../core/env_flags.ts";
import { CliError } from "./errors.ts";
import { missingPermissionMessage } from "./permissions.ts";
import { writeErr, writeOut } from "./output.ts";

const EXAMPLES = `
Examples:
  cli-replay exec deploy.yaml -- ./deploy.sh staging     run a script under a scenario, verify, clean up
  eval "$(cli-replay run deploy.yaml)"                   activate a session in this shell
  cli-replay verify --format junit > report.xml          check the session of this shell
  cli-replay validate tests/*.yaml                       check scenario files
  cli-replay record -o s.yaml -c kubectl -- ./deploy.sh  record real calls into a scenario

Exit codes: 0 success; 1 failure; exec: the child's code, 126, 127, 128+N;
record: 2 (command failed, scenario written), 3 (nothing written).
Docs: https://jsr.io/@x/cli-replay`;

/** Splits `args` at the first `--` (for `exec` and `record`). */
function _splitAtDashDash(args: readonly string[]): { before: string[]; after?: string[] } {
  const i = args.indexOf("--");
  if (i < 0) return { before: [...args] };
  return { before: args.slice(0, i), after: args.slice(i + 1) };
}

function _formatOption(values: string[]): Option {
  return new Option("--format <format>", `report format: ${values.join(", ")}`);
}

/** Normalises a case-insensitive `--format` value or throws the VERIFY-10/VAL-6 error. */
export function parseFormat<T extends string>(
  value: string | undefined,
  valid: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if ((valid as readonly string[]).includes(v)) return v as T;
  throw new CliError(`invalid format "${value}": valid values are ${valid.join(", ")}`);
}

function _program(childCommand: string[] | undefined, result: { code: number }): Command {
  const program = new Command("cli-replay")
    .description(
      "Scenario-driven replay of external CLIs (kubectl, az, git, terraform, …) for testing scripts.",
    )
    .version(`cli-replay ${VERSION}`, "-V, --version", "print the version")
    .helpOption("-h, --help", "print usage")
    .showSuggestionAfterError(true)
    .addHelpText("after", EXAMPLES)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => writeOut(s),
      writeErr: (s) => writeErr(s),
      outputError: (s, write) => write(`cli-replay: ${s.trim().replace(/\s*\n\s*/g, " ")}\n`),
    });

  program.command("run")
    .description("start a session and print shell code to eval")
    .argument("<scenario>", "scenario file")
    .option("--shell <shell>", "bash, zsh, sh or powershell (default: auto)")
    .option("--allowed-commands <list>", "comma-separated commands the scenario may fake")
    .option("--max-delay <duration>", "largest respond.delay allowed (0 = no cap)", "5m")
    .option("--dry-run", "print the step preview; create nothing")
    .addHelpText(
      "after",
      '\nExample:\n  eval "$(cli-replay run deploy.yaml)"\n  ./deploy.sh\n  cli-replay verify',
    )
    .action(async (scenario: string, opts) => {
      const { runAction } = await import("./run.ts");
      result.code = await runAction(scenario, opts);
    });

  program.command("exec")
    .description("set up a session, run a command under it, verify, and clean up")
    .usage("[options] <scenario> -- <command> [args...]")
    .argument("[scenario...]", "scenario file")
    .option("--allowed-commands <list>", "comma-separated commands the scenario may fake")
    .addOption(_formatOption(["text", "json", "junit"]))
    .option("--report-file <path>", "write the --format report to this file")
    .option("--max-delay <duration>", "largest respond.delay allowed (0 = no cap)", "5m")
    .option("--dry-run", "print the step preview; start nothing")
    .addHelpText("after", "\nExample:\n  cli-replay exec deploy.yaml -- bash ./deploy.sh staging")
    .action(async (scenarios: string[], opts) => {
      const { execAction } = await import("./exec.ts");
      result.code = await execAction(scenarios, childCommand, opts);
    });

  program.command("verify")
    .description("check that every expected call of a session happened")
    .argument("[scenario]", "scenario file (default: $CLI_REPLAY_SCENARIO)")
    .addOption(_formatOption(["text", "json", "junit"]).default("text"))
    .option("--session <id>", "session id (default: $CLI_REPLAY_SESSION)")
    .action(async (scenario: string | undefined, opts) => {
      const { verifyAction } = await import("./verify.ts");
      result.code = await verifyAction(scenario, opts);
    });

  program.command("clean")
    .description("remove session files (or expired sessions with --ttl)")
    .argument(
      "[scenario]",
      "scenario file (default: $CLI_REPLAY_SCENARIO); with --recursive: root dir",
    )
    .option("--ttl <duration>", "remove only sessions idle longer than this")
    .option("--recursive", "with --ttl: sweep every .cli-replay under the root")
    .option("--session <id>", "session id (default: $CLI_REPLAY_SESSION)")
    .action(async (scenario: string | undefined, opts) => {
      const { cleanAction } = await import("./clean.ts");
      result.code = await cleanAction(scenario, opts);
    });

  program.command("validate")
    .description("check scenario files without side effects")
    .argument("<files...>", "scenario files")
    .addOption(_formatOption(["text", "json"]).default("text"))
    .action(async (files: string[], opts) => {
      const { validateAction } = await import("./validate.ts");
      result.code = await validateAction(files, opts);
    });

  program.command("record")
    .description("run a real command and write a scenario from what it did")
    .usage("-o <file> [options] -- <command> [args...]")
    .requiredOption("-o, --output <path>", "scenario file to write")
    .option("-n, --name <name>", "meta.name (default: recorded-session-<UTC time>)")
    .option("-d, --description <text>", "meta.description")
    .option(
      "-c, --command <name>",
      "record calls of this command made by the child (repeatable, comma-separated)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addHelpText(
      "after",
      "\nExamples:\n  cli-replay record -o pods.yaml -- kubectl get pods\n  cli-replay record -o deploy.yaml -c kubectl -c helm -- bash deploy.sh",
    )
    .action(async (opts) => {
      if (childCommand === undefined || childCommand.length === 0) {
        throw new CliError(
          "missing command after '--': usage: cli-replay record -o <file> -- <command> [args...]",
        );
      }
      const { recordAction } = await import("./record.ts");
      result.code = await recordAction(opts, childCommand);
    });
  return program;
}

function _printScenarioError(error: ScenarioError): void {
  if (error.diagnostics.length === 0) {
    writeErr(`cli-replay: ${error.message}\n`);
    return;
  }
  const shown = error.diagnostics.slice(0, 50).map((d) => `cli-replay: ${formatDiagnostic(d)}\n`);
  if (error.diagnostics.length > 50) {
    shown.push(`cli-replay: … and ${error.diagnostics.length - 50} more\n`);
  }
  writeErr(shown.join("") + `cli-replay: ${error.message.split("\n")[0]}\n`);
}

/**
 * Runs a management command and returns the process exit code.
 *
 * @param args The command line after the program name.
 * @returns The exit code.
 */
export async function main(args: readonly string[]): Promise<number> {
  if (args.length === 0) args = ["--help"];
  const sub = args[0];
  let childCommand: string[] | undefined;
  let parsed: string[] = [...args];
  if (sub === "exec" || sub === "record") {
    const split = _splitAtDashDash(args);
    parsed = split.before;
    childCommand = split.after;
  }
  const result = { code: 0 };
  try {
    await _program(childCommand, result).parseAsync(parsed, { from: "user" });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 1;
    }
    if (error instanceof CliError) {
      const text = error.message.startsWith("cli-replay:")
        ? error.message
        : `cli-replay: ${error.message}`;
      writeErr(text.endsWith("\n") ? text : `${text}\n`);
      return error.exitCode;
    }
    if (error instanceof ScenarioError) {
      _printScenarioError(error);
      return 1;
    }
    const permission = missingPermissionMessage(error);
    if (permission !== undefined) {
      writeErr(permission);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    writeErr(
      `cli-replay: internal error: ${message}\n  please report this with the output of CLI_REPLAY_TRACE=1\n`,
    );
    if (parseFlag(Deno.env.get("CLI_REPLAY_TRACE")) && error instanceof Error) {
      writeErr(`${error.stack ?? ""}\n`);
    }
    return 1;
  }
}
