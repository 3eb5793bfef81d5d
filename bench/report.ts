/**
 * `deno task bench:report`: runs `deno bench -A --json bench/` once and prints the figures
 * CONTRACT section 26 asks for: the median wall time of one intercepted call (10 and 500
 * steps) and of the empty `deno run` (B), their ratios against the PERF-1/PERF-2 targets,
 * and the core figures against the PERF-5 targets. A report, not a test: it exits non-zero
 * only when the benchmarks themselves fail, never because of a time.
 *
 * `deno bench --json` gives no median, so the intercept bench appends every run's wall time
 * to the file named by `BENCH_SAMPLES_FILE`. The PERF-1/PERF-2 medians are taken over
 * 30 runs after 3 warm-up runs, as PERF-1 defines B; the lifecycle medians over the runs
 * deno bench timed. Extra arguments go to `deno bench`.
 *
 * @module
 */
import {
  BASELINE_DIRECT,
  BASELINE_SHIM,
  BASH_TRUE,
  coldCallName,
  EXEC_LOOP_COLD,
  EXEC_LOOP_GROUP,
  EXEC_LOOP_SERVER,
  EXEC_LOOP_V01,
  execName,
  FIRST_STEP,
  GROUP_GROUP,
  INTERCEPT_GROUP,
  INTERCEPT_GROUP_MEMBER,
  interceptName,
  LAST_MEMBER,
  LAST_STEP,
  LIFECYCLE_GROUP,
  loopOnlyName,
  PARALLEL_BASH,
  PARALLEL_COLD,
  PARALLEL_GROUP,
  PARALLEL_SERVER,
  RENDER_JSON,
  RENDER_JUNIT,
  REPORTS_GROUP,
  RUN_WITH_SCENARIO,
  SAMPLES_ENV,
  type SamplesLine,
  SERVER_CALL_GROUP,
  SERVER_ROUND,
  serverCallName,
  STARTUP_BASELINE,
  STARTUP_GROUP,
  STARTUP_ROUND,
  STARTUP_TARGETS,
  STATE_GROUP,
  STATE_ROUND_TRIP,
  stepCallGroup,
} from "./_names.ts";

/** One result of `deno bench --json` (times in nanoseconds). */
interface BenchStats {
  n: number;
  min: number;
  max: number;
  avg: number;
  p75: number;
  p99: number;
}

interface BenchEntry {
  origin: string;
  group: string | null;
  name: string;
  baseline: boolean;
  results: ({ ok: BenchStats } | { failed: unknown } | Record<string, unknown>)[];
}

interface BenchReport {
  runtime: string;
  cpu: string;
  benches: BenchEntry[];
}

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const encoder = new TextEncoder();

function write(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text));
}

function key(group: string, name: string): string {
  return `${group}\0${name}`;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function ms(value: number | undefined): string {
  return value === undefined ? "n/a" : `${value.toFixed(1)} ms`;
}

/** A nanosecond figure in the unit deno bench would use. */
function ns(value: number | undefined): string {
  if (value === undefined) return "n/a";
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} ms`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} µs`;
  return `${value.toFixed(0)} ns`;
}

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? "n/a" : ok ? "met" : "MISSED";
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  }
  return rows.map((row) =>
    "  " + row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i]!)).join("  ")
      .trimEnd() +
    "\n"
  ).join("");
}

/** The 1-minute load average, when the OS shows one: timings on a busy machine mislead. */
function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ")[0] ?? "n/a";
  } catch {
    return "n/a";
  }
}

const loadBefore = loadAverage();
const samplesFile = await Deno.makeTempFile({ prefix: "cli-replay-bench-samples-" });
const out = await new Deno.Command(Deno.execPath(), {
  args: ["bench", "-A", "--json", ...Deno.args, `${ROOT}/bench/`],
  cwd: ROOT,
  env: { [SAMPLES_ENV]: samplesFile },
  stdin: "null",
  stdout: "piped",
  stderr: "inherit",
}).output();
const samples = new Map<string, number[]>();
for (const line of (await Deno.readTextFile(samplesFile)).split("\n")) {
  if (line.trim() === "") continue;
  const entry = JSON.parse(line) as SamplesLine;
  samples.set(key(entry.group, entry.name), entry.ms);
}
await Deno.remove(samplesFile);

const benchCode = out.code;
const jsonText = new TextDecoder().decode(out.stdout);
let report: BenchReport;
try {
  report = JSON.parse(jsonText.slice(jsonText.indexOf("{")));
} catch {
  write(`bench:report: deno bench gave no JSON (exit ${benchCode}):\n${jsonText}`);
  Deno.exit(benchCode === 0 ? 1 : benchCode);
}

