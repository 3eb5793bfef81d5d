// The YAML a mismatch report suggests (LANG-1): argv items written plain where YAML reads
// them back unchanged, quoted where it would not, checked against the `yaml` package's
// parser and against the real scenario loader.
import assert from "node:assert/strict";
import fc from "fast-check";
import { parse } from "yaml";
import {
  formatDoubleQuoted,
  formatFlowScalar,
  formatFlowSequence,
} from "../../../core/scenario/yaml_scalar.ts";
import { parseScenario } from "../../../core/scenario/parse.ts";
import { renderSuggestedStep, suggestedArgv } from "../../../core/report/suggested_step.ts";
import { matchArgv } from "../../../core/lang/matcher.ts";
import { newState, stepCall } from "../../../core/replay/engine.ts";

/** Reads `[items]` back with the `yaml` package: YAML 1.2 core, YAML 1.1 and failsafe. */
function readBack(sequence: string): unknown[] {
  const text = `argv: ${sequence}\n`;
  return [{}, { version: "1.1" as const }, { schema: "failsafe" as const }].map((options) =>
    (parse(text, options) as { argv: unknown }).argv
  );
}

/** Loads the suggested step of `argv` with the real loader, as a user pastes it. */
function loadSuggested(argv: readonly string[]) {
  const text = [
    "meta: {name: pasted}",
    "steps:",
    ...renderSuggestedStep(argv).map((line) => `  ${line}`),
    "",
  ].join("\n");
  const parsed = parseScenario(text);
  if (!parsed.ok) {
    throw new Error(`the suggested step does not load:\n${text}\n${JSON.stringify(parsed)}`);
  }
  return { text, scenario: parsed.scenario };
}

Deno.test("formatFlowScalar() quotes exactly where YAML needs it (LANG-1)", async (t) => {
  const cases: [string, string, string][] = [
    ["kubectl", "kubectl", "a plain word"],
    ["-n", "-n", "a leading '-' followed by a character"],
    ["--output=json", "--output=json", "an option with '='"],
    ["./charts/web", "./charts/web", "a path"],
    ["a:b", "a:b", "':' followed by a character"],
    ["a#b", "a#b", "'#' inside a word"],
    ["it's", "it's", "an inner quote"],
    ["日本語", "日本語", "printable non-ASCII"],
    ["two words", "two words", "an inner space"],
    ["on", "'on'", "YAML 1.1 boolean"],
    ["yes", "'yes'", "YAML 1.1 boolean"],
    ["True", "'True'", "YAML 1.2 boolean"],
    ["null", "'null'", "null"],
    ["~", "'~'", "null"],
    ["1.10", "'1.10'", "a float that would lose its zero"],
    ["007", "'007'", "an integer"],
    ["-1", "'-1'", "a negative integer"],
    ["0x1F", "'0x1F'", "a hex integer"],
    ["1e3", "'1e3'", "an exponent"],
    ["1:20", "'1:20'", "YAML 1.1 base 60"],
    ["2026-02-07", "'2026-02-07'", "a YAML 1.1 timestamp"],
    [".inf", "'.inf'", "infinity"],
    ["<<", "'<<'", "the merge key"],
    ["", "''", "the empty string"],
    [" padded ", "' padded '", "spaces at the ends"],
    ["a: b", "'a: b'", "': ' would start a mapping"],
    ["x:", "'x:'", "a trailing ':'"],
    ["#x", "'#x'", "a leading '#' is a comment"],
    ["a #b", "'a #b'", "' #' starts a comment"],
    ["[x", "'[x'", "a flow indicator"],
    [",", "','", "a comma ends the item"],
    ["a,b", "'a,b'", "an inner comma"],
    ["{{ .any }}", "'{{ .any }}'", "braces"],
    ["-", "'-'", "a lone '-'"],
    ["- x", "'- x'", "'- ' would be a block entry"],
    ["? x", "'? x'", "'? ' would be a key"],
    [":x", ":x", "a leading ':' followed by a character"],
    ["!tag", "'!tag'", "a tag"],
    ["&a", "'&a'", "an anchor"],
    ["*a", "'*a'", "an alias"],
    ["@x", "'@x'", "a reserved indicator"],
    ["'q'", "'''q'''", "single quotes doubled"],
    ['say "hi"', 'say "hi"', "an inner double quote"],
    ['"hi"', "'\"hi\"'", "a leading double quote is not plain"],
    ["a\tb", '"a\\tb"', "a tab"],
    ["line\nbreak", '"line\\nbreak"', "a line break"],
    ["\x7f", '"\\x7F"', "DEL is not printable"],
    ["\u0085", '"\\N"', "NEL"],
    ["\u2028", '"\\L"', "a line separator"],
    ["\ufeff", '"\\uFEFF"', "a byte order mark"],
    ["\ud800", '"\\uD800"', "a lone surrogate"],
  ];
  for (const [input, expected, note] of cases) {
    await t.step(`${JSON.stringify(input)} → ${expected} (${note})`, () => {
      assert.equal(formatFlowScalar(input), expected);
      for (const items of readBack(formatFlowSequence(["tool", input]))) {
        assert.deepEqual(items, ["tool", input]);
      }
    });
  }
});

