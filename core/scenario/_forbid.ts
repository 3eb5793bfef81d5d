/**
 * The `forbid` stage (LANG-5): reads the top-level list of forbidden calls, each an argv prefix
 * pattern (items as in `match.argv`) and an optional message.
 *
 * @module
 */
import { z } from "zod";
import { classifyPatternElement } from "../lang/argv_pattern.ts";
import type { ForbidRule } from "../types.ts";
import { ForbidSchema } from "./schema.ts";
import type { ParseContext } from "./_context.ts";
import { validateSalvaging } from "./_salvage.ts";
import { checkCommandName } from "./_step.ts";

/** The result of {@linkcode readForbid}. */
export interface ForbidPart {
  /** The entries that could be read. */
  rules: ForbidRule[];
  /** Whether `forbid` was valid as written. */
  clean: boolean;
}

/**
 * Reads `root.forbid`.
 *
 * @param root The document's root mapping.
 * @param declared The declared variable names, when known.
 * @param ctx Receives the diagnostics.
 * @returns The entries.
 */
export function readForbid(
  root: Record<string, unknown>,
  declared: ReadonlySet<string> | undefined,
  ctx: ParseContext,
): ForbidPart {
  const part: ForbidPart = { rules: [], clean: true };
  if (!("forbid" in root)) return part;
  const list = z.array(z.unknown()).safeParse(root.forbid);
  if (!list.success) {
    ctx.error("forbid", "must be a sequence");
    part.clean = false;
    return part;
  }
  for (const [i, entry] of list.data.entries()) {
    const path = `forbid[${i}]`;
    const r = validateSalvaging(ForbidSchema, entry, path, ctx);
    if (!r.clean) part.clean = false;
    if (r.data === undefined) continue;
    const argv = r.data.argv;
    checkCommandName(argv[0] ?? "", `${path}.argv[0]`, ctx);
    for (let j = 1; j < argv.length; j++) {
      const el = classifyPatternElement(argv[j]!, declared ?? new Set());
      if (el.kind === "error") ctx.error(`${path}.argv[${j}]`, el.message);
    }
    part.rules.push({
      index: i,
      yamlPath: path,
      argv: [...argv],
      ...(r.data.message !== undefined ? { message: r.data.message } : {}),
    });
  }
  return part;
}
