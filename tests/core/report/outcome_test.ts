import assert from "node:assert/strict";
import { renderDeniedTrace, renderOutcome, renderTraceLine } from "../../../core/report/outcome.ts";
import type { Content, Scenario, StepOutcome } from "../../../core/types.ts";
import { deployApp, makeScenario } from "../_fixtures.ts";

const B = "\x1b[1m";
const R = "\x1b[31m";
const G = "\x1b[32m";
const Z = "\x1b[0m";
const enc = (s: string) => new TextEncoder().encode(s);

/** GROUP-8's scenario, with step 1 before the group (ICPT-11). */
function preFlight(): Scenario {
  return makeScenario({
    name: "deploy-app",
    steps: [
      { argv: ["git", "status"] },
      {
        group: "pre-flight",
        steps: [
          { argv: ["az", "account", "show"] },
          { argv: ["docker", "info"], calls: { min: 0, max: 2 } },
          { argv: ["kubectl", "cluster-info"] },
        ],
      },
      { argv: ["kubectl", "apply", "-f", "app.yaml"] },
    ],
  });
}

/** A polling step and an optional group before a blocking step (ICPT-12). */
function noteDemo(): Scenario {
  return makeScenario({
    name: "note-demo",
    steps: [
      { argv: ["git", "status"] },
      { argv: ["kubectl", "get", "pods"], calls: { min: 1, max: 10 } },
      { group: "checks", steps: [{ argv: ["az", "account", "show"], calls: { min: 0, max: 1 } }] },
      { argv: ["helm", "upgrade", "web"] },
    ],
  });
}

function leafMismatch(
  stepIndex: number,
  received: string[],
  diff: Extract<StepOutcome, { kind: "mismatch" }>["diff"],
): StepOutcome {
  return {
    kind: "mismatch",
    subject: { kind: "step", stepIndex, candidates: [stepIndex], counts: [0] },
    tried: [],
    received,
    ...(diff === undefined ? {} : { diff }),
    deniedVars: [],
  };
}

