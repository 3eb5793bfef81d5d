// The library as a user's test suite uses it (LIB-1..6): everything product-side comes
// from "@x/cli-replay" (mod.ts) and nothing else. Processes are real; directories are
// temporary. The only other imports are the assertion module and Deno itself.
import assert from "node:assert/strict";
import {
  assertReplayPassed,
  createReplayEngine,
  loadScenario,
  parseScenario,
  parseState,
  renderJUnit,
  renderVerifyJson,
  renderVerifyText,
  ReplayError,
  runWithScenario,
  type Scenario,
  verifyState,
} from "@x/cli-replay";

// ---- tiny local helpers (a user's suite would have its own) ----

const CLI_TS = decodeURIComponent(new URL("../cli.ts", import.meta.url).pathname);
const decoder = new TextDecoder();

/** A temporary directory removed by `await using`. */
async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.realPath(await Deno.makeTempDir({ prefix: "cli-replay-lib-" }));
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

async function write(path: string, text: string, mode = 0o644): Promise<string> {
  await Deno.writeTextFile(path, text, { mode });
  await Deno.chmod(path, mode);
  return path;
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** The environment without any inherited session, without colour. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (!k.startsWith("CLI_REPLAY_")) env[k] = v;
  }
  return env;
}

/** Runs a bash script in `cwd` in which `cli_replay` runs this repository's CLI. */
async function bash(cwd: string, script: string) {
  const fn = `cli_replay() { '${Deno.execPath()}' run -A '${CLI_TS}' "$@"; }`;
  const out = await new Deno.Command("bash", {
    args: ["-c", `${fn}\n${script}`],
    cwd,
    clearEnv: true,
    env: cleanEnv(),
    stdin: "null",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

function parse(yaml: string): Scenario {
  const parsed = parseScenario(yaml);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  return parsed.scenario;
}

// ---- runWithScenario / assertReplayPassed (LIB-5) ----

const THREE_FAKES = `meta: {name: three-fakes}
steps:
  - match: {argv: [git, status]}
    respond: {stdout: "clean\\n"}
  - match: {argv: [helm, version]}
    respond: {stdout: "v3\\n"}
  - match: {argv: [kubectl, get, pods]}
    respond: {stdout: "pod-a\\n"}
`;
const DEPLOY_SH = `#!/bin/bash
set -e
git status
helm version
kubectl get pods
echo done >&2
`;

Deno.test("runWithScenario() runs a bash script that calls three fakes and verifies the session (LIB-5)", async (t) => {
  await using dir = await tempDir();
  const scenario = await write(`${dir.path}/deploy.yaml`, THREE_FAKES);
  const script = await write(`${dir.path}/deploy.sh`, DEPLOY_SH, 0o755);

  await t.step("a scenario path", async () => {
    const run = await runWithScenario(scenario, ["bash", script]);
    assertReplayPassed(run);
    assert.equal(run.exitCode, 0);
    assert.equal(run.childExitCode, 0);
    assert.equal(run.childSignal, null);
    assert.equal(run.passed, true);
    assert.equal(run.stdout, "clean\nv3\npod-a\n");
    assert.deepEqual(run.stdoutBytes, new TextEncoder().encode("clean\nv3\npod-a\n"));
    assert.equal(run.stderr, "done\n");
    assert.equal(run.verification.passed, true);
    assert.equal(run.verification.consumedSteps, 3);
    assert.match(run.sessionId, /^[0-9a-f]{16}$/);
    assert.equal(run.report, renderVerifyText(run.verification));
    assert.deepEqual(await entries(`${dir.path}/.cli-replay`), [".gitignore"]);
  });

  await t.step("a file: URL, with cwd and extra env", async () => {
    await write(
      `${dir.path}/env.sh`,
      '#!/bin/sh\ngit status; helm version; kubectl get pods; echo "$GREETING $(pwd)"\n',
      0o755,
    );
    const run = await runWithScenario(new URL(`file://${scenario}`), ["./env.sh"], {
      cwd: dir.path,
      env: { GREETING: "hello" },
    });
    assertReplayPassed(run);
    assert.equal(run.stdout, `clean\nv3\npod-a\nhello ${dir.path}\n`);
  });

  await t.step("stdin text reaches the child", async () => {
    const run = await runWithScenario(scenario, [
      "sh",
      "-c",
      "git status; helm version; kubectl get pods; cat",
    ], { stdin: "from-stdin" });
    assertReplayPassed(run);
    assert.equal(run.stdout, "clean\nv3\npod-a\nfrom-stdin");
  });
});

Deno.test("runWithScenario() accepts an inline { yaml } scenario (LIB-5)", async (t) => {
  await t.step("in a private temporary directory", async () => {
    const run = await runWithScenario({ yaml: THREE_FAKES }, [
      "sh",
      "-c",
      "git status && helm version && kubectl get pods",
    ]);
    assertReplayPassed(run);
    assert.equal(run.stdout, "clean\nv3\npod-a\n");
  });

  await t.step("in a given dir, which is left as it was", async () => {
    await using dir = await tempDir();
    const run = await runWithScenario({ yaml: THREE_FAKES, dir: dir.path }, [
      "sh",
      "-c",
      "git status && helm version && kubectl get pods",
    ]);
    assertReplayPassed(run);
    assert.deepEqual(await entries(dir.path), [".cli-replay"]);
    assert.deepEqual(await entries(`${dir.path}/.cli-replay`), [".gitignore"]);
  });
});

Deno.test("assertReplayPassed() throws an Error naming the unmet step (LIB-5)", async () => {
  const run = await runWithScenario({ yaml: THREE_FAKES }, [
    "sh",
    "-c",
    "git status; helm version",
  ]);
  assert.equal(run.passed, false);
  assert.equal(run.exitCode, 1);
  assert.equal(run.childExitCode, 0);
  assert.equal(run.verification.passed, false);
  assert.throws(() => assertReplayPassed(run), {
    name: "Error",
    message: /Step 3: kubectl get pods — 0 calls ✗ needs 1 more/,
  });
});

Deno.test("runWithScenario() gives the child's exit code precedence and reports start failures (EXEC-7)", async (t) => {
  await t.step("child exit 42", async () => {
    const run = await runWithScenario({ yaml: THREE_FAKES }, ["sh", "-c", "exit 42"]);
    assert.equal(run.exitCode, 42);
    assert.equal(run.childExitCode, 42);
    assert.throws(() => assertReplayPassed(run), { message: /exit code 42/ });
  });
  await t.step("command not found → 127", async () => {
    const run = await runWithScenario({ yaml: THREE_FAKES }, ["no-such-command-xyz"]);
    assert.equal(run.exitCode, 127);
    assert.deepEqual(run.verification.error, {
      kind: "not-started",
      message: "child command could not be started",
    });
  });
});

Deno.test("runWithScenario() does not wait for a background process the child leaves behind (EXEC-6)", async () => {
  await using dir = await tempDir();
  const scenario = await write(`${dir.path}/s.yaml`, THREE_FAKES);
  const started = Date.now();
  const run = await runWithScenario(scenario, [
    "sh",
    "-c",
    "sleep 30 & echo $! > sleeper.pid; git status; helm version; kubectl get pods",
  ], { cwd: dir.path });
  const elapsed = Date.now() - started;
  assertReplayPassed(run);
  assert.equal(run.stdout, "clean\nv3\npod-a\n");
  assert.ok(elapsed < 5_000, `runWithScenario took ${elapsed} ms`);
  const pid = (await Deno.readTextFile(`${dir.path}/sleeper.pid`)).trim();
  const alive = () => {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 2_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(), false, "the background sleep was killed");
  assert.deepEqual(await entries(`${dir.path}/.cli-replay`), [".gitignore"]);
});

Deno.test("runWithScenario() timeoutMs kills the child's process group and cleans up (LIB-5)", async () => {
  await using dir = await tempDir();
  const scenario = await write(`${dir.path}/s.yaml`, THREE_FAKES);
  const started = Date.now();
  const run = await runWithScenario(scenario, ["sleep", "30"], { timeoutMs: 200 });
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 5_000, `took ${elapsed} ms`);
  assert.equal(run.childSignal, "SIGTERM");
  assert.equal(run.childExitCode, null);
  assert.equal(run.exitCode, 143);
  assert.equal(run.passed, false);
  assert.throws(() => assertReplayPassed(run), { message: /killed by SIGTERM, timed out/ });
  assert.deepEqual(await entries(`${dir.path}/.cli-replay`), [".gitignore"]);
});

Deno.test("runWithScenario() rejects when its AbortSignal aborts and cleans up (LIB-5)", async (t) => {
  await using dir = await tempDir();
  const scenario = await write(`${dir.path}/s.yaml`, THREE_FAKES);

  await t.step("abort while the child runs", async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error("stop it")), 200);
    const started = Date.now();
    try {
      await assert.rejects(
        runWithScenario(scenario, ["sleep", "30"], { signal: controller.signal }),
        { message: "stop it" },
      );
    } finally {
      clearTimeout(timer);
    }
    assert.ok(Date.now() - started < 5_000);
    assert.deepEqual(await entries(`${dir.path}/.cli-replay`), [".gitignore"]);
  });

  await t.step("an already aborted signal rejects before anything is created", async () => {
    await using empty = await tempDir();
    const file = await write(`${empty.path}/s.yaml`, THREE_FAKES);
    await assert.rejects(
      runWithScenario(file, ["true"], { signal: AbortSignal.abort(new Error("early")) }),
      { message: "early" },
    );
    assert.deepEqual(await entries(empty.path), ["s.yaml"]);
  });
});

