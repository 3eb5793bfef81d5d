// Integration tests of the intercept (ICPT, STATE-1, STATE-6, STATE-10, STATE-12, SEC-5,
// SEC-6): real shims, real processes, the state on disk.
import assert from "node:assert/strict";
import {
  callShim,
  cli,
  contractPart,
  DEPLOY_SCENARIO,
  exists,
  listDir,
  readJson,
  runScript,
  sessionPaths,
  sha256,
  startSession,
  usingTempDir,
  writeScenario,
} from "../_helpers.ts";

interface StateJson {
  scenario_path: string;
  scenario_hash: string;
  current_step: number;
  total_steps: number;
  step_counts: number[];
  intercept_dir?: string;
  last_updated: string;
  captures?: Record<string, string>;
  unexpected_calls?: { argv: string[]; reason: string; step_index: number | null; at: string }[];
  unexpected_count?: number;
}

/** The first `name` on this process's PATH (as setup finds bash). */
async function which(name: string): Promise<string> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (await exists(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  throw new Error(`${name} not on PATH`);
}

const RFC3339_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

Deno.test(
  "intercept: without --scenario or CLI_REPLAY_SCENARIO prints the three-line hint and exits 1 (ICPT-4)",
  async () => {
    const expected = "cli-replay: no scenario specified\n" +
      '  use: eval "$(cli-replay run <scenario.yaml>)"\n' +
      "  or:  export CLI_REPLAY_SCENARIO=/path/to/scenario.yaml\n";
    const r = await cli(["__intercept", "--", "kubectl", "get", "pods"], {
      env: { CLI_REPLAY_SCENARIO: "" },
    });
    assert.deepEqual(
      { code: r.code, stdout: r.stdout, stderr: r.stderr },
      { code: 1, stdout: "", stderr: expected },
    );
  },
);

Deno.test(
  "intercept: a call with a session id but no state warns and starts at step 1 (STATE-10, ICPT-5)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: fresh}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {stdout: "clean\\n"}\n`,
    );
    const r = await cli(["__intercept", "--", "git", "status"], {
      cwd: dir.path,
      env: { CLI_REPLAY_SCENARIO: "s.yaml", CLI_REPLAY_SESSION: "0123456789abcdef" },
    });
    assert.deepEqual(
      { code: r.code, stdout: r.stdout, stderr: r.stderr },
      {
        code: 0,
        stdout: "clean\n",
        stderr: "cli-replay: warning: no state for session 0123456789abcdef; starting at step 1\n",
      },
    );
    const state = await readJson<StateJson>(
      (await sessionPaths(path, "0123456789abcdef")).state,
    );
    assert.deepEqual(state.step_counts, [1]);
  },
);

Deno.test(
  "intercept: a mismatch is reported on stderr, exits 1, does not advance, is recorded, and fails verify; a call after completion fails clearly (ICPT-9, ICPT-10, ICPT-14, STATE-5, VERIFY-3)",
  async (t) => {
    await using dir = await usingTempDir();
    const path = await writeScenario(dir.path, "deploy.yaml", DEPLOY_SCENARIO);
    const s = await startSession(path);
    const calls = [["git", "status"], ["az", "account", "show"], ["docker", "info"], [
      "docker",
      "info",
    ]];
    for (const argv of calls) {
      const r = await callShim(s, argv);
      assert.equal(r.code, 0, `${argv.join(" ")}: ${r.stderr}`);
    }
    const before = await readJson<StateJson>(s.state);
    assert.equal(before.current_step, 3);
    assert.deepEqual(before.step_counts, [1, 1, 2, 0]);
    assert.deepEqual(before.captures, { sub: "my-sub" });

    await t.step("the mismatch report is the contract's example", async () => {
      const r = await callShim(s, ["kubectl", "get", "pods", "-n", "staging-app"]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.equal(
        contractPart(r.stderr),
        `Mismatch at step 4 of "deploy-app":

  Expected: ["kubectl", "get", "pods", "-n", "{{ .regex \\"^prod-.*\\" }}"]
  Received: ["kubectl", "get", "pods", "-n", "staging-app"]
                                             ^^^^^^^^^^^^^

  First difference at position 4:
    expected pattern: ^prod-.*
    received value:   staging-app
`,
      );
      const after = await readJson<StateJson>(s.state);
      assert.equal(after.current_step, 3, "cursor not advanced");
      assert.deepEqual(after.step_counts, [1, 1, 2, 0], "counts not advanced");
      assert.equal(after.unexpected_count, 1);
      assert.equal(after.unexpected_calls?.length, 1);
      const u = after.unexpected_calls![0]!;
      assert.deepEqual(
        { argv: u.argv, reason: u.reason, step_index: u.step_index },
        {
          argv: ["kubectl", "get", "pods", "-n", "staging-app"],
          reason: "mismatch",
          step_index: 3,
        },
      );
      assert.match(u.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
      assert.match(after.last_updated, RFC3339_MS);
    });

    await t.step(
      "the matching call still works, but verify fails on the recorded call",
      async () => {
        const r = await callShim(s, ["kubectl", "get", "pods", "-n", "prod-eu"]);
        assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
          code: 0,
          stdout: "prod my-sub\n",
          stderr: "",
        });
        const v = await cli(["verify", "--format", "json"], { env: s.env });
        assert.equal(v.code, 1);
        const report = JSON.parse(v.stdout);
        assert.equal(report.passed, false);
        assert.equal(report.consumed_steps, 4);
        assert.equal(report.unexpected_count, 1);
      },
    );

    await t.step("a call after completion", async () => {
      const r = await callShim(s, ["kubectl", "get", "pods"]);
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: contractPart(r.stderr) }, {
        code: 1,
        stdout: "",
        stderr: `cli-replay: scenario "deploy-app" already complete (all 4 steps consumed)\n` +
          `  received: ["kubectl", "get", "pods"]\n`,
      });
      const after = await readJson<StateJson>(s.state);
      assert.equal(after.current_step, 4);
      assert.deepEqual(after.step_counts, [1, 1, 2, 1]);
      assert.equal(after.unexpected_count, 2);
      const u = after.unexpected_calls![1]!;
      assert.deepEqual(
        { argv: u.argv, reason: u.reason, step_index: u.step_index },
        { argv: ["kubectl", "get", "pods"], reason: "complete", step_index: null },
      );
    });
  },
);

