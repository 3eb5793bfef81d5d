import assert from "node:assert/strict";
import { MAX_STDIN_BYTES } from "../../../core/scenario/parse.ts";
import { formatDiagnostic } from "../../../core/scenario/format.ts";
import {
  errors,
  leaf,
  load,
  ONE_STEP,
  parse,
  step,
  warnings,
  withSteps,
  yaml,
} from "./_helpers.ts";

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
  await t.step("capture in argv: substituted since LANG-3, so no warning", () => {
    assert.deepEqual(
      warnings(withSteps(
        ...leaf("[a]", "respond: {capture: {id: x}}"),
        ...leaf("[a, 'x{{ .capture.id }}']"),
      )),
      [],
    );
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
