/**
 * The rules that look at all steps together: command names that differ only in letter
 * case (their shims would collide), and capture references, which must name a capture
 * defined by a step of the same or an earlier block (SCN-25).
 *
 * @module
 */
import { letterCaseTwins } from "../lang/command_name.ts";
import { parseTemplate, templateCaptureIds } from "../lang/template.ts";
import { captureRefs, classifyPatternElement, regexGroupNames } from "../lang/argv_pattern.ts";
import type { ForbidRule, Step } from "../types.ts";
import type { ParseContext } from "./_context.ts";
import type { StepDraft } from "./_layout.ts";

/**
 * Reports each command name that differs from an earlier one only in letter case.
 *
 * @param steps The steps, in file order.
 * @param ctx Receives the diagnostics.
 */
export function checkCommandNames(
  steps: readonly (Step | ForbidRule)[],
  ctx: ParseContext,
): void {
  const twin = letterCaseTwins();
  for (const step of steps) {
    const cmd = step.argv[0]!;
    const prior = twin(cmd);
    if (prior !== undefined) {
      ctx.error(
        "respond" in step ? `${step.yamlPath}.match.argv[0]` : `${step.yamlPath}.argv[0]`,
        `command names "${prior}" and "${cmd}" differ only in letter case (their shims would collide)`,
      );
    }
  }
}

/**
 * Reports each `{{ .capture.<id> }}` that no step defines, or that is used before any step that
 * could set it (a forward reference, LANG-3): in a response, a capture is visible when the step
 * itself, a step of an earlier block or a member of the same group sets it; in `match.argv`
 * and `match.env`, which are compared before the step's own captures are taken, the step
 * itself does not count. `forbid` entries may use any capture some step defines.
 *
 * @param drafts The steps as read, for their blocks and paths.
 * @param steps The steps, in the same order.
 * @param forbid The `forbid` entries.
 * @param ctx Receives the diagnostics.
 */
export function checkCaptureReferences(
  drafts: readonly StepDraft[],
  steps: readonly Step[],
  forbid: readonly ForbidRule[],
  ctx: ParseContext,
): void {
  const definers = _captureDefiners(steps);
  const check = (id: string, p: string, step: Step | undefined, self: boolean) => {
    const defs = definers.get(id) ?? [];
    if (defs.length === 0) {
      ctx.error(p, `capture "${id}" is not defined by any step`);
      return;
    }
    if (step === undefined) return;
    const block = drafts[step.index]!.block;
    const visible = defs.some((i) =>
      i === step.index ? self : drafts[i]!.block < block ||
        (drafts[i]!.block === block && drafts[i]!.group !== undefined)
    );
    if (!visible) {
      const first = defs.find((i) => i !== step.index) ?? defs[0]!;
      ctx.error(
        p,
        `capture "${id}" is first defined at ${drafts[first]!.path} (forward reference)`,
      );
    }
  };
  for (const step of steps) {
    for (const [i, item] of step.argv.entries()) {
      for (const id of captureRefs(item)) {
        check(id, `${step.yamlPath}.match.argv[${i}]`, step, false);
      }
    }
    for (const [name, item] of Object.entries(step.env ?? {})) {
      for (const id of captureRefs(item ?? "")) {
        check(id, `${step.yamlPath}.match.env.${name}`, step, false);
      }
    }
    for (const [k, answer] of (step.answers ?? [step.respond]).entries()) {
      const rp = step.answers === undefined
        ? `${step.yamlPath}.respond`
        : `${step.yamlPath}.respond[${k}]`;
      for (const stream of ["stdout", "stderr"] as const) {
        const content = answer[stream];
        if (content.kind !== "text") continue;
        const parsed = parseTemplate(content.template);
        if (!parsed.ok) continue;
        for (const id of templateCaptureIds(parsed.parts)) check(id, `${rp}.${stream}`, step, true);
      }
    }
  }
  for (const rule of forbid) {
    for (const [i, item] of rule.argv.entries()) {
      for (const id of captureRefs(item)) {
        check(id, `${rule.yamlPath}.argv[${i}]`, undefined, false);
      }
    }
  }
}

/** The indexes of the steps that define each capture, in file order. */
function _captureDefiners(steps: readonly Step[]): Map<string, number[]> {
  const definers = new Map<string, number[]>();
  for (const step of steps) {
    const ids = new Set<string>();
    for (const item of step.argv.slice(1)) {
      const el = classifyPatternElement(item, new Set());
      if (el.kind === "regex") { for (const id of regexGroupNames(el.regex)) ids.add(id); }
    }
    for (const answer of step.answers ?? [step.respond]) {
      for (const id of Object.keys(answer.capture)) ids.add(id);
      for (const id of Object.keys(answer.captureFrom ?? {})) ids.add(id);
    }
    for (const id of ids) {
      const list = definers.get(id) ?? [];
      list.push(step.index);
      definers.set(id, list);
    }
  }
  return definers;
}