Deno.test(
  "intercept: .cli-replay is 0700 with a .gitignore of *, state/lock/compiled are 0600, the intercept dir and shims 0700, even under umask 0 (STATE-1, STATE-4, SEC-5, ICPT-1)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: modes}\nsteps:\n  - match: {argv: [git, status]}\n  - match: {argv: [kubectl, version]}\n`,
    );
    const r = await runScript(
      "sh",
      `umask 0
eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 90
trap - EXIT INT TERM
git status || exit 91
printf '%s' "$CLI_REPLAY_SESSION" >session
`,
      { cwd: dir.path },
    );
    assert.equal(r.code, 0, r.stderr);
    const id = await Deno.readTextFile(dir.join("session"));
    const p = await sessionPaths(path, id);
    const mode = async (file: string) => ((await Deno.lstat(file)).mode ?? 0) & 0o777;
    assert.equal(await mode(p.stateDir), 0o700);
    assert.equal(await Deno.readTextFile(`${p.stateDir}/.gitignore`), "*\n");
    for (const file of [p.state, p.lock, p.compiled]) {
      assert.equal((await mode(file)).toString(8), "600", file);
    }
    assert.equal(await mode(p.interceptDir), 0o700);
    // The shims and (SRV-2) the 0600 files of the session server: the bash shims' library
    // and, once the detached server is up, its port file.
    const entries = await listDir(p.interceptDir);
    assert.deepEqual(entries.filter((e) => !e.startsWith(".")), ["git", "kubectl"]);
    // The detached server writes its port file by temp file + rename; the listing may catch
    // the temp file, which is gone a moment later.
    const settled = entries.filter((e) => e.startsWith(".") && !/^\.port\..*\.tmp$/.test(e));
    for (const dot of settled) {
      assert.ok([".port", ".shim-lib.bash"].includes(dot), dot);
      assert.equal(await mode(`${p.interceptDir}/${dot}`), 0o600);
    }
    // SRV-2: bash shims that ask the session server, or /bin/sh shims with CLI_REPLAY_SERVER=0.
    const serverOff = Deno.env.get("CLI_REPLAY_SERVER") === "0";
    for (const shim of ["git", "kubectl"]) {
      const file = `${p.interceptDir}/${shim}`;
      assert.equal(await mode(file), 0o700);
      const text = await Deno.readTextFile(file);
      const head = serverOff ? "#!/bin/sh" : `#!${await which("bash")} -p`;
      assert.ok(text.startsWith(`${head}\n# cli-replay shim for '${shim}' (session ${id})`), text);
      assert.match(
        text,
        new RegExp(
          `'--state-dir' '[^']+' '--key' '[0-9a-f]{16}' '--scenario' '${path}' '--session' '${id}' '--' '${shim}' "\\$@"\\n$`,
        ),
      );
    }
    await cli(["clean", "--session", id, path]);
  },
);

