/**
 * The intercept hot path end to end (PERF-1, PERF-2): one real intercepted call through
 * its generated `/bin/sh` shim, for a 10-step and a 500-step scenario, against the runtime
 * floor B, an empty module (`export {};`) run with exactly the deno flags the shim uses
 * (read from the generated shim), in the same run. Also the whole `exec` lifecycle and
 * `runWithScenario`. Run with `deno task bench`; the figures
 * PERF-1/2 ask for (medians, ratios) are printed by `deno task bench:report`.
 *
 * The sessions live in a temporary directory created when this module loads and removed
 * by an `unload` handler. Each run's wall time is kept; when {@linkcode SAMPLES_ENV} names
 * a file, the times are appended to it on unload (`deno bench --json` has no median).
 *
 * @module
 */
import type { State } from "../core/types.ts";
import { stepCall } from "../core/replay/engine.ts";
import { runWithScenario } from "../mod.ts";
import { sessionFiles } from "../effects/session/files.ts";
import { readCompiled } from "../effects/scenario/compiled_store.ts";
import { updateState } from "../effects/session/state_store.ts";
import {
  HUGE_MAX,
  LAST_ARGV,
  LAST_STDOUT,
  memberArgv,
  priorCalls,
  scenarioYaml,
} from "./_fixtures.ts";
import {
  BASELINE_DIRECT,
  BASELINE_SHIM,
  execName,
  INTERCEPT_GROUP,
  INTERCEPT_GROUP_MEMBER,
  interceptName,
  LIFECYCLE_GROUP,
  RUN_WITH_SCENARIO,
  SAMPLES_ENV,
  type SamplesLine,
} from "./_names.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const CLI = `${ROOT}/cli.ts`;
const CONFIG = `${ROOT}/deno.json`;
const DENO = Deno.execPath();
const decoder = new TextDecoder();

const tmp = await Deno.makeTempDir({ prefix: "cli-replay-bench-" });
const samples = new Map<string, SamplesLine>();

globalThis.addEventListener("unload", () => {
  const out = Deno.env.get(SAMPLES_ENV);
  if (out !== undefined && out !== "") {
    const text = [...samples.values()].map((line) => JSON.stringify(line) + "\n").join("");
    Deno.writeTextFileSync(out, text, { append: true });
  }
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch {
    // Already gone.
  }
});

/** Wraps a bench body so that every run's wall time (ms) is kept under its group/name. */
function timed(group: string, name: string, body: () => Promise<void>): () => Promise<void> {
  const line: SamplesLine = { group, name, ms: [] };
  samples.set(`${group}\0${name}`, line);
  return async () => {
    const start = performance.now();
    await body();
    line.ms.push(performance.now() - start);
  };
}

