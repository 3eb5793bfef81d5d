// Concurrency of the state store (STATE-7, STATE-8, STATE-9): parallel shims in real bash,
// and shims killed with SIGKILL at random moments.
import assert from "node:assert/strict";
import {
  callShim,
  cli,
  listDir,
  readJson,
  readStateText,
  runScript,
  startSession,
  usingTempDir,
  writeScenario,
} from "../_helpers.ts";

const POLL = `meta: {name: poll}
steps:
  - match: {argv: [kubectl, get, pods]}
    respond: {stdout: "ok\\n"}
    calls: {min: 1, max: 1000}
`;

Deno.test(
  "concurrency: 8 parallel loops × 25 calls are all counted — verify --format json reports 200, in 10 fresh sessions (STATE-7, STATE-8, VERIFY-6)",
  async (t) => {
    await using dir = await usingTempDir();
    await writeScenario(dir.path, "poll.yaml", POLL);
    const script = `eval "$(cli_replay run poll.yaml 2>/dev/null)" || exit 90
printf '%s\\n' "$CLI_REPLAY_SESSION"
for j in 1 2 3 4 5 6 7 8; do
  (
    i=0
    while [ $i -lt 25 ]; do
      out=$(kubectl get pods) && [ "$out" = ok ] || echo "call $j.$i failed" >&2
      i=$((i + 1))
    done
  ) &
done
wait
cli_replay verify --format json
`;
    const figures: string[] = [];
    const sessions = new Set<string>();
    for (let rep = 1; rep <= 10; rep++) {
      await t.step(`repetition ${rep}`, async () => {
        const started = performance.now();
        const r = await runScript("bash", script, { cwd: dir.path });
        const ms = Math.round(performance.now() - started);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "", "every call answered ok");
        const [id, json] = r.stdout.split("\n");
        sessions.add(id!);
        const report = JSON.parse(json!);
        figures.push(`${report.steps[0].call_count} (${ms} ms)`);
        assert.equal(report.session, id);
        assert.equal(report.steps[0].call_count, 200);
        assert.equal(report.unexpected_count, 0);
        assert.equal(report.passed, true);
        assert.deepEqual(await listDir(dir.join(".cli-replay")), [".gitignore"]);
      });
    }
    assert.equal(sessions.size, 10, "each repetition is a fresh session");
    // deno-lint-ignore no-console
    console.log(`8×25 call_count per repetition: ${figures.join(", ")}`);
  },
);

Deno.test(
  "concurrency: 40 concurrent calls of a {min: 1, max: 100} step end with step_counts[0] == 40 and every call exits 0 (STATE-9)",
  async () => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: forty}
steps:
  - match: {argv: [kubectl, get, pods]}
    calls: {min: 1, max: 100}
`,
    );
    await Deno.mkdir(dir.join("rc"));
    const r = await runScript(
      "bash",
      `eval "$(cli_replay run s.yaml 2>/dev/null)" || exit 90
for i in $(seq 1 40); do
  ( kubectl get pods; echo $? >"rc/$i" ) &
done
wait
cat .cli-replay/cli-replay-*.state
`,
      { cwd: dir.path },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const state = JSON.parse(r.stdout);
    assert.deepEqual(state.step_counts, [40]);
    assert.equal(state.unexpected_count ?? 0, 0);
    const codes = await Promise.all(
      (await listDir(dir.join("rc"))).map((f) => Deno.readTextFile(dir.join("rc", f))),
    );
    assert.equal(codes.length, 40);
    assert.deepEqual(new Set(codes), new Set(["0\n"]));
  },
);

Deno.test(
  "concurrency: calls killed with SIGKILL at random moments never leave a torn state file, never wedge the lock, and no temp file poses as a state (STATE-7, STATE-8, STATE-13)",
  async () => {
    await using dir = await usingTempDir();
    const path = await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: killed}
steps:
  - match: {argv: [kubectl, get, pods]}
    respond: {stdout: "ok\\n"}
    calls: {min: 1, max: 100000}
`,
    );
    const s = await startSession(path);
    const statePattern = new RegExp(
      `^(\\.gitignore|intercept-${s.id}|cli-replay-[0-9a-f]{16}\\.(state|lock|compiled\\.json)|cli-replay-[0-9a-f]{16}(\\.compiled\\.json)?\\.\\d+\\.[0-9a-f]+\\.tmp|cli-replay-[0-9a-f]{16}\\.next\\.tmp)$`,
    );
    const shim = `${s.interceptDir}/kubectl`;
    let spawned = 0;
    let completed = 0;
    let previous = 0;
    const rounds = 14;
    const perRound = 6;
    for (let round = 0; round < rounds; round++) {
      const children = Array.from({ length: perRound }, () => {
        spawned++;
        return new Deno.Command(shim, {
          args: ["get", "pods"],
          // The cold path: a process that holds the lock and writes the state itself is what
          // gets killed here (the session server killed mid-run is tested in SRV-4's tests).
          env: { ...s.env, CLI_REPLAY_SERVER: "0" },
          stdin: "null",
          stdout: "null",
          stderr: "null",
        }).spawn();
      });
      await Promise.all(children.map(async (child) => {
        // Deno startup takes ~40-80 ms, so this spreads the kills over start-up, the
        // locked read-step-write and the exit.
        await new Promise((r) => setTimeout(r, 15 + Math.random() * 110));
        try {
          child.kill("SIGKILL");
        } catch { /* already exited */ }
        const status = await child.status;
        if (status.success) completed++;
      }));
      // The state is always a complete JSON document with consistent counts: the state file,
      // or the complete .next.tmp of a writer killed between its remove and its rename.
      const text = await readStateText(s.state);
      let state: { step_counts: number[]; total_steps: number; current_step: number };
      try {
        state = JSON.parse(text);
      } catch (error) {
        throw new Error(`round ${round}: torn state file: ${error}\n${text}`);
      }
      assert.equal(state.total_steps, 1);
      assert.equal(state.step_counts.length, 1);
      assert.ok(state.step_counts[0]! >= previous, "counts never go back");
      assert.ok(state.step_counts[0]! <= spawned, "never more calls than were made");
      previous = state.step_counts[0]!;
      for (const name of await listDir(s.stateDir)) {
        assert.match(name, statePattern, `unexpected file in .cli-replay: ${name}`);
      }
    }
    assert.ok(completed < spawned, "some calls were actually killed");
    // The lock is not wedged: a normal call succeeds, and every completed call was counted.
    const last = await callShim(s, ["kubectl", "get", "pods"]);
    assert.deepEqual({ code: last.code, stdout: last.stdout, stderr: last.stderr }, {
      code: 0,
      stdout: "ok\n",
      stderr: "",
    });
    const final = await readJson<{ step_counts: number[] }>(s.state);
    assert.ok(final.step_counts[0]! >= completed + 1, `${final.step_counts[0]} < ${completed + 1}`);
    assert.ok(final.step_counts[0]! <= spawned + 1);
    // verify reads the same state; leftover temp files are never mistaken for it.
    const v = await cli(["verify", "--format", "json"], { env: s.env });
    assert.equal(v.code, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).steps[0].call_count, final.step_counts[0]);
    await cli(["clean", "--session", s.id, path]);
  },
);
