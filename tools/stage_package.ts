/**
 * Stages this package as `deno publish` would upload it: the publish file set of
 * `deno.json` (`publish.include` minus `publish.exclude` and `.gitignore`d paths), with every
 * bare import specifier that the `imports` map maps (`"yaml"`, `"zod"`)
 * rewritten to its target (`npm:yaml@2.9.1`, …), as the registry serves the files.
 *
 * The end-to-end tests (`tests/e2e/`) serve the staged files from a registry stand-in;
 * {@linkcode publishDryRunFiles} reads what `deno publish --dry-run` would upload, so a test
 * can prove the two sets agree.
 *
 * `deno run -A tools/stage_package.ts <out dir>` writes the staged files to a directory.
 *
 * @module
 */

/** The staged package: name, version, exports and the files as uploaded. */
export interface StagedPackage {
  /** Scope without `@`, e.g. `x`. */
  scope: string;
  /** Name without scope, e.g. `cli-replay`. */
  name: string;
  /** The version from `deno.json`. */
  version: string;
  /** The `exports` map of `deno.json` (`"."` → `"./mod.ts"`, …). */
  exports: Record<string, string>;
  /** Package path (with a leading `/`, sorted) → the bytes the registry serves. */
  files: Map<string, Uint8Array>;
}

interface DenoJson {
  name: string;
  version: string;
  exports: string | Record<string, string>;
  imports?: Record<string, string>;
  publish?: { include?: string[]; exclude?: string[] };
}

