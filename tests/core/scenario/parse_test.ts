import assert from "node:assert/strict";
import { MAX_STDIN_BYTES, parseScenario } from "../../../core/scenario/parse.ts";
import type { ParseResult } from "../../../core/scenario/parse.ts";
import { formatDiagnostic } from "../../../core/scenario/format.ts";
import type { Diagnostic, Scenario, Step } from "../../../core/types.ts";

/** Joins lines into YAML text with a final newline. */
function yaml(...lines: string[]): string {
  return lines.join("\n") + "\n";
}

/** `meta: {name: s}` followed by `steps:` and the given step lines. */
function withSteps(...lines: string[]): string {
  return yaml("meta:", "  name: s", "steps:", ...lines);
}

/** One leaf step `- match: {argv: [...]}` plus optional extra lines (indented 4). */
function leaf(argv: string, ...extra: string[]): string[] {
  return [`  - match: {argv: ${argv}}`, ...extra.map((l) => `    ${l}`)];
}

function parse(text: string): ParseResult {
  return parseScenario(text, { file: "s.yaml" });
}

/** The formatted error lines of an invalid scenario. */
function errors(text: string): string[] {
  const r = parse(text);
  if (r.ok) assert.fail("expected the scenario to be invalid");
  return r.diagnostics.map(formatDiagnostic);
}

/** The valid scenario (fails the test with the diagnostics otherwise). */
function load(text: string): Scenario {
  const r = parse(text);
  if (!r.ok) assert.fail(r.diagnostics.map(formatDiagnostic).join("\n"));
  return r.scenario;
}

function warnings(text: string): string[] {
  return parse(text).warnings.map(formatDiagnostic);
}

function step(s: Scenario, i: number): Step {
  const found = s.steps[i];
  assert.ok(found, `no step ${i}`);
  return found;
}

const ONE_STEP = leaf("[git, status]");

Deno.test("parseScenario() accepts the contract's deploy-app scenario (SCN-4, SCN-19)", () => {
  const s = load(yaml(
    "# yaml-language-server: $schema=https://example.com/scenario.schema.json",
    "meta:",
    "  name: deploy-app",
    "  description: Deploys the web app",
    "  vars:",
    "    cluster: prod",
    "  security:",
    "    allowed_commands: [git, az, docker, kubectl]",
    '    deny_env_vars: ["AWS_*", "SECRET_*", "TOKEN"]',
    "  session:",
    "    ttl: 10m",
    "steps:",
    "  - match:",
    "      argv: [git, status]",
    "    respond:",
    "      exit: 0",
    '      stdout: "On branch main\\n"',
    "  - group:",
    "      mode: unordered",
    "      name: pre-flight",
    "      steps:",
    "        - match:",
    "            argv: [az, account, show]",
    "          respond:",
    '            stdout: \'{"name": "my-sub"}\'',
    "            capture:",
    "              sub: my-sub",
    "        - match:",
    "            argv: [docker, info]",
    "          calls: {min: 0, max: 2}",
    "  - match:",
    "      argv: [kubectl, get, pods, -n, '{{ .regex \"^prod-.*\" }}']",
    "    respond:",
    '      stdout: "{{ .cluster }} {{ .capture.sub }}\\n"',
  ));
  assert.deepEqual(s.meta, {
    name: "deploy-app",
    description: "Deploys the web app",
    vars: { cluster: "prod" },
    allowedCommands: ["git", "az", "docker", "kubectl"],
    denyEnvVars: ["AWS_*", "SECRET_*", "TOKEN"],
    ttl: "10m",
    ttlMs: 600_000,
  });
  assert.deepEqual(s.steps.map((x) => x.argv.join(" ")), [
    "git status",
    "az account show",
    "docker info",
    'kubectl get pods -n {{ .regex "^prod-.*" }}',
  ]);
  assert.deepEqual(s.groups, [{ name: "pre-flight", start: 1, end: 3 }]);
  assert.deepEqual(s.blocks, [{ start: 0, end: 1 }, { start: 1, end: 3, group: 0 }, {
    start: 3,
    end: 4,
  }]);
  assert.deepEqual(s.commands, ["git", "az", "docker", "kubectl"]);
  assert.deepEqual(step(s, 1).respond.capture, { sub: "my-sub" });
  assert.deepEqual(step(s, 2).calls, { min: 0, max: 2, explicit: true });
  assert.deepEqual(step(s, 0).respond.stdout, { kind: "text", template: "On branch main\n" });
  assert.equal(step(s, 2).group, "pre-flight");
});

Deno.test("parseScenario() rejects what is not one mapping document (SCN-1)", async (t) => {
  const cases = [
    { name: "empty file", text: "", expected: ["s.yaml:1:1: scenario is empty"] },
    { name: "only whitespace", text: "  \n\n", expected: ["s.yaml:1:1: scenario is empty"] },
    { name: "only a comment", text: "# nothing\n", expected: ["s.yaml:1:1: scenario is empty"] },
    { name: "empty document", text: "---\n", expected: ["s.yaml:1:1: scenario is empty"] },
    { name: "null document (~)", text: "~\n", expected: ["s.yaml:1:1: scenario is empty"] },
    { name: "null document (null)", text: "null\n", expected: ["s.yaml:1:1: scenario is empty"] },
    {
      name: "sequence root",
      text: "- a\n- b\n",
      expected: ["s.yaml:1:1: the document root must be a mapping with the keys meta and steps"],
    },
    {
      name: "scalar root",
      text: "hello\n",
      expected: ["s.yaml:1:1: the document root must be a mapping with the keys meta and steps"],
    },
    {
      name: "two documents",
      text: yaml("meta: {name: a}", "steps: [{match: {argv: [a]}}]", "---", "meta: {name: b}"),
      expected: [
        "s.yaml:3:1: file contains more than one YAML document (a scenario is exactly one document)",
      ],
    },
    {
      name: "missing meta",
      text: yaml("steps:", ...ONE_STEP),
      expected: ['s.yaml:1:1: missing required key "meta"'],
    },
    {
      name: "missing steps",
      text: yaml("meta:", "  name: s"),
      expected: ['s.yaml:1:1: missing required key "steps"'],
    },
    {
      name: "YAML syntax error",
      text: yaml("meta: {name: a", "steps:"),
      expected: [
        "s.yaml:2:1: Flow map in block collection must be sufficiently indented and end with a }",
      ],
    },
  ];
  for (const { name, text, expected } of cases) {
    await t.step(name, () => assert.deepEqual(errors(text), expected));
  }

  await t.step("a leading BOM is ignored and positions stay the same", () => {
    const text = "\uFEFF" + withSteps(...leaf("[a]", "respond: {stdot: x}"));
    assert.deepEqual(errors(text), [
      's.yaml:5:15: steps[0].respond: unknown key "stdot" (did you mean "stdout"?)',
    ]);
    assert.equal(load("\uFEFF" + withSteps(...ONE_STEP)).meta.name, "s");
  });

  await t.step("an explicit document start marker is fine", () => {
    assert.equal(load("---\n" + withSteps(...ONE_STEP)).steps.length, 1);
  });
});

