/**
 * `cli-replay redact <file>… [--redact <regex>]… [--env NAME]… [--check]` (RECM-2): the
 * redaction rules of recording, applied to existing scenario files in place.
 *
 * @module
 */
import { MIN_SECRET_LENGTH, pickSecrets, type RedactRules } from "../core/record/redact.ts";
import { formatRedactionSummary } from "../core/record/redact_steps.ts";
import { redactScenarioText } from "../core/record/redact_scenario.ts";
import { parseScenario } from "../core/scenario/parse.ts";
import { formatDiagnostic } from "../core/scenario/format.ts";
import { writeFileAtomic } from "../effects/fs.ts";
import { fsReason } from "../effects/fs.ts";
import { ReplayError } from "../core/errors.ts";
import { parseRecordingRules } from "./_record_flags.ts";
import { warn, writeErr, writeOut } from "./output.ts";

/** Flags of `redact`. */
export interface RedactFlags {
  /** `--redact <regex>` (repeatable). */
  redact?: readonly string[];
  /** `--env <name>` (repeatable): more variables whose values are secrets. */
  env?: readonly string[];
  /** `--no-redact`: the default secret names do not apply. */
  noRedact?: boolean;
  /** `--check`: change nothing, exit 1 when something would change. */
  check?: boolean;
}

/** The rules of this run: secrets from this process's environment, and the patterns. */
function _rules(flags: RedactFlags): RedactRules {
  const env = Deno.env.toObject();
  for (const name of flags.env ?? []) {
    const value = env[name];
    if (value === undefined) {
      warn(`--env ${name}: the variable is not set; nothing to redact for it`);
    } else if (value.length < MIN_SECRET_LENGTH) {
      warn(
        `--env ${name}: its value is shorter than ${MIN_SECRET_LENGTH} characters; not redacted`,
      );
    }
  }
  const secrets = pickSecrets(env, {
    defaults: flags.noRedact !== true,
    names: flags.env ?? [],
  });
  const { patterns = [] } = parseRecordingRules({ redact: flags.redact });
  return { secrets, patterns };
}

/**
 * Runs `cli-replay redact`: for each file, lists the values that change
 * (`file:line:col: path: NAME ×n`) and a summary line on stdout, and rewrites the file
 * atomically (keeping its mode) unless `--check`. A file that would no longer load is not
 * written. Requires `--allow-read`, `--allow-write` and `--allow-env`.
 *
 * @param files The scenario files.
 * @param flags The flags.
 * @returns 0; 1 when a file could not be read or written, or with `--check` when something
 * would change.
 * @throws {ReplayError} For a `--redact` pattern that does not compile, or no secret to look for.
 */
export async function redactAction(files: string[], flags: RedactFlags): Promise<number> {
  const rules = _rules(flags);
  if (Object.keys(rules.secrets).length === 0 && rules.patterns.length === 0) {
    throw new ReplayError(
      "usage",
      "nothing to redact: no secret-named variable (*TOKEN*, *SECRET*, …) is set, and no --env or --redact was given",
    );
  }
  let failed = false;
  let wouldChange = false;
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      writeErr(`cli-replay: cannot read "${file}": ${fsReason(error)}\n`);
      failed = true;
      continue;
    }
    const result = redactScenarioText(text, rules);
    if (!result.ok) {
      writeErr(`cli-replay: ${file}: cannot read YAML: ${result.message.split("\n")[0]}\n`);
      failed = true;
      continue;
    }
    const summary = formatRedactionSummary(result.counts);
    if (summary === undefined) {
      writeOut(`${file}: nothing to redact\n`);
      continue;
    }
    const lines = result.changes.map((c) => {
      const counts = new Map<string, number>();
      for (const label of c.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
      const what = [...counts].map(([label, n]) => n === 1 ? label : `${label} ×${n}`).join(", ");
      return `${file}:${c.line}:${c.column}: ${c.path}: ${what}\n`;
    });
    writeOut(lines.join(""));
    if (flags.check) {
      wouldChange = true;
      writeOut(`${file}: would have ${summary}\n`);
      continue;
    }
    const parsed = parseScenario(result.text, { file });
    if (!parsed.ok) {
      const shown = parsed.diagnostics.slice(0, 10).map((d) =>
        `cli-replay: ${formatDiagnostic(d)}\n`
      );
      writeErr(`${shown.join("")}cli-replay: "${file}" would no longer load; it was not changed\n`);
      failed = true;
      continue;
    }
    try {
      const mode = (await Deno.stat(file)).mode ?? 0o600;
      await writeFileAtomic(file, result.text, { mode: mode & 0o777 });
    } catch (error) {
      writeErr(`cli-replay: cannot write "${file}": ${fsReason(error)}\n`);
      failed = true;
      continue;
    }
    writeOut(`${file}: ${summary}\n`);
  }
  return failed || wouldChange ? 1 : 0;
}
