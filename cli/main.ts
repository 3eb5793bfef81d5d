/**
 * The management commands (section 2): the command table, and the only place that turns
 * errors into `cli-replay: …` lines and exit codes (ERR-1..7). Each command's code is loaded
 * only when that command runs.
 *
 * @module
 */
import { DEFAULT_MAX_DELAY } from "../core/limits.ts";
import { VERSION } from "../core/version.ts";
import { renderError } from "../core/errors.ts";
import { parseFlag } from "../core/env.ts";
import { type CommandSpec, parseCommandLine, type ProgramSpec } from "./args.ts";
import { describeOsError } from "../effects/fs.ts";
import { ReplayError } from "../core/errors.ts";
import { REPORT_FORMATS } from "./flags.ts";
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

const ALLOWED = {
  name: "allowed-commands",
  value: "<list>",
  help: "comma-separated commands the scenario may fake",
};
const MAX_DELAY = {
  name: "max-delay",
  value: "<duration>",
  help: "largest respond.delay allowed (0 = no cap)",
  default: DEFAULT_MAX_DELAY,
};
const SCENARIO_OR_ENV = {
  name: "scenario",
  help: "scenario file (default: $CLI_REPLAY_SCENARIO)",
};

/** The commands of cli-replay, as help and the parser see them. */
export const PROGRAM: ProgramSpec = {
  name: "cli-replay",
  description:
    "Scenario-driven replay of external CLIs (kubectl, az, git, terraform, …) for testing scripts.",
  version: `cli-replay ${VERSION}`,
  after: EXAMPLES,
  commands: [
    {
      name: "run",
      summary: "start a session and print shell code to eval",
      args: [{ name: "scenario", help: "scenario file", required: true }],
      options: [
        { name: "shell", value: "<shell>", help: "bash, zsh, sh or powershell (default: auto)" },
        ALLOWED,
        MAX_DELAY,
        { name: "dry-run", help: "print the step preview; create nothing" },
      ],
      after:
        '\nExample:\n  eval "$(cli-replay run deploy.yaml)"\n  ./deploy.sh\n  cli-replay verify',
    },
    {
      name: "exec",
      summary: "set up a session, run a command under it, verify, and clean up",
      usage: "[options] <scenario> -- <command> [args...]",
      args: [{ name: "scenario", help: "scenario file", variadic: true }],
      options: [
        ALLOWED,
        { name: "format", value: "<format>", help: `report format: ${REPORT_FORMATS.join(", ")}` },
        { name: "report-file", value: "<path>", help: "write the --format report to this file" },
        MAX_DELAY,
        { name: "dry-run", help: "print the step preview; start nothing" },
      ],
      after: "\nExample:\n  cli-replay exec deploy.yaml -- bash ./deploy.sh staging",
    },
    {
      name: "verify",
      summary: "check that every expected call of a session happened",
      args: [SCENARIO_OR_ENV],
      options: [
        {
          name: "format",
          value: "<format>",
          help: `report format: ${REPORT_FORMATS.join(", ")}`,
          default: "text",
        },
        { name: "session", value: "<id>", help: "session id (default: $CLI_REPLAY_SESSION)" },
        {
          name: "suggest",
          help: "also print on stdout a step for each unexpected call, to paste under steps:",
        },
      ],
      after: "\nExample:\n  cli-replay verify --suggest deploy.yaml > missing-steps.yaml",
    },
    {
      name: "clean",
      summary: "remove session files (or expired sessions with --ttl)",
      args: [{ ...SCENARIO_OR_ENV, help: `${SCENARIO_OR_ENV.help}; with --recursive: root dir` }],
      options: [
        { name: "ttl", value: "<duration>", help: "remove only sessions idle longer than this" },
        { name: "recursive", help: "with --ttl: sweep every .cli-replay under the root" },
        { name: "session", value: "<id>", help: "session id (default: $CLI_REPLAY_SESSION)" },
      ],
    },
    {
      name: "validate",
      summary: "check scenario files without side effects",
      args: [{ name: "files", help: "scenario files", required: true, variadic: true }],
      options: [
        { name: "format", value: "<format>", help: "report format: text, json", default: "text" },
      ],
    },
    {
      name: "record",
      summary: "run a real command and write a scenario from what it did",
      usage: "-o <file> [options] -- <command> [args...]",
      args: [],
      options: [
        {
          name: "output",
          short: "o",
          value: "<path>",
          help: "scenario file to write",
          required: true,
        },
        {
          name: "name",
          short: "n",
          value: "<name>",
          help: "meta.name (default: recorded-session-<UTC time>)",
        },
        { name: "description", short: "d", value: "<text>", help: "meta.description" },
        {
          name: "command",
          short: "c",
          value: "<name>",
          help: "record calls of this command made by the child (repeatable, comma-separated)",
          multiple: true,
        },
      ],
      after:
        "\nExamples:\n  cli-replay record -o pods.yaml -- kubectl get pods\n  cli-replay record -o deploy.yaml -c kubectl -c helm -- bash deploy.sh",
    },
  ] satisfies CommandSpec[],
};

