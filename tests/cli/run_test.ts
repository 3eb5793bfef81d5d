// Integration tests of `cli-replay run` (RUN, SEC-2, SEC-7, VERIFY-5..7): real processes in
// real bash, zsh and dash.
import assert from "node:assert/strict";
import {
  cli,
  contractPart,
  DEPLOY_SCENARIO,
  exists,
  findNamed,
  listDir,
  type ProcessResult,
  runScript,
  sh,
  SHELLS,
  shellTest,
  startSession,
  usingTempDir,
  writeScenario,
} from "../_helpers.ts";

/** Runs `<cmd>` and stores its stdout, stderr and exit code as out/<name>.{out,err,rc}. */
const REC = `rec() { _n=$1; shift; "$@" >"out/$_n.out" 2>"out/$_n.err"; echo $? >"out/$_n.rc"; }`;

interface Recorded {
  out: string;
  err: string;
  rc: number;
}

function recorded(dir: string) {
  return async (name: string): Promise<Recorded> => ({
    out: await Deno.readTextFile(`${dir}/out/${name}.out`),
    err: await Deno.readTextFile(`${dir}/out/${name}.err`),
    rc: Number((await Deno.readTextFile(`${dir}/out/${name}.rc`)).trim()),
  });
}

function assertOk(r: ProcessResult, what: string): void {
  assert.equal(r.code, 0, `${what} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
}

shellTest(
  "run: eval in bash, zsh and sh activates the fakes, verify reports in text/json/junit, the EXIT trap cleans (RUN-1, RUN-4, RUN-6, RUN-9, ICPT-1, ICPT-8, ICPT-9, VERIFY-5, VERIFY-6, VERIFY-7)",
  SHELLS,
  async (t, shells) => {
    const scenario = DEPLOY_SCENARIO.replace(
      `stdout: "{{ .cluster }} {{ .capture.sub }}\\n"`,
      `stdout: "{{ .cluster }} {{ .capture.sub }}\\n"\n      stderr: "pods listed\\n"\n      exit: 7`,
    );
    for (const shell of shells) {
      await t.step(shell, async () => {
        await using dir = await usingTempDir();
        const path = await writeScenario(dir.path, "deploy.yaml", scenario);
        await Deno.mkdir(dir.join("out"));
        const r = await runScript(
          shell,
          `${REC}
eval "$(cli_replay run deploy.yaml 2>out/run.err)" || exit 90
printf '%s' "$CLI_REPLAY_SESSION" >out/session
printf '%s' "$PATH" >out/path
ls .cli-replay >out/during
rec git git status
rec docker docker info
rec nodes kubectl get nodes
rec v1 cli_replay verify
rec v1json cli_replay verify --format json
rec v1junit cli_replay verify --format junit
rec az az account show
rec pods kubectl get pods -n prod-web
rec v2 cli_replay verify
rec v2json cli_replay verify --format JSON
rec v2junit cli_replay verify --format junit
`,
          { cwd: dir.path },
        );
        assertOk(r, `${shell} script`);
        assert.equal(r.stdout, "");
        assert.equal(r.stderr, "");
        const get = recorded(dir.path);
        const id = await Deno.readTextFile(dir.join("out/session"));
        assert.match(id, /^[0-9a-f]{16}$/);
        const interceptDir = dir.join(".cli-replay", `intercept-${id}`);
        assert.ok((await Deno.readTextFile(dir.join("out/path"))).startsWith(`${interceptDir}:`));
        assert.ok((await Deno.readTextFile(dir.join("out/during"))).includes(`intercept-${id}`));
        assert.equal(
          await Deno.readTextFile(dir.join("out/run.err")),
          `cli-replay: session initialized for "deploy-app" (4 steps, 4 commands)\n` +
            `  intercept dir: ${interceptDir}\n` +
            `  commands: git, az, docker, kubectl\n`,
        );

        // The fakes answer with their canned output and exit codes.
        assert.deepEqual(await get("git"), { out: "On branch main\n", err: "", rc: 0 });
        assert.deepEqual(await get("docker"), { out: "", err: "", rc: 0 });
        const nodes = await get("nodes");
        assert.equal(nodes.rc, 1);
        assert.equal(nodes.out, "");
        assert.equal(
          contractPart(nodes.err),
          `Mismatch in group "pre-flight" (steps 2-3) of "deploy-app":\n\n` +
            `  Received: ["kubectl", "get", "nodes"]\n\n` +
            `  Expected one of:\n` +
            `    step 2: ["az", "account", "show"]\n` +
            `    step 3: ["docker", "info"]\n`,
        );
        assert.deepEqual(await get("az"), { out: '{"name": "my-sub"}', err: "", rc: 0 });
        assert.deepEqual(await get("pods"), { out: "prod my-sub\n", err: "pods listed\n", rc: 7 });

        // VERIFY-5: text on stderr, exactly the contract's example.
        const v1 = await get("v1");
        assert.deepEqual({ out: v1.out, rc: v1.rc }, { out: "", rc: 1 });
        assert.equal(
          v1.err,
          `✗ Scenario "deploy-app" incomplete
  consumed: 2/4 steps
  Step 1: git status — 1 call ✓
  Step 2: [group:pre-flight] az account show — 0 calls ✗ needs 1 more
  Step 3: [group:pre-flight] docker info — 1 call (min: 0, max: 2) ✓
  Step 4: kubectl get pods -n {{ .regex "^prod-.*" }} — 0 calls ✗ needs 1 more
  Unexpected calls (1):
    - ["kubectl", "get", "nodes"] (mismatch at step 2)
  To accept this call, add:
    # in group "pre-flight"
    - match:
        argv: [kubectl, get, nodes]
      respond: {stdout: ""}
`,
        );
        // VERIFY-6: one line of compact JSON on stdout, keys in the contract's order.
        const step = (
          index: number,
          label: string,
          count: number,
          min: number,
          max: number,
          group?: string,
        ) =>
          `{"index":${index},"label":${JSON.stringify(label)},${
            group ? `"group":"${group}",` : ""
          }"call_count":${count},"min":${min},"max":${max},"passed":${count >= min}}`;
        const json = (counts: number[]) =>
          `{"scenario":"deploy-app","session":"${id}","passed":false,"total_steps":4,"consumed_steps":${
            counts.filter((c) => c > 0).length
          },"steps":[${
            [
              step(0, "git status", counts[0]!, 1, 1),
              step(1, "[group:pre-flight] az account show", counts[1]!, 1, 1, "pre-flight"),
              step(2, "[group:pre-flight] docker info", counts[2]!, 0, 2, "pre-flight"),
              step(3, 'kubectl get pods -n {{ .regex "^prod-.*" }}', counts[3]!, 1, 1),
            ].join(",")
          }],"unexpected_calls":[{"argv":["kubectl","get","nodes"],"reason":"mismatch","step_index":1}],"unexpected_count":1}\n`;
        assert.deepEqual(await get("v1json"), { out: json([1, 0, 1, 0]), err: "", rc: 1 });
        assert.deepEqual(await get("v2json"), { out: json([1, 1, 1, 1]), err: "", rc: 1 });

        // VERIFY-7: JUnit on stdout; only the timestamp (state's last_updated) varies.
        const classname = path;
        const tc = (name: string, failure?: string) =>
          failure === undefined
            ? `    <testcase name="${name}" classname="${classname}" time="0.000"/>\n`
            : `    <testcase name="${name}" classname="${classname}" time="0.000">\n` +
              `      <failure message="${failure}" type="VerificationFailure">${failure}</failure>\n` +
              `    </testcase>\n`;
        const junit = (failures: number, failing: boolean) =>
          `<?xml version="1.0" encoding="UTF-8"?>\n` +
          `<testsuites name="cli-replay" tests="5" failures="${failures}" errors="0" time="0.000">\n` +
          `  <testsuite name="deploy-app" tests="5" failures="${failures}" errors="0" skipped="0" time="0.000" timestamp="TS">\n` +
          tc("step[0]: git status") +
          tc(
            "[group:pre-flight] step[1]: az account show",
            failing ? "called 0 times, minimum 1 required" : undefined,
          ) +
          tc("[group:pre-flight] step[2]: docker info") +
          tc(
            "step[3]: kubectl get pods -n {{ .regex &quot;^prod-.*&quot; }}",
            failing ? "called 0 times, minimum 1 required" : undefined,
          ) +
          `    <testcase name="unexpected calls" classname="${classname}" time="0.000">\n` +
          `      <failure message="1 unexpected call" type="UnexpectedCall">["kubectl", "get", "nodes"] (mismatch at step 2)</failure>\n` +
          `    </testcase>\n` +
          `  </testsuite>\n` +
          `</testsuites>\n`;
        for (
          const [name, failures, failing] of [["v1junit", 3, true], ["v2junit", 1, false]] as const
        ) {
          const x = await get(name);
          assert.equal(x.rc, 1);
          assert.equal(x.err, "");
          const ts = /timestamp="([^"]*)"/.exec(x.out)?.[1] ?? "";
          assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          assert.ok(Math.abs(Date.parse(ts) - Date.now()) < 120_000, ts);
          assert.equal(x.out.replace(ts, "TS"), junit(failures, failing));
        }
        // Only unexpected calls left: the other VERIFY-5 header.
        const v2 = await get("v2");
        assert.equal(v2.rc, 1);
        assert.match(v2.err, /^✗ Scenario "deploy-app" failed: 1 unexpected call/);

        // RUN-6: the EXIT trap removed the intercept dir and every session file.
        assert.deepEqual(await listDir(dir.join(".cli-replay")), [".gitignore"]);
      });
    }
  },
);

shellTest(
  "run: a scenario path with a space, a single quote, $ and a backtick works in every shell (RUN-5, SEC-7)",
  SHELLS,
  async (t, shells) => {
    for (const shell of shells) {
      await t.step(shell, async () => {
        await using dir = await usingTempDir();
        const path = await writeScenario(
          dir.path,
          "it's a $HOME `pwd` dir/s.yaml",
          `meta: {name: quoted}\nsteps:\n  - match: {argv: [git, push]}\n    respond: {stdout: "pushed\\n"}\n`,
        );
        const r = await runScript(
          shell,
          `eval "$(cli_replay run "$SCN")" || exit 90
git push || exit 91
cli_replay verify || exit 92
cli_replay verify --format json || exit 93
`,
          { cwd: dir.path, env: { SCN: path } },
        );
        assertOk(r, shell);
        const lines = r.stdout.split("\n");
        assert.equal(lines[0], "pushed");
        assert.equal(JSON.parse(lines[1]!).passed, true);
        assert.match(r.stderr, /✓ Scenario "quoted" completed: 1\/1 steps consumed\n/);
        assert.deepEqual(await listDir(`${dir.path}/it's a $HOME \`pwd\` dir/.cli-replay`), [
          ".gitignore",
        ]);
      });
    }
  },
);

