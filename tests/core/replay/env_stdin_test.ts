// LANG-4: matching more than argv — `match.env` (the caller's environment) and the stdin
// rules; a mismatch report names the failing variable or stdin rule.
import assert from "node:assert/strict";
import { createReplayEngine } from "../../../core/replay/memory_engine.ts";
import { needsStdin } from "../../../core/replay/engine.ts";
import { scenarioEnvNames } from "../../../core/replay/call_rules.ts";
import { renderOutcome } from "../../../core/report/outcome.ts";
import { formatUnexpectedReason } from "../../../core/report/text.ts";
import type { StepOutcome } from "../../../core/types.ts";
import { errors, load, step, withSteps, yaml } from "../scenario/_helpers.ts";

function short(o: StepOutcome): string {
  switch (o.kind) {
    case "matched":
      return `matched:${o.stepIndex}`;
    case "env-mismatch":
      return `env:${o.stepIndex}:${o.name}`;
    case "stdin-mismatch":
      return `stdin:${o.stepIndex}`;
    case "mismatch":
      return `mismatch:${o.subject.stepIndex}`;
    default:
      return o.kind;
  }
}

/** One step `aws s3 ls` with `env: <env>`. */
function envScenario(env: string): string {
  return yaml(
    "meta:",
    "  name: s",
    "  vars: {profile: prod}",
    "steps:",
    "  - match:",
    "      argv: [aws, s3, ls]",
    `      env: ${env}`,
    "    calls: {min: 0, max: 9}",
    "  - match: {argv: [next]}",
    "    respond: {capture: {app: web}}",
    "  - match:",
    "      argv: [after]",
    "      env: {APP: '{{ .capture.app }}'}",
  );
}

Deno.test("match.env: each variable must match its argv item; null means unset (LANG-4)", async (t) => {
  const rows: { env: string; caller: Record<string, string>; expected: string }[] = [
    { env: "{AWS_PROFILE: prod}", caller: { AWS_PROFILE: "prod" }, expected: "matched:0" },
    { env: "{AWS_PROFILE: prod}", caller: { AWS_PROFILE: "dev" }, expected: "env:0:AWS_PROFILE" },
    { env: "{AWS_PROFILE: prod}", caller: {}, expected: "env:0:AWS_PROFILE" },
    { env: "{AWS_PROFILE: ''}", caller: { AWS_PROFILE: "" }, expected: "matched:0" },
    { env: "{AWS_PROFILE: ''}", caller: {}, expected: "env:0:AWS_PROFILE" },
    { env: "{AWS_PROFILE: '{{ .any }}'}", caller: { AWS_PROFILE: "" }, expected: "matched:0" },
    { env: "{AWS_PROFILE: '{{ .any }}'}", caller: {}, expected: "env:0:AWS_PROFILE" },
    {
      env: `{AWS_PROFILE: '{{ .regex "^prod-" }}'}`,
      caller: { AWS_PROFILE: "prod-eu" },
      expected: "matched:0",
    },
    {
      env: `{AWS_PROFILE: '{{ .regex "^prod-" }}'}`,
      caller: { AWS_PROFILE: "dev" },
      expected: "env:0:AWS_PROFILE",
    },
    {
      env: "{AWS_PROFILE: '{{ .profile }}'}",
      caller: { AWS_PROFILE: "prod" },
      expected: "matched:0",
    },
    { env: "{DRY_RUN: null}", caller: {}, expected: "matched:0" },
    { env: "{DRY_RUN: ~}", caller: { DRY_RUN: "" }, expected: "env:0:DRY_RUN" },
    { env: "{DRY_RUN: }", caller: { DRY_RUN: "1" }, expected: "env:0:DRY_RUN" },
    { env: "{DRY_RUN: 'null'}", caller: { DRY_RUN: "null" }, expected: "matched:0" },
    { env: "{A: a, B: null}", caller: { A: "a", B: "b" }, expected: "env:0:B" },
    { env: "{A: a, B: null}", caller: { A: "x", B: "b" }, expected: "env:0:A" },
  ];
  for (const row of rows) {
    await t.step(`${row.env} with ${JSON.stringify(row.caller)}`, () => {
      const engine = createReplayEngine(load(envScenario(row.env)), { env: row.caller });
      assert.equal(short(engine.call(["aws", "s3", "ls"])), row.expected);
    });
  }
  await t.step("a capture reference in match.env is substituted (LANG-3)", () => {
    const caller: Record<string, string> = { APP: "web" };
    const engine = createReplayEngine(load(envScenario("{}")), { env: (n) => caller[n] });
    engine.call(["next"]);
    assert.equal(short(engine.call(["after"])), "matched:2");
  });
});

