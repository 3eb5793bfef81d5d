// SRV-7: startSession() hosts the session server in the test's own process; children
// spawned with Deno.Command and node:child_process (async and sync) reach the fakes; the
// environment is restored and the files removed on dispose.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import process from "node:process";
import { startSession } from "../../../mod.ts";
import { exists, serverTest } from "../../_helpers.ts";

const YAML = `meta: {name: in-process, vars: {ns: prod}}
steps:
  - match: {argv: [git, status]}
    respond: {stdout: "clean\\n"}
  - match: {argv: [kubectl, get, pods, -n, "{{ .ns }}"]}
    respond: {stdout: "web-1\\n", exit: 3}
  - match: {argv: [helm, list]}
    respond: {stdout: "chart\\n"}
  - match: {argv: [az, login]}
`;

const decoder = new TextDecoder();

serverTest(
  "startSession(): Deno.Command and node:child_process children (async and sync) reach the fakes, verify() reports the calls, dispose restores PATH and CLI_REPLAY_* (SRV-7)",
  async () => {
    const before = {
      PATH: Deno.env.get("PATH"),
      session: Deno.env.get("CLI_REPLAY_SESSION"),
      scenario: Deno.env.get("CLI_REPLAY_SCENARIO"),
    };
    let interceptDir: string;
    {
      await using session = await startSession({ yaml: YAML });
      interceptDir = session.interceptDir;
      assert.equal(session.server, true, "answered by the in-process server");
      assert.ok(await exists(`${session.interceptDir}/.port`));
      assert.ok(Deno.env.get("PATH")!.startsWith(`${session.interceptDir}:`));
      assert.equal(Deno.env.get("CLI_REPLAY_SESSION"), session.sessionId);

      const git = await new Deno.Command("git", { args: ["status"] }).output();
      assert.equal(decoder.decode(git.stdout), "clean\n", decoder.decode(git.stderr));

      // Async node:child_process, with a caller-side variable the template reads.
      const kubectl = await new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile("kubectl", ["get", "pods", "-n", "dev"], { env: { ...process.env, ns: "dev" } }, (
          error,
          stdout,
        ) => resolve({ code: (error as { code?: number } | null)?.code ?? 0, stdout }));
      });
      assert.deepEqual(kubectl, { code: 3, stdout: "web-1\n" });

      // A synchronous spawn blocks this thread; the server runs in a worker and answers.
      assert.equal(execFileSync("helm", ["list"], { encoding: "utf8" }), "chart\n");

      const partial = await session.verify();
      assert.equal(partial.passed, false);
      assert.match(await session.report(), /az login/);
      await new Deno.Command("bash", { args: ["-c", "az login"] }).output();
      assert.equal((await session.verify()).passed, true, await session.report());
    }
    assert.equal(Deno.env.get("PATH"), before.PATH);
    assert.equal(Deno.env.get("CLI_REPLAY_SESSION"), before.session);
    assert.equal(Deno.env.get("CLI_REPLAY_SCENARIO"), before.scenario);
    assert.equal(await exists(interceptDir), false, "the session's files are gone");
  },
);

serverTest(
  "startSession(): scripts written with zx and with dax-sh reach the fakes, as the code under test would run them (SRV-7)",
  async () => {
    const { $: zx } = await import("zx");
    const { $: dax } = await import("dax-sh");
    await using session = await startSession({ yaml: YAML });
    zx.verbose = false;
    zx.quiet = true;
    const git = await zx`git status`;
    assert.equal(git.stdout, "clean\n");
    const kubectl = await zx({
      env: { ...process.env, ns: "dev" },
      nothrow: true,
    })`kubectl get pods -n dev`;
    assert.deepEqual([kubectl.exitCode, kubectl.stdout], [3, "web-1\n"]);
    assert.equal(await dax`helm list`.text(), "chart");
    await dax`az login`;
    const result = await session.verify();
    assert.equal(result.passed, true, await session.report());
    assert.deepEqual(result.steps.map((s) => s.callCount), [1, 1, 1, 1]);
  },
);

serverTest(
  "startSession(): an invalid scenario throws and changes no environment; a mismatch fails verify() (SRV-7)",
  async () => {
    const path = Deno.env.get("PATH");
    await assert.rejects(startSession({ yaml: "meta: {name: x}\nsteps: []\nbogus: 1\n" }));
    assert.equal(Deno.env.get("PATH"), path);
    await using session = await startSession({ yaml: YAML });
    const out = await new Deno.Command("git", { args: ["push"], stderr: "piped" }).output();
    assert.equal(out.code, 1);
    assert.match(decoder.decode(out.stderr), /Mismatch at step 1/);
    const result = await session.verify();
    assert.equal(result.passed, false);
  },
);