shellTest(
  "run: a hostile scenario directory and command name cannot inject shell code into eval, the shims or the trap (SEC-7, RUN-5, ICPT-1)",
  SHELLS,
  async (t, shells) => {
    const weird = 'we\'ird $(touch PWNED) "x" `y` ; & | < >\n';
    const command = "a'b$(c)";
    for (const shell of shells) {
      await t.step(shell, async () => {
        await using dir = await usingTempDir();
        // `c` and `y` would run if `$(c)` or `` `y` `` were ever evaluated.
        await Deno.mkdir(dir.join("bin"));
        await Deno.mkdir(dir.join("work"));
        for (const name of ["c", "y"]) {
          await Deno.writeTextFile(
            dir.join("bin", name),
            `#!/bin/sh\ntouch ${sh(dir.join(`ran-${name}`))}\n`,
            { mode: 0o755 },
          );
        }
        const path = await writeScenario(
          dir.path,
          `${weird}/s.yaml`,
          `meta: {name: weird}
steps:
  - match: {argv: ["${command}", one, "two words"]}
    respond: {stdout: "ok $(touch PWNED) \`y\`\\n", exit: 4}
  - match: {argv: [git, status]}
`,
        );
        const r = await runScript(
          shell,
          `eval "$(cli_replay run "$SCN")" || exit 90
${sh(command)} one 'two words'; echo "rc=$?"
git status; echo "rc=$?"
cli_replay verify --format json
`,
          {
            cwd: dir.join("work"),
            env: { SCN: path, PATH: `${dir.join("bin")}:${Deno.env.get("PATH")}` },
          },
        );
        assertOk(r, shell);
        const lines = r.stdout.split("\n");
        assert.deepEqual(lines.slice(0, 3), ["ok $(touch PWNED) `y`", "rc=4", "rc=0"]);
        const report = JSON.parse(lines[3]!);
        assert.equal(report.passed, true);
        assert.deepEqual(report.steps.map((s: { call_count: number }) => s.call_count), [1, 1]);
        assert.deepEqual(await findNamed(dir.path, "PWNED"), []);
        assert.equal(await exists(dir.join("ran-c")), false);
        assert.equal(await exists(dir.join("ran-y")), false);
        assert.deepEqual(await listDir(`${dir.path}/${weird}/.cli-replay`), [".gitignore"]);
      });
    }
  },
);

