// SRV-5: only the session's own shims get in. A connection without the secret, with a
// wrong one, with garbage, trickling slowly or sending 100 MB is closed without an answer,
// changes no state, and the server goes on answering real calls.
import assert from "node:assert/strict";
import { readScenarioFile } from "../../../effects/scenario/file.ts";
import { removeSession, setupSession } from "../../../effects/session/setup.ts";
import { startSessionServer } from "../../../effects/server/session_server.ts";
import { LIMITS } from "../../../core/server/protocol.ts";
import { cli, serverTest, usingTempDir, writeScenario } from "../../_helpers.ts";
import { spawnBytes } from "./_twins.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Sends `bytes` (in `chunk`-sized writes) and reads until the server closes. */
async function attack(
  port: number,
  bytes: Uint8Array,
  opts: { chunk?: number; pauseMs?: number } = {},
): Promise<{ answer: string; sent: number; closedEarly: boolean }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const reply: Uint8Array[] = [];
  const reading = (async () => {
    const buf = new Uint8Array(4096);
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        reply.push(buf.slice(0, n));
      }
    } catch { /* reset by the server */ }
  })();
  let sent = 0;
  let closedEarly = false;
  const chunk = opts.chunk ?? bytes.length;
  try {
    while (sent < bytes.length) {
      sent += await conn.write(bytes.subarray(sent, Math.min(bytes.length, sent + chunk)));
      if (opts.pauseMs !== undefined) await new Promise((r) => setTimeout(r, opts.pauseMs));
    }
  } catch {
    closedEarly = true; // the server closed the connection while we were still sending
  }
  await reading;
  try {
    conn.close();
  } catch { /* closed */ }
  return { answer: decoder.decode(reply.length ? reply[0] : new Uint8Array()), sent, closedEarly };
}