Deno.test("parseScenario() rejects unknown keys at every level (SCN-2, SCN-23)", async (t) => {
  const cases = [
    {
      name: "root: did you mean",
      text: yaml("meta: {name: s}", "stpes:", ...ONE_STEP),
      expected: [
        's.yaml:1:1: missing required key "steps"',
        's.yaml:2:1: unknown key "stpes" (did you mean "steps"?)',
      ],
    },
    {
      name: "meta: did you mean",
      text: yaml("meta:", "  name: s", "  descripton: x", "steps:", ...ONE_STEP),
      expected: ['s.yaml:3:3: meta: unknown key "descripton" (did you mean "description"?)'],
    },
    {
      name: "meta.security",
      text: yaml(
        "meta:",
        "  name: s",
        "  security:",
        "    alowed_commands: [git]",
        "steps:",
        ...ONE_STEP,
      ),
      expected: [
        's.yaml:4:5: meta.security: unknown key "alowed_commands" (did you mean "allowed_commands"?)',
      ],
    },
    {
      name: "meta.session",
      text: yaml("meta:", "  name: s", "  session:", "    tll: 1m", "steps:", ...ONE_STEP),
      expected: ['s.yaml:4:5: meta.session: unknown key "tll" (did you mean "ttl"?)'],
    },
    {
      name: "step: transposition (mtach → match)",
      text: withSteps("  - match: {argv: [a]}", "    repsond: {exit: 1}"),
      expected: ['s.yaml:5:5: steps[0]: unknown key "repsond" (did you mean "respond"?)'],
    },
    {
      name: "respond: stdot → stdout",
      text: withSteps(...leaf("[a]", "respond:", "  stdot: x")),
      expected: ['s.yaml:6:7: steps[0].respond: unknown key "stdot" (did you mean "stdout"?)'],
    },
    {
      name: "match: stdout belongs under respond",
      text: withSteps("  - match:", "      argv: [a]", "      stdout: x"),
      expected: [
        's.yaml:6:7: steps[0].match: unknown key "stdout" ("stdout" belongs under respond)',
      ],
    },
    {
      name: "respond: argv belongs under match",
      text: withSteps(...leaf("[a]", "respond:", "  argv: [a]")),
      expected: ['s.yaml:6:7: steps[0].respond: unknown key "argv" ("argv" belongs under match)'],
    },
    {
      name: "respond: min belongs under calls",
      text: withSteps(...leaf("[a]", "respond:", "  min: 1")),
      expected: ['s.yaml:6:7: steps[0].respond: unknown key "min" ("min" belongs under calls)'],
    },
    {
      name: "step: exit belongs under respond",
      text: withSteps(...leaf("[a]", "exit: 1")),
      expected: ['s.yaml:5:5: steps[0]: unknown key "exit" ("exit" belongs under respond)'],
    },
    {
      name: "match: expected one of",
      text: withSteps("  - match:", "      argv: [a]", "      zzzzzz: x"),
      expected: [
        's.yaml:6:7: steps[0].match: unknown key "zzzzzz" (expected one of: "argv", "stdin")',
      ],
    },
    {
      name: "calls: did you mean",
      text: withSteps(...leaf("[a]", "calls:", "  mni: 1", "  max: 2")),
      expected: ['s.yaml:6:7: steps[0].calls: unknown key "mni" (did you mean "min"?)'],
    },
    {
      name: "group: nmae → name",
      text: withSteps(
        "  - group:",
        "      mode: unordered",
        "      nmae: x",
        "      steps:",
        "        - match: {argv: [a]}",
      ),
      expected: ['s.yaml:6:7: steps[0].group: unknown key "nmae" (did you mean "name"?)'],
    },
    {
      name: "group: expected one of",
      text: withSteps(
        "  - group:",
        "      mode: unordered",
        "      ordering: x",
        "      steps:",
        "        - match: {argv: [a]}",
      ),
      expected: [
        's.yaml:6:7: steps[0].group: unknown key "ordering" (expected one of: "mode", "name", "steps")',
      ],
    },
    {
      name: "group member respond",
      text: withSteps(
        "  - group:",
        "      mode: unordered",
        "      steps:",
        "        - match: {argv: [a]}",
        "          respond: {stdot: x}",
      ),
      expected: [
        's.yaml:8:21: steps[0].group.steps[0].respond: unknown key "stdot" (did you mean "stdout"?)',
      ],
    },
  ];
  for (const { name, text, expected } of cases) {
    await t.step(name, () => assert.deepEqual(errors(text), expected));
  }

  await t.step("the suggestion is a structured field too", () => {
    const r = parse(withSteps(...leaf("[a]", "respond: {stdot: x}")));
    assert.ok(!r.ok);
    assert.equal(r.diagnostics[0]?.suggestion, "stdout");
    assert.equal(r.diagnostics[0]?.severity, "error");
    assert.equal(r.diagnostics[0]?.path, "steps[0].respond");
  });

  await t.step("the distance limit is max(1, floor(len/3))", async (t) => {
    const rows = [
      { key: "stdoutxx", expected: '(did you mean "stdout"?)' },
      { key: "stdoutxxx", expected: '(did you mean "stdout"?)' },
      { key: "ex", expected: "(expected one of:" },
      { key: "exi", expected: '(did you mean "exit"?)' },
      { key: "xyz", expected: "(expected one of:" },
    ];
    for (const { key, expected } of rows) {
      await t.step(key, () => {
        const [line] = errors(withSteps(...leaf("[a]", `respond: {${key}: x}`)));
        assert.ok(line?.includes(expected), line);
      });
    }
  });

  await t.step("an unknown key does not hide the rest of the checks", () => {
    assert.deepEqual(
      errors(yaml(
        "meta:",
        "  name: s",
        "  vars: {x: y}",
        "  descripton: typo",
        "steps:",
        "  - match: {argv: [a]}",
        "    respond: {capture: {c: v}, stdot: typo}",
        "  - match: {argv: [b]}",
        "    respond: {stdout: '{{ .x }} {{ .capture.c }}'}",
        "    calls: {min: 0}",
      )),
      [
        's.yaml:4:3: meta: unknown key "descripton" (did you mean "description"?)',
        's.yaml:7:32: steps[0].respond: unknown key "stdot" (did you mean "stdout"?)',
        "s.yaml:10:12: steps[1].calls: calls.max is required when calls.min is 0",
      ],
    );
  });
});

Deno.test("parseScenario() reports no follow-on diagnostics of a broken part (SCN-22)", async (t) => {
  const cases = [
    {
      name: "broken meta.name: the rest of meta is still checked",
      text: yaml(
        "meta:",
        "  name: {a: b}",
        "  vars: {x: y, 1x: z}",
        "steps:",
        ...leaf("[a]", "respond: {stdout: '{{ .x }}'}"),
      ),
      expected: [
        "s.yaml:2:9: meta.name: must be a string",
        's.yaml:3:16: meta.vars.1x: variable name "1x" must match [A-Za-z_][A-Za-z0-9_]*',
      ],
    },
    {
      name: "broken meta.vars: no undefined-variable errors",
      text: yaml(
        "meta:",
        "  name: s",
        "  vars: [x]",
        "steps:",
        ...leaf("[a]", "respond: {stdout: '{{ .x }}'}"),
      ),
      expected: ["s.yaml:3:9: meta.vars: must be a mapping"],
    },
    {
      name: "broken capture: no undefined-capture errors",
      text: withSteps(
        ...leaf("[a]", "respond: {capture: [c]}"),
        ...leaf("[b]", "respond: {stdout: '{{ .capture.c }}'}"),
      ),
      expected: ["s.yaml:5:24: steps[0].respond.capture: must be a mapping"],
    },
    {
      name: "broken calls: bounds fall back, the rest is checked",
      text: withSteps(...leaf("[../a]", "calls: {min: -1}")),
      expected: [
        's.yaml:4:20: steps[0].match.argv[0]: must be a plain command name (no "/", no template), got "../a"',
        "s.yaml:5:18: steps[0].calls.min: calls.min must be >= 0, got -1",
      ],
    },
  ];
  for (const { name, text, expected } of cases) {
    await t.step(name, () => assert.deepEqual(errors(text), expected));
  }
});

Deno.test("parseScenario() reports a duplicate key at its second occurrence (SCN-3)", async (t) => {
  const cases = [
    {
      name: "root",
      text: yaml("meta: {name: s}", "steps:", ...ONE_STEP, "meta: {name: t}"),
      expected: ['s.yaml:4:1: meta: duplicate key "meta"'],
    },
    {
      name: "meta",
      text: yaml("meta:", "  name: s", "  name: t", "steps:", ...ONE_STEP),
      expected: ['s.yaml:3:3: meta.name: duplicate key "name"'],
    },
    {
      name: "step",
      text: withSteps("  - match: {argv: [a]}", "    match: {argv: [b]}"),
      expected: ['s.yaml:5:5: steps[0].match: duplicate key "match"'],
    },
    {
      name: "respond",
      text: withSteps(...leaf("[a]", "respond:", "  exit: 1", "  exit: 2")),
      expected: ['s.yaml:7:7: steps[0].respond.exit: duplicate key "exit"'],
    },
    {
      name: "vars",
      text: yaml("meta:", "  name: s", "  vars: {a: 1, a: 2}", "steps:", ...ONE_STEP),
      expected: ['s.yaml:3:16: meta.vars.a: duplicate key "a"'],
    },
    {
      name: "group",
      text: withSteps(
        "  - group:",
        "      mode: unordered",
        "      mode: unordered",
        "      steps: [{match: {argv: [a]}}]",
      ),
      expected: ['s.yaml:6:7: steps[0].group.mode: duplicate key "mode"'],
    },
  ];
  for (const { name, text, expected } of cases) {
    await t.step(name, () => assert.deepEqual(errors(text), expected));
  }
});

