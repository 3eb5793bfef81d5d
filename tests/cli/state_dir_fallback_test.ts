/**
 * WAY-7: the world's failures are the user's to fix, and the tool says how. A scenario in a
 * directory the user cannot write, or whose `.cli-replay` belongs to another user, gets its
 * session files in a per-user directory under the temp dir; `CLI_REPLAY_STATE_DIR` chooses
 * the directory; a full or read-only file system, an unwritable report file or recording is
 * one `cli-replay:` line that says what to do — never `internal error`.
 *
 * Real processes throughout. Root ignores permission bits, so when the tests run as root the
 * CLI runs as `nobody` through `setpriv` (with a copy of Deno's npm cache it can read); a full
 * file system is a tiny tmpfs mounted in a private mount namespace (`unshare -m`). Where the
 * machine allows neither, the test is listed as skipped, with the reason in its name.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  CLI,
  cli,
  CLI_FUNCTION,
  exists,
  listDir,
  type ProcessResult,
  ROOT,
  runFile,
  sessionKey,
  sh,
  type SpawnOptions,
  usingTempDir,
  writeScenario,
} from "../_helpers.ts";

const SCENARIO = `meta: {name: fallback}
steps:
  - match: {argv: [git, status]}
    respond: {stdout: "clean\\n"}
  - match: {argv: [kubectl, get, pods]}
    respond: {stdout: "web-1 Running\\n"}
    calls: {min: 1, max: 5}
`;
const CHILD = ["bash", "-c", "git status && kubectl get pods"];
const NOBODY = 65534;
const IS_ROOT = Deno.uid() === 0;

async function _succeeds(program: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(program, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

/**
 * `setpriv` can drop root to `nobody` here, and `nobody` can read the checkout (a checkout
 * under a private home directory cannot be run by another user at all).
 */
const CAN_SWITCH_USER = IS_ROOT &&
  await _succeeds("setpriv", [
    `--reuid=${NOBODY}`,
    `--regid=${NOBODY}`,
    "--clear-groups",
    "test",
    "-r",
    CLI,
  ]);

/** A private mount namespace with a tmpfs can be made here (root, unshare, mount). */
const CAN_MOUNT_TMPFS = IS_ROOT && await (async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli-replay-tmpfs-probe-" });
  try {
    return await _succeeds("unshare", [
      "-m",
      "sh",
      "-c",
      `mount -t tmpfs -o size=64k tmpfs ${sh(dir)} && umount ${sh(dir)}`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
})();

/** How an unprivileged user runs the CLI and scripts: `nobody` when root, else oneself. */
interface Unprivileged {
  /** The user id the CLI runs as. */
  uid: number;
  /** The Deno binary that user runs. */
  deno: string;
  /** Runs the CLI. */
  cli(args: readonly string[], opts?: SpawnOptions): Promise<ProcessResult>;
  /** Runs a bash script with `cli_replay` defined. */
  bash(script: string, opts?: SpawnOptions): Promise<ProcessResult>;
  /** Runs any program. */
  run(program: string, args: readonly string[], opts?: SpawnOptions): Promise<ProcessResult>;
}

let denoDirForNobody: string | undefined;

/**
 * A Deno dir `nobody` can read and write: a copy of this user's npm cache, and a copy of the
 * Deno binary (`<dir>/deno`), which may live where only its owner can reach it (npx installs
 * it under root's private home directory). The CLI's shims re-run the binary it runs as.
 */
async function _denoDirForNobody(): Promise<string> {
  if (denoDirForNobody !== undefined) return denoDirForNobody;
  const info = JSON.parse(
    new TextDecoder().decode(
      (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
        .output()).stdout,
    ),
  );
  const dir = await Deno.makeTempDir({ prefix: "cli-replay-nobody-deno-" });
  await Deno.chmod(dir, 0o755);
  const copy = await runFile("cp", ["-R", info.npmCache, `${dir}/npm`]);
  assert.equal(copy.code, 0, copy.stderr);
  await Deno.copyFile(Deno.execPath(), `${dir}/deno`);
  await Deno.chmod(`${dir}/deno`, 0o755);
  const own = await runFile("chown", ["-R", `${NOBODY}:${NOBODY}`, dir]);
  assert.equal(own.code, 0, own.stderr);
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  });
  return denoDirForNobody = dir;
}

