/**
 * The data model shared by every core module: scenarios, state, outcomes and
 * verification results. Plain data only; no behaviour lives here.
 *
 * @module
 */

/** One problem found while loading or validating a scenario (SCN-22). */
export interface Diagnostic {
  /** The scenario file as the user named it, when known. */
  file?: string;
  /** 1-based line of the offending node (0 when unknown). */
  line: number;
  /** 1-based column, counted in characters (0 when unknown). */
  column: number;
  /** YAML path such as `steps[1].respond.stdout`; `""` for the whole document. */
  path: string;
  /** What is wrong, without the file/position prefix. */
  message: string;
  /** The "did you mean" key, when one was found (SCN-23). */
  suggestion?: string;
  /** Errors make a scenario invalid; warnings never do (VAL-7). */
  severity: "error" | "warning";
}

/** A response body or stdin expectation: a template, raw bytes, or a file reference. */
export type Content =
  | { readonly kind: "text"; readonly template: string }
  | { readonly kind: "binary"; readonly bytes: Uint8Array }
  | { readonly kind: "file"; readonly path: string };

/** How a leaf step answers a call. */
export interface Respond {
  /** Exit code of the fake, 0–255. */
  readonly exit: number;
  /** What the fake writes to stdout. */
  readonly stdout: Content;
  /** What the fake writes to stderr. */
  readonly stderr: Content;
  /** Delay before answering, in milliseconds (0 = none). */
  readonly delayMs: number;
  /** The delay as written (e.g. `"2s"`), for reports. */
  readonly delay?: string;
  /** Captures stored when this step answers (CAP-1). */
  readonly capture: Readonly<Record<string, string>>;
}

/** Call bounds of a leaf step (SCN-17). */
export interface Calls {
  /** Calls required by verification. */
  readonly min: number;
  /** Calls the step may answer. */
  readonly max: number;
  /** Whether the scenario wrote a `calls` block. */
  readonly explicit: boolean;
}

/** One expected call, in flat order (SCN-19). */
export interface Step {
  /** 0-based flat index. */
  readonly index: number;
  /** YAML path of the step mapping, e.g. `steps[1].group.steps[0]`. */
  readonly yamlPath: string;
  /**
   * 1-based line of the step mapping in the scenario source, for reports that point at the
   * file (`github`, `tap`). Absent when unknown, e.g. for a scenario built by hand.
   */
  readonly line?: number;
  /** Argv pattern; element 0 is the command name. */
  readonly argv: readonly string[];
  /** Expected stdin, when the step matches on it (STDIN-1). */
  readonly stdin?: Content;
  /** The canned answer. */
  readonly respond: Respond;
  /** Call bounds. */
  readonly calls: Calls;
  /** Name of the group this step belongs to, if any. */
  readonly group?: string;
  /** Whether the step had a `when` key (accepted and ignored). */
  readonly when?: string;
}

/** A contiguous range of flat steps forming an unordered group. */
export interface GroupRange {
  /** The group's name (written or `group-N`). */
  readonly name: string;
  /** First flat index. */
  readonly start: number;
  /** One past the last flat index. */
  readonly end: number;
}

/** A unit of ordering (STEP-2): one leaf step or one whole group. */
export interface Block {
  /** First flat index of the block. */
  readonly start: number;
  /** One past the last flat index. */
  readonly end: number;
  /** Index into `Scenario.groups` when the block is a group. */
  readonly group?: number;
}

/** A top-level element of `steps`, as written. */
export type StepElement =
  | { readonly kind: "step"; readonly step: number }
  | { readonly kind: "group"; readonly group: number };

/** Scenario metadata. */
export interface ScenarioMeta {
  /** `meta.name`. */
  readonly name: string;
  /** `meta.description` or `""`. */
  readonly description: string;
  /** Declared template variables. */
  readonly vars: Readonly<Record<string, string>>;
  /** `meta.security.allowed_commands` (empty = unconstrained). */
  readonly allowedCommands: readonly string[];
  /** `meta.security.deny_env_vars` glob patterns. */
  readonly denyEnvVars: readonly string[];
  /** `meta.session.ttl` in milliseconds, when set. */
  readonly ttlMs?: number;
  /** `meta.session.ttl` as written. */
  readonly ttl?: string;
}

