/**
 * Redaction of recorded steps (RECM-2): the rules of `redact.ts` applied to every argv item
 * after the command name, stdin, and every answer's stdout and stderr, with a count of what
 * was cut by name. Pure.
 *
 * @module
 */

import { decodeUtf8 } from "./_bytes.ts";
import type { RecordedAnswer, RecordedStep } from "./scenario_writer.ts";
import { redactArgvItem, redactBytes, type RedactRules } from "./redact.ts";

/** How many values were redacted, by label, in the order first seen. */
export type RedactionCounts = ReadonlyMap<string, number>;

function _count(counts: Map<string, number>, labels: readonly string[]): void {
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
}

/** Longest stdin shown in the comment of a step whose stdin held a secret. */
const STDIN_NOTE_MAX = 120;

/**
 * Redacts recorded steps (RECM-2): argv items after the command name, stdin, and every
 * answer's stdout and stderr. A step whose stdin held a secret stops matching on stdin (the
 * replayed call cannot send the same text once the secret is gone); a comment in its `match`
 * shows the redacted stdin.
 *
 * @example Usage
 * ```ts
 * import { redactSteps } from "./redact_steps.ts";
 * import assert from "node:assert/strict";
 * const enc = new TextEncoder();
 * const { steps, counts } = redactSteps([{
 *   argv: ["gh", "api", "--token=s3cr3tvalue"],
 *   answers: [{ exit: 0, stdout: enc.encode("hi s3cr3tvalue\n"), stderr: new Uint8Array() }],
 * }], { secrets: { GH_TOKEN: "s3cr3tvalue" }, patterns: [] });
 * assert.deepEqual(steps[0]?.argv, ["gh", "api", '{{ .regex "^--token=.*$" }}']);
 * assert.equal(new TextDecoder().decode(steps[0]?.answers[0]?.stdout), "hi [REDACTED:GH_TOKEN]\n");
 * assert.deepEqual([...counts], [["GH_TOKEN", 2]]);
 * ```
 *
 * @param steps The steps.
 * @param rules What to redact.
 * @returns The redacted steps and how many values were redacted, by label.
 */
export function redactSteps(
  steps: readonly RecordedStep[],
  rules: RedactRules,
): { readonly steps: RecordedStep[]; readonly counts: RedactionCounts } {
  const counts = new Map<string, number>();
  const out = steps.map((step): RecordedStep => {
    const argv = step.argv.map((item, i) => {
      if (i === 0) return item;
      const redacted = redactArgvItem(item, rules);
      _count(counts, redacted.labels);
      return redacted.item;
    });
    const answers = step.answers.map((answer): RecordedAnswer => {
      const stdout = redactBytes(answer.stdout, rules);
      const stderr = redactBytes(answer.stderr, rules);
      _count(counts, stdout.labels);
      _count(counts, stderr.labels);
      return { exit: answer.exit, stdout: stdout.bytes, stderr: stderr.bytes };
    });
    const { stdin: _stdin, note: _note, argv: _argv, answers: _answers, ...rest } = step;
    let stdin = step.stdin;
    let note = step.note;
    if (stdin !== undefined) {
      const redacted = redactBytes(stdin, rules);
      if (redacted.labels.length > 0) {
        _count(counts, redacted.labels);
        const shown = decodeUtf8(redacted.bytes) ?? "(binary)";
        const clipped = shown.length > STDIN_NOTE_MAX
          ? `${shown.slice(0, STDIN_NOTE_MAX)}…`
          : shown;
        note = `stdin held a secret, so it is not matched: ${JSON.stringify(clipped)}`;
        stdin = undefined;
      }
    }
    return {
      ...rest,
      argv,
      ...(stdin !== undefined ? { stdin } : {}),
      ...(note !== undefined ? { note } : {}),
      answers,
    };
  });
  return { steps: out, counts };
}

/**
 * The summary line of a redaction: `redacted 4 values (GITHUB_TOKEN ×3, regex ×1)`.
 *
 * @example Usage
 * ```ts
 * import { formatRedactionSummary } from "./redact_steps.ts";
 * import assert from "node:assert/strict";
 * const counts = new Map([["GITHUB_TOKEN", 3], ["regex", 1]]);
 * assert.equal(formatRedactionSummary(counts), "redacted 4 values (GITHUB_TOKEN ×3, regex ×1)");
 * assert.equal(formatRedactionSummary(new Map()), undefined);
 * ```
 *
 * @param counts Values redacted, by label.
 * @returns The line (without a newline), or `undefined` when nothing was redacted.
 */
export function formatRedactionSummary(counts: RedactionCounts): string | undefined {
  let total = 0;
  for (const n of counts.values()) total += n;
  if (total === 0) return undefined;
  const parts = [...counts].map(([label, n]) => `${label} ×${n}`).join(", ");
  return `redacted ${total} value${total === 1 ? "" : "s"} (${parts})`;
}
