/**
 * The `meta` stage: validates `meta` (salvaging what it can) and applies its rules:
 * a non-blank name (SCN-5), variable names (SCN-7), the security lists (SCN-8) and the
 * session TTL (SCN-9).
 *
 * @module
 */
import { z } from "zod";
import { compileGlob } from "../lang/glob.ts";
import { parseDuration } from "../lang/duration.ts";
import { type MetaDocument, MetaSchema } from "./schema.ts";
import type { ParseContext } from "./_context.ts";
import { type Cut, validateSalvaging } from "./_salvage.ts";

/** A variable or capture name. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_VARS = new Set(["capture", "any", "regex"]);

/** Salvage rules of `meta` (the name is replaced, see {@linkcode MetaSalvageSchema}). */
const _cutMeta: Cut = (path) => {
  const [first, second] = path;
  if (first === "name") return "keep";
  if (first === "description" || first === "vars") return [first];
  if (first === "security" || first === "session") {
    return second === undefined ? [first] : [first, second];
  }
  return undefined;
};

/** `meta` with any name, for checking the rest when the name is broken. */
const MetaSalvageSchema = MetaSchema.extend({
  name: z.unknown().transform((v) => (typeof v === "string" && v.trim() !== "" ? v : "?")),
}) as unknown as z.ZodType<MetaDocument>;

/** The result of {@linkcode readMeta}. */
export interface MetaPart {
  /** `meta` as read, possibly salvaged; undefined when absent or unreadable. */
  meta: MetaDocument | undefined;
  /** Whether `meta` was valid as written. */
  clean: boolean;
  /** The variables whose names are valid. */
  vars: Record<string, string>;
  /**
   * The names of the declared variables; undefined when they are unknown because `meta`
   * or `meta.vars` could not be read (the undefined-variable check TPL-5 is then skipped).
   */
  declared: ReadonlySet<string> | undefined;
}

/**
 * Reads and checks `root.meta`.
 *
 * @param root The document's root mapping.
 * @param ctx Receives the diagnostics.
 * @returns What could be read of `meta`.
 */
export function readMeta(root: Record<string, unknown>, ctx: ParseContext): MetaPart {
  let meta: MetaDocument | undefined;
  let clean = false;
  let varsLost = false;
  if ("meta" in root) {
    const r = validateSalvaging(MetaSchema, root.meta, "meta", ctx, {
      cut: _cutMeta,
      salvage: MetaSalvageSchema,
    });
    meta = r.data;
    clean = r.clean;
    varsLost = r.cuts.some((c) => c[0] === "vars");
  }
  const vars: Record<string, string> = {};
  if (meta !== undefined) {
    if (meta.name.trim() === "") ctx.error("meta.name", "meta.name must not be empty");
    _readVars(meta, ctx, vars);
    _checkSecurity(meta, ctx);
    _checkTtl(meta, ctx);
  }
  const declared = meta === undefined || varsLost ? undefined : new Set(Object.keys(vars));
  return { meta, clean, vars, declared };
}

/** Copies the variables with valid names into `vars`, reporting the others at their key. */
function _readVars(meta: MetaDocument, ctx: ParseContext, vars: Record<string, string>): void {
  for (const [key, value] of Object.entries(meta.vars ?? {})) {
    const p = `meta.vars.${key}`;
    if (!IDENTIFIER.test(key)) {
      ctx.errorAt(ctx.keyAt(p), p, `variable name "${key}" must match [A-Za-z_][A-Za-z0-9_]*`);
    } else if (RESERVED_VARS.has(key)) {
      ctx.errorAt(
        ctx.keyAt(p),
        p,
        `variable name "${key}" is reserved (capture, any and regex are template syntax)`,
      );
    } else vars[key] = value;
  }
}

function _checkSecurity(meta: MetaDocument, ctx: ParseContext): void {
  for (const [i, item] of (meta.security?.allowed_commands ?? []).entries()) {
    const p = `meta.security.allowed_commands[${i}]`;
    if (item.trim() === "") ctx.error(p, "must not be empty");
  }
  for (const [i, item] of (meta.security?.deny_env_vars ?? []).entries()) {
    const p = `meta.security.deny_env_vars[${i}]`;
    if (item === "") {
      ctx.error(p, "must not be empty");
      continue;
    }
    const g = compileGlob(item);
    if (!(g instanceof RegExp)) ctx.error(p, `invalid glob pattern "${item}": ${g.error}`);
  }
}

function _checkTtl(meta: MetaDocument, ctx: ParseContext): void {
  const ttl = meta.session?.ttl;
  if (ttl === undefined) return;
  const ms = parseDuration(ttl);
  const p = "meta.session.ttl";
  if (ms === undefined) {
    ctx.error(p, `invalid duration "${ttl}": expected a duration such as 30s, 10m or 1h`);
  } else if (ms <= 0) {
    ctx.error(p, `ttl must be greater than zero, got "${ttl}"`);
  }
}
