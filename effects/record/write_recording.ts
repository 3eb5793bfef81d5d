/**
 * Writing what `exec --record` recorded (RECM-1..3): a fresh scenario for `once` and `all`,
 * or the new steps spliced into the scenario for `missing`; redacted and folded, validated
 * with the loader, written atomically once. Every decision is a core call.
 *
 * @module
 */

import type { Scenario, State, VerifyResult } from "../../core/types.ts";
import type { RecordedCall } from "../../core/record/log.ts";
import {
  convertMissing,
  type ConvertOptions,
  convertRecording,
  formatRecordedSummary,
} from "../../core/record/convert.ts";
import { pickSecrets } from "../../core/record/redact.ts";
import { formatRedactionSummary } from "../../core/record/redact_steps.ts";
import { formatFoldSummary } from "../../core/record/fold.ts";
import { type RecordingMeta, renderRecordedScenario } from "../../core/record/scenario_writer.ts";
import { spliceRecordedSteps } from "../../core/record/splice.ts";
import { mergeStepCounts, type PlacedStep } from "../../core/record/insert_point.ts";
import { parseScenario } from "../../core/scenario/parse.ts";
import { verifyState } from "../../core/replay/verify.ts";
import { ReplayError } from "../../core/errors.ts";
import { writeFileAtomic } from "../fs.ts";
import { sha256Hex } from "../session/files.ts";
import type { LoadedScenario } from "../scenario/file.ts";
import { type ScenarioFile, scenarioFile, type ScenarioSource } from "../scenario/source.ts";
import { decideRecordPlan, parseRecordCommands, type RecordMode } from "../../core/record/flags.ts";

/** How a recording treats secrets and repeats. */
export interface RecordingRules {
  /** `--redact` patterns. @default {[]} */
  patterns?: readonly RegExp[];
  /** Whether the default secret names apply (`--no-redact` turns them off). @default {true} */
  redactDefaults?: boolean;
  /** Whether repeats fold (`--no-fold` turns it off). @default {true} */
  fold?: boolean;
  /** The environment the secrets are taken from, besides each call's own. @default {Deno.env} */
  env?: Readonly<Record<string, string>>;
}

/** How a library session records (RECM-1..3): the mode, the commands, and the rules. */
export interface RecordOptions extends RecordingRules {
  /** `none`, `once`, `missing` or `all`. */
  mode: RecordMode;
  /** The commands whose calls are recorded. */
  commands: readonly string[];
}

/** A scenario source as a file, and what a recording of it does. */
export interface RecordingPlan extends ScenarioFile {
  /** Replay it, record it fresh, or replay it and record the missing calls. */
  readonly plan: "replay" | "fresh" | "missing";
  /** The commands to record (checked, without duplicates). */
  readonly commands: string[];
}

/**
 * Decides what a library session does with `record` (RECM-1): checks the commands, refuses
 * inline YAML (there is no file to write), and looks whether the file exists.
 * Requires `--allow-read` (and `--allow-write` for inline YAML).
 *
 * @param source The scenario source.
 * @param record The record options.
 * @returns The scenario file and the plan.
 * @throws {TypeError} When recording into inline YAML or without commands.
 */
export async function planRecording(
  source: ScenarioSource,
  record: RecordOptions,
): Promise<RecordingPlan> {
  let commands: string[] = [];
  if (record.mode !== "none") {
    if (typeof source === "object" && !(source instanceof URL)) {
      throw new TypeError("Cannot record into an inline scenario: pass a file path");
    }
    const names = parseRecordCommands(record.commands);
    if (!names.ok || names.names.length === 0) {
      throw new TypeError(
        names.ok ? `Cannot record with mode "${record.mode}" without commands` : names.message,
      );
    }
    commands = names.names;
  }
  const scenario = await scenarioFile(source);
  const exists = await Deno.stat(scenario.file).then(() => true, () => false);
  return { ...scenario, plan: decideRecordPlan(record.mode, exists), commands };
}

/** Options of {@linkcode writeFreshRecording} and {@linkcode writeMissingRecording}. */
export interface WriteRecordingOptions extends RecordingRules {
  /**
   * Write the file; `false` computes the report and the verification of what would be
   * written, and writes nothing (a session asked to verify before it ends). @default {true}
   */
  write?: boolean;
}