Deno.test("runWithScenario() rejects an invalid scenario with a scenario ReplayError and diagnostics (LIB-3, LIB-5)", async (t) => {
  await t.step("inline", async () => {
    await assert.rejects(
      runWithScenario({ yaml: "meta: {}\nsteps: []\n" }, ["true"]),
      (error: unknown) => {
        assert.ok(error instanceof ReplayError);
        assert.equal(error.kind, "scenario");
        assert.match(error.message, /is invalid/);
        assert.ok(
          error.diagnostics.some((d) =>
            d.path === "meta" && /name/.test(d.message) && d.severity === "error"
          ),
          JSON.stringify(error.diagnostics),
        );
        assert.ok(error.diagnostics.some((d) => d.path === "steps"));
        return true;
      },
    );
  });

  await t.step("a file; nothing is created next to it", async () => {
    await using dir = await tempDir();
    const file = await write(`${dir.path}/bad.yaml`, "meta: {name: x}\nsteps:\n  - respond: {}\n");
    await assert.rejects(runWithScenario(file, ["true"]), (error: unknown) => {
      assert.ok(error instanceof ReplayError && error.kind === "scenario");
      assert.ok(error.diagnostics.length >= 1);
      assert.equal(error.diagnostics[0]!.file, file);
      assert.equal(typeof error.diagnostics[0]!.line, "number");
      return true;
    });
    assert.deepEqual(await entries(dir.path), ["bad.yaml"]);
  });
});

