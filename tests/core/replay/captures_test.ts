// LANG-3: captures from the call — named groups of argv regexes, `respond.capture` values
// `{from: argv[N] | stdin | env.NAME, regex}` — rendered in later responses and substituted in
// later `match.argv` items.
import assert from "node:assert/strict";
import { createReplayEngine } from "../../../core/replay/memory_engine.ts";
import { needsStdin } from "../../../core/replay/engine.ts";
import { buildDryRunReport } from "../../../core/report/dry_run.ts";
import { renderOutcome } from "../../../core/report/outcome.ts";
import type { StepOutcome } from "../../../core/types.ts";
import { errors, load, withSteps, yaml } from "../scenario/_helpers.ts";

const dec = new TextDecoder();

function out(o: StepOutcome): string {
  return o.kind === "matched" ? dec.decode(o.stdout) : o.kind;
}

Deno.test("named groups of an argv regex bind captures when the step matches (LANG-3)", async (t) => {
  const rows: { pattern: string; argv: string; expected: Record<string, string> }[] = [
    {
      pattern: `'{{ .regex "^deploy/(?<app>[a-z]+)$" }}'`,
      argv: "deploy/web",
      expected: { app: "web" },
    },
    {
      pattern: `'{{ .regex "(?<app>[a-z]+)-(?<env>dev|prod)" }}'`,
      argv: "x/web-prod",
      expected: { app: "web", env: "prod" },
    },
    {
      pattern: `'{{ .regex "^(?P<app>[a-z]+)(?:@(?P<tag>v[0-9]+))?$" }}'`,
      argv: "web",
      expected: { app: "web" },
    },
    { pattern: `'{{ .regex "(?i)^(?<app>WEB)$" }}'`, argv: "web", expected: { app: "web" } },
    { pattern: `'{{ .regex "^[a-z]+$" }}'`, argv: "web", expected: {} },
  ];
  for (const row of rows) {
    await t.step(`${row.pattern} on ${row.argv}`, () => {
      const engine = createReplayEngine(load(withSteps(
        `  - match: {argv: [kubectl, rollout, ${row.pattern}]}`,
        "    calls: {min: 0, max: 1}",
      )));
      assert.equal(engine.call(["kubectl", "rollout", row.argv]).kind, "matched");
      assert.deepEqual(engine.state.captures, row.expected);
    });
  }
});

Deno.test("respond.capture takes values from argv, stdin and the environment (LANG-3)", async (t) => {
  const rows: {
    name: string;
    capture: string;
    argv?: string[];
    stdin?: string;
    env?: Record<string, string>;
    expected: string | undefined;
  }[] = [
    { name: "argv[N]", capture: "{from: 'argv[2]'}", expected: "web" },
    { name: "argv[0] is the command", capture: "{from: 'argv[0]'}", expected: "deploy" },
    { name: "argv[N] past the end: unset", capture: "{from: 'argv[9]'}", expected: undefined },
    {
      name: "argv with a regex: the first group",
      capture: `{from: 'argv[3]', regex: 'v(\\d+)\\.'}`,
      expected: "1",
    },
    {
      name: "a regex without groups: the whole match",
      capture: `{from: 'argv[3]', regex: '\\d+'}`,
      expected: "1",
    },
    {
      name: "a regex that does not match: unset",
      capture: `{from: 'argv[3]', regex: '^x'}`,
      expected: undefined,
    },
    {
      name: "a group that took no part: unset",
      capture: `{from: 'argv[3]', regex: '(x)?v'}`,
      expected: undefined,
    },
    {
      name: "stdin, normalised",
      capture: "{from: stdin}",
      stdin: "line 1\r\nline 2\n\n",
      expected: "line 1\nline 2",
    },
    {
      name: "stdin with a regex",
      capture: `{from: stdin, regex: '"id": *"([^"]+)"'}`,
      stdin: '{"id": "abc-1"}',
      expected: "abc-1",
    },
    { name: "stdin not given: empty", capture: "{from: stdin}", expected: "" },
    { name: "env.NAME", capture: "{from: env.USER}", env: { USER: "ann" }, expected: "ann" },
    {
      name: "env.NAME set and empty",
      capture: "{from: env.USER}",
      env: { USER: "" },
      expected: "",
    },
    { name: "env.NAME unset: unset", capture: "{from: env.USER}", env: {}, expected: undefined },
    { name: "a literal, as before", capture: "literal", expected: "literal" },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const scenario = load(withSteps(
        "  - match: {argv: [deploy, app, '{{ .any }}', '{{ .any }}']}",
        `    respond: {stdout: '[{{ .capture.v }}]', capture: {v: ${row.capture}}}`,
      ));
      const engine = createReplayEngine(scenario, { env: row.env ?? {} });
      const o = engine.call(row.argv ?? ["deploy", "app", "web", "v1.2"], {
        ...(row.stdin !== undefined ? { stdin: row.stdin } : {}),
      });
      // The call succeeds whether or not the capture could be taken.
      assert.equal(o.kind, "matched");
      assert.equal(engine.state.captures.v, row.expected);
      // CAP-2: the step renders its own capture.
      assert.equal(out(o), `[${row.expected ?? ""}]`);
    });
  }
  await t.step("a capture that cannot be taken keeps its earlier value", () => {
    const engine = createReplayEngine(load(withSteps(
      "  - match: {argv: [a]}",
      "    respond: {capture: {v: first}}",
      "  - match: {argv: [b, '{{ .any }}']}",
      "    respond: {stdout: '{{ .capture.v }}', capture: {v: {from: 'argv[1]', regex: '^x(.*)'}}}",
    )));
    engine.call(["a"]);
    assert.equal(out(engine.call(["b", "nope"])), "first");
  });
  await t.step("stdin is read for a step that captures from it (STDIN-3)", () => {
    const s = load(
      withSteps("  - match: {argv: [a]}", "    respond: {capture: {v: {from: stdin}}}"),
    );
    assert.equal(needsStdin(s, ["a"], {}), true);
    assert.equal(needsStdin(s, ["b"], {}), false);
  });
});

