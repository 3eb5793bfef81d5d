/**
 * The GitHub Actions verification report: workflow commands (`::error …::…`) that the Actions
 * runner turns into annotations on the scenario file.
 *
 * @module
 */

import { errorDescription, stepFailureMessage, stepTestName } from "./_names.ts";
import { formatUnexpectedCall } from "./text.ts";
import type { VerifyResult } from "../types.ts";

/** Options of {@linkcode renderGitHub}. */
export interface GitHubOptions {
  /**
   * The scenario file as the annotations name it (`file=`): GitHub expects a path relative to
   * the repository root, so the CLI passes the path relative to its working directory.
   * @default {undefined} (no `file` nor `line` property)
   */
  file?: string;
}

/**
 * Renders a verification result as GitHub Actions workflow commands, one per line:
 *
 * - `::error file=<file>,line=<line>,title=cli-replay: step[<i>] unmet::<message>` for each step
 *   below its minimum, `line` being the step's line in the scenario source;
 * - `::error file=<file>,line=<line>,title=cli-replay: unexpected call::<message>` for each
 *   retained unexpected call, `line` being the line of the step the session expected (no `line`
 *   for a call after completion), and one more `::error` for the calls counted but not retained;
 * - one `::error file=<file>,title=cli-replay: <error>::<message>` for an error result;
 * - one `::notice file=<file>,title=cli-replay: passed::<summary>` when everything passed.
 *
 * `line` is left out when unknown, `file` and `line` when no file is given. Escaping follows
 * the runner's command syntax: in the message `%` → `%25`, CR → `%0D`, LF → `%0A`; in property
 * values additionally `:` → `%3A` and `,` → `%2C`.
 *
 * @example A failing step
 * ```ts
 * import { renderGitHub } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const text = renderGitHub({
 *   scenario: "demo", session: "default", passed: false, totalSteps: 1, consumedSteps: 0,
 *   steps: [{
 *     index: 0, label: "git push", line: 4, callCount: 0, min: 1, max: 1, passed: false,
 *     explicitCalls: false,
 *   }],
 *   unexpectedCalls: [], unexpectedCount: 0,
 * }, { file: "tests/demo.yaml" });
 * assert.equal(
 *   text,
 *   "::error file=tests/demo.yaml,line=4,title=cli-replay%3A step[0] unmet::" +
 *     'Scenario "demo": step[0]: git push — called 0 times, minimum 1 required\n',
 * );
 * ```
 *
 * @example A passing run gives one notice
 * ```ts
 * import { renderGitHub } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const text = renderGitHub({
 *   scenario: "demo", session: "default", passed: true, totalSteps: 1, consumedSteps: 1,
 *   steps: [{
 *     index: 0, label: "git push", line: 4, callCount: 1, min: 1, max: 1, passed: true,
 *     explicitCalls: false,
 *   }],
 *   unexpectedCalls: [], unexpectedCount: 0,
 * }, { file: "ci,a:b.yaml" });
 * assert.equal(
 *   text,
 *   "::notice file=ci%2Ca%3Ab.yaml,title=cli-replay%3A passed::" +
 *     'Scenario "demo" completed: 1/1 steps consumed\n',
 * );
 * ```
 *
 * @param r The verification result.
 * @param opts How to name the scenario file.
 * @returns The workflow commands; every line ends with `"\n"`.
 */
export function renderGitHub(r: VerifyResult, opts: GitHubOptions = {}): string {
  const file = opts.file;
  const scenario = `Scenario "${r.scenario}"`;
  const out: string[] = [];
  if (r.error !== undefined) {
    out.push(
      command(
        "error",
        { file, title: `cli-replay: ${r.error.message}` },
        `${scenario}: ${errorDescription(r.error)}`,
      ),
    );
  } else if (r.passed) {
    out.push(
      command(
        "notice",
        { file, title: "cli-replay: passed" },
        `${scenario} completed: ${r.consumedSteps}/${r.totalSteps} steps consumed`,
      ),
    );
  } else {
    for (const step of r.steps) {
      if (step.passed) continue;
      out.push(command(
        "error",
        { file, line: step.line, title: `cli-replay: step[${step.index}] unmet` },
        `${scenario}: ${stepTestName(step)} — ${stepFailureMessage(step)}`,
      ));
    }
    for (const call of r.unexpectedCalls) {
      const line = call.stepIndex === null ? undefined : r.steps[call.stepIndex]?.line;
      out.push(command(
        "error",
        { file, line, title: "cli-replay: unexpected call" },
        `${scenario}: unexpected call ${formatUnexpectedCall(call)}`,
      ));
    }
    const more = r.unexpectedCount - r.unexpectedCalls.length;
    if (more > 0) {
      out.push(command(
        "error",
        { file, title: "cli-replay: unexpected call" },
        `${scenario}: ${more} more unexpected ${
          more === 1 ? "call" : "calls"
        } (${r.unexpectedCount} in all)`,
      ));
    }
  }
  return out.map((l) => `${l}\n`).join("");
}

interface Properties {
  file: string | undefined;
  line?: number | undefined;
  title: string;
}

/** `::<name> k=v,…::<message>`; `line` only with a `file`, empty values left out. */
function command(name: string, props: Properties, message: string): string {
  const pairs: string[] = [];
  if (props.file !== undefined) {
    pairs.push(`file=${escapeProperty(props.file)}`);
    if (props.line !== undefined) pairs.push(`line=${props.line}`);
  }
  pairs.push(`title=${escapeProperty(props.title)}`);
  return `::${name} ${pairs.join(",")}::${escapeData(message)}`;
}

/** The runner's escapes for a command's message: `%`, CR, LF. */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** The runner's escapes for a property value: those of the message plus `:` and `,`. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