Deno.test(
  "intercept: an unsafe .cli-replay (symbolic link, group- or world-writable) is refused and nothing is written through it (STATE-1, SEC-6)",
  async (t) => {
    const scenario = `meta: {name: unsafe}\nsteps:\n  - match: {argv: [git, status]}\n`;
    await t.step("symbolic link", async () => {
      await using dir = await usingTempDir();
      await writeScenario(dir.path, "s.yaml", scenario);
      await Deno.mkdir(dir.join("elsewhere"), { mode: 0o700 });
      await Deno.symlink(dir.join("elsewhere"), dir.join(".cli-replay"));
      const r = await cli(["run", "s.yaml"], { cwd: dir.path });
      assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 1, stdout: "" });
      assert.equal(
        r.stderr,
        `cli-replay: unsafe state directory "${dir.path}/.cli-replay": it is a symbolic link\n`,
      );
      assert.deepEqual(await listDir(dir.join("elsewhere")), []);
    });
    for (const mode of [0o770, 0o707]) {
      await t.step(`mode ${mode.toString(8)}`, async () => {
        await using dir = await usingTempDir();
        await writeScenario(dir.path, "s.yaml", scenario);
        await Deno.mkdir(dir.join(".cli-replay"));
        await Deno.chmod(dir.join(".cli-replay"), mode);
        const r = await cli(["run", "s.yaml"], { cwd: dir.path });
        assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 1, stdout: "" });
        assert.ok(
          r.stderr.startsWith(`cli-replay: unsafe state directory "${dir.path}/.cli-replay": `),
          r.stderr,
        );
        assert.equal(r.stderr.split("\n").length, 2, "one line");
        assert.deepEqual(await listDir(dir.join(".cli-replay")), []);
      });
    }
  },
);

Deno.test(
  "intercept: editing the scenario during a session keeps counts when compatible, fails on an incompatible or invalid edit and leaves the state untouched (STATE-12, ICPT-17)",
  async (t) => {
    await using dir = await usingTempDir();
    const v1 = `meta: {name: edit}
steps:
  - match: {argv: [kubectl, get, pods]}
    respond: {stdout: "v1\\n"}
    calls: {min: 1, max: 5}
  - match: {argv: [git, status]}
`;
    const path = await writeScenario(dir.path, "s.yaml", v1);
    const s = await startSession(path);
    const pods = () => callShim(s, ["kubectl", "get", "pods"]);
    assert.equal((await pods()).stdout, "v1\n");

    await t.step("a compatible edit is picked up and counts are kept", async () => {
      const v2 = v1.replace("v1", "version two");
      await Deno.writeTextFile(path, v2);
      const r = await pods();
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
        code: 0,
        stdout: "version two\n",
        stderr: "",
      });
      const state = await readJson<StateJson>(s.state);
      assert.deepEqual(state.step_counts, [2, 0]);
      assert.equal(state.scenario_hash, await sha256(v2));
    });

    await t.step("an invalid edit fails with its diagnostics; the state is untouched", async () => {
      const before = await Deno.readTextFile(s.state);
      await Deno.writeTextFile(path, v1.replace("stdout:", "stout:"));
      const r = await pods();
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
        code: 1,
        stdout: "",
        stderr:
          `cli-replay: ${path}:4:15: steps[0].respond: unknown key "stout" (did you mean "stdout"?)\n` +
          `cli-replay: scenario "${path}" is invalid (1 error(s))\n`,
      });
      assert.equal(await Deno.readTextFile(s.state), before);
    });

    await t.step(
      "an incompatible edit fails with the clean hint; the state is untouched",
      async () => {
        const before = await Deno.readTextFile(s.state);
        await Deno.writeTextFile(path, v1 + "  - match: {argv: [git, push]}\n");
        const r = await pods();
        assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
          code: 1,
          stdout: "",
          stderr:
            `cli-replay: scenario "${path}" changed incompatibly since the session started (steps: 2 → 3); run 'cli-replay clean' and start a new session\n`,
        });
        assert.equal(await Deno.readTextFile(s.state), before);
      },
    );

    await t.step("reverting to a compatible scenario resumes the counts", async () => {
      await Deno.writeTextFile(path, v1);
      const r = await pods();
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "v1\n");
      assert.deepEqual((await readJson<StateJson>(s.state)).step_counts, [3, 0]);
    });
  },
);

