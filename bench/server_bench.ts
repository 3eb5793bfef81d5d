/**
 * The session server against its baselines (SRV-8), all measured in one run:
 * - one faked call through a bash shim answered by the server, against `bash -c true` and
 *   against the cold path, for a 10-step and a 500-step scenario (the call is measured
 *   inside a bash loop, so each figure is one process start plus the call);
 * - 16 parallel callers;
 * - a 200-call loop under `exec`, with the server, with `CLI_REPLAY_SERVER=0`, and with
 *   cli-replay v0.1 (the cold path the issue measured; extracted from git history, skipped
 *   when the commit is not there).
 *
 * Each run's wall time per call is kept for `bench/report.ts` (see {@linkcode SAMPLES_ENV}).
 *
 * @module
 */
import type { State } from "../core/types.ts";
import { stepCall } from "../core/replay/engine.ts";
import { readScenarioFile } from "../effects/scenario/file.ts";
import { removeSession, setupSession } from "../effects/session/setup.ts";
import { startSessionServer } from "../effects/server/session_server.ts";
import { updateState } from "../effects/session/state_store.ts";
import { LAST_ARGV, LAST_STDOUT, priorCalls, scenarioYaml } from "./_fixtures.ts";
import {
  BASH_TRUE,
  coldCallName,
  EXEC_LOOP_COLD,
  EXEC_LOOP_GROUP,
  EXEC_LOOP_SERVER,
  EXEC_LOOP_V01,
  loopOnlyName,
  PARALLEL_BASH,
  PARALLEL_COLD,
  PARALLEL_GROUP,
  PARALLEL_SERVER,
  SAMPLES_ENV,
  type SamplesLine,
  SERVER_CALL_GROUP,
  SERVER_ROUND,
  serverCallName,
  V01_COMMIT,
} from "./_names.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const decoder = new TextDecoder();
const tmp = await Deno.realPath(await Deno.makeTempDir({ prefix: "cli-replay-srv-bench-" }));
const samples = new Map<string, SamplesLine>();
const cleanups: (() => Promise<void>)[] = [];

globalThis.addEventListener("unload", () => {
  const out = Deno.env.get(SAMPLES_ENV);
  if (out !== undefined && out !== "") {
    const text = [...samples.values()].map((line) => JSON.stringify(line) + "\n").join("");
    Deno.writeTextFileSync(out, text, { append: true });
  }
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch { /* gone */ }
});

function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** Runs `bash -c script`; throws with its stderr unless it exits 0 with `expect` on stdout. */
async function bash(script: string, env: Record<string, string> = {}): Promise<void> {
  const out = await new Deno.Command("bash", {
    args: ["-c", script],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`bench: bash exited ${out.code}: ${decoder.decode(out.stderr)}`);
  }
}

/** A bench body that runs `script` and records the wall time divided by `calls`. */
function perCall(group: string, name: string, calls: number, body: () => Promise<void>) {
  const line: SamplesLine = { group, name, ms: [] };
  samples.set(`${group}\0${name}`, line);
  return async () => {
    const start = performance.now();
    await body();
    line.ms.push((performance.now() - start) / calls);
  };
}

/** A session on the `size`-step bench scenario, cursor on the last step. */
async function session(size: number, server: boolean): Promise<string> {
  const dir = `${tmp}/${server ? "srv" : "cold"}${size}`;
  await Deno.mkdir(dir);
  await Deno.writeTextFile(`${dir}/s.yaml`, scenarioYaml(size));
  const loaded = await readScenarioFile(`${dir}/s.yaml`);
  const s = await setupSession(loaded, { server });
  await updateState(s.files, (state: State | undefined) => {
    let next = state!;
    for (const argv of [...priorCalls(size), [...LAST_ARGV]]) {
      next = stepCall(loaded.scenario, next, { argv, env: {}, now: new Date() }).state;
    }
    return { next, value: undefined };
  });
  if (server) {
    if (s.secret === undefined) throw new Error("bench: no bash for the session server");
    const host = await startSessionServer({
      files: s.files,
      sessionId: s.sessionId,
      secret: s.secret,
    });
    cleanups.push(() => host.close());
  }
  cleanups.push(() => removeSession(s.files).then(() => {}));
  return `${s.files.interceptDir}/${LAST_ARGV[0]}`;
}

const CALLS = 20;
const args = LAST_ARGV.slice(1).map(quote).join(" ");
const loop = (command: string, n: number) =>
  `for i in $(seq ${n}); do ${command} >/dev/null || exit 1; done`;
const checked = (shim: string) =>
  `[ "$(${quote(shim)} ${args})" = ${quote(LAST_STDOUT.trimEnd())} ] || exit 1`;

const shims = {
  server10: await session(10, true),
  server500: await session(500, true),
  cold10: await session(10, false),
  cold500: await session(500, false),
};
// Fail here, not in the middle of the bench, when a fixture is broken.
for (const shim of Object.values(shims)) await bash(checked(shim));

