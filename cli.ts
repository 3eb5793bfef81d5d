/**
 * The cli-replay command line. The intercept fast path comes first and loads no npm
 * module; every other command is loaded lazily.
 *
 * @example Usage
 * ```sh
 * deno run -A jsr:@x/cli-replay/cli exec scenario.yaml -- ./deploy.sh
 * ```
 *
 * @module
 */
/**
 * Runs the cli-replay command line with `args` and returns the exit code. This is what
 * `deno run jsr:@x/cli-replay …` and `deno run jsr:@x/cli-replay/cli …` do.
 *
 * @example Usage
 * ```ts ignore
 * import { runCli } from "@x/cli-replay/cli";
 *
 * Deno.exit(await runCli(["validate", "deploy.yaml"]));
 * ```
 *
 * @param args The command line after the program name.
 * @returns The process exit code.
 */
export async function runCli(args: readonly string[]): Promise<number> {
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    const { VERSION } = await import("./core/version.ts");
    await Deno.stdout.write(new TextEncoder().encode(`cli-replay ${VERSION}\n`));
    return 0;
  }
  if (args[0] === "__intercept") {
    const { interceptMain } = await import("./cli/intercept.ts");
    return await interceptMain(args.slice(1));
  }
  if (args[0] === "__serve") {
    const { serveMain } = await import("./cli/serve.ts");
    return await serveMain(args.slice(1));
  }
  if (args[0] === "__record-shim") {
    const { recordShimMain } = await import("./cli/record_shim.ts");
    return await recordShimMain(args.slice(1));
  }
  const { main } = await import("./cli/main.ts");
  return await main(args);
}

/**
 * Never called: it names the intercept bundle as a dependency of this module, so that
 * `deno install`, `deno cache` and the first `deno run` of the package fetch it with the rest.
 * Shims run the bundle as their main module; from a registry it must already be in Deno's
 * cache, or a fake called offline would fail.
 */
function _bundleDependency(): Promise<unknown> {
  return import("./generated/intercept.bundle.js");
}

if (import.meta.main) Deno.exit(await runCli(Deno.args));