const stats = new Map<string, BenchStats>();
for (const bench of report.benches) {
  const result = bench.results[0];
  if (result !== undefined && "ok" in result) {
    stats.set(key(bench.group ?? "", bench.name), result.ok as BenchStats);
  }
}

/** PERF-1: 3 warm-up runs, then 30 timed runs. */
const WARMUP_RUNS = 3;
const TIMED_RUNS = 30;

interface Sampled {
  median?: number | undefined;
  p75?: number | undefined;
  runs: number;
}

/** Median and p75 wall time (ms) of the runs after PERF-1's warm-ups, from the samples file. */
function perfRuns(group: string, name: string): Sampled {
  const all = samples.get(key(group, name)) ?? [];
  const warm = Math.min(WARMUP_RUNS, Math.max(0, all.length - 1));
  return summary(all.slice(warm, warm + TIMED_RUNS));
}

/** Median wall time (ms) of the runs deno bench timed (the last `n` samples). */
/**
 * The samples of `name` that deno bench timed (its warm-up runs dropped): the last n, n being
 * the runs of the bench `timedBy` (the bench itself, or the one whose body measured `name`).
 */
function benchRuns(group: string, name: string, timedBy: string = name): Sampled {
  const all = samples.get(key(group, name)) ?? [];
  const n = stats.get(key(group, timedBy))?.n;
  return n === undefined ? { runs: 0 } : summary(all.slice(-n));
}

function summary(runs: readonly number[]): Sampled {
  if (runs.length === 0) return { runs: 0 };
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    median: median(sorted),
    p75: sorted[Math.ceil(sorted.length * 0.75) - 1],
    runs: runs.length,
  };
}

function avgNs(group: string, name: string): number | undefined {
  return stats.get(key(group, name))?.avg;
}

// ---- PERF-1 / PERF-2 ----------------------------------------------------------------------

const b = perfRuns(INTERCEPT_GROUP, BASELINE_SHIM);
const direct = perfRuns(INTERCEPT_GROUP, BASELINE_DIRECT);
const i10 = perfRuns(INTERCEPT_GROUP, interceptName(10));
const i500 = perfRuns(INTERCEPT_GROUP, interceptName(500));
const g50 = perfRuns(INTERCEPT_GROUP, INTERCEPT_GROUP_MEMBER);
const ratio = (x: number | undefined) =>
  x === undefined || b.median === undefined ? undefined : x / b.median;
const r10 = ratio(i10.median);
const r500 = ratio(i500.median);
const allowance = i10.median === undefined ? undefined : i10.median * 0.1 + 5;
const growth = i10.median === undefined || i500.median === undefined
  ? undefined
  : i500.median - i10.median;
const p75 = (x: Sampled) => x.p75 === undefined ? "" : `p75 ${ms(x.p75)}`;

write(
  `cli-replay benchmarks: ${report.runtime}, ${report.cpu}, ` +
    `${navigator.hardwareConcurrency} CPUs, load average ${loadBefore} before / ` +
    `${loadAverage()} after\n\n`,
);
write(
  `PERF-1/PERF-2: wall time per process, median of ${i10.runs} runs after ` +
    `${WARMUP_RUNS} warm-up runs, all in one deno bench run\n`,
);
write(table([
  ["", "median", "", "ratio", "target", ""],
  ["B     empty deno run, shim's flags, via /bin/sh", ms(b.median), p75(b), "1.00× B"],
  [
    "      empty deno run, shim's flags, direct spawn",
    ms(direct.median),
    p75(direct),
    ratio(direct.median) === undefined ? "" : `${ratio(direct.median)!.toFixed(2)}× B`,
  ],
  [
    "I10   intercepted call through shim, 10 steps",
    ms(i10.median),
    p75(i10),
    r10 === undefined ? "n/a" : `${r10.toFixed(2)}× B`,
    "≤ 1.50× B",
    verdict(r10 === undefined ? undefined : r10 <= 1.5),
  ],
  [
    "I500  intercepted call through shim, 500 steps",
    ms(i500.median),
    p75(i500),
    r500 === undefined ? "n/a" : `${r500.toFixed(2)}× B`,
    "≤ 1.50× B",
    verdict(r500 === undefined ? undefined : r500 <= 1.5),
  ],
  [
    "G50   intercepted call, 50-member group, last member",
    ms(g50.median),
    p75(g50),
    ratio(g50.median) === undefined ? "n/a" : `${ratio(g50.median)!.toFixed(2)}× B`,
    "≤ 1.50× B",
    verdict(ratio(g50.median) === undefined ? undefined : ratio(g50.median)! <= 1.5),
  ],
  [
    "I500 − I10",
    growth === undefined ? "n/a" : `${growth >= 0 ? "+" : ""}${growth.toFixed(1)} ms`,
    "",
    growth === undefined || i10.median === undefined
      ? ""
      : `${(100 * growth / i10.median).toFixed(1)} % of I10`,
    allowance === undefined ? "n/a" : `≤ 10 % + 5 ms = ${allowance.toFixed(1)} ms`,
    verdict(growth === undefined || allowance === undefined ? undefined : growth <= allowance),
  ],
  [
    "I10 − B  (our cost per call)",
    i10.median === undefined || b.median === undefined
      ? "n/a"
      : `${(i10.median - b.median).toFixed(1)} ms`,
  ],
]));