// ---- createReplayEngine (LIB-4) ----

const ENGINE_YAML = `meta:
  name: engine
  vars: {env: staging}
steps:
  - match: {argv: [kubectl, config, use-context, "{{ .env }}"]}
    respond: {stdout: "ctx {{ .env }}\\n"}
  - match: {argv: [git, status]}
    respond: {stdout: "clean\\n", exit: 0}
  - match: {argv: [helm, version]}
    respond: {stdout: "v3\\n", exit: 3}
`;

Deno.test("createReplayEngine() answers calls in memory (LIB-4)", async (t) => {
  const scenario = parse(ENGINE_YAML);

  await t.step("call/state/remaining/verify", () => {
    const engine = createReplayEngine(scenario);
    assert.equal(engine.remaining(), 3);
    const before = engine.state;
    const first = engine.call(["kubectl", "config", "use-context", "staging"]);
    assert.equal(first.kind, "matched");
    if (first.kind !== "matched") return;
    assert.equal(first.stepIndex, 0);
    assert.equal(first.exitCode, 0);
    assert.equal(decoder.decode(first.stdout), "ctx staging\n");
    assert.notEqual(engine.state, before, "the state is replaced on every call");
    assert.deepEqual(before.stepCounts, [0, 0, 0], "an old snapshot never changes");
    assert.deepEqual(engine.state.stepCounts, [1, 0, 0]);
    assert.equal(engine.remaining(), 2);
    assert.equal(engine.verify().passed, false);
    engine.call(["git", "status"]);
    const last = engine.call(["helm", "version"]);
    assert.equal(last.kind === "matched" && last.exitCode, 3);
    assert.equal(engine.remaining(), 0);
    const result = engine.verify();
    assert.equal(result.passed, true);
    assert.equal(result.consumedSteps, 3);
    const after = engine.call(["helm", "version"]);
    assert.equal(after.kind, "complete");
    assert.equal(engine.verify().passed, false, "a call after completion is unexpected");
  });

  await t.step(
    "a mismatch returns an outcome and leaves counts and cursor unchanged (STEP-8)",
    () => {
      const engine = createReplayEngine(scenario);
      engine.call(["kubectl", "config", "use-context", "staging"]);
      const { stepCounts, currentStep } = engine.state;
      const outcome = engine.call(["git", "push"]);
      assert.equal(outcome.kind, "mismatch");
      assert.deepEqual(engine.state.stepCounts, stepCounts);
      assert.equal(engine.state.currentStep, currentStep);
      assert.equal(engine.state.unexpectedCount, 1);
      assert.equal(engine.call(["git", "status"]).kind, "matched", "the cursor did not move");
      assert.equal(engine.verify().unexpectedCount, 1);
    },
  );

  await t.step("reset goes back to a fresh state", () => {
    const engine = createReplayEngine(scenario);
    engine.call(["kubectl", "config", "use-context", "staging"]);
    engine.call(["nope"]);
    engine.reset();
    assert.deepEqual(engine.state.stepCounts, [0, 0, 0]);
    assert.equal(engine.state.currentStep, 0);
    assert.equal(engine.verify().unexpectedCount, 0);
    assert.equal(engine.remaining(), 3);
  });

  await t.step("a new engine restored from `state` continues where the old one stopped", () => {
    const old = createReplayEngine(scenario);
    old.call(["kubectl", "config", "use-context", "staging"]);
    old.call(["git", "status"]);
    const restored = createReplayEngine(scenario, { initialState: old.state });
    assert.equal(restored.remaining(), 1);
    assert.equal(restored.call(["git", "status"]).kind, "mismatch");
    const next = restored.call(["helm", "version"]);
    assert.equal(next.kind === "matched" && next.stepIndex, 2);
    assert.deepEqual(restored.state.stepCounts, [1, 1, 1]);
    assert.deepEqual(old.state.stepCounts, [1, 1, 0], "the old engine is independent");
  });

  await t.step("env and vars override meta.vars; denyEnvVars blocks the env", () => {
    const cases: {
      name: string;
      opts: Parameters<typeof createReplayEngine>[1];
      value: string;
      denied: string[];
    }[] = [
      { name: "default", opts: {}, value: "staging", denied: [] },
      { name: "env map", opts: { env: { env: "prod" } }, value: "prod", denied: [] },
      {
        name: "env lookup",
        opts: { env: (name) => name === "env" ? "dev" : undefined },
        value: "dev",
        denied: [],
      },
      { name: "vars", opts: { vars: { env: "qa" } }, value: "qa", denied: [] },
      {
        name: "denied env",
        opts: { env: { env: "prod" }, denyEnvVars: ["e*"] },
        value: "staging",
        denied: ["env"],
      },
    ];
    for (const { name, opts, value, denied } of cases) {
      const engine = createReplayEngine(scenario, opts);
      const outcome = engine.call(["kubectl", "config", "use-context", value]);
      assert.equal(outcome.kind, "matched", name);
      if (outcome.kind !== "matched") continue;
      assert.equal(decoder.decode(outcome.stdout), `ctx ${value}\n`, name);
      assert.deepEqual(outcome.deniedVars, denied, name);
    }
    const prod = createReplayEngine(scenario, { env: { env: "prod" } });
    assert.equal(prod.call(["kubectl", "config", "use-context", "staging"]).kind, "mismatch");
  });
});

