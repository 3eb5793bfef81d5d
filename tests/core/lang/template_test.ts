import assert from "node:assert/strict";
import fc from "fast-check";
import {
  escapeTemplateText,
  parseTemplate,
  renderTemplate,
  templateCaptureIds,
  type TemplatePart,
  templateVarNames,
} from "../../../core/lang/template.ts";

const SUPPORTED =
  'supported forms are {{ .name }}, {{ .capture.id }}, {{ "text" }}, {{ `text` }} and {{/* comment */}}';

function text(value: string): TemplatePart {
  return { kind: "text", text: value };
}

function v(name: string): TemplatePart {
  return { kind: "var", name };
}

function cap(id: string): TemplatePart {
  return { kind: "capture", id };
}

Deno.test("parseTemplate() parses the supported actions (TPL-2, TPL-6)", async (t) => {
  const cases: { input: string; parts: TemplatePart[] }[] = [
    { input: "", parts: [] },
    { input: "plain text\n", parts: [text("plain text\n")] },
    { input: "}} is text", parts: [text("}} is text")] },
    { input: "a { b } c", parts: [text("a { b } c")] },
    { input: "{{ .ns }}", parts: [v("ns")] },
    { input: "{{.ns}}", parts: [v("ns")] },
    { input: "{{ \t\r\n.ns\n }}", parts: [v("ns")] },
    { input: "{{ ._a1 }}", parts: [v("_a1")] },
    { input: "ns={{ .ns }}!", parts: [text("ns="), v("ns"), text("!")] },
    { input: "{{ .a }}{{ .b }}", parts: [v("a"), v("b")] },
    { input: "{{ .capture.rg }}", parts: [cap("rg")] },
    { input: "{{.capture.rg_1}}", parts: [cap("rg_1")] },
    { input: '{{ "{{" }}', parts: [text("{{")] },
    { input: 'a{{ "{{" }}b', parts: [text("a{{b")] },
    { input: '{{ "x }} y" }}', parts: [text("x }} y")] },
    { input: '{{ "q\\"q" }}', parts: [text('q"q')] },
    { input: '{{ "\\\\ \\n \\t \\r" }}', parts: [text("\\ \n \t \r")] },
    { input: '{{ "\\u00e9\\u4E2D" }}', parts: [text("\u00e9\u4e2d")] },
    { input: '{{ "" }}', parts: [] },
    { input: '{{ `raw \\n {{ }} "` }}', parts: [text('raw \\n {{ }} "')] },
    { input: "{{ `multi\nline` }}", parts: [text("multi\nline")] },
    { input: "a{{/* comment */}}b", parts: [text("ab")] },
    { input: "a{{/* }} inside */}}b", parts: [text("ab")] },
    { input: "a{{ /* spaced */ }}b", parts: [text("ab")] },
    { input: "a \n{{- /* x */ -}}\n b", parts: [text("ab")] },
    { input: "a \t\r\n{{- .x }} b", parts: [text("a"), v("x"), text(" b")] },
    { input: "a {{ .x -}} \t\r\n b", parts: [text("a "), v("x"), text("b")] },
    { input: "a {{- .x -}} b", parts: [text("a"), v("x"), text("b")] },
    { input: "a {{-\n.x\n-}} b", parts: [text("a"), v("x"), text("b")] },
    { input: "a {{- .x}}", parts: [text("a"), v("x")] },
    // Trim markers trim the template text only, never the output of a string literal.
    { input: '{{ " " }} {{- .x }}', parts: [text(" "), v("x")] },
    { input: '{{ .x -}} {{ " " }}', parts: [v("x"), text(" ")] },
    {
      input: "line1\n{{ .a }}\n{{ .capture.b }}\n",
      parts: [
        text("line1\n"),
        v("a"),
        text("\n"),
        cap("b"),
        text("\n"),
      ],
    },
    { input: "é{{ .x }}😀", parts: [text("é"), v("x"), text("😀")] },
  ];
  for (const { input, parts } of cases) {
    await t.step(JSON.stringify(input), () => {
      assert.deepEqual(parseTemplate(input), { ok: true, parts });
    });
  }
});

