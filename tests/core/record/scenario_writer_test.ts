// Tests of core/record/scenario_writer.ts: recorded steps as scenario YAML (REC-7, REC-8).
import assert from "node:assert/strict";
import fc from "fast-check";
import type { RecordedCall } from "../../../core/record/log.ts";
import { recordingToScenarioYaml } from "../../../core/record/scenario_writer.ts";
import { parseScenario } from "../../../core/scenario/parse.ts";
import { parseTemplate, renderTemplate } from "../../../core/lang/template.ts";
import type { Content } from "../../../core/types.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { ignoreBOM: true });
const NONE = new Uint8Array();

function call(partial: Partial<RecordedCall> & { argv: string[] }): RecordedCall {
  return {
    timestamp: "2026-02-07T10:00:00.000Z",
    exit: 0,
    stdout: NONE,
    stderr: NONE,
    ...partial,
  };
}

/** The YAML of a one-step scenario whose stdout is `bytes`, from `stdout:` on. */
function stdoutYaml(bytes: Uint8Array): string {
  const yaml = recordingToScenarioYaml([call({ argv: ["t"], stdout: bytes })], { name: "s" });
  return yaml.slice(yaml.indexOf("      stdout:"));
}

/** What a loaded content renders to, as bytes (TPL-1; binary is never rendered). */
function rendered(content: Content | undefined): Uint8Array {
  if (content === undefined) return NONE;
  if (content.kind === "binary") return content.bytes;
  if (content.kind === "file") throw new Error("unexpected file content");
  const parsed = parseTemplate(content.template);
  if (!parsed.ok) throw new Error(parsed.message);
  return enc.encode(renderTemplate(parsed.parts, {}, {}));
}

Deno.test("recordingToScenarioYaml() writes the REC-8 example exactly", () => {
  const yaml = recordingToScenarioYaml([
    call({
      argv: ["kubectl", "apply", "-f", "-"],
      timestamp: "2026-02-07T10:00:01Z",
      stdin: enc.encode("apiVersion: apps/v1\nkind: Deployment\n"),
      stdout: enc.encode("deployment.apps/web created\n"),
    }),
    call({
      argv: ["kubectl", "get", "pods"],
      stdout: enc.encode("NAME    READY   STATUS\nweb-0   1/1     Running\n"),
    }),
  ], { name: "deploy-flow", description: "Deploy flow" });
  assert.equal(
    yaml,
    `meta:
  name: "deploy-flow"
  description: "Deploy flow"
steps:
  - match:
      argv: ["kubectl", "get", "pods"]
    respond:
      exit: 0
      stdout: |
        NAME    READY   STATUS
        web-0   1/1     Running
  - match:
      argv: ["kubectl", "apply", "-f", "-"]
      stdin: |
        apiVersion: apps/v1
        kind: Deployment
    respond:
      exit: 0
      stdout: |
        deployment.apps/web created
`,
  );
});

Deno.test("recordingToScenarioYaml() picks the scalar style of REC-8", async (t) => {
  const cases: { name: string; text: string | Uint8Array; yaml: string }[] = [
    { name: "one line with newline", text: "hello\n", yaml: "|\n        hello\n" },
    { name: "no trailing newline", text: "a\nb", yaml: "|-\n        a\n        b\n" },
    { name: "trailing empty lines", text: "a\n\n", yaml: "|+\n        a\n\n" },
    { name: "only a newline", text: "\n", yaml: "|+\n\n" },
    { name: "empty line inside", text: "a\n\nb\n", yaml: "|\n        a\n\n        b\n" },
    { name: "leading spaces", text: "  x\ny\n", yaml: "|2\n          x\n        y\n" },
    { name: "leading empty line", text: "\n  x\n", yaml: "|2\n\n          x\n" },
    { name: "tabs in a block", text: "a\tb\n\tc\n", yaml: "|\n        a\tb\n        \tc\n" },
    { name: "tab first", text: "\tx\ny\n", yaml: "|2\n        \tx\n        y\n" },
    { name: "single line", text: "web-0", yaml: '"web-0"\n' },
    { name: "tab without newline", text: "a\tb", yaml: '"a\\tb"\n' },
    { name: "CRLF", text: "a\r\nb\r\n", yaml: '"a\\r\\nb\\r\\n"\n' },
    { name: "trailing blank line", text: "a\n  \n", yaml: '"a\\n  \\n"\n' },
    { name: "control characters", text: "\x00\x1b[0m\x7f\n", yaml: '"\\0\\e[0m\\x7F\\n"\n' },
    { name: "quotes and backslashes", text: 'say "hi" \\o/', yaml: '"say \\"hi\\" \\\\o/"\n' },
    { name: "BOM kept", text: "\uFEFFx", yaml: '"\\uFEFFx"\n' },
    { name: "line separator", text: "a\u2028b\n", yaml: '"a\\Lb\\n"\n' },
    { name: "non-ASCII as is", text: "héllo ✓\n", yaml: "|\n        héllo ✓\n" },
    {
      name: "template braces escaped (TPL-6)",
      text: "{{ .Names }}\n}}",
      yaml: '|-\n        {{ "{{" }} .Names }}\n        }}\n',
    },
    {
      name: "invalid UTF-8 as !!binary",
      text: new Uint8Array([0xff, 0xfe, 0x00, 0x41]),
      yaml: "!!binary |\n        //4AQQ==\n",
    },
    {
      name: "long binary wrapped at 76 columns",
      text: new Uint8Array(60).fill(0xff),
      yaml: `!!binary |\n        ${"/".repeat(76)}\n        ${"/".repeat(4)}\n`,
    },
  ];
  for (const { name, text, yaml } of cases) {
    await t.step(name, () => {
      const bytes = typeof text === "string" ? enc.encode(text) : text;
      assert.equal(stdoutYaml(bytes), `      stdout: ${yaml}`);
      const parsed = parseScenario(recordingToScenarioYaml([call({ argv: ["t"], stdout: bytes })], {
        name: "s",
      }));
      assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.diagnostics));
      assert.deepEqual(rendered(parsed.scenario.steps[0]?.respond.stdout), bytes);
    });
  }
});

