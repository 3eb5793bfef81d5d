// SRV-1, SRV-4, SRV-6: the detached server of `run` and the in-process server of `exec`
// — exact counts under parallel callers (server and cold calls mixed), a server killed with
// SIGKILL mid-run, and no server process left after exec, clean, the shell's exit or its
// kill -9. Processes are checked by id.
import assert from "node:assert/strict";
import {
  cli,
  CLI_FUNCTION,
  readJson,
  readStateText,
  serverTest,
  sh,
  type StartedSession,
  startSession,
  usingTempDir,
  writeScenario,
} from "../../_helpers.ts";

const POLL_MS = 25;

/** Polls `check` until it holds or `ms` passed; returns whether it held. */
async function eventually(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += POLL_MS) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return await check();
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** The detached server's port and pid, once it has written its port file. */
async function serverOf(s: { interceptDir: string }): Promise<{ port: number; pid: number }> {
  let text = "";
  const up = await eventually(async () => {
    try {
      text = await Deno.readTextFile(`${s.interceptDir}/.port`);
      return text.endsWith("\n");
    } catch {
      return false;
    }
  });
  assert.ok(up, "the detached server wrote its port file");
  const [port, pid] = text.trim().split(" ").map(Number);
  return { port: port!, pid: pid! };
}

const POLL_STEP = `meta: {name: poll}
steps:
  - match: {argv: [git, status]}
    respond: {stdout: "clean\\n"}
    calls: {min: 1, max: 100000}
`;

