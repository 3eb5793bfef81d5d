// The package's entry points from a checkout (WAY-1): `deno run ./mod.ts …` is the CLI, exactly
// as `deno run ./cli.ts …`; importing mod.ts as a library prints nothing, keeps running and
// loads no CLI code. tests/e2e/registry_test.ts proves the same through `jsr:` specifiers.
import assert from "node:assert/strict";
import { VERSION } from "../core/version.ts";
import { CLI, type ProcessResult, ROOT, runFile, usingTempDir, writeScenario } from "./_helpers.ts";
import { staticGraph } from "./_graph.ts";

const MOD = `${ROOT}/mod.ts`;

function denoRun(main: string, args: readonly string[], cwd = ROOT): Promise<ProcessResult> {
  return runFile(Deno.execPath(), ["run", "-A", main, ...args], { cwd });
}

const SCENARIO = `meta: {name: entry}
steps:
  - match: {argv: [git, status]}
    respond: {stdout: "On branch main\\n"}
`;

Deno.test(
  "entry points: deno run ./mod.ts is the CLI — --version, --help and exec green (0) and red (1) match deno run ./cli.ts (WAY-1, EXEC-4)",
  async () => {
    await using dir = await usingTempDir();
    const scenario = await writeScenario(dir.path, "s.yaml", SCENARIO);
    const version = await denoRun("./mod.ts", ["--version"]);
    assert.deepEqual(
      { code: version.code, stdout: version.stdout },
      { code: 0, stdout: `cli-replay ${VERSION}\n` },
    );
    const [modHelp, cliHelp] = await Promise.all([
      denoRun("./mod.ts", ["help", "exec"]),
      denoRun(CLI, ["help", "exec"]),
    ]);
    assert.equal(modHelp.code, 0, modHelp.stderr);
    assert.match(modHelp.stdout, /^Usage: cli-replay exec/m);
    assert.deepEqual(modHelp, cliHelp);

    const green = await denoRun("./mod.ts", ["exec", scenario, "--", "sh", "-c", "git status"]);
    assert.equal(green.code, 0, green.stderr);
    assert.equal(green.stdout, "On branch main\n");
    assert.match(green.stderr, /✓ Scenario "entry" completed: 1\/1 steps consumed/);

    const red = await denoRun("./mod.ts", ["exec", scenario, "--", "sh", "-c", "true"]);
    assert.equal(red.code, 1, red.stderr);
    assert.match(red.stderr, /✗ Scenario "entry" incomplete/);

    // From another directory, with the scenario given relative to it.
    const away = await denoRun(MOD, ["exec", "s.yaml", "--", "sh", "-c", "git status"], dir.path);
    assert.equal(away.code, 0, away.stderr);
    assert.equal(away.stdout, "On branch main\n");
  },
);

Deno.test(
  "entry points: importing mod.ts as a library prints nothing and does not exit, even with CLI-like arguments (WAY-1)",
  async () => {
    await using dir = await usingTempDir();
    const importer = `${dir.path}/importer.ts`;
    await Deno.writeTextFile(
      importer,
      `import * as lib from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
console.log("still running with", typeof lib.runWithScenario, typeof lib.parseScenario);
`,
    );
    for (const args of [[], ["--version"], ["exec", "s.yaml", "--", "false"]]) {
      const r = await runFile(
        Deno.execPath(),
        ["run", "-A", `--config=${ROOT}/deno.json`, importer, ...args],
        { cwd: dir.path },
      );
      assert.deepEqual(r, {
        code: 0,
        signal: null,
        stdout: "still running with function function\n",
        stderr: "",
      }, `args ${JSON.stringify(args)}`);
    }
  },
);

Deno.test(
  "entry points: the static module graph of mod.ts has no npm: CLI dependency, no cli.ts and no cli/main.ts; the CLI sits behind the dynamic import (WAY-1, ICPT-6)",
  async () => {
    const graph = await staticGraph(MOD);
    const base = new URL("../", import.meta.url).href;
    // cli/errors.ts (the CliError class the effects throw) is allowed: it is no CLI code.
    const cliCode = [...graph.loaded].filter((s) =>
      s === `${base}cli.ts` || s === `${base}cli/main.ts` || s === `${base}cli/args.ts`
    );
    assert.deepEqual(cliCode.map(graph.chain), [], "CLI code loaded by importing mod.ts");
    // The walk saw the library, and the whole graph does hold the CLI: not vacuous.
    for (const rel of ["mod.ts", "core/replay/engine.ts", "effects/exec/run_with_scenario.ts"]) {
      assert.ok(graph.loaded.has(`${base}${rel}`), `the walk visited ${rel}`);
    }
    for (const rel of ["cli.ts", "cli/main.ts"]) {
      assert.ok(graph.all.has(`${base}${rel}`), `deno info lists ${rel} (dynamic)`);
    }
  },
);
