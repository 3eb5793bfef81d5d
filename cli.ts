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
import { interceptMain } from "./cli/intercept.ts";

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
  if (args[0] === "__intercept") return await interceptMain(args.slice(1));
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

if (import.meta.main) Deno.exit(await runCli(Deno.args));