async function _unprivileged(): Promise<Unprivileged> {
  if (!IS_ROOT) {
    return {
      uid: Deno.uid()!,
      deno: Deno.execPath(),
      cli,
      bash: (script, opts) => runFile("bash", ["-c", `${CLI_FUNCTION}\n${script}`], opts),
      run: runFile,
    };
  }
  const denoDir = await _denoDirForNobody();
  const as = (program: string, args: readonly string[], opts: SpawnOptions = {}) =>
    runFile("setpriv", [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      "--clear-groups",
      program,
      ...args,
    ], { ...opts, env: { HOME: denoDir, DENO_DIR: denoDir, ...opts.env } });
  return {
    uid: NOBODY,
    deno: `${denoDir}/deno`,
    cli: (args, opts) => as(`${denoDir}/deno`, ["run", "-A", CLI, ...args], opts),
    bash: (script, opts) =>
      as("bash", [
        "-c",
        `cli_replay() { ${
          [`${denoDir}/deno`, "run", "-A", CLI].map(sh).join(" ")
        } "$@"; }\n${script}`,
      ], opts),
    run: as,
  };
}

/** A test workspace every user can enter; `tmp/` is the `TMPDIR` (sticky, world-writable). */
async function _workspace() {
  const dir = await usingTempDir();
  await Deno.chmod(dir.path, 0o755);
  await Deno.mkdir(dir.join("tmp"));
  await Deno.chmod(dir.join("tmp"), 0o1777);
  return dir;
}

async function _fallbackDir(tmp: string, uid: number, scenarioPath: string): Promise<string> {
  return `${tmp}/cli-replay-${uid}/${await sessionKey(scenarioPath)}`;
}

function _notice(why: string, fallback: string): string {
  return `cli-replay: ${why}; session files go to "${fallback}" (set CLI_REPLAY_STATE_DIR to choose the directory)\n`;
}

function _noInternalError(r: ProcessResult): void {
  assert.doesNotMatch(r.stderr, /internal error|please report|os error \d+/, r.stderr);
}

const skipSwitch = !IS_ROOT || CAN_SWITCH_USER
  ? undefined
  : "skipped: running as root and nobody cannot run the checkout (setpriv, or a private path)";

