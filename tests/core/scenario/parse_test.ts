import assert from "node:assert/strict";
import { parseScenario } from "../../../core/scenario/parse.ts";
import { formatDiagnostic } from "../../../core/scenario/format.ts";
import type { Diagnostic } from "../../../core/types.ts";
import { errors, leaf, load, ONE_STEP, step, withSteps, yaml } from "./_helpers.ts";

Deno.test("parseScenario() accepts the contract's deploy-app scenario (SCN-4, SCN-19)", () => {
  const s = load(yaml(
    "# yaml-language-server: $schema=https://example.com/scenario.schema.json",
    "meta:",
    "  name: deploy-app",
    "  description: Deploys the web app",
    "  vars:",
    "    cluster: prod",
    "  security:",
    "    allowed_commands: [git, az, docker, kubectl]",
    '    deny_env_vars: ["AWS_*", "SECRET_*", "TOKEN"]',
    "  session:",
    "    ttl: 10m",
    "steps:",
    "  - match:",
    "      argv: [git, status]",
    "    respond:",
    "      exit: 0",
    '      stdout: "On branch main\\n"',
    "  - group:",
    "      mode: unordered",
    "      name: pre-flight",
    "      steps:",
    "        - match:",
    "            argv: [az, account, show]",
    "          respond:",
    '            stdout: \'{"name": "my-sub"}\'',
    "            capture:",
    "              sub: my-sub",
    "        - match:",
    "            argv: [docker, info]",
    "          calls: {min: 0, max: 2}",
    "  - match:",
    "      argv: [kubectl, get, pods, -n, '{{ .regex \"^prod-.*\" }}']",
    "    respond:",
    '      stdout: "{{ .cluster }} {{ .capture.sub }}\\n"',
  ));
  assert.deepEqual(s.meta, {
    name: "deploy-app",
    description: "Deploys the web app",
    vars: { cluster: "prod" },
    allowedCommands: ["git", "az", "docker", "kubectl"],
    denyEnvVars: ["AWS_*", "SECRET_*", "TOKEN"],
    ttl: "10m",
    ttlMs: 600_000,
  });
  assert.deepEqual(s.steps.map((x) => x.argv.join(" ")), [
    "git status",
    "az account show",
    "docker info",
    'kubectl get pods -n {{ .regex "^prod-.*" }}',
  ]);
  assert.deepEqual(s.groups, [{ name: "pre-flight", start: 1, end: 3 }]);
  assert.deepEqual(s.blocks, [{ start: 0, end: 1 }, { start: 1, end: 3, group: 0 }, {
    start: 3,
    end: 4,
  }]);
  assert.deepEqual(s.commands, ["git", "az", "docker", "kubectl"]);
  assert.deepEqual(step(s, 1).respond.capture, { sub: "my-sub" });
  assert.deepEqual(step(s, 2).calls, { min: 0, max: 2, explicit: true });
  assert.deepEqual(step(s, 0).respond.stdout, { kind: "text", template: "On branch main\n" });
  assert.equal(step(s, 2).group, "pre-flight");
});

Deno.test("parseScenario() reports no follow-on diagnostics of a broken part (SCN-22)", async (t) => {
  const cases = [
    {
      name: "broken meta.name: the rest of meta is still checked",
      text: yaml(
        "meta:",
        "  name: {a: b}",
        "  vars: {x: y, 1x: z}",
        "steps:",
        ...leaf("[a]", "respond: {stdout: '{{ .x }}'}"),
      ),
      expected: [
        "s.yaml:2:9: meta.name: must be a string",
        's.yaml:3:16: meta.vars.1x: variable name "1x" must match [A-Za-z_][A-Za-z0-9_]*',
      ],
    },
    {
      name: "broken meta.vars: no undefined-variable errors",
      text: yaml(
        "meta:",
        "  name: s",
        "  vars: [x]",
        "steps:",
        ...leaf("[a]", "respond: {stdout: '{{ .x }}'}"),
      ),
      expected: ["s.yaml:3:9: meta.vars: must be a mapping"],
    },
    {
      name: "broken capture: no undefined-capture errors",
      text: withSteps(
        ...leaf("[a]", "respond: {capture: [c]}"),
        ...leaf("[b]", "respond: {stdout: '{{ .capture.c }}'}"),
      ),
      expected: ["s.yaml:5:24: steps[0].respond.capture: must be a mapping"],
    },
    {
      name: "broken calls: bounds fall back, the rest is checked",
      text: withSteps(...leaf("[../a]", "calls: {min: -1}")),
      expected: [
        's.yaml:4:20: steps[0].match.argv[0]: must be a plain command name (no "/", no template), got "../a"',
        "s.yaml:5:18: steps[0].calls.min: calls.min must be >= 0, got -1",
      ],
    },
  ];
  for (const { name, text, expected } of cases) {
    await t.step(name, () => assert.deepEqual(errors(text), expected));
  }
});