Deno.test("parseTemplate() rejects other actions, listing the supported forms (TPL-2)", async (t) => {
  const unsupported = (action: string) =>
    `unsupported template action ${JSON.stringify(action)}: ${SUPPORTED}`;
  const cases: { input: string; message: string; offset: number }[] = [
    { input: "{{ if .x }}", message: unsupported("{{ if .x }}"), offset: 0 },
    { input: "ab {{ if .x }}y{{ end }}", message: unsupported("{{ if .x }}"), offset: 3 },
    { input: "{{ range .items }}", message: unsupported("{{ range .items }}"), offset: 0 },
    { input: "{{ .x | upper }}", message: unsupported("{{ .x | upper }}"), offset: 0 },
    { input: '{{ printf "%s" .x }}', message: unsupported('{{ printf "%s" .x }}'), offset: 0 },
    { input: "{{ .a.b.c }}", message: unsupported("{{ .a.b.c }}"), offset: 0 },
    { input: "{{ .a.b }}", message: unsupported("{{ .a.b }}"), offset: 0 },
    { input: "{{ .capture }}", message: unsupported("{{ .capture }}"), offset: 0 },
    { input: "{{ .capture.1x }}", message: unsupported("{{ .capture.1x }}"), offset: 0 },
    { input: "{{ .1x }}", message: unsupported("{{ .1x }}"), offset: 0 },
    { input: "{{ . }}", message: unsupported("{{ . }}"), offset: 0 },
    { input: "{{ 42 }}", message: unsupported("{{ 42 }}"), offset: 0 },
    { input: "{{ $x }}", message: unsupported("{{ $x }}"), offset: 0 },
    { input: "{{ x }}", message: unsupported("{{ x }}"), offset: 0 },
    { input: "{{}}", message: unsupported("{{}}"), offset: 0 },
    { input: "{{ }}", message: unsupported("{{ }}"), offset: 0 },
    { input: "{{- -}}", message: unsupported("{{- -}}"), offset: 0 },
    { input: "{{-.x}}", message: unsupported("{{-.x}}"), offset: 0 },
    { input: "{{.x-}}", message: unsupported("{{.x-}}"), offset: 0 },
    { input: '{{ "a" "b" }}', message: unsupported('{{ "a" "b" }}'), offset: 0 },
    { input: '{{ "\\q" }}', message: unsupported('{{ "\\q" }}'), offset: 0 },
    { input: '{{ "\\u12" }}', message: unsupported('{{ "\\u12" }}'), offset: 0 },
    { input: '{{ "\\ud800" }}', message: unsupported('{{ "\\ud800" }}'), offset: 0 },
    { input: '{{ "a\nb }}', message: unsupported('{{ "a\nb }}'), offset: 0 },
    {
      input: '{{ "a\nb" }}',
      message: 'unterminated string literal in "{{" action (no closing \'"\')',
      offset: 0,
    },
    { input: "{{ `a` `b` }}", message: unsupported("{{ `a` `b` }}"), offset: 0 },
    { input: "{{/* c */ .x }}", message: unsupported("{{/* c */ .x }}"), offset: 0 },
    { input: "{{/* c */-}}", message: unsupported("{{/* c */-}}"), offset: 0 },
    { input: "{{{ .x }}", message: unsupported("{{{ .x }}"), offset: 0 },
    { input: "x {{ .a }} {{ nope }}", message: unsupported("{{ nope }}"), offset: 11 },
    { input: "😀{{ nope }}", message: unsupported("{{ nope }}"), offset: 2 },
    { input: "{{", message: 'unterminated "{{" (no closing "}}")', offset: 0 },
    { input: "abc {{ .x", message: 'unterminated "{{" (no closing "}}")', offset: 4 },
    { input: "abc {{ .x }", message: 'unterminated "{{" (no closing "}}")', offset: 4 },
    { input: "{{ .a }} {{", message: 'unterminated "{{" (no closing "}}")', offset: 9 },
    {
      input: '{{ "abc }}',
      message: 'unterminated string literal in "{{" action (no closing \'"\')',
      offset: 0,
    },
    {
      input: "{{ `abc }}",
      message: 'unterminated raw string in "{{" action (no closing "`")',
      offset: 0,
    },
    { input: "{{/* abc }}", message: 'unterminated comment (no closing "*/")', offset: 0 },
  ];
  for (const { input, message, offset } of cases) {
    await t.step(JSON.stringify(input), () => {
      assert.deepEqual(parseTemplate(input), { ok: false, message, offset });
    });
  }
  await t.step("a long action is shortened in the message", () => {
    const result = parseTemplate(`{{ if ${"x".repeat(200)} }}`);
    assert.ok(!result.ok);
    assert.match(result.message, /^unsupported template action "\{\{ if x+\.\.\.": supported/);
  });
});

