// Guarding the hot path (ICPT-6, DESIGN, STYLE.md "Guarding the hot path"): what the
// intercept entry (the bundle's source; `cli.ts __intercept` imports it) loads statically
// contains no npm: or node: module; neither do the management commands' start-up paths.
import assert from "node:assert/strict";
import { ROOT } from "./_helpers.ts";
import { staticGraph } from "./_graph.ts";

async function forbiddenFrom(rel: string) {
  const graph = await staticGraph(`${ROOT}/${rel}`);
  const forbidden = [...graph.loaded].filter((s) => s.startsWith("npm:") || s.startsWith("node:"));
  return { graph, forbidden: forbidden.map(graph.chain) };
}

Deno.test(
  "hot path: no npm: or node: module is statically reachable from the intercept entry, and the walk reaches cli/intercept.ts and core/engine.ts (ICPT-6)",
  async () => {
    const { graph, forbidden } = await forbiddenFrom("cli/intercept_entry.ts");
    assert.deepEqual(forbidden, [], "npm:/node: modules on the hot path");
    const base = new URL("../", import.meta.url).href;
    for (const rel of ["cli/intercept_entry.ts", "cli/intercept.ts", "core/replay/engine.ts"]) {
      assert.ok(graph.loaded.has(new URL(rel, base).href), `the walk visited ${rel}`);
    }
    // The graph does contain npm modules (behind dynamic imports), so the check is not vacuous.
    assert.ok(
      [...graph.all].some((s) => s.startsWith("npm:")),
      "deno info lists the npm packages of the management commands",
    );
  },
);

Deno.test(
  "start-up: cli.ts, the command table and verify, clean, run and exec load no npm: or node: module statically; the YAML parser comes only on a cache miss (SRV-9)",
  async (t) => {
    for (
      const rel of [
        "cli.ts",
        "cli/main.ts",
        "cli/verify.ts",
        "cli/clean.ts",
        "cli/run.ts",
        "cli/exec.ts",
      ]
    ) {
      await t.step(rel, async () => {
        const { forbidden } = await forbiddenFrom(rel);
        assert.deepEqual(forbidden, [], `npm:/node: modules loaded by ${rel} at start-up`);
      });
    }
  },
);
