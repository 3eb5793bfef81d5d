import assert from "node:assert/strict";
import { buildDryRunReport, renderDryRun } from "../../../core/report/dry_run.ts";
import { deployApp, makeScenario } from "../_fixtures.ts";

const RULE = "─".repeat(60);
const HEADER = " #    Command / Match Pattern                      Calls   Group";

Deno.test("renderDryRun() reproduces the RUN-11 example byte for byte (RUN-11)", () => {
  const report = buildDryRunReport(deployApp());
  assert.equal(report.ok, true);
  assert.equal(
    renderDryRun(report),
    `Scenario: deploy-app
Description: Deploys the web app
Steps: 4 | Groups: 1 | Commands: 4
Template Variables: cluster
Session TTL: 10m
Allowlist: git, az, docker, kubectl

────────────────────────────────────────────────────────────
 #    Command / Match Pattern                      Calls   Group
────────────────────────────────────────────────────────────
 1    git status                                   [1,1]   —
      → exit 0 | stdout: On branch main\\n
 2    az account show                              [1,1]   pre-flight (unordered)
      → exit 0 | stdout: {"name": "my-sub"}
      ↳ captures: sub
 3    docker info                                  [0,2]   pre-flight (unordered)
      → exit 0
 4    kubectl get pods -n {{ .regex "^prod-.*" }}  [1,1]   —
      → exit 0 | stdout: {{ .cluster }} {{ .capture.sub }}\\n
────────────────────────────────────────────────────────────

✓ All commands match allowlist
✓ No validation errors
`,
  );
});

Deno.test("buildDryRunReport() applies the effective allowlist (RUN-11, SEC-2)", async (t) => {
  const cases = [
    {
      name: "flag and YAML intersect: docker and git are out",
      allowedCommands: ["az", "kubectl", "helm"],
      ok: false,
      allowlist: "Allowlist: az, kubectl",
      verdict: [
        '✗ command "git" is not in the allowlist (step 1)',
        '✗ command "docker" is not in the allowlist (step 3)',
      ],
    },
    {
      name: "flag allowing every command",
      allowedCommands: ["kubectl", "docker", "az", "git"],
      ok: true,
      allowlist: "Allowlist: git, az, docker, kubectl",
      verdict: ["✓ All commands match allowlist", "✓ No validation errors"],
    },
    {
      name: "empty intersection: no Allowlist line, every command fails",
      allowedCommands: ["helm"],
      ok: false,
      allowlist: undefined,
      verdict: [
        '✗ command "git" is not in the allowlist (step 1)',
        '✗ command "az" is not in the allowlist (step 2)',
        '✗ command "docker" is not in the allowlist (step 3)',
        '✗ command "kubectl" is not in the allowlist (step 4)',
      ],
    },
  ];
  for (const { name, allowedCommands, ok, allowlist, verdict } of cases) {
    await t.step(name, () => {
      const report = buildDryRunReport(deployApp(), { allowedCommands });
      assert.equal(report.ok, ok);
      const lines = renderDryRun(report).split("\n");
      const summary = lines.slice(0, lines.indexOf(""));
      assert.deepEqual(
        summary.filter((l) => l.startsWith("Allowlist:")),
        allowlist ? [allowlist] : [],
      );
      const afterTable = lines.slice(lines.lastIndexOf(RULE) + 1);
      assert.deepEqual(afterTable, ["", ...verdict, ""]);
    });
  }
});

Deno.test("renderDryRun() lays out minimal scenarios and edge cases (RUN-11)", async (t) => {
  await t.step("no optional lines, no allowlist, several steps per violation", () => {
    const scenario = makeScenario({
      name: "min",
      steps: [{ argv: ["rm", "-rf", "x"] }, { argv: ["rm", "y"], calls: { max: 3, min: 0 } }],
    });
    assert.equal(
      renderDryRun(buildDryRunReport(scenario)),
      [
        "Scenario: min",
        "Steps: 2 | Groups: 0 | Commands: 1",
        "",
        RULE,
        HEADER,
        RULE,
        " 1    rm -rf x                                     [1,1]   —",
        "      → exit 0",
        " 2    rm y                                         [0,3]   —",
        "      → exit 0",
        RULE,
        "",
        "✓ No validation errors",
        "",
      ].join("\n"),
    );
    const denied = renderDryRun(buildDryRunReport(scenario, { allowedCommands: ["ls"] }));
    assert.ok(denied.endsWith('\n\n✗ command "rm" is not in the allowlist (steps 1, 2)\n'), denied);
  });

  await t.step(
    "stdout previews: escapes, cut, file, binary, delay, sorted captures and vars",
    () => {
      const scenario = makeScenario({
        name: "prev",
        vars: { zone: "a", region: "b", Alpha: "c" },
        ttlMs: 90_000,
        steps: [
          { argv: ["a"], stdout: "tab\there\r\nbell\x07 esc\x1b del\x7f", exit: 3 },
          { argv: ["b"], stdout: "y".repeat(81) },
          { argv: ["c"], stdout: "z".repeat(80) },
          {
            argv: ["d"],
            stdout: { kind: "file", path: "fixtures/pods.txt" },
            delay: "2s",
            delayMs: 2000,
          },
          { argv: ["e"], stdout: { kind: "binary", bytes: new Uint8Array(5) } },
          { argv: ["f"], delayMs: 1500, capture: { zeta: "1", alpha: "2", Beta: "3" } },
          { argv: ["g", "x".repeat(50)] },
          { argv: ["h", "ü".repeat(42)] },
        ],
      });
      const lines = renderDryRun(buildDryRunReport(scenario)).split("\n");
      assert.equal(lines[1], "Steps: 8 | Groups: 0 | Commands: 8");
      assert.equal(lines[2], "Template Variables: Alpha, region, zone");
      assert.equal(lines[3], "Session TTL: 90000ms");
      const table = lines.slice(lines.indexOf(HEADER) + 2, lines.lastIndexOf(RULE));
      assert.deepEqual(table, [
        " 1    a                                            [1,1]   —",
        "      → exit 3 | stdout: tab\\there\\r\\nbell\\x07 esc\\x1b del\\x7f",
        " 2    b                                            [1,1]   —",
        `      → exit 0 | stdout: ${"y".repeat(80)}...`,
        " 3    c                                            [1,1]   —",
        `      → exit 0 | stdout: ${"z".repeat(80)}`,
        " 4    d                                            [1,1]   —",
        "      → exit 0 | stdout: [file: fixtures/pods.txt] | delay: 2s",
        " 5    e                                            [1,1]   —",
        "      → exit 0 | stdout: [binary: 5 bytes]",
        " 6    f                                            [1,1]   —",
        "      → exit 0 | delay: 1500ms",
        "      ↳ captures: Beta, alpha, zeta",
        ` 7    g ${"x".repeat(39)}... [1,1]   —`,
        "      → exit 0",
        ` 8    h ${"ü".repeat(42)} [1,1]   —`,
        "      → exit 0",
      ]);
    },
  );

  await t.step("report data", () => {
    const report = buildDryRunReport(deployApp());
    assert.deepEqual(report.steps[1], {
      number: 2,
      pattern: "az account show",
      min: 1,
      max: 1,
      group: "pre-flight",
      exit: 0,
      stdout: '{"name": "my-sub"}',
      captures: ["sub"],
    });
    assert.deepEqual(report.allowlist, ["git", "az", "docker", "kubectl"]);
    assert.deepEqual(report.violations, []);
  });
});