Deno.test("parseScenario() checks value types at the value (SCN-4)", async (t) => {
  const cases = [
    {
      name: "meta is a scalar",
      text: yaml("meta: x", "steps:", ...ONE_STEP),
      expected: ["s.yaml:1:7: meta: must be a mapping"],
    },
    {
      name: "meta.name is a mapping",
      text: yaml("meta:", "  name: {a: b}", "steps:", ...ONE_STEP),
      expected: ["s.yaml:2:9: meta.name: must be a string"],
    },
    {
      name: "meta.description is a sequence",
      text: yaml("meta:", "  name: s", "  description: [a]", "steps:", ...ONE_STEP),
      expected: ["s.yaml:3:16: meta.description: must be a string"],
    },
    {
      name: "meta.vars is a sequence",
      text: yaml("meta:", "  name: s", "  vars: [a]", "steps:", ...ONE_STEP),
      expected: ["s.yaml:3:9: meta.vars: must be a mapping"],
    },
    {
      name: "a var value is a mapping",
      text: yaml("meta:", "  name: s", "  vars: {a: {b: c}}", "steps:", ...ONE_STEP),
      expected: ["s.yaml:3:13: meta.vars.a: must be a string"],
    },
    {
      name: "allowed_commands is a string",
      text: yaml(
        "meta:",
        "  name: s",
        "  security: {allowed_commands: git}",
        "steps:",
        ...ONE_STEP,
      ),
      expected: ["s.yaml:3:32: meta.security.allowed_commands: must be a sequence"],
    },
    {
      name: "ttl is a sequence",
      text: yaml("meta:", "  name: s", "  session: {ttl: [1m]}", "steps:", ...ONE_STEP),
      expected: ["s.yaml:3:18: meta.session.ttl: must be a string"],
    },
    {
      name: "steps is a mapping",
      text: yaml("meta:", "  name: s", "steps: {a: b}"),
      expected: ["s.yaml:3:8: steps: must be a sequence"],
    },
    {
      name: "steps is empty",
      text: yaml("meta:", "  name: s", "steps: []"),
      expected: ["s.yaml:3:8: steps: must have at least one step"],
    },
    {
      name: "a step is a scalar",
      text: withSteps("  - git status"),
      expected: ["s.yaml:4:5: steps[0]: must be a mapping"],
    },
    {
      name: "match is a scalar",
      text: withSteps("  - match: git"),
      expected: ["s.yaml:4:12: steps[0].match: must be a mapping"],
    },
    {
      name: "match without argv",
      text: withSteps("  - match:", "      stdin: x"),
      expected: ['s.yaml:5:7: steps[0].match: missing required key "argv"'],
    },
    {
      name: "argv is a string",
      text: withSteps("  - match:", "      argv: git status"),
      expected: ["s.yaml:5:13: steps[0].match.argv: must be a sequence"],
    },
    {
      name: "argv is empty",
      text: withSteps("  - match:", "      argv: []"),
      expected: ["s.yaml:5:13: steps[0].match.argv: must have at least one element"],
    },
    {
      name: "stdin is a sequence",
      text: withSteps("  - match:", "      argv: [a]", "      stdin: [x]"),
      expected: ["s.yaml:6:14: steps[0].match.stdin: must be a string"],
    },
    {
      name: "respond is a scalar",
      text: withSteps(...leaf("[a]", "respond: ok")),
      expected: ["s.yaml:5:14: steps[0].respond: must be a mapping"],
    },
    {
      name: "stdout is a mapping",
      text: withSteps(...leaf("[a]", "respond:", "  stdout: {a: b}")),
      expected: ["s.yaml:6:15: steps[0].respond.stdout: must be a string"],
    },
    {
      name: "capture is a sequence",
      text: withSteps(...leaf("[a]", "respond:", "  capture: [a]")),
      expected: ["s.yaml:6:16: steps[0].respond.capture: must be a mapping"],
    },
    {
      name: "a capture value is a sequence",
      text: withSteps(...leaf("[a]", "respond:", "  capture: {id: [a]}")),
      expected: ["s.yaml:6:21: steps[0].respond.capture.id: must be a string"],
    },
    {
      name: "delay is a mapping",
      text: withSteps(...leaf("[a]", "respond:", "  delay: {s: 1}")),
      expected: ["s.yaml:6:14: steps[0].respond.delay: must be a string"],
    },
    {
      name: "calls is a scalar",
      text: withSteps(...leaf("[a]", "calls: 3")),
      expected: ["s.yaml:5:12: steps[0].calls: must be a mapping"],
    },
    {
      name: "when is a sequence",
      text: withSteps(...leaf("[a]", "when: [x]")),
      expected: ["s.yaml:5:11: steps[0].when: must be a string"],
    },
    {
      name: "a mapping key is not a scalar",
      text: yaml("meta:", "  name: s", "  ? [a]", "  : b", "steps:", ...ONE_STEP),
      expected: ["s.yaml:3:5: meta: mapping keys must be strings"],
    },
  ];
  for (const { name, text, expected } of cases) {
    await t.step(name, () => assert.deepEqual(errors(text), expected));
  }
});

Deno.test("parseScenario() rejects a blank meta.name (SCN-5)", async (t) => {
  const cases = [
    { written: "''", column: 9 },
    { written: "'   '", column: 9 },
    { written: '"\\t"', column: 9 },
  ];
  for (const { written, column } of cases) {
    await t.step(written, () => {
      assert.deepEqual(errors(yaml("meta:", `  name: ${written}`, "steps:", ...ONE_STEP)), [
        `s.yaml:2:${column}: meta.name: meta.name must not be empty`,
      ]);
    });
  }
  await t.step("name with nothing after the colon", () => {
    assert.deepEqual(errors(yaml("meta:", "  name:", "steps:", ...ONE_STEP)), [
      "s.yaml:2:8: meta.name: meta.name must not be empty",
    ]);
  });
  await t.step("meta.description defaults to empty (SCN-6)", () => {
    assert.equal(load(withSteps(...ONE_STEP)).meta.description, "");
  });
});

Deno.test("parseScenario() checks meta.vars names (SCN-7)", async (t) => {
  const cases = [
    { key: "1x", message: 'variable name "1x" must match [A-Za-z_][A-Za-z0-9_]*' },
    { key: "a-b", message: 'variable name "a-b" must match [A-Za-z_][A-Za-z0-9_]*' },
    { key: "a.b", message: 'variable name "a.b" must match [A-Za-z_][A-Za-z0-9_]*' },
    { key: "'x y'", message: 'variable name "x y" must match [A-Za-z_][A-Za-z0-9_]*' },
    {
      key: "capture",
      message: 'variable name "capture" is reserved (capture, any and regex are template syntax)',
    },
    {
      key: "any",
      message: 'variable name "any" is reserved (capture, any and regex are template syntax)',
    },
    {
      key: "regex",
      message: 'variable name "regex" is reserved (capture, any and regex are template syntax)',
    },
  ];
  for (const { key, message } of cases) {
    await t.step(key, () => {
      const [line] = errors(
        yaml("meta:", "  name: s", "  vars:", `    ${key}: v`, "steps:", ...ONE_STEP),
      );
      assert.match(line ?? "", /^s\.yaml:4:5: meta\.vars\./);
      assert.ok(line?.endsWith(`: ${message}`), line);
    });
  }
  await t.step("valid names keep their values as written (SCN-14)", () => {
    const s = load(yaml(
      "meta:",
      "  name: s",
      "  vars: {_a: 1.10, B2: on, c_3: ~, d:}",
      "steps:",
      ...ONE_STEP,
    ));
    assert.deepEqual(s.meta.vars, { _a: "1.10", B2: "on", c_3: "~", d: "" });
  });
});

Deno.test("parseScenario() checks meta.security lists (SCN-8)", async (t) => {
  const cases = [
    {
      name: "unterminated class",
      list: "deny_env_vars: ['[AWS_*']",
      expected:
        's.yaml:3:30: meta.security.deny_env_vars[0]: invalid glob pattern "[AWS_*": unterminated character class (missing "]")',
    },
    {
      name: "empty pattern",
      list: "deny_env_vars: [AWS_*, '']",
      expected: "s.yaml:3:37: meta.security.deny_env_vars[1]: must not be empty",
    },
    {
      name: "empty command name",
      list: "allowed_commands: [git, '']",
      expected: "s.yaml:3:38: meta.security.allowed_commands[1]: must not be empty",
    },
    {
      name: "blank command name",
      list: "allowed_commands: ['  ']",
      expected: "s.yaml:3:33: meta.security.allowed_commands[0]: must not be empty",
    },
  ];
  for (const { name, list, expected } of cases) {
    await t.step(name, () => {
      assert.deepEqual(
        errors(yaml("meta:", "  name: s", `  security: {${list}}`, "steps:", ...ONE_STEP)),
        [
          expected,
        ],
      );
    });
  }
  await t.step("valid patterns and empty lists are accepted", () => {
    const s = load(yaml(
      "meta:",
      "  name: s",
      "  security:",
      "    allowed_commands: []",
      "    deny_env_vars: ['AWS_*', '[A-Z]?_KEY', 'TOKEN', 'x\\*']",
      "steps:",
      ...ONE_STEP,
    ));
    assert.deepEqual(s.meta.allowedCommands, []);
    assert.deepEqual(s.meta.denyEnvVars, ["AWS_*", "[A-Z]?_KEY", "TOKEN", "x\\*"]);
  });
});

