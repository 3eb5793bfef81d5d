/**
 * Entry point of the intercept bundle (`generated/intercept.bundle.js`, built by
 * `deno task bundle`): the hot path as one pre-built module, so a faked call loads one
 * file instead of the whole module graph. Accepts the `__intercept` word for symmetry
 * with `cli.ts`.
 *
 * @module
 */
import { interceptMain } from "./intercept.ts";

if (import.meta.main) {
  const args = Deno.args[0] === "__intercept" ? Deno.args.slice(1) : Deno.args;
  Deno.exit(await interceptMain(args));
}