Deno.test({
  name:
    `run, exec, verify and clean work for a scenario in a read-only directory: session files go to $TMPDIR/cli-replay-<uid>/<key>, said in one line (WAY-7, STATE-1)${
      skipSwitch ? ` (${skipSwitch})` : ""
    }`,
  ignore: skipSwitch !== undefined,
  fn: async (t) => {
    await using ws = await _workspace();
    const user = await _unprivileged();
    const scenario = await writeScenario(ws.path, "ro/s.yaml", SCENARIO);
    await Deno.chmod(ws.join("ro"), 0o555);
    const tmp = ws.join("tmp");
    const fallback = await _fallbackDir(tmp, user.uid, scenario);
    const notice = _notice(`"${ws.join("ro")}" is not writable (permission denied)`, fallback);
    const env = { TMPDIR: tmp };

    await t.step("exec passes, prints the notice once and leaves no session files", async () => {
      const r = await user.cli(["exec", scenario, "--", ...CHILD], { env });
      _noInternalError(r);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "clean\nweb-1 Running\n");
      assert.ok(r.stderr.startsWith(notice), r.stderr);
      assert.equal(r.stderr.split(notice).length, 2, "the notice appears once");
      assert.equal(await exists(ws.join("ro/.cli-replay")), false);
      const base = await Deno.lstat(`${tmp}/cli-replay-${user.uid}`);
      const dir = await Deno.lstat(fallback);
      for (const info of [base, dir]) {
        assert.equal(info.isDirectory && !info.isSymlink, true);
        assert.equal(info.mode! & 0o777, 0o700);
        assert.equal(info.uid, user.uid);
      }
      assert.deepEqual(await listDir(fallback), [], "exec cleaned up");
    });

    await t.step(
      "eval run, fakes, verify in the fallback, clean; the trap removes the rest",
      async () => {
        const r = await user.bash(
          `eval "$(cli_replay run ${sh(scenario)})" || exit 9
git status; kubectl get pods
ls "${fallback}" | sed 's/[0-9a-f]\\{16\\}/KEY/' | sort > ${sh(`${tmp}/listing`)}
cli_replay verify --format json; echo "verify=$?"
cli_replay clean; echo "clean=$?"
ls -A "${fallback}"`,
          { env, cwd: tmp },
        );
        _noInternalError(r);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(
          (await Deno.readTextFile(`${tmp}/listing`)).trim(),
          [
            "cli-replay-KEY.compiled.json",
            "cli-replay-KEY.lock",
            "cli-replay-KEY.state",
            "intercept-KEY",
          ]
            .join("\n"),
        );
        const [json, verify, clean, ...rest] = r.stdout.split("\n").slice(2);
        assert.equal(JSON.parse(json!).passed, true, r.stdout);
        assert.deepEqual([verify, clean, rest.join("")], ["verify=0", "clean=0", ""]);
        assert.ok(r.stderr.startsWith(notice), r.stderr);
        assert.ok(
          r.stderr.includes(`cli-replay: removed intercept dir ${fallback}/intercept-`),
          r.stderr,
        );
        assert.ok(r.stderr.endsWith(`cli-replay: state reset for ${scenario}\n`), r.stderr);
        assert.equal(await exists(ws.join("ro/.cli-replay")), false);
      },
    );

    await t.step("runWithScenario() from a Deno test file uses the fallback too", async () => {
      const file = `${tmp}/lib_test.ts`;
      await Deno.writeTextFile(
        file,
        `import { runWithScenario } from ${JSON.stringify(`${ROOT}/mod.ts`)};
const run = await runWithScenario(${JSON.stringify(scenario)}, ${JSON.stringify(CHILD)});
console.log(JSON.stringify({ passed: run.passed, stdout: run.stdout }));
`,
      );
      await Deno.chmod(file, 0o644);
      const r = await user.run(user.deno, [
        "run",
        "-A",
        `--config=${ROOT}/deno.json`,
        file,
      ], { env, cwd: tmp });
      _noInternalError(r);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { passed: true, stdout: "clean\nweb-1 Running\n" });
      assert.equal(await exists(ws.join("ro/.cli-replay")), false);
      assert.deepEqual(await listDir(fallback), []);
    });

    await t.step(
      "the trap of an eval'd session cleans the fallback when the shell exits",
      async () => {
        const r = await user.bash(
          `eval "$(cli_replay run ${sh(scenario)})" || exit 9
git status; kubectl get pods; ls "${fallback}" | wc -l`,
          { env, cwd: tmp },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          /^clean\nweb-1 Running\n\s*4\n$/,
          "state, lock, compiled, intercept dir",
        );
        assert.deepEqual(await listDir(fallback), []);
      },
    );
  },
});

async function _expireSessions(stateDir: string): Promise<number> {
  let n = 0;
  for (const name of await listDir(stateDir)) {
    if (!name.endsWith(".state")) continue;
    const path = `${stateDir}/${name}`;
    const state = JSON.parse(await Deno.readTextFile(path));
    state.last_updated = "2000-01-01T00:00:00.000Z";
    await Deno.writeTextFile(path, JSON.stringify(state));
    n++;
  }
  return n;
}

