/**
 * The layout stage: reads `steps` into leaf steps and groups (SCN-11, SCN-12, SCN-18),
 * each validated against the schema, and flattens them in file order (SCN-19). A broken
 * element is reported and left out; the others are still read.
 *
 * @module
 */
import { z } from "zod";
import type { Block, GroupRange, StepElement } from "../types.ts";
import { GroupSchema, type LeafStepDocument, LeafStepSchema } from "./schema.ts";
import type { ParseContext } from "./_context.ts";
import { type Cut, validateSalvaging } from "./_salvage.ts";

/** A leaf step as read, before the step rules. */
export interface StepDraft {
  /** The step as validated by the schema. */
  raw: LeafStepDocument;
  /** YAML path of the step. */
  path: string;
  /** Index of its block (a lone step or a group). */
  block: number;
  /** Name of its group, when in one. */
  group?: string;
}

/** The result of {@linkcode readLayout}. */
export interface Layout {
  /** Every leaf step that could be read, flattened in file order. */
  drafts: StepDraft[];
  /** The top-level elements, in file order. */
  elements: StepElement[];
  /** The groups, each a range of `drafts`. */
  groups: GroupRange[];
  /** The blocks, each a range of `drafts`: a lone step or a group. */
  blocks: Block[];
  /** Whether `steps` and every element were valid as written. */
  clean: boolean;
  /** Whether an element was too broken to read (its captures are unknown). */
  dropped: boolean;
}

/** `group` with its members left unchecked: they are validated one by one. */
const GroupHeaderSchema = GroupSchema.extend({ steps: z.array(z.unknown()).min(1) });
type GroupHeader = z.infer<typeof GroupHeaderSchema>;

/** `group` with any mode, for checking the members when the mode is wrong. */
const GroupSalvageSchema = GroupHeaderSchema.extend({ mode: z.unknown() }) as unknown as z.ZodType<
  GroupHeader
>;

/** Salvage rules of a leaf step: broken bounds and response fields fall back to defaults. */
const _cutLeaf: Cut = (path) => {
  const [first, second] = path;
  if (first === "calls" || first === "when") return [first];
  if (first === "respond") {
    if (second === undefined) return ["respond"];
    // In a list of answers, a broken field is cut from its answer.
    const third = path[2];
    return typeof second === "number" && third !== undefined
      ? ["respond", second, third]
      : ["respond", second];
  }
  if (first === "match" && (second === "stdin" || second === "env")) return ["match", second];
  return undefined;
};

/** Salvage rules of a group header: a bad mode is tolerated, a bad name is dropped. */
const _cutGroup: Cut = (path) => {
  const [first] = path;
  if (first === "mode") return "keep";
  if (first === "name") return ["name"];
  return undefined;
};

/**
 * Reads `root.steps`.
 *
 * @param root The document's root mapping.
 * @param ctx Receives the diagnostics.
 * @returns The steps and groups that could be read.
 */
export function readLayout(root: Record<string, unknown>, ctx: ParseContext): Layout {
  const layout: Layout = {
    drafts: [],
    elements: [],
    groups: [],
    blocks: [],
    clean: true,
    dropped: false,
  };
  const stepsValue = root.steps;
  if (!("steps" in root)) layout.clean = false;
  else if (!Array.isArray(stepsValue)) {
    ctx.error("steps", "must be a sequence");
    layout.clean = false;
    layout.dropped = true;
  } else if (stepsValue.length === 0) {
    ctx.error("steps", "must have at least one step");
    layout.clean = false;
  }
  const groupPaths = new Map<string, string>();
  let groupOrdinal = 0;
  for (const [i, element] of (Array.isArray(stepsValue) ? stepsValue : []).entries()) {
    const path = `steps[${i}]`;
    if (_isMapping(element) && "group" in element) {
      _readGroup(element, path, ++groupOrdinal, ctx, layout, groupPaths);
    } else _readLone(element, path, ctx, layout);
  }
  return layout;
}

function _isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function _readLone(element: unknown, path: string, ctx: ParseContext, layout: Layout): void {
  const raw = _readLeaf(element, path, ctx, layout);
  if (raw === undefined) return;
  layout.elements.push({ kind: "step", step: layout.drafts.length });
  layout.blocks.push({ start: layout.drafts.length, end: layout.drafts.length + 1 });
  layout.drafts.push({ raw, path, block: layout.blocks.length - 1 });
}