// ---- PERF-5 -------------------------------------------------------------------------------

const core: [string, number | undefined, number, string][] = [
  [
    "stepCall, 500 steps, last step (cursor on it)",
    avgNs(stepCallGroup(500), LAST_STEP),
    1e6,
    "< 1 ms",
  ],
  ["stepCall, 50-member group, last member", avgNs(GROUP_GROUP, LAST_MEMBER), 1e6, "< 1 ms"],
  ["state serialise + parse, 500 steps", avgNs(STATE_GROUP, STATE_ROUND_TRIP), 5e6, "< 5 ms"],
  ["renderJUnit, 200 steps", avgNs(REPORTS_GROUP, RENDER_JUNIT), 20e6, "< 20 ms"],
  ["renderVerifyJson, 200 steps", avgNs(REPORTS_GROUP, RENDER_JSON), 20e6, "< 20 ms"],
];
write("\nPERF-5: core, mean time per call (deno bench avg)\n");
write(table([
  ["", "avg", "target", ""],
  ...core.map(([label, value, limit, target]) => [
    label,
    ns(value),
    target,
    verdict(value === undefined ? undefined : value < limit),
  ]),
]));

const exec10 = benchRuns(LIFECYCLE_GROUP, execName(10));
const exec500 = benchRuns(LIFECYCLE_GROUP, execName(500));
const lib = benchRuns(LIFECYCLE_GROUP, RUN_WITH_SCENARIO);
write(
  `\nPERF-5: session lifecycle, wall time, median of the ${exec500.runs} runs deno bench timed\n`,
);
write(table([
  ["", "median", "target", ""],
  ["cli.ts exec s.yaml -- true, 10 steps", ms(exec10.median), "", ""],
  [
    "cli.ts exec s.yaml -- true, 500 steps",
    ms(exec500.median),
    "< 1 s (SHOULD)",
    verdict(exec500.median === undefined ? undefined : exec500.median < 1000),
  ],
  ["runWithScenario, 3-call script", ms(lib.median), "", lib.runs === 0 ? "(not run)" : ""],
]));

write("\nOther figures (deno bench avg)\n");
const other: [string, number | undefined][] = [
  ["stepCall, 10 steps, first / last step", avgNs(stepCallGroup(10), FIRST_STEP)],
  ["", avgNs(stepCallGroup(10), LAST_STEP)],
  ["stepCall, 1000 steps, first / last step", avgNs(stepCallGroup(1000), FIRST_STEP)],
  ["", avgNs(stepCallGroup(1000), LAST_STEP)],
  ["load 500 steps: parseScenario(yaml)", avgNs("load scenario 500 steps", "parseScenario(yaml)")],
  [
    "load 500 steps: JSON.parse(compiled)",
    avgNs("load scenario 500 steps", "JSON.parse(compiled)"),
  ],
  [
    "load 500 steps: decodeCompiled(compiled)",
    avgNs("load scenario 500 steps", "decodeCompiled(compiled)"),
  ],
];
const otherRows: string[][] = [];
for (let i = 0; i < other.length; i++) {
  const [label, value] = other[i]!;
  if (label === "") continue;
  const next = other[i + 1];
  otherRows.push(
    next !== undefined && next[0] === ""
      ? [label, `${ns(value)} / ${ns(next[1])}`]
      : [label, ns(value)],
  );
}
write(table(otherRows));

// ---- SRV-8 --------------------------------------------------------------------------------