serverTest(
  "session server: connections without the secret, with a wrong one, with garbage, trickling or sending 100 MB are closed unanswered, change no state, and real calls still work (SRV-5)",
  async (t) => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: sec}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {stdout: "ok\\n"}\n    calls: {min: 1, max: 100}\n`,
    );
    const session = await setupSession(await readScenarioFile(path), { server: true });
    await using server = await startSessionServer({
      files: session.files,
      sessionId: session.sessionId,
      secret: session.secret!,
      requestMs: 400,
    });
    const shim = `${session.files.interceptDir}/git`;
    const stateBefore = async () => await Deno.readTextFile(session.files.state);
    const realCall = async () => {
      const r = await spawnBytes(shim, ["status"]);
      assert.equal(r.code, 0, decoder.decode(r.stderr));
      assert.equal(decoder.decode(r.stdout), "ok\n");
    };
    const wrong = "0".repeat(session.secret!.length);
    const item = (s: string) => `${encoder.encode(s).length}:${s}`;
    const request = (secret: string) => `CRP1 ${secret} 4 2 0:${item("git")}${item("status")}`;

    const cases: [string, () => ReturnType<typeof attack>][] = [
      ["no secret", () => attack(server.port, encoder.encode(`CRP1 4 2 0:${item("git")}`))],
      ["an empty secret", () => attack(server.port, encoder.encode(request("")))],
      ["a wrong secret", () => attack(server.port, encoder.encode(request(wrong)))],
      [
        "the secret with one character changed",
        () => attack(server.port, encoder.encode(request(session.secret!.slice(0, -1) + "x"))),
      ],
      ["garbage", () => attack(server.port, crypto.getRandomValues(new Uint8Array(4096)))],
      ["an HTTP request", () => attack(server.port, encoder.encode("GET / HTTP/1.1\r\n\r\n"))],
      [
        "a head without end",
        () => attack(server.port, encoder.encode(`CRP1 ${session.secret} ${"9".repeat(400)}`)),
      ],
      [
        "a slow trickle (one byte every 50 ms, past the request time limit)",
        () =>
          attack(server.port, encoder.encode(request(session.secret!)), { chunk: 1, pauseMs: 50 }),
      ],
      [
        "100 MB without the secret",
        () => attack(server.port, new Uint8Array(100 * 1024 * 1024).fill(65), { chunk: 1 << 20 }),
      ],
      [
        "100 MB after a valid secret",
        () =>
          attack(
            server.port,
            (() => {
              const head = encoder.encode(`CRP1 ${session.secret} 4 1 0:104857600:`);
              const all = new Uint8Array(100 * 1024 * 1024);
              all.set(head);
              return all;
            })(),
            { chunk: 1 << 20 },
          ),
      ],
    ];
    for (const [name, run] of cases) {
      await t.step(name, async () => {
        const state = await stateBefore();
        const rejected = server.stats.rejected;
        const trickling = name.startsWith("a slow trickle");
        // A real call made while the attack is under way is answered.
        const during = trickling ? realCall() : Promise.resolve();
        const result = await run();
        await during;
        assert.equal(result.answer, "", "no answer at all");
        // The server counts the connection once its handler has finished closing it.
        for (let i = 0; i < 100 && server.stats.rejected === rejected; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(server.stats.rejected, rejected + 1);
        if (name.startsWith("100 MB")) {
          assert.ok(result.closedEarly, "the server closed the connection before 100 MB arrived");
          assert.ok(result.sent < 100 * 1024 * 1024, `sent ${result.sent}`);
        }
        const after = await stateBefore();
        if (trickling) {
          assert.equal(JSON.parse(after).step_counts[0], JSON.parse(state).step_counts[0] + 1);
        } else assert.equal(after, state, "the attack changed no state");
        await realCall();
      });
    }
    assert.ok(LIMITS.requestBytes < 100 * 1024 * 1024);
    await server.close();
    await removeSession(session.files);
  },
);

serverTest(
  "session server: listens on 127.0.0.1 only, each session has its own 256-bit secret kept in 0700 shims, never printed by run, exec, verify, trace or reports (SRV-5)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: sec}\nsteps:\n  - match: {argv: [git, status]}\n`,
    );
    const a = await setupSession(await readScenarioFile(path), { server: true });
    const b = await setupSession(await readScenarioFile(path), { server: true });
    assert.match(a.secret!, /^[0-9a-f]{64}$/);
    assert.notEqual(a.secret, b.secret);
    await using server = await startSessionServer({
      files: a.files,
      sessionId: a.sessionId,
      secret: a.secret!,
    });
    // Nothing answers on another address of this machine.
    await assert.rejects(Deno.connect({ hostname: "127.0.0.2", port: server.port }));
    const shim = await Deno.lstat(`${a.files.interceptDir}/git`);
    assert.equal((shim.mode ?? 0) & 0o777, 0o700);
    await server.close();
    await removeSession(a.files);
    await removeSession(b.files);

    // A whole exec run, with trace, a mismatch and every report format, never prints the
    // secret it wrote into its shims.
    const script = dir.join("t.sh");
    await Deno.writeTextFile(
      script,
      `cat "$(dirname "$(command -v git)")/git" > ${dir.path}/shim.txt\ngit status\ngit push\n`,
    );
    const runs = [];
    for (const format of ["text", "json", "junit"]) {
      runs.push(
        await cli(["exec", "--format", format, path, "--", "bash", script], {
          env: { CLI_REPLAY_TRACE: "1" },
        }),
      );
    }
    const shimText = await Deno.readTextFile(dir.join("shim.txt"));
    const secret = /"CRP1 ([0-9a-f]+) /.exec(shimText)?.[1];
    assert.ok(secret !== undefined && secret.length === 64, shimText);
    for (const r of runs) {
      assert.match(r.stderr, /cli-replay\[trace\]/);
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), "secret printed");
    }
    const run = await cli(["run", path]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, /[0-9a-f]{64}/);
    await cli(["clean", path]);
  },
);
