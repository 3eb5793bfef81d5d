import assert from "node:assert/strict";
import { errors, leaf, ONE_STEP, parse, withSteps, yaml } from "./_helpers.ts";

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
        's.yaml:6:7: steps[0].match: unknown key "zzzzzz" (expected one of: "argv", "stdin", "env")',
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
      expected: ["s.yaml:6:14: steps[0].match.stdin: must be a string or a mapping"],
    },
    {
      name: "respond is a scalar",
      text: withSteps(...leaf("[a]", "respond: ok")),
      expected: ["s.yaml:5:14: steps[0].respond: must be a mapping or a sequence of mappings"],
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
      expected: ["s.yaml:6:21: steps[0].respond.capture.id: must be a string or a mapping"],
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