shellTest(
  "run: a script that gets SIGTERM or SIGINT after eval stops there and its intercept dir is gone (RUN-6)",
  SHELLS,
  async (t, shells) => {
    const cases = [...shells.map((s) => [s, "TERM"] as const), ["bash", "INT"] as const];
    for (const [shell, signal] of cases) {
      await t.step(`${shell} ${signal}`, async () => {
        await using dir = await usingTempDir();
        await writeScenario(
          dir.path,
          "s.yaml",
          `meta: {name: sig}\nsteps:\n  - match: {argv: [git, status]}\n    calls: {min: 1, max: 5}\n`,
        );
        const r = await runScript(
          shell,
          `eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 90
printf '%s' "$CLI_REPLAY_SESSION" >session
git status || exit 91
kill -${signal} $$
git status
touch after-signal
`,
          { cwd: dir.path },
        );
        assert.equal(r.signal, `SIG${signal}`, `${r.code} ${r.stderr}`);
        assert.equal(await exists(dir.join("after-signal")), false);
        const id = await Deno.readTextFile(dir.join("session"));
        assert.equal(await exists(dir.join(".cli-replay", `intercept-${id}`)), false);
        assert.deepEqual(await listDir(dir.join(".cli-replay")), [".gitignore"]);
      });
    }
  },
);

