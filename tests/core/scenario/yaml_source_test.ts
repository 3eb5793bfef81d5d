import assert from "node:assert/strict";
import { errors, leaf, load, ONE_STEP, step, withSteps, yaml } from "./_helpers.ts";

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
        's.yaml:5:28: steps[1].respond: unknown key "id" (expected one of: "exit", "stdout", "stderr", "stdout_file", "stderr_file", "delay", "signal", "capture")',
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