/** A validated scenario. Read-only. */
export interface Scenario {
  /** Metadata. */
  readonly meta: ScenarioMeta;
  /** Top-level elements as written. */
  readonly elements: readonly StepElement[];
  /** Flat leaf steps (SCN-19). */
  readonly steps: readonly Step[];
  /** Groups in file order. */
  readonly groups: readonly GroupRange[];
  /** Blocks in order (STEP-2). */
  readonly blocks: readonly Block[];
  /** Distinct `argv[0]` values in first-appearance order. */
  readonly commands: readonly string[];
}

/** Why a call was unexpected. */
export type UnexpectedReason = "mismatch" | "stdin" | "complete";

/** One retained unexpected call (STATE-5). */
export interface UnexpectedCall {
  /** The received argv. */
  readonly argv: readonly string[];
  /** Why it was unexpected. */
  readonly reason: UnexpectedReason;
  /** The 0-based subject step, or null after completion. */
  readonly stepIndex: number | null;
  /** RFC 3339 time of the call. */
  readonly at: string;
}

/** Session progress (STATE-5), camelCase. */
export interface State {
  /** Absolute scenario path. */
  readonly scenarioPath: string;
  /** SHA-256 (hex) of the scenario bytes this state refers to. */
  readonly scenarioHash: string;
  /** The cursor (STEP-2). */
  readonly currentStep: number;
  /** Number of flat steps. */
  readonly totalSteps: number;
  /** Call count per flat step. */
  readonly stepCounts: readonly number[];
  /** Index of the group the cursor is in, when it is in one. */
  readonly activeGroup?: number;
  /** Absolute intercept dir, when the session has one. */
  readonly interceptDir?: string;
  /** RFC 3339 UTC time of the last write, with milliseconds. */
  readonly lastUpdated: string;
  /** Stored captures. */
  readonly captures: Readonly<Record<string, string>>;
  /** The first 20 unexpected calls. */
  readonly unexpectedCalls: readonly UnexpectedCall[];
  /** Total number of unexpected calls. */
  readonly unexpectedCount: number;
}

/** A step that was tried while looking for a match, for mismatch reports. */
export interface Subject {
  /** `"step"` for a leaf block, `"group"` for a group block. */
  readonly kind: "step" | "group";
  /** Flat index of the leaf step, or of the group's first step. */
  readonly stepIndex: number;
  /** Group index, for group subjects. */
  readonly group?: number;
  /** Non-exhausted candidate steps tried, in declaration order. */
  readonly candidates: readonly number[];
  /** Call counts of `candidates` at the time of the call, same order. */
  readonly counts: readonly number[];
}

/** Per-element mismatch detail (MATCH-9). */
export interface ArgvDiff {
  /** 0-based position of the first difference. */
  readonly position: number;
  /** Kind of the pattern element there. */
  readonly kind: "literal" | "template" | "wildcard" | "regex" | "extra" | "missing";
  /** Pattern text (regex source for regex, rendered value for template). */
  readonly pattern: string;
  /** The raw pattern element, for templates. */
  readonly source?: string;
  /** The received value, when there is one at that position. */
  readonly received?: string;
  /** Human reason, e.g. `expected "pods", got "deployments"`. */
  readonly reason: string;
}

/**
 * Why a step that comes close to an unanswered call did not answer it (LANG-1). Reports render
 * each kind with its own sentence, so a new matching rule adds a kind here and a sentence there.
 */
export type StepDifference =
  /** The argv differs; `diff` is the first difference (absent when a custom matcher decided). */
  | { readonly kind: "argv"; readonly diff?: ArgvDiff }
  /** The argv matches, the stdin expectation does not (STDIN-6). */
  | { readonly kind: "stdin" }
  /** The argv matches, but the step has had its `max` calls (STEP-7). */
  | { readonly kind: "exhausted"; readonly count: number; readonly max: number }
  /** The argv matches, but the cursor has moved past the step (a skipped optional step). */
  | { readonly kind: "passed" }
  /** The argv matches, but the step comes after `blockedBy`, which still needs calls (STEP-5). */
  | { readonly kind: "not-yet"; readonly blockedBy: number }
  /** The argv matches, but another rule of the step rejected the call. */
  | { readonly kind: "rejected" };