shellTest(
  "run: the EXIT trap cleans up but keeps the script's exit status, also under set -e (RUN-6)",
  SHELLS,
  async (t, shells) => {
    for (const shell of shells) {
      await t.step(shell, async () => {
        await using dir = await usingTempDir();
        await writeScenario(
          dir.path,
          "s.yaml",
          `meta: {name: status}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {exit: 4}\n`,
        );
        const r = await runScript(
          shell,
          `eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 90
set -e
git status
echo not-reached
`,
          { cwd: dir.path },
        );
        assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 4, stdout: "" });
        assert.deepEqual(await listDir(dir.join(".cli-replay")), [".gitignore"]);
      });
    }
  },
);

Deno.test(
  "run: a second eval in the same shell re-arms the cleanup trap after an earlier cleanup (RUN-6)",
  async () => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: twice}\nsteps:\n  - match: {argv: [git, status]}\n`,
    );
    const r = await runScript(
      "bash",
      `eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 90
first=$CLI_REPLAY_SESSION
_cli_replay_clean
[ -d ".cli-replay/intercept-$first" ] && exit 91
eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 92
git status >/dev/null || exit 93
printf '%s' "$CLI_REPLAY_SESSION" >second
`,
      { cwd: dir.path },
    );
    assertOk(r, "bash");
    assert.match(await Deno.readTextFile(dir.join("second")), /^[0-9a-f]{16}$/);
    assert.deepEqual(await listDir(dir.join(".cli-replay")), [".gitignore"]);
  },
);

Deno.test(
  "run: prints exactly the POSIX lines with an absolute, quoted self command for the trap (RUN-4, RUN-5, RUN-2)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: lines}\nsteps:\n  - match: {argv: [git, status]}\n`,
    );
    const r = await cli(["run", "--shell", "ZSH", "s.yaml"], { cwd: dir.path });
    assertOk(r, "run");
    const lines = r.stdout.split("\n");
    const id = /^export CLI_REPLAY_SESSION='([0-9a-f]{16})'$/.exec(lines[0]!)?.[1];
    assert.ok(id, lines[0]);
    const interceptDir = `${dir.path}/.cli-replay/intercept-${id}`;
    assert.equal(lines[1], `export CLI_REPLAY_SCENARIO='${path}'`);
    assert.equal(lines[2], `export PATH='${interceptDir}':"$PATH"`);
    assert.equal(lines[3], "unset _cli_replay_cleaned");
    const fn =
      /^_cli_replay_clean\(\) \{ if \[ -n "\$\{_cli_replay_cleaned:-\}" \]; then return 0; fi; _cli_replay_cleaned=1; (.*) 2>\/dev\/null; \}$/
        .exec(lines[4]!);
    assert.ok(fn, lines[4]);
    const words = fn[1]!.match(/'[^']*'/g) ?? [];
    assert.equal(words.join(" "), fn[1], "every word of the clean command is single-quoted");
    assert.equal(words[0], `'${Deno.execPath()}'`);
    assert.deepEqual(words.slice(-5), ["'clean'", "'--session'", `'${id}'`, "'--'", `'${path}'`]);
    assert.deepEqual(lines.slice(5), [
      "trap '_cli_replay_clean' EXIT",
      "trap '_cli_replay_clean; trap - INT; kill -INT $$' INT",
      "trap '_cli_replay_clean; trap - TERM; kill -TERM $$' TERM",
      "",
    ]);
    assert.ok(await exists(interceptDir));
    const clean = await cli(["clean", "--session", id, "s.yaml"], { cwd: dir.path });
    assertOk(clean, "clean");
    assert.deepEqual(await listDir(dir.join(".cli-replay")), [".gitignore"]);
  },
);