Deno.test("renderOutcome() reports a leaf mismatch (ICPT-10)", async (t) => {
  const scenario = deployApp();
  const pods = ["kubectl", "get", "pods", "-n"];
  const cases: { name: string; outcome: StepOutcome; expected: string }[] = [
    {
      name: "regex difference with caret line (contract example)",
      outcome: leafMismatch(3, [...pods, "staging-app"], {
        position: 4,
        kind: "regex",
        pattern: "^prod-.*",
        received: "staging-app",
        reason: 'regex "^prod-.*" did not match "staging-app"',
      }),
      expected: [
        'Mismatch at step 4 of "deploy-app":',
        "",
        '  Expected: ["kubectl", "get", "pods", "-n", "{{ .regex \\"^prod-.*\\" }}"]',
        '  Received: ["kubectl", "get", "pods", "-n", "staging-app"]',
        "                                             ^^^^^^^^^^^^^",
        "",
        "  First difference at position 4:",
        "    expected pattern: ^prod-.*",
        "    received value:   staging-app",
        "",
      ].join("\n"),
    },
    {
      name: "literal difference",
      outcome: leafMismatch(3, ["kubectl", "get", "deployments", "-n", "prod-eu"], {
        position: 2,
        kind: "literal",
        pattern: "pods",
        received: "deployments",
        reason: 'expected "pods", got "deployments"',
      }),
      expected: [
        'Mismatch at step 4 of "deploy-app":',
        "",
        '  Expected: ["kubectl", "get", "pods", "-n", "{{ .regex \\"^prod-.*\\" }}"]',
        '  Received: ["kubectl", "get", "deployments", "-n", "prod-eu"]',
        "                               ^^^^^^^^^^^^^",
        "",
        "  First difference at position 2:",
        "    expected: pods",
        "    received: deployments",
        "",
      ].join("\n"),
    },
    {
      name: "extra arguments: sizes, no caret, at most 5 listed",
      outcome: leafMismatch(0, ["git", "status", "-s", "-b", "a", "b", "c", "d", "e"], {
        position: 2,
        kind: "extra",
        pattern: "",
        received: "-s",
        reason: "unexpected extra arguments",
      }),
      expected: [
        'Mismatch at step 1 of "deploy-app":',
        "",
        '  Expected: ["git", "status"]  (2 args)',
        '  Received: ["git", "status", "-s", "-b", "a", "b", "c", "d", "e"]  (9 args)',
        "",
        "  Extra arguments starting at position 2:",
        '    [2]: "-s"',
        '    [3]: "-b"',
        '    [4]: "a"',
        '    [5]: "b"',
        '    [6]: "c"',
        "    ...+2 more",
        "",
      ].join("\n"),
    },
    {
      name: "missing arguments",
      outcome: leafMismatch(3, ["kubectl", "get"], {
        position: 2,
        kind: "missing",
        pattern: "pods",
        reason: "missing arguments",
      }),
      expected: [
        'Mismatch at step 4 of "deploy-app":',
        "",
        '  Expected: ["kubectl", "get", "pods", "-n", "{{ .regex \\"^prod-.*\\" }}"]  (5 args)',
        '  Received: ["kubectl", "get"]  (2 args)',
        "",
        "  Missing arguments starting at position 2:",
        '    [2]: "pods"',
        '    [3]: "-n"',
        '    [4]: "{{ .regex \\"^prod-.*\\" }}"',
        "",
      ].join("\n"),
    },
    {
      name: "a single received argument is 1 arg",
      outcome: leafMismatch(0, ["git"], {
        position: 1,
        kind: "missing",
        pattern: "status",
        reason: "missing arguments",
      }),
      expected: [
        'Mismatch at step 1 of "deploy-app":',
        "",
        '  Expected: ["git", "status"]  (2 args)',
        '  Received: ["git"]  (1 arg)',
        "",
        "  Missing arguments starting at position 1:",
        '    [1]: "status"',
        "",
      ].join("\n"),
    },
    {
      name: "no diff: the argv lines only",
      outcome: leafMismatch(0, ["git", "log"], undefined),
      expected: [
        'Mismatch at step 1 of "deploy-app":',
        "",
        '  Expected: ["git", "status"]',
        '  Received: ["git", "log"]',
        "",
      ].join("\n"),
    },
  ];
  for (const { name, outcome, expected } of cases) {
    await t.step(
      name,
      () => assert.equal(renderOutcome(outcome, scenario, { color: false }), expected),
    );
  }

  await t.step("template difference shows the rendered value and its source", () => {
    const s = makeScenario({
      name: "tpl",
      vars: { ns: "prod" },
      steps: [{ argv: ["kubectl", "-n", "{{ .ns }}"] }],
    });
    const text = renderOutcome(
      leafMismatch(0, ["kubectl", "-n", "staging"], {
        position: 2,
        kind: "template",
        pattern: "prod",
        source: "{{ .ns }}",
        received: "staging",
        reason: 'expected "prod", got "staging"',
      }),
      s,
      { color: false },
    );
    assert.equal(
      text,
      [
        'Mismatch at step 1 of "tpl":',
        "",
        '  Expected: ["kubectl", "-n", "{{ .ns }}"]',
        '  Received: ["kubectl", "-n", "staging"]',
        "                              ^^^^^^^^^",
        "",
        "  First difference at position 2:",
        "    expected: prod  (from {{ .ns }})",
        "    received: staging",
        "",
      ].join("\n"),
    );
  });

  await t.step("no caret beyond the 12 displayed elements", () => {
    const argv = Array.from({ length: 14 }, (_, i) => `a${i}`);
    const s = makeScenario({ name: "long", steps: [{ argv }] });
    const received = argv.with(13, "zz");
    const text = renderOutcome(
      leafMismatch(0, received, {
        position: 13,
        kind: "literal",
        pattern: "a13",
        received: "zz",
        reason: 'expected "a13", got "zz"',
      }),
      s,
      { color: false },
    );
    assert.ok(!text.includes("^"));
    assert.ok(text.includes('"a11"]  ...+2 more\n'));
  });
});

