// LANG-5: forbidden calls. A top-level `forbid` list of argv prefixes; a matching call fails
// at once, before step matching, is recorded as unexpected (reason `forbidden`), and fails
// verification.
import assert from "node:assert/strict";
import { createReplayEngine } from "../../../core/replay/memory_engine.ts";
import { parseState, serializeState } from "../../../core/replay/state.ts";
import { renderOutcome, renderTraceLine } from "../../../core/report/outcome.ts";
import { renderVerifyText } from "../../../core/report/text.ts";
import { renderVerifyJson } from "../../../core/report/json.ts";
import { renderSuggestions } from "../../../core/report/suggested_step.ts";
import { buildDryRunReport, renderDryRun } from "../../../core/report/dry_run.ts";
import {
  findAllowlistViolations,
  renderAllowlistViolation,
} from "../../../core/session/allowlist.ts";
import type { StepOutcome } from "../../../core/types.ts";
import { errors, load, yaml } from "../scenario/_helpers.ts";

function scenarioWith(
  forbid: string[],
  steps: string[] = ["  - match: {argv: [terraform, plan]}"],
) {
  return yaml(
    "meta:",
    "  name: infra",
    "  vars: {env: prod}",
    "forbid:",
    ...forbid,
    "steps:",
    ...steps,
  );
}

function kind(o: StepOutcome): string {
  return o.kind === "forbidden" ? `forbidden:${o.forbidIndex}` : o.kind;
}

Deno.test("forbid matches a prefix of the call's argv, items as in match.argv (LANG-5)", async (t) => {
  const rows: { forbid: string; argv: string[]; expected: string }[] = [
    { forbid: "[terraform, destroy]", argv: ["terraform", "destroy"], expected: "forbidden:0" },
    {
      forbid: "[terraform, destroy]",
      argv: ["terraform", "destroy", "-auto-approve"],
      expected: "forbidden:0",
    },
    { forbid: "[terraform, destroy]", argv: ["terraform"], expected: "mismatch" },
    { forbid: "[terraform, destroy]", argv: ["terraform", "plan"], expected: "matched" },
    { forbid: "[terraform]", argv: ["terraform", "plan"], expected: "forbidden:0" },
    {
      forbid: "[kubectl, delete, '{{ .any }}']",
      argv: ["kubectl", "delete", "ns"],
      expected: "forbidden:0",
    },
    {
      forbid: `[kubectl, '{{ .regex "^(delete|drain)$" }}']`,
      argv: ["kubectl", "drain", "node-1"],
      expected: "forbidden:0",
    },
    {
      forbid: "[kubectl, --context, '{{ .env }}']",
      argv: ["kubectl", "--context", "prod"],
      expected: "forbidden:0",
    },
    {
      forbid: "[kubectl, --context, '{{ .env }}']",
      argv: ["kubectl", "--context", "dev"],
      expected: "mismatch",
    },
  ];
  for (const row of rows) {
    await t.step(`${row.forbid} against ${row.argv.join(" ")}`, () => {
      const scenario = load(scenarioWith([`  - argv: ${row.forbid}`]));
      assert.equal(kind(createReplayEngine(scenario).call(row.argv)), row.expected);
    });
  }
});

Deno.test("a forbidden call fails before step matching and after completion (LANG-5)", async (t) => {
  await t.step("even when a step would answer the same call", () => {
    const scenario = load(scenarioWith(
      ["  - argv: [terraform, apply]"],
      ["  - match: {argv: [terraform, apply]}"],
    ));
    const engine = createReplayEngine(scenario);
    assert.equal(kind(engine.call(["terraform", "apply"])), "forbidden:0");
    assert.deepEqual(engine.state.stepCounts, [0]);
  });
  await t.step("the first matching entry wins", () => {
    const scenario = load(scenarioWith([
      "  - argv: [rm, -rf]",
      "  - argv: [rm]",
    ], ["  - match: {argv: [terraform, plan]}"]));
    assert.equal(kind(createReplayEngine(scenario).call(["rm", "-f", "x"])), "forbidden:1");
  });
  await t.step("after the scenario completed", () => {
    const engine = createReplayEngine(load(scenarioWith(["  - argv: [terraform, destroy]"])));
    engine.call(["terraform", "plan"]);
    assert.equal(kind(engine.call(["terraform", "destroy"])), "forbidden:0");
  });
});

