import assert from "node:assert/strict";
import fc from "fast-check";
import { explainArgvMismatch, matchArgv } from "../../../core/lang/matcher.ts";
import type { ArgvDiff } from "../../../core/types.ts";

/** The effective values of the MATCH-9 examples: `ns: prod` overridden by the environment. */
const VARS = { ns: "staging" };

Deno.test("matchArgv() matches every MATCH-9 example (MATCH-2, MATCH-3, MATCH-6, MATCH-7, MATCH-9)", async (t) => {
  const cases: { pattern: string[]; received: string[]; expected: boolean; note: string }[] = [
    {
      pattern: ["kubectl", "get", "pods"],
      received: ["kubectl", "get", "pods"],
      expected: true,
      note: "literal",
    },
    {
      pattern: ["kubectl", "get", "pods"],
      received: ["kubectl", "get", "pods", "-A"],
      expected: false,
      note: "length",
    },
    {
      pattern: ["az", "group", "list", "{{ .any }}"],
      received: ["az", "group", "list", ""],
      expected: true,
      note: "wildcard matches the empty string",
    },
    {
      pattern: ["kubectl", "-n", '{{ .regex "^prod-" }}'],
      received: ["kubectl", "-n", "prod-eu"],
      expected: true,
      note: "regex",
    },
    {
      pattern: ["kubectl", "-n", '{{ .regex "prod" }}'],
      received: ["kubectl", "-n", "my-prod-x"],
      expected: true,
      note: "regex is unanchored",
    },
    {
      pattern: ["kubectl", "-n", "{{ .ns }}"],
      received: ["kubectl", "-n", "staging"],
      expected: true,
      note: "environment override",
    },
    {
      pattern: ["kubectl", "-o", "go-template={{.metadata.name}}"],
      received: ["kubectl", "-o", "go-template={{.metadata.name}}"],
      expected: true,
      note: "template-looking literal",
    },
    { pattern: ["tool", "1.10"], received: ["tool", "1.10"], expected: true, note: "literal" },
    { pattern: ["tool", "1.10"], received: ["tool", "1.1"], expected: false, note: "literal" },
  ];
  for (const { pattern, received, expected, note } of cases) {
    await t.step(`${JSON.stringify(pattern)} vs ${JSON.stringify(received)} (${note})`, () => {
      assert.equal(matchArgv(pattern, received, VARS), expected);
      assert.equal(explainArgvMismatch(pattern, received, VARS) === undefined, expected);
    });
  }
});

Deno.test("matchArgv() applies element rules in order, argv[0] always literal (MATCH-2..8)", async (t) => {
  const vars = { ns: "prod", region: "eu" };
  const cases: {
    pattern: string[];
    received: string[];
    vars?: Record<string, string>;
    expected: boolean;
  }[] = [
    { pattern: [], received: [], expected: true },
    { pattern: ["git"], received: ["git"], expected: true },
    { pattern: ["git"], received: [], expected: false },
    { pattern: ["git", "status"], received: ["git"], expected: false },
    { pattern: ["Git"], received: ["git"], expected: false },
    { pattern: ["git", "status "], received: ["git", "status"], expected: false },
    { pattern: ["e", "\u00e9"], received: ["e", "e\u0301"], expected: false },
    { pattern: ["{{ .any }}"], received: ["kubectl"], expected: false },
    { pattern: ["{{ .any }}"], received: ["{{ .any }}"], expected: true },
    { pattern: ['{{ .regex "." }}'], received: ["kubectl"], expected: false },
    { pattern: ["{{ .ns }}"], received: ["prod"], vars, expected: false },
    { pattern: ["x", "{{.any}}", " {{ .any }} "], received: ["x", "a", "b"], expected: true },
    { pattern: ["x", "x{{ .any }}"], received: ["x", "xy"], expected: false },
    { pattern: ["x", '{{ .regex "^a+$" }}'], received: ["x", "aaa"], expected: true },
    { pattern: ["x", '{{ .regex "^a+$" }}'], received: ["x", "aab"], expected: false },
    { pattern: ["x", '{{ .regex "(?i)^A" }}'], received: ["x", "abc"], expected: true },
    { pattern: ["x", '{{ .regex "(" }}'], received: ["x", "("], expected: false },
    { pattern: ["x", '{{ .regex "" }}'], received: ["x", "a"], expected: false },
    { pattern: ["x", '{{ .regex "" }}'], received: ["x", '{{ .regex "" }}'], expected: true },
    { pattern: ["x", "{{ .ns }}"], received: ["x", "prod"], vars, expected: true },
    { pattern: ["x", "{{ .ns }}"], received: ["x", "prod"], expected: false },
    { pattern: ["x", "{{ .ns }}"], received: ["x", "{{ .ns }}"], vars, expected: true },
    {
      pattern: ["x", "--ns={{.ns}}@{{ .region }}"],
      received: ["x", "--ns=prod@eu"],
      vars,
      expected: true,
    },
    {
      pattern: ["x", "{{ .ns }}-{{ .other }}"],
      received: ["x", "prod-{{ .other }}"],
      vars,
      expected: true,
    },
    { pattern: ["x", "{{ .other }}"], received: ["x", ""], vars, expected: false },
    { pattern: ["x", "{{ .ns }}"], received: ["x", "PROD"], vars, expected: false },
    { pattern: ["x", "{{ .capture.ns }}"], received: ["x", "prod"], vars, expected: false },
    { pattern: ["x", "{{ .ns }}"], received: ["x", ""], vars: { ns: "" }, expected: true },
  ];
  for (const { pattern, received, vars, expected } of cases) {
    const name = `${JSON.stringify(pattern)} vs ${JSON.stringify(received)}`;
    await t.step(vars === undefined ? name : `${name} with ${JSON.stringify(vars)}`, () => {
      assert.equal(matchArgv(pattern, received, vars), expected);
    });
  }
});