/** Runs a command to completion; throws with its stderr when it fails. */
async function mustRun(
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<string> {
  const out = await new Deno.Command(command, {
    args: [...args],
    // PERF-1/PERF-2 measure the cold path: `/bin/sh` shims that start the intercept (the
    // session server's fast path is measured by `server_bench.ts`, SRV-8).
    env: { CLI_REPLAY_SERVER: "0" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...options,
  }).output();
  if (out.code !== 0) {
    throw new Error(
      `bench setup: ${command} ${args.join(" ")} exited ${out.code}: ${decoder.decode(out.stderr)}`,
    );
  }
  return decoder.decode(out.stdout);
}

/** Splits one POSIX shell command line into words (single/double quotes, backslashes). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`bench setup: unbalanced quote in ${line}`);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === "\\") {
      word += line[++i] ?? "";
      inWord = true;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

interface Session {
  /** The shim of the faked command. */
  shim: string;
  /** Its text. */
  shimText: string;
}

/**
 * Writes `<tmp>/<name>/s.yaml`, starts a session on it with `cli.ts run`, and moves the
 * state to the last step (every earlier step called once, the last `prior` times) through
 * the engine and the state store, as that many real calls would have left it.
 */
async function createSession(name: string, size: number, prior = 3): Promise<Session> {
  const dir = `${tmp}/${name}`;
  await Deno.mkdir(dir);
  const scenarioPath = `${dir}/s.yaml`;
  await Deno.writeTextFile(scenarioPath, scenarioYaml(size));
  const setup = await mustRun(DENO, [
    "run",
    "-A",
    "--quiet",
    `--config=${CONFIG}`,
    CLI,
    "run",
    scenarioPath,
  ], { cwd: dir });
  const sessionId = /^export CLI_REPLAY_SESSION='([0-9a-f]+)'$/m.exec(setup)?.[1];
  if (sessionId === undefined) throw new Error(`bench setup: no session id in:\n${setup}`);
  const files = await sessionFiles(scenarioPath, sessionId);
  const compiled = await readCompiled(files.compiled);
  if (compiled === undefined) throw new Error(`bench setup: no compiled scenario for ${name}`);
  const calls = [...priorCalls(size), ...Array.from({ length: prior }, () => [...LAST_ARGV])];
  await updateState(files, (state: State | undefined) => {
    if (state === undefined) throw new Error(`bench setup: no state for ${name}`);
    let next = state;
    for (const argv of calls) {
      const step = stepCall(compiled.scenario, next, { argv, env: {}, now: new Date() });
      if (step.outcome.kind !== "matched") {
        throw new Error(`bench setup: ${argv.join(" ")} gave ${step.outcome.kind}`);
      }
      next = step.state;
    }
    return { next, value: undefined };
  });
  const shim = `${files.interceptDir}/${LAST_ARGV[0]}`;
  return { shim, shimText: await Deno.readTextFile(shim) };
}

/**
 * Starts a session on a scenario whose only block is an unordered group of `members`
 * optional polling steps; the benched call matches the last member, so every call tries
 * all members before it (issue 5: per-call cost of a 50-member group).
 */
async function createGroupSession(members: number): Promise<string> {
  const dir = `${tmp}/g${members}`;
  await Deno.mkdir(dir);
  const scenarioPath = `${dir}/s.yaml`;
  const lines = [
    "meta: {name: bench-group}",
    "steps:",
    "  - group:",
    "      mode: unordered",
    "      steps:",
  ];
  for (let i = 0; i < members; i++) {
    lines.push(
      `        - match: {argv: ${JSON.stringify(memberArgv(i))}}`,
      `          respond: {stdout: ${JSON.stringify(`resource ${i}\n`)}}`,
      `          calls: {min: 0, max: ${HUGE_MAX}}`,
    );
  }
  await Deno.writeTextFile(scenarioPath, lines.join("\n") + "\n");
  await mustRun(DENO, ["run", "-A", "--quiet", `--config=${CONFIG}`, CLI, "run", scenarioPath], {
    cwd: dir,
  });
  const interceptDir = (await Array.fromAsync(Deno.readDir(`${dir}/.cli-replay`)))
    .find((e) => e.name.startsWith("intercept-"))!.name;
  return `${dir}/.cli-replay/${interceptDir}/kubectl`;
}

/** One call of the last group member through its shim; throws unless it answered. */
async function callGroupShim(shim: string, members: number): Promise<void> {
  const argv = memberArgv(members - 1);
  const out = await new Deno.Command(shim, {
    args: argv.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0 || decoder.decode(out.stdout) !== `resource ${members - 1}\n`) {
    throw new Error(`group call failed (exit ${out.code}): ${decoder.decode(out.stderr)}`);
  }
}

/** One call of the faked command through its shim; throws unless it answered as scripted. */
async function callShim(shim: string): Promise<void> {
  const out = await new Deno.Command(shim, {
    args: LAST_ARGV.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0 || decoder.decode(out.stdout) !== LAST_STDOUT) {
    throw new Error(`intercepted call failed (exit ${out.code}): ${decoder.decode(out.stderr)}`);
  }
}

async function spawnOk(command: string, args: readonly string[]): Promise<void> {
  const out = await new Deno.Command(command, {
    args: [...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`${command} exited ${out.code}: ${decoder.decode(out.stderr)}`);
  }
}

// ---- Fixtures (built once, at load) -------------------------------------------------------

const sizes = [10, 500] as const;
const sessions = new Map<number, Session>();
for (const size of sizes) sessions.set(size, await createSession(`s${size}`, size));
const groupShim = await createGroupSession(50);

// The baseline: the 10-step shim's own exec line with the empty module in place of the
// intercept's main module (cli.ts, or the pre-built intercept bundle).
const shimText = sessions.get(10)!.shimText;
const execLine = shimText.split("\n").find((line) => line.startsWith("exec "));
if (execLine === undefined) throw new Error(`bench setup: no exec line in the shim:\n${shimText}`);
const words = shellWords(execLine).slice(1);
const main = words.indexOf("__intercept") - 1;
if (main < 2 || !/\/(cli\.ts|generated\/intercept\.bundle\.js)$/.test(words[main] ?? "")) {
  throw new Error(`bench setup: unexpected shim exec line: ${execLine}`);
}
const emptyModule = `${tmp}/empty.ts`;
await Deno.writeTextFile(emptyModule, "export {};\n");
const baselineWords = [...words.slice(0, main), emptyModule];
const baselineShim = `${tmp}/empty-shim`;
await Deno.writeTextFile(
  baselineShim,
  `#!/bin/sh\nexec ${baselineWords.map(quote).join(" ")} "$@"\n`,
  { mode: 0o700 },
);
await Deno.chmod(baselineShim, 0o700);
// Fail here, not in the middle of the bench, when anything is off.
await spawnOk(baselineShim, []);
for (const session of sessions.values()) await callShim(session.shim);
await callGroupShim(groupShim, 50);

// ---- PERF-1 / PERF-2 ----------------------------------------------------------------------

// PERF-1 wants 30 runs after 3 warm-up runs. Deno 2.9.6 ignores `warmup` for a bench this slow
// (it always makes one warm-up run) and times n + 1 runs, so n: 31 gives 33 runs in all;
// `bench/report.ts` treats the first 3 as warm-ups and takes the median of the other 30.
const slow = { n: 31, warmup: 3 };

Deno.bench({
  group: INTERCEPT_GROUP,
  name: BASELINE_SHIM,
  baseline: true,
  ...slow,
  fn: timed(INTERCEPT_GROUP, BASELINE_SHIM, () => spawnOk(baselineShim, [])),
});
Deno.bench({
  group: INTERCEPT_GROUP,
  name: BASELINE_DIRECT,
  ...slow,
  fn: timed(
    INTERCEPT_GROUP,
    BASELINE_DIRECT,
    () => spawnOk(baselineWords[0]!, baselineWords.slice(1)),
  ),
});
for (const size of sizes) {
  const { shim } = sessions.get(size)!;
  Deno.bench({
    group: INTERCEPT_GROUP,
    name: interceptName(size),
    ...slow,
    fn: timed(INTERCEPT_GROUP, interceptName(size), () => callShim(shim)),
  });
}

Deno.bench({
  group: INTERCEPT_GROUP,
  name: INTERCEPT_GROUP_MEMBER,
  ...slow,
  fn: timed(INTERCEPT_GROUP, INTERCEPT_GROUP_MEMBER, () => callGroupShim(groupShim, 50)),
});

// ---- Whole session lifecycle -------------------------------------------------------------

const lifecycle = { n: 10, warmup: 2 };

for (const size of sizes) {
  const dir = `${tmp}/exec${size}`;
  await Deno.mkdir(dir);
  const scenarioPath = `${dir}/s.yaml`;
  await Deno.writeTextFile(scenarioPath, scenarioYaml(size, { optional: true }));
  const args = ["run", "-A", "--quiet", `--config=${CONFIG}`, CLI, "exec", scenarioPath];
  const argv = [...args, "--", "true"];
  await spawnOk(DENO, argv); // a broken fixture fails here
  Deno.bench({
    group: LIFECYCLE_GROUP,
    name: execName(size),
    baseline: size === sizes[0],
    ...lifecycle,
    fn: timed(LIFECYCLE_GROUP, execName(size), () => spawnOk(DENO, argv)),
  });
}

{
  const dir = `${tmp}/lib`;
  await Deno.mkdir(dir);
  const scenarioPath = `${dir}/s.yaml`;
  await Deno.writeTextFile(scenarioPath, scenarioYaml(3));
  const script = [...priorCalls(3), LAST_ARGV].map((argv) => argv.join(" ")).join(" && ");
  Deno.bench({
    group: LIFECYCLE_GROUP,
    name: RUN_WITH_SCENARIO,
    ...lifecycle,
    fn: timed(LIFECYCLE_GROUP, RUN_WITH_SCENARIO, async () => {
      const run = await runWithScenario(scenarioPath, ["sh", "-c", script]);
      if (!run.passed) throw new Error(`runWithScenario failed:\n${run.report}\n${run.stderr}`);
    }),
  });
}
