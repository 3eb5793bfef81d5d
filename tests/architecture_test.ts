// The layout tells the architecture (issue 8): imports only point down — cli → effects →
// core — no command imports another command, and the module graph has no cycle. The walk
// covers everything reachable from the entry points, dynamic imports included.
import assert from "node:assert/strict";
import { ROOT, runFile } from "./_helpers.ts";

interface GraphInfo {
  roots: string[];
  modules: {
    specifier: string;
    dependencies?: {
      specifier: string;
      code?: { specifier: string };
      type?: { specifier: string };
    }[];
  }[];
  redirects: Record<string, string>;
}

const BASE = `file://${ROOT}/`;
const COMMANDS = ["run", "exec", "verify", "clean", "validate", "record"];

/** Local edges (from → to, repository-relative) reachable from the entry points. */
async function localEdges(): Promise<[string, string][]> {
  const edges = new Map<string, [string, string]>();
  for (const entry of ["mod.ts", "cli.ts", "cli/intercept_entry.ts"]) {
    const r = await runFile(Deno.execPath(), ["info", "--json", `${ROOT}/${entry}`], { cwd: ROOT });
    assert.equal(r.code, 0, r.stderr);
    const graph = JSON.parse(r.stdout) as GraphInfo;
    for (const m of graph.modules) {
      if (!m.specifier.startsWith(BASE)) continue;
      const from = m.specifier.slice(BASE.length);
      for (const d of m.dependencies ?? []) {
        for (const target of [d.code?.specifier, d.type?.specifier]) {
          if (target === undefined) continue;
          const resolved = graph.redirects[target] ?? target;
          if (!resolved.startsWith(BASE)) continue;
          const to = resolved.slice(BASE.length);
          edges.set(`${from}\0${to}`, [from, to]);
        }
      }
    }
  }
  return [...edges.values()];
}

/** 0 for core, 1 for effects, 2 for cli, 3 for the entry points. */
function layer(path: string): number {
  if (path.startsWith("core/")) return 0;
  if (path.startsWith("effects/")) return 1;
  if (path.startsWith("cli/")) return 2;
  return 3;
}

function isCommand(path: string): boolean {
  return COMMANDS.some((c) => path === `cli/${c}.ts`) || path === "cli/main.ts";
}

Deno.test("architecture: every import points down (cli → effects → core), naming any upward edge (issue 8)", async () => {
  const upward = (await localEdges())
    .filter(([from, to]) => layer(to) > layer(from))
    .map(([from, to]) => `${from} → ${to}`);
  assert.deepEqual(upward, []);
});

Deno.test("architecture: no command imports another command or the dispatcher (issue 8)", async () => {
  const across = (await localEdges())
    .filter(([from, to]) => isCommand(from) && isCommand(to) && from !== "cli/main.ts")
    .map(([from, to]) => `${from} → ${to}`);
  assert.deepEqual(across, []);
});

Deno.test("architecture: the module graph has no cycle (issue 8)", async () => {
  const next = new Map<string, string[]>();
  for (const [from, to] of await localEdges()) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (node: string, path: string[]): void => {
    state.set(node, "open");
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === "open") cycles.push([...path.slice(path.indexOf(to)), to].join(" → "));
      else if (state.get(to) === undefined) visit(to, [...path, to]);
    }
    state.set(node, "done");
  };
  for (const node of [...next.keys()].sort()) if (!state.has(node)) visit(node, [node]);
  assert.deepEqual(cycles, []);
});