/** Runs `loops` background loops of `calls` calls each; some loops take the cold path. */
async function parallel(
  s: StartedSession,
  loops: number,
  calls: number,
  coldLoops: number,
): Promise<{ ok: number; failures: string }> {
  const script = `
for j in $(seq 1 ${loops}); do
  (
    if [ "$j" -le ${coldLoops} ]; then export CLI_REPLAY_SERVER=0; fi
    for i in $(seq 1 ${calls}); do
      if [ "$(git status 2>&1)" = clean ]; then echo ok; else echo "FAIL $j $i"; fi
    done
  ) &
done
wait
`;
  const out = await new Deno.Command("bash", {
    args: ["-c", script],
    env: { ...s.env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return {
    ok: lines.filter((l) => l === "ok").length,
    failures: lines.filter((l) => l !== "ok").join("\n") + new TextDecoder().decode(out.stderr),
  };
}

serverTest(
  "session server: 8×25 and 16×100 parallel callers, server and cold calls mixed, are all counted exactly (SRV-4, STATE-7)",
  async (t) => {
    for (const [loops, calls, cold] of [[8, 25, 2], [16, 100, 2]] as const) {
      await t.step(`${loops}×${calls} (${cold} loops on the cold path)`, async () => {
        await using dir = await usingTempDir();
        const path = await writeScenario(dir.path, "s.yaml", POLL_STEP);
        const s = await startSession(path);
        await serverOf(s);
        const r = await parallel(s, loops, calls, cold);
        assert.equal(r.failures.trim(), "");
        assert.equal(r.ok, loops * calls);
        const state = await readJson<{ step_counts: number[] }>(s.state);
        assert.equal(state.step_counts[0], loops * calls);
        const v = await cli(["verify", "--format", "json", path], { env: s.env });
        assert.equal(JSON.parse(v.stdout).steps[0].call_count, loops * calls, v.stderr);
        await cli(["clean", "--session", s.id, path]);
      });
    }
  },
);

serverTest(
  "session server: killed with SIGKILL mid-run, new calls take the cold path, a call cut off after sending fails with one line, the state parses and counts the successful calls (SRV-4)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(dir.path, "s.yaml", POLL_STEP);
    const s = await startSession(path);
    const { pid } = await serverOf(s);
    const script = `
for j in $(seq 1 8); do
  (
    for i in $(seq 1 60); do
      git status >/dev/null 2>>"err.$j"
      echo "$?" >>"codes.$j"
    done
  ) &
done
wait
`;
    const child = new Deno.Command("bash", {
      args: ["-c", script],
      cwd: dir.path,
      env: { ...s.env, NO_COLOR: "1" },
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Kill the server once some calls were answered, while the loops are still calling.
    assert.ok(
      await eventually(async () => JSON.parse(await readStateText(s.state)).step_counts[0]! >= 40),
    );
    Deno.kill(pid, "SIGKILL");
    assert.equal((await child.status).code, 0);
    let ok = 0;
    let broken = 0;
    const message =
      "cli-replay: the session server closed the connection after git was sent; not retried, the call may have been counted\n";
    for (let j = 1; j <= 8; j++) {
      const codes = (await Deno.readTextFile(dir.join(`codes.${j}`))).trim().split("\n");
      assert.equal(codes.length, 60);
      ok += codes.filter((c) => c === "0").length;
      const failed = codes.filter((c) => c !== "0");
      broken += failed.length;
      assert.ok(failed.every((c) => c === "1"), `exit codes ${failed}`);
      // Cut-offs happen only while the killed server's sockets are torn down (a connect can
      // still complete into its backlog then): one run of failures, then the cold path answers.
      const run = codes.join("").replace(/^0*/, "").replace(/0*$/, "");
      assert.ok(!run.includes("0"), `loop ${j}: failures after a cold-path answer: ${codes}`);
      assert.equal(codes.at(-1), "0", `loop ${j}: the last call took the cold path`);
      // Every failed call wrote exactly the one line, nothing else was written.
      assert.equal(await Deno.readTextFile(dir.join(`err.${j}`)), message.repeat(failed.length));
    }
    assert.equal(ok + broken, 480);
    const state: { step_counts: number[] } = JSON.parse(await readStateText(s.state)); // parses
    const counted = state.step_counts[0]!;
    // A call cut off after its request was sent may or may not have been committed.
    assert.ok(counted >= ok && counted <= ok + broken, `counted ${counted}, ok ${ok}`);
    assert.equal(alive(pid), false);
    await cli(["clean", "--session", s.id, path]);
  },
);

serverTest(
  "session server: a stale port file whose server is gone, its port now another process's, or a port file that is not `<port> <pid>`: the call takes the cold path and never connects, so the secret stays in the shims (SRV-2, SRV-5)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(dir.path, "s.yaml", POLL_STEP);
    const s = await startSession(path);
    const { pid } = await serverOf(s);
    Deno.kill(pid, "SIGKILL");
    assert.ok(await eventually(() => !alive(pid)), `server ${pid} still running`);
    // Another process now listens on a port the port file names; it counts its connections.
    using other = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let connections = 0;
    const accepting = (async () => {
      for await (const conn of other) {
        connections++;
        conn.close();
      }
    })();
    const port = other.addr.port;
    // The dead server's pid; then what a torn or foreign file could hold. `0` and `-1` would
    // pass `kill -0` (the process group, every process), so they must be refused first.
    const contents = [
      `${port} ${pid}\n`,
      "",
      `${port}\n`,
      `${port} 0\n`,
      `${port} -1\n`,
      `${port} ${Deno.pid}x\n`,
      `${port} ${Deno.pid} 7\n`,
      `0${port} ${Deno.pid}\n`,
      `x ${Deno.pid}\n`,
    ];
    for (const [i, text] of contents.entries()) {
      await Deno.writeTextFile(`${s.interceptDir}/.port`, text);
      const r = await new Deno.Command("bash", {
        args: ["-c", "git status"],
        env: { ...s.env, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
      assert.equal(new TextDecoder().decode(r.stdout), "clean\n");
      assert.equal(connections, 0, `the shim connected with the port file ${JSON.stringify(text)}`);
      const state: { step_counts: number[] } = JSON.parse(await readStateText(s.state));
      assert.equal(state.step_counts[0], i + 1, "the cold path counted the call");
    }
    other.close();
    await accepting.catch(() => {});
    await cli(["clean", "--session", s.id, path]);
  },
);

serverTest(
  "session server: no server process is left after clean, after the eval'ing shell exits, after kill -9 of that shell (idle timeout), or when its intercept dir is removed (SRV-6, SRV-1)",
  async (t) => {
    await t.step("after clean", async () => {
      await using dir = await usingTempDir();
      const path = await writeScenario(dir.path, "s.yaml", POLL_STEP);
      const s = await startSession(path);
      const { pid } = await serverOf(s);
      assert.ok(alive(pid));
      const r = await cli(["clean", "--session", s.id, path]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(await eventually(() => !alive(pid)), `server ${pid} still running`);
    });
    await t.step("after the eval'ing shell exits (its trap cleans)", async () => {
      await using dir = await usingTempDir();
      await writeScenario(dir.path, "s.yaml", POLL_STEP);
      const script = `${CLI_FUNCTION}
eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 90
d=$(dirname "$(command -v git)")
i=0; while [ ! -s "$d/.port" ]; do i=$((i + 1)); [ $i -le 300 ] || exit 92; sleep 0.05; done
git status || exit 91
cut -d' ' -f2 "$d/.port" > pid
`;
      const r = await new Deno.Command("bash", {
        args: ["-c", script],
        cwd: dir.path,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
      const pid = Number(await Deno.readTextFile(dir.join("pid")));
      assert.ok(pid > 0);
      assert.ok(await eventually(() => !alive(pid)), `server ${pid} still running`);
    });
    await t.step("after kill -9 of the shell, within the session TTL", async () => {
      await using dir = await usingTempDir();
      await writeScenario(
        dir.path,
        "s.yaml",
        POLL_STEP.replace("meta: {name: poll}", "meta: {name: poll, session: {ttl: 1s}}"),
      );
      const script = `${CLI_FUNCTION}
eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 90
d=$(dirname "$(command -v git)")
i=0; while [ ! -s "$d/.port" ]; do i=$((i + 1)); [ $i -le 300 ] || exit 92; sleep 0.05; done
git status >/dev/null
cut -d' ' -f2 "$d/.port" > pid
echo "$d" > dir
kill -9 $$
`;
      const r = await new Deno.Command("bash", {
        args: ["-c", script],
        cwd: dir.path,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(r.signal, "SIGKILL");
      const pid = Number(await Deno.readTextFile(dir.join("pid")));
      // No trap ran: the intercept dir is still there, the server stops when idle.
      const interceptDir = (await Deno.readTextFile(dir.join("dir"))).trim();
      assert.ok((await Deno.stat(interceptDir)).isDirectory);
      assert.ok(await eventually(() => !alive(pid)), `server ${pid} still running`);
    });
    await t.step("when the intercept dir is removed", async () => {
      await using dir = await usingTempDir();
      const path = await writeScenario(dir.path, "s.yaml", POLL_STEP);
      const s = await startSession(path);
      const { pid } = await serverOf(s);
      await Deno.remove(s.interceptDir, { recursive: true });
      assert.ok(await eventually(() => !alive(pid)), `server ${pid} still running`);
      await cli(["clean", "--session", s.id, path]);
    });
  },
);

serverTest(
  "session server: exec hosts it in its own process — the fakes use it, and when exec returns nothing listens on its port (SRV-1, SRV-6)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(dir.path, "s.yaml", POLL_STEP);
    const script = `d=$(dirname "$(command -v git)"); cat "$d/.port" > ${sh(dir.join("port"))}
for i in 1 2 3; do git status >/dev/null || exit 9; done`;
    const r = await cli(["exec", path, "--", "bash", "-c", script]);
    assert.equal(r.code, 0, r.stderr);
    const [port, pid] = (await Deno.readTextFile(dir.join("port"))).trim().split(" ").map(Number);
    assert.notEqual(pid, Deno.pid);
    assert.equal(alive(pid!), false, "the exec process (the server's host) is gone");
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: port! }));
  },
);
