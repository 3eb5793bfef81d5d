// Guarding the hot path (ICPT-6, DESIGN, STYLE.md "Guarding the hot path"): what `cli.ts`
// loads statically — the intercept path — contains no npm: or node: module.
import assert from "node:assert/strict";
import { CLI } from "./_helpers.ts";
import { staticGraph } from "./_graph.ts";

Deno.test(
  "hot path: no npm: or node: module is statically reachable from cli.ts, and the walk reaches cli/intercept.ts and core/engine.ts (ICPT-6)",
  async () => {
    const graph = await staticGraph(CLI);
    const forbidden = [...graph.loaded].filter((s) =>
      s.startsWith("npm:") || s.startsWith("node:")
    );
    assert.deepEqual(forbidden.map(graph.chain), [], "npm:/node: modules on the hot path");

    const base = new URL("../", import.meta.url).href;
    for (const rel of ["cli.ts", "cli/intercept.ts", "core/engine.ts"]) {
      assert.ok(graph.loaded.has(new URL(rel, base).href), `the walk visited ${rel}`);
    }
    // The graph does contain npm modules (behind dynamic imports), so the check is not vacuous.
    assert.ok(
      [...graph.all].some((s) => s.startsWith("npm:")),
      "deno info lists the npm packages of the management commands",
    );
  },
);