/** Validates a leaf step; undefined when nothing of it could be read. */
function _readLeaf(
  value: unknown,
  path: string,
  ctx: ParseContext,
  layout: Layout,
): LeafStepDocument | undefined {
  const r = validateSalvaging(LeafStepSchema, value, path, ctx, { cut: _cutLeaf });
  if (!r.clean) layout.clean = false;
  if (_capturesLost(r.cuts) || r.data === undefined) layout.dropped = true;
  return r.data;
}

/** Whether removed parts may have held captures (so capture references cannot be checked). */
function _capturesLost(cuts: readonly PropertyKey[][]): boolean {
  return cuts.some((c) =>
    c[0] === "respond" &&
    (c.length === 1 || c[1] === "capture" || (typeof c[1] === "number" && c.length === 2) ||
      c[2] === "capture")
  );
}

/**
 * Reads a group element (`ordinal` counts the group elements so far, for the default
 * name); `groupPaths` maps each group name to the path of the group that took it.
 */
function _readGroup(
  element: Record<string, unknown>,
  path: string,
  ordinal: number,
  ctx: ParseContext,
  layout: Layout,
  groupPaths: Map<string, string>,
): void {
  const keys = Object.keys(element);
  if (keys.length > 1) {
    const others = keys.filter((k) => k !== "group").map((k) => `"${k}"`).join(", ");
    ctx.error(path, `a group element must have only the key "group", found also ${others}`);
    layout.clean = false;
    layout.dropped = true;
    return;
  }
  const groupPath = `${path}.group`;
  const header = validateSalvaging(GroupHeaderSchema, element.group, groupPath, ctx, {
    cut: _cutGroup,
    salvage: GroupSalvageSchema,
  });
  if (!header.clean) layout.clean = false;
  const g = header.data;
  const name = g?.name ?? `group-${ordinal}`;
  // Members are checked one by one, so that one broken member hides nothing else.
  const members = _readMembers(
    g?.steps ?? _writtenSteps(element.group),
    groupPath,
    name,
    ctx,
    layout,
  );
  if (g === undefined) {
    layout.dropped = true;
    return;
  }
  _checkGroupName(g.name, name, path, ctx, groupPaths);
  const start = layout.drafts.length;
  layout.drafts.push(...members);
  layout.groups.push({ name, start, end: layout.drafts.length });
  layout.elements.push({ kind: "group", group: layout.groups.length - 1 });
  layout.blocks.push({ start, end: layout.drafts.length, group: layout.groups.length - 1 });
}

/** The members of a group whose header could not be read, as written. */
function _writtenSteps(group: unknown): unknown[] {
  return Array.isArray((group as { steps?: unknown } | null)?.steps)
    ? (group as { steps: unknown[] }).steps
    : [];
}

function _readMembers(
  values: readonly unknown[],
  groupPath: string,
  name: string,
  ctx: ParseContext,
  layout: Layout,
): StepDraft[] {
  const drafts: StepDraft[] = [];
  for (const [j, m] of values.entries()) {
    const mp = `${groupPath}.steps[${j}]`;
    if (_isMapping(m) && "group" in m) {
      ctx.error(mp, "nested groups are not allowed");
      layout.clean = false;
      layout.dropped = true;
      continue;
    }
    const raw = _readLeaf(m, mp, ctx, layout);
    if (raw !== undefined) drafts.push({ raw, path: mp, block: layout.blocks.length, group: name });
  }
  return drafts;
}

/** Checks a group's name: not blank, and not taken by an earlier group. */
function _checkGroupName(
  written: string | undefined,
  name: string,
  path: string,
  ctx: ParseContext,
  groupPaths: Map<string, string>,
): void {
  const namePath = `${path}.group.name`;
  if (written !== undefined && written.trim() === "") {
    ctx.error(namePath, "group.name must not be empty");
  }
  const previous = groupPaths.get(name);
  if (previous !== undefined) {
    ctx.errorAt(
      ctx.valueAt(namePath) ?? ctx.valueAt(path),
      `${path}.group`,
      `duplicate group name "${name}" (also used by ${previous})`,
    );
  }
  groupPaths.set(name, path);
}