Deno.test(
  "run: warns when the environment names a session whose state still exists, and not otherwise (RUN-10)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: active}\nsteps:\n  - match: {argv: [git, status]}\n`,
    );
    const first = await startSession(path);
    const second = await cli(["run", "s.yaml"], { cwd: dir.path, env: first.env });
    assertOk(second, "second run");
    assert.ok(
      second.stderr.startsWith(
        `cli-replay: warning: replacing active session ${first.id}; its files stay until 'cli-replay clean --session ${first.id}'\n`,
      ),
      second.stderr,
    );
    assert.ok(await exists(first.state), "the replaced session's files stay");
    const clean = await cli(["clean", "s.yaml"], { cwd: dir.path });
    assert.equal(clean.stderr, "cli-replay: removed 2 session(s) for s.yaml\n");
    const fourth = await cli(["run", "s.yaml"], { cwd: dir.path, env: first.env });
    assertOk(fourth, "fourth run");
    assert.ok(!fourth.stderr.includes("warning"), fourth.stderr);
    await cli(["clean", "s.yaml"], { cwd: dir.path });
  },
);

Deno.test(
  "run: --shell selects PowerShell text (case-insensitive), rejects cmd and unknown shells before creating anything (RUN-3, RUN-7, ERR-5)",
  async (t) => {
    await using dir = await usingTempDir();
    const scenarioDir = "o'neil’s dir";
    const path = await writeScenario(
      dir.path,
      `${scenarioDir}/s.yaml`,
      `meta: {name: ps}\nsteps:\n  - match: {argv: [git, status]}\n`,
    );
    const stateDir = `${dir.path}/${scenarioDir}/.cli-replay`;
    await t.step("cmd is Windows only", async () => {
      const r = await cli(["run", "--shell", "cmd", path]);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        {
          code: 1,
          stdout: "",
          stderr: `cli-replay: shell "cmd" is not supported (Windows only)\n`,
        },
      );
      assert.equal(await exists(stateDir), false);
    });
    await t.step("an unknown shell lists the valid values", async () => {
      const r = await cli(["run", "--shell", "fish", path]);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        {
          code: 1,
          stdout: "",
          stderr: `cli-replay: invalid shell "fish": valid values are bash, zsh, sh, powershell\n`,
        },
      );
      assert.equal(await exists(stateDir), false);
    });
    await t.step("powershell, pwsh and PS print the three PowerShell lines", async () => {
      const q = (s: string) => `'${s.replace(/['’]/g, (c) => c + c)}'`;
      for (const shell of ["powershell", "Pwsh"]) {
        const r = await cli(["run", "--shell", shell, path]);
        assertOk(r, shell);
        const id = /^\$env:CLI_REPLAY_SESSION = '([0-9a-f]{16})'\n/.exec(r.stdout)?.[1];
        assert.ok(id, r.stdout);
        assert.equal(
          r.stdout,
          `$env:CLI_REPLAY_SESSION = '${id}'\n` +
            `$env:CLI_REPLAY_SCENARIO = ${q(path)}\n` +
            `$env:PATH = ${
              q(`${stateDir}/intercept-${id}`)
            } + [IO.Path]::PathSeparator + $env:PATH\n`,
        );
      }
      const clean = await cli(["clean", path]);
      assert.equal(clean.stderr, `cli-replay: removed 2 session(s) for ${path}\n`);
      assert.deepEqual(await listDir(stateDir), [".gitignore"]);
    });
  },
);

