// The command-line parser and help (section 2, ERR-3): table-driven, no processes.
import assert from "node:assert/strict";
import { parseCommandLine, renderCommandHelp } from "../../cli/args.ts";
import { PROGRAM } from "../../cli/main.ts";

Deno.test("parseCommandLine() reads options in every spelling and applies defaults (section 2)", async (t) => {
  const cases: { words: string[]; positionals: string[]; options: Record<string, unknown> }[] = [
    { words: ["verify"], positionals: [], options: { format: "text" } },
    {
      words: ["verify", "--format", "json", "s.yaml"],
      positionals: ["s.yaml"],
      options: { format: "json" },
    },
    {
      words: ["verify", "--format=junit", "--session=abc"],
      positionals: [],
      options: { format: "junit", session: "abc" },
    },
    {
      words: ["run", "s.yaml", "--dry-run"],
      positionals: ["s.yaml"],
      options: { dryRun: true, maxDelay: "5m" },
    },
    {
      words: ["record", "-ofoo.yaml", "-c", "kubectl,helm", "--command", "git", "-n", "x"],
      positionals: [],
      options: { output: "foo.yaml", command: ["kubectl,helm", "git"], name: "x" },
    },
    {
      words: ["exec", "a.yaml", "b.yaml"],
      positionals: ["a.yaml", "b.yaml"],
      options: { maxDelay: "5m" },
    },
    { words: ["clean", "--", "--odd-name.yaml"], positionals: ["--odd-name.yaml"], options: {} },
    {
      words: ["validate", "-", "x.yaml"],
      positionals: ["-", "x.yaml"],
      options: { format: "text" },
    },
  ];
  for (const c of cases) {
    await t.step(c.words.join(" "), () => {
      const parsed = parseCommandLine(PROGRAM, c.words);
      assert.equal(parsed.kind, "command", JSON.stringify(parsed));
      if (parsed.kind !== "command") return;
      assert.deepEqual(parsed.positionals, c.positionals);
      assert.deepEqual(parsed.options, c.options);
    });
  }
});

Deno.test("parseCommandLine() reports usage errors with the conventional texts and suggestions (ERR-3)", async (t) => {
  const cases: [string[], string][] = [
    [["rnu"], "error: unknown command 'rnu' (Did you mean run?)"],
    [["verify", "--fromat", "json"], "error: unknown option '--fromat' (Did you mean --format?)"],
    [["verify", "--fromat=json"], "error: unknown option '--fromat' (Did you mean --format?)"],
    [["verify", "-x"], "error: unknown option '-x'"],
    [["--nope"], "error: unknown option '--nope'"],
    [["run"], "error: missing required argument 'scenario'"],
    [["validate"], "error: missing required argument 'files'"],
    [["record"], "error: required option '-o, --output <path>' not specified"],
    [["verify", "--format"], "error: option '--format <format>' argument missing"],
    [["run", "s.yaml", "--dry-run=yes"], "error: option '--dry-run' takes no value"],
    [
      ["verify", "a", "b"],
      "error: too many arguments for 'verify'. Expected 1 argument but got 2.",
    ],
  ];
  for (const [words, message] of cases) {
    await t.step(words.join(" "), () => {
      assert.deepEqual(parseCommandLine(PROGRAM, words), { kind: "error", message });
    });
  }
});

Deno.test("parseCommandLine() answers --version, --help, -h, help <command> and <command> --help", () => {
  assert.deepEqual(parseCommandLine(PROGRAM, ["--version"]), {
    kind: "version",
    text: `${PROGRAM.version}\n`,
  });
  for (const words of [[], ["--help"], ["-h"], ["help"]]) {
    const parsed = parseCommandLine(PROGRAM, words);
    assert.equal(parsed.kind, "help");
    if (parsed.kind === "help") {
      assert.match(parsed.text, /^Usage: cli-replay \[options\] \[command\]\n/);
    }
  }
  const exec = PROGRAM.commands.find((c) => c.name === "exec")!;
  for (const words of [["help", "exec"], ["exec", "--help"], ["exec", "-h"]]) {
    assert.deepEqual(parseCommandLine(PROGRAM, words), {
      kind: "help",
      text: renderCommandHelp(PROGRAM, exec),
    });
  }
});

Deno.test("renderCommandHelp() lists arguments, options with defaults, wrapped at 80 columns", () => {
  const verify = PROGRAM.commands.find((c) => c.name === "verify")!;
  const text = renderCommandHelp(PROGRAM, verify);
  assert.match(text, /^Usage: cli-replay verify \[options\] \[scenario\]\n/);
  assert.match(text, /\n {2}--session <id> +session id \(default: \$CLI_REPLAY_SESSION\)\n/);
  assert.match(
    text,
    /--format <format> +report format: text, json, junit, tap, github \(default:\n +"text"\)/,
  );
  for (const command of PROGRAM.commands) {
    const help = renderCommandHelp(PROGRAM, command);
    for (const line of help.split("\n")) {
      if (!line.startsWith("  cli-replay") && !line.startsWith("  eval")) {
        assert.ok(line.length <= 80, `${command.name}: ${line}`);
      }
    }
  }
});