Deno.test("match.env and stdin rules take part in candidate selection (LANG-4, STDIN-6)", async (t) => {
  const scenario = load(withSteps(
    "  - group:",
    "      mode: unordered",
    "      steps:",
    "        - match: {argv: [deploy], env: {TARGET: prod}}",
    "          respond: {stdout: prod}",
    "        - match: {argv: [deploy], env: {TARGET: dev}}",
    "          respond: {stdout: dev}",
    "        - match: {argv: [kubectl, apply, -f, '-'], stdin: {json: {kind: ConfigMap}}}",
    "        - match: {argv: [kubectl, apply, -f, '-'], stdin: {contains: 'kind: Deployment'}}",
  ));
  await t.step("the member whose environment matches answers", () => {
    const env: Record<string, string> = { TARGET: "dev" };
    const engine = createReplayEngine(scenario, { env: (n) => env[n] });
    assert.equal(short(engine.call(["deploy"])), "matched:1");
    env.TARGET = "prod";
    assert.equal(short(engine.call(["deploy"])), "matched:0");
    env.TARGET = "test";
    // Both members are exhausted now, so the call is no stdin/env mismatch but a plain one.
    assert.equal(short(engine.call(["deploy"])), "mismatch:0");
  });
  await t.step("the member whose stdin rule holds answers", () => {
    const engine = createReplayEngine(scenario);
    assert.equal(
      short(engine.call(["kubectl", "apply", "-f", "-"], { stdin: "kind: Deployment\n" })),
      "matched:3",
    );
    assert.equal(
      short(engine.call(["kubectl", "apply", "-f", "-"], { stdin: '{"kind": "ConfigMap"}' })),
      "matched:2",
    );
  });
  await t.step("no member matches: reported against the first whose argv matched", () => {
    const engine = createReplayEngine(scenario, { env: { TARGET: "test" } });
    assert.equal(short(engine.call(["deploy"])), "env:0:TARGET");
    assert.equal(short(engine.call(["kubectl", "apply", "-f", "-"], { stdin: "{}" })), "stdin:2");
    assert.deepEqual(engine.state.unexpectedCalls.map((u) => [u.reason, u.stepIndex]), [
      ["env", 0],
      ["stdin", 2],
    ]);
    assert.equal(
      formatUnexpectedReason({ argv: ["deploy"], reason: "env", stepIndex: 0 }),
      "env mismatch at step 1",
    );
  });
});

Deno.test("a mismatch report names the failing variable or stdin rule (LANG-4, ICPT-13)", async (t) => {
  const scenario = load(withSteps(
    "  - match:",
    "      argv: [aws, s3, ls]",
    `      env: {AWS_PROFILE: '{{ .regex "^prod" }}', DRY_RUN: null}`,
    "    calls: {min: 0, max: 5}",
    "  - match:",
    "      argv: [kubectl, apply, -f, '-']",
    "      stdin: {json: {spec: {replicas: 3}}}",
  ));
  const report = (o: StepOutcome) => renderOutcome(o, scenario, { color: false });
  await t.step("a variable that does not match: named, its value not shown (SEC-11)", () => {
    const engine = createReplayEngine(scenario, { env: { AWS_PROFILE: "dev-secret" } });
    const outcome = engine.call(["aws", "s3", "ls"]);
    assert.equal(
      report(outcome),
      yaml(
        'Mismatch at step 1 of "s":',
        "",
        '  Argv matched: ["aws", "s3", "ls"]',
        "  environment variable AWS_PROFILE did not match:",
        '    expected: {{ .regex "^prod" }}',
        "    received: another value (not shown)",
        // LANG-1's proposal, with the variable named.
        "",
        "  Closest steps:",
        "    step 1: aws s3 ls",
        "      argv matches; environment variable AWS_PROFILE differs",
        "",
        "  To accept this call, add:",
        "    # before step 1",
        "    - match:",
        "        argv: [aws, s3, ls]",
        '      respond: {stdout: ""}',
      ),
    );
    assert.ok(outcome.kind === "env-mismatch" && outcome.reason === "value differs");
  });
  await t.step("a variable that must be unset", () => {
    const engine = createReplayEngine(scenario, { env: { AWS_PROFILE: "prod", DRY_RUN: "1" } });
    assert.match(
      report(engine.call(["aws", "s3", "ls"])),
      /environment variable DRY_RUN did not match:\n {4}expected: \(unset\)\n {4}received: set \(value not shown\)\n\n {2}Closest steps:\n {4}step 1: aws s3 ls\n {6}argv matches; environment variable DRY_RUN differs\n/,
    );
  });
  await t.step("a variable that is not set", () => {
    const engine = createReplayEngine(scenario);
    assert.match(
      report(engine.call(["aws", "s3", "ls"])),
      /AWS_PROFILE did not match:\n.*\n {4}received: \(unset\)\n/,
    );
  });
  await t.step("a JSON rule names the path that differs", () => {
    const engine = createReplayEngine(scenario);
    assert.equal(
      report(engine.call(["kubectl", "apply", "-f", "-"], { stdin: '{"spec": {"replicas": 2}}' })),
      yaml(
        'Mismatch at step 2 of "s":',
        "",
        '  Argv matched: ["kubectl", "apply", "-f", "-"]',
        "  stdin did not match:",
        '    expected JSON containing: {"spec":{"replicas":3}}',
        "    at .spec.replicas: expected 3, got 2",
        "    received (first 200 characters):",
        '      {"spec": {"replicas": 2}}',
        "",
        "  Closest steps:",
        "    step 2: kubectl apply -f -",
        "      argv matches; stdin differs",
        "",
        "  To accept this call, add:",
        "    # before step 2",
        "    - match:",
        "        argv: [kubectl, apply, -f, '-']",
        '      respond: {stdout: ""}',
      ),
    );
  });
});

