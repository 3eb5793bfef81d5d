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

/** The signals a fake can end by (LANG-6), without the `SIG` prefix. */
export type SignalName =
  | "TERM"
  | "INT"
  | "KILL"
  | "HUP"
  | "QUIT"
  | "USR1"
  | "USR2"
  | "PIPE"
  | "ALRM";

/** Where a capture's value comes from in the actual call (LANG-3). */
export type CaptureSource =
  | { readonly kind: "argv"; readonly index: number }
  | { readonly kind: "stdin" }
  | { readonly kind: "env"; readonly name: string };

/** A capture taken from the call: `{from: <source>, regex?: <pattern>}` (LANG-3). */
export interface CaptureFrom {
  /** The source as written: `argv[N]`, `stdin` or `env.NAME`. */
  readonly from: string;
  /** The parsed source. */
  readonly source: CaptureSource;
  /** The regex whose first capture group is the value; absent: the whole source. */
  readonly regex?: string;
}

/** How a leaf step answers a call. */
export interface Respond {
  /** Exit code of the fake, 0–255. */
  readonly exit: number;
  /** The signal the fake ends by after writing its output (LANG-6); excludes `exit`. */
  readonly signal?: SignalName;
  /** What the fake writes to stdout. */
  readonly stdout: Content;
  /** What the fake writes to stderr. */
  readonly stderr: Content;
  /** Delay before answering, in milliseconds (0 = none). */
  readonly delayMs: number;
  /** The delay as written (e.g. `"2s"`), for reports. */
  readonly delay?: string;
  /** Literal captures stored when this step answers (CAP-1). */
  readonly capture: Readonly<Record<string, string>>;
  /** Captures taken from the call when this step answers (LANG-3). */
  readonly captureFrom?: Readonly<Record<string, CaptureFrom>>;
}

/** A JSON value, as `match.stdin.json` holds it (LANG-4). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * What a step expects on stdin (STDIN-1, LANG-4): exact text or bytes, or a rule — a regex
 * found anywhere, a text it contains, or JSON that contains a value as a subset.
 */
export type StdinExpectation =
  | Content
  | { readonly kind: "regex"; readonly source: string }
  | { readonly kind: "contains"; readonly text: string }
  | { readonly kind: "json"; readonly value: JsonValue };

/** A top-level `forbid` entry (LANG-5): calls whose argv starts like this fail at once. */
export interface ForbidRule {
  /** 0-based index in `forbid`. */
  readonly index: number;
  /** YAML path, e.g. `forbid[0]`. */
  readonly yamlPath: string;
  /** The argv prefix pattern; element 0 is the command name. */
  readonly argv: readonly string[];
  /** The message shown with the refusal, when written. */
  readonly message?: string;
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
  /** Expected stdin, when the step matches on it (STDIN-1, LANG-4). */
  readonly stdin?: StdinExpectation;
  /**
   * Expected environment variables of the caller (LANG-4): an argv-item pattern each, or
   * `null` for a variable that must be unset.
   */
  readonly env?: Readonly<Record<string, string | null>>;
  /** The canned answer (the first one when `respond` is a list). */
  readonly respond: Respond;
  /**
   * Every answer when `respond` is written as a list (LANG-2): the n-th call gets the n-th
   * answer, the last one repeats. Absent for a single answer.
   */
  readonly answers?: readonly Respond[];
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
  /** Distinct `argv[0]` values in first-appearance order (steps, then `forbid`). */
  readonly commands: readonly string[];
  /** The `forbid` entries (LANG-5); absent or empty when there are none. */
  readonly forbid?: readonly ForbidRule[];
  /**
   * Indices of the steps that match or capture stdin (STDIN-3), found once when the
   * scenario is parsed so that a call does not scan every step; absent: scan.
   */
  readonly stdinSteps?: readonly number[];
}

/** Why a call was unexpected. */
export type UnexpectedReason = "mismatch" | "stdin" | "env" | "complete" | "forbidden";

/** One retained unexpected call (STATE-5). */
export interface UnexpectedCall {
  /** The received argv. */
  readonly argv: readonly string[];
  /** Why it was unexpected. */
  readonly reason: UnexpectedReason;
  /** The 0-based subject step, or null after completion and for forbidden calls. */
  readonly stepIndex: number | null;
  /** RFC 3339 time of the call. */
  readonly at: string;
  /** The `forbid` entry's message, for forbidden calls that have one (LANG-5). */
  readonly message?: string;
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
  /**
   * The template's value comes from the environment (a variable set there, a capture taken
   * from `env.NAME`): `pattern` is then the raw template, and no report shows the value (SEC-11).
   */
  readonly hidden?: true;
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
  /** The argv matches, the caller's environment does not (LANG-4); `name` is the variable. */
  | { readonly kind: "env"; readonly name: string }
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
    /** 0-based index of the answer given (LANG-2); 0 for a single answer. */
    readonly answer: number;
    readonly exitCode: number;
    /** The signal the fake ends by after its output (LANG-6). */
    readonly signal?: SignalName;
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
    readonly expected: StdinExpectation;
    readonly received: Uint8Array | "too-large";
    readonly argv: readonly string[];
    /** Why a rule did not hold (LANG-4), e.g. `at .spec.replicas: expected 3, got 2`. */
    readonly reason?: string;
    readonly deniedVars: readonly string[];
    /** The steps closest to the call, best first (LANG-1); absent in hand-built outcomes. */
    readonly closest?: readonly ClosestStep[];
  }
  | {
    /** The argv matched but a `match.env` variable did not (LANG-4). */
    readonly kind: "env-mismatch";
    readonly stepIndex: number;
    /** The variable that did not match. */
    readonly name: string;
    /** Its pattern, or null when it must be unset. */
    readonly expected: string | null;
    /** The caller's value, or undefined when unset; reports never show it (SEC-11). */
    readonly received: string | undefined;
    /** Why it did not match, without the value. */
    readonly reason: "must be unset" | "is not set" | "value differs";
    readonly argv: readonly string[];
    readonly deniedVars: readonly string[];
    /** The steps closest to the call, best first (LANG-1); absent in hand-built outcomes. */
    readonly closest?: readonly ClosestStep[];
  }
  | {
    /** The call matched a `forbid` entry (LANG-5). */
    readonly kind: "forbidden";
    /** 0-based index of the entry. */
    readonly forbidIndex: number;
    readonly received: readonly string[];
    /** The entry's message, when written. */
    readonly message?: string;
    readonly deniedVars: readonly string[];
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
  /**
   * For a step with a list of answers (LANG-2): the 1-based answer it is at (the last one
   * given; 0 before the first call).
   */
  readonly answer?: number;
  /** For a step with a list of answers: how many answers the list has. */
  readonly answers?: number;
}

/** An unexpected call as reported by verification. */
export interface VerifyUnexpected {
  /** The received argv. */
  readonly argv: readonly string[];
  /** Why it was unexpected. */
  readonly reason: UnexpectedReason;
  /** Subject step index or null. */
  readonly stepIndex: number | null;
  /** The `forbid` entry's message, for forbidden calls that have one (LANG-5). */
  readonly message?: string;
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