// F, S10 and S500 in rounds: each round runs one loop of each, the first one rotating, and
// keeps each loop's time per call under its own name; the report takes their medians.
const roundLoops = [
  perCall(SERVER_CALL_GROUP, BASH_TRUE, CALLS, () => bash(loop("bash -c true", CALLS))),
  ...([shims.server10, shims.server500] as const).map((shim, i) =>
    perCall(
      SERVER_CALL_GROUP,
      serverCallName(i === 0 ? 10 : 500),
      CALLS,
      () => bash(loop(`${quote(shim)} ${args}`, CALLS)),
    )
  ),
];
let round = 0;
Deno.bench({
  group: SERVER_CALL_GROUP,
  name: SERVER_ROUND,
  baseline: true,
  n: 30,
  warmup: 3,
  fn: async () => {
    const first = round++;
    for (let k = 0; k < roundLoops.length; k++) {
      await roundLoops[(first + k) % roundLoops.length]!();
    }
  },
});
for (const size of [10, 500] as const) {
  const shim = size === 10 ? shims.cold10 : shims.cold500;
  Deno.bench({
    group: SERVER_CALL_GROUP,
    name: coldCallName(size),
    n: 5,
    warmup: 1,
    fn: perCall(
      SERVER_CALL_GROUP,
      coldCallName(size),
      CALLS,
      () => bash(loop(`${quote(shim)} ${args}`, CALLS)),
    ),
  });
}

// 16 parallel callers, each making `calls` calls; per call = wall time / (16 × calls).
const parallel = (command: string, calls: number) =>
  `for j in $(seq 16); do (${loop(command, calls)}) & done; wait`;
for (
  const [name, command, calls, n] of [
    [PARALLEL_BASH, "bash -c true", 10, 10],
    [PARALLEL_SERVER, `${quote(shims.server10)} ${args}`, 10, 10],
    [PARALLEL_COLD, `${quote(shims.cold10)} ${args}`, 10, 3],
  ] as const
) {
  Deno.bench({
    group: PARALLEL_GROUP,
    name,
    baseline: name === PARALLEL_BASH,
    n,
    warmup: 1,
    fn: perCall(PARALLEL_GROUP, name, 16 * calls, () => bash(parallel(command, calls))),
  });
}

// A 200-call loop under exec: the whole command (setup, loop, verify, cleanup), and the loop
// alone as the script under exec measures it ($EPOCHREALTIME is a bash builtin).
{
  const dir = `${tmp}/exec`;
  await Deno.mkdir(dir);
  await Deno.writeTextFile(`${dir}/s.yaml`, scenarioYaml(2));
  const times = `${dir}/loop-times`;
  const script = `git log -n 0 >/dev/null; s=$EPOCHREALTIME; ${
    loop(LAST_ARGV.join(" "), 200)
  }; e=$EPOCHREALTIME; echo "$s $e" > ${quote(times)}`;
  const argv = (root: string) => [
    "run",
    "-A",
    "--quiet",
    `--config=${root}/deno.json`,
    `${root}/cli.ts`,
    "exec",
    `${dir}/s.yaml`,
    "--",
    "bash",
    "-c",
    script,
  ];
  const exec = (
    server: boolean,
    root = ROOT,
    name = server ? EXEC_LOOP_SERVER : EXEC_LOOP_COLD,
  ) => {
    const loopOnly: SamplesLine = { group: EXEC_LOOP_GROUP, name: loopOnlyName(name), ms: [] };
    samples.set(`${EXEC_LOOP_GROUP}\0${loopOnly.name}`, loopOnly);
    return async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: argv(root),
        env: server ? {} : { CLI_REPLAY_SERVER: "0" },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output();
      if (out.code !== 0) throw new Error(`bench: exec failed: ${decoder.decode(out.stderr)}`);
      const [start, end] = (await Deno.readTextFile(times)).trim().split(" ").map(Number);
      loopOnly.ms.push((end! - start!) * 1000);
    };
  };
  await exec(true)();
  Deno.bench({
    group: EXEC_LOOP_GROUP,
    name: EXEC_LOOP_SERVER,
    n: 5,
    warmup: 1,
    fn: perCall(EXEC_LOOP_GROUP, EXEC_LOOP_SERVER, 1, exec(true)),
  });
  Deno.bench({
    group: EXEC_LOOP_GROUP,
    name: EXEC_LOOP_COLD,
    baseline: true,
    n: 3,
    warmup: 1,
    fn: perCall(EXEC_LOOP_GROUP, EXEC_LOOP_COLD, 1, exec(false)),
  });
  const v01 = await _checkout(V01_COMMIT);
  Deno.bench({
    group: EXEC_LOOP_GROUP,
    name: EXEC_LOOP_V01,
    ignore: v01 === undefined,
    n: 3,
    warmup: 1,
    fn: perCall(EXEC_LOOP_GROUP, EXEC_LOOP_V01, 1, exec(false, v01, EXEC_LOOP_V01)),
  });
}

/** Extracts `commit` of this repository into the bench's temp dir; undefined without git. */
async function _checkout(commit: string): Promise<string | undefined> {
  const dir = `${tmp}/checkout-${commit}`;
  await Deno.mkdir(dir);
  const out = await new Deno.Command("bash", {
    args: ["-c", `git -C ${quote(ROOT)} archive ${quote(commit)} | tar -x -C ${quote(dir)}`],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output().catch(() => undefined);
  if (out === undefined || !out.success) {
    Deno.stderr.writeSync(
      new TextEncoder().encode(`bench: ${EXEC_LOOP_V01} skipped: git cannot extract ${commit}\n`),
    );
    return undefined;
  }
  return dir;
}

globalThis.addEventListener("beforeunload", () => {
  for (const cleanup of cleanups) void cleanup();
});
