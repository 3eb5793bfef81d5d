// Integration tests of `cli-replay clean` (CLEAN-1..8, TTL-2..6): real sessions and state
// files written with old timestamps.
import assert from "node:assert/strict";
import {
  cli,
  exists,
  listDir,
  readJson,
  sessionPaths,
  startSession,
  usingTempDir,
  writeScenario,
} from "../_helpers.ts";

const SCENARIO = `meta: {name: cleanme}\nsteps:\n  - match: {argv: [git, status]}\n`;
const HOUR = 3600_000;

/**
 * Writes a session by hand, as `run` would have left it: state (with the given
 * `last_updated`), compiled and lock files, and an intercept dir with a shim.
 */
async function fakeSession(
  scenarioPath: string,
  id: string,
  lastUpdated: Date,
  interceptDir?: string,
): Promise<{ state: string; interceptDir: string; files: string[] }> {
  const p = await sessionPaths(scenarioPath, id);
  await Deno.mkdir(p.stateDir, { recursive: true, mode: 0o700 });
  await Deno.chmod(p.stateDir, 0o700);
  const dir = interceptDir ?? p.interceptDir;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(`${dir}/git`, "#!/bin/sh\n", { mode: 0o700 });
  await Deno.writeTextFile(
    p.state,
    JSON.stringify({
      scenario_path: scenarioPath,
      scenario_hash: "0".repeat(64),
      current_step: 0,
      total_steps: 1,
      step_counts: [0],
      intercept_dir: dir,
      last_updated: lastUpdated.toISOString(),
    }),
    { mode: 0o600 },
  );
  await Deno.writeTextFile(p.compiled, "{}", { mode: 0o600 });
  await Deno.writeTextFile(p.lock, "", { mode: 0o600 });
  return { state: p.state, interceptDir: dir, files: [p.state, p.compiled, p.lock] };
}

/** Rewrites `last_updated` of a real state file. */
async function age(statePath: string, lastUpdated: Date): Promise<void> {
  const state = await readJson(statePath);
  state.last_updated = lastUpdated.toISOString();
  await Deno.writeTextFile(statePath, JSON.stringify(state));
}

Deno.test(
  "clean: session mode removes the session's intercept dir and files, takes scenario and session from the environment, and is idempotent (CLEAN-3, CLEAN-8, CLEAN-2)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(dir.path, "s.yaml", SCENARIO);
    const keep = await startSession(path);
    const s = await startSession(path);
    // CLEAN-2: the scenario is never parsed, so an invalid file does not block cleaning.
    await Deno.writeTextFile(path, "steps: [:\n");
    const env = { CLI_REPLAY_SCENARIO: "s.yaml", CLI_REPLAY_SESSION: s.id };
    const r = await cli(["clean"], { cwd: dir.path, env });
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
      code: 0,
      stdout: "",
      stderr: `cli-replay: removed intercept dir ${s.interceptDir}\n` +
        "cli-replay: state reset for s.yaml\n",
    });
    for (const p of [s.interceptDir, s.state, s.compiled, s.lock]) {
      assert.equal(await exists(p), false, p);
    }
    assert.ok(await exists(keep.state), "other sessions are untouched");
    assert.ok(await exists(keep.interceptDir));

    const again = await cli(["clean", "--session", s.id, "s.yaml"], { cwd: dir.path });
    assert.deepEqual({ code: again.code, stderr: again.stderr }, {
      code: 0,
      stderr: "cli-replay: state reset for s.yaml\n",
    });
    // Deleted scenario: still cleanable by path.
    await Deno.remove(path);
    const gone = await cli(["clean", "--session", keep.id, path]);
    assert.equal(gone.code, 0, gone.stderr);
    assert.deepEqual(await listDir(keep.stateDir), [".gitignore"]);
  },
);

Deno.test(
  "clean: without a session id removes every session of the scenario and the no-session state, nothing of other scenarios (CLEAN-4, CLEAN-8)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(dir.path, "s.yaml", SCENARIO);
    const other = await writeScenario(dir.path, "t.yaml", SCENARIO.replace("cleanme", "other"));
    const a = await startSession(path);
    const b = await startSession(path);
    const c = await startSession(other);
    const direct = await cli(["__intercept", "--scenario", "s.yaml", "--", "git", "status"], {
      cwd: dir.path,
    });
    assert.equal(direct.code, 0, direct.stderr);
    const noSession = await sessionPaths(path);
    assert.ok(await exists(noSession.state));
    // A commit's leftovers go too: a .next.tmp and an older writer's temp file (STATE-8).
    const stem = a.state.replace(/\.state$/, "");
    await Deno.writeTextFile(`${stem}.next.tmp`, "{");
    await Deno.writeTextFile(`${stem}.123.abc.tmp`, "{");

    const r = await cli(["clean", "s.yaml"], { cwd: dir.path });
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
      code: 0,
      stdout: "",
      stderr: "cli-replay: removed 3 session(s) for s.yaml\n",
    });
    for (const p of [a.interceptDir, a.state, b.interceptDir, b.state, noSession.state]) {
      assert.equal(await exists(p), false, p);
    }
    assert.deepEqual(
      await listDir(a.stateDir),
      [
        ".gitignore",
        c.compiled.split("/").pop()!,
        c.state.split("/").pop()!,
        `intercept-${c.id}`,
      ].sort(),
    );

    const again = await cli(["clean", "s.yaml"], { cwd: dir.path });
    assert.deepEqual({ code: again.code, stderr: again.stderr }, {
      code: 0,
      stderr: "cli-replay: removed 0 session(s) for s.yaml\n",
    });
    const nothing = await cli(["clean", "never/ran.yaml"], { cwd: dir.path });
    assert.deepEqual({ code: nothing.code, stderr: nothing.stderr }, {
      code: 0,
      stderr: "cli-replay: removed 0 session(s) for never/ran.yaml\n",
    });
    assert.equal(await exists(dir.join("never")), false);
  },
);

