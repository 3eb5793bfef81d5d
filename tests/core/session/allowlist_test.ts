import assert from "node:assert/strict";
import {
  effectiveAllowlist,
  findAllowlistViolations,
  renderAllowlistViolation,
} from "../../../core/session/allowlist.ts";
import { deployApp, makeScenario } from "../_fixtures.ts";

Deno.test("effectiveAllowlist() combines the YAML list and the flag (SEC-2)", async (t) => {
  const cases: { name: string; yaml: string[]; cli: string[]; expected: string[] | undefined }[] = [
    { name: "both empty: no constraint", yaml: [], cli: [], expected: undefined },
    { name: "only the YAML list", yaml: ["kubectl", "az"], cli: [], expected: ["kubectl", "az"] },
    { name: "only the flag", yaml: [], cli: ["docker", "git"], expected: ["docker", "git"] },
    {
      name: "both: intersection in YAML order",
      yaml: ["kubectl", "az", "git"],
      cli: ["git", "kubectl", "helm"],
      expected: ["kubectl", "git"],
    },
    {
      name: "empty intersection allows nothing",
      yaml: ["kubectl"],
      cli: ["docker"],
      expected: [],
    },
    { name: "case-sensitive", yaml: ["Git"], cli: ["git"], expected: [] },
    { name: "duplicates collapse", yaml: ["a", "a", "b"], cli: [], expected: ["a", "b"] },
  ];
  for (const { name, yaml, cli, expected } of cases) {
    await t.step(name, () => assert.deepEqual(effectiveAllowlist(yaml, cli), expected));
  }
});

Deno.test("findAllowlistViolations() lists offending commands with their steps (SEC-2)", async (t) => {
  const scenario = makeScenario({
    name: "s",
    steps: [
      { argv: ["kubectl", "get", "pods"] },
      { argv: ["docker", "build"] },
      { group: "g", steps: [{ argv: ["rm", "-rf", "x"] }, { argv: ["docker", "push"] }] },
      { argv: ["az", "login"] },
    ],
  });
  const cases = [
    { name: "no allowlist", allowlist: undefined, expected: [] },
    { name: "everything allowed", allowlist: ["kubectl", "docker", "rm", "az"], expected: [] },
    {
      name: "first-appearance order, every step number",
      allowlist: ["kubectl", "az"],
      expected: [
        { command: "docker", stepNumbers: [2, 4] },
        { command: "rm", stepNumbers: [3] },
      ],
    },
    {
      name: "an empty list rejects every command",
      allowlist: [],
      expected: [
        { command: "kubectl", stepNumbers: [1] },
        { command: "docker", stepNumbers: [2, 4] },
        { command: "rm", stepNumbers: [3] },
        { command: "az", stepNumbers: [5] },
      ],
    },
  ];
  for (const { name, allowlist, expected } of cases) {
    await t.step(
      name,
      () => assert.deepEqual(findAllowlistViolations(scenario, allowlist), expected),
    );
  }
  await t.step("the SCN example passes its own allowlist", () => {
    const s = deployApp();
    assert.deepEqual(
      findAllowlistViolations(s, effectiveAllowlist(s.meta.allowedCommands, [])),
      [],
    );
  });
});

Deno.test("renderAllowlistViolation() renders the SEC-2 block (SEC-2)", async (t) => {
  const scenario = makeScenario({
    name: "deploy-app",
    allowedCommands: ["kubectl", "az"],
    steps: [
      { argv: ["kubectl", "get", "pods"] },
      { argv: ["az", "account", "show"] },
      { argv: ["docker", "build", "-t", "app"] },
      { argv: ["docker", "push", "app"] },
    ],
  });
  await t.step("the contract example", () => {
    const allowlist = effectiveAllowlist(scenario.meta.allowedCommands, []) ?? [];
    const [violation, ...rest] = findAllowlistViolations(scenario, allowlist);
    assert.ok(violation);
    assert.equal(rest.length, 0);
    assert.equal(
      renderAllowlistViolation(violation, scenario, allowlist),
      'cli-replay: command "docker" is not in the allowed commands list [kubectl, az]\n' +
        "  scenario: deploy-app\n" +
        '  used by: step 3 ["docker", "build", "-t", "app"]\n',
    );
  });
  await t.step("an empty intersection shows []", () => {
    const allowlist = effectiveAllowlist(["kubectl"], ["docker"]) ?? [];
    const violations = findAllowlistViolations(scenario, allowlist);
    const text = violations.map((v) => renderAllowlistViolation(v, scenario, allowlist)).join("");
    assert.equal(
      text,
      'cli-replay: command "kubectl" is not in the allowed commands list []\n' +
        "  scenario: deploy-app\n" +
        '  used by: step 1 ["kubectl", "get", "pods"]\n' +
        'cli-replay: command "az" is not in the allowed commands list []\n' +
        "  scenario: deploy-app\n" +
        '  used by: step 2 ["az", "account", "show"]\n' +
        'cli-replay: command "docker" is not in the allowed commands list []\n' +
        "  scenario: deploy-app\n" +
        '  used by: step 3 ["docker", "build", "-t", "app"]\n',
    );
  });
});
