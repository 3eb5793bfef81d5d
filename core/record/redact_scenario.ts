/**
 * Redaction of an existing scenario file (RECM-2, `cli-replay redact`): the rules of
 * {@linkcode redactText} applied to every step's argv, stdin, stdout and stderr, by editing
 * the text of the values that change and nothing else. Pure.
 *
 * @module
 */

import { isMap, isScalar, isSeq, parseDocument, type Scalar, type YAMLMap } from "yaml";
import { argvItem, blockLiteral, blockSafe, doubleQuoted } from "./_scalars.ts";
import { redactArgvItem, type RedactRules, redactText } from "./redact.ts";
import type { RedactionCounts } from "./redact_steps.ts";

/** One value that changed. */
export interface RedactedValue {
  /** YAML path, e.g. `steps[2].respond.stdout`. */
  readonly path: string;
  /** 1-based line of the value. */
  readonly line: number;
  /** 1-based column of the value. */
  readonly column: number;
  /** One label per redacted part. */
  readonly labels: readonly string[];
}

/** The result of {@linkcode redactScenarioText}. */
export type RedactScenarioResult =
  | {
    readonly ok: true;
    /** The new text (the same text when nothing changed). */
    readonly text: string;
    /** The values that changed, in file order. */
    readonly changes: readonly RedactedValue[];
    /** Values redacted, by label. */
    readonly counts: RedactionCounts;
  }
  | { readonly ok: false; readonly message: string };

interface Edit {
  start: number;
  end: number;
  text: string;
}

type Ranged = { range?: [number, number, number] | null };

function _lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Line and column (1-based) of an offset. */
function _where(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return { line, column: offset - _lineStart(text, offset) + 1 };
}

/** The new source text of a string scalar whose value becomes `value`. */
function _scalarText(text: string, node: Scalar, keyStart: number, value: string): string {
  const block = node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED";
  if (block && value.includes("\n") && blockSafe(value)) {
    return `${blockLiteral(value, keyStart - _lineStart(text, keyStart))}\n`;
  }
  return block ? `${doubleQuoted(value)}\n` : doubleQuoted(value);
}

/** Whether a scalar holds text this command may edit (a string, not `!!binary`). */
function _isText(node: unknown): node is Scalar<string> & Ranged {
  return isScalar(node) && typeof node.value === "string" &&
    node.tag !== "tag:yaml.org,2002:binary" &&
    (node as Ranged).range != null;
}

/** The pair of `map` whose key is `key`. */
function _pair(map: YAMLMap, key: string) {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key);
}

/** Collects the edits for one leaf step. */
class _StepEditor {
  readonly edits: Edit[] = [];
  readonly changes: RedactedValue[] = [];
  readonly counts = new Map<string, number>();
  constructor(readonly text: string, readonly rules: RedactRules) {}

