/**
 * The cli-replay command line. The intercept fast path comes first and loads no npm
 * module; every other command is loaded lazily.
 *
 * @example Usage
 * ```sh
 * deno run -A jsr:@x/cli-replay exec scenario.yaml -- ./deploy.sh
 * ```
 *
 * @module
 */
import { interceptMain } from "./cli/intercept.ts";

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "__intercept") {
    Deno.exit(await interceptMain(args.slice(1)));
  } else if (args[0] === "__record-shim") {
    const { recordShimMain } = await import("./cli/record_shim.ts");
    Deno.exit(await recordShimMain(args.slice(1)));
  } else {
    const { main } = await import("./cli/main.ts");
    Deno.exit(await main(args));
  }
}