Deno.test("parseScenario() parses meta.session.ttl as a positive duration (SCN-9, SCN-10)", async (t) => {
  const valid = [
    { ttl: "10m", ms: 600_000 },
    { ttl: "1.5h", ms: 5_400_000 },
    { ttl: "1h30m", ms: 5_400_000 },
    { ttl: "300ms", ms: 300 },
    { ttl: ".5s", ms: 500 },
    { ttl: "1000000ns", ms: 1 },
    { ttl: "1000us", ms: 1 },
    { ttl: "1000\u00b5s", ms: 1 },
    { ttl: "1000\u03bcs", ms: 1 },
  ];
  for (const { ttl, ms } of valid) {
    await t.step(`valid ${ttl}`, () => {
      const s = load(
        yaml("meta:", "  name: s", "  session:", `    ttl: ${ttl}`, "steps:", ...ONE_STEP),
      );
      assert.equal(s.meta.ttlMs, ms);
      assert.equal(s.meta.ttl, ttl);
    });
  }
  const invalid = [
    { ttl: "10", message: 'invalid duration "10": expected a duration such as 30s, 10m or 1h' },
    { ttl: "10x", message: 'invalid duration "10x": expected a duration such as 30s, 10m or 1h' },
    { ttl: "1 h", message: 'invalid duration "1 h": expected a duration such as 30s, 10m or 1h' },
    { ttl: "h", message: 'invalid duration "h": expected a duration such as 30s, 10m or 1h' },
    { ttl: "0", message: 'ttl must be greater than zero, got "0"' },
    { ttl: "0s", message: 'ttl must be greater than zero, got "0s"' },
    { ttl: "-5m", message: 'ttl must be greater than zero, got "-5m"' },
  ];
  for (const { ttl, message } of invalid) {
    await t.step(`invalid ${ttl}`, () => {
      assert.deepEqual(
        errors(yaml("meta:", "  name: s", "  session:", `    ttl: ${ttl}`, "steps:", ...ONE_STEP)),
        [`s.yaml:4:10: meta.session.ttl: ${message}`],
      );
    });
  }
  await t.step("absent ttl leaves ttlMs undefined", () => {
    const s = load(withSteps(...ONE_STEP));
    assert.equal(s.meta.ttlMs, undefined);
    assert.equal("ttl" in s.meta, false);
  });
});

Deno.test("parseScenario() parses respond.delay durations (SCN-10, SCN-25)", async (t) => {
  const cases = [
    { delay: "0", ms: 0 },
    { delay: "250ms", ms: 250 },
    { delay: "1.5s", ms: 1500 },
    { delay: "5m", ms: 300_000 },
  ];
  for (const { delay, ms } of cases) {
    await t.step(`valid ${delay}`, () => {
      const s = load(withSteps(...leaf("[a]", `respond: {delay: ${delay}}`)));
      assert.equal(step(s, 0).respond.delayMs, ms);
      assert.equal(step(s, 0).respond.delay, delay);
    });
  }
  const invalid = [
    {
      delay: "5 minutes",
      message: 'invalid duration "5 minutes": expected a duration such as 300ms, 1.5h or 1h30m',
    },
    {
      delay: "2",
      message: 'invalid duration "2": expected a duration such as 300ms, 1.5h or 1h30m',
    },
    { delay: "-1s", message: 'delay must be >= 0, got "-1s"' },
  ];
  for (const { delay, message } of invalid) {
    await t.step(`invalid ${delay}`, () => {
      assert.deepEqual(errors(withSteps(...leaf("[a]", "respond:", `  delay: ${delay}`))), [
        `s.yaml:6:14: steps[0].respond.delay: ${message}`,
      ]);
    });
  }
  await t.step("no delay is 0 ms and no delay text", () => {
    const r = step(load(withSteps(...ONE_STEP)), 0).respond;
    assert.equal(r.delayMs, 0);
    assert.equal("delay" in r, false);
  });
});

Deno.test("parseScenario() tells leaf steps from groups (SCN-11, SCN-12)", async (t) => {
  await t.step("group and leaf keys mixed", () => {
    assert.deepEqual(
      errors(withSteps(
        "  - group: {mode: unordered, steps: [{match: {argv: [a]}}]}",
        "    match: {argv: [b]}",
      )),
      ['s.yaml:4:5: steps[0]: a group element must have only the key "group", found also "match"'],
    );
  });
  await t.step("neither group nor match", () => {
    assert.deepEqual(errors(withSteps("  - respond: {exit: 1}")), [
      's.yaml:4:5: steps[0]: missing required key "match"',
    ]);
  });
  await t.step("an empty mapping", () => {
    assert.deepEqual(errors(withSteps("  - {}")), [
      's.yaml:4:5: steps[0]: missing required key "match"',
    ]);
  });
  await t.step("respond omitted: exit 0, no output (SCN-12)", () => {
    const r = step(load(withSteps(...ONE_STEP)), 0).respond;
    assert.deepEqual(r, {
      exit: 0,
      stdout: { kind: "text", template: "" },
      stderr: { kind: "text", template: "" },
      delayMs: 0,
      capture: {},
    });
  });
});

Deno.test("parseScenario() requires argv[0] to be a plain command name (SCN-13)", async (t) => {
  const cases = [
    { name: "relative path", written: "../bin/x", shown: '"../bin/x"' },
    { name: "absolute path", written: "/usr/bin/git", shown: '"/usr/bin/git"' },
    { name: "empty", written: "''", shown: '""' },
    { name: "dot", written: "'.'", shown: '"."' },
    { name: "dot dot", written: "'..'", shown: '".."' },
    { name: "tab", written: '"a\\tb"', shown: '"a\\tb"' },
    { name: "NUL", written: '"a\\0b"', shown: '"a\\u0000b"' },
    { name: "DEL", written: '"a\\x7fb"', shown: '"a\u007fb"' },
    { name: "template", written: "'{{ .cmd }}'", shown: '"{{ .cmd }}"' },
    { name: "wildcard", written: "'{{ .any }}'", shown: '"{{ .any }}"' },
    { name: "256 bytes", written: "a".repeat(256), shown: `"${"a".repeat(256)}"` },
    { name: "256 bytes of é", written: "é".repeat(128), shown: `"${"é".repeat(128)}"` },
  ];
  for (const { name, written, shown } of cases) {
    await t.step(name, () => {
      assert.deepEqual(errors(withSteps("  - match:", `      argv: [${written}, x]`)), [
        `s.yaml:5:14: steps[0].match.argv[0]: must be a plain command name (no "/", no template), got ${shown}`,
      ]);
    });
  }
  await t.step("the contract's example message", () => {
    assert.deepEqual(errors(withSteps(...leaf("[a]"), ...leaf("[b]"), ...leaf("[../bin/x]"))), [
      's.yaml:6:20: steps[2].match.argv[0]: must be a plain command name (no "/", no template), got "../bin/x"',
    ]);
  });
  await t.step("255 bytes and dotted names are fine", () => {
    const s = load(
      withSteps(...leaf(`[${"a".repeat(255)}]`), ...leaf("[.hidden]"), ...leaf("[a.b]")),
    );
    assert.deepEqual(s.commands, ["a".repeat(255), ".hidden", "a.b"]);
  });
  await t.step("names differing only in letter case collide", () => {
    assert.deepEqual(errors(withSteps(...leaf("[Kubectl, get]"), ...leaf("[kubectl, apply]"))), [
      's.yaml:5:20: steps[1].match.argv[0]: command names "Kubectl" and "kubectl" differ only in letter case (their shims would collide)',
    ]);
  });
  await t.step("the same name twice is fine", () => {
    assert.deepEqual(load(withSteps(...leaf("[git, a]"), ...leaf("[git, b]"))).commands, ["git"]);
  });
});