/** Files whose import specifiers `deno publish` rewrites. */
const MODULE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/**
 * A string-literal specifier in import or export position: `from "x"`, `import("x")`,
 * `import "x"`. Comment lines are skipped before this is applied.
 */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(["'])([^"'\n]+)\2/g;

function _normalize(entry: string): string {
  return entry.replace(/^\.\//, "").replace(/\/+$/, "");
}

/** Whether `rel` is `pattern` or lies under it (a file or directory path, no globs). */
function _under(rel: string, pattern: string): boolean {
  return rel === pattern || rel.startsWith(`${pattern}/`);
}

/**
 * The `.gitignore` patterns this tool understands: plain paths and directory names, with an
 * optional trailing `/`. Anything with glob characters or negation is refused, so a
 * silently wrong file set cannot result.
 */
async function _gitignore(root: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${root}/.gitignore`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const patterns: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (/[*?[\]!]/.test(line)) {
      throw new Error(`stage_package: unsupported .gitignore pattern ${JSON.stringify(line)}`);
    }
    patterns.push(_normalize(line.replace(/^\//, "")));
  }
  return patterns;
}

async function _walk(root: string, rel: string, out: string[]): Promise<void> {
  const info = await Deno.stat(`${root}/${rel}`);
  if (info.isFile) {
    out.push(rel);
    return;
  }
  for await (const entry of Deno.readDir(`${root}/${rel}`)) {
    await _walk(root, `${rel}/${entry.name}`, out);
  }
}

/**
 * The publish file set of the package at `root`: `publish.include` minus `publish.exclude`
 * and `.gitignore`d paths (plain paths only; globs are refused).
 *
 * @param root The package root (holds `deno.json`).
 * @returns Relative paths, sorted.
 */
export async function publishFileSet(root: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`)) as DenoJson;
  const include = (config.publish?.include ?? ["."]).map(_normalize);
  const exclude = [...(config.publish?.exclude ?? []).map(_normalize), ...await _gitignore(root)];
  for (const pattern of [...include, ...exclude]) {
    if (/[*?[\]!]/.test(pattern)) {
      throw new Error(`stage_package: unsupported publish pattern ${JSON.stringify(pattern)}`);
    }
  }
  const found: string[] = [];
  for (const entry of include) {
    if (entry === "" || entry === ".") {
      for await (const e of Deno.readDir(root)) {
        if (e.name !== ".git") await _walk(root, e.name, found);
      }
    } else {
      await _walk(root, entry, found);
    }
  }
  const excluded = (rel: string) =>
    exclude.some((p) => _under(rel, p) || rel.split("/").includes(p));
  return [...new Set(found)].filter((rel) => !excluded(rel)).sort();
}

/**
 * Rewrites the bare specifiers of one module through the `imports` map, as `deno publish`
 * does. Lines that are comments (`//`, `/*`, ` * `) are left alone, so doc examples keep
 * `from "@x/cli-replay"`.
 *
 * @param source The module text.
 * @param imports The `imports` map of `deno.json`.
 * @returns The rewritten text.
 */
export function rewriteSpecifiers(source: string, imports: Record<string, string>): string {
  const map = (specifier: string): string | undefined => {
    if (specifier.startsWith(".") || specifier.startsWith("/") || /^[a-z]+:/.test(specifier)) {
      return undefined;
    }
    const exact = imports[specifier];
    if (exact !== undefined) return exact;
    for (const [key, target] of Object.entries(imports)) {
      if (key.endsWith("/") && specifier.startsWith(key)) {
        return target + specifier.slice(key.length);
      }
    }
    return undefined;
  };
  return source.split("\n").map((line) => {
    const t = line.trimStart();
    if (t.startsWith("//") || t.startsWith("/*") || t.startsWith("*")) return line;
    return line.replace(SPECIFIER, (whole, prefix: string, quote: string, spec: string) => {
      const target = map(spec);
      return target === undefined ? whole : `${prefix}${quote}${target}${quote}`;
    });
  }).join("\n");
}

/**
 * Stages the package at `root`.
 *
 * @param root The package root (holds `deno.json`).
 * @returns The staged package.
 */
export async function stagePackage(root: string): Promise<StagedPackage> {
  const config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`)) as DenoJson;
  const m = /^@([^/]+)\/(.+)$/.exec(config.name);
  if (m === null) throw new Error(`stage_package: bad package name ${config.name}`);
  const imports = config.imports ?? {};
  const files = new Map<string, Uint8Array>();
  for (const rel of await publishFileSet(root)) {
    const bytes = await Deno.readFile(`${root}/${rel}`);
    files.set(
      `/${rel}`,
      MODULE_EXT.test(rel)
        ? new TextEncoder().encode(rewriteSpecifiers(new TextDecoder().decode(bytes), imports))
        : bytes,
    );
  }
  return {
    scope: m[1]!,
    name: m[2]!,
    version: config.version,
    exports: typeof config.exports === "string" ? { ".": config.exports } : config.exports,
    files,
  };
}

/**
 * The files `deno publish --dry-run` would upload, read from its output.
 *
 * @param root The package root.
 * @returns Relative paths, sorted.
 * @throws {Error} When the dry run fails or lists no file.
 */
export async function publishDryRunFiles(root: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`deno publish --dry-run failed (${out.code}):\n${text}`);
  const base = new URL(`file://${root.replace(/\/?$/, "/")}`).href;
  const files: string[] = [];
  for (const line of text.split("\n")) {
    const f = /^\s+(file:\/\/\S+) \([0-9.]+K?M?B\)$/.exec(line);
    if (f === null) continue;
    if (!f[1]!.startsWith(base)) throw new Error(`unexpected file outside the package: ${line}`);
    files.push(decodeURIComponent(f[1]!.slice(base.length)));
  }
  if (files.length === 0) throw new Error(`no file listed by deno publish --dry-run:\n${text}`);
  return files.sort();
}

if (import.meta.main) {
  const out = Deno.args[0];
  if (out === undefined) {
    Deno.stderr.writeSync(new TextEncoder().encode("usage: stage_package.ts <out dir>\n"));
    Deno.exit(2);
  }
  const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
  const pkg = await stagePackage(root);
  for (const [path, bytes] of pkg.files) {
    const target = `${out}${path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(target, bytes);
  }
}