Deno.test("parseScenario() reports all errors, sorted, as SCN-22 lines (SCN-22)", async (t) => {
  await t.step("the contract's example", () => {
    const text = yaml(
      "meta:",
      "  description: Deploys the web app",
      "steps:",
      "  - match:",
      "      argv: [git, status]",
      "  - match:",
      "      argv: [kubectl, apply]",
      "    respond:",
      "      exit: 0",
      "      stdout: ok",
      "      stout: typo",
      "  - match:",
      "      argv: [kubectl, get]",
      "    calls: {min: 5, max: 3}",
    );
    const r = parseScenario(text, { file: "tests/deploy.yaml" });
    assert.ok(!r.ok);
    assert.deepEqual(r.diagnostics.map(formatDiagnostic), [
      'tests/deploy.yaml:2:3: meta: missing required key "name"',
      'tests/deploy.yaml:11:7: steps[1].respond: unknown key "stout" (did you mean "stdout"?)',
      "tests/deploy.yaml:14:12: steps[2].calls: calls.min (5) must be <= calls.max (3)",
    ]);
    assert.deepEqual(r.diagnostics[0], {
      file: "tests/deploy.yaml",
      line: 2,
      column: 3,
      path: "meta",
      message: 'missing required key "name"',
      severity: "error",
    });
  });

  await t.step("every kind of error in one file, in position order", () => {
    const text = yaml(
      "meta:",
      "  name: ' '",
      "  vars: {region: eu, 1bad: x}",
      "  security: {deny_env_vars: ['[x']}",
      "  session: {ttl: forever}",
      "steps:",
      "  - match: {argv: [../x, '{{ .regex \"(\" }}']}",
      "    respond:",
      "      exit: 300",
      "      stdout: '{{ .nope }}'",
      "      capture: {region: x}",
      "      delay: soon",
      "  - group:",
      "      mode: ordered",
      "      steps: [{match: {argv: [b]}, calls: {min: 0}}]",
      "  - match: {argv: [c], stdout: x}",
      "    respond: {stderr: '{{ if }}', stdout: '{{ .capture.later }}'}",
      "  - match: {argv: [d]}",
      "    respond: {capture: {later: v}}",
      "  - match: {argv: [e]}",
      "    respond: {stdout: x, stdout_file: y}",
    );
    assert.deepEqual(errors(text), [
      "s.yaml:2:9: meta.name: meta.name must not be empty",
      's.yaml:3:22: meta.vars.1bad: variable name "1bad" must match [A-Za-z_][A-Za-z0-9_]*',
      's.yaml:4:30: meta.security.deny_env_vars[0]: invalid glob pattern "[x": unterminated character class (missing "]")',
      's.yaml:5:18: meta.session.ttl: invalid duration "forever": expected a duration such as 30s, 10m or 1h',
      's.yaml:7:20: steps[0].match.argv[0]: must be a plain command name (no "/", no template), got "../x"',
      's.yaml:7:26: steps[0].match.argv[1]: invalid regular expression "(": Unterminated group',
      "s.yaml:9:13: steps[0].respond.exit: must be between 0 and 255, got 300",
      's.yaml:10:15: steps[0].respond.stdout: template references undefined variable "nope" (declare it in meta.vars)',
      's.yaml:11:17: steps[0].respond.capture.region: capture identifier "region" conflicts with meta.vars key "region"',
      's.yaml:12:14: steps[0].respond.delay: invalid duration "soon": expected a duration such as 300ms, 1.5h or 1h30m',
      's.yaml:14:13: steps[1].group.mode: group.mode must be "unordered", got "ordered"',
      "s.yaml:15:43: steps[1].group.steps[0].calls: calls.max is required when calls.min is 0",
      's.yaml:16:24: steps[2].match: unknown key "stdout" ("stdout" belongs under respond)',
      's.yaml:17:23: steps[2].respond.stderr: unsupported template action "{{ if }}": supported forms are {{ .name }}, {{ .capture.id }}, {{ "text" }}, {{ `text` }} and {{/* comment */}}',
      's.yaml:17:43: steps[2].respond.stdout: capture "later" is first defined at steps[3] (forward reference)',
      "s.yaml:21:26: steps[4].respond: stdout and stdout_file are mutually exclusive",
    ]);
  });

  await t.step("without a file name the line has no file prefix", () => {
    const r = parseScenario(withSteps(...leaf("[a]", "respond: {stdot: x}")));
    assert.ok(!r.ok);
    assert.equal(r.diagnostics[0]?.file, undefined);
    assert.equal(
      formatDiagnostic(r.diagnostics[0] as Diagnostic),
      '5:15: steps[0].respond: unknown key "stdot" (did you mean "stdout"?)',
    );
  });

  await t.step("columns count characters, not bytes", () => {
    assert.deepEqual(errors(yaml("meta:", "  name: ééé", "  x: 1", "steps:", ...ONE_STEP)), [
      's.yaml:3:3: meta: unknown key "x" (expected one of: "name", "description", "vars", "security", "session")',
    ]);
    assert.deepEqual(errors(withSteps("  - match: {argv: [é, x]}", "    respond: {exit: x}")), [
      "s.yaml:5:21: steps[0].respond.exit: must be an integer",
    ]);
    assert.deepEqual(errors(withSteps("  - match: {argv: [ééé, {x: y}]}")), [
      "s.yaml:4:25: steps[0].match.argv[1]: must be a string",
    ]);
  });
});