Deno.test("renderOutcome() colours mismatch reports (COLOR-3)", async (t) => {
  const scenario = deployApp();
  const cases: { name: string; outcome: StepOutcome; scenario: Scenario; expected: string }[] = [
    {
      name: "regex: bold header, red caret, red pattern and value",
      scenario,
      outcome: leafMismatch(3, ["kubectl", "get", "pods", "-n", "staging-app"], {
        position: 4,
        kind: "regex",
        pattern: "^prod-.*",
        received: "staging-app",
        reason: "",
      }),
      expected: [
        `${B}Mismatch at step 4 of "deploy-app":${Z}`,
        "",
        '  Expected: ["kubectl", "get", "pods", "-n", "{{ .regex \\"^prod-.*\\" }}"]',
        '  Received: ["kubectl", "get", "pods", "-n", "staging-app"]',
        `${" ".repeat(45)}${R}^^^^^^^^^^^^^${Z}`,
        "",
        "  First difference at position 4:",
        `    expected pattern: ${R}^prod-.*${Z}`,
        `    received value:   ${R}staging-app${Z}`,
        "",
      ].join("\n"),
    },
    {
      name: "literal: green expected, red received",
      scenario,
      outcome: leafMismatch(0, ["git", "stash"], {
        position: 1,
        kind: "literal",
        pattern: "status",
        received: "stash",
        reason: "",
      }),
      expected: [
        `${B}Mismatch at step 1 of "deploy-app":${Z}`,
        "",
        '  Expected: ["git", "status"]',
        '  Received: ["git", "stash"]',
        `${" ".repeat(20)}${R}^^^^^^^${Z}`,
        "",
        "  First difference at position 1:",
        `    expected: ${G}status${Z}`,
        `    received: ${R}stash${Z}`,
        "",
      ].join("\n"),
    },
    {
      name: "extra arguments red",
      scenario,
      outcome: leafMismatch(0, ["git", "status", "-s"], {
        position: 2,
        kind: "extra",
        pattern: "",
        reason: "",
      }),
      expected: [
        `${B}Mismatch at step 1 of "deploy-app":${Z}`,
        "",
        '  Expected: ["git", "status"]  (2 args)',
        '  Received: ["git", "status", "-s"]  (3 args)',
        "",
        "  Extra arguments starting at position 2:",
        `    [2]: ${R}"-s"${Z}`,
        "",
      ].join("\n"),
    },
    {
      name: "missing arguments green",
      scenario,
      outcome: leafMismatch(0, ["git"], { position: 1, kind: "missing", pattern: "", reason: "" }),
      expected: [
        `${B}Mismatch at step 1 of "deploy-app":${Z}`,
        "",
        '  Expected: ["git", "status"]  (2 args)',
        '  Received: ["git"]  (1 arg)',
        "",
        "  Missing arguments starting at position 1:",
        `    [1]: ${G}"status"${Z}`,
        "",
      ].join("\n"),
    },
    {
      name: "group report: bold header only",
      scenario: preFlight(),
      outcome: {
        kind: "mismatch",
        subject: { kind: "group", stepIndex: 1, group: 0, candidates: [1], counts: [0] },
        tried: [],
        received: ["x"],
        deniedVars: [],
      },
      expected: [
        `${B}Mismatch in group "pre-flight" (steps 2-4) of "deploy-app":${Z}`,
        "",
        '  Received: ["x"]',
        "",
        "  Expected one of:",
        '    step 2: ["az", "account", "show"]',
        "",
      ].join("\n"),
    },
  ];
  for (const { name, outcome, scenario, expected } of cases) {
    await t.step(
      name,
      () => assert.equal(renderOutcome(outcome, scenario, { color: true }), expected),
    );
  }
  await t.step("complete and error texts are never coloured (COLOR-1)", () => {
    const complete = renderOutcome(
      { kind: "complete", received: ["git"], totalSteps: 4, deniedVars: [] },
      scenario,
      { color: true },
    );
    const error = renderOutcome({ kind: "error", message: "boom" }, scenario, { color: true });
    assert.ok(!complete.includes("\x1b") && !error.includes("\x1b"));
  });
});

Deno.test("renderOutcome() lists a group's candidates (ICPT-11)", async (t) => {
  const cases: { name: string; scenario: Scenario; outcome: StepOutcome; expected: string }[] = [
    {
      name: "the contract example",
      scenario: preFlight(),
      outcome: {
        kind: "mismatch",
        subject: { kind: "group", stepIndex: 1, group: 0, candidates: [1, 3], counts: [0, 0] },
        tried: [],
        received: ["kubectl", "get", "nodes"],
        deniedVars: [],
      },
      expected: `Mismatch in group "pre-flight" (steps 2-4) of "deploy-app":

  Received: ["kubectl", "get", "nodes"]

  Expected one of:
    step 2: ["az", "account", "show"]
    step 4: ["kubectl", "cluster-info"]
`,
    },
    {
      name: "a one-member group names a single step",
      scenario: noteDemo(),
      outcome: {
        kind: "mismatch",
        subject: { kind: "group", stepIndex: 2, group: 0, candidates: [2], counts: [0] },
        tried: [],
        received: ["az"],
        deniedVars: [],
      },
      expected: `Mismatch in group "checks" (step 3) of "note-demo":

  Received: ["az"]

  Expected one of:
    step 3: ["az", "account", "show"]
`,
    },
  ];
  for (const { name, scenario, outcome, expected } of cases) {
    await t.step(
      name,
      () => assert.equal(renderOutcome(outcome, scenario, { color: false }), expected),
    );
  }
});