Deno.test("parseScenario() keeps plain scalars' source text (SCN-14)", async (t) => {
  const table = [
    { written: "1.10", value: "1.10" },
    { written: "007", value: "007" },
    { written: "on", value: "on" },
    { written: "yes", value: "yes" },
    { written: "true", value: "true" },
    { written: "False", value: "False" },
    { written: "0x1F", value: "0x1F" },
    { written: "0o17", value: "0o17" },
    { written: "1e3", value: "1e3" },
    { written: ".inf", value: ".inf" },
    { written: "-.5", value: "-.5" },
    { written: "null", value: "null" },
    { written: "~", value: "~" },
    { written: "2001-12-14", value: "2001-12-14" },
    { written: '"1.10"', value: "1.10" },
    { written: "'a b'", value: "a b" },
    { written: "", value: "" },
  ];
  for (const { written, value } of table) {
    await t.step(`argv item ${written === "" ? "(nothing after - )" : written}`, () => {
      const s = load(withSteps(
        "  - match:",
        "      argv:",
        "        - helm",
        written === "" ? "        -" : `        - ${written}`,
        "        - end",
      ));
      assert.deepEqual(step(s, 0).argv, ["helm", value, "end"]);
    });
  }
  await t.step("null and ~ items keep the argv length", () => {
    assert.equal(step(load(withSteps(...leaf("[a, null, ~, '']"))), 0).argv.length, 4);
  });
  await t.step("every string field keeps its source text", () => {
    const s = load(yaml(
      "meta:",
      "  name: 1.10",
      "  description: 2001-12-14",
      "  vars: {v: 007}",
      "  security: {allowed_commands: [true, a]}",
      "steps:",
      "  - match:",
      "      argv: [a]",
      "      stdin: 1e3",
      "    respond:",
      "      stdout: on",
      "      stderr: ~",
      "      capture: {c: 0x1F}",
      "    when: yes",
    ));
    assert.equal(s.meta.name, "1.10");
    assert.equal(s.meta.description, "2001-12-14");
    assert.deepEqual(s.meta.vars, { v: "007" });
    assert.deepEqual(s.meta.allowedCommands, ["true", "a"]);
    const st = step(s, 0);
    assert.deepEqual(st.stdin, { kind: "text", template: "1e3" });
    assert.deepEqual(st.respond.stdout, { kind: "text", template: "on" });
    assert.deepEqual(st.respond.stderr, { kind: "text", template: "~" });
    assert.deepEqual(st.respond.capture, { c: "0x1F" });
    assert.equal(st.when, "yes");
  });
  await t.step("multi-line plain scalars fold, block scalars keep newlines", () => {
    const s = load(withSteps(
      ...leaf(
        "[a]",
        "respond:",
        "  stdout: hello",
        "    world",
        "  stderr: |",
        "    one",
        "    two",
      ),
    ));
    assert.deepEqual(step(s, 0).respond.stdout, { kind: "text", template: "hello world" });
    assert.deepEqual(step(s, 0).respond.stderr, { kind: "text", template: "one\ntwo\n" });
  });
  await t.step("a nested sequence where a string is expected", () => {
    assert.deepEqual(errors(withSteps("  - match:", "      argv: [a, b, [c]]")), [
      "s.yaml:5:20: steps[0].match.argv[2]: must be a string",
    ]);
  });
  await t.step("a mapping where a string is expected", () => {
    assert.deepEqual(errors(withSteps("  - match:", "      argv: [a, {b: c}]")), [
      "s.yaml:5:17: steps[0].match.argv[1]: must be a string",
    ]);
  });
});

Deno.test("parseScenario() accepts !!binary only on stdin/stdout/stderr (SCN-15)", async (t) => {
  await t.step("binary stdin and stdout are raw bytes; whitespace is ignored", () => {
    const s = load(withSteps(
      "  - match:",
      "      argv: [a]",
      "      stdin: !!binary |",
      "        aGVs",
      "        bG8=",
      "    respond:",
      "      stdout: !!binary AAEC/w==",
      "      stderr: !!binary 'e3sgLnggfX0='",
    ));
    const st = step(s, 0);
    assert.deepEqual(st.stdin, { kind: "binary", bytes: new TextEncoder().encode("hello") });
    assert.deepEqual(st.respond.stdout, { kind: "binary", bytes: new Uint8Array([0, 1, 2, 255]) });
    // "{{ .x }}" as bytes: never rendered, so the undeclared variable is no error (TPL-1).
    assert.deepEqual(st.respond.stderr, {
      kind: "binary",
      bytes: new TextEncoder().encode("{{ .x }}"),
    });
  });
  await t.step("!!str is accepted", () => {
    assert.deepEqual(step(load(withSteps(...leaf("[a, !!str 1]"))), 0).argv, ["a", "1"]);
  });
  const rejected = [
    {
      name: "!!binary on an argv item",
      lines: leaf("[a, !!binary aGk=]"),
      expected: [
        "s.yaml:4:32: steps[0].match.argv[1]: !!binary is allowed only on match.stdin, respond.stdout and respond.stderr",
      ],
    },
    {
      name: "!!binary on stdout_file",
      lines: leaf("[a]", "respond: {stdout_file: !!binary aGk=}"),
      expected: [
        "s.yaml:5:37: steps[0].respond.stdout_file: !!binary is allowed only on match.stdin, respond.stdout and respond.stderr",
      ],
    },
    {
      name: "!!binary that is not base64",
      lines: leaf("[a]", "respond: {stdout: !!binary '@@@'}"),
      expected: ["s.yaml:5:32: steps[0].respond.stdout: !!binary value is not valid base64"],
    },
    {
      name: "!!int",
      lines: leaf("[a, !!int 3]"),
      expected: ['s.yaml:4:29: steps[0].match.argv[1]: unsupported tag "!!int"'],
    },
    {
      name: "!!bool",
      lines: leaf("[a]", "when: !!bool true"),
      expected: ['s.yaml:5:18: steps[0].when: unsupported tag "!!bool"'],
    },
    {
      name: "a local tag",
      lines: leaf("[a, !foo x]"),
      expected: ['s.yaml:4:28: steps[0].match.argv[1]: unsupported tag "!foo"'],
    },
    {
      name: "!!map",
      lines: leaf("[a]", "respond: !!map {exit: 1}"),
      expected: ['s.yaml:5:20: steps[0].respond: unsupported tag "!!map"'],
    },
    {
      name: "!!seq",
      lines: leaf("!!seq [a]"),
      expected: ['s.yaml:4:25: steps[0].match.argv: unsupported tag "!!seq"'],
    },
  ];
  for (const { name, lines, expected } of rejected) {
    await t.step(name, () => assert.deepEqual(errors(withSteps(...lines)), expected));
  }
  await t.step("!!binary in meta.vars", () => {
    assert.deepEqual(
      errors(yaml("meta:", "  name: s", "  vars: {x: !!binary aGk=}", "steps:", ...ONE_STEP)),
      [
        "s.yaml:3:22: meta.vars.x: !!binary is allowed only on match.stdin, respond.stdout and respond.stderr",
      ],
    );
  });
});

Deno.test("parseScenario() handles stdout_file/stderr_file (SCN-16)", async (t) => {
  await t.step("stdout with stdout_file", () => {
    assert.deepEqual(
      errors(withSteps(...leaf("[a]", "respond:", "  stdout: x", "  stdout_file: out.txt"))),
      ["s.yaml:7:7: steps[0].respond: stdout and stdout_file are mutually exclusive"],
    );
  });
  await t.step("stderr with stderr_file", () => {
    assert.deepEqual(
      errors(withSteps(...leaf("[a]", "respond:", "  stderr_file: e.txt", "  stderr: x"))),
      ["s.yaml:6:7: steps[0].respond: stderr and stderr_file are mutually exclusive"],
    );
  });
  await t.step("binary stdout with stdout_file", () => {
    assert.deepEqual(
      errors(withSteps(...leaf("[a]", "respond:", "  stdout: !!binary aGk=", "  stdout_file: f"))),
      ["s.yaml:7:7: steps[0].respond: stdout and stdout_file are mutually exclusive"],
    );
  });
  await t.step("an empty file name", () => {
    assert.deepEqual(errors(withSteps(...leaf("[a]", "respond: {stdout_file: ''}"))), [
      "s.yaml:5:28: steps[0].respond.stdout_file: must not be empty",
    ]);
  });
  await t.step("file references become file contents and fileRefs", () => {
    const r = parse(withSteps(
      ...leaf("[a]"),
      ...leaf("[b]", "respond:", "  stdout_file: out/pods.txt", "  stderr_file: /abs/err.txt"),
    ));
    assert.ok(r.ok);
    const st = step(r.scenario, 1);
    assert.deepEqual(st.respond.stdout, { kind: "file", path: "out/pods.txt" });
    assert.deepEqual(st.respond.stderr, { kind: "file", path: "/abs/err.txt" });
    assert.deepEqual(r.fileRefs, [
      {
        stepIndex: 1,
        stream: "stdout",
        path: "out/pods.txt",
        yamlPath: "steps[1].respond.stdout_file",
        position: { line: 7, column: 20 },
      },
      {
        stepIndex: 1,
        stream: "stderr",
        path: "/abs/err.txt",
        yamlPath: "steps[1].respond.stderr_file",
        position: { line: 8, column: 20 },
      },
    ]);
    assert.deepEqual(r.positions.get("steps[1].respond.stdout_file"), { line: 7, column: 20 });
  });
  await t.step("file references are reported for an invalid scenario too (VAL-3)", () => {
    const r = parse(withSteps(...leaf("[a]", "respond:", "  stdout_file: out.txt", "  exitt: 3")));
    assert.ok(!r.ok);
    assert.deepEqual(r.fileRefs.map((f) => [f.yamlPath, f.path, f.position]), [
      ["steps[0].respond.stdout_file", "out.txt", { line: 6, column: 20 }],
    ]);
  });
});

