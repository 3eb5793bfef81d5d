// `cli-replay exec` end to end (EXEC-1..13, RUN-11): real child processes, real signals,
// temporary directories. Every case also checks that exec leaves nothing behind.
import assert from "node:assert/strict";
import {
  baseEnv,
  cli,
  CLI_COMMAND,
  exists,
  listDir,
  type ProcessResult,
  usingTempDir,
  writeScenario,
} from "../_helpers.ts";

/** Two steps, two commands: passes when the child calls `kubectl get pods` then `git status`. */
const SCENARIO = `meta: {name: demo}
steps:
  - match: {argv: [kubectl, get, pods]}
    respond: {stdout: "pod-a\\n"}
  - match: {argv: [git, status]}
    respond: {stdout: "clean\\n"}
`;
const PASSING_CHILD = ["sh", "-c", "kubectl get pods && git status"];
const PASSED_SUMMARY = '✓ Scenario "demo" completed: 2/2 steps consumed\n';
const STATUS_LINES = (command: string) =>
  `cli-replay: exec session initialized for "demo" (2 steps, 2 commands)\n` +
  `  child command: ${command}\n`;

/** After exec, `.cli-replay` holds only `.gitignore` (EXEC-2 cleanup). */
async function assertOnlyGitignore(dir: string): Promise<void> {
  assert.deepEqual(await listDir(`${dir}/.cli-replay`), [".gitignore"]);
}

/** A usage or setup error created nothing at all: the directory holds only `keep`. */
async function assertNothingCreated(dir: string, keep: string[]): Promise<void> {
  assert.deepEqual(await listDir(dir), [...keep].sort());
}