Deno.test(
  "intercept: a corrupt state file is a clear error suggesting 'cli-replay clean' and is never replaced; clean then resets it (STATE-6, ICPT-17, CLEAN-2)",
  async (t) => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: corrupt}\nsteps:\n  - match: {argv: [git, status]}\n    calls: {min: 1, max: 9}\n`,
    );
    const s = await startSession(path);
    const cases = [
      { name: "not JSON", text: '{"scenario_path": \n' },
      { name: "required fields missing", text: "{}\n" },
      { name: "wrong field type", text: '{"scenario_path": 7}\n' },
    ];
    for (const c of cases) {
      await t.step(c.name, async () => {
        await Deno.writeTextFile(s.state, c.text);
        const r = await callShim(s, ["git", "status"]);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        assert.ok(
          r.stderr.startsWith(`cli-replay: cannot read state file "${s.state}": `),
          r.stderr,
        );
        assert.ok(
          r.stderr.endsWith("; run 'cli-replay clean' to reset the session\n"),
          r.stderr,
        );
        assert.equal(r.stderr.split("\n").length, 2, "one line");
        assert.equal(await Deno.readTextFile(s.state), c.text, "never silently replaced");
      });
    }
    await t.step("clean --session removes the corrupt session", async () => {
      const r = await cli(["clean", "--session", s.id, path]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await listDir(s.stateDir), [".gitignore"]);
    });
  },
);

Deno.test(
  "intercept: a reader that closes the pipe early (kubectl get pods | head -1) does not change the exit code; closed stdout is not an error (ICPT-18)",
  async () => {
    await using dir = await usingTempDir();
    const lines = Array.from({ length: 200_000 }, (_, i) => `pod-${i} Running`).join("\n");
    await Deno.writeTextFile(dir.join("pods.txt"), `${lines}\n`);
    await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: pipe}
steps:
  - match: {argv: [kubectl, get, pods]}
    respond: {stdout_file: pods.txt, exit: 5}
    calls: {min: 2, max: 2}
`,
    );
    const r = await runScript(
      "bash",
      `eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 90
kubectl get pods | head -1
echo "rc=\${PIPESTATUS[0]} \${PIPESTATUS[1]}"
kubectl get pods >&-
echo "closed=$?"
cli_replay verify --format json
`,
      { cwd: dir.path },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const out = r.stdout.split("\n");
    assert.deepEqual(out.slice(0, 3), ["pod-0 Running", "rc=5 0", "closed=5"]);
    const report = JSON.parse(out[3]!);
    assert.equal(report.steps[0].call_count, 2);
    assert.equal(report.passed, true);
  },
);

Deno.test(
  "intercept: the shim embeds scenario and session, so env -i or changed CLI_REPLAY_* variables still reach the session (ICPT-1, ICPT-4, ICPT-5)",
  async () => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: envless}
steps:
  - match: {argv: [kubectl, get, pods]}
    respond: {stdout: "pods\\n", exit: 3}
    calls: {min: 2, max: 2}
`,
    );
    const r = await runScript(
      "bash",
      `eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 90
env -i PATH="$PATH" kubectl get pods; echo "rc=$?"
CLI_REPLAY_SCENARIO=/nonexistent/other.yaml CLI_REPLAY_SESSION=ffffffffffffffff kubectl get pods; echo "rc=$?"
cli_replay verify --format json
`,
      { cwd: dir.path },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const out = r.stdout.split("\n");
    assert.deepEqual(out.slice(0, 4), ["pods", "rc=3", "pods", "rc=3"]);
    const report = JSON.parse(out[4]!);
    assert.equal(report.steps[0].call_count, 2);
    assert.equal(report.passed, true);
    assert.equal(await exists("/nonexistent/.cli-replay"), false);
  },
);

Deno.test(
  "intercept: a shim names the session's state dir and file key, so a faked call derives nothing; the key is the one the files are named by, and a malformed key is a usage error (STATE-3, ICPT-1)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: key}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {stdout: "clean\\n"}\n`,
    );
    const s = await startSession(path);
    const key = /cli-replay-([0-9a-f]{16})\.state$/.exec(s.state)![1]!;
    const shim = await Deno.readTextFile(`${s.interceptDir}/git`);
    assert.ok(shim.includes(`'--key' '${key}'`), shim);
    const base = ["__intercept", "--state-dir", s.stateDir];
    const tail = ["--scenario", path, "--session", s.id, "--", "git", "status"];
    // Another well-formed key names other files: the intercept uses the key it is given.
    const other = await cli([...base, "--key", "0".repeat(16), ...tail], { cwd: dir.path });
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stderr, /no state for session/);
    assert.ok(await exists(`${s.stateDir}/cli-replay-${"0".repeat(16)}.state`));
    const state = await readJson<StateJson>(s.state);
    assert.deepEqual(state.step_counts, [0], "the session's own state is untouched");
    const r = await cli([...base, "--key", "../x", ...tail], { cwd: dir.path });
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
      code: 1,
      stdout: "",
      stderr: "cli-replay: option '--key' needs 16 hex digits, got '../x'\n",
    });
    const ok = await callShim(s, ["git", "status"]);
    assert.equal(ok.stdout, "clean\n");
    assert.deepEqual((await readJson<StateJson>(s.state)).step_counts, [1]);
    await cli(["clean", "--session", s.id, path]);
  },
);