// ---- LIB-6: the CLI prints exactly what the library renders ----

const LIB6_YAML = `meta: {name: lib6}
steps:
  - match: {argv: [git, status]}
    respond: {stdout: "clean\\n"}
  - group:
      mode: unordered
      name: checks
      steps:
        - match: {argv: [helm, version]}
          respond: {stdout: "v3\\n"}
        - match: {argv: [docker, info]}
          calls: {min: 0, max: 2}
  - match: {argv: [kubectl, get, pods, -n, '{{ .regex "^prod-.*" }}']}
    respond: {stdout: "pod-a\\n"}
`;
const LIB6_CALLS = `git status >/dev/null
helm version >/dev/null
kubectl get nodes >/dev/null 2>&1 || true
cp .cli-replay/cli-replay-*.state state-copy.json
printf %s "$CLI_REPLAY_SESSION" > session-id
`;

Deno.test("the CLI's verify and exec reports equal the library renderers byte for byte (LIB-6)", async (t) => {
  await using dir = await tempDir();
  const file = await write(`${dir.path}/s.yaml`, LIB6_YAML);
  const scenario = await loadScenario(file);
  const expected = async () => {
    const state = parseState(await Deno.readTextFile(`${dir.path}/state-copy.json`));
    const session = await Deno.readTextFile(`${dir.path}/session-id`);
    const result = verifyState(scenario, state, { session });
    assert.equal(result.passed, false);
    assert.equal(result.unexpectedCount, 1);
    return { state, result };
  };

  await t.step("verify --format text|json|junit", async () => {
    const r = await bash(
      dir.path,
      `eval "$(cli_replay run s.yaml)"
${LIB6_CALLS}
cli_replay verify --format json s.yaml > v.json
cli_replay verify --format junit s.yaml > v.xml
cli_replay verify s.yaml 2> v.txt
true`,
    );
    assert.equal(r.code, 0, r.stderr);
    const { state, result } = await expected();
    assert.equal(await Deno.readTextFile(`${dir.path}/v.json`), renderVerifyJson(result));
    assert.equal(
      await Deno.readTextFile(`${dir.path}/v.xml`),
      renderJUnit(result, { classname: "s.yaml", timestamp: new Date(state.lastUpdated) }),
    );
    assert.equal(await Deno.readTextFile(`${dir.path}/v.txt`), renderVerifyText(result));
  });

  await t.step("exec's summary and --format json report", async () => {
    await write(`${dir.path}/child.sh`, `#!/bin/bash\n${LIB6_CALLS}`, 0o755);
    const r = await bash(dir.path, "cli_replay exec --format json s.yaml -- ./child.sh");
    assert.equal(r.code, 1, r.stderr);
    const { result } = await expected();
    const lines = r.stderr.split("\n");
    assert.match(lines[0]!, /^cli-replay: exec session initialized for "lib6"/);
    assert.equal(lines[1], "  child command: ./child.sh");
    assert.equal(
      lines.slice(2).join("\n"),
      renderVerifyText(result) + renderVerifyJson(result),
    );
    assert.deepEqual(await entries(`${dir.path}/.cli-replay`), [".gitignore"]);
  });

  await t.step("runWithScenario's report is the same text", async () => {
    const run = await runWithScenario(file, ["./child.sh"], { cwd: dir.path });
    const { result } = await expected();
    assert.equal(run.report, renderVerifyText(result));
    assert.deepEqual(run.verification, result);
  });
});
