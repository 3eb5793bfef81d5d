/**
 * Scenario loading and validation (SCN, all): YAML text in, a validated
 * {@linkcode Scenario} or every diagnostic out. Pure: no file system access.
 *
 * {@linkcode parseScenario} runs these stages over one `ParseContext` (`_context.ts`), which
 * collects the diagnostics and the source positions. Each stage reports what is wrong
 * and hands on what it could read, so that one broken part hides nothing else:
 *
 * 1. `readDocument` (`_yaml_source.ts`): the text as exactly one YAML document;
 * 2. `toPlainData` (`_yaml_source.ts`): the document as plain data with positions;
 * 3. `_checkRootKeys`: the root has exactly the keys `meta` and `steps`;
 * 4. `readMeta` (`_meta.ts`): `meta` and its rules;
 * 5. `readLayout` (`_layout.ts`): the steps and groups, validated against the schema
 *    (`schema.ts`, issues worded by `_issues.ts`, salvaged by `_salvage.ts`);
 * 6. `buildStep` (`_step.ts`): the rules of each step;
 * 7. `readForbid` (`_forbid.ts`): the forbidden calls;
 * 8. `checkCommandNames`, `checkCaptureReferences` (`_across_steps.ts`): the rules
 *    across steps;
 * 9. `_assemble`: the {@linkcode Scenario}, when nothing was reported.
 *
 * @module
 */
import { z } from "zod";
import { parseDuration } from "../lang/duration.ts";
import type { Diagnostic, ForbidRule, Scenario, Step } from "../types.ts";
import type { MetaDocument } from "./schema.ts";
import { ParseContext } from "./_context.ts";
import { readDocument, toPlainData } from "./_yaml_source.ts";
import { reportIssues } from "./_issues.ts";
import { readMeta } from "./_meta.ts";
import { type Layout, readLayout } from "./_layout.ts";
import { buildStep } from "./_step.ts";
import { readsStdin } from "../replay/captures.ts";
import { readForbid } from "./_forbid.ts";
import { checkCaptureReferences, checkCommandNames } from "./_across_steps.ts";
import type { FileReference, SourcePosition } from "./types.ts";

export type { FileReference, SourcePosition } from "./types.ts";
export { DEFAULT_MAX_DELAY_MS, MAX_STDIN_BYTES } from "../limits.ts";

/** The result of {@linkcode parseScenario}. */
export type ParseResult =
  | {
    ok: true;
    scenario: Scenario;
    warnings: Diagnostic[];
    /** Every `stdout_file`/`stderr_file` reference. */
    fileRefs: FileReference[];
    /** Source position of a YAML path (value position), when known. */
    positions: ReadonlyMap<string, SourcePosition>;
  }
  | {
    ok: false;
    diagnostics: Diagnostic[];
    warnings: Diagnostic[];
    /**
     * The `stdout_file`/`stderr_file` references of the steps that could still be read, so
     * that `validate` can report missing files together with the other errors (VAL-3).
     */
    fileRefs: FileReference[];
  };

/** Options of {@linkcode parseScenario}. */
export interface ParseScenarioOptions {
  /** The file name to put in diagnostics, as the user gave it. @default {undefined} */
  file?: string;
}

const RootSchema = z.strictObject({
  meta: z.unknown(),
  steps: z.unknown(),
  forbid: z.unknown().optional(),
});

/**
 * Parses and validates scenario text (SCN-1..25). Never throws for bad input: every
 * problem comes back as a {@linkcode Diagnostic}, sorted by position.
 *
 * @example Usage
 * ```ts
 * import { parseScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const ok = parseScenario("meta: {name: demo}\nsteps:\n  - match: {argv: [git, status]}\n");
 * assert.ok(ok.ok);
 * const bad = parseScenario("meta: {name: demo}\nsteps:\n  - match: {argv: [git]}\n    respond: {stdot: x}\n");
 * assert.ok(!bad.ok);
 * assert.match(bad.diagnostics[0]!.message, /did you mean "stdout"/);
 * ```
 *
 * @param text The YAML text.
 * @param options The file name for diagnostics.
 * @returns The scenario and warnings, or all diagnostics.
 */
export function parseScenario(text: string, options: ParseScenarioOptions = {}): ParseResult {
  const ctx = new ParseContext(options.file);
  const fileRefs: FileReference[] = [];
  const source = readDocument(text, ctx);
  const root = source === undefined ? undefined : toPlainData(source, ctx);
  if (root === undefined) return _failure(ctx, fileRefs);
  _checkRootKeys(root, ctx);
  const { meta, clean: metaClean, vars, declared } = readMeta(root, ctx);
  const layout = readLayout(root, ctx);
  const steps = layout.drafts.map((d, index) => buildStep(d, index, { ctx, declared, fileRefs }));
  const forbid = readForbid(root, declared, ctx);
  checkCommandNames([...steps, ...forbid.rules], ctx);
  if (!layout.dropped) checkCaptureReferences(layout.drafts, steps, forbid.rules, ctx);
  if (
    ctx.failed || !metaClean || !layout.clean || !forbid.clean || meta === undefined ||
    declared === undefined
  ) {
    return _failure(ctx, fileRefs);
  }
  return {
    ok: true,
    scenario: _assemble(meta, vars, layout, steps, forbid.rules),
    warnings: ctx.sortedWarnings(),
    fileRefs,
    positions: ctx.valuePos,
  };
}

/** Reports keys of the root other than `meta` and `steps`, and either of them missing. */
function _checkRootKeys(root: Record<string, unknown>, ctx: ParseContext): void {
  const check = RootSchema.safeParse(root);
  if (!check.success) reportIssues(check.error.issues, root, "", ctx);
  for (const key of ["meta", "steps"]) {
    if (!(key in root) && !ctx.diagnostics.some((d) => d.message.includes(`"${key}"`))) {
      ctx.error("", `missing required key "${key}"`);
    }
  }
}

/** The scenario from the parts read by the stages, all of them valid. */
function _assemble(
  meta: MetaDocument,
  vars: Record<string, string>,
  layout: Layout,
  steps: Step[],
  forbid: ForbidRule[],
): Scenario {
  const commands: string[] = [];
  for (const s of [...steps, ...forbid]) {
    if (!commands.includes(s.argv[0]!)) commands.push(s.argv[0]!);
  }
  const security = meta.security ?? {};
  const ttl = meta.session?.ttl;
  return {
    meta: {
      name: meta.name,
      description: meta.description ?? "",
      vars,
      allowedCommands: security.allowed_commands ?? [],
      denyEnvVars: security.deny_env_vars ?? [],
      ...(ttl !== undefined ? { ttl, ttlMs: parseDuration(ttl)! } : {}),
    },
    elements: layout.elements,
    steps,
    groups: layout.groups,
    blocks: layout.blocks,
    commands,
    ...(forbid.length > 0 ? { forbid } : {}),
    stdinSteps: steps.filter(readsStdin).map((s) => s.index),
  };
}

function _failure(ctx: ParseContext, fileRefs: FileReference[]): ParseResult {
  return {
    ok: false,
    diagnostics: ctx.sortedDiagnostics(),
    warnings: ctx.sortedWarnings(),
    fileRefs,
  };
}
