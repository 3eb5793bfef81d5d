/**
 * The module graph of an entry point as `deno info --json` reports it, and the part of it
 * that loads statically (what importing the entry loads before any dynamic `import()`).
 *
 * @module
 */
import { ROOT, runFile } from "./_helpers.ts";

interface Dependency {
  specifier: string;
  code?: { specifier: string };
  isDynamic?: boolean;
}

interface ModuleInfo {
  specifier: string;
  dependencies?: Dependency[];
}

interface GraphInfo {
  roots: string[];
  modules: ModuleInfo[];
  redirects: Record<string, string>;
}

/** What {@linkcode staticGraph} found. */
export interface StaticGraph {
  /** Every module in `deno info`'s graph, dynamic imports included. */
  all: Set<string>;
  /** The modules loaded statically from the entry (the entry included). */
  loaded: Set<string>;
  /** The import chain from the entry to `specifier`, as `a → b → c`. */
  chain(specifier: string): string;
}

/**
 * Runs `deno info --json <entry>` (with the repository's config) and walks the graph from
 * the entry, skipping dynamic imports (they load lazily) and type-only imports (erased at
 * run time).
 *
 * @param entry Absolute path of the entry module.
 * @returns The whole graph and its statically loaded part.
 */
export async function staticGraph(entry: string): Promise<StaticGraph> {
  const r = await runFile(Deno.execPath(), ["info", "--json", entry], { cwd: ROOT });
  if (r.code !== 0) throw new Error(`deno info ${entry} failed (${r.code}):\n${r.stderr}`);
  const graph = JSON.parse(r.stdout) as GraphInfo;
  const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
  const resolve = (s: string) => graph.redirects[s] ?? s;
  const root = resolve(graph.roots[0]!);
  const loaded = new Set<string>([root]);
  const via = new Map<string, string>();
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const dep of modules.get(current)?.dependencies ?? []) {
      if (dep.isDynamic === true || dep.code === undefined) continue;
      const target = resolve(dep.code.specifier);
      if (loaded.has(target)) continue;
      loaded.add(target);
      via.set(target, current);
      queue.push(target);
    }
  }
  return {
    all: new Set(graph.modules.map((m) => m.specifier)),
    loaded,
    chain(specifier: string): string {
      const parts = [specifier];
      for (let p = via.get(specifier); p !== undefined; p = via.get(p)) parts.unshift(p);
      return parts.join(" → ");
    },
  };
}