Deno.test("renderOutcome() appends the soft-advance note (ICPT-12)", async (t) => {
  const scenario = noteDemo();
  await t.step("leaf cursor block, then a group (contract example)", () => {
    const text = renderOutcome(
      {
        kind: "mismatch",
        subject: { kind: "step", stepIndex: 3, candidates: [3], counts: [0] },
        tried: [
          { kind: "step", stepIndex: 1, candidates: [1], counts: [3] },
          { kind: "group", stepIndex: 2, group: 0, candidates: [2], counts: [0] },
        ],
        received: ["kubectl", "get", "nodes"],
        diff: {
          position: 0,
          kind: "literal",
          pattern: "helm",
          received: "kubectl",
          reason: 'expected "helm", got "kubectl"',
        },
        deniedVars: [],
      },
      scenario,
      { color: false },
    );
    const note = `

  Note: step 2 had reached its minimum call count, so later steps were tried too:
    step 2: ["kubectl", "get", "pods"] (3 of max 10 calls)
    step 3 [group:checks]: ["az", "account", "show"]
  None of them matched.
`;
    assert.ok(text.endsWith(note), text);
    assert.equal(
      text,
      `Mismatch at step 4 of "note-demo":

  Expected: ["helm", "upgrade", "web"]
  Received: ["kubectl", "get", "nodes"]
             ^^^^^^^^^

  First difference at position 0:
    expected: helm
    received: kubectl${note}`,
    );
  });
  await t.step("group cursor block", () => {
    const s = makeScenario({
      name: "g",
      steps: [
        { group: "checks", steps: [{ argv: ["a"], calls: { min: 0, max: 2 } }, { argv: ["b"] }] },
        { argv: ["c"] },
      ],
    });
    const text = renderOutcome(
      {
        kind: "mismatch",
        subject: { kind: "step", stepIndex: 2, candidates: [2], counts: [0] },
        tried: [{ kind: "group", stepIndex: 0, group: 0, candidates: [0], counts: [1] }],
        received: ["d"],
        diff: { position: 0, kind: "literal", pattern: "c", received: "d", reason: "" },
        deniedVars: [],
      },
      s,
      { color: false },
    );
    assert.ok(
      text.endsWith(`
  Note: group "checks" had reached their minimum call counts, so later steps were tried too:
    step 1 [group:checks]: ["a"]
  None of them matched.
`),
      text,
    );
  });
});