Deno.test({
  name:
    `clean --ttl and clean --ttl --recursive sweep expired sessions in the per-user fallback, only those of scenarios under the root (WAY-7, CLEAN-5, CLEAN-6)${
      skipSwitch ? ` (${skipSwitch})` : ""
    }`,
  ignore: skipSwitch !== undefined,
  fn: async (t) => {
    await using ws = await _workspace();
    const user = await _unprivileged();
    const tmp = ws.join("tmp");
    const env = { TMPDIR: tmp };
    const a = await writeScenario(ws.path, "a/s.yaml", SCENARIO);
    const b = await writeScenario(ws.path, "b/s.yaml", SCENARIO);
    await Deno.chmod(ws.join("a"), 0o555);
    await Deno.chmod(ws.join("b"), 0o555);
    const fallbackA = await _fallbackDir(tmp, user.uid, a);
    const fallbackB = await _fallbackDir(tmp, user.uid, b);
    const start = async (scenario: string) => {
      const r = await user.cli(["run", scenario], { env });
      assert.equal(r.code, 0, r.stderr);
    };

    await t.step("clean --ttl <scenario> finds the expired session in the fallback", async () => {
      await start(a);
      assert.equal(await _expireSessions(fallbackA), 1);
      const r = await user.cli(["clean", "--ttl", "1h", a], { env });
      _noInternalError(r);
      assert.deepEqual({ code: r.code, stderr: r.stderr }, {
        code: 0,
        stderr: `cli-replay: cleaned 1 expired sessions for ${a}\n`,
      });
      assert.deepEqual(await listDir(fallbackA), []);
    });

    await t.step(
      "clean --ttl --recursive <root> sweeps the fallback of scenarios under root only",
      async () => {
        await start(a);
        await start(b);
        assert.equal(await _expireSessions(fallbackA), 1);
        assert.equal(await _expireSessions(fallbackB), 1);
        const r = await user.cli(["clean", "--ttl", "1h", "--recursive", ws.join("a")], { env });
        _noInternalError(r);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stderr,
          /^cli-replay: scanned \d+ directories, cleaned 1 expired sessions\n$/,
        );
        assert.deepEqual(await listDir(fallbackA), []);
        assert.equal((await listDir(fallbackB)).filter((n) => n.endsWith(".state")).length, 1);
        const all = await user.cli(["clean", b], { env });
        assert.equal(all.stderr, `cli-replay: removed 1 session(s) for ${b}\n`);
        assert.deepEqual(await listDir(fallbackB), []);
      },
    );
  },
});

const skipOtherUser = IS_ROOT
  ? undefined
  : "skipped: needs root to create another user's .cli-replay";

Deno.test({
  name:
    `a .cli-replay that belongs to another user is left alone: the session goes to the user's own fallback, and verify and clean find it (WAY-7, SEC-6)${
      skipOtherUser ? ` (${skipOtherUser})` : ""
    }`,
  ignore: skipOtherUser !== undefined,
  fn: async (t) => {
    await using ws = await _workspace();
    const tmp = ws.join("tmp");
    const env = { TMPDIR: tmp };
    const scenario = await writeScenario(ws.path, "shared/s.yaml", SCENARIO);
    await Deno.chmod(ws.join("shared"), 0o777);
    const foreign = ws.join("shared/.cli-replay");
    await Deno.mkdir(foreign, { mode: 0o700 });
    await Deno.chown(foreign, NOBODY, NOBODY);
    const fallback = await _fallbackDir(tmp, 0, scenario);
    const notice = _notice(
      `"${foreign}" belongs to uid ${NOBODY}, not to you (uid 0)`,
      fallback,
    );

    await t.step("exec as root with nobody's .cli-replay", async () => {
      const r = await cli(["exec", scenario, "--", ...CHILD], { env });
      _noInternalError(r);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stderr.startsWith(notice), r.stderr);
      assert.deepEqual(await listDir(foreign), []);
      assert.deepEqual(await listDir(fallback), []);
    });

    await t.step("eval run, verify, clean as root", async () => {
      const r = await runFile("bash", [
        "-c",
        `${CLI_FUNCTION}
eval "$(cli_replay run ${sh(scenario)} 2>/dev/null)" || exit 9
git status >/dev/null; kubectl get pods >/dev/null
ls "${fallback}" | grep -c '\\.state$'
cli_replay verify; echo "verify=$?"
cli_replay clean; echo "clean=$?"`,
      ], { env, cwd: tmp });
      _noInternalError(r);
      assert.equal(r.stdout, "1\nverify=0\nclean=0\n", r.stderr);
      assert.deepEqual(await listDir(foreign), []);
      assert.deepEqual(await listDir(fallback), []);
    });

    if (CAN_SWITCH_USER) {
      await t.step("and the other way round: nobody with root's .cli-replay", async () => {
        const user = await _unprivileged();
        const other = await writeScenario(ws.path, "shared2/s.yaml", SCENARIO);
        await Deno.chmod(ws.join("shared2"), 0o777);
        const rootOwned = ws.join("shared2/.cli-replay");
        await Deno.mkdir(rootOwned, { mode: 0o700 });
        const theirs = await _fallbackDir(tmp, NOBODY, other);
        const r = await user.cli(["exec", other, "--", ...CHILD], { env });
        _noInternalError(r);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(
          r.stderr.startsWith(
            _notice(`"${rootOwned}" belongs to uid 0, not to you (uid ${NOBODY})`, theirs),
          ),
          r.stderr,
        );
        assert.deepEqual(await listDir(rootOwned), []);
      });
    }
  },
});