Deno.test(
  "run --dry-run: prints the report, creates nothing, and exits 1 on an allowlist violation (RUN-11, STATE-14, TTL-2)",
  async () => {
    await using dir = await usingTempDir();
    await writeScenario(dir.path, "a/deploy.yaml", DEPLOY_SCENARIO);
    const ok = await cli(["run", "--dry-run", "a/deploy.yaml"], { cwd: dir.path });
    assert.equal(ok.code, 0, ok.stderr);
    const rule = "─".repeat(60);
    const table = `Scenario: deploy-app
Description: Deploys the web app
Steps: 4 | Groups: 1 | Commands: 4
Template Variables: cluster
Session TTL: 10m
Allowlist: ALLOW

${rule}
 #    Command / Match Pattern                      Calls   Group
${rule}
 1    git status                                   [1,1]   —
      → exit 0 | stdout: On branch main\\n
 2    az account show                              [1,1]   pre-flight (unordered)
      → exit 0 | stdout: {"name": "my-sub"}
      ↳ captures: sub
 3    docker info                                  [0,2]   pre-flight (unordered)
      → exit 0
 4    kubectl get pods -n {{ .regex "^prod-.*" }}  [1,1]   —
      → exit 0 | stdout: {{ .cluster }} {{ .capture.sub }}\\n
${rule}

`;
    assert.equal(
      ok.stdout,
      table.replace("ALLOW", "git, az, docker, kubectl") +
        "✓ All commands match allowlist\n✓ No validation errors\n",
    );
    assert.equal(await exists(dir.join("a/.cli-replay")), false);

    const bad = await cli(
      ["run", "--dry-run", "--allowed-commands", "kubectl,git", "a/deploy.yaml"],
      { cwd: dir.path },
    );
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stdout,
      table.replace("ALLOW", "git, kubectl") +
        `✗ command "az" is not in the allowlist (step 2)\n` +
        `✗ command "docker" is not in the allowlist (step 3)\n`,
    );
    assert.equal(await exists(dir.join("a/.cli-replay")), false);

    // No TTL sweep either: an expired session beside the scenario survives a dry run.
    await Deno.mkdir(dir.join("a/.cli-replay/intercept-0123456789abcdef"), {
      recursive: true,
      mode: 0o700,
    });
    await Deno.chmod(dir.join("a/.cli-replay"), 0o700);
    await Deno.utime(dir.join("a/.cli-replay/intercept-0123456789abcdef"), 0, 0);
    const again = await cli(["run", "--dry-run", "a/deploy.yaml"], { cwd: dir.path });
    assert.equal(again.code, 0);
    assert.deepEqual(await listDir(dir.join("a/.cli-replay")), ["intercept-0123456789abcdef"]);
  },
);