Deno.test(
  "clean: usage errors — --recursive without --ttl, non-positive or invalid --ttl, no scenario (CLEAN-1, ERR-5)",
  async (t) => {
    const cases = [
      {
        args: ["clean", "--recursive"],
        stderr:
          "cli-replay: --recursive requires --ttl to prevent accidental deletion of all sessions\n",
      },
      {
        args: ["clean", "--ttl", "0", "s.yaml"],
        stderr: `cli-replay: --ttl must be positive, got "0"\n`,
      },
      {
        args: ["clean", "--ttl", "soon", "s.yaml"],
        stderr:
          `cli-replay: invalid --ttl value "soon": expected a duration such as 30s, 10m or 1h\n`,
      },
      {
        args: ["clean"],
        stderr: "cli-replay: no scenario specified — pass a file or set CLI_REPLAY_SCENARIO\n",
      },
    ];
    await using dir = await usingTempDir();
    for (const c of cases) {
      await t.step(c.args.join(" "), async () => {
        const r = await cli(c.args, { cwd: dir.path });
        assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
          code: 1,
          stdout: "",
          stderr: c.stderr,
        });
      });
    }
    assert.deepEqual(await listDir(dir.path), []);
  },
);

Deno.test(
  "clean --ttl: removes sessions whose last_updated is older than the TTL and stale orphan intercept dirs, keeps recent, future and corrupt ones with warnings (CLEAN-5, TTL-3, TTL-4, TTL-5, CLEAN-8)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(dir.path, "s.yaml", SCENARIO);
    const old = await startSession(path);
    const recent = await startSession(path);
    await age(old.state, new Date(Date.now() - 2 * HOUR));
    const future = new Date(Date.now() + 24 * HOUR);
    const ahead = await fakeSession(path, "f".repeat(16), future);
    const stateDir = old.stateDir;
    const orphanOld = `${stateDir}/intercept-0000000000000001`;
    const orphanNew = `${stateDir}/intercept-0000000000000002`;
    await Deno.mkdir(orphanOld, { mode: 0o700 });
    await Deno.mkdir(orphanNew, { mode: 0o700 });
    const longAgo = new Date(Date.now() - 3 * HOUR);
    await Deno.utime(orphanOld, longAgo, longAgo);
    const corrupt = `${stateDir}/cli-replay-${"c".repeat(16)}.state`;
    await Deno.writeTextFile(corrupt, "{torn", { mode: 0o600 });

    const r = await cli(["clean", "--ttl", "1h", "s.yaml"], { cwd: dir.path });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.at(-1), "cli-replay: cleaned 1 expired sessions for s.yaml");
    assert.ok(
      lines.includes(
        `cli-replay: warning: state file ${
          ahead.state.split("/").pop()
        } has future last_updated (${future.toISOString()}), treating as active`,
      ),
      r.stderr,
    );
    assert.ok(
      lines.some((l) =>
        l.startsWith("cli-replay: warning: ") && l.includes(`cli-replay-${"c".repeat(16)}.state`)
      ),
      r.stderr,
    );
    assert.equal(lines.length, 3, r.stderr);

    for (const p of [old.interceptDir, old.state, old.compiled, orphanOld]) {
      assert.equal(await exists(p), false, p);
    }
    for (
      const p of [
        recent.interceptDir,
        recent.state,
        ahead.interceptDir,
        ...ahead.files,
        orphanNew,
        corrupt,
      ]
    ) {
      assert.ok(await exists(p), p);
    }

    const again = await cli(["clean", "--ttl", "1h", "s.yaml"], { cwd: dir.path });
    assert.equal(again.code, 0);
    assert.ok(again.stderr.endsWith("cli-replay: no expired sessions found\n"), again.stderr);
  },
);