Deno.test("a forbidden call is recorded, fails verify and reads the same in every report (LANG-5)", () => {
  const scenario = load(scenarioWith([
    "  - argv: [terraform, destroy]",
    "    message: never destroy in CI",
  ]));
  const engine = createReplayEngine(scenario);
  const outcome = engine.call(["terraform", "destroy", "-auto-approve"]);
  engine.call(["terraform", "plan"]);
  assert.equal(
    renderOutcome(outcome, scenario, { color: false }),
    'cli-replay: forbidden call ["terraform", "destroy", "-auto-approve"]: never destroy in CI\n',
  );
  assert.equal(
    renderTraceLine(outcome, ["terraform", "destroy", "-auto-approve"]),
    'cli-replay[trace]: forbidden argv=["terraform", "destroy", "-auto-approve"]\n',
  );
  assert.deepEqual(engine.state.unexpectedCalls.map((u) => [u.reason, u.stepIndex, u.message]), [
    ["forbidden", null, "never destroy in CI"],
  ]);
  const result = engine.verify();
  assert.equal(result.passed, false);
  assert.equal(
    renderVerifyText(result),
    yaml(
      '✗ Scenario "infra" failed: 1 unexpected call',
      "  consumed: 1/1 steps",
      "  Step 1: terraform plan — 1 call ✓",
      "  Unexpected calls (1):",
      '    - ["terraform", "destroy", "-auto-approve"] (forbidden: never destroy in CI)',
    ),
  );
  assert.deepEqual(JSON.parse(renderVerifyJson(result)).unexpected_calls, [{
    argv: ["terraform", "destroy", "-auto-approve"],
    reason: "forbidden",
    step_index: null,
    message: "never destroy in CI",
  }]);
  // LANG-1's proposals leave a forbidden call out: no step can accept it.
  assert.equal(
    renderSuggestions(result),
    '# ["terraform", "destroy", "-auto-approve"] (forbidden: never destroy in CI): forbidden by the scenario, no step accepts it\n',
  );
  // The state file keeps the reason and the message.
  const back = parseState(serializeState(engine.state));
  assert.deepEqual(back.unexpectedCalls, engine.state.unexpectedCalls);
});

Deno.test("a forbid entry without a message ends after the argv (LANG-5)", () => {
  const scenario = load(scenarioWith(["  - argv: [rm]"]));
  const outcome = createReplayEngine(scenario).call(["rm", "-rf", "/"]);
  assert.equal(
    renderOutcome(outcome, scenario, { color: false }),
    'cli-replay: forbidden call ["rm", "-rf", "/"]\n',
  );
});

Deno.test("forbid commands get shims and count for the allowlist (LANG-5)", () => {
  const scenario = load(yaml(
    "meta:",
    "  name: infra",
    "  security: {allowed_commands: [terraform]}",
    "forbid:",
    "  - argv: [rm, -rf]",
    "  - argv: [terraform, destroy]",
    "steps:",
    "  - match: {argv: [terraform, plan]}",
  ));
  assert.deepEqual(scenario.commands, ["terraform", "rm"]);
  const violations = findAllowlistViolations(scenario, ["terraform"]);
  assert.deepEqual(violations, [{ command: "rm", stepNumbers: [], forbidIndexes: [0] }]);
  assert.equal(
    renderAllowlistViolation(violations[0]!, scenario, ["terraform"]),
    'cli-replay: command "rm" is not in the allowed commands list [terraform]\n' +
      "  scenario: infra\n" +
      '  used by: forbid[0] ["rm", "-rf"]\n',
  );
  const dry = renderDryRun(buildDryRunReport(scenario));
  assert.match(dry, /^✗ forbidden: rm -rf$/m);
  assert.match(dry, /^✗ command "rm" is not in the allowlist \(forbid\[0\]\)$/m);
});

Deno.test("forbid errors are SCN-22 lines with suggestions (LANG-5)", async (t) => {
  const rows = [
    {
      name: "not a sequence",
      forbid: ["  argv: [rm]"],
      expected: ["s.yaml:4:3: forbid: must be a sequence"],
    },
    {
      name: "a typo of message",
      forbid: ["  - argv: [rm]", "    mesage: no"],
      expected: ['s.yaml:5:5: forbid[0]: unknown key "mesage" (did you mean "message"?)'],
    },
    {
      name: "no argv",
      forbid: ["  - message: no"],
      expected: ['s.yaml:4:5: forbid[0]: missing required key "argv"'],
    },
    {
      name: "an empty argv",
      forbid: ["  - argv: []"],
      expected: ["s.yaml:4:11: forbid[0].argv: must have at least one element"],
    },
    {
      name: "a command name with a slash",
      forbid: ["  - argv: [/bin/rm]"],
      expected: [
        's.yaml:4:12: forbid[0].argv[0]: must be a plain command name (no "/", no template), got "/bin/rm"',
      ],
    },
    {
      name: "a bad regex",
      forbid: [`  - argv: [rm, '{{ .regex "(" }}']`],
      expected: [
        's.yaml:4:16: forbid[0].argv[1]: invalid regular expression "(": Unterminated group',
      ],
    },
    {
      name: "a command that differs from a step's only in case",
      forbid: ["  - argv: [Terraform]"],
      expected: [
        's.yaml:4:12: forbid[0].argv[0]: command names "terraform" and "Terraform" differ only in letter case (their shims would collide)',
      ],
    },
    {
      name: "an undefined capture",
      forbid: ["  - argv: [rm, '{{ .capture.dir }}']"],
      expected: ['s.yaml:4:16: forbid[0].argv[1]: capture "dir" is not defined by any step'],
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const text = yaml(
        "meta:",
        "  name: s",
        "forbid:",
        ...row.forbid,
        "steps:",
        "  - match: {argv: [terraform]}",
      );
      assert.deepEqual(errors(text), row.expected);
    });
  }
  await t.step("an unknown root key lists forbid among the allowed ones", () => {
    assert.deepEqual(
      errors(yaml("meta: {name: s}", "forbidden: []", "steps: [{match: {argv: [a]}}]")),
      [
        's.yaml:2:1: unknown key "forbidden" (did you mean "forbid"?)',
      ],
    );
  });
});
