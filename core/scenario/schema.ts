/**
 * The zod model of a scenario file as written: the single source of the raw document
 * types, of the structural validation in {@linkcode parseScenario} and of
 * `schema/scenario.schema.json` (SCN-4, SCN-24).
 *
 * Values reach this model with every scalar as a string, except the integer fields
 * (`exit`, `calls.min`, `calls.max`), which the loader converts only when written as
 * plain decimal integers (SCN-14, SCN-20).
 *
 * @module
 */
import { z } from "zod";
import { VERSION } from "../version.ts";

const durationText = "a duration such as 300ms, 1.5h or 1h30m (Go syntax)";

/** The signals `respond.signal` accepts (LANG-6). */
export const SIGNAL_NAMES = [
  "TERM",
  "INT",
  "KILL",
  "HUP",
  "QUIT",
  "USR1",
  "USR2",
  "PIPE",
  "ALRM",
] as const;

/** A `respond.capture` value taken from the call (LANG-3). */
export const CaptureFromSchema = z.strictObject({
  from: z.string().describe("Where the value comes from: argv[N], stdin or env.NAME."),
  regex: z.string().optional().describe(
    "A regex searched in the source; its first capture group is the value (the whole " +
      "match when it has no group). Without it, the whole source is the value.",
  ),
}).describe(
  "A value taken from the actual call; unset when the source is missing or does not match.",
);

/** `calls`: call bounds (SCN-17). */
export const CallsSchema = z.strictObject({
  min: z.int().min(0).optional().meta({ default: 0 }).describe(
    "Calls required by verification. Default 0 when `calls` is present (so `calls: {max: 5}` " +
      "means 0 to 5 calls); when `calls` is absent the step needs exactly 1 call.",
  ),
  max: z.int().min(1).optional().describe(
    "Calls the step may answer. Default: `min` when min >= 1; required when min is 0.",
  ),
}).describe("Call bounds; absent means {min: 1, max: 1}.");

/** `respond`: the canned answer. */
export const RespondSchema = z.strictObject({
  exit: z.int().min(0).max(255).optional().meta({ default: 0 }).describe(
    "Exit code, 0-255. Default 0.",
  ),
  stdout: z.string().optional().describe(
    "Text written to stdout (a template, TPL-2), or !!binary base64 bytes.",
  ),
  stderr: z.string().optional().describe(
    "Text written to stderr (a template, TPL-2), or !!binary base64 bytes.",
  ),
  stdout_file: z.string().optional().describe(
    "File whose content (a template) is written to stdout; relative to the scenario's directory.",
  ),
  stderr_file: z.string().optional().describe(
    "File whose content (a template) is written to stderr; relative to the scenario's directory.",
  ),
  delay: z.string().optional().describe(`Delay before answering: ${durationText}.`),
  signal: z.enum(SIGNAL_NAMES).optional().describe(
    "End by this signal after writing the output, so the caller sees the fake killed " +
      "($? = 128+N in a shell). Excludes exit.",
  ),
  capture: z.record(z.string(), z.union([z.string(), CaptureFromSchema])).optional().describe(
    "Values stored when this step answers, rendered later as {{ .capture.<id> }}: a literal " +
      "string, or {from, regex} to take it from the call.",
  ),
}).meta({
  allOf: [
    { not: { required: ["stdout", "stdout_file"] } },
    { not: { required: ["stderr", "stderr_file"] } },
    { not: { required: ["signal", "exit"] } },
  ],
}).describe("What the fake answers. Default: exit 0, no output.");

/** Any JSON value, as `match.stdin.json` holds it (LANG-4). */
const JsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ])
).meta({ id: "json_value", description: "Any JSON value." });

/** `match.stdin` as a rule (LANG-4): exactly one of `regex`, `contains`, `json`. */
export const StdinRuleSchema = z.strictObject({
  regex: z.string().optional().describe("A regex found anywhere in stdin."),
  contains: z.string().optional().describe("A text stdin contains."),
  json: JsonValueSchema.optional().describe(
    "Stdin parses as JSON and contains this value as a subset: objects by key, arrays " +
      "element by element, scalars equal.",
  ),
}).meta({
  oneOf: [{ required: ["regex"] }, { required: ["contains"] }, { required: ["json"] }],
}).describe("A stdin rule: exactly one of regex, contains, json.");