  #count(path: string, offset: number, labels: readonly string[]): void {
    for (const label of labels) this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    this.changes.push({ path, ..._where(this.text, offset), labels });
  }

  step(step: unknown, path: string): void {
    if (!isMap(step)) return;
    const match = step.get("match", true);
    if (isMap(match)) {
      this.#argv(match, `${path}.match.argv`);
      this.#stdin(match, `${path}.match.stdin`);
    }
    const respond = step.get("respond", true);
    const answers = isSeq(respond) ? respond.items : [respond];
    for (const [i, answer] of answers.entries()) {
      if (!isMap(answer)) continue;
      const at = isSeq(respond) ? `${path}.respond[${i}]` : `${path}.respond`;
      for (const key of ["stdout", "stderr"]) this.#output(answer, key, `${at}.${key}`);
    }
  }

  #argv(match: YAMLMap, path: string): void {
    const argv = match.get("argv", true);
    if (!isSeq(argv)) return;
    for (const [i, item] of argv.items.entries()) {
      if (i === 0 || !_isText(item) || item.value.includes("{{")) continue;
      const redacted = redactArgvItem(item.value, this.rules);
      if (redacted.labels.length === 0) continue;
      const [start, end] = item.range!;
      this.edits.push({ start, end, text: argvItem(redacted.item) });
      this.#count(`${path}[${i}]`, start, redacted.labels);
    }
  }

  #output(answer: YAMLMap, key: string, path: string): void {
    const pair = _pair(answer, key);
    const node = pair?.value;
    if (!_isText(node)) return;
    const redacted = redactText(node.value, this.rules);
    if (redacted.labels.length === 0) return;
    const [start, end] = node.range!;
    const keyStart = (pair!.key as Ranged).range?.[0] ?? start;
    this.edits.push({ start, end, text: _scalarText(this.text, node, keyStart, redacted.text) });
    this.#count(path, start, redacted.labels);
  }

  /** Stdin that held a secret can no longer be matched: the key goes, a comment stays. */
  #stdin(match: YAMLMap, path: string): void {
    const pair = _pair(match, "stdin");
    const node = pair?.value;
    if (!_isText(node)) return;
    const redacted = redactText(node.value, this.rules);
    if (redacted.labels.length === 0) return;
    const keyStart = (pair!.key as Ranged).range![0];
    const valueEnd = node.range![1];
    const shown = redacted.text.length > 120 ? `${redacted.text.slice(0, 120)}…` : redacted.text;
    if (match.flow) {
      this.edits.push(this.#flowRemoval(keyStart, valueEnd));
    } else {
      const lineStart = _lineStart(this.text, keyStart);
      const indent = this.text.slice(lineStart, keyStart);
      const end = this.text[valueEnd - 1] === "\n"
        ? valueEnd
        : (this.text.indexOf("\n", valueEnd) + 1 || this.text.length);
      this.edits.push({
        start: lineStart,
        end,
        text: `${indent}# stdin held a secret, so it is not matched: ${JSON.stringify(shown)}\n`,
      });
    }
    this.#count(path, keyStart, redacted.labels);
  }

  /** Removes `key: value` from a flow mapping with one of the commas around it. */
  #flowRemoval(start: number, end: number): Edit {
    const text = this.text;
    let before = start - 1;
    while (before >= 0 && /\s/.test(text[before]!)) before--;
    if (text[before] === ",") return { start: before, end, text: "" };
    let after = end;
    while (after < text.length && /\s/.test(text[after]!)) after++;
    if (text[after] === ",") after++;
    while (after < text.length && text[after] === " ") after++;
    return { start, end: after, text: "" };
  }
}

/**
 * Redacts the steps of a scenario's text (RECM-2): literal argv items after the command
 * (items with `{{` are patterns already and stay), string stdin, stdout and stderr of every
 * leaf step, group members included, and of every answer of an answer sequence. A stdin
 * that held a secret is replaced by a comment, since the replayed call cannot send the same
 * text. Values that do not change keep their text, and so does everything else in the file.
 *
 * @example Usage
 * ```ts
 * import { redactScenarioText } from "./redact_scenario.ts";
 * import assert from "node:assert/strict";
 * const text = "meta: {name: s}\nsteps:\n  - match: {argv: [gh, --token=ghp_secret1]}  # login\n" +
 *   "    respond: {stdout: \"hello ghp_secret1\\n\"}\n";
 * const result = redactScenarioText(text, { secrets: { GH_TOKEN: "ghp_secret1" }, patterns: [] });
 * assert.ok(result.ok);
 * assert.equal(
 *   result.text,
 *   "meta: {name: s}\nsteps:\n  - match: {argv: [gh, '{{ .regex \"^--token=.*$\" }}']}  # login\n" +
 *     "    respond: {stdout: \"hello [REDACTED:GH_TOKEN]\\n\"}\n",
 * );
 * assert.deepEqual([...result.counts], [["GH_TOKEN", 2]]);
 * ```
 *
 * @param text The scenario file's text.
 * @param rules What to redact.
 * @returns The new text with what changed, or why the text cannot be read.
 */
export function redactScenarioText(text: string, rules: RedactRules): RedactScenarioResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { ok: false, message: doc.errors[0]!.message };
  const root = doc.contents;
  const steps = isMap(root) ? root.get("steps", true) : undefined;
  const editor = new _StepEditor(text, rules);
  if (isSeq(steps)) {
    for (const [i, element] of steps.items.entries()) {
      const group = isMap(element) ? element.get("group", true) : undefined;
      const members = isMap(group) ? group.get("steps", true) : undefined;
      if (isSeq(members)) {
        for (const [j, member] of members.items.entries()) {
          editor.step(member, `steps[${i}].group.steps[${j}]`);
        }
      } else editor.step(element, `steps[${i}]`);
    }
  }
  let out = text;
  for (const edit of [...editor.edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  const changes = [...editor.changes].sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: true, text: out, changes, counts: editor.counts };
}