const CHAIN = yaml(
  "meta:",
  "  name: chain",
  "steps:",
  "  - match:",
  `      argv: [kubectl, rollout, status, '{{ .regex "^deploy/(?<app>[a-z.]+)$" }}']`,
  "    respond: {stdout: 'waiting for {{ .capture.app }}'}",
  "  - match:",
  "      argv: [kubectl, logs, '{{ .capture.app }}', '--prefix={{ .capture.app }}-']",
  "    respond: {stdout: 'logs of {{ .capture.app }}'}",
);

Deno.test("captured values render in later responses and are substituted in later argv items (LANG-3)", async (t) => {
  await t.step("substituted, then compared exactly", () => {
    const engine = createReplayEngine(load(CHAIN));
    assert.equal(
      out(engine.call(["kubectl", "rollout", "status", "deploy/web"])),
      "waiting for web",
    );
    assert.equal(out(engine.call(["kubectl", "logs", "web", "--prefix=web-"])), "logs of web");
  });
  await t.step("a value with regex characters is matched literally", () => {
    const engine = createReplayEngine(load(CHAIN));
    engine.call(["kubectl", "rollout", "status", "deploy/a.b"]);
    assert.equal(out(engine.call(["kubectl", "logs", "axb", "--prefix=axb-"])), "mismatch");
    assert.equal(out(engine.call(["kubectl", "logs", "a.b", "--prefix=a.b-"])), "logs of a.b");
  });
  await t.step("another value is a mismatch whose report shows the substituted value", () => {
    const scenario = load(CHAIN);
    const engine = createReplayEngine(scenario);
    engine.call(["kubectl", "rollout", "status", "deploy/web"]);
    const o = engine.call(["kubectl", "logs", "api", "--prefix=api-"]);
    assert.match(
      renderOutcome(o, scenario, { color: false }),
      /First difference at position 2:\n {4}expected: web {2}\(from \{\{ \.capture\.app \}\}\)\n {4}received: api\n/,
    );
  });
  await t.step("an element whose capture is not set matches nothing", () => {
    const scenario = load(withSteps(
      "  - match: {argv: [a, '{{ .any }}']}",
      "    calls: {min: 0, max: 1}",
      "    respond: {capture: {v: {from: 'argv[1]', regex: '^id=(.+)'}}}",
      "  - match: {argv: [b, '{{ .capture.v }}']}",
      "    calls: {min: 0, max: 1}",
    ));
    const engine = createReplayEngine(scenario);
    engine.call(["a", "nothing"]);
    const o = engine.call(["b", ""]);
    assert.equal(o.kind, "mismatch");
    assert.match(renderOutcome(o, scenario, { color: false }), /received: \n\n {2}Closest steps:/);
    assert.equal(o.kind === "mismatch" ? o.diff?.reason : "", 'capture "v" is not set');
  });
  await t.step("a group sibling may set a capture another member uses in argv", () => {
    const engine = createReplayEngine(load(withSteps(
      "  - group:",
      "      mode: unordered",
      "      steps:",
      "        - match: {argv: [get, '{{ .capture.id }}']}",
      "        - match: {argv: [create, '{{ .any }}']}",
      "          respond: {capture: {id: {from: 'argv[1]'}}}",
    )));
    assert.equal(out(engine.call(["create", "x1"])), "");
    assert.equal(engine.call(["get", "x1"]).kind, "matched");
  });
});

