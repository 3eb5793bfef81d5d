/**
 * Inserting recorded steps into an existing scenario file (RECM-1, `exec --record missing`):
 * the file is edited, not regenerated. Each new step's text goes in at the place its call
 * came, with the indentation of its neighbours; every other byte of the file, comments
 * included, stays as it was. Pure.
 *
 * @module
 */

import { isMap, isScalar, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import type { InsertPoint } from "./insert_point.ts";
import type { Placement } from "./convert.ts";
import { renderRecordedSteps } from "./scenario_writer.ts";

/** The result of {@linkcode spliceRecordedSteps}. */
export type SpliceResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly message: string };

/** A text insertion at an offset of the original text. */
interface Insertion {
  offset: number;
  text: string;
}

/** Where the items of a block sequence start: the offset of an item's `-`. */
function _dashOf(text: string, itemStart: number): number {
  let at = itemStart - 1;
  while (at >= 0 && (text[at] === " " || text[at] === "\t")) at--;
  return text[at] === "-" ? at : itemStart;
}

function _lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/**
 * Where a new item goes in front of `item`: at the start of the line of its `-`, or above
 * the comment lines right above that line (they speak of the item).
 */
function _before(text: string, itemStart: number): { offset: number; indent: number } {
  const dash = _dashOf(text, itemStart);
  let offset = _lineStart(text, dash);
  const indent = dash - offset;
  while (offset > 0) {
    const previous = _lineStart(text, offset - 1);
    if (!/^[ \t]*#/.test(text.slice(previous, offset - 1))) break;
    offset = previous;
  }
  return { offset, indent };
}

/** Where new items go after the last item of a block sequence. */
function _after(text: string, seq: YAMLSeq): { offset: number; indent: number } | undefined {
  const first = seq.items[0] as { range?: [number, number, number] } | undefined;
  const last = seq.items.at(-1) as { range?: [number, number, number] } | undefined;
  if (first?.range === undefined || last?.range === undefined) return undefined;
  const dash = _dashOf(text, first.range[0]);
  return { offset: last.range[1], indent: dash - _lineStart(text, dash) };
}

/** The `steps` sequence of a group element, or of the document. */
function _steps(map: unknown): YAMLSeq | undefined {
  if (!isMap(map)) return undefined;
  const steps = (map as YAMLMap).get("steps", true);
  return isSeq(steps) ? steps : undefined;
}

/** The group elements of `steps`, in order (the scenario numbers its groups so). */
function _groups(steps: YAMLSeq): YAMLMap[] {
  const groups: YAMLMap[] = [];
  for (const item of steps.items) {
    if (
      isMap(item) && item.items.some((pair) => isScalar(pair.key) && pair.key.value === "group")
    ) {
      const group = item.get("group", true);
      if (isMap(group)) groups.push(group);
    }
  }
  return groups;
}

/** The text position for one place, or why there is none. */
function _position(
  text: string,
  steps: YAMLSeq,
  at: InsertPoint,
): { offset: number; indent: number } | string {
  if ("before" in at) {
    const item = steps.items[at.before] as { range?: [number, number, number] } | undefined;
    if (item?.range !== undefined) return _before(text, item.range[0]);
    return _after(text, steps) ?? "the scenario's steps have no position";
  }
  const group = _groups(steps)[at.group];
  const members = group === undefined ? undefined : _steps(group);
  if (members === undefined || members.items.length === 0) {
    return `group ${at.group + 1} of the scenario has no steps to add to`;
  }
  if (members.flow) return `group ${at.group + 1} writes its steps as a flow sequence`;
  return _after(text, members) ?? `group ${at.group + 1} has no position`;
}

/**
 * Inserts new steps into the text of a scenario, each place's steps at the place its calls
 * came (before a top-level element, at the end, or at the end of a group's members), with
 * the indentation of that sequence. Nothing else of the text changes. A scenario whose
 * `steps` is a flow sequence (`steps: [...]`) is rewritten through the YAML document instead;
 * its comments are kept, its layout may change.
 *
 * @example Usage
 * ```ts
 * import { spliceRecordedSteps } from "./splice.ts";
 * import assert from "node:assert/strict";
 * const text = "meta: {name: s}\nsteps:\n  # first\n  - match: {argv: [a]}\n";
 * const answers = [{ exit: 0, stdout: new Uint8Array(), stderr: new Uint8Array() }];
 * const result = spliceRecordedSteps(text, [{ at: { before: 0 }, steps: [{ argv: ["z"], answers }] }]);
 * assert.deepEqual(result, {
 *   ok: true,
 *   text: 'meta: {name: s}\nsteps:\n  - match:\n      argv: ["z"]\n    respond:\n      exit: 0\n  # first\n  - match: {argv: [a]}\n',
 * });
 * ```
 *
 * @param text The scenario file's text.
 * @param placements The new steps by place.
 * @returns The new text, or why the steps cannot be inserted.
 */
export function spliceRecordedSteps(text: string, placements: readonly Placement[]): SpliceResult {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return { ok: false, message: doc.errors[0]!.message };
  const steps = _steps(doc.contents);
  if (steps === undefined) return { ok: false, message: `the scenario has no "steps" sequence` };
  if (steps.flow) return _viaDocument(doc, steps, placements);
  const insertions: Insertion[] = [];
  for (const placement of placements) {
    if (placement.steps.length === 0) continue;
    const position = _position(text, steps, placement.at);
    if (typeof position === "string") return { ok: false, message: position };
    const body = renderRecordedSteps(placement.steps, position.indent);
    const last = insertions.at(-1);
    if (last !== undefined && last.offset === position.offset) last.text += body;
    else insertions.push({ offset: position.offset, text: body });
  }
  let out = text;
  for (const insertion of [...insertions].sort((a, b) => b.offset - a.offset)) {
    const lead = insertion.offset > 0 && out[insertion.offset - 1] !== "\n" ? "\n" : "";
    out = out.slice(0, insertion.offset) + lead + insertion.text + out.slice(insertion.offset);
  }
  return { ok: true, text: out };
}

/** The fallback for `steps: [...]`: add the new items to the document and print it again. */
function _viaDocument(
  doc: ReturnType<typeof parseDocument>,
  steps: YAMLSeq,
  placements: readonly Placement[],
): SpliceResult {
  const sorted = [...placements].filter((p) => "before" in p.at)
    .sort((a, b) => ("before" in b.at ? b.at.before : 0) - ("before" in a.at ? a.at.before : 0));
  if (sorted.length !== placements.length) {
    return { ok: false, message: "a flow sequence of steps has no groups to add to" };
  }
  for (const placement of sorted) {
    const parsed = parseDocument(renderRecordedSteps(placement.steps, 0));
    const items = isSeq(parsed.contents) ? parsed.contents.items : [];
    const at = "before" in placement.at ? placement.at.before : steps.items.length;
    steps.items.splice(at, 0, ...items);
  }
  steps.flow = false;
  return { ok: true, text: doc.toString({ lineWidth: 0 }) };
}