/** The calls a replay session recorded, and how the session ended. */
export interface RecordedSession {
  /** The recorded calls, in log order. */
  readonly calls: readonly RecordedCall[];
  /** The session's state when the child ended (for the verification). */
  readonly state?: State | undefined;
  /** The session id. */
  readonly sessionId: string;
}

/** What a recording wrote. */
export interface RecordingReport {
  /** The verification of the scenario as written, new steps counted; undefined when unchanged. */
  readonly verification?: VerifyResult;
  /** The scenario file. */
  readonly file: string;
  /** Whether it was written. */
  readonly written: boolean;
  /** How many new steps it got. */
  readonly newSteps: number;
  /** Summary lines for stderr (`recorded 3 new steps (kubectl ×2, helm ×1)`, …). */
  readonly lines: readonly string[];
}

/** Whether answer sequences (`respond` as a list, LANG-2) can be written. */
function _sequencesSupported(): boolean {
  const parsed = parseScenario(
    "meta: {name: probe}\nsteps:\n  - match: {argv: [a]}\n    respond: [{exit: 0}, {exit: 1}]\n",
  );
  return parsed.ok;
}

function _convertOptions(rules: RecordingRules): ConvertOptions {
  const defaults = rules.redactDefaults !== false;
  return {
    secrets: defaults ? pickSecrets(rules.env ?? Deno.env.toObject()) : {},
    callSecrets: defaults,
    patterns: rules.patterns ?? [],
    fold: rules.fold !== false,
    sequences: _sequencesSupported(),
  };
}

/** The stem of a file name: `deploy` for `tests/deploy.yaml`. */
function _stem(file: string): string {
  return (file.split("/").at(-1) ?? file).replace(/\.ya?ml$/, "") || "recorded-session";
}

/** The scenario about to be written, or the loader's diagnostics when it is not valid. */
function _validate(text: string, file: string): Scenario {
  const parsed = parseScenario(text, { file });
  if (!parsed.ok) {
    throw new ReplayError(
      "record",
      `the recorded scenario is invalid (${parsed.diagnostics.length} error(s)); "${file}" was not written`,
      { diagnostics: parsed.diagnostics, path: file },
    );
  }
  return parsed.scenario;
}

/** The meta of a scenario file that is about to be replaced, when it has one. */
async function _existingMeta(file: string): Promise<RecordingMeta | undefined> {
  const text = await Deno.readTextFile(file).catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = parseScenario(text, { file });
  if (!parsed.ok) return undefined;
  const meta = parsed.scenario.meta;
  return meta.description === ""
    ? { name: meta.name }
    : { name: meta.name, description: meta.description };
}

function _summary(
  lines: string[],
  result:
    & Parameters<typeof formatFoldSummary>[0]
    & Pick<ReturnType<typeof convertRecording>, "redactions">,
): void {
  const redacted = formatRedactionSummary(result.redactions);
  if (redacted !== undefined) lines.push(redacted);
  const folded = formatFoldSummary(result);
  if (folded !== undefined) lines.push(folded);
}

/**
 * Writes a fresh scenario from the calls of a `once` or `all` recording (RECM-1): ordered,
 * redacted, folded, validated, written atomically with mode `0600`. A file that is replaced
 * keeps its `meta.name` and `meta.description`; a new one is named after the file. Nothing is
 * written when nothing was recorded. Requires `--allow-read`, `--allow-write`, `--allow-env`.
 *
 * @param file The scenario file.
 * @param calls The recorded calls.
 * @param options Redaction, folding, and whether to write.
 * @returns What was written, with the summary lines.
 * @throws {ReplayError} When the recording does not make a valid scenario (a bug).
 */
export async function writeFreshRecording(
  file: string,
  calls: readonly RecordedCall[],
  options: WriteRecordingOptions = {},
): Promise<RecordingReport> {
  const write = options.write !== false;
  if (calls.length === 0) {
    return {
      file,
      written: false,
      newSteps: 0,
      lines: write ? [`no calls were recorded; "${file}" was not written`] : [],
    };
  }
  const result = convertRecording(calls, _convertOptions(options));
  const meta = await _existingMeta(file) ?? { name: _stem(file) };
  const text = renderRecordedScenario(result.steps, meta);
  const parsed = _validate(text, file);
  if (write) await writeFileAtomic(file, text, { mode: 0o600 });
  const lines = [`${formatRecordedSummary(result.steps)} in ${file}`];
  _summary(lines, result);
  const counts = result.steps.map((s) => s.recordedCalls ?? 1);
  const verification = verifyState(parsed, {
    scenarioPath: file,
    scenarioHash: "",
    currentStep: counts.length,
    totalSteps: counts.length,
    stepCounts: counts,
    lastUpdated: new Date().toISOString(),
    captures: {},
    unexpectedCalls: [],
    unexpectedCount: 0,
  });
  return { file, written: write, newSteps: result.steps.length, lines, verification };
}