Deno.test("CLI_REPLAY_STATE_DIR chooses the state directory: created private with its parents, used by run, exec, the fakes, verify and clean; an unsafe one is refused (WAY-7)", async (t) => {
  await using ws = await _workspace();
  const scenario = await writeScenario(ws.path, "proj/s.yaml", SCENARIO);
  const stateDir = ws.join("state/nested");
  const env = { CLI_REPLAY_STATE_DIR: stateDir };

  await t.step("exec: no .cli-replay beside the scenario, no notice", async () => {
    const r = await cli(
      [
        "exec",
        scenario,
        "--",
        "bash",
        "-c",
        'git status && kubectl get pods && ls "$CLI_REPLAY_STATE_DIR" | wc -l',
      ],
      { env },
    );
    _noInternalError(r);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^clean\nweb-1 Running\n\s*4\n$/);
    assert.ok(r.stderr.startsWith("cli-replay: exec session initialized"), r.stderr);
    assert.equal(await exists(ws.join("proj/.cli-replay")), false);
    for (const dir of [ws.join("state"), stateDir]) {
      assert.equal((await Deno.lstat(dir)).mode! & 0o777, 0o700, dir);
    }
    assert.deepEqual(await listDir(stateDir), []);
  });

  await t.step("eval run, fakes, verify, clean", async () => {
    const r = await runFile("bash", [
      "-c",
      `${CLI_FUNCTION}
eval "$(cli_replay run ${sh(scenario)} 2>/dev/null)" || exit 9
git status >/dev/null; kubectl get pods >/dev/null
ls ${sh(stateDir)} | grep -c '\\.state$'
cli_replay verify; echo "verify=$?"
cli_replay clean; echo "clean=$?"`,
    ], { env });
    _noInternalError(r);
    assert.equal(r.stdout, "1\nverify=0\nclean=0\n", r.stderr);
    assert.equal(await exists(ws.join("proj/.cli-replay")), false);
    assert.deepEqual(await listDir(stateDir), []);
  });

  await t.step("a group-writable CLI_REPLAY_STATE_DIR is refused in one line", async () => {
    await Deno.chmod(stateDir, 0o777);
    const r = await cli(["exec", scenario, "--", "touch", ws.join("ran")], { env });
    assert.deepEqual({ code: r.code, stderr: r.stderr }, {
      code: 1,
      stderr:
        `cli-replay: unsafe state directory "${stateDir}": it is writable by group or others (mode 777); run chmod 700 on it\n`,
    });
    assert.equal(await exists(ws.join("ran")), false);
  });
});

