/**
 * The recording flags shared by `record`, `exec --record` and `redact`: `--redact`,
 * `--no-redact`, `--no-fold` (RECM-2, RECM-3). Apart from `flags.ts` so that commands that
 * do not record load none of the redaction code.
 *
 * @module
 */
import { ReplayError } from "../core/errors.ts";
import { compileRedactPattern } from "../core/record/redact.ts";
import type { RecordingRules } from "../effects/record/write_recording.ts";

/** The recording flags shared by `record` and `exec --record` (RECM-2, RECM-3). */
export interface RecordingFlags {
  /** `--redact <regex>` (repeatable). */
  redact?: readonly string[] | undefined;
  /** `--no-redact`: the default secret names do not apply. */
  noRedact?: boolean | undefined;
  /** `--no-fold`: one step per call. */
  noFold?: boolean | undefined;
}

/** Reads `--redact`, `--no-redact` and `--no-fold`, or throws for a pattern that does not compile. */
export function parseRecordingRules(flags: RecordingFlags): RecordingRules {
  const patterns = (flags.redact ?? []).map((source) => {
    const compiled = compileRedactPattern(source);
    if (typeof compiled === "string") {
      throw new ReplayError("usage", `invalid --redact ${JSON.stringify(source)}: ${compiled}`);
    }
    return compiled;
  });
  return { patterns, redactDefaults: flags.noRedact !== true, fold: flags.noFold !== true };
}
