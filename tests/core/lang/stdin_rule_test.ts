// LANG-4: stdin rules — {regex}, {contains}, {json} — besides exact text and bytes.
import assert from "node:assert/strict";
import { jsonSubsetMismatch, matchStdin } from "../../../core/lang/stdin_rule.ts";
import type { JsonValue, StdinExpectation } from "../../../core/types.ts";

const enc = new TextEncoder();

Deno.test("matchStdin() applies exact text, bytes, regex, contains and json rules (LANG-4, STDIN-2)", async (t) => {
  const rows: {
    name: string;
    rule: StdinExpectation;
    stdin: string | Uint8Array | "too-large" | undefined;
    expected: ReturnType<typeof matchStdin>;
  }[] = [
    {
      name: "text, CRLF and trailing newlines normalised",
      rule: { kind: "text", template: "a\nb" },
      stdin: "a\r\nb\n\n",
      expected: { ok: true },
    },
    {
      name: "text differs",
      rule: { kind: "text", template: "a" },
      stdin: "b",
      expected: { ok: false },
    },
    {
      name: "not read counts as empty",
      rule: { kind: "text", template: "" },
      stdin: undefined,
      expected: { ok: true },
    },
    {
      name: "binary, exact",
      rule: { kind: "binary", bytes: new Uint8Array([0, 1]) },
      stdin: new Uint8Array([0, 1]),
      expected: { ok: true },
    },
    {
      name: "regex found anywhere",
      rule: { kind: "regex", source: "kind: (Pod|Job)" },
      stdin: "apiVersion: v1\nkind: Job\n",
      expected: { ok: true },
    },
    {
      name: "regex anchored per line with (?m)",
      rule: { kind: "regex", source: "(?m)^kind: Job$" },
      stdin: "a\r\nkind: Job\r\n",
      expected: { ok: true },
    },
    {
      name: "regex not found",
      rule: { kind: "regex", source: "^kind" },
      stdin: "apiVersion: v1",
      expected: { ok: false, reason: 'regex "^kind" did not match' },
    },
    {
      name: "contains",
      rule: { kind: "contains", text: "name: web" },
      stdin: "metadata:\n  name: web\n",
      expected: { ok: true },
    },
    {
      name: "contains, CRLF in stdin",
      rule: { kind: "contains", text: "a\nb" },
      stdin: "a\r\nb",
      expected: { ok: true },
    },
    {
      name: "does not contain",
      rule: { kind: "contains", text: "name: api" },
      stdin: "name: web",
      expected: { ok: false, reason: 'does not contain "name: api"' },
    },
    {
      name: "json subset",
      rule: { kind: "json", value: { metadata: { name: "web" } } },
      stdin: '{"kind":"Deployment","metadata":{"name":"web","labels":{}}}',
      expected: { ok: true },
    },
    {
      name: "more than 1 MiB",
      rule: { kind: "contains", text: "x" },
      stdin: "too-large",
      expected: { ok: false, reason: "received more than 1 MiB; not compared" },
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const stdin = typeof row.stdin === "string" && row.stdin !== "too-large"
        ? enc.encode(row.stdin)
        : row.stdin;
      assert.deepEqual(matchStdin(row.rule, stdin), row.expected);
    });
  }
  await t.step("json, stdin that is not JSON: the parser's reason", () => {
    const r = matchStdin({ kind: "json", value: {} }, enc.encode("kind: Pod"));
    assert.equal(r.ok, false);
    assert.match(r.ok ? "" : r.reason ?? "", /^stdin is not valid JSON: ./);
  });
});

Deno.test("jsonSubsetMismatch(): objects by key, arrays element by element, scalars equal (LANG-4)", async (t) => {
  const rows: {
    name: string;
    expected: JsonValue;
    actual: JsonValue;
    reason: string | undefined;
  }[] = [
    {
      name: "extra keys are allowed",
      expected: { a: 1 },
      actual: { a: 1, b: 2 },
      reason: undefined,
    },
    {
      name: "nested objects",
      expected: { a: { b: { c: true } } },
      actual: { a: { b: { c: true, d: null } } },
      reason: undefined,
    },
    {
      name: "a missing key",
      expected: { spec: { replicas: 3 } },
      actual: { spec: {} },
      reason: "at .spec.replicas: missing (expected 3)",
    },
    {
      name: "a different scalar",
      expected: { spec: { replicas: 3 } },
      actual: { spec: { replicas: 2 } },
      reason: "at .spec.replicas: expected 3, got 2",
    },
    {
      name: '3 and "3" differ',
      expected: { n: 3 },
      actual: { n: "3" },
      reason: 'at .n: expected 3, got "3"',
    },
    { name: "null equals null", expected: { n: null }, actual: { n: null }, reason: undefined },
    {
      name: "arrays element by element, each a subset",
      expected: [{ name: "a" }, {}],
      actual: [{ name: "a", x: 1 }, { y: 2 }],
      reason: undefined,
    },
    {
      name: "arrays of another length",
      expected: [1],
      actual: [1, 2],
      reason: "at the top: expected an array of 1 element, got 2",
    },
    {
      name: "an element differs",
      expected: { args: ["apply", "-f"] },
      actual: { args: ["apply", "-k"] },
      reason: 'at .args[1]: expected "-f", got "-k"',
    },
    {
      name: "an object where an array is expected",
      expected: { items: [] },
      actual: { items: {} },
      reason: "at .items: expected an array, got an object",
    },
    {
      name: "a scalar where an object is expected",
      expected: { a: {} },
      actual: { a: "x" },
      reason: 'at .a: expected an object, got "x"',
    },
    {
      name: "keys that are not identifiers are quoted",
      expected: { "app.kubernetes.io/name": "web" },
      actual: {},
      reason: 'at ["app.kubernetes.io/name"]: missing (expected "web")',
    },
    {
      name: "the whole value at the top",
      expected: "a",
      actual: "b",
      reason: 'at the top: expected "a", got "b"',
    },
  ];
  for (const row of rows) {
    await t.step(
      row.name,
      () => assert.equal(jsonSubsetMismatch(row.expected, row.actual), row.reason),
    );
  }
});
