/**
 * Command-line parsing and help for a table of commands. Hand-written because it runs on
 * every management command's start-up: a CommonJS CLI framework costs ~25 ms there and
 * `node:util`'s `parseArgs` ~6 ms, against ~13 ms for the whole of an empty `deno run`.
 * Usage errors keep the conventional texts with suggestions (ERR-3):
 * `error: unknown option '--fromat' (Did you mean --format?)`.
 *
 * @module
 */
import { closest } from "../core/suggest.ts";

/** One option of a command. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `"max-delay"`. */
  name: string;
  /** One-letter alias without the dash, e.g. `"o"`. */
  short?: string;
  /** Value placeholder, e.g. `"<duration>"`; absent for a boolean flag. */
  value?: string;
  /** One line of help. */
  help: string;
  /** Default value shown in help and applied when the option is absent. */
  default?: string;
  /** The option may be given more than once (values collect into a list). */
  multiple?: boolean;
  /** The option must be given. */
  required?: boolean;
}

/** One positional argument of a command. */
export interface ArgumentSpec {
  /** Name shown in help and errors. */
  name: string;
  /** One line of help. */
  help: string;
  /** Must be given. */
  required?: boolean;
  /** Takes every remaining word. */
  variadic?: boolean;
}

/** A command of the table. */
export interface CommandSpec {
  /** The command word. */
  name: string;
  /** One line of help. */
  summary: string;
  /** Usage line after `cli-replay <name> `, when the default one is not right. */
  usage?: string;
  /** Positional arguments, in order. */
  args: readonly ArgumentSpec[];
  /** Options. */
  options: readonly OptionSpec[];
  /** Text printed after the option list (examples). */
  after?: string;
}

/** The program: its commands and the text around them. */
export interface ProgramSpec {
  /** Program name. */
  name: string;
  /** One paragraph describing it. */
  description: string;
  /** Version line printed by `--version`. */
  version: string;
  /** The commands. */
  commands: readonly CommandSpec[];
  /** Text printed after the command list. */
  after: string;
}

/** What the command line asks for. */
export type ParsedArgs =
  | { kind: "version"; text: string }
  | { kind: "help"; text: string }
  | { kind: "error"; message: string }
  | {
    kind: "command";
    command: string;
    positionals: string[];
    /** Option values by camelCase name (`maxDelay`); lists for `multiple` options. */
    options: Record<string, string | boolean | string[]>;
  };

const WIDTH = 80;

function _camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function _optionTerm(o: OptionSpec): string {
  const long = `--${o.name}${o.value ? ` ${o.value}` : ""}`;
  return o.short ? `-${o.short}, ${long}` : long;
}

function _argTerm(a: ArgumentSpec): string {
  const inner = `${a.name}${a.variadic ? "..." : ""}`;
  return a.required ? `<${inner}>` : `[${inner}]`;
}

function _wrap(text: string, indent: number, width = WIDTH): string[] {
  const room = Math.max(20, width - indent);
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

function _table(rows: readonly [string, string][]): string {
  const termWidth = Math.max(...rows.map(([t]) => t.length));
  const out: string[] = [];
  for (const [term, help] of rows) {
    const indent = 2 + termWidth + 2;
    const wrapped = _wrap(help, indent);
    out.push(`  ${term.padEnd(termWidth)}  ${wrapped[0]}`.trimEnd());
    for (const more of wrapped.slice(1)) out.push(`${" ".repeat(indent)}${more}`);
  }
  return out.join("\n");
}

const HELP_OPTION: OptionSpec = { name: "help", short: "h", help: "print usage" };

/** The help text of the whole program (`cli-replay --help`). */
export function renderProgramHelp(program: ProgramSpec): string {
  const commands: [string, string][] = program.commands.map((c) => [
    `${c.name} [options]${c.args.map((a) => ` ${_argTerm(a)}`).join("")}`,
    c.summary,
  ]);
  commands.push(["help [command]", "print help for a command"]);
  return [
    `Usage: ${program.name} [options] [command]`,
    "",
    _wrap(program.description, 0).join("\n"),
    "",
    "Options:",
    _table([["-V, --version", "print the version"], [_optionTerm(HELP_OPTION), "print usage"]]),
    "",
    "Commands:",
    _table(commands),
    program.after,
  ].join("\n") + "\n";
}

/** The help text of one command (`cli-replay exec --help`). */
export function renderCommandHelp(program: ProgramSpec, command: CommandSpec): string {
  const usage = command.usage ??
    `[options]${command.args.map((a) => ` ${_argTerm(a)}`).join("")}`;
  const parts = [`Usage: ${program.name} ${command.name} ${usage}`, "", command.summary];
  if (command.args.length > 0) {
    parts.push("", "Arguments:", _table(command.args.map((a) => [a.name, a.help])));
  }
  const options: [string, string][] = [...command.options, HELP_OPTION].map((o) => [
    _optionTerm(o),
    o.default !== undefined ? `${o.help} (default: "${o.default}")` : o.help,
  ]);
  parts.push("", "Options:", _table(options));
  if (command.after) parts.push(command.after);
  return parts.join("\n") + "\n";
}

function _unknownOption(word: string, candidates: readonly string[]): string {
  const flag = word.split("=")[0]!;
  const guess = closest(flag, candidates);
  return `error: unknown option '${flag}'${guess ? ` (Did you mean ${guess}?)` : ""}`;
}

interface _OptionToken {
  spec: OptionSpec | undefined;
  /** The word as typed, up to any `=`. */
  raw: string;
  value?: string;
  inline: boolean;
}

/**
 * Splits words into options and positionals: `--name value`, `--name=value`, `-o value`,
 * `-ovalue`, `-abc` for flags, `--` ends the options. Hand-written: `node:util`'s
 * `parseArgs` would cost ~6 ms of start-up on every management command.
 */
function _tokenize(
  words: readonly string[],
  specs: readonly OptionSpec[],
): { options: _OptionToken[]; positionals: string[] } {
  const options: _OptionToken[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--") {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const raw = eq < 0 ? word : word.slice(0, eq);
      const spec = specs.find((o) => `--${o.name}` === raw);
      if (eq >= 0) options.push({ spec, raw, value: word.slice(eq + 1), inline: true });
      else if (spec?.value !== undefined && i + 1 < words.length) {
        options.push({ spec, raw, value: words[++i]!, inline: false });
      } else options.push({ spec, raw, inline: false });
      continue;
    }
    if (word.startsWith("-") && word.length > 1) {
      for (let j = 1; j < word.length; j++) {
        const raw = `-${word[j]}`;
        const spec = specs.find((o) => o.short === word[j]);
        if (spec?.value !== undefined) {
          if (j + 1 < word.length) {
            options.push({ spec, raw, value: word.slice(j + 1), inline: true });
          } else if (i + 1 < words.length) {
            options.push({ spec, raw, value: words[++i]!, inline: false });
          } else options.push({ spec, raw, inline: false });
          break;
        }
        options.push({ spec, raw, inline: false });
        if (spec === undefined) break;
      }
      continue;
    }
    positionals.push(word);
  }
  return { options, positionals };
}