/** Waits until `path` exists (polling), failing after `ms`. */
async function waitForFile(path: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await exists(path))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a pid is a live (non-zombie) process, via /proc. */
function pidAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Starts `cli.ts <args>` without waiting, with piped output and the sanitised env. */
function spawnCli(args: readonly string[], cwd: string): Deno.ChildProcess {
  return new Deno.Command(CLI_COMMAND[0]!, {
    args: [...CLI_COMMAND.slice(1), ...args],
    cwd,
    clearEnv: true,
    env: baseEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Collects a spawned process's output; kills it if it does not end within `ms`. */
async function finish(child: Deno.ChildProcess, ms = 15_000): Promise<ProcessResult> {
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, ms);
  try {
    const out = await child.output();
    const dec = new TextDecoder();
    return {
      code: out.code,
      signal: out.signal,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("exec exits with the EXEC-7 code of the child (EXEC-7, EXEC-9)", async (t) => {
  await using dir = await usingTempDir();
  await writeScenario(dir.path, "s.yaml", SCENARIO);
  await Deno.writeTextFile(dir.join("noexec.sh"), "#!/bin/sh\necho hi\n", { mode: 0o644 });
  await Deno.chmod(dir.join("noexec.sh"), 0o644);

  await t.step("child exit 42 → 42 (EXEC-7)", async () => {
    const r = await cli(["exec", "s.yaml", "--", "sh", "-c", "exit 42"], { cwd: dir.path });
    assert.equal(r.code, 42, r.stderr);
    assert.equal(r.stdout, "");
    await assertOnlyGitignore(dir.path);
  });

  await t.step(
    "missing command → 127 and `cannot start … not found` (EXEC-7, EXEC-9)",
    async () => {
      const r = await cli(["exec", "s.yaml", "--", "no-such-command-xyz", "a"], { cwd: dir.path });
      assert.equal(r.code, 127, r.stderr);
      assert.match(r.stderr, /cli-replay: cannot start "no-such-command-xyz": not found\n/);
      await assertOnlyGitignore(dir.path);
    },
  );

  await t.step("non-executable file → 126 and `permission denied` (EXEC-7, EXEC-9)", async () => {
    const r = await cli(["exec", "s.yaml", "--", "./noexec.sh"], { cwd: dir.path });
    assert.equal(r.code, 126, r.stderr);
    assert.match(r.stderr, /cli-replay: cannot start "\.\/noexec\.sh": permission denied\n/);
    await assertOnlyGitignore(dir.path);
  });

  await t.step("child that kills itself with SIGTERM → 143 (EXEC-7)", async () => {
    const r = await cli(["exec", "s.yaml", "--", "sh", "-c", "kill -TERM $$"], { cwd: dir.path });
    assert.equal(r.code, 143, r.stderr);
    assert.equal(r.signal, null, "exec itself exits normally");
    await assertOnlyGitignore(dir.path);
  });

  await t.step(
    "child exit 0 with an unmet step → 1 and the failure summary (EXEC-7, EXEC-8)",
    async () => {
      const r = await cli(["exec", "s.yaml", "--", "sh", "-c", "kubectl get pods"], {
        cwd: dir.path,
      });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, "pod-a\n");
      assert.equal(
        r.stderr,
        STATUS_LINES("sh -c 'kubectl get pods'") +
          '✗ Scenario "demo" incomplete\n' +
          "  consumed: 1/2 steps\n" +
          "  Step 1: kubectl get pods — 1 call ✓\n" +
          "  Step 2: git status — 0 calls ✗ needs 1 more\n",
      );
      await assertOnlyGitignore(dir.path);
    },
  );

  await t.step("child exit 3 with a passing session → 3 (child takes precedence)", async () => {
    const r = await cli(
      ["exec", "s.yaml", "--", "sh", "-c", "kubectl get pods && git status; exit 3"],
      { cwd: dir.path },
    );
    assert.equal(r.code, 3, r.stderr);
    assert.ok(r.stderr.endsWith(PASSED_SUMMARY), r.stderr);
    await assertOnlyGitignore(dir.path);
  });

  await t.step(
    "passing run → 0, status lines and the VERIFY-5 summary on stderr (EXEC-10)",
    async () => {
      const r = await cli(["exec", "s.yaml", "--", ...PASSING_CHILD], { cwd: dir.path });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "pod-a\nclean\n", "stdout belongs to the child (EXEC-13)");
      assert.equal(
        r.stderr,
        STATUS_LINES("sh -c 'kubectl get pods && git status'") + PASSED_SUMMARY,
      );
      await assertOnlyGitignore(dir.path);
    },
  );
});

Deno.test("exec resolves the child on the child's PATH, so `exec s.yaml -- kubectl get pods` runs the fake (EXEC-4)", async () => {
  await using dir = await usingTempDir();
  await writeScenario(
    dir.path,
    "s.yaml",
    `meta: {name: fake}
steps:
  - match: {argv: [kubectl, get, pods]}
    respond: {stdout: "fake-pod\\n", exit: 0}
`,
  );
  // A "real" kubectl first on the caller's PATH must not be the one that runs.
  await Deno.mkdir(dir.join("bin"));
  await Deno.writeTextFile(dir.join("bin/kubectl"), "#!/bin/sh\necho REAL\nexit 9\n", {
    mode: 0o755,
  });
  await Deno.chmod(dir.join("bin/kubectl"), 0o755);
  const r = await cli(["exec", "s.yaml", "--", "kubectl", "get", "pods"], {
    cwd: dir.path,
    env: { PATH: `${dir.join("bin")}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "fake-pod\n");
  assert.match(r.stderr, /✓ Scenario "fake" completed: 1\/1 steps consumed\n$/);
  await assertOnlyGitignore(dir.path);
});

Deno.test("exec forwards SIGTERM, SIGINT, SIGHUP and SIGQUIT to the child and still cleans up (EXEC-5, EXEC-2)", async (t) => {
  await using dir = await usingTempDir();
  await writeScenario(dir.path, "s.yaml", SCENARIO);
  const cases: { signal: Deno.Signal; name: string; code: number }[] = [
    { signal: "SIGTERM", name: "TERM", code: 7 },
    { signal: "SIGINT", name: "INT", code: 8 },
    { signal: "SIGHUP", name: "HUP", code: 9 },
    { signal: "SIGQUIT", name: "QUIT", code: 10 },
  ];
  for (const { signal, name, code } of cases) {
    await t.step(
      `${signal} reaches the child's trap; exec exits with the child's ${code}`,
      async () => {
        const marker = dir.join(`marker-${name}`);
        const ready = dir.join(`ready-${name}`);
        await Deno.writeTextFile(
          dir.join(`child-${name}.sh`),
          `#!/bin/bash
trap 'echo got-${name} > marker-${name}; exit ${code}' ${name}
kubectl get pods > /dev/null
touch ready-${name}
# Until the forwarded signal arrives; bounded, so a lost signal fails instead of hanging.
for i in $(seq 600); do sleep 0.1; done
`,
          { mode: 0o755 },
        );
        await Deno.chmod(dir.join(`child-${name}.sh`), 0o755);
        const child = spawnCli(["exec", "s.yaml", "--", `./child-${name}.sh`], dir.path);
        const done = finish(child);
        await waitForFile(ready);
        // While the child runs the session exists.
        assert.equal((await listDir(dir.join(".cli-replay"))).length > 1, true);
        Deno.kill(child.pid, signal);
        const r = await done;
        assert.equal(r.signal, null, `exec must not die from ${signal}: ${r.stderr}`);
        assert.equal(r.code, code, r.stderr);
        assert.equal(await Deno.readTextFile(marker), `got-${name}\n`);
        assert.match(r.stderr, /✗ Scenario "demo" incomplete/);
        await assertOnlyGitignore(dir.path);
      },
    );
  }

  await t.step("SIGTERM kills a child without a trap → 143, session removed", async () => {
    await Deno.writeTextFile(
      dir.join("plain.sh"),
      "#!/bin/sh\ntouch ready-plain\nexec sleep 30\n",
      { mode: 0o755 },
    );
    await Deno.chmod(dir.join("plain.sh"), 0o755);
    const started = Date.now();
    const child = spawnCli(["exec", "s.yaml", "--", "./plain.sh"], dir.path);
    const done = finish(child);
    await waitForFile(dir.join("ready-plain"));
    Deno.kill(child.pid, "SIGTERM");
    const r = await done;
    assert.equal(r.code, 143, r.stderr);
    assert.ok(Date.now() - started < 10_000, "the sleep did not run to its end");
    await assertOnlyGitignore(dir.path);
  });
});

Deno.test("exec exits 128+N and cleans up when a signal arrives before the child is spawned (EXEC-2, EXEC-7)", async (t) => {
  const cases: { signal: Deno.Signal; code: number }[] = [
    { signal: "SIGTERM", code: 143 },
    { signal: "SIGINT", code: 130 },
  ];
  for (const { signal, code } of cases) {
    await t.step(`${signal} during setup → ${code}, child never started`, async () => {
      await using dir = await usingTempDir();
      // The scenario is a FIFO: exec blocks reading it (its signal listeners are already
      // installed), so the signal lands deterministically before Setup has finished.
      const fifo = dir.join("s.yaml");
      const mk = await new Deno.Command("mkfifo", { args: [fifo] }).output();
      assert.equal(mk.code, 0);
      const child = spawnCli(["exec", "s.yaml", "--", "touch", "started"], dir.path);
      const done = finish(child);
      const writer = await Deno.open(fifo, { write: true }); // returns once exec opened it
      Deno.kill(child.pid, signal);
      await new Promise((r) => setTimeout(r, 150));
      await writer.write(new TextEncoder().encode(SCENARIO));
      writer.close();
      const r = await done;
      assert.equal(r.signal, null, `exec must not die from ${signal}: ${r.stderr}`);
      assert.equal(r.code, code, r.stderr);
      assert.ok(!r.stderr.includes("exec session initialized"), r.stderr);
      assert.equal(await exists(dir.join("started")), false, "the child was not started");
      await assertOnlyGitignore(dir.path);
    });
  }
});

Deno.test("exec does not wait for a background process the child leaves behind and kills it (EXEC-6)", async () => {
  await using dir = await usingTempDir();
  await writeScenario(dir.path, "s.yaml", SCENARIO);
  const started = Date.now();
  const r = await cli(
    [
      "exec",
      "s.yaml",
      "--",
      "sh",
      "-c",
      "sleep 30 >/dev/null 2>&1 & echo $! > sleeper.pid; kubectl get pods && git status",
    ],
    { cwd: dir.path },
  );
  const elapsed = Date.now() - started;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(elapsed < 5_000, `exec took ${elapsed} ms`);
  const pid = Number((await Deno.readTextFile(dir.join("sleeper.pid"))).trim());
  assert.ok(pid > 0);
  // EXEC-6: SIGTERM to the group, at most 100 ms, then SIGKILL; allow scheduling slack.
  const deadline = Date.now() + 2_000;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(pidAlive(pid), false, `background sleep ${pid} is still running`);
  await assertOnlyGitignore(dir.path);
});

Deno.test("exec gives the child the session environment, stdio and its own process group (EXEC-3, EXEC-5)", async (t) => {
  await using dir = await usingTempDir();
  await writeScenario(dir.path, "sub/s.yaml", SCENARIO);
  const path = Deno.env.get("PATH") ?? "/usr/bin:/bin";

  await t.step("session variables replace inherited ones; PATH is prefixed; cwd kept", async () => {
    const r = await cli(
      [
        "exec",
        "sub/s.yaml",
        "--",
        "sh",
        "-c",
        'printf "%s\\n" "$CLI_REPLAY_SESSION" "$CLI_REPLAY_SCENARIO" "$PATH" "$(pwd)" "$KEEP_ME"',
      ],
      {
        cwd: dir.path,
        env: {
          PATH: path,
          KEEP_ME: "kept",
          // Inherited values are replaced, not kept.
          CLI_REPLAY_SESSION: "0000000000000000",
          CLI_REPLAY_SCENARIO: "/nowhere/else.yaml",
        },
      },
    );
    assert.equal(r.code, 1, r.stderr); // the child calls no fake
    const [session, scenario, childPath, cwd, keep] = r.stdout.split("\n");
    assert.match(session!, /^[0-9a-f]{16}$/);
    assert.notEqual(session, "0000000000000000");
    assert.equal(scenario, dir.join("sub/s.yaml"), "absolute scenario path");
    assert.equal(childPath, `${dir.join("sub/.cli-replay")}/intercept-${session}:${path}`);
    assert.equal(cwd, dir.path, "the caller's working directory");
    assert.equal(keep, "kept", "the rest of the environment is inherited");
    await assertOnlyGitignore(dir.join("sub"));
  });

  await t.step("without PATH the child's PATH is just the intercept dir", async () => {
    const r = await cli(["exec", "sub/s.yaml", "--", "/bin/sh", "-c", 'printf %s "$PATH"'], {
      cwd: dir.path,
      env: { PATH: undefined },
    });
    assert.equal(r.code, 1, r.stderr);
    // Deno itself sets PATH to its node_compat_bin dir when PATH is unset, so exec may see
    // that one entry; nothing of the caller's usual PATH may appear.
    assert.match(
      r.stdout,
      new RegExp(`^${dir.join("sub/.cli-replay")}/intercept-[0-9a-f]{16}(:[^:]*node_compat_bin)?$`),
    );
    await assertOnlyGitignore(dir.join("sub"));
  });

  await t.step("stdin is inherited", async () => {
    const r = await cli([
      "exec",
      "sub/s.yaml",
      "--",
      "sh",
      "-c",
      "cat; kubectl get pods; git status",
    ], {
      cwd: dir.path,
      stdin: "from-stdin\n",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "from-stdin\npod-a\nclean\n");
  });

  await t.step("the child leads a new process group and session", async () => {
    const r = await cli(["exec", "sub/s.yaml", "--", "sh", "-c", "echo $$; cat /proc/$$/stat"], {
      cwd: dir.path,
    });
    const [pid, stat] = r.stdout.split("\n");
    // /proc/<pid>/stat: pid (comm) state ppid pgrp session ...
    const [, , pgrp, sid] = stat!.slice(stat!.lastIndexOf(")") + 2).split(" ");
    assert.equal(pgrp, pid, "process group leader");
    assert.equal(sid, pid, "session leader");
  });
});

Deno.test("exec rejects EXEC-1 usage errors with exit 1 and creates nothing", async (t) => {
  await using dir = await usingTempDir();
  await writeScenario(dir.path, "s.yaml", SCENARIO);
  await writeScenario(dir.path, "t.yaml", SCENARIO);
  const usage = "usage: cli-replay exec <scenario.yaml> -- <command> [args...]";
  const cases: { name: string; args: string[]; message: string }[] = [
    {
      name: "missing '--'",
      args: ["exec", "s.yaml", "touch", "started"],
      message: `missing '--' separator: ${usage}`,
    },
    {
      name: "no scenario",
      args: ["exec", "--", "touch", "started"],
      message: "missing scenario path before '--'",
    },
    {
      name: "two scenarios",
      args: ["exec", "s.yaml", "t.yaml", "--", "touch", "started"],
      message: "expected exactly one scenario path before '--', got 2",
    },
    {
      name: "no command",
      args: ["exec", "s.yaml", "--"],
      message: `missing command after '--': ${usage}`,
    },
    {
      name: "--report-file without --format (EXEC-11)",
      args: ["exec", "--report-file", "r.json", "s.yaml", "--", "touch", "started"],
      message: "--report-file requires --format",
    },
    {
      name: "invalid --format",
      args: ["exec", "--format", "yaml", "s.yaml", "--", "touch", "started"],
      message: 'invalid format "yaml": valid values are text, json, junit, tap, github',
    },
    {
      name: "allowlist violation (setup failure)",
      args: ["exec", "--allowed-commands", "git", "s.yaml", "--", "touch", "started"],
      message: "kubectl",
    },
  ];
  for (const { name, args, message } of cases) {
    await t.step(name, async () => {
      const r = await cli(args, { cwd: dir.path });
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stderr.includes(message), r.stderr);
      assert.equal(r.stdout, "");
      await assertNothingCreated(dir.path, ["s.yaml", "t.yaml"]);
    });
  }
});

Deno.test("exec --format writes an extra report to stderr or --report-file, never to stdout (EXEC-11)", async (t) => {
  await using dir = await usingTempDir();
  await writeScenario(dir.path, "s.yaml", SCENARIO);
  const header = STATUS_LINES("sh -c 'kubectl get pods && git status'");
  const jsonLine =
    /^\{"scenario":"demo","session":"[0-9a-f]{16}","passed":true,"total_steps":2,"consumed_steps":2,"steps":\[.*\],"unexpected_calls":\[\],"unexpected_count":0\}\n$/;
  const started = new Date();
  /** The JUnit report; its timestamp is the time verification ran (EXEC-11). */
  const junit = (text: string) => {
    const m = /timestamp="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"/.exec(text);
    assert.ok(m, text);
    const at = Date.parse(m[1]!);
    assert.ok(at >= started.getTime() - 1000 && at <= Date.now() + 1000, m[1]);
    assert.equal(
      text,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="cli-replay" tests="2" failures="0" errors="0" time="0.000">',
        `  <testsuite name="demo" tests="2" failures="0" errors="0" skipped="0" time="0.000" timestamp="${
          m[1]
        }">`,
        '    <testcase name="step[0]: kubectl get pods" classname="s.yaml" time="0.000"/>',
        '    <testcase name="step[1]: git status" classname="s.yaml" time="0.000"/>',
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n"),
    );
  };

  await t.step("--format json to stderr after the summary", async () => {
    const r = await cli(["exec", "--format", "json", "s.yaml", "--", ...PASSING_CHILD], {
      cwd: dir.path,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "pod-a\nclean\n");
    assert.ok(r.stderr.startsWith(header + PASSED_SUMMARY), r.stderr);
    assert.match(r.stderr.slice((header + PASSED_SUMMARY).length), jsonLine);
    await assertOnlyGitignore(dir.path);
  });

  await t.step(
    "--format junit to stderr after the summary (classname = path as given)",
    async () => {
      const r = await cli(["exec", "--format", "junit", "s.yaml", "--", ...PASSING_CHILD], {
        cwd: dir.path,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "pod-a\nclean\n");
      assert.ok(r.stderr.startsWith(header + PASSED_SUMMARY), r.stderr);
      junit(r.stderr.slice((header + PASSED_SUMMARY).length));
      await assertOnlyGitignore(dir.path);
    },
  );

  await t.step("--format text without --report-file prints the summary once", async () => {
    const r = await cli(["exec", "--format", "text", "s.yaml", "--", ...PASSING_CHILD], {
      cwd: dir.path,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "pod-a\nclean\n");
    assert.equal(r.stderr, header + PASSED_SUMMARY);
    await assertOnlyGitignore(dir.path);
  });

  const files: { format: string; check: (text: string) => void }[] = [
    { format: "json", check: (text) => assert.match(text, jsonLine) },
    { format: "junit", check: junit },
    { format: "text", check: (text) => assert.equal(text, PASSED_SUMMARY) },
  ];
  for (const { format, check } of files) {
    await t.step(
      `--format ${format} --report-file writes the file, not stderr or stdout`,
      async () => {
        const report = dir.join(`report.${format}`);
        const r = await cli(
          ["exec", "--format", format, "--report-file", report, "s.yaml", "--", ...PASSING_CHILD],
          { cwd: dir.path },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "pod-a\nclean\n", "stdout untouched: the child's only");
        assert.equal(r.stderr, header + PASSED_SUMMARY);
        check(await Deno.readTextFile(report));
        await Deno.remove(report);
        await assertOnlyGitignore(dir.path);
      },
    );
  }

  await t.step(
    "a failing run reports failure in the report file and keeps its exit code",
    async () => {
      const report = dir.join("fail.json");
      const r = await cli(
        ["exec", "--format", "json", "--report-file", report, "s.yaml", "--", "true"],
        { cwd: dir.path },
      );
      assert.equal(r.code, 1, r.stderr);
      const json = JSON.parse(await Deno.readTextFile(report));
      assert.equal(json.passed, false);
      assert.deepEqual(json.steps.map((s: { call_count: number }) => s.call_count), [0, 0]);
      await Deno.remove(report);
      await assertOnlyGitignore(dir.path);
    },
  );

  await t.step("an unwritable report file is a warning; the exit code is unchanged", async () => {
    const report = dir.join("no-such-dir/r.json");
    const r = await cli(
      ["exec", "--format", "json", "--report-file", report, "s.yaml", "--", ...PASSING_CHILD],
      { cwd: dir.path },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.stderr.includes(`cli-replay: warning: could not write report file "${report}": `),
      r.stderr,
    );
    await assertOnlyGitignore(dir.path);
  });
});

Deno.test("exec writes an error report when the child cannot start and --format is set (EXEC-9)", async (t) => {
  await using dir = await usingTempDir();
  await writeScenario(dir.path, "s.yaml", SCENARIO);
  const errorJson = (text: string) => {
    assert.match(
      text,
      /^\{"scenario":"demo","session":"[0-9a-f]{16}","passed":false,"total_steps":0,"consumed_steps":0,"error":"child command could not be started","steps":\[\],"unexpected_calls":\[\],"unexpected_count":0\}\n$/,
    );
  };

  await t.step("--format json to stderr", async () => {
    const r = await cli(["exec", "--format", "json", "s.yaml", "--", "no-such-command-xyz"], {
      cwd: dir.path,
    });
    assert.equal(r.code, 127, r.stderr);
    assert.equal(r.stdout, "");
    const lines = r.stderr.split("\n");
    const cannot = lines.indexOf('cli-replay: cannot start "no-such-command-xyz": not found');
    assert.ok(cannot >= 0, r.stderr);
    errorJson(lines.slice(cannot + 1).join("\n"));
    await assertOnlyGitignore(dir.path);
  });

  await t.step("--format json --report-file", async () => {
    const report = dir.join("err.json");
    const r = await cli(
      ["exec", "--format", "json", "--report-file", report, "s.yaml", "--", "no-such-command-xyz"],
      { cwd: dir.path },
    );
    assert.equal(r.code, 127, r.stderr);
    assert.match(r.stderr, /cannot start "no-such-command-xyz": not found\n$/);
    errorJson(await Deno.readTextFile(report));
    await Deno.remove(report);
    await assertOnlyGitignore(dir.path);
  });
});

Deno.test("exec --dry-run prints the RUN-11 report, starts nothing and creates nothing (EXEC-12)", async (t) => {
  await using dir = await usingTempDir();
  await writeScenario(
    dir.path,
    "s.yaml",
    `meta:
  name: dry
  description: Dry run demo
  vars: {cluster: prod, region: eu}
steps:
  - match: {argv: [git, status]}
    respond: {stdout: "On branch main\\n"}
  - group:
      mode: unordered
      name: pre
      steps:
        - match: {argv: [docker, info]}
          calls: {min: 0, max: 2}
  - match: {argv: [kubectl, get, pods]}
    respond: {exit: 3}
`,
  );
  const rule = "─".repeat(60);
  const expected = [
    "Scenario: dry",
    "Description: Dry run demo",
    "Steps: 3 | Groups: 1 | Commands: 3",
    "Template Variables: cluster, region",
    "",
    rule,
    " #    Command / Match Pattern                      Calls   Group",
    rule,
    ` 1    ${"git status".padEnd(44)} [1,1]   —`,
    "      → exit 0 | stdout: On branch main\\n",
    ` 2    ${"docker info".padEnd(44)} [0,2]   pre (unordered)`,
    "      → exit 0",
    ` 3    ${"kubectl get pods".padEnd(44)} [1,1]   —`,
    "      → exit 3",
    rule,
    "",
    "✓ No validation errors",
    "",
  ].join("\n");

  await t.step("the report equals `run --dry-run`'s and the child is not started", async () => {
    const r = await cli(["exec", "--dry-run", "s.yaml", "--", "touch", "started"], {
      cwd: dir.path,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, expected);
    const run = await cli(["run", "--dry-run", "s.yaml"], { cwd: dir.path });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(r.stdout, run.stdout, "exec --dry-run behaves exactly like run --dry-run");
    await assertNothingCreated(dir.path, ["s.yaml"]);
  });

  await t.step("an allowlist violation is shown and exits 1", async () => {
    const r = await cli(
      ["exec", "--dry-run", "--allowed-commands", "git,docker", "s.yaml", "--", "touch", "started"],
      { cwd: dir.path },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.includes("Allowlist: git, docker\n"), r.stdout);
    // RUN-11 spells the list `(steps <n>, <m>)`; a single step may read `(step 3)`.
    assert.match(r.stdout, /\n\n✗ command "kubectl" is not in the allowlist \(steps? 3\)\n$/);
    assert.ok(!r.stdout.includes("✓ No validation errors"), r.stdout);
    await assertNothingCreated(dir.path, ["s.yaml"]);
  });
});
