/**
 * Management commands' start-up (SRV-9): `--version`, `--help`, `verify` and `clean` of a
 * running session, `run` and `exec s.yaml -- true`, each against an empty `deno run` (the
 * runtime floor) measured in the same run. They run in rounds — every command once per
 * round, the first one rotating — so a drift of the machine's speed during the run biases
 * no ratio; each command's wall times go to `bench/report.ts`, which prints medians and
 * ratios. The scenario cache is warmed once (as a user's second run would find it);
 * `exec (cache off)` shows a first run's cost.
 *
 * @module
 */
import {
  SAMPLES_ENV,
  type SamplesLine,
  STARTUP_BASELINE,
  STARTUP_GROUP,
  STARTUP_ROUND,
} from "./_names.ts";
const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const CLI = `${ROOT}/cli.ts`;
const DENO = Deno.execPath();
const GROUP = STARTUP_GROUP;

const tmp = await Deno.makeTempDir({ prefix: "cli-replay-startup-bench-" });
const empty = `${tmp}/empty.ts`;
const scenario = `${tmp}/s.yaml`;
const cacheDir = `${tmp}/cache`;
await Deno.writeTextFile(empty, "export {};\n");
await Deno.writeTextFile(
  scenario,
  "meta: {name: bench}\nsteps:\n" +
    Array.from(
      { length: 10 },
      (_, i) =>
        `  - match: {argv: [kubectl, get, pod-${i}]}\n    respond: {stdout: "pod-${i}\\n"}\n    calls: {max: 1}\n`,
    ).join(""),
);

function env(extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (!k.startsWith("CLI_REPLAY_")) out[k] = v;
  }
  return { ...out, NO_COLOR: "1", CLI_REPLAY_CACHE_DIR: cacheDir, ...extra };
}

async function run(args: string[], extra: Record<string, string> = {}): Promise<string> {
  const out = await new Deno.Command(DENO, {
    args,
    cwd: tmp,
    env: env(extra),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success && !args.includes("verify")) {
    throw new Error(`${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

// A running session for verify and clean (run prints exports; take the session id).
const setup = await run(["run", "-A", CLI, "run", "--shell", "sh", scenario]);
const session = /CLI_REPLAY_SESSION='?([0-9a-f]+)/.exec(setup)?.[1] ?? "";
const sessionEnv = { CLI_REPLAY_SCENARIO: scenario, CLI_REPLAY_SESSION: session };

globalThis.addEventListener("unload", () => {
  const out = Deno.env.get(SAMPLES_ENV);
  if (out !== undefined && out !== "") {
    const text = lines.map((line) => JSON.stringify(line) + "\n").join("");
    Deno.writeTextFileSync(out, text, { append: true });
  }
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch {
    // Already gone.
  }
});

/** Each command, timed by its own wall clock (`run` ends its session untimed). */
const commands: readonly (readonly [string, () => Promise<number>])[] = [
  [STARTUP_BASELINE, () => timed(["run", "-A", empty])],
  ["--version", () => timed(["run", "-A", CLI, "--version"])],
  ["--help", () => timed(["run", "-A", CLI, "--help"])],
  ["verify (session running)", () => timed(["run", "-A", CLI, "verify"], sessionEnv)],
  [
    "clean --session (nothing to remove)",
    () => timed(["run", "-A", CLI, "clean", "--session", "0000000000000000", scenario]),
  ],
  ["run", async () => {
    const start = performance.now();
    const out = await run(["run", "-A", CLI, "run", "--shell", "sh", scenario]);
    const ms = performance.now() - start;
    // Untimed: end the session, so that its detached server does not linger for 15 minutes.
    const id = /CLI_REPLAY_SESSION='?([0-9a-f]+)/.exec(out)?.[1] ?? "";
    await run(["run", "-A", CLI, "clean", "--session", id, scenario]);
    return ms;
  }],
  ["exec s.yaml -- true", () => timed(["run", "-A", CLI, "exec", scenario, "--", "true"])],
  [
    "exec s.yaml -- true (cache off)",
    () => timed(["run", "-A", CLI, "exec", scenario, "--", "true"], { CLI_REPLAY_CACHE_DIR: "" }),
  ],
];

async function timed(args: string[], extra: Record<string, string> = {}): Promise<number> {
  const start = performance.now();
  await run(args, extra);
  return performance.now() - start;
}

// One round runs every command once, the first one rotating, and keeps each one's time.
const lines = commands.map(([name]): SamplesLine => ({ group: GROUP, name, ms: [] }));
let round = 0;
Deno.bench({ group: GROUP, name: STARTUP_ROUND, n: 30, warmup: 3 }, async () => {
  const first = round++;
  for (let k = 0; k < commands.length; k++) {
    const i = (first + k) % commands.length;
    lines[i]!.ms.push(await commands[i]![1]());
  }
});