Deno.test("parseScenario() applies the call-bound rules (SCN-17)", async (t) => {
  const valid = [
    { calls: undefined, expected: { min: 1, max: 1, explicit: false } },
    { calls: "{max: 5}", expected: { min: 0, max: 5, explicit: true } },
    { calls: "{min: 3}", expected: { min: 3, max: 3, explicit: true } },
    { calls: "{min: 0, max: 2}", expected: { min: 0, max: 2, explicit: true } },
    { calls: "{min: 2, max: 2}", expected: { min: 2, max: 2, explicit: true } },
    { calls: "{min: 1, max: 100}", expected: { min: 1, max: 100, explicit: true } },
    { calls: "{max: 1}", expected: { min: 0, max: 1, explicit: true } },
  ];
  for (const { calls, expected } of valid) {
    await t.step(`calls: ${calls ?? "(absent)"}`, () => {
      const lines = calls === undefined ? leaf("[a]") : leaf("[a]", `calls: ${calls}`);
      assert.deepEqual(step(load(withSteps(...lines)), 0).calls, expected);
    });
  }
  const invalid = [
    {
      calls: "{}",
      expected: "s.yaml:5:12: steps[0].calls: calls.max is required when calls.min is 0",
    },
    {
      calls: "{min: 0}",
      expected: "s.yaml:5:12: steps[0].calls: calls.max is required when calls.min is 0",
    },
    {
      calls: "{min: -1, max: 2}",
      expected: "s.yaml:5:18: steps[0].calls.min: calls.min must be >= 0, got -1",
    },
    {
      calls: "{max: 0}",
      expected: "s.yaml:5:18: steps[0].calls.max: calls.max must be >= 1, got 0",
    },
    {
      calls: "{min: 0, max: 0}",
      expected: "s.yaml:5:26: steps[0].calls.max: calls.max must be >= 1, got 0",
    },
    {
      calls: "{min: 5, max: 3}",
      expected: "s.yaml:5:12: steps[0].calls: calls.min (5) must be <= calls.max (3)",
    },
  ];
  for (const { calls, expected } of invalid) {
    await t.step(`calls: ${calls}`, () => {
      assert.deepEqual(errors(withSteps(...leaf("[a]", `calls: ${calls}`))), [expected]);
    });
  }
  await t.step("calls with nothing after the colon", () => {
    assert.deepEqual(errors(withSteps(...leaf("[a]", "calls:"))), [
      "s.yaml:5:11: steps[0].calls: must be a mapping",
    ]);
  });
});

Deno.test("parseScenario() checks groups (SCN-18)", async (t) => {
  const group = (...body: string[]) => ["  - group:", ...body.map((l) => `      ${l}`)];
  const cases = [
    {
      name: "mode ordered",
      lines: group("mode: ordered", "steps: [{match: {argv: [a]}}]"),
      expected: ['s.yaml:5:13: steps[0].group.mode: group.mode must be "unordered", got "ordered"'],
    },
    {
      name: "mode missing",
      lines: group("name: g", "steps: [{match: {argv: [a]}}]"),
      expected: ['s.yaml:5:7: steps[0].group: missing required key "mode"'],
    },
    {
      name: "steps missing",
      lines: group("mode: unordered"),
      expected: ['s.yaml:5:7: steps[0].group: missing required key "steps"'],
    },
    {
      name: "steps empty",
      lines: group("mode: unordered", "steps: []"),
      expected: ["s.yaml:6:14: steps[0].group.steps: must have at least one step"],
    },
    {
      name: "nested group",
      lines: group(
        "mode: unordered",
        "steps:",
        "  - match: {argv: [a]}",
        "  - group: {mode: unordered, steps: [{match: {argv: [b]}}]}",
      ),
      expected: ["s.yaml:8:11: steps[0].group.steps[1]: nested groups are not allowed"],
    },
    {
      name: "group is a scalar",
      lines: ["  - group: unordered"],
      expected: ["s.yaml:4:12: steps[0].group: must be a mapping"],
    },
    {
      name: "blank name",
      lines: group("mode: unordered", "name: ' '", "steps: [{match: {argv: [a]}}]"),
      expected: ["s.yaml:6:13: steps[0].group.name: group.name must not be empty"],
    },
    {
      name: "a bad member does not hide a bad sibling",
      lines: group(
        "mode: unordered",
        "steps:",
        "  - match: {argv: [a]}",
        "    respond: {exit: x}",
        "  - match: {argv: [b]}",
        "    calls: {min: 3, max: 1}",
      ),
      expected: [
        "s.yaml:8:27: steps[0].group.steps[0].respond.exit: must be an integer",
        "s.yaml:10:18: steps[0].group.steps[1].calls: calls.min (3) must be <= calls.max (1)",
      ],
    },
  ];
  for (const { name, lines, expected } of cases) {
    await t.step(name, () => assert.deepEqual(errors(withSteps(...lines)), expected));
  }
  const g = (name?: string) =>
    `  - group: {mode: unordered, ${
      name === undefined ? "" : `name: ${name}, `
    }steps: [{match: {argv: [x]}}]}`;
  await t.step("unnamed groups are group-N by ordinal among all groups", () => {
    const s = load(withSteps(g("a"), g(), ...leaf("[y]"), g(), g("b")));
    assert.deepEqual(s.groups.map((x) => x.name), ["a", "group-2", "group-3", "b"]);
    assert.deepEqual(s.steps.map((x) => x.group), ["a", "group-2", undefined, "group-3", "b"]);
  });
  await t.step("duplicate written names", () => {
    assert.deepEqual(errors(withSteps(g("a"), g("a"))), [
      's.yaml:5:36: steps[1].group: duplicate group name "a" (also used by steps[0])',
    ]);
  });
  await t.step("a written name equal to a generated one", () => {
    assert.deepEqual(errors(withSteps(g("group-2"), g())), [
      's.yaml:5:5: steps[1].group: duplicate group name "group-2" (also used by steps[0])',
    ]);
  });
});

Deno.test("parseScenario() flattens steps and groups in file order (SCN-19)", () => {
  const s = load(withSteps(
    ...leaf("[a]"),
    "  - group:",
    "      mode: unordered",
    "      name: g1",
    "      steps:",
    "        - match: {argv: [b]}",
    "        - match: {argv: [c]}",
    "  - group: {mode: unordered, steps: [{match: {argv: [d]}}]}",
    ...leaf("[e]"),
    ...leaf("[b, again]"),
  ));
  assert.deepEqual(
    s.steps.map((x) => [x.index, x.yamlPath, x.argv.join(" "), x.group]),
    [
      [0, "steps[0]", "a", undefined],
      [1, "steps[1].group.steps[0]", "b", "g1"],
      [2, "steps[1].group.steps[1]", "c", "g1"],
      [3, "steps[2].group.steps[0]", "d", "group-2"],
      [4, "steps[3]", "e", undefined],
      [5, "steps[4]", "b again", undefined],
    ],
  );
  assert.deepEqual(s.groups, [
    { name: "g1", start: 1, end: 3 },
    { name: "group-2", start: 3, end: 4 },
  ]);
  assert.deepEqual(s.blocks, [
    { start: 0, end: 1 },
    { start: 1, end: 3, group: 0 },
    { start: 3, end: 4, group: 1 },
    { start: 4, end: 5 },
    { start: 5, end: 6 },
  ]);
  assert.deepEqual(s.elements, [
    { kind: "step", step: 0 },
    { kind: "group", group: 0 },
    { kind: "group", group: 1 },
    { kind: "step", step: 4 },
    { kind: "step", step: 5 },
  ]);
  assert.deepEqual(s.commands, ["a", "b", "c", "d", "e"]);
});

Deno.test("parseScenario() accepts only plain decimal integers (SCN-20)", async (t) => {
  const cases = [
    { written: "0", value: 0 },
    { written: "7", value: 7 },
    { written: "255", value: 255 },
    { written: "+3", value: 3 },
    { written: "007", value: 7 },
    { written: '"1"', error: "must be an integer" },
    { written: "'1'", error: "must be an integer" },
    { written: "1.0", error: "must be an integer" },
    { written: "0x1", error: "must be an integer" },
    { written: "1e2", error: "must be an integer" },
    { written: "+-3", error: "must be an integer" },
    { written: "one", error: "must be an integer" },
    { written: "", error: "must be an integer" },
    { written: "!!str 1", error: "must be an integer" },
    { written: "256", error: "must be between 0 and 255, got 256" },
    { written: "-1", error: "must be between 0 and 255, got -1" },
  ];
  for (const { written, value, error } of cases) {
    await t.step(`exit: ${written}`, () => {
      const text = withSteps(...leaf("[a]", "respond:", `  exit: ${written}`));
      if (error === undefined) {
        assert.equal(step(load(text), 0).respond.exit, value);
      } else {
        const [line] = errors(text);
        assert.match(line ?? "", /^s\.yaml:6:\d+: steps\[0\]\.respond\.exit: /);
        assert.ok(line?.endsWith(`: ${error}`), line);
      }
    });
  }
  await t.step("calls.min and calls.max too", () => {
    assert.deepEqual(errors(withSteps(...leaf("[a]", "calls: {min: '1', max: 1.0}"))), [
      "s.yaml:5:18: steps[0].calls.min: must be an integer",
      "s.yaml:5:28: steps[0].calls.max: must be an integer",
    ]);
    assert.deepEqual(step(load(withSteps(...leaf("[a]", "calls: {min: +2, max: 03}"))), 0).calls, {
      min: 2,
      max: 3,
      explicit: true,
    });
  });
});