/** A step ranked by how close it comes to an unanswered call (LANG-1). */
export interface ClosestStep {
  /** 0-based flat index. */
  readonly stepIndex: number;
  /** How many leading argv positions match (the whole argv when it matches). */
  readonly prefix: number;
  /** How many argv positions match in all, up to the shorter argv's length. */
  readonly matched: number;
  /** What kept the step from answering. */
  readonly difference: StepDifference;
}

/** What one intercepted call produced (STEP-3). */
export type StepOutcome =
  | {
    readonly kind: "matched";
    readonly stepIndex: number;
    readonly exitCode: number;
    readonly stdout: Uint8Array;
    readonly stderr: Uint8Array;
    readonly delayMs: number;
    readonly deniedVars: readonly string[];
  }
  | {
    readonly kind: "mismatch";
    readonly subject: Subject;
    readonly tried: readonly Subject[];
    readonly received: readonly string[];
    readonly diff?: ArgvDiff;
    readonly deniedVars: readonly string[];
    /** The steps closest to the call, best first (LANG-1); absent in hand-built outcomes. */
    readonly closest?: readonly ClosestStep[];
  }
  | {
    readonly kind: "stdin-mismatch";
    readonly stepIndex: number;
    readonly expected: Content;
    readonly received: Uint8Array | "too-large";
    readonly argv: readonly string[];
    readonly deniedVars: readonly string[];
    /** The steps closest to the call, best first (LANG-1); absent in hand-built outcomes. */
    readonly closest?: readonly ClosestStep[];
  }
  | {
    readonly kind: "complete";
    readonly received: readonly string[];
    readonly totalSteps: number;
    readonly deniedVars: readonly string[];
    /** The steps closest to the call, best first (LANG-1); absent in hand-built outcomes. */
    readonly closest?: readonly ClosestStep[];
  }
  | { readonly kind: "error"; readonly message: string };

/** One step line of a verification result (VERIFY-2). */
export interface VerifyStep {
  /** 0-based flat index. */
  readonly index: number;
  /** Label (VERIFY-4). */
  readonly label: string;
  /** Group name for group members. */
  readonly group?: string;
  /** 1-based line of the step in the scenario source, when known ({@linkcode Step.line}). */
  readonly line?: number;
  /** Calls answered. */
  readonly callCount: number;
  /** Minimum calls. */
  readonly min: number;
  /** Maximum calls. */
  readonly max: number;
  /** `callCount >= min`. */
  readonly passed: boolean;
  /** Whether the step had an explicit `calls` block. */
  readonly explicitCalls: boolean;
}

/** An unexpected call as reported by verification. */
export interface VerifyUnexpected {
  /** The received argv. */
  readonly argv: readonly string[];
  /** Why it was unexpected. */
  readonly reason: UnexpectedReason;
  /** Subject step index or null. */
  readonly stepIndex: number | null;
  /**
   * The first step whose argv pattern matches the call, with the `meta.vars` values (LANG-1):
   * the call was unexpected for its place in the order, its stdin or that step's call count,
   * not for its argv. Absent when no step's argv matches.
   */
  readonly argvMatchesStep?: number;
}

/**
 * Why a session could not be verified: `no-state` (the session has no state file, VERIFY-8),
 * `scenario-changed` (its state counts another number of steps, VERIFY-9), or
 * `not-started` (`exec` could not start the child, EXEC-9).
 */
export interface VerifyError {
  /** What went wrong. */
  readonly kind: "no-state" | "scenario-changed" | "not-started";
  /** The message reports print: `no state found`, `scenario changed since the session started`. */
  readonly message: string;
}

/** The verification result (VERIFY-2). */
export interface VerifyResult {
  /** `meta.name`. */
  readonly scenario: string;
  /** Session id or `"default"`. */
  readonly session: string;
  /** Whether verification passed (VERIFY-3). */
  readonly passed: boolean;
  /** Number of flat steps (0 for error results). */
  readonly totalSteps: number;
  /** Steps with at least one call. */
  readonly consumedSteps: number;
  /** Present only for error results: why there is nothing to verify. */
  readonly error?: VerifyError;
  /** One entry per flat step. */
  readonly steps: readonly VerifyStep[];
  /** Retained unexpected calls. */
  readonly unexpectedCalls: readonly VerifyUnexpected[];
  /** Total unexpected calls. */
  readonly unexpectedCount: number;
}