Deno.test("parseTemplate() handles large inputs completely (TPL-2)", async (t) => {
  const cases = [
    {
      name: "many actions",
      input: 'x {{ .a }} {{ .capture.b }} {{ "{{" }}\n'.repeat(20_000),
      ok: true,
    },
    { name: "no actions", input: "plain } text { ".repeat(100_000), ok: true },
    {
      name: "unterminated after many actions",
      input: "{{ .a }}".repeat(50_000) + "{{ `",
      ok: false,
    },
  ];
  for (const { name, input, ok } of cases) {
    await t.step(name, () => {
      assert.equal(parseTemplate(input).ok, ok);
    });
  }
});

Deno.test("renderTemplate() renders vars, captures and text (TPL-2, TPL-3, CAP-3)", async (t) => {
  const vars = { ns: "prod", region: "eu" };
  const captures = { rg: "rg-123" };
  const cases: { input: string; expected: string }[] = [
    { input: "", expected: "" },
    { input: "ns={{ .ns }} region={{ .region }}", expected: "ns=prod region=eu" },
    { input: "{{ .capture.rg }}", expected: "rg-123" },
    { input: "[{{ .capture.missing }}]", expected: "[]" },
    { input: "[{{ .undeclared }}]", expected: "[]" },
    { input: "[{{ .constructor }}{{ .capture.toString }}]", expected: "[]" },
    { input: '{{ "{{" }} .ns }}', expected: "{{ .ns }}" },
    { input: "a\n  {{- .ns -}}\n  b", expected: "aprodb" },
    { input: "{{/* hidden */}}shown", expected: "shown" },
  ];
  for (const { input, expected } of cases) {
    await t.step(JSON.stringify(input), () => {
      const parsed = parseTemplate(input);
      assert.ok(parsed.ok);
      assert.equal(renderTemplate(parsed.parts, vars, captures), expected);
    });
  }
});

Deno.test("templateVarNames() and templateCaptureIds() list references once (TPL-5, CAP-4)", async (t) => {
  const cases: { input: string; vars: string[]; captures: string[] }[] = [
    { input: "plain", vars: [], captures: [] },
    { input: "{{ .b }} {{ .a }} {{ .b }}", vars: ["b", "a"], captures: [] },
    { input: "{{ .capture.y }}{{ .capture.x }}{{ .capture.y }}", vars: [], captures: ["y", "x"] },
    { input: '{{ .ns }} {{ .capture.rg }} {{ "{{ .fake }}" }}', vars: ["ns"], captures: ["rg"] },
  ];
  for (const { input, vars, captures } of cases) {
    await t.step(JSON.stringify(input), () => {
      const parsed = parseTemplate(input);
      assert.ok(parsed.ok);
      assert.deepEqual(templateVarNames(parsed.parts), vars);
      assert.deepEqual(templateCaptureIds(parsed.parts), captures);
    });
  }
});

Deno.test("escapeTemplateText() escapes text that renders back to itself (TPL-6)", async (t) => {
  const cases: { input: string; expected: string }[] = [
    { input: "", expected: "" },
    { input: "no braces }}", expected: "no braces }}" },
    { input: "{{", expected: '{{ "{{" }}' },
    { input: "{{{", expected: '{{ "{{" }}{' },
    { input: "{{{{", expected: '{{ "{{" }}{{ "{{" }}' },
    { input: "go-template={{.metadata.name}}", expected: 'go-template={{ "{{" }}.metadata.name}}' },
    { input: "a {{- b -}} c", expected: 'a {{ "{{" }}- b -}} c' },
  ];
  for (const { input, expected } of cases) {
    await t.step(JSON.stringify(input), () => {
      const escaped = escapeTemplateText(input);
      assert.equal(escaped, expected);
      const parsed = parseTemplate(escaped);
      assert.ok(parsed.ok);
      assert.equal(renderTemplate(parsed.parts, {}, {}), input);
    });
  }
  await t.step("any text round-trips", () => {
    const alphabet = fc.constantFrom("{", "}", "-", " ", "\n", "\t", '"', "`", "/", "*", ".", "a");
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet })), (input) => {
        const parsed = parseTemplate(escapeTemplateText(input));
        assert.ok(parsed.ok);
        assert.equal(renderTemplate(parsed.parts, {}, {}), input);
      }),
    );
  });
});