Deno.test("parseScenario() supports anchors, aliases and merge keys (SCN-21)", async (t) => {
  await t.step("aliased scalars, mappings and merges", () => {
    const s = load(yaml(
      "meta:",
      "  name: s",
      "  vars: {version: &v 1.10}",
      "steps:",
      "  - match: &m {argv: [&cmd kubectl, get, *v]}",
      "    respond: &r {exit: 3, stdout: hi}",
      "  - match: {argv: [*cmd, apply]}",
      "    respond:",
      "      <<: *r",
      "      exit: 4",
      "  - match: *m",
      "    respond:",
      "      <<: [*r, {stderr: e}]",
    ));
    assert.deepEqual(step(s, 0).argv, ["kubectl", "get", "1.10"]);
    assert.deepEqual(step(s, 1).argv, ["kubectl", "apply"]);
    assert.equal(step(s, 1).respond.exit, 4);
    assert.deepEqual(step(s, 1).respond.stdout, { kind: "text", template: "hi" });
    assert.deepEqual(step(s, 2).argv, ["kubectl", "get", "1.10"]);
    assert.equal(step(s, 2).respond.exit, 3);
    assert.deepEqual(step(s, 2).respond.stderr, { kind: "text", template: "e" });
  });
  await t.step("merged unknown keys are rejected like written ones", () => {
    assert.deepEqual(
      errors(withSteps(
        "  - match: {argv: [a]}",
        "    respond: {capture: &c {id: v}}",
        "  - match: {argv: [b]}",
        "    respond:",
        "      <<: *c",
      )),
      [
        's.yaml:5:28: steps[1].respond: unknown key "id" (expected one of: "exit", "stdout", "stderr", "stdout_file", "stderr_file", "delay", "capture")',
      ],
    );
  });
  await t.step("a merged typo gets a suggestion", () => {
    assert.deepEqual(
      errors(withSteps(
        "  - match: {argv: [a]}",
        "    respond: &r {stdot: x}",
        "  - match: {argv: [b]}",
        "    respond: {<<: *r}",
      )),
      [
        's.yaml:5:18: steps[0].respond: unknown key "stdot" (did you mean "stdout"?)',
        's.yaml:5:18: steps[1].respond: unknown key "stdot" (did you mean "stdout"?)',
      ],
    );
  });
  await t.step("a merge of a scalar", () => {
    assert.deepEqual(
      errors(withSteps("  - match: {argv: &x [a]}", "    respond: {<<: *x}")),
      ["s.yaml:5:15: steps[0].respond: merge key value must be a mapping"],
    );
  });
});

Deno.test("parseScenario() reports all errors, sorted, as SCN-22 lines (SCN-22)", async (t) => {
  await t.step("the contract's example", () => {
    const text = yaml(
      "meta:",
      "  description: Deploys the web app",
      "steps:",
      "  - match:",
      "      argv: [git, status]",
      "  - match:",
      "      argv: [kubectl, apply]",
      "    respond:",
      "      exit: 0",
      "      stdout: ok",
      "      stout: typo",
      "  - match:",
      "      argv: [kubectl, get]",
      "    calls: {min: 5, max: 3}",
    );
    const r = parseScenario(text, { file: "tests/deploy.yaml" });
    assert.ok(!r.ok);
    assert.deepEqual(r.diagnostics.map(formatDiagnostic), [
      'tests/deploy.yaml:2:3: meta: missing required key "name"',
      'tests/deploy.yaml:11:7: steps[1].respond: unknown key "stout" (did you mean "stdout"?)',
      "tests/deploy.yaml:14:12: steps[2].calls: calls.min (5) must be <= calls.max (3)",
    ]);
    assert.deepEqual(r.diagnostics[0], {
      file: "tests/deploy.yaml",
      line: 2,
      column: 3,
      path: "meta",
      message: 'missing required key "name"',
      severity: "error",
    });
  });

  await t.step("every kind of error in one file, in position order", () => {
    const text = yaml(
      "meta:",
      "  name: ' '",
      "  vars: {region: eu, 1bad: x}",
      "  security: {deny_env_vars: ['[x']}",
      "  session: {ttl: forever}",
      "steps:",
      "  - match: {argv: [../x, '{{ .regex \"(\" }}']}",
      "    respond:",
      "      exit: 300",
      "      stdout: '{{ .nope }}'",
      "      capture: {region: x}",
      "      delay: soon",
      "  - group:",
      "      mode: ordered",
      "      steps: [{match: {argv: [b]}, calls: {min: 0}}]",
      "  - match: {argv: [c], stdout: x}",
      "    respond: {stderr: '{{ if }}', stdout: '{{ .capture.later }}'}",
      "  - match: {argv: [d]}",
      "    respond: {capture: {later: v}}",
      "  - match: {argv: [e]}",
      "    respond: {stdout: x, stdout_file: y}",
    );
    assert.deepEqual(errors(text), [
      "s.yaml:2:9: meta.name: meta.name must not be empty",
      's.yaml:3:22: meta.vars.1bad: variable name "1bad" must match [A-Za-z_][A-Za-z0-9_]*',
      's.yaml:4:30: meta.security.deny_env_vars[0]: invalid glob pattern "[x": unterminated character class (missing "]")',
      's.yaml:5:18: meta.session.ttl: invalid duration "forever": expected a duration such as 30s, 10m or 1h',
      's.yaml:7:20: steps[0].match.argv[0]: must be a plain command name (no "/", no template), got "../x"',
      's.yaml:7:26: steps[0].match.argv[1]: invalid regular expression "(": Unterminated group',
      "s.yaml:9:13: steps[0].respond.exit: must be between 0 and 255, got 300",
      's.yaml:10:15: steps[0].respond.stdout: template references undefined variable "nope" (declare it in meta.vars)',
      's.yaml:11:17: steps[0].respond.capture.region: capture identifier "region" conflicts with meta.vars key "region"',
      's.yaml:12:14: steps[0].respond.delay: invalid duration "soon": expected a duration such as 300ms, 1.5h or 1h30m',
      's.yaml:14:13: steps[1].group.mode: group.mode must be "unordered", got "ordered"',
      "s.yaml:15:43: steps[1].group.steps[0].calls: calls.max is required when calls.min is 0",
      's.yaml:16:24: steps[2].match: unknown key "stdout" ("stdout" belongs under respond)',
      's.yaml:17:23: steps[2].respond.stderr: unsupported template action "{{ if }}": supported forms are {{ .name }}, {{ .capture.id }}, {{ "text" }}, {{ `text` }} and {{/* comment */}}',
      's.yaml:17:43: steps[2].respond.stdout: capture "later" is first defined at steps[3] (forward reference)',
      "s.yaml:21:26: steps[4].respond: stdout and stdout_file are mutually exclusive",
    ]);
  });

  await t.step("without a file name the line has no file prefix", () => {
    const r = parseScenario(withSteps(...leaf("[a]", "respond: {stdot: x}")));
    assert.ok(!r.ok);
    assert.equal(r.diagnostics[0]?.file, undefined);
    assert.equal(
      formatDiagnostic(r.diagnostics[0] as Diagnostic),
      '5:15: steps[0].respond: unknown key "stdot" (did you mean "stdout"?)',
    );
  });

  await t.step("columns count characters, not bytes", () => {
    assert.deepEqual(errors(yaml("meta:", "  name: ééé", "  x: 1", "steps:", ...ONE_STEP)), [
      's.yaml:3:3: meta: unknown key "x" (expected one of: "name", "description", "vars", "security", "session")',
    ]);
    assert.deepEqual(errors(withSteps("  - match: {argv: [é, x]}", "    respond: {exit: x}")), [
      "s.yaml:5:21: steps[0].respond.exit: must be an integer",
    ]);
    assert.deepEqual(errors(withSteps("  - match: {argv: [ééé, {x: y}]}")), [
      "s.yaml:4:25: steps[0].match.argv[1]: must be a string",
    ]);
  });
});

