/**
 * Management commands' start-up (SRV-9): `--version`, `--help`, `verify` and `clean` of a
 * running session, `run` and `exec s.yaml -- true`, each against an empty `deno run` (the
 * runtime floor, the baseline of the group) measured in the same run. `deno bench` prints
 * each as "N× slower than" the baseline. The scenario cache is warmed once (as a user's
 * second run would find it); `exec (cache off)` shows a first run's cost.
 *
 * @module
 */
import { STARTUP_BASELINE, STARTUP_GROUP } from "./_names.ts";
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
  try {
    Deno.removeSync(tmp, { recursive: true });
  } catch {
    // Already gone.
  }
});

const common = { group: GROUP, n: 30, warmup: 3 };
Deno.bench({ ...common, name: STARTUP_BASELINE, baseline: true }, async () => {
  await run(["run", "-A", empty]);
});
Deno.bench({ ...common, name: "--version" }, async () => {
  await run(["run", "-A", CLI, "--version"]);
});
Deno.bench({ ...common, name: "--help" }, async () => {
  await run(["run", "-A", CLI, "--help"]);
});
Deno.bench({ ...common, name: "verify (session running)" }, async () => {
  await run(["run", "-A", CLI, "verify"], sessionEnv);
});
Deno.bench({ ...common, name: "clean --session (nothing to remove)" }, async () => {
  await run(["run", "-A", CLI, "clean", "--session", "0000000000000000", scenario]);
});
Deno.bench({ ...common, name: "run" }, async (b) => {
  b.start();
  const out = await run(["run", "-A", CLI, "run", "--shell", "sh", scenario]);
  b.end();
  // Untimed: end the session, so that its detached server does not linger for 15 minutes.
  const id = /CLI_REPLAY_SESSION='?([0-9a-f]+)/.exec(out)?.[1] ?? "";
  await run(["run", "-A", CLI, "clean", "--session", id, scenario]);
});
Deno.bench({ ...common, name: "exec s.yaml -- true" }, async () => {
  await run(["run", "-A", CLI, "exec", scenario, "--", "true"]);
});
Deno.bench({ ...common, name: "exec s.yaml -- true (cache off)" }, async () => {
  await run(["run", "-A", CLI, "exec", scenario, "--", "true"], { CLI_REPLAY_CACHE_DIR: "" });
});