Deno.test(
  "run: the effective allowlist is flag ∩ YAML, a disjoint pair allows nothing, and a violation fails before anything is created (SEC-2, RUN-1)",
  async (t) => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "s.yaml",
      `meta:
  name: allow
  security:
    allowed_commands: [kubectl, az]
steps:
  - match: {argv: [kubectl, get, pods]}
  - match: {argv: [az, account, show]}
`,
    );
    await writeScenario(
      dir.path,
      "yaml-only.yaml",
      `meta:
  name: yaml-only
  security:
    allowed_commands: [kubectl]
steps:
  - match: {argv: [kubectl, get, pods]}
  - match: {argv: [docker, build, -t, app]}
`,
    );
    const block = (cmd: string, list: string, name: string, step: string) =>
      `cli-replay: command "${cmd}" is not in the allowed commands list [${list}]\n` +
      `  scenario: ${name}\n  used by: ${step}\n`;
    const cases = [
      {
        name: "disjoint flag and YAML lists allow nothing",
        args: ["--allowed-commands", "docker", "s.yaml"],
        stderr: block("kubectl", "", "allow", `step 1 ["kubectl", "get", "pods"]`) +
          block("az", "", "allow", `step 2 ["az", "account", "show"]`),
      },
      {
        name: "the flag narrows the YAML list",
        args: ["--allowed-commands", "kubectl", "s.yaml"],
        stderr: block("az", "kubectl", "allow", `step 2 ["az", "account", "show"]`),
      },
      {
        name: "the YAML list alone applies",
        args: ["yaml-only.yaml"],
        stderr: block(
          "docker",
          "kubectl",
          "yaml-only",
          `step 2 ["docker", "build", "-t", "app"]`,
        ),
      },
    ];
    for (const c of cases) {
      await t.step(c.name, async () => {
        const r = await cli(["run", ...c.args], { cwd: dir.path });
        assert.deepEqual(
          { code: r.code, stdout: r.stdout, stderr: r.stderr },
          { code: 1, stdout: "", stderr: c.stderr },
        );
        assert.equal(await exists(dir.join(".cli-replay")), false);
      });
    }
    await t.step("a list with spaces and empty items is trimmed", async () => {
      const r = await cli(["run", "--allowed-commands", " az , kubectl ,,", "s.yaml"], {
        cwd: dir.path,
      });
      assertOk(r, "run");
      await cli(["clean", "s.yaml"], { cwd: dir.path });
    });
  },
);

Deno.test(
  "run --max-delay: a delay above the cap is an error at its position, 0 means no cap, a bad value is rejected (RUN-12, ERR-5)",
  async (t) => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "slow.yaml",
      `meta:
  name: slow
steps:
  - match:
      argv: [sleepy]
    respond:
      delay: 10m
`,
    );
    await t.step("the default cap is 5m", async () => {
      const r = await cli(["run", "slow.yaml"], { cwd: dir.path });
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        {
          code: 1,
          stdout: "",
          stderr:
            "cli-replay: slow.yaml:7:14: steps[0].respond.delay: 10m exceeds --max-delay 5m\n",
        },
      );
      assert.equal(await exists(dir.join(".cli-replay")), false);
    });
    await t.step("an explicit smaller cap is named in the message", async () => {
      const r = await cli(["run", "--max-delay", "90s", "slow.yaml"], { cwd: dir.path });
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        "cli-replay: slow.yaml:7:14: steps[0].respond.delay: 10m exceeds --max-delay 90s\n",
      );
    });
    await t.step("an invalid duration", async () => {
      const r = await cli(["run", "--max-delay", "soon", "slow.yaml"], { cwd: dir.path });
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `cli-replay: invalid --max-delay value "soon": expected a duration such as 30s, 10m or 1h\n`,
      );
      assert.equal(await exists(dir.join(".cli-replay")), false);
    });
    await t.step("a larger cap and 0 (no cap) accept it", async () => {
      for (const cap of ["15m", "0"]) {
        const r = await cli(["run", "--max-delay", cap, "slow.yaml"], { cwd: dir.path });
        assertOk(r, `--max-delay ${cap}`);
      }
      const clean = await cli(["clean", "slow.yaml"], { cwd: dir.path });
      assert.equal(clean.stderr, "cli-replay: removed 2 session(s) for slow.yaml\n");
    });
  },
);