function _parseCommand(
  program: ProgramSpec,
  command: CommandSpec,
  words: readonly string[],
): ParsedArgs {
  const specs = [...command.options, HELP_OPTION];
  const tokens = _tokenize(words, specs);
  const longNames = specs.map((o) => `--${o.name}`);
  const options: Record<string, string | boolean | string[]> = {};
  const positionals = tokens.positionals;
  for (const token of tokens.options) {
    const spec = token.spec;
    if (spec === undefined) return { kind: "error", message: _unknownOption(token.raw, longNames) };
    if (spec === HELP_OPTION) return { kind: "help", text: renderCommandHelp(program, command) };
    const key = _camel(spec.name);
    if (spec.value === undefined) {
      if (token.inline) {
        return { kind: "error", message: `error: option '${_optionTerm(spec)}' takes no value` };
      }
      options[key] = true;
      continue;
    }
    if (token.value === undefined) {
      return { kind: "error", message: `error: option '${_optionTerm(spec)}' argument missing` };
    }
    if (spec.multiple) {
      options[key] = [...(options[key] as string[] | undefined ?? []), token.value];
    } else options[key] = token.value;
  }
  for (const spec of command.options) {
    const key = _camel(spec.name);
    if (options[key] !== undefined) continue;
    if (spec.required) {
      return {
        kind: "error",
        message: `error: required option '${_optionTerm(spec)}' not specified`,
      };
    }
    if (spec.default !== undefined) options[key] = spec.default;
  }
  for (const [i, a] of command.args.entries()) {
    if (a.required && positionals.length <= i) {
      return { kind: "error", message: `error: missing required argument '${a.name}'` };
    }
  }
  const max = command.args.some((a) => a.variadic) ? Infinity : command.args.length;
  if (positionals.length > max) {
    const expected = `${max} argument${max === 1 ? "" : "s"}`;
    return {
      kind: "error",
      message:
        `error: too many arguments for '${command.name}'. Expected ${expected} but got ${positionals.length}.`,
    };
  }
  return { kind: "command", command: command.name, positionals, options };
}

/**
 * Parses a command line (without the program name) against the program's table.
 *
 * @param program The program.
 * @param words The words; for `exec` and `record`, only those before `--`.
 * @returns What to do: print the version or help, report a usage error, or run a command.
 */
export function parseCommandLine(program: ProgramSpec, words: readonly string[]): ParsedArgs {
  const [first, ...rest] = words;
  if (first === undefined || first === "-h" || first === "--help") {
    return { kind: "help", text: renderProgramHelp(program) };
  }
  if (first === "-V" || first === "--version") {
    return { kind: "version", text: `${program.version}\n` };
  }
  const names = program.commands.map((c) => c.name);
  if (first === "help") {
    const target = rest[0];
    if (target === undefined) return { kind: "help", text: renderProgramHelp(program) };
    const command = program.commands.find((c) => c.name === target);
    if (command === undefined) return _unknownCommand(target, names);
    return { kind: "help", text: renderCommandHelp(program, command) };
  }
  if (first.startsWith("-")) {
    return { kind: "error", message: _unknownOption(first, ["--version", "--help"]) };
  }
  const command = program.commands.find((c) => c.name === first);
  if (command === undefined) return _unknownCommand(first, names);
  return _parseCommand(program, command, rest);
}

function _unknownCommand(word: string, names: readonly string[]): ParsedArgs {
  const guess = closest(word, [...names, "help"]);
  return {
    kind: "error",
    message: `error: unknown command '${word}'${guess ? ` (Did you mean ${guess}?)` : ""}`,
  };
}