/** Splits `args` at the first `--` (for `exec` and `record`). */
function _splitAtDashDash(args: readonly string[]): { before: string[]; after?: string[] } {
  const i = args.indexOf("--");
  if (i < 0) return { before: [...args] };
  return { before: args.slice(0, i), after: args.slice(i + 1) };
}

// deno-lint-ignore no-explicit-any
type Options = Record<string, any>;

async function _run(
  command: string,
  positionals: string[],
  options: Options,
  childCommand: string[] | undefined,
): Promise<number> {
  switch (command) {
    case "run": {
      const { runAction } = await import("./run.ts");
      return await runAction(positionals[0]!, options);
    }
    case "exec": {
      const { execAction } = await import("./exec.ts");
      return await execAction(positionals, childCommand, options);
    }
    case "verify": {
      const { verifyAction } = await import("./verify.ts");
      return await verifyAction(positionals[0], options);
    }
    case "clean": {
      const { cleanAction } = await import("./clean.ts");
      return await cleanAction(positionals[0], options);
    }
    case "validate": {
      const { validateAction } = await import("./validate.ts");
      return await validateAction(positionals, options);
    }
    default: {
      if (childCommand === undefined || childCommand.length === 0) {
        throw new ReplayError(
          "usage",
          "missing command after '--': usage: cli-replay record -o <file> -- <command> [args...]",
        );
      }
      const { recordAction } = await import("./record.ts");
      return await recordAction(options as { output: string }, childCommand);
    }
  }
}

/**
 * Runs a management command and returns the process exit code.
 *
 * @param args The command line after the program name.
 * @returns The exit code.
 */
export async function main(args: readonly string[]): Promise<number> {
  let childCommand: string[] | undefined;
  let parsedWords: string[] = [...args];
  if (args[0] === "exec" || args[0] === "record") {
    const split = _splitAtDashDash(args);
    parsedWords = split.before;
    childCommand = split.after;
  }
  const parsed = parseCommandLine(PROGRAM, parsedWords);
  if (parsed.kind === "version" || parsed.kind === "help") {
    writeOut(parsed.text);
    return 0;
  }
  if (parsed.kind === "error") {
    writeErr(`cli-replay: ${parsed.message}\n`);
    return 1;
  }
  try {
    return await _run(parsed.command, parsed.positionals, parsed.options, childCommand);
  } catch (caught) {
    const error = describeOsError(caught);
    const permission = missingPermissionMessage(error);
    if (permission !== undefined) {
      writeErr(permission);
      return 1;
    }
    const { text, exitCode } = renderError(error, {
      trace: parseFlag(Deno.env.get("CLI_REPLAY_TRACE")) === true,
    });
    writeErr(text);
    return exitCode;
  }
}