Deno.test("capture errors name the capture and where it is first set (LANG-3, CAP-4)", async (t) => {
  const rows = [
    {
      name: "used in argv before any step that could set it",
      lines: [
        "  - match: {argv: [logs, '{{ .capture.app }}']}",
        `  - match: {argv: [rollout, '{{ .regex "(?<app>.+)" }}']}`,
      ],
      expected: [
        's.yaml:4:26: steps[0].match.argv[1]: capture "app" is first defined at steps[1] (forward reference)',
      ],
    },
    {
      name: "used in the argv of the only step that sets it",
      lines: [`  - match: {argv: [a, '{{ .capture.x }}', '{{ .regex "(?<x>.)" }}']}`],
      expected: [
        's.yaml:4:23: steps[0].match.argv[1]: capture "x" is first defined at steps[0] (forward reference)',
      ],
    },
    {
      name: "used in match.env before it is set",
      lines: [
        "  - match: {argv: [a], env: {X: '{{ .capture.x }}'}}",
        "  - match: {argv: [b]}",
        "    respond: {capture: {x: {from: 'argv[0]'}}}",
      ],
      expected: [
        's.yaml:4:33: steps[0].match.env.X: capture "x" is first defined at steps[1] (forward reference)',
      ],
    },
    {
      name: "used in a response before it is set",
      lines: [
        "  - match: {argv: [a]}",
        "    respond: {stdout: '{{ .capture.x }}'}",
        "  - match: {argv: [b]}",
        "    respond: {capture: {x: {from: stdin}}}",
      ],
      expected: [
        's.yaml:5:23: steps[0].respond.stdout: capture "x" is first defined at steps[1] (forward reference)',
      ],
    },
    {
      name: "set by no step",
      lines: ["  - match: {argv: [a, '{{ .capture.nope }}']}"],
      expected: ['s.yaml:4:23: steps[0].match.argv[1]: capture "nope" is not defined by any step'],
    },
    {
      name: "an unknown source",
      lines: ["  - match: {argv: [a]}", "    respond: {capture: {x: {from: stdout}}}"],
      expected: [
        's.yaml:5:35: steps[0].respond.capture.x.from: capture source must be argv[N], stdin or env.NAME, got "stdout"',
      ],
    },
    {
      name: "a bad regex",
      lines: ["  - match: {argv: [a]}", "    respond: {capture: {x: {from: stdin, regex: '('}}}"],
      expected: [
        's.yaml:5:49: steps[0].respond.capture.x.regex: invalid regular expression "(": Unterminated group',
      ],
    },
    {
      name: "a typo of from",
      lines: ["  - match: {argv: [a]}", "    respond: {capture: {x: {form: stdin}}}"],
      expected: [
        's.yaml:5:28: steps[0].respond.capture.x: missing required key "from"',
        's.yaml:5:29: steps[0].respond.capture.x: unknown key "form" (did you mean "from"?)',
      ],
    },
    {
      name: "a named group that is a meta.vars name",
      yaml: yaml(
        "meta: {name: s, vars: {ns: prod}}",
        "steps:",
        `  - match: {argv: [a, '{{ .regex "(?<ns>.+)" }}']}`,
      ),
      expected: [
        's.yaml:3:23: steps[0].match.argv[1]: capture identifier "ns" conflicts with meta.vars key "ns"',
      ],
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const text = "yaml" in row ? row.yaml! : withSteps(...row.lines!);
      assert.deepEqual(errors(text), row.expected);
    });
  }
});

Deno.test("the dry run lists every capture a step can set (LANG-3)", () => {
  const report = buildDryRunReport(load(withSteps(
    `  - match: {argv: [a, '{{ .regex "(?<app>.+)" }}']}`,
    "    respond: {capture: {user: {from: env.USER}, fixed: x}}",
  )));
  assert.deepEqual(report.steps[0]?.captures, ["app", "fixed", "user"]);
});

Deno.test("parseScenario() lists the steps that read stdin once; needsStdin() answers the same with the list as by scanning every step (STDIN-3, LANG-2)", async (t) => {
  const s = load(withSteps(
    "  - match: {argv: [kubectl, get, pods]}",
    "  - match: {argv: [kubectl, apply, -f, '-'], stdin: 'kind: Pod'}",
    "  - match: {argv: [tee, '{{ .any }}']}",
    "    respond:",
    "      - {stdout: first}",
    "      - {capture: {body: {from: stdin}}}",
    "  - group:",
    "      mode: unordered",
    "      steps:",
    "        - match: {argv: [kubectl, get, ns]}",
    "        - match: {argv: [kubectl, create, -f, '-'], stdin: 'kind: Namespace'}",
    "  - match: {argv: [kubectl, version]}",
  ));
  assert.deepEqual(s.stdinSteps, [1, 2, 4]);
  const { stdinSteps: _, ...scanned } = s;
  const calls = [
    "kubectl get pods",
    "kubectl apply -f -",
    "tee out.txt",
    "kubectl get ns",
    "kubectl create -f -",
    "kubectl version",
    "git status",
  ];
  for (const call of calls) {
    await t.step(call, () => {
      const argv = call.split(" ");
      assert.equal(needsStdin(s, argv, {}), needsStdin(scanned, argv, {}));
    });
  }
  assert.equal(needsStdin(s, ["kubectl", "apply", "-f", "-"], {}), true);
  // The list is what a call consults: an empty one means no step reads stdin.
  assert.equal(needsStdin({ ...s, stdinSteps: [] }, ["kubectl", "apply", "-f", "-"], {}), false);
});
