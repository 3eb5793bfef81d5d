// LANG-1: what a mismatch report proposes after its contract text, and the steps
// `verify --suggest` prints.
import assert from "node:assert/strict";
import { renderOutcome } from "../../../core/report/outcome.ts";
import {
  describePlacement,
  describeSuggestion,
  renderSuggestedStep,
  renderSuggestions,
} from "../../../core/report/suggested_step.ts";
import { newState, stepCall } from "../../../core/replay/engine.ts";
import { verifyState } from "../../../core/replay/verify.ts";
import type { Scenario, StepOutcome } from "../../../core/types.ts";
import { deployApp, getNodes, makeScenario, makeState } from "../_fixtures.ts";

const ESC = "\x1b";

type Call = string[] | { argv: string[]; stdin: string };

/** The outcome of the last of `calls`, run through the real engine. */
function outcomeOf(sc: Scenario, calls: Call[]): StepOutcome {
  let state = newState(sc, { scenarioPath: "/s.yaml", scenarioHash: "h", now: new Date(0) });
  let outcome: StepOutcome | undefined;
  calls.forEach((c, i) => {
    const call = Array.isArray(c) ? { argv: c } : c;
    const r = stepCall(sc, state, {
      argv: call.argv,
      ...("stdin" in call ? { stdin: new TextEncoder().encode(call.stdin) } : {}),
      env: {},
      now: new Date(i + 1),
    });
    state = r.state;
    outcome = r.outcome;
  });
  return outcome!;
}

function pipeTest(): Scenario {
  return makeScenario({
    name: "pipe-test",
    steps: [
      { argv: ["kubectl", "apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Pod\nmetadata:\n" },
      { argv: ["kubectl", "get", "pods"] },
    ],
  });
}

const PREFLIGHT_DONE: Call[] = [
  ["git", "status"],
  ["az", "account", "show"],
  ["docker", "info"],
  ["docker", "info"],
];

const cases: { name: string; scenario: () => Scenario; calls: Call[]; expected: string[] }[] = [
  {
    name: "leaf mismatch: the contract's example, then the closest step and the accepting step",
    scenario: deployApp,
    calls: [...PREFLIGHT_DONE, ["kubectl", "get", "pods", "-n", "staging-app"]],
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
      "  Closest steps:",
      '    step 4: kubectl get pods -n {{ .regex "^prod-.*" }}',
      '      first difference at position 4: regex "^prod-.*" did not match "staging-app"',
      "",
      "  To accept this call, add:",
      "    # before step 4",
      "    - match:",
      "        argv: [kubectl, get, pods, -n, staging-app]",
      '      respond: {stdout: ""}',
    ],
  },
  {
    name: "group mismatch: the step goes into the group",
    scenario: deployApp,
    calls: [["git", "status"], ["kubectl", "get", "nodes"]],
    expected: [
      'Mismatch in group "pre-flight" (steps 2-3) of "deploy-app":',
      "",
      '  Received: ["kubectl", "get", "nodes"]',
      "",
      "  Expected one of:",
      '    step 2: ["az", "account", "show"]',
      '    step 3: ["docker", "info"]',
      "",
      "  Closest steps:",
      '    step 4: kubectl get pods -n {{ .regex "^prod-.*" }}',
      '      first difference at position 2: expected "pods", got "nodes"',
      "",
      "  To accept this call, add:",
      '    # in group "pre-flight"',
      "    - match:",
      "        argv: [kubectl, get, nodes]",
      '      respond: {stdout: ""}',
    ],
  },
  {
    name: "stdin mismatch: the unified diff of the normalised stdin (STDIN-2)",
    scenario: pipeTest,
    calls: [{
      argv: ["kubectl", "apply", "-f", "-"],
      stdin: "apiVersion: v1\r\nkind: Deployment\r\nmetadata:\r\n\n",
    }],
    expected: [
      'Mismatch at step 1 of "pipe-test":',
      "",
      '  Argv matched: ["kubectl", "apply", "-f", "-"]',
      "  stdin did not match:",
      "    expected (first 200 characters):",
      "      apiVersion: v1",
      "      kind: Pod",
      "      metadata:",
      "    received (first 200 characters):",
      "      apiVersion: v1",
      "      kind: Deployment",
      "      metadata:",
      "",
      "  stdin diff (-expected +received):",
      "    --- expected",
      "    +++ received",
      "    @@ -1,3 +1,3 @@",
      "     apiVersion: v1",
      "    -kind: Pod",
      "    +kind: Deployment",
      "     metadata:",
      "",
      "  Closest steps:",
      "    step 1: kubectl apply -f -",
      "      argv matches; stdin differs",
      "    step 2: kubectl get pods",
      '      first difference at position 1: expected "get", got "apply"',
      "",
      "  To accept this call, add:",
      "    # before step 1",
      "    - match:",
      "        argv: [kubectl, apply, -f, '-']",
      '      respond: {stdout: ""}',
    ],
  },
  {
    name: "after completion: the exhausted step first, the accepting step goes last",
    scenario: deployApp,
    calls: [...PREFLIGHT_DONE, ["kubectl", "get", "pods", "-n", "prod-eu"], ["git", "status"]],
    expected: [
      'cli-replay: scenario "deploy-app" already complete (all 4 steps consumed)',
      '  received: ["git", "status"]',
      "",
      "  Closest steps:",
      "    step 1: git status",
      "      argv matches, but the step has had all its calls (1 of max 1)",
      "",
      "  To accept this call, add:",
      "    # after step 4, the last",
      "    - match:",
      "        argv: [git, status]",
      '      respond: {stdout: ""}',
    ],
  },
  {
    name: "a later step of the same command; a plain scalar that YAML 1.1 reads as true is quoted",
    scenario: () =>
      makeScenario({ name: "s", steps: [{ argv: ["git", "status"] }, { argv: ["terraform"] }] }),
    calls: [["terraform", "plan", "-out", "on"]],
    expected: [
      'Mismatch at step 1 of "s":',
      "",
      '  Expected: ["git", "status"]  (2 args)',
      '  Received: ["terraform", "plan", "-out", "on"]  (4 args)',
      "             ^^^^^^^^^^^",
      "",
      "  First difference at position 0:",
      "    expected: git",
      "    received: terraform",
      "",
      "  Closest steps:",
      "    step 2: terraform",
      '      first difference at position 1: unexpected extra argument "plan"',
      "",
      "  To accept this call, add:",
      "    # before step 1",
      "    - match:",
      "        argv: [terraform, plan, -out, 'on']",
      '      respond: {stdout: ""}',
    ],
  },
  {
    name: "no step runs the command: no closest steps, still the accepting step",
    scenario: () => makeScenario({ name: "s", steps: [{ argv: ["git", "status"] }] }),
    calls: [["terraform", "plan"]],
    expected: [
      'Mismatch at step 1 of "s":',
      "",
      '  Expected: ["git", "status"]',
      '  Received: ["terraform", "plan"]',
      "             ^^^^^^^^^^^",
      "",
      "  First difference at position 0:",
      "    expected: git",
      "    received: terraform",
      "",
      "  To accept this call, add:",
      "    # before step 1",
      "    - match:",
      "        argv: [terraform, plan]",
      '      respond: {stdout: ""}',
    ],
  },
];