Deno.test("stdin rules are written as one-key mappings; json values are typed YAML (LANG-4)", async (t) => {
  await t.step("json scalars: numbers, booleans and null typed; quoted ones stay strings", () => {
    const s = step(
      load(withSteps(
        "  - match:",
        "      argv: [a]",
        "      stdin:",
        "        json: {n: 3, f: 1.5, t: true, z: null, e: ~, q: '3', s: web, l: [1, no, 0x1F]}",
      )),
      0,
    );
    assert.deepEqual(s.stdin, {
      kind: "json",
      value: { n: 3, f: 1.5, t: true, z: null, e: null, q: "3", s: "web", l: [1, "no", 31] },
    });
  });
  await t.step("regex and contains", () => {
    const s = load(withSteps(
      "  - match: {argv: [a], stdin: {regex: '^apiVersion'}}",
      "  - match: {argv: [b], stdin: {contains: 'kind: Pod'}}",
    ));
    assert.deepEqual(step(s, 0).stdin, { kind: "regex", source: "^apiVersion" });
    assert.deepEqual(step(s, 1).stdin, { kind: "contains", text: "kind: Pod" });
  });
  await t.step("match.env: plain null, ~ and nothing mean unset; quoted null is text", () => {
    const s = step(
      load(withSteps(
        "  - match:",
        "      argv: [a]",
        "      env:",
        "        A: null",
        "        B: ~",
        "        C:",
        "        D: 'null'",
        "        E: ''",
      )),
      0,
    );
    assert.deepEqual(s.env, { A: null, B: null, C: null, D: "null", E: "" });
  });
  await t.step("stdin is read for steps with a rule (STDIN-3)", () => {
    const s = load(withSteps("  - match: {argv: [a], stdin: {contains: x}}"));
    assert.equal(needsStdin(s, ["a"], {}), true);
    assert.equal(needsStdin(s, ["b"], {}), false);
  });
  await t.step("scenarioEnvNames() lists match.env names and env capture sources", () => {
    const s = load(withSteps(
      "  - match: {argv: [a], env: {B: x, A: null}}",
      "    respond: {capture: {u: {from: env.USER}}}",
    ));
    assert.deepEqual(scenarioEnvNames(s), ["A", "B", "USER"]);
  });
});