Deno.test({
  name:
    `an unwritable report file, recording or temp dir is one line that says what to do, with the documented exit code (WAY-7, EXEC-11, REC-10)${
      skipSwitch ? ` (${skipSwitch})` : ""
    }`,
  ignore: skipSwitch !== undefined,
  fn: async (t) => {
    await using ws = await _workspace();
    const user = await _unprivileged();
    const tmp = ws.join("tmp");
    const env = { TMPDIR: tmp };
    const scenario = await writeScenario(ws.path, "ro/s.yaml", SCENARIO);
    await Deno.chmod(ws.join("ro"), 0o555);
    const locked = ws.join("locked");
    await Deno.mkdir(locked);
    await Deno.chmod(locked, 0o555);

    await t.step(
      "exec --report-file in an unwritable dir: a warning, the exit code stands (EXEC-11)",
      async () => {
        const report = `${locked}/r.xml`;
        const r = await user.cli(
          ["exec", "--format", "junit", "--report-file", report, scenario, "--", ...CHILD],
          { env },
        );
        _noInternalError(r);
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stderr.split("\n").filter((l) => l.includes("report file"));
        assert.deepEqual(lines, [
          `cli-replay: warning: could not write report file "${report}": permission denied; choose a --report-file path in a directory you can write`,
        ]);
        assert.equal(await exists(report), false);
      },
    );

    await t.step(
      "record -o into an unwritable dir: exit 3 before anything runs (REC-10)",
      async () => {
        const output = `${locked}/rec.yaml`;
        const marker = `${tmp}/ran`;
        const r = await user.cli([
          "record",
          "-o",
          output,
          "--",
          "sh",
          "-c",
          `echo ran > ${sh(marker)}`,
        ], {
          env,
        });
        assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
          code: 3,
          stdout: "",
          stderr:
            `cli-replay: cannot write "${output}": permission denied; choose an -o path in a directory you can write\n`,
        });
        assert.equal(await exists(marker), false, "the command did not run");
        assert.equal(await exists(output), false);
      },
    );

    await t.step(
      "no writable place at all (scenario dir and TMPDIR): exec stops in one line",
      async () => {
        const marker = `${tmp}/ran2`;
        const r = await user.cli(["exec", scenario, "--", "touch", marker], {
          env: { TMPDIR: locked },
        });
        assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
          code: 1,
          stdout: "",
          stderr:
            `cli-replay: cannot create state directory "${locked}/cli-replay-${user.uid}": permission denied; set CLI_REPLAY_STATE_DIR to a directory you can write\n`,
        });
        assert.equal(await exists(marker), false);
      },
    );

    if (IS_ROOT) {
      await t.step(
        "a fallback dir planted by another user (a link) is refused, nothing written through it",
        async () => {
          const planted = ws.join("planted");
          await Deno.mkdir(ws.join("evil"));
          await Deno.mkdir(planted, { mode: 0o700 });
          await Deno.mkdir(`${planted}/tmp`);
          await Deno.chmod(`${planted}/tmp`, 0o1777);
          await Deno.symlink(ws.join("evil"), `${planted}/tmp/cli-replay-${user.uid}`);
          await Deno.chmod(planted, 0o755);
          const r = await user.cli(["exec", scenario, "--", "true"], {
            env: { TMPDIR: `${planted}/tmp` },
          });
          assert.deepEqual({ code: r.code, stderr: r.stderr }, {
            code: 1,
            stderr:
              `cli-replay: unsafe state directory "${planted}/tmp/cli-replay-${user.uid}": it is owned by uid 0, not by the current user (${user.uid}); set CLI_REPLAY_STATE_DIR to a directory of your own\n`,
          });
          assert.deepEqual(await listDir(ws.join("evil")), []);
        },
      );
    }
  },
});

const skipTmpfs = CAN_MOUNT_TMPFS
  ? undefined
  : "skipped: cannot mount tmpfs in a private mount namespace here (needs root and unshare -m)";