Deno.test("parseScenario() runs the load-time semantic checks (SCN-25)", async (t) => {
  const withVars = (...lines: string[]) =>
    yaml("meta:", "  name: s", "  vars: {region: eu, ns: prod}", "steps:", ...lines);
  const cases = [
    {
      name: "regex that does not compile (MATCH-6)",
      text: withVars("  - match: {argv: [a, '{{ .regex \"[z-a]\" }}']}"),
      expected:
        /^s\.yaml:5:23: steps\[0\]\.match\.argv\[1\]: invalid regular expression "\[z-a\]": /,
    },
    {
      name: "empty regex",
      text: withVars("  - match: {argv: [a, '{{ .regex \"\" }}']}"),
      expected: /^s\.yaml:5:23: steps\[0\]\.match\.argv\[1\]: empty regular expression in /,
    },
    {
      name: "unsupported template action (TPL-2)",
      text: withVars(...leaf("[a]", "respond: {stdout: '{{ range .x }}'}")),
      expected:
        /^s\.yaml:6:23: steps\[0\]\.respond\.stdout: unsupported template action "\{\{ range \.x \}\}": supported forms are/,
    },
    {
      name: "unterminated action",
      text: withVars(...leaf("[a]", "respond: {stderr: 'x {{ .ns'}")),
      expected:
        /^s\.yaml:6:23: steps\[0\]\.respond\.stderr: unterminated "\{\{" \(no closing "\}\}"\)$/,
    },
    {
      name: "undefined variable (TPL-5)",
      text: withVars(...leaf("[a]", "respond: {stdout: '{{ .foo }}'}")),
      expected:
        /^s\.yaml:6:23: steps\[0\]\.respond\.stdout: template references undefined variable "foo" \(declare it in meta\.vars\)$/,
    },
    {
      name: "capture identifier form (CAP-4)",
      text: withVars(...leaf("[a]", "respond:", "  capture: {1x: v}")),
      expected:
        /^s\.yaml:7:17: steps\[0\]\.respond\.capture\.1x: capture identifier "1x" must match \[a-zA-Z_\]\[a-zA-Z0-9_\]\*$/,
    },
    {
      name: "capture conflicting with a var (CAP-4)",
      text: withVars(...leaf("[a]", "respond:", "  capture: {region: v}")),
      expected:
        /^s\.yaml:7:17: steps\[0\]\.respond\.capture\.region: capture identifier "region" conflicts with meta\.vars key "region"$/,
    },
    {
      name: "capture defined by no step (CAP-4)",
      text: withVars(...leaf("[a]", "respond: {stdout: '{{ .capture.X }}'}")),
      expected:
        /^s\.yaml:6:23: steps\[0\]\.respond\.stdout: capture "X" is not defined by any step$/,
    },
  ];
  for (const { name, text, expected } of cases) {
    await t.step(name, () => {
      const lines = errors(text);
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0] ?? "", expected);
    });
  }

  await t.step("forward reference to a capture of a later block (CAP-4)", () => {
    assert.deepEqual(
      errors(withSteps(
        ...leaf("[a]"),
        ...leaf("[b]", "respond: {stdout: '{{ .capture.X }}'}"),
        ...leaf("[c]"),
        ...leaf("[d]", "respond: {capture: {X: v}}"),
      )),
      ['s.yaml:6:23: steps[1].respond.stdout: capture "X" is first defined at steps[3] (forward reference)'],
    );
  });
  await t.step("forward reference into a later group member", () => {
    assert.deepEqual(
      errors(withSteps(
        ...leaf("[a]", "respond: {stderr: '{{ .capture.X }}'}"),
        "  - group:",
        "      mode: unordered",
        "      steps:",
        "        - match: {argv: [b]}",
        "          respond: {capture: {X: v}}",
      )),
      [
        's.yaml:5:23: steps[0].respond.stderr: capture "X" is first defined at steps[1].group.steps[0] (forward reference)',
      ],
    );
  });
  await t.step("valid references: own, earlier block, group sibling declared later", () => {
    const s = load(withSteps(
      ...leaf("[a]", "respond: {stdout: '{{ .capture.own }}', capture: {own: 1, early: 2}}"),
      "  - group:",
      "      mode: unordered",
      "      steps:",
      "        - match: {argv: [b]}",
      "          respond: {stdout: '{{ .capture.sib }} {{ .capture.early }}'}",
      "        - match: {argv: [c]}",
      "          respond: {capture: {sib: 3}}",
      ...leaf("[d]", "respond: {stdout: '{{.capture.sib}}{{ .capture.own }}'}"),
    ));
    assert.equal(s.steps.length, 4);
  });
  await t.step("capture ids may be defined by several steps", () => {
    const s = load(withSteps(
      ...leaf("[a]", "respond: {capture: {x: 1}}"),
      ...leaf("[b]", "respond: {stdout: '{{ .capture.x }}', capture: {x: 2}}"),
    ));
    assert.deepEqual(step(s, 1).respond.capture, { x: "2" });
  });
  await t.step("declared variables in argv and templates are fine", () => {
    const s = load(withVars(
      ...leaf(
        "[kubectl, -n, '{{ .ns }}', '--region={{.region}}']",
        "respond: {stdout: '{{- .ns -}}'}",
      ),
    ));
    assert.deepEqual(step(s, 0).argv, ["kubectl", "-n", "{{ .ns }}", "--region={{.region}}"]);
  });
  await t.step("stdin is never a template", () => {
    const s = load(withSteps("  - match: {argv: [a], stdin: '{{ .undeclared }}'}"));
    assert.deepEqual(step(s, 0).stdin, { kind: "text", template: "{{ .undeclared }}" });
  });
});

Deno.test("parseScenario() warns without failing (VAL-7)", async (t) => {
  await t.step("when", () => {
    assert.deepEqual(warnings(withSteps(...leaf("[a]", "when: ${X} == 1"))), [
      's.yaml:5:5: steps[0].when: "when" is not supported and is ignored',
    ]);
  });
  const builtins = [
    "echo",
    "printf",
    "test",
    "'['",
    "true",
    "false",
    "pwd",
    "cd",
    "read",
    "kill",
    "type",
    "command",
  ];
  for (const b of builtins) {
    await t.step(`builtin ${b}`, () => {
      const name = b === "'['" ? "[" : b;
      const r = parse(withSteps(...leaf(`[${b}]`)));
      assert.ok(r.ok);
      assert.deepEqual(r.warnings.map(formatDiagnostic), [
        `s.yaml:4:20: steps[0].match.argv[0]: "${name}" is a shell builtin: calls from shell scripts run the builtin and are not intercepted`,
      ]);
      assert.equal(r.warnings[0]?.severity, "warning");
    });
  }
  await t.step("capture in argv", () => {
    assert.deepEqual(warnings(withSteps(...leaf("[a, 'x{{ .capture.id }}']"))), [
      "s.yaml:4:23: steps[0].match.argv[1]: captures are not substituted in argv; this element is matched literally",
    ]);
  });
  await t.step("delay over 5m, but not at 5m", () => {
    assert.deepEqual(
      warnings(
        withSteps(...leaf("[a]", "respond: {delay: 5m1s}"), ...leaf("[b]", "respond: {delay: 5m}")),
      ),
      ["s.yaml:5:22: steps[0].respond.delay: delay 5m1s exceeds the default --max-delay of 5m"],
    );
  });
  await t.step("no warnings for an ordinary scenario", () => {
    assert.deepEqual(warnings(withSteps(...ONE_STEP)), []);
  });
  await t.step("warnings are kept on an invalid scenario too", () => {
    const r = parse(withSteps(...leaf("[echo]", "calls: {min: 5, max: 3}")));
    assert.ok(!r.ok);
    assert.equal(r.warnings.length, 1);
  });
});

Deno.test("parseScenario() limits match.stdin to 1 MiB (STDIN-4)", async (t) => {
  await t.step("exactly 1 MiB is accepted", () => {
    const s = load(withSteps(`  - match: {argv: [a], stdin: ${"x".repeat(MAX_STDIN_BYTES)}}`));
    assert.equal(
      (step(s, 0).stdin as { template: string }).template.length,
      MAX_STDIN_BYTES,
    );
  });
  await t.step("one byte more is rejected", () => {
    assert.deepEqual(
      errors(withSteps(`  - match: {argv: [a], stdin: ${"x".repeat(MAX_STDIN_BYTES + 1)}}`)),
      ["s.yaml:4:31: steps[0].match.stdin: match.stdin is larger than 1 MiB (1048577 bytes)"],
    );
  });
  await t.step("bytes, not characters, count", () => {
    const text = withSteps(`  - match: {argv: [a], stdin: ${"é".repeat(MAX_STDIN_BYTES / 2 + 1)}}`);
    assert.deepEqual(errors(text), [
      "s.yaml:4:31: steps[0].match.stdin: match.stdin is larger than 1 MiB (1048578 bytes)",
    ]);
  });
  await t.step("binary stdin over 1 MiB", () => {
    const b64 = btoa("\0".repeat(MAX_STDIN_BYTES + 3));
    assert.deepEqual(errors(withSteps(`  - match: {argv: [a], stdin: !!binary ${b64}}`)), [
      "s.yaml:4:40: steps[0].match.stdin: match.stdin is larger than 1 MiB (1048579 bytes)",
    ]);
  });
});