{
  // Measured in the rounds of one bench (see SERVER_ROUND).
  const floor = benchRuns(SERVER_CALL_GROUP, BASH_TRUE, SERVER_ROUND);
  const s10 = benchRuns(SERVER_CALL_GROUP, serverCallName(10), SERVER_ROUND);
  const s500 = benchRuns(SERVER_CALL_GROUP, serverCallName(500), SERVER_ROUND);
  const c10 = benchRuns(SERVER_CALL_GROUP, coldCallName(10));
  const c500 = benchRuns(SERVER_CALL_GROUP, coldCallName(500));
  const pBash = benchRuns(PARALLEL_GROUP, PARALLEL_BASH);
  const pServer = benchRuns(PARALLEL_GROUP, PARALLEL_SERVER);
  const pCold = benchRuns(PARALLEL_GROUP, PARALLEL_COLD);
  const eServer = benchRuns(EXEC_LOOP_GROUP, EXEC_LOOP_SERVER);
  const eCold = benchRuns(EXEC_LOOP_GROUP, EXEC_LOOP_COLD);
  const loopRuns = (name: string) => benchRuns(EXEC_LOOP_GROUP, loopOnlyName(name), name);
  const lServer = loopRuns(EXEC_LOOP_SERVER);
  const lCold = loopRuns(EXEC_LOOP_COLD);
  const lV01 = loopRuns(EXEC_LOOP_V01);

  const over = (a: Sampled, b: Sampled) =>
    a.median === undefined || b.median === undefined ? undefined : a.median / b.median;
  const x = (r: number | undefined, what: string) =>
    r === undefined ? "n/a" : `${r.toFixed(2)}× ${what}`;
  const rServer = over(s10, floor);
  const r500 = over(s500, s10);
  const rExec = over(eCold, eServer);
  const rLoop = over(lCold, lServer);
  const rV01 = over(lV01, lServer);
  write(
    `\nSRV-8: session server, wall time per call (median of the runs deno bench timed; ` +
      `each run is a bash loop of calls; F, S10 and S500 interleaved, one loop each per ` +
      `round in rotating order), all in one run\n`,
  );
  write(table([
    ["", "median", "ratio", "target", ""],
    ["F     bash -c true", ms(floor.median), "1.00× F"],
    [
      "S10   server call, 10 steps",
      ms(s10.median),
      x(rServer, "F"),
      "≤ 2× F",
      verdict(rServer === undefined ? undefined : rServer <= 2),
    ],
    [
      "S500  server call, 500 steps",
      ms(s500.median),
      x(r500, "S10"),
      "≤ 1.10× S10",
      verdict(r500 === undefined ? undefined : r500 <= 1.1),
    ],
    ["C10   cold call, 10 steps", ms(c10.median), x(over(c10, s10), "S10")],
    ["C500  cold call, 500 steps", ms(c500.median), x(over(c500, s500), "S500")],
    ["16 parallel callers: bash -c true", ms(pBash.median), "1.00×"],
    ["16 parallel callers: server call", ms(pServer.median), x(over(pServer, pBash), "bash")],
    ["16 parallel callers: cold call", ms(pCold.median), x(over(pCold, pServer), "server")],
    ["exec of a 200-call loop, server: the loop", ms(lServer.median)],
    ["  the same loop, CLI_REPLAY_SERVER=0", ms(lCold.median), x(rLoop, "server loop")],
    [
      "  the same loop, v0.1 (the cold path the issue measured)",
      ms(lV01.median),
      x(rV01, "server loop"),
      "≥ 8×",
      verdict(rV01 === undefined ? undefined : rV01 >= 8),
    ],
    ["exec of a 200-call loop, server: whole exec", ms(eServer.median)],
    ["  the same exec, CLI_REPLAY_SERVER=0", ms(eCold.median), x(rExec, "server exec")],
  ]));
}

// ---- SRV-9 --------------------------------------------------------------------------------

{
  const group = STARTUP_GROUP;
  const base = benchRuns(group, STARTUP_BASELINE, STARTUP_ROUND).median;
  const rows: string[][] = [["", "median", "ratio", "target", ""]];
  for (const [name, limit] of STARTUP_TARGETS) {
    const median = benchRuns(group, name, STARTUP_ROUND).median;
    const ratio = median === undefined || base === undefined ? undefined : median / base;
    rows.push([
      name,
      ms(median),
      ratio === undefined ? "n/a" : `${ratio.toFixed(2)}× B`,
      limit === undefined ? "" : `≤ ${limit}× B`,
      limit === undefined ? "" : verdict(ratio === undefined ? undefined : ratio <= limit),
    ]);
  }
  write(
    `\nSRV-9: management commands' start-up, wall time per process (median of the rounds ` +
      `deno bench timed; every command once per round, in rotating order), against an empty ` +
      `deno run (B), all in one run\n`,
  );
  write(table(rows));
}

if (benchCode !== 0) {
  write(`\nbench:report: deno bench exited ${benchCode}; some figures may be missing\n`);
  Deno.exit(benchCode);
}
