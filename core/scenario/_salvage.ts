/**
 * Validation that reports every issue and keeps what can still be checked (SCN-22:
 * report all problems, and only real ones). The stages validate each part of the
 * document (meta, each group header, each step) with {@linkcode validateSalvaging}.
 *
 * @module
 */
import type { z } from "zod";
import type { ParseContext } from "./_context.ts";
import { flattenIssues, getAt, reportIssues } from "./_issues.ts";

/**
 * Where to cut a value that failed validation so the rest can still be checked: a path to
 * delete, `"keep"` when the salvage schema tolerates the issue, or `undefined` to give up.
 */
export type Cut = (path: readonly PropertyKey[]) => PropertyKey[] | "keep" | undefined;

/** The result of {@linkcode validateSalvaging}. */
export interface Salvaged<T> {
  /** The data, possibly with broken parts removed; undefined when nothing could be saved. */
  data: T | undefined;
  /** Whether the value was valid as written. */
  clean: boolean;
  /** The paths that were removed because their values were invalid. */
  cuts: PropertyKey[][];
}

/** How {@linkcode validateSalvaging} saves what it can of an invalid value. */
export interface SalvageOptions<T> {
  /** Where to cut each issue; without it, any issue other than an unknown key gives up. */
  cut?: Cut;
  /** The schema the cut value is validated against. @default {schema} */
  salvage?: z.ZodType<T>;
}

/**
 * Validates `value` against `schema`, reporting every issue. When the value is invalid, the
 * unknown keys and the invalid parts named by `cut` are removed and the rest is validated
 * again (against `salvage` when given), so that the semantic checks still run on what is
 * left and no follow-on diagnostics appear.
 *
 * @param schema The schema of the part.
 * @param value The part as plain data.
 * @param base The YAML path of the part.
 * @param ctx Receives the diagnostics.
 * @param options Where to cut, and the schema of what is left.
 * @returns The data that could be saved, whether it was clean, and what was cut.
 */
export function validateSalvaging<T>(
  schema: z.ZodType<T>,
  value: unknown,
  base: string,
  ctx: ParseContext,
  options: SalvageOptions<T> = {},
): Salvaged<T> {
  const r = schema.safeParse(value);
  if (r.success) return { data: r.data, clean: true, cuts: [] };
  reportIssues(r.error.issues, value, base, ctx);
  const failed: Salvaged<T> = { data: undefined, clean: false, cuts: [] };
  if (value === null || typeof value !== "object" || Array.isArray(value)) return failed;
  const clone = structuredClone(value);
  const cuts: PropertyKey[][] = [];
  for (const issue of flattenIssues(r.error.issues)) {
    if (issue.code === "unrecognized_keys") {
      const target = getAt(clone, issue.path);
      if (target === null || typeof target !== "object") continue;
      for (const key of issue.keys) delete (target as Record<string, unknown>)[key];
      continue;
    }
    const where = options.cut?.(issue.path);
    if (where === undefined || (Array.isArray(where) && where.length === 0)) return failed;
    if (where === "keep") continue;
    _deleteAt(clone, where);
    cuts.push(where);
  }
  const retry = (options.salvage ?? schema).safeParse(clone);
  return { data: retry.success ? retry.data : undefined, clean: false, cuts };
}

function _deleteAt(root: unknown, path: readonly PropertyKey[]): void {
  const parent = getAt(root, path.slice(0, -1));
  if (parent !== null && typeof parent === "object" && path.length > 0) {
    delete (parent as Record<PropertyKey, unknown>)[path.at(-1)!];
  }
}