Deno.test("recordingToScenarioYaml() writes argv as double-quoted flow items, kept exactly", () => {
  const argv = ["tool", "a  b", "it's", 'say "hi"', "", "x\ny", "{{ .any }}", "1.10", "~", "#c"];
  const yaml = recordingToScenarioYaml([call({ argv })], { name: "s" });
  assert.match(
    yaml,
    /^ {6}argv: \["tool", "a {2}b", "it's", "say \\"hi\\"", "", "x\\ny", "\{\{ \.any \}\}", "1\.10", "~", "#c"\]$/m,
  );
  const parsed = parseScenario(yaml);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.scenario.steps[0]?.argv, argv);
});

Deno.test("recordingToScenarioYaml() writes only what was recorded (REC-7)", async (t) => {
  await t.step("exit always; stdout, stderr, stdin only when non-empty", () => {
    const yaml = recordingToScenarioYaml(
      [call({ argv: ["a"], exit: 7, stdin: NONE }), call({ argv: ["b"], stderr: enc.encode("e") })],
      { name: "s" },
    );
    assert.equal(
      yaml,
      [
        "meta:",
        '  name: "s"',
        "steps:",
        "  - match:",
        '      argv: ["a"]',
        "    respond:",
        "      exit: 7",
        "  - match:",
        '      argv: ["b"]',
        "    respond:",
        "      exit: 0",
        '      stderr: "e"',
        "",
      ].join("\n"),
    );
  });
  await t.step("a truncated stdin is not written", () => {
    const yaml = recordingToScenarioYaml([call({ argv: ["a"], stdinTruncated: true })], {
      name: "s",
    });
    assert.doesNotMatch(yaml, /stdin/);
  });
  await t.step("a multi-line description is a block literal", () => {
    const yaml = recordingToScenarioYaml([call({ argv: ["a"] })], {
      name: "n",
      description: "line 1\nline 2\n",
    });
    assert.match(yaml, /^ {2}description: \|\n {4}line 1\n {4}line 2\nsteps:/m);
    const parsed = parseScenario(yaml);
    assert.ok(parsed.ok);
    assert.equal(parsed.scenario.meta.description, "line 1\nline 2\n");
  });
});

Deno.test("recordingToScenarioYaml() round-trips any recorded call through the loader", () => {
  const piece = fc.constantFrom(
    "a",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "{{",
    "}}",
    "{{-",
    '"',
    "'",
    "#",
    ": ",
    "- ",
    "é",
    "\u0085",
    "\u2028",
    "\u0000",
    "\u007f",
    "\uFEFF",
    "|",
    ">",
    "*",
    "&",
    "!",
    "%",
    "\\",
  );
  const text = fc.array(piece, { maxLength: 16 }).map((parts) => parts.join(""));
  const bytes = fc.oneof(text.map((s) => enc.encode(s)), fc.uint8Array({ maxLength: 24 }));
  fc.assert(
    fc.property(
      text,
      bytes,
      bytes,
      bytes,
      fc.integer({ min: 0, max: 255 }),
      (arg, out, err, input, exit) => {
        const recorded = call({ argv: ["cmd", arg], exit, stdout: out, stderr: err, stdin: input });
        const parsed = parseScenario(recordingToScenarioYaml([recorded], { name: `n${arg}` }));
        assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.diagnostics));
        const step = parsed.scenario.steps[0]!;
        assert.deepEqual(step.argv, ["cmd", arg]);
        assert.equal(parsed.scenario.meta.name, `n${arg}`);
        assert.equal(step.respond.exit, exit);
        assert.deepEqual(rendered(step.respond.stdout), out);
        assert.deepEqual(rendered(step.respond.stderr), err);
        if (input.length === 0) assert.equal(step.stdin, undefined);
        else if (step.stdin?.kind === "binary") assert.deepEqual(step.stdin.bytes, input);
        else assert.equal(step.stdin?.kind === "text" && step.stdin.template, dec.decode(input));
      },
    ),
    { numRuns: 400 },
  );
});