Deno.test("renderOutcome() reports a stdin mismatch (ICPT-13)", async (t) => {
  const scenario = makeScenario({
    name: "pipe-test",
    steps: [{ argv: ["kubectl", "apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Pod\n" }],
  });
  const argv = ["kubectl", "apply", "-f", "-"];
  const head = [
    'Mismatch at step 1 of "pipe-test":',
    "",
    '  Argv matched: ["kubectl", "apply", "-f", "-"]',
    "  stdin did not match:",
  ];
  const long = "x".repeat(199) + "é😀" + "tail";
  const cases: {
    name: string;
    expected: Content;
    received: Uint8Array | "too-large";
    lines: string[];
  }[] = [
    {
      name: "the contract example, CRLF and trailing LFs normalised",
      expected: { kind: "text", template: "apiVersion: v1\nkind: Pod\n" },
      received: enc("apiVersion: v1\r\nkind: Deployment\r\n\n"),
      lines: [
        "    expected (first 200 characters):",
        "      apiVersion: v1",
        "      kind: Pod",
        "    received (first 200 characters):",
        "      apiVersion: v1",
        "      kind: Deployment",
      ],
    },
    {
      name: "cut after 200 characters",
      expected: { kind: "text", template: long },
      received: enc("short\r\n"),
      lines: [
        "    expected (first 200 characters):",
        `      ${"x".repeat(199)}é...`,
        "    received (first 200 characters):",
        "      short",
      ],
    },
    {
      name: "more than 1 MiB received",
      expected: { kind: "text", template: "a" },
      received: "too-large",
      lines: [
        "    expected (first 200 characters):",
        "      a",
        "    received more than 1 MiB; not compared",
      ],
    },
    {
      name: "binary expectation",
      expected: { kind: "binary", bytes: new Uint8Array([0, 1, 2]) },
      received: new Uint8Array([0, 1]),
      lines: ["    expected (binary, 3 bytes)", "    received (binary, 2 bytes)"],
    },
    {
      name: "received bytes that are not UTF-8",
      expected: { kind: "text", template: "a" },
      received: new Uint8Array([0xff, 0xfe, 0x00]),
      lines: [
        "    expected (first 200 characters):",
        "      a",
        "    received (binary, 3 bytes)",
      ],
    },
    {
      name: "empty received text",
      expected: { kind: "text", template: "a" },
      received: enc("\n\n"),
      lines: [
        "    expected (first 200 characters):",
        "      a",
        "    received (first 200 characters):",
        "      (empty)",
      ],
    },
  ];
  for (const { name, expected, received, lines } of cases) {
    await t.step(name, () => {
      const text = renderOutcome(
        { kind: "stdin-mismatch", stepIndex: 0, expected, received, argv, deniedVars: [] },
        scenario,
        { color: false },
      );
      assert.equal(text, [...head, ...lines, ""].join("\n"));
    });
  }
});

Deno.test("renderOutcome() reports completion, errors and matches (ICPT-14, ICPT-17)", async (t) => {
  const scenario = deployApp();
  const cases: { name: string; outcome: StepOutcome; expected: string }[] = [
    {
      name: "call after completion (ICPT-14)",
      outcome: {
        kind: "complete",
        received: ["kubectl", "get", "pods"],
        totalSteps: 4,
        deniedVars: [],
      },
      expected: 'cli-replay: scenario "deploy-app" already complete (all 4 steps consumed)\n' +
        '  received: ["kubectl", "get", "pods"]\n',
    },
    {
      name: "intercept error (ICPT-17)",
      outcome: {
        kind: "error",
        message: 'steps[3].respond.stdout_file: cannot read "fixtures/pods.txt": no such file',
      },
      expected:
        'cli-replay: steps[3].respond.stdout_file: cannot read "fixtures/pods.txt": no such file\n',
    },
    {
      name: "a match writes nothing",
      outcome: {
        kind: "matched",
        stepIndex: 0,
        answer: 0,
        exitCode: 0,
        stdout: enc("x"),
        stderr: enc(""),
        delayMs: 0,
        deniedVars: [],
      },
      expected: "",
    },
  ];
  for (const { name, outcome, expected } of cases) {
    await t.step(
      name,
      () => assert.equal(renderOutcome(outcome, scenario, { color: false }), expected),
    );
  }
});

Deno.test("renderTraceLine() and renderDeniedTrace() write trace lines (ICPT-15, TPL-4)", async (t) => {
  const pods = ["kubectl", "get", "pods"];
  const nodes = ["kubectl", "get", "nodes"];
  const mismatch: StepOutcome = {
    kind: "mismatch",
    subject: { kind: "step", stepIndex: 3, candidates: [3], counts: [0] },
    tried: [{ kind: "step", stepIndex: 1, candidates: [1], counts: [1] }],
    received: nodes,
    deniedVars: [],
  };
  const cases: { name: string; line: string; expected: string }[] = [
    {
      name: "match",
      line: renderTraceLine(
        {
          kind: "matched",
          stepIndex: 2,
          answer: 0,
          exitCode: 0,
          stdout: enc(""),
          stderr: enc(""),
          delayMs: 0,
          deniedVars: [],
        },
        pods,
      ),
      expected: 'cli-replay[trace]: step=3 argv=["kubectl", "get", "pods"] exit=0\n',
    },
    {
      name: "mismatch: the cursor is the first block tried",
      line: renderTraceLine(mismatch, nodes),
      expected: 'cli-replay[trace]: mismatch argv=["kubectl", "get", "nodes"] cursor=step 2\n',
    },
    {
      name: "mismatch with an explicit cursor",
      line: renderTraceLine(mismatch, nodes, 0),
      expected: 'cli-replay[trace]: mismatch argv=["kubectl", "get", "nodes"] cursor=step 1\n',
    },
    {
      name: "stdin mismatch",
      line: renderTraceLine(
        {
          kind: "stdin-mismatch",
          stepIndex: 4,
          expected: { kind: "text", template: "" },
          received: "too-large",
          argv: ["k"],
          deniedVars: [],
        },
        ["k"],
      ),
      expected: 'cli-replay[trace]: mismatch argv=["k"] cursor=step 5\n',
    },
    {
      name: "complete",
      line: renderTraceLine(
        { kind: "complete", received: pods, totalSteps: 4, deniedVars: [] },
        pods,
      ),
      expected: 'cli-replay[trace]: complete argv=["kubectl", "get", "pods"]\n',
    },
    {
      name: "error",
      line: renderTraceLine({ kind: "error", message: "x" }, pods),
      expected: 'cli-replay[trace]: error argv=["kubectl", "get", "pods"]\n',
    },
    {
      name: "denied env var (TPL-4)",
      line: renderDeniedTrace("AWS_REGION"),
      expected: "cli-replay[trace]: denied env var AWS_REGION\n",
    },
  ];
  for (const { name, line, expected } of cases) {
    await t.step(name, () => assert.equal(line, expected));
  }
});