Deno.test({
  name:
    `a full disk fails a faked call in one line and leaves the state as it was; a full or read-only disk at setup is one line or the fallback (WAY-7, STATE-8, ERR-6)${
      skipTmpfs ? ` (${skipTmpfs})` : ""
    }`,
  ignore: skipTmpfs !== undefined,
  fn: async () => {
    await using ws = await _workspace();
    const full = ws.join("full");
    const ro = ws.join("ro");
    const out = ws.join("out");
    const tmp = ws.join("tmp");
    await Deno.mkdir(full);
    await Deno.mkdir(ro);
    await Deno.mkdir(out);
    await Deno.writeTextFile(ws.join("s.yaml"), SCENARIO);
    const script = `${CLI_FUNCTION}
set -u
mount -t tmpfs -o size=256k tmpfs ${sh(full)} || exit 90
mount -t tmpfs -o size=256k tmpfs ${sh(ro)} || exit 91
cp ${sh(ws.join("s.yaml"))} ${sh(full)}/s.yaml
mkdir ${sh(full)}/later && cp ${sh(ws.join("s.yaml"))} ${sh(full)}/later/s.yaml
cp ${sh(ws.join("s.yaml"))} ${sh(ro)}/s.yaml
mount -o remount,ro ${sh(ro)} || exit 92
eval "$(cli_replay run ${sh(full)}/s.yaml 2>/dev/null)" || exit 93
git status > /dev/null && kubectl get pods > /dev/null || exit 94
head -c 1048576 /dev/zero > ${sh(full)}/fill 2>/dev/null
kubectl get pods > ${sh(out)}/full.stdout 2> ${sh(out)}/full.stderr; echo $? > ${sh(out)}/full.code
cp ${sh(full)}/.cli-replay/*.state ${sh(out)}/state-after-failure.json
cli_replay exec ${sh(full)}/later/s.yaml -- touch ${sh(out)}/ran \
  > /dev/null 2> ${sh(out)}/setup.stderr; echo $? > ${sh(out)}/setup.code
ls -A ${sh(full)}/later/.cli-replay > ${sh(out)}/later.ls 2>/dev/null
rm ${sh(full)}/fill
kubectl get pods > ${sh(out)}/again.stdout || exit 95
cli_replay verify --format json > ${sh(out)}/verify.json
TMPDIR=${sh(tmp)} cli_replay exec ${sh(ro)}/s.yaml -- bash -c 'git status && kubectl get pods' \
  > ${sh(out)}/ro.stdout 2> ${sh(out)}/ro.stderr; echo $? > ${sh(out)}/ro.code
`;
    const r = await runFile("unshare", ["-m", "bash", "-c", script]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const read = (name: string) => Deno.readTextFile(`${out}/${name}`);

    // The mounts were private to the namespace: nothing was written on the host's disk.
    assert.deepEqual(await listDir(full), []);
    // The faked call on a full disk: one line, exit 1, nothing on stdout.
    assert.equal((await read("full.code")).trim(), "1");
    assert.equal(await read("full.stdout"), "");
    assert.match(
      await read("full.stderr"),
      new RegExp(
        `^cli-replay: cannot write state file "${full}/\\.cli-replay/cli-replay-[0-9a-f]{16}\\.state": no space left on device; free space on that file system and call again; the session's state is unchanged\\n$`,
      ),
    );
    // The state kept its previous count and still parses.
    const after = JSON.parse(await read("state-after-failure.json"));
    assert.deepEqual(after.step_counts, [1, 1]);
    // Once there is space again, the session goes on from there.
    assert.equal(await read("again.stdout"), "web-1 Running\n");
    const verify = JSON.parse(await read("verify.json"));
    assert.deepEqual(verify.steps.map((s: { call_count: number }) => s.call_count), [1, 2]);

    // exec on a full disk: one line, exit 1, the child never ran, nothing left behind.
    assert.equal((await read("setup.code")).trim(), "1");
    assert.match(
      await read("setup.stderr"),
      new RegExp(
        `^cli-replay: cannot [a-z ]+ "${full}/later/\\.cli-replay[^"]*": no space left on device; free space on that file system, or set CLI_REPLAY_STATE_DIR to a directory on another one\\n$`,
      ),
    );
    assert.equal(await exists(`${out}/ran`), false);
    assert.doesNotMatch(await read("later.ls"), /intercept-|\.state|\.compiled\.json|\.tmp/);

    // A read-only file system: the session goes to the fallback, said in one line.
    const fallback = await _fallbackDir(tmp, 0, `${ro}/s.yaml`);
    assert.equal((await read("ro.code")).trim(), "0", await read("ro.stderr"));
    assert.equal(await read("ro.stdout"), "clean\nweb-1 Running\n");
    assert.ok(
      (await read("ro.stderr")).startsWith(
        _notice(`"${ro}" is on a read-only file system`, fallback),
      ),
      await read("ro.stderr"),
    );
    assert.deepEqual(await listDir(fallback), []);
  },
});
