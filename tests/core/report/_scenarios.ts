/**
 * Scenarios for the TAP and GitHub report tests, parsed from real YAML so that every step
 * carries the line the parser found for it.
 *
 * @module
 */
import { parseScenario } from "../../../core/scenario/parse.ts";
import type { Scenario } from "../../../core/types.ts";

/**
 * The "deploy-app" shape (an ordered step, an unordered group with an optional member, a last
 * step), one step per line so each step's line holds its argv.
 */
export const DEPLOY_YAML: string = [
  "meta: {name: deploy-app}", //                          1
  "steps:", //                                            2
  "  - match: {argv: [git, status]}", //                  3
  "  - group:", //                                        4
  "      name: pre-flight", //                            5
  "      mode: unordered", //                             6
  "      steps:", //                                      7
  "        - match: {argv: [az, account, show]}", //      8
  "        - match: {argv: [docker, info]}", //           9
  "          calls: {min: 0, max: 2}", //                 10
  "  - match: {argv: [kubectl, get, pods]}", //           11
  "",
].join("\n");

/**
 * One step whose argv holds every character the reports escape: `#` and `\` (TAP), `%`, `:`
 * and `,` (GitHub), LF and CR (both); the name has a `#` and a line break.
 */
export const ODD_YAML: string = [
  `meta: {name: "odd # name\\nline2"}`, //                                         1
  "steps:", //                                                                      2
  `  - match: {argv: [echo, "a#b", 'c\\d', "l1\\nl2\\r", '100%', 'k:v,w']}`, //     3
  "",
].join("\n");

/**
 * Parses a scenario and fails on any diagnostic.
 *
 * @param yaml The scenario text.
 * @returns The validated scenario.
 * @throws {Error} When the text is not a valid scenario.
 */
export function parsed(yaml: string): Scenario {
  const r = parseScenario(yaml, { file: "test.yaml" });
  if (!r.ok) throw new Error(`invalid test scenario: ${JSON.stringify(r.diagnostics)}`);
  return r.scenario;
}
