/**
 * Loading a scenario: the compiled JSON the intercept reads (STATE-11) against parsing
 * the YAML (the baseline), for 10 and 500 steps. Tests the claim that the intercept can
 * skip YAML. Run with `deno task bench`.
 *
 * @module
 */
import { COMPILED_FORMAT, decodeCompiled, encodeCompiled } from "../core/scenario/compiled.ts";
import { parseScenario } from "../core/scenario/parse.ts";
import { VERSION } from "../core/version.ts";
import { parseOrThrow, scenarioYaml } from "./_fixtures.ts";

for (const size of [10, 500]) {
  const yaml = scenarioYaml(size);
  const compiled = encodeCompiled({
    format: COMPILED_FORMAT,
    programVersion: VERSION,
    scenarioHash: "0".repeat(64),
    size: yaml.length,
    mtimeMs: 0,
    scenario: parseOrThrow(yaml),
  });
  if (decodeCompiled(compiled, VERSION) === undefined) {
    throw new Error("bench fixture: the compiled scenario does not decode");
  }
  const group = `load scenario ${size} steps`;
  Deno.bench({
    group,
    name: "parseScenario(yaml)",
    baseline: true,
    fn: () => void parseScenario(yaml, { file: "bench.yaml" }),
  });
  Deno.bench({ group, name: "JSON.parse(compiled)", fn: () => void JSON.parse(compiled) });
  Deno.bench({
    group,
    name: "decodeCompiled(compiled)",
    fn: () => void decodeCompiled(compiled, VERSION),
  });
}