/**
 * Inserts the steps of the calls recorded by `exec --record missing` into the scenario file
 * (RECM-1): each at the place its call came, redacted and folded; the rest of the file keeps
 * its text. The file is validated, written atomically (keeping its mode), and verified again
 * with the new steps counted. A file edited since the session started is left alone.
 * Requires `--allow-read`, `--allow-write`, `--allow-env`.
 *
 * @param loaded The scenario as it was replayed.
 * @param session The recorded calls, the session's state when the child ended, and its id.
 * @param options Redaction, folding, and whether to write.
 * @returns What was written, with the summary lines and the new verification.
 * @throws {ReplayError} When the new steps cannot be inserted or the result is invalid.
 */
export async function writeMissingRecording(
  loaded: LoadedScenario,
  session: RecordedSession,
  options: WriteRecordingOptions = {},
): Promise<RecordingReport> {
  const write = options.write !== false;
  const { calls } = session;
  const file = loaded.file;
  if (calls.length === 0) return { file, written: false, newSteps: 0, lines: [] };
  const bytes = await Deno.readFile(loaded.absPath);
  if (await sha256Hex(bytes) !== loaded.hash) {
    throw new ReplayError(
      "record",
      `"${file}" changed while the command ran; the ${calls.length} recorded call(s) were not written`,
      { path: file },
    );
  }
  const scenario = loaded.scenario;
  const groupElement = (group: number) =>
    scenario.elements.findIndex((e) => e.kind === "group" && e.group === group);
  const result = convertMissing(calls, groupElement, {
    ..._convertOptions(options),
    elements: scenario.elements.length,
  });
  const spliced = spliceRecordedSteps(new TextDecoder().decode(bytes), result.placements);
  if (!spliced.ok) {
    throw new ReplayError(
      "record",
      `cannot add the recorded steps to "${file}": ${spliced.message}; it was not changed`,
      { path: file },
    );
  }
  const merged = _validate(spliced.text, file);
  if (write) {
    const mode = (await Deno.stat(loaded.absPath)).mode ?? 0o600;
    await writeFileAtomic(loaded.absPath, spliced.text, { mode: mode & 0o777 });
  }
  const steps = result.placements.flatMap((p) => p.steps);
  const lines = [`${formatRecordedSummary(steps)} in ${file}`];
  _summary(lines, result);
  const verification = session.state === undefined ? undefined : _verifyMerged(
    merged,
    loaded,
    session.state,
    result.placements,
    session.sessionId,
  );
  return {
    file,
    written: write,
    newSteps: steps.length,
    lines,
    ...(verification !== undefined ? { verification } : {}),
  };
}

/** Verifies the merged scenario: the old steps with their counts, the new ones with theirs. */
function _verifyMerged(
  merged: Scenario,
  loaded: LoadedScenario,
  state: State,
  placements: ReturnType<typeof convertMissing>["placements"],
  sessionId: string,
): VerifyResult | undefined {
  const placed: PlacedStep[] = placements.flatMap((p) =>
    p.steps.map((s) => ({ at: p.at, calls: s.recordedCalls ?? 1 }))
  );
  const counts = mergeStepCounts(loaded.scenario, state.stepCounts, placed);
  if (counts.length !== merged.steps.length) return undefined;
  return verifyState(merged, { ...state, stepCounts: counts, totalSteps: counts.length }, {
    session: sessionId,
  });
}

/**
 * The verification of a recording that recorded nothing: no steps, nothing to check.
 *
 * @param file The scenario file, as its name.
 * @returns A passed result with no steps.
 */
export function emptyVerification(file: string): VerifyResult {
  return {
    scenario: file,
    session: "default",
    passed: true,
    totalSteps: 0,
    consumedSteps: 0,
    steps: [],
    unexpectedCalls: [],
    unexpectedCount: 0,
  };
}