Deno.test("explainArgvMismatch() reports the first difference (MATCH-9)", async (t) => {
  const cases: {
    pattern: string[];
    received: string[];
    vars?: Record<string, string>;
    expected: ArgvDiff | undefined;
  }[] = [
    {
      pattern: ["kubectl", "get", "pods"],
      received: ["kubectl", "get", "pods"],
      expected: undefined,
    },
    {
      pattern: ["kubectl", "get", "pods"],
      received: ["kubectl", "get", "deployments"],
      expected: {
        position: 2,
        kind: "literal",
        pattern: "pods",
        received: "deployments",
        reason: 'expected "pods", got "deployments"',
      },
    },
    {
      pattern: ["kubectl", "get", "pods", "-n", '{{ .regex "^prod-.*" }}'],
      received: ["kubectl", "get", "pods", "-n", "staging-app"],
      expected: {
        position: 4,
        kind: "regex",
        pattern: "^prod-.*",
        received: "staging-app",
        reason: 'regex "^prod-.*" did not match "staging-app"',
      },
    },
    {
      pattern: ["kubectl", "-n", "{{ .ns }}"],
      received: ["kubectl", "-n", "prod"],
      vars: VARS,
      expected: {
        position: 2,
        kind: "template",
        pattern: "staging",
        source: "{{ .ns }}",
        received: "prod",
        reason: 'expected "staging", got "prod"',
      },
    },
    {
      pattern: ["kubectl", "get", "pods"],
      received: ["kubectl", "get", "pods", "-A"],
      expected: {
        position: 3,
        kind: "extra",
        pattern: "",
        received: "-A",
        reason: 'unexpected extra argument "-A"',
      },
    },
    {
      pattern: ["kubectl", "get", "pods", "{{ .any }}"],
      received: ["kubectl", "get"],
      expected: {
        position: 2,
        kind: "missing",
        pattern: "pods",
        reason: 'missing argument for pattern "pods"',
      },
    },
    {
      pattern: ["kubectl", "get", "{{ .any }}"],
      received: ["kubectl", "get"],
      expected: {
        position: 2,
        kind: "missing",
        pattern: "{{ .any }}",
        reason: 'missing argument for pattern "{{ .any }}"',
      },
    },
    {
      pattern: ["kubectl", "get", "pods"],
      received: ["kubectl", "describe", "pods", "-A"],
      expected: {
        position: 1,
        kind: "literal",
        pattern: "get",
        received: "describe",
        reason: 'expected "get", got "describe"',
      },
    },
    {
      pattern: ["kubectl", "get"],
      received: ["helm", "get"],
      expected: {
        position: 0,
        kind: "literal",
        pattern: "kubectl",
        received: "helm",
        reason: 'expected "kubectl", got "helm"',
      },
    },
    {
      pattern: ["{{ .any }}"],
      received: ["helm"],
      expected: {
        position: 0,
        kind: "literal",
        pattern: "{{ .any }}",
        received: "helm",
        reason: 'expected "{{ .any }}", got "helm"',
      },
    },
    {
      pattern: ["x", "{{ .ns }}"],
      received: ["x", "prod"],
      expected: {
        position: 1,
        kind: "literal",
        pattern: "{{ .ns }}",
        received: "prod",
        reason: 'expected "{{ .ns }}", got "prod"',
      },
    },
    {
      pattern: ["x", "{{ .capture.id }}"],
      received: ["x", "42"],
      vars: VARS,
      expected: {
        position: 1,
        kind: "template",
        pattern: "{{ .capture.id }}",
        source: "{{ .capture.id }}",
        received: "42",
        reason: 'capture "id" is not set',
      },
    },
    {
      pattern: ["x", 'say "hi"'],
      received: ["x", "say hi"],
      expected: {
        position: 1,
        kind: "literal",
        pattern: 'say "hi"',
        received: "say hi",
        reason: 'expected "say \\"hi\\"", got "say hi"',
      },
    },
  ];
  for (const { pattern, received, vars, expected } of cases) {
    const name = `${JSON.stringify(pattern)} vs ${JSON.stringify(received)}`;
    await t.step(vars === undefined ? name : `${name} with ${JSON.stringify(vars)}`, () => {
      assert.deepEqual(explainArgvMismatch(pattern, received, vars), expected);
    });
  }
});

Deno.test("explainArgvMismatch() is undefined exactly when matchArgv() matches (MATCH-8, MATCH-9)", async (t) => {
  const element = fc.constantFrom(
    "a",
    "b",
    "",
    "{{ .any }}",
    '{{ .regex "^a" }}',
    "{{ .ns }}",
    "x{{ .ns }}",
    "{{ .undeclared }}",
  );
  const argv = fc.array(element, { maxLength: 4 });
  const vars = fc.option(fc.record({ ns: fc.constantFrom("a", "b", "") }), { nil: undefined });
  await t.step("random argvs", () => {
    fc.assert(
      fc.property(argv, argv, vars, (pattern, received, v) => {
        assert.equal(
          explainArgvMismatch(pattern, received, v) === undefined,
          matchArgv(pattern, received, v),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