Deno.test("formatDoubleQuoted() escapes what is not printable (LANG-1)", () => {
  assert.equal(formatDoubleQuoted('\\ "\0\x1b\u00a0'), '"\\\\ \\"\\0\\e\\_"');
  assert.equal(parse(`v: ${formatDoubleQuoted("\x01\u2029😀")}`).v, "\x01\u2029😀");
});

/** Argument text rich in YAML's special characters, line breaks and look-alikes. */
const trickyArg = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      ..." -?:,[]{}#&*!|>'\"%@`.0123456789abeExnoNOyt_+~=<\\\t\n\r".split(""),
      "\u0085",
      "\u2028",
      "\ufeff",
      "é",
      "😀",
      "{{",
      "}}",
      " .any ",
      '.regex "',
    ),
    maxLength: 10,
  }),
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.constantFrom("on", "off", "null", "1.10", "007", "-1", "a: b", "#x", "{{ .any }}"),
);
const arbitraryArgv = fc.tuple(
  fc.constantFrom("kubectl", "helm", "tool-1"),
  fc.array(trickyArg, { maxLength: 6 }),
).map(([cmd, args]) => [cmd, ...args]);

Deno.test(
  "renderSuggestedStep() round-trips any argv through the yaml parser and the scenario loader, and the loaded step answers the call (LANG-1)",
  () => {
    fc.assert(
      fc.property(arbitraryArgv, (argv) => {
        const sequence = formatFlowSequence(argv);
        for (const items of readBack(sequence)) assert.deepEqual(items, argv, sequence);
        const { text, scenario } = loadSuggested(argv);
        const step = scenario.steps[0]!;
        // Exactly the argv, except arguments that read as patterns (asserted below).
        assert.deepEqual(step.argv, suggestedArgv(argv), text);
        assert.ok(matchArgv(step.argv, argv), text);
        const state = newState(scenario, {
          scenarioPath: "/p.yaml",
          scenarioHash: "h",
          now: new Date(0),
        });
        const { outcome } = stepCall(scenario, state, { argv, env: {}, now: new Date(1) });
        assert.equal(outcome.kind, "matched", text);
      }),
      { numRuns: 2000 },
    );
  },
);

Deno.test(
  "suggestedArgv() keeps every argument but those that read as patterns, which become anchored regexes matching only themselves (LANG-1)",
  async (t) => {
    const cases: { arg: string; pattern: string; rejects: string }[] = [
      { arg: "{{ .any }}", pattern: '{{ .regex "^\\{\\{ \\.any \\}\\}$" }}', rejects: "other" },
      {
        arg: '{{ .regex "(" }}',
        pattern: '{{ .regex "^\\{\\{ \\.regex "\\(" \\}\\}$" }}',
        rejects: "(",
      },
      {
        arg: '{{ .regex "" }}',
        pattern: '{{ .regex "^\\{\\{ \\.regex "" \\}\\}$" }}',
        rejects: "",
      },
    ];
    for (const { arg, pattern, rejects } of cases) {
      await t.step(arg, () => {
        const argv = ["tool", arg];
        assert.deepEqual(suggestedArgv(argv), ["tool", pattern]);
        const { scenario } = loadSuggested(argv);
        assert.ok(matchArgv(scenario.steps[0]!.argv, argv));
        assert.ok(!matchArgv(scenario.steps[0]!.argv, ["tool", rejects]));
      });
    }
    await t.step("literals, templates and the command name stay as they are", () => {
      const argv = ["tool", "go-template={{.metadata.name}}", "{{ .ns }}", "{{ .capture.x }}"];
      assert.deepEqual(suggestedArgv(argv), argv);
    });
  },
);
