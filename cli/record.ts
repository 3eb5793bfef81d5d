/**
 * `cli-replay record` (REC-1..12): check the flags, run the command in direct or shim mode,
 * convert what was recorded into a scenario, validate it with the loader and write it
 * atomically.
 *
 * @module
 */

import { dirnameOf } from "../core/path.ts";
import { defaultRecordingName, parseRecordCommands } from "../core/record/flags.ts";
import type { RecordedCall } from "../core/record/log.ts";
import { type RecordingMeta, renderRecordedScenario } from "../core/record/scenario_writer.ts";
import { convertRecording, type ConvertResult } from "../core/record/convert.ts";
import { pickSecrets } from "../core/record/redact.ts";
import { formatRedactionSummary } from "../core/record/redact_steps.ts";
import { formatFoldSummary } from "../core/record/fold.ts";
import { parseScenario } from "../core/scenario/parse.ts";
import { formatDiagnostic } from "../core/scenario/format.ts";
import { writeFileAtomic } from "../effects/fs.ts";
import { isFsError, toFsError } from "../effects/fs.ts";
import {
  recordDirect,
  type RecordSessionResult,
  recordWithShims,
} from "../effects/record/session.ts";
import { ReplayError } from "../core/errors.ts";
import { parseRecordingRules, type RecordingFlags } from "./_record_flags.ts";
import { warn, writeErr } from "./output.ts";

/** Options of {@linkcode recordAction}, as parsed by the CLI framework. */
export interface RecordActionOptions extends RecordingFlags {
  /** `-o, --output`: the scenario file to write. */
  output?: string | undefined;
  /** `-n, --name`: `meta.name`. @default {`recorded-session-<UTC yyyymmdd-hhmmss>`} */
  name?: string | undefined;
  /** `-d, --description`: `meta.description`. @default {undefined} (not written) */
  description?: string | undefined;
  /** `-c, --command`: the commands to record (repeatable, comma-separated). @default {[]} */
  command?: readonly string[] | undefined;
}

const USAGE = "usage: cli-replay record -o <file> -- <command> [args...]";

/** Advice when the scenario cannot be written. */
const OUTPUT_HINTS = {
  "permission-denied": "choose an -o path in a directory you can write",
  "read-only": "choose an -o path on a writable file system",
  "is-a-directory": "choose a file name, not a directory, for -o",
};

/** REC-10: a file system failure of `record` writes nothing and exits 3. */
function _fsFailure(error: unknown, action: string, path: string): unknown {
  const converted = toFsError(error, { action, path, hints: OUTPUT_HINTS });
  return converted instanceof ReplayError && converted.kind === "filesystem"
    ? new ReplayError("record", converted.message, { exitCode: 3, cause: error })
    : converted;
}

/** REC-2: the output directory exists, and (before anything runs) the user can write there. */
async function _checkOutputDir(output: string): Promise<void> {
  const dir = dirnameOf(output);
  const info = await Deno.stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory) {
    throw new ReplayError("usage", `output directory does not exist: ${dir}`);
  }
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(16);
  const probe = `${dir}/.cli-replay-probe-${Deno.pid}-${random}.tmp`;
  try {
    (await Deno.open(probe, { write: true, createNew: true, mode: 0o600 })).close();
  } catch (error) {
    throw _fsFailure(error, "write", output);
  }
  await Deno.remove(probe).catch(() => {});
}

async function _record(
  argv: readonly string[],
  commands: readonly string[],
): Promise<RecordSessionResult> {
  try {
    return commands.length === 0 ? await recordDirect(argv) : await recordWithShims(argv, commands);
  } catch (error) {
    if (error instanceof ReplayError && error.kind === "record") throw error;
    if (error instanceof ReplayError && error.kind === "filesystem") {
      throw new ReplayError("record", error.message, { exitCode: 3, cause: error });
    }
    if (isFsError(error)) throw _fsFailure(error, "record into", "the recording directory");
    throw error;
  }
}

