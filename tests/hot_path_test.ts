// Guarding the hot path (ICPT-6, DESIGN, STYLE.md "Guarding the hot path"): what the
// intercept entry (the bundle's source; `cli.ts __intercept` imports it) loads statically
// contains no npm: or node: module.
import assert from "node:assert/strict";
import { ROOT, runFile } from "./_helpers.ts";

interface Dependency {
  specifier: string;
  code?: { specifier: string };
  isDynamic?: boolean;
}

interface ModuleInfo {
  specifier: string;
  kind?: string;
  dependencies?: Dependency[];
}

interface GraphInfo {
  roots: string[];
  modules: ModuleInfo[];
  redirects: Record<string, string>;
}

/** Walks the static imports of `entry`; returns the modules reached and the chain to each. */
async function staticGraph(entry: string) {
  const r = await runFile(Deno.execPath(), ["info", "--json", entry], { cwd: ROOT });
  assert.equal(r.code, 0, r.stderr);
  const graph = JSON.parse(r.stdout) as GraphInfo;
  const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
  const resolve = (s: string) => graph.redirects[s] ?? s;
  const root = resolve(graph.roots[0]!);
  const seen = new Set<string>([root]);
  const via = new Map<string, string>();
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const dep of modules.get(current)?.dependencies ?? []) {
      // Dynamic imports load lazily (management commands, YAML after an edit);
      // type-only imports have no `code` and are erased at run time.
      if (dep.isDynamic === true || dep.code === undefined) continue;
      const target = resolve(dep.code.specifier);
      if (seen.has(target)) continue;
      seen.add(target);
      via.set(target, current);
      queue.push(target);
    }
  }
  const chain = (s: string): string => {
    const parts = [s];
    for (let p = via.get(s); p !== undefined; p = via.get(p)) parts.unshift(p);
    return parts.join(" → ");
  };
  const forbidden = [...seen].filter((s) => s.startsWith("npm:") || s.startsWith("node:"));
  return { graph, seen, forbidden: forbidden.map(chain) };
}

Deno.test(
  "hot path: no npm: or node: module is statically reachable from the intercept entry, and the walk reaches cli/intercept.ts and core/engine.ts (ICPT-6)",
  async () => {
    const { graph, seen, forbidden } = await staticGraph(`${ROOT}/cli/intercept_entry.ts`);
    assert.deepEqual(forbidden, [], "npm:/node: modules on the hot path");
    const base = new URL("../", import.meta.url).href;
    for (const rel of ["cli/intercept_entry.ts", "cli/intercept.ts", "core/engine.ts"]) {
      assert.ok(seen.has(new URL(rel, base).href), `the walk visited ${rel}`);
    }
    // The graph does contain npm modules (behind dynamic imports), so the check is not vacuous.
    assert.ok(
      graph.modules.some((m) => m.specifier.startsWith("npm:")),
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
        const { forbidden } = await staticGraph(`${ROOT}/${rel}`);
        assert.deepEqual(forbidden, [], `npm:/node: modules loaded by ${rel} at start-up`);
      });
    }
  },
);