Deno.test("match.env and stdin rule errors are SCN-22 lines (LANG-4)", async (t) => {
  const rows = [
    {
      name: "two rules at once",
      lines: ["  - match: {argv: [a], stdin: {regex: x, contains: y}}"],
      expected: [
        's.yaml:4:31: steps[0].match.stdin: a stdin rule has exactly one of "regex", "contains", "json", found "regex", "contains"',
      ],
    },
    {
      name: "an empty rule",
      lines: ["  - match: {argv: [a], stdin: {}}"],
      expected: [
        's.yaml:4:31: steps[0].match.stdin: a stdin rule needs one of "regex", "contains", "json"',
      ],
    },
    {
      name: "a typo of contains",
      lines: ["  - match: {argv: [a], stdin: {contain: x}}"],
      expected: [
        's.yaml:4:32: steps[0].match.stdin: unknown key "contain" (did you mean "contains"?)',
      ],
    },
    {
      name: "a bad stdin regex",
      lines: ["  - match: {argv: [a], stdin: {regex: '('}}"],
      expected: [
        's.yaml:4:39: steps[0].match.stdin.regex: invalid regular expression "(": Unterminated group',
      ],
    },
    {
      name: "a bad env regex",
      lines: [`  - match: {argv: [a], env: {X: '{{ .regex "(" }}'}}`],
      expected: [
        's.yaml:4:33: steps[0].match.env.X: invalid regular expression "(": Unterminated group',
      ],
    },
    {
      name: "an env value that is a mapping",
      lines: ["  - match: {argv: [a], env: {X: {a: b}}}"],
      expected: ["s.yaml:4:33: steps[0].match.env.X: must be a string"],
    },
    {
      name: "an env name that is not an identifier",
      lines: ["  - match: {argv: [a], env: {'A=B': x}}"],
      expected: [
        's.yaml:4:30: steps[0].match.env.A=B: environment variable name "A=B" must match [A-Za-z_][A-Za-z0-9_]*',
      ],
    },
    {
      name: "an undeclared {{ .name }} in env is a literal, as in argv",
      lines: ["  - match: {argv: [a], env: {X: '{{ .nope }}'}}"],
      expected: [],
    },
    {
      name: "env where stdin is meant",
      lines: ["  - match: {argv: [a], env: x}"],
      expected: ["s.yaml:4:29: steps[0].match.env: must be a mapping"],
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const text = withSteps(...row.lines);
      if (row.expected.length === 0) load(text);
      else assert.deepEqual(errors(text), row.expected);
    });
  }
});

Deno.test(
  "a template whose value came from the environment — a capture from env.NAME, a variable set there — is reported as written, never its value (SEC-11, MATCH-9)",
  async (t) => {
    const scenario = load(yaml(
      "meta:",
      "  name: s",
      "  vars: {cluster: prod}",
      "steps:",
      '  - match: {argv: [kubectl, --context, "{{ .cluster }}", get, pods]}',
      "  - match: {argv: [login]}",
      "    respond:",
      "      capture:",
      "        tok: {from: env.API_TOKEN}",
      '  - match: {argv: [curl, -H, "Authorization: {{ .capture.tok }}"]}',
    ));
    const secret = "s3cr3t-value";
    const report = (o: StepOutcome) => renderOutcome(o, scenario, { color: false });

    await t.step("a capture from the environment", () => {
      const engine = createReplayEngine(scenario, { env: { API_TOKEN: secret } });
      assert.equal(
        short(engine.call(["kubectl", "--context", "prod", "get", "pods"])),
        "matched:0",
      );
      assert.equal(short(engine.call(["login"])), "matched:1");
      const outcome = engine.call(["curl", "-H", "Authorization: wrong"]);
      assert.ok(outcome.kind === "mismatch" && outcome.diff !== undefined);
      assert.deepEqual(outcome.diff, {
        position: 2,
        kind: "template",
        pattern: "Authorization: {{ .capture.tok }}",
        source: "Authorization: {{ .capture.tok }}",
        received: "Authorization: wrong",
        reason:
          'expected "Authorization: {{ .capture.tok }}" (a value from the environment, not shown), got "Authorization: wrong"',
        hidden: true,
      });
      const text = report(outcome);
      assert.match(
        text,
        / {4}expected: Authorization: \{\{ \.capture\.tok \}\} {2}\(a value from the environment, not shown\)\n/,
      );
      assert.ok(!text.includes(secret), text);
      // The right value still matches: hiding changes the report, not the matching.
      assert.equal(short(engine.call(["curl", "-H", `Authorization: ${secret}`])), "matched:2");
    });

    await t.step("a variable set in the environment; the scenario's own value is shown", () => {
      const fromEnv = createReplayEngine(scenario, { env: { cluster: "staging-secret" } });
      const text = report(fromEnv.call(["kubectl", "--context", "dev", "get", "pods"]));
      assert.match(
        text,
        /expected: \{\{ \.cluster \}\} {2}\(a value from the environment, not shown\)/,
      );
      assert.ok(!text.includes("staging-secret"), text);

      const own = createReplayEngine(scenario, {});
      const shown = report(own.call(["kubectl", "--context", "dev", "get", "pods"]));
      assert.match(shown, /expected: prod {2}\(from \{\{ \.cluster \}\}\)/);
    });
  },
);
