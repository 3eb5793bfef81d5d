/**
 * cli-replay: scenario-driven replay of external CLIs for black-box tests of scripts,
 * pipelines and runbooks. This module is the library: the pure core (load, match, step,
 * verify, render), an in-memory engine, and {@linkcode runWithScenario}, which runs a
 * child process under a scenario from inside a Deno test.
 *
 * ```ts
 * import { assertReplayPassed, runWithScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const yaml = `
 * meta: {name: deploy}
 * steps:
 *   - match: {argv: [kubectl, rollout, status, deploy/web]}
 *     respond: {stdout: "deployment \\"web\\" successfully rolled out\\n"}
 * `;
 * const run = await runWithScenario({ yaml }, ["sh", "-c", "kubectl rollout status deploy/web"]);
 * assertReplayPassed(run);
 * assert.match(run.stdout, /successfully rolled out/);
 * ```
 *
 * @module
 */

// The data model
export type {
  ArgvDiff,
  Block,
  Calls,
  CaptureFrom,
  CaptureSource,
  ClosestStep,
  Content,
  Diagnostic,
  ForbidRule,
  GroupRange,
  JsonValue,
  Respond,
  Scenario,
  ScenarioMeta,
  SignalName,
  State,
  StdinExpectation,
  Step,
  StepDifference,
  StepElement,
  StepOutcome,
  Subject,
  UnexpectedCall,
  UnexpectedReason,
  VerifyError,
  VerifyResult,
  VerifyStep,
  VerifyUnexpected,
} from "./core/types.ts";

// Loading and validating scenarios
export {
  type FileReference,
  type ParseResult,
  parseScenario,
  type ParseScenarioOptions,
  type SourcePosition,
} from "./core/scenario/parse.ts";
export { formatDiagnostic } from "./core/scenario/format.ts";
export { loadScenario } from "./effects/scenario/file.ts";
export { validateFiles, type ValidationReport } from "./effects/scenario/validate_files.ts";

// The error type
export {
  renderError,
  type RenderErrorOptions,
  ReplayError,
  type ReplayErrorKind,
  type ReplayErrorOptions,
} from "./core/errors.ts";
export type { FsFailureKind } from "./core/fs_failure.ts";

// Matching and stepping, and the in-memory engine
export { type CaptureValues, explainArgvMismatch, matchArgv } from "./core/lang/matcher.ts";
export {
  type CallInput,
  type EffectiveVars,
  effectiveVars,
  needsStdin,
  newState,
  type NewStateOptions,
  stepCall,
  type StepResult,
} from "./core/replay/engine.ts";
export { parseState, serializeState } from "./core/replay/state.ts";
export { scenarioEnvNames } from "./core/replay/call_rules.ts";
export {
  createReplayEngine,
  type EngineCallOptions,
  type ReplayEngine,
  type ReplayEngineOptions,
} from "./core/replay/memory_engine.ts";

// Verification and its reports
export { verifyState, type VerifyStateOptions } from "./core/replay/verify.ts";
export { renderVerifyText, type VerifyTextOptions } from "./core/report/text.ts";
export { renderVerifyJson } from "./core/report/json.ts";
export { type JUnitOptions, renderJUnit } from "./core/report/junit.ts";
export { renderTap, type TapOptions } from "./core/report/tap.ts";
export { type GitHubOptions, renderGitHub } from "./core/report/github.ts";
export { type OutcomeOptions, renderOutcome } from "./core/report/outcome.ts";
export { renderSuggestedStep, renderSuggestions } from "./core/report/suggested_step.ts";

// Recording
export { type InsertPoint } from "./core/record/insert_point.ts";
export type { RecordMode } from "./core/record/flags.ts";
export { parseRecordingLog, type RecordedCall } from "./core/record/log.ts";
export { type RecordingMeta, recordingToScenarioYaml } from "./core/record/scenario_writer.ts";

// Running code under a scenario from a Deno test
export {
  assertReplayPassed,
  type ReplayRun,
  runWithScenario,
  type RunWithScenarioOptions,
} from "./effects/exec/run_with_scenario.ts";
export type {
  RecordingReport,
  RecordingRules,
  RecordOptions,
} from "./effects/record/write_recording.ts";
export type { ScenarioSource } from "./effects/scenario/source.ts";
export {
  type ReplaySessionHandle,
  type SessionScenario,
  startSession,
  type StartSessionOptions,
} from "./effects/server/start_session.ts";

// Run as the main module (`deno run jsr:@x/cli-replay …`), this module is the CLI. The
// import is dynamic, so importing the library loads no CLI code.
if (import.meta.main) {
  const { runCli } = await import("./cli.ts");
  Deno.exit(await runCli(Deno.args));
}
