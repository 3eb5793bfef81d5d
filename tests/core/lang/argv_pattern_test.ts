import assert from "node:assert/strict";
import {
  classifyPatternElement,
  compileRegexPattern,
  type PatternElement,
  substituteVars,
} from "../../../core/lang/argv_pattern.ts";

type Classified = PatternElement | { kind: "error"; message: string };

/** Compares a classification, with regexes reduced to their `source` and `flags`. */
function plain(element: Classified): unknown {
  return element.kind === "regex"
    ? { ...element, regex: { source: element.regex.source, flags: element.regex.flags } }
    : element;
}

Deno.test("classifyPatternElement() tells wildcards, regexes, templates and literals apart (MATCH-3, MATCH-6)", async (t) => {
  const declared = new Set(["ns", "region", "capture"]);
  const cases: { p: string; expected: unknown }[] = [
    { p: "pods", expected: { kind: "literal", text: "pods" } },
    { p: "", expected: { kind: "literal", text: "" } },
    { p: "{{ .any }}", expected: { kind: "wildcard" } },
    { p: "{{.any}}", expected: { kind: "wildcard" } },
    { p: "  {{\t.any\n}}  ", expected: { kind: "wildcard" } },
    { p: "x{{ .any }}", expected: { kind: "literal", text: "x{{ .any }}" } },
    { p: "{{ .anything }}", expected: { kind: "literal", text: "{{ .anything }}" } },
    { p: "{{ any }}", expected: { kind: "literal", text: "{{ any }}" } },
    {
      p: '{{ .regex "^prod-" }}',
      expected: { kind: "regex", source: "^prod-", regex: { source: "^prod-", flags: "u" } },
    },
    {
      p: ' {{.regex   "^\\d+$"}} ',
      expected: { kind: "regex", source: "^\\d+$", regex: { source: "^\\d+$", flags: "u" } },
    },
    {
      p: '{{ .regex "a"b" }}',
      expected: { kind: "regex", source: 'a"b', regex: { source: 'a"b', flags: "u" } },
    },
    {
      p: '{{ .regex "}}" }}',
      // A lone "}" is invalid with `u`, so this one is compiled without it.
      expected: { kind: "regex", source: "}}", regex: { source: "}}", flags: "" } },
    },
    {
      p: '{{ .regex "(?i)^PROD" }}',
      expected: { kind: "regex", source: "(?i)^PROD", regex: { source: "^PROD", flags: "iu" } },
    },
    { p: '{{ .regex"x" }}', expected: { kind: "literal", text: '{{ .regex"x" }}' } },
    { p: "{{ .regex x }}", expected: { kind: "literal", text: "{{ .regex x }}" } },
    {
      p: '{{ .regex "" }}',
      expected: { kind: "error", message: 'empty regular expression in "{{ .regex \\"\\" }}"' },
    },
    {
      p: '{{ .regex "(" }}',
      expected: { kind: "error", message: 'invalid regular expression "(": Unterminated group' },
    },
    {
      p: '{{ .regex "[b-a]" }}',
      expected: {
        kind: "error",
        message: 'invalid regular expression "[b-a]": Range out of order in character class',
      },
    },
    { p: "{{ .ns }}", expected: { kind: "template", text: "{{ .ns }}", refs: ["ns"] } },
    { p: "{{.ns}}", expected: { kind: "template", text: "{{.ns}}", refs: ["ns"] } },
    {
      p: "--ns={{ .ns }}/{{ .region }}/{{ .ns }}",
      expected: {
        kind: "template",
        text: "--ns={{ .ns }}/{{ .region }}/{{ .ns }}",
        refs: ["ns", "region"],
      },
    },
    {
      p: "{{ .ns }} {{ .undeclared }}",
      expected: { kind: "template", text: "{{ .ns }} {{ .undeclared }}", refs: ["ns"] },
    },
    { p: "{{ .undeclared }}", expected: { kind: "literal", text: "{{ .undeclared }}" } },
    {
      p: "{{ .capture.x }}",
      expected: { kind: "template", text: "{{ .capture.x }}", refs: [], captures: ["x"] },
    },
    { p: "{{ .capture }}", expected: { kind: "literal", text: "{{ .capture }}" } },
    { p: "{{- .ns }}", expected: { kind: "literal", text: "{{- .ns }}" } },
    {
      p: "go-template={{.metadata.name}}",
      expected: { kind: "literal", text: "go-template={{.metadata.name}}" },
    },
  ];
  for (const { p, expected } of cases) {
    await t.step(JSON.stringify(p), () => {
      assert.deepEqual(plain(classifyPatternElement(p, declared)), expected);
    });
  }
});