Deno.test(
  "renderOutcome() adds LANG-1's proposal after the contract's report for the engine's outcomes (LANG-1)",
  async (t) => {
    for (const c of cases) {
      await t.step(c.name, () => {
        const sc = c.scenario();
        const o = outcomeOf(sc, c.calls);
        const text = renderOutcome(o, sc, { color: false });
        assert.equal(text, [...c.expected, ""].join("\n"));
        // Without `closest` (an outcome built by hand) the contract's text is all there is,
        // and it is exactly the start of the full report.
        assert.ok("closest" in o);
        const { closest: _closest, ...bare } = o as Extract<StepOutcome, { closest?: unknown }>;
        const contract = renderOutcome(bare as StepOutcome, sc, { color: false });
        assert.ok(text.startsWith(contract) && text.slice(contract.length).startsWith("\n"));
        assert.doesNotMatch(contract, /Closest steps|To accept|stdin diff \(/);
      });
    }
  },
);

Deno.test("renderOutcome() colours the stdin diff as COLOR-3 colours expected and received (LANG-1)", () => {
  const sc = pipeTest();
  const o = outcomeOf(sc, [{ argv: ["kubectl", "apply", "-f", "-"], stdin: "kind: Pod\n" }]);
  const text = renderOutcome(o, sc, { color: true });
  assert.ok(text.includes(`    ${ESC}[32m-apiVersion: v1${ESC}[0m\n`), text);
  assert.ok(text.includes(`    ${ESC}[32m-metadata:${ESC}[0m\n`), text);
  assert.ok(text.includes("     kind: Pod\n"), text);
  assert.ok(text.includes("    --- expected\n    +++ received\n"), text);
});

Deno.test("renderOutcome() shows no stdin diff for binary or oversized stdin (LANG-1)", async (t) => {
  const binary = makeScenario({
    name: "bin",
    steps: [{ argv: ["k", "apply"], stdin: { kind: "binary", bytes: new Uint8Array([0, 1]) } }],
  });
  const cases: [string, Scenario, Uint8Array | "too-large"][] = [
    ["binary expectation", binary, new Uint8Array([2])],
    ["more than 1 MiB", pipeTest(), "too-large"],
    ["received bytes that are not UTF-8", pipeTest(), new Uint8Array([0xff, 0xfe])],
  ];
  for (const [name, sc, stdin] of cases) {
    await t.step(name, () => {
      const argv = sc.steps[0]!.argv;
      const state = newState(sc, { scenarioPath: "/s", scenarioHash: "h", now: new Date(0) });
      const { outcome } = stepCall(sc, state, { argv, stdin, env: {}, now: new Date(1) });
      assert.equal(outcome.kind, "stdin-mismatch");
      const text = renderOutcome(outcome, sc, { color: false });
      assert.doesNotMatch(text, /stdin diff \(/);
      assert.match(text, /\n {2}Closest steps:\n {4}step 1: .*\n {6}argv matches; stdin differs\n/);
    });
  }
});

Deno.test("describePlacement() says where the accepting step goes (LANG-1)", async (t) => {
  const steps = [{}, { group: "pre-flight" }, { group: "pre-flight" }, {}];
  const cases: [Parameters<typeof describePlacement>[0], number | null, string][] = [
    ["mismatch", 0, "before step 1"],
    ["mismatch", 3, "before step 4"],
    ["mismatch", 1, 'in group "pre-flight"'],
    ["stdin", 2, 'in group "pre-flight"'],
    ["stdin", 3, "before step 4"],
    ["complete", null, "after step 4, the last"],
  ];
  for (const [reason, stepIndex, expected] of cases) {
    await t.step(`${reason} at ${stepIndex} → ${expected}`, () => {
      assert.equal(describePlacement(reason, stepIndex, steps), expected);
    });
  }
});

Deno.test("describeSuggestion() names a step that already has the call's argv (LANG-1)", async (t) => {
  const steps = [{}, {}, {}, {}];
  const cases: [Parameters<typeof describeSuggestion>[0], string][] = [
    [{ argv: ["a"], reason: "mismatch", stepIndex: 1 }, "before step 2"],
    [
      { argv: ["a"], reason: "mismatch", stepIndex: 1, argvMatchesStep: 2 },
      "before step 2 (step 3 has this argv)",
    ],
    [
      { argv: ["a"], reason: "stdin", stepIndex: 3, argvMatchesStep: 3 },
      "before step 4 (step 4 has this argv, with another stdin)",
    ],
    [
      { argv: ["a"], reason: "complete", stepIndex: null, argvMatchesStep: 0 },
      "after step 4, the last (step 1 has this argv)",
    ],
  ];
  for (const [call, expected] of cases) {
    await t.step(expected, () => assert.equal(describeSuggestion(call, steps), expected));
  }
});

Deno.test(
  "renderSuggestions() prints one commented step per unexpected call, ready to paste under steps: (LANG-1)",
  async (t) => {
    await t.step("every reason, and calls beyond the retained ones", () => {
      const sc = deployApp();
      const result = verifyState(
        sc,
        makeState(sc, {
          counts: [1, 1, 1, 1],
          unexpected: [
            getNodes(),
            { argv: ["kubectl", "apply", "-f", "-"], reason: "stdin", stepIndex: 3 },
            { argv: ["helm", "version", "1.10"], reason: "complete", stepIndex: null },
          ],
          unexpectedCount: 4,
        }),
      );
      assert.equal(
        renderSuggestions(result),
        [
          '# ["kubectl", "get", "nodes"] (mismatch at step 2): in group "pre-flight"',
          ...renderSuggestedStep(["kubectl", "get", "nodes"]),
          '# ["kubectl", "apply", "-f", "-"] (stdin mismatch at step 4): before step 4',
          "- match:",
          "    argv: [kubectl, apply, -f, '-']",
          '  respond: {stdout: ""}',
          '# ["helm", "version", "1.10"] (after completion): after step 4, the last',
          "- match:",
          "    argv: [helm, version, '1.10']",
          '  respond: {stdout: ""}',
          "# ...+1 more unexpected calls were not kept (STATE-5)",
          "",
        ].join("\n"),
      );
    });
    await t.step("no unexpected calls: nothing", () => {
      const sc = deployApp();
      assert.equal(renderSuggestions(verifyState(sc, makeState(sc, { counts: [1, 1, 0, 1] }))), "");
    });
  },
);