function _convert(
  calls: readonly RecordedCall[],
  meta: RecordingMeta,
  output: string,
  flags: RecordingFlags,
): { yaml: string; result: ConvertResult } {
  const rules = parseRecordingRules(flags);
  const result = convertRecording(calls, {
    secrets: rules.redactDefaults === false ? {} : pickSecrets(Deno.env.toObject()),
    callSecrets: rules.redactDefaults !== false,
    patterns: rules.patterns ?? [],
    fold: rules.fold !== false,
  });
  const yaml = renderRecordedScenario(result.steps, meta);
  const parsed = parseScenario(yaml, { file: output });
  if (!parsed.ok) {
    const lines = parsed.diagnostics.slice(0, 50).map((d) =>
      `cli-replay: ${formatDiagnostic(d)}\n`
    );
    writeErr(lines.join(""));
    throw new ReplayError(
      "record",
      `the recorded scenario is invalid (${parsed.diagnostics.length} error(s)); "${output}" was not written`,
      { exitCode: 3 },
    );
  }
  return { yaml, result };
}

/**
 * Runs `cli-replay record` (REC-1..12): validates the flags before anything runs, records
 * `commandArgv` in direct mode (no `-c`) or shim mode, and writes the scenario atomically with
 * mode `0600`, replacing an existing file only on success. Prints the status lines of REC-11
 * to stderr. Requires `--allow-all` (it runs commands and, in shim mode, re-runs cli-replay).
 *
 * @param opts The parsed flags.
 * @param commandArgv The command after `--` and its arguments.
 * @returns 0 when the command exited 0, 2 when it exited non-zero or was killed (the scenario
 * is written in both cases).
 * @throws {ReplayError} Exit 1 for usage errors, a missing output directory or a command that
 * cannot be started; exit 3 when nothing was recorded, the scenario could not be converted,
 * validated or written, or the output directory or the recording directory is not writable
 * (checked before anything runs).
 */
export async function recordAction(
  opts: RecordActionOptions,
  commandArgv: string[],
): Promise<number> {
  const output = opts.output;
  if (output === undefined || output === "") {
    throw new ReplayError("usage", "error: required option '-o, --output <path>' not specified");
  }
  if (commandArgv.length === 0) {
    throw new ReplayError("usage", `missing command after '--': ${USAGE}`);
  }
  const commands = parseRecordCommands(opts.command ?? []);
  if (!commands.ok) throw new ReplayError("usage", commands.message);
  if (opts.name !== undefined && opts.name.trim() === "") {
    throw new ReplayError("usage", "--name must not be empty");
  }
  parseRecordingRules(opts);
  await _checkOutputDir(output);
  if (!/\.ya?ml$/.test(output)) warn("output file does not have .yaml or .yml extension");

  const start = new Date();
  const meta: RecordingMeta = { name: opts.name ?? defaultRecordingName(start) };
  if (opts.description !== undefined) meta.description = opts.description;

  const { calls, exitCode } = await _record(commandArgv, commands.names);
  if (calls.length === 0) {
    throw new ReplayError("record", `no commands were recorded; "${output}" was not written`, {
      exitCode: 3,
    });
  }
  const { yaml, result } = _convert(calls, meta, output, opts);
  try {
    await writeFileAtomic(output, yaml, { mode: 0o600 });
  } catch (error) {
    throw _fsFailure(error, "write", output);
  }

  const status = [`✓ Recorded ${calls.length} command(s) to ${output}`, `  Scenario: ${meta.name}`];
  if (meta.description !== undefined) status.push(`  Description: ${meta.description}`);
  if (exitCode !== 0) status.push(`  Command exit code: ${exitCode} (captured in scenario)`);
  for (const line of [formatRedactionSummary(result.redactions), formatFoldSummary(result)]) {
    if (line !== undefined) status.push(`  ${line[0]!.toUpperCase()}${line.slice(1)}`);
  }
  writeErr(`${status.join("\n")}\n`);
  return exitCode === 0 ? 0 : 2;
}