Deno.test("compileRegexPattern() compiles ECMAScript with RE2 compatibility rewrites (MATCH-6)", async (t) => {
  const cases: { source: string; flags: string; matches: string[]; rejects: string[] }[] = [
    { source: "^prod-", flags: "u", matches: ["prod-eu"], rejects: ["staging-prod-"] },
    { source: "prod", flags: "u", matches: ["my-prod-x"], rejects: ["PROD"] },
    { source: "^\\d+$", flags: "u", matches: ["123"], rejects: ["12a"] },
    { source: "^.$", flags: "u", matches: ["😀"], rejects: ["ab"] },
    { source: "(?i)^prod", flags: "iu", matches: ["PROD-1"], rejects: ["xprod"] },
    { source: "(?s)a.b", flags: "su", matches: ["a\nb"], rejects: ["ab"] },
    { source: "(?m)^b$", flags: "mu", matches: ["a\nb\nc"], rejects: ["ab"] },
    { source: "(?is)A.B", flags: "isu", matches: ["a\nb"], rejects: ["a\n\nb"] },
    { source: "(?i)(?s)A.B", flags: "isu", matches: ["a\nb"], rejects: ["ab"] },
    { source: "(?P<env>prod|dev)-\\d", flags: "u", matches: ["dev-1"], rejects: ["qa-1"] },
    { source: "\\Aab", flags: "u", matches: ["abc"], rejects: ["cab"] },
    { source: "ab\\z", flags: "u", matches: ["cab"], rejects: ["abc", "ab\n"] },
    { source: "[\\Az]", flags: "", matches: ["A", "z"], rejects: ["b"] },
    { source: "\\\\A", flags: "u", matches: ["\\A"], rejects: ["A"] },
    // Valid only without `u`: compiled without it.
    { source: "a{", flags: "", matches: ["a{"], rejects: ["a"] },
    { source: "\\-x", flags: "", matches: ["-x"], rejects: ["x"] },
  ];
  for (const { source, flags, matches, rejects } of cases) {
    await t.step(JSON.stringify(source), () => {
      const regex = compileRegexPattern(source);
      assert.ok(regex instanceof RegExp, JSON.stringify(regex));
      assert.equal(regex.flags, flags);
      for (const value of matches) assert.ok(regex.test(value), `should match ${value}`);
      for (const value of rejects) assert.ok(!regex.test(value), `should not match ${value}`);
    });
  }
  await t.step("results are memoised per source", () => {
    assert.equal(compileRegexPattern("^memo$"), compileRegexPattern("^memo$"));
  });

  const errors: { source: string; error: string }[] = [
    { source: "(", error: "Unterminated group" },
    { source: "[", error: "Unterminated character class" },
    { source: "a**", error: "Nothing to repeat" },
    { source: "(?U)a", error: "Invalid group" },
    { source: "x(?i)y", error: "Invalid group" },
  ];
  for (const { source, error } of errors) {
    await t.step(`error: ${JSON.stringify(source)}`, () => {
      assert.deepEqual(compileRegexPattern(source), { error });
    });
  }
});

Deno.test("substituteVars() replaces declared {{ .NAME }} references only (MATCH-3, MATCH-7)", async (t) => {
  const vars = { ns: "prod", region: "eu-west", dollar: "$&$1", capture: "no" };
  const cases: { text: string; expected: string }[] = [
    { text: "plain", expected: "plain" },
    { text: "{{ .ns }}", expected: "prod" },
    { text: "{{.ns}}", expected: "prod" },
    { text: "{{ \t.ns\n }}", expected: "prod" },
    { text: "--location={{ .region }}/{{ .ns }}", expected: "--location=eu-west/prod" },
    { text: "{{ .dollar }}", expected: "$&$1" },
    { text: "{{ .unknown }}", expected: "{{ .unknown }}" },
    { text: "{{ .capture }}", expected: "{{ .capture }}" },
    { text: "{{ .capture.ns }}", expected: "{{ .capture.ns }}" },
    { text: "{{ .ns.x }}", expected: "{{ .ns.x }}" },
    { text: "{{ .any }}", expected: "{{ .any }}" },
    { text: "{{ .constructor }}", expected: "{{ .constructor }}" },
    { text: "{{ ns }}", expected: "{{ ns }}" },
    { text: "{{{ .ns }}}", expected: "{prod}" },
  ];
  for (const { text, expected } of cases) {
    await t.step(JSON.stringify(text), () => {
      assert.equal(substituteVars(text, vars), expected);
    });
  }
});

Deno.test("searchRegex() gives the same answers as the u-flag regex, with or without the ASCII twin (MATCH-6, SEC-10)", async (t) => {
  const { searchRegex } = await import("../../../core/lang/argv_pattern.ts");
  const cases: { pattern: string; value: string; expected: boolean }[] = [
    { pattern: "^prod-", value: "prod-eu", expected: true },
    { pattern: "(?i)^PROD", value: "prod", expected: true },
    { pattern: "^.$", value: "😀", expected: true }, // astral: only right with u
    { pattern: "^\\p{Lu}+$", value: "ABC", expected: true }, // u-only syntax
    { pattern: "^(a+)+$", value: "aaaa", expected: true },
    { pattern: "^(a+)+$", value: "aaab", expected: false },
  ];
  for (const { pattern, value, expected } of cases) {
    await t.step(`${pattern} on ${JSON.stringify(value.slice(0, 12))}`, () => {
      const re = compileRegexPattern(pattern);
      assert.ok(re instanceof RegExp);
      assert.equal(searchRegex(re, value), expected);
    });
  }
});
