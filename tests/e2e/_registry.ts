/**
 * A JSR registry stand-in on 127.0.0.1 for the end-to-end tests: serves one staged package
 * (tools/stage_package.ts) the way jsr.io does, so `JSR_URL=<url>` makes Deno resolve
 * `jsr:@x/cli-replay…` here.
 *
 * Routes (as on jsr.io):
 * - `/@<scope>/<name>/meta.json`: `{scope, name, latest, versions: {<v>: {}}}`;
 * - `/@<scope>/<name>/<v>_meta.json`: `{manifest: {"/path": {size, checksum: "sha256-<hex>"}},
 *   exports}` (no `moduleGraph2`: Deno then parses the modules itself);
 * - `/@<scope>/<name>/<v>/<path>`: the file, with a JavaScript/TypeScript/JSON content type.
 *
 * Everything else is 404. Every request path is logged in `requests`.
 *
 * @module
 */
import type { StagedPackage } from "../../tools/stage_package.ts";

/** A running registry stand-in; `await using` stops it. */
export interface Registry extends AsyncDisposable {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/` (the `JSR_URL`). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** Stops serving (idempotent); afterwards the port refuses connections. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  ts: "application/typescript; charset=utf-8",
  mts: "application/typescript; charset=utf-8",
  tsx: "application/typescript; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  json: "application/json",
  md: "text/markdown; charset=utf-8",
};

/**
 * The content type jsr.io gives a file of this name (`text/plain` for unknown kinds).
 *
 * @param path File path.
 * @returns The Content-Type value.
 */
export function contentType(path: string): string {
  const ext = /\.([a-z]+)$/.exec(path)?.[1] ?? "";
  return CONTENT_TYPES[ext] ?? "text/plain; charset=utf-8";
}

async function _sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The `<version>_meta.json` document of a staged package.
 *
 * @param pkg The staged package.
 * @returns `{manifest, exports}`.
 */
export async function versionMeta(
  pkg: StagedPackage,
): Promise<{
  manifest: Record<string, { size: number; checksum: string }>;
  exports: Record<string, string>;
}> {
  const manifest: Record<string, { size: number; checksum: string }> = {};
  for (const [path, bytes] of pkg.files) {
    manifest[path] = { size: bytes.length, checksum: `sha256-${await _sha256(bytes)}` };
  }
  return { manifest, exports: pkg.exports };
}

/**
 * Serves `pkg` on 127.0.0.1 (a free port).
 *
 * @param pkg The staged package.
 * @returns The running stand-in.
 */
export async function serveRegistry(pkg: StagedPackage): Promise<Registry> {
  const base = `/@${pkg.scope}/${pkg.name}`;
  const meta = JSON.stringify({
    scope: pkg.scope,
    name: pkg.name,
    latest: pkg.version,
    versions: { [pkg.version]: {} },
  });
  const vmeta = JSON.stringify(await versionMeta(pkg));
  const requests: string[] = [];
  const json = (body: string) =>
    new Response(body, { headers: { "content-type": "application/json" } });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      requests.push(path);
      if (req.method !== "GET" && req.method !== "HEAD") {
        return new Response("method not allowed", { status: 405 });
      }
      if (path === `${base}/meta.json`) return json(meta);
      if (path === `${base}/${pkg.version}_meta.json`) return json(vmeta);
      const prefix = `${base}/${pkg.version}/`;
      if (path.startsWith(prefix)) {
        const bytes = pkg.files.get(path.slice(prefix.length - 1));
        if (bytes !== undefined) {
          return new Response(bytes as BodyInit, {
            headers: { "content-type": contentType(path) },
          });
        }
      }
      return new Response("not found", { status: 404 });
    },
  );
  const port = server.addr.port;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.shutdown();
  };
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
