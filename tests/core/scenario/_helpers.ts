/**
 * Helpers of the scenario parser's tests: YAML text builders and the parse results as
 * formatted diagnostic lines.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseScenario } from "../../../core/scenario/parse.ts";
import type { ParseResult } from "../../../core/scenario/parse.ts";
import { formatDiagnostic } from "../../../core/scenario/format.ts";
import type { Scenario, Step } from "../../../core/types.ts";

/** Joins lines into YAML text with a final newline. */
export function yaml(...lines: string[]): string {
  return lines.join("\n") + "\n";
}

/** `meta: {name: s}` followed by `steps:` and the given step lines. */
export function withSteps(...lines: string[]): string {
  return yaml("meta:", "  name: s", "steps:", ...lines);
}

/** One leaf step `- match: {argv: [...]}` plus optional extra lines (indented 4). */
export function leaf(argv: string, ...extra: string[]): string[] {
  return [`  - match: {argv: ${argv}}`, ...extra.map((l) => `    ${l}`)];
}

/** Parses with the file name `s.yaml`. */
export function parse(text: string): ParseResult {
  return parseScenario(text, { file: "s.yaml" });
}

/** The formatted error lines of an invalid scenario. */
export function errors(text: string): string[] {
  const r = parse(text);
  if (r.ok) assert.fail("expected the scenario to be invalid");
  return r.diagnostics.map(formatDiagnostic);
}

/** The valid scenario (fails the test with the diagnostics otherwise). */
export function load(text: string): Scenario {
  const r = parse(text);
  if (!r.ok) assert.fail(r.diagnostics.map(formatDiagnostic).join("\n"));
  return r.scenario;
}

/** The formatted warning lines. */
export function warnings(text: string): string[] {
  return parse(text).warnings.map(formatDiagnostic);
}

/** Step `i` of a scenario (fails the test when there is none). */
export function step(s: Scenario, i: number): Step {
  const found = s.steps[i];
  assert.ok(found, `no step ${i}`);
  return found;
}

/** One leaf step calling `git status`. */
export const ONE_STEP = leaf("[git, status]");
