/**
 * Generates `schema/scenario.schema.json` from the loader's zod model (SCN-24).
 *
 * `deno task schema` writes the file; `--check` exits 1 when the checked-in file is stale;
 * `--stdout` prints the schema instead of writing it.
 *
 * @module
 */
import { buildScenarioJsonSchema } from "../core/scenario/schema.ts";

/** Where the generated schema is checked in. */
export const SCHEMA_URL: URL = new URL("../schema/scenario.schema.json", import.meta.url);

/**
 * The schema file's exact text: two-space indented JSON and a final newline.
 *
 * @returns The JSON text.
 */
export function renderScenarioSchema(): string {
  return JSON.stringify(buildScenarioJsonSchema(), null, 2) + "\n";
}

async function main(args: readonly string[]): Promise<number> {
  const text = renderScenarioSchema();
  const enc = new TextEncoder();
  if (args.includes("--stdout")) {
    await Deno.stdout.write(enc.encode(text));
    return 0;
  }
  if (args.includes("--check")) {
    let current = "";
    try {
      current = await Deno.readTextFile(SCHEMA_URL);
    } catch {
      // missing: stale
    }
    if (current === text) return 0;
    await Deno.stderr.write(
      enc.encode("schema/scenario.schema.json is stale; run `deno task schema`\n"),
    );
    return 1;
  }
  await Deno.mkdir(new URL(".", SCHEMA_URL), { recursive: true });
  await Deno.writeTextFile(SCHEMA_URL, text);
  await Deno.stderr.write(enc.encode(`wrote ${SCHEMA_URL.pathname}\n`));
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