/** `match`: what a call must look like. */
export const MatchSchema = z.strictObject({
  argv: z.array(z.string()).min(1).describe(
    'Expected argv; element 0 is the command name (a plain name). Elements may be literals, {{ .any }}, {{ .regex "..." }} or contain {{ .var }} references.',
  ),
  stdin: z.union([z.string(), StdinRuleSchema]).optional().describe(
    "Expected stdin (CRLF and trailing newlines normalised), or !!binary bytes, at most 1 MiB; " +
      "or a rule {regex}, {contains} or {json}.",
  ),
  env: z.record(z.string(), z.string().nullable()).optional().describe(
    "Variables of the caller's environment: each must match its element (argv-item syntax: " +
      "literal, {{ .any }}, {{ .regex ... }}, {{ .var }}, {{ .capture.id }}); null means unset.",
  ),
}).describe("The call this step answers.");

/** A leaf step: one expected call. */
export const LeafStepSchema = z.strictObject({
  match: MatchSchema,
  respond: z.union([RespondSchema, z.array(RespondSchema).min(1)]).optional().describe(
    "The answer; or a list of answers: the n-th call gets the n-th, the last repeats " +
      "(without calls, a list of N answers means exactly N calls).",
  ),
  calls: CallsSchema.optional(),
  when: z.string().optional().describe("Accepted and ignored (with a validation warning)."),
}).describe("One expected call and its answer.");

/** `group`: an unordered group of leaf steps. */
export const GroupSchema = z.strictObject({
  mode: z.enum(["unordered"]).describe('Must be "unordered".'),
  name: z.string().optional().describe("Group name; default group-N (1-based ordinal)."),
  steps: z.array(LeafStepSchema).min(1).describe("Members: leaf steps, callable in any order."),
}).describe("Steps that may be called in any order.");

/** A group element of `steps`. */
export const GroupElementSchema = z.strictObject({ group: GroupSchema }).describe(
  "A group element: a mapping whose only key is `group`.",
);

/** An element of `steps`: a leaf step or a group. */
export const StepElementSchema = z.union([LeafStepSchema, GroupElementSchema]).describe(
  "A leaf step or a group.",
);

/** `meta`. */
export const MetaSchema = z.strictObject({
  name: z.string().describe("Scenario name, shown in every report. Must not be blank."),
  description: z.string().optional().describe("Free text."),
  vars: z.record(z.string(), z.string()).optional().describe(
    "Template variables; the environment overrides a value when set and not denied.",
  ),
  security: z.strictObject({
    allowed_commands: z.array(z.string()).optional().describe(
      "Command names the scenario may fake.",
    ),
    deny_env_vars: z.array(z.string()).optional().describe(
      "Glob patterns of variable names the environment may not override.",
    ),
  }).optional().describe("Guard rails."),
  session: z.strictObject({
    ttl: z.string().optional().describe(`Remove sessions idle longer than this: ${durationText}.`),
  }).optional().describe("Session settings."),
}).describe("Scenario metadata.");

/** A `forbid` entry (LANG-5). */
export const ForbidSchema = z.strictObject({
  argv: z.array(z.string()).min(1).describe(
    "Argv prefix of the forbidden calls, items as in match.argv; element 0 is the command name.",
  ),
  message: z.string().optional().describe("Why the call is forbidden; shown with the refusal."),
}).describe("Calls whose argv starts like this fail at once, before step matching.");

/** The whole scenario document. */
export const ScenarioDocumentSchema = z.strictObject({
  meta: MetaSchema,
  steps: z.array(StepElementSchema).min(1).describe("Expected calls, in order."),
  forbid: z.array(ForbidSchema).optional().describe(
    "Calls that must never happen: each fails at once and fails verification.",
  ),
}).describe("A cli-replay scenario.");

/** The raw leaf step as written. */
export type LeafStepDocument = z.infer<typeof LeafStepSchema>;
/** The raw group element as written. */
export type GroupElementDocument = z.infer<typeof GroupElementSchema>;
/** The raw `respond` answer as written. */
export type RespondDocument = z.infer<typeof RespondSchema>;
/** The raw `forbid` entry as written. */
export type ForbidDocument = z.infer<typeof ForbidSchema>;
/** The raw meta mapping as written. */
export type MetaDocument = z.infer<typeof MetaSchema>;

/** Builds the JSON Schema (draft-07) published as `schema/scenario.schema.json`. */
export function buildScenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioDocumentSchema, { target: "draft-7" });
  return {
    ...schema,
    $id: `https://jsr.io/@x/cli-replay/${VERSION}/schema/scenario.schema.json`,
  };
}