Deno.test(
  "run: with meta.session.ttl sweeps expired sessions of the directory before creating the new one (TTL-2, TTL-6)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta:\n  name: ttl\n  session: {ttl: 10m}\nsteps:\n  - match: {argv: [git, status]}\n`,
    );
    const stale = await fakeSession(path, "a".repeat(16), new Date(Date.now() - HOUR));
    const s = await startSession(path);
    assert.ok(s.run.stderr.startsWith("cli-replay: cleaned 1 expired sessions\n"), s.run.stderr);
    assert.equal(await exists(stale.interceptDir), false);
    assert.equal(await exists(stale.state), false);
    assert.ok(await exists(s.state));
  },
);

Deno.test(
  "clean --ttl --recursive: sweeps every .cli-replay under the root, skipping .git, node_modules, vendor, .terraform, __pycache__ and symbolic links (CLEAN-6, TTL-4)",
  async () => {
    await using dir = await usingTempDir();
    await using outside = await usingTempDir();
    const expired = new Date(Date.now() - 2 * HOUR);
    const root = dir.join("root");
    const swept = [
      await fakeSession(`${root}/a/s.yaml`, "1".repeat(16), expired),
      await fakeSession(`${root}/b/c/s.yaml`, "2".repeat(16), expired),
    ];
    const fresh = await fakeSession(`${root}/b/c/s.yaml`, "3".repeat(16), new Date());
    const kept = [fresh];
    for (const skipped of [".git", "node_modules", "vendor", ".terraform", "__pycache__"]) {
      kept.push(await fakeSession(`${root}/${skipped}/x/s.yaml`, "4".repeat(16), expired));
    }
    kept.push(await fakeSession(`${outside.path}/s.yaml`, "5".repeat(16), expired));
    await Deno.symlink(outside.path, `${root}/link`);

    const r = await cli(["clean", "--ttl", "1h", "--recursive", "root"], { cwd: dir.path });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^cli-replay: scanned \d+ directories, cleaned 2 expired sessions\n$/);
    for (const s of swept) {
      assert.equal(await exists(s.state), false, s.state);
      assert.equal(await exists(s.interceptDir), false, s.interceptDir);
    }
    for (const s of kept) {
      for (const p of [s.interceptDir, ...s.files]) assert.ok(await exists(p), p);
    }

    const again = await cli(["clean", "--ttl", "1h", "--recursive"], { cwd: root });
    assert.deepEqual({ code: again.code, stderr: again.stderr }, {
      code: 0,
      stderr: "cli-replay: no expired sessions found\n",
    });
  },
);

Deno.test(
  "clean: an intercept dir outside the .cli-replay being cleaned (from a state file or a crafted --session) is never deleted (CLEAN-7, SEC-8)",
  async (t) => {
    const expired = new Date(Date.now() - 2 * HOUR);
    const modes = [
      { name: "no-session mode", args: ["clean", "s.yaml"] },
      { name: "TTL mode", args: ["clean", "--ttl", "1m", "s.yaml"] },
    ];
    for (const mode of modes) {
      await t.step(mode.name, async () => {
        await using dir = await usingTempDir();
        const path = await writeScenario(dir.path, "s.yaml", SCENARIO);
        const victims = [
          dir.join("outside", "intercept-victim"),
          dir.join(".cli-replay", "intercept-x", "..", "..", "victim2"),
          dir.join("victim3"),
        ];
        for (const [i, victim] of victims.entries()) {
          await fakeSession(path, `${i}`.repeat(16), expired, victim);
        }
        await Deno.writeTextFile(dir.join("victim2", "precious"), "x");
        const r = await cli(mode.args, { cwd: dir.path });
        assert.equal(r.code, 0, r.stderr);
        const warnings = r.stderr.split("\n").filter((l) => l.startsWith("cli-replay: warning: "));
        assert.equal(warnings.length, 3, r.stderr);
        for (const victim of victims) {
          assert.ok(warnings.some((w) => w.includes(victim)), `${victim}\n${r.stderr}`);
          assert.ok(await exists(`${victim}/git`), victim);
        }
        assert.ok(await exists(dir.join("victim2", "precious")));
        // The sessions themselves are gone.
        assert.deepEqual(await listDir(dir.join(".cli-replay")), ["intercept-x"]);
      });
    }
    await t.step("session mode with a crafted session id", async () => {
      await using dir = await usingTempDir();
      const path = await writeScenario(dir.path, "proj/s.yaml", SCENARIO);
      const s = await startSession(path);
      await Deno.mkdir(dir.join("victim"));
      await Deno.writeTextFile(dir.join("victim", "precious"), "x");
      const crafted = `${s.id}/../../../victim`;
      const r = await cli(["clean", "--session", crafted, path]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stderr.includes("removed intercept dir"), r.stderr);
      assert.ok(await exists(dir.join("victim", "precious")), "nothing outside is deleted");
      assert.ok(await exists(s.interceptDir));
      await cli(["clean", "--session", s.id, path]);
    });
  },
);
