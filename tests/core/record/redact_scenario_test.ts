// Tests of core/record/redact_scenario.ts: `cli-replay redact` on scenario text (RECM-2).
import assert from "node:assert/strict";
import { redactScenarioText } from "../../../core/record/redact_scenario.ts";
import { parseScenario } from "../../../core/scenario/parse.ts";
import { createReplayEngine } from "../../../core/replay/memory_engine.ts";

const TOKEN = "ghp_R3cordedT0ken";
const RULES = { secrets: { GITHUB_TOKEN: TOKEN }, patterns: [/Bearer (\S+)/gd] };

const FILE = `# recorded against the real API; edited by hand
meta:
  name: release   # keep this comment
steps:
  - match:
      argv: [gh, api, --header, "Authorization: token ${TOKEN}", /user]
    respond:
      stdout: |
        {"login": "me", "token": "${TOKEN}"}
  - match: {argv: [curl, -H, "Authorization: Bearer abc.def", "{{ .any }}"]}   # flow style
    respond: {exit: 0, stderr: 'used Bearer abc.def'}
  - group:
      mode: unordered
      steps:
        - match:
            argv: [docker, login, --password-stdin]
            stdin: |
              ${TOKEN}
          respond:
            stdout: "Login Succeeded\\n"
        - match: {argv: [docker, push, app], stdin: "${TOKEN}"}
  - match:
      argv: [git, status]
    respond:
      stdout: |+
        clean ${TOKEN}

`;

Deno.test("redactScenarioText() redacts every step's argv, stdin, stdout and stderr in place (RECM-2)", () => {
  const result = redactScenarioText(FILE, RULES);
  assert.ok(result.ok);
  assert.ok(!result.text.includes(TOKEN), result.text);
  assert.ok(!result.text.includes("abc.def"), result.text);
  assert.equal(
    result.text,
    `# recorded against the real API; edited by hand
meta:
  name: release   # keep this comment
steps:
  - match:
      argv: [gh, api, --header, '{{ .regex "^Authorization: token .*$" }}', /user]
    respond:
      stdout: |
        {"login": "me", "token": "[REDACTED:GITHUB_TOKEN]"}
  - match: {argv: [curl, -H, '{{ .regex "^Authorization: Bearer .*$" }}', "{{ .any }}"]}   # flow style
    respond: {exit: 0, stderr: "used Bearer [REDACTED]"}
  - group:
      mode: unordered
      steps:
        - match:
            argv: [docker, login, --password-stdin]
            # stdin held a secret, so it is not matched: "[REDACTED:GITHUB_TOKEN]\\n"
          respond:
            stdout: "Login Succeeded\\n"
        - match: {argv: [docker, push, app]}
  - match:
      argv: [git, status]
    respond:
      stdout: |+
        clean [REDACTED:GITHUB_TOKEN]

`,
  );
  assert.deepEqual([...result.counts], [["GITHUB_TOKEN", 5], ["regex", 2]]);
  assert.deepEqual(
    result.changes.map((c) => `${c.line}:${c.column} ${c.path} ${c.labels.join(",")}`),
    [
      "6:33 steps[0].match.argv[3] GITHUB_TOKEN",
      "8:15 steps[0].respond.stdout GITHUB_TOKEN",
      "10:30 steps[1].match.argv[2] regex",
      "11:32 steps[1].respond.stderr regex",
      "17:13 steps[2].group.steps[0].match.stdin GITHUB_TOKEN",
      "21:46 steps[2].group.steps[1].match.stdin GITHUB_TOKEN",
      "25:15 steps[3].respond.stdout GITHUB_TOKEN",
    ],
  );
});

Deno.test("a redacted scenario loads and replays the calls without the secret (RECM-2)", () => {
  const result = redactScenarioText(FILE, RULES);
  assert.ok(result.ok);
  const parsed = parseScenario(result.text);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.diagnostics));
  const engine = createReplayEngine(parsed.scenario);
  const calls = [
    ["gh", "api", "--header", "Authorization: token ", "/user"],
    ["curl", "-H", "Authorization: Bearer other", "https://x"],
    ["docker", "push", "app"],
    ["docker", "login", "--password-stdin"],
    ["git", "status"],
  ];
  for (const argv of calls) assert.equal(engine.call(argv).kind, "matched", argv.join(" "));
  assert.ok(engine.verify().passed);
});

Deno.test("redactScenarioText() changes nothing the second time, nor in a file without secrets (RECM-2)", () => {
  const once = redactScenarioText(FILE, RULES);
  assert.ok(once.ok);
  const twice = redactScenarioText(once.text, RULES);
  assert.ok(twice.ok);
  assert.equal(twice.text, once.text);
  assert.equal(twice.changes.length, 0);
  const clean = "meta: {name: s}\nsteps:\n  - match: {argv: [git, status]}\n";
  const result = redactScenarioText(clean, RULES);
  assert.deepEqual(result.ok && [result.text, result.changes.length], [clean, 0]);
});

Deno.test("redactScenarioText() leaves patterns, binary values and the command name alone (RECM-2)", () => {
  const text = `meta: {name: s}
steps:
  - match: {argv: ["${TOKEN}", "{{ .regex \\"${TOKEN}\\" }}"]}
    respond:
      stdout: !!binary Z2hwX1IzY29yZGVkVDBrZW4=
`;
  const result = redactScenarioText(text, RULES);
  assert.ok(result.ok);
  assert.equal(result.text, text);
});

Deno.test("redactScenarioText() redacts each answer of an answer sequence (RECM-2)", () => {
  const text = `meta: {name: s}
steps:
  - match: {argv: [poll]}
    respond:
      - stdout: "pending ${TOKEN}"
      - stdout: "ready"
`;
  const result = redactScenarioText(text, RULES);
  assert.ok(result.ok);
  assert.match(
    result.text,
    /- stdout: "pending \[REDACTED:GITHUB_TOKEN\]"\n {6}- stdout: "ready"\n/,
  );
  assert.deepEqual(result.changes.map((c) => c.path), ["steps[0].respond[0].stdout"]);
});

Deno.test("redactScenarioText() reports text that is not YAML", () => {
  const result = redactScenarioText("steps: [unclosed", RULES);
  assert.equal(result.ok, false);
});
