/**
 * The rules that look at all steps together: command names that differ only in letter
 * case (their shims would collide), and capture references, which must name a capture
 * defined by a step of the same or an earlier block (SCN-25).
 *
 * @module
 */
import { letterCaseTwins } from "../lang/command_name.ts";
import { parseTemplate, templateCaptureIds } from "../lang/template.ts";
import type { Step } from "../types.ts";
import type { ParseContext } from "./_context.ts";
import type { StepDraft } from "./_layout.ts";

/**
 * Reports each command name that differs from an earlier one only in letter case.
 *
 * @param steps The steps, in file order.
 * @param ctx Receives the diagnostics.
 */
export function checkCommandNames(steps: readonly Step[], ctx: ParseContext): void {
  const twin = letterCaseTwins();
  for (const step of steps) {
    const cmd = step.argv[0]!;
    const prior = twin(cmd);
    if (prior !== undefined) {
      ctx.error(
        `${step.yamlPath}.match.argv[0]`,
        `command names "${prior}" and "${cmd}" differ only in letter case (their shims would collide)`,
      );
    }
  }
}

/**
 * Reports each `{{ .capture.<id> }}` in a response that no step defines, or that only a
 * later block defines (a forward reference).
 *
 * @param drafts The steps as read, for their blocks and paths.
 * @param steps The steps, in the same order.
 * @param ctx Receives the diagnostics.
 */
export function checkCaptureReferences(
  drafts: readonly StepDraft[],
  steps: readonly Step[],
  ctx: ParseContext,
): void {
  const definers = _captureDefiners(steps);
  for (const step of steps) {
    const block = drafts[step.index]!.block;
    for (const stream of ["stdout", "stderr"] as const) {
      const content = step.respond[stream];
      if (content.kind !== "text") continue;
      const parsed = parseTemplate(content.template);
      if (!parsed.ok) continue;
      const p = `${step.yamlPath}.respond.${stream}`;
      for (const id of templateCaptureIds(parsed.parts)) {
        const defs = definers.get(id) ?? [];
        if (defs.length === 0) {
          ctx.error(p, `capture "${id}" is not defined by any step`);
          continue;
        }
        const visible = defs.some((i) => i === step.index || drafts[i]!.block <= block);
        if (!visible) {
          ctx.error(
            p,
            `capture "${id}" is first defined at ${drafts[defs[0]!]!.path} (forward reference)`,
          );
        }
      }
    }
  }
}

/** The indexes of the steps that define each capture, in file order. */
function _captureDefiners(steps: readonly Step[]): Map<string, number[]> {
  const definers = new Map<string, number[]>();
  for (const step of steps) {
    for (const id of Object.keys(step.respond.capture)) {
      const list = definers.get(id) ?? [];
      list.push(step.index);
      definers.set(id, list);
    }
  }
  return definers;
}
