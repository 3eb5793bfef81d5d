/**
 * Reads and validates a scenario file, including the files it references (SCN-16,
 * VAL-2). Loads the YAML parser: never imported by the intercept except on a
 * scenario edit (STATE-12).
 *
 * @module
 */
import { type ParseResult, parseScenario, type SourcePosition } from "../../core/scenario/parse.ts";
import { ReplayError } from "../../core/errors.ts";
import type { Diagnostic, Scenario } from "../../core/types.ts";
import { parseTemplate, undeclaredVariables } from "../../core/lang/template.ts";
import { absolutePath, dirnameOf, sha256Hex } from "../session/files.ts";
import { fsReason } from "../fs.ts";

/** A scenario read from disk and validated. */
export interface LoadedScenario {
  /** The path as the user gave it. */
  readonly file: string;
  /** Absolute path (STATE-2). */
  readonly absPath: string;
  /** The validated scenario. */
  readonly scenario: Scenario;
  /** Warnings (VAL-7). */
  readonly warnings: Diagnostic[];
  /** SHA-256 hex of the file bytes. */
  readonly hash: string;
  /** File size in bytes. */
  readonly size: number;
  /** File mtime in ms. */
  readonly mtimeMs: number;
  /** Source positions of YAML paths. */
  readonly positions: ReadonlyMap<string, SourcePosition>;
}

/** Resolves a `stdout_file`/`stderr_file` path against the scenario's directory. */
export function resolveScenarioRelative(absScenarioPath: string, path: string): string {
  return path.startsWith("/") ? path : absolutePath(path, dirnameOf(absScenarioPath));
}

/** The result of {@linkcode checkScenarioText}: like ParseResult, with file checks done. */
export type CheckedScenario =
  | Extract<ParseResult, { ok: true }>
  | { ok: false; diagnostics: Diagnostic[]; warnings: Diagnostic[] };

/**
 * Parses scenario text and checks that every referenced file exists and holds a valid
 * template (SCN-16, VAL-2). Requires `--allow-read`.
 *
 * @param text The YAML text.
 * @param file The path as given (for diagnostics).
 * @param absPath The absolute path (to resolve referenced files).
 * @returns The checked result.
 */
export async function checkScenarioText(
  text: string,
  file: string,
  absPath: string,
): Promise<CheckedScenario> {
  const parsed = parseScenario(text, { file });
  const diagnostics: Diagnostic[] = [];
  const dir = dirnameOf(absPath);
  const vars = parsed.ok ? parsed.scenario.meta.vars : undefined;
  for (const ref of parsed.fileRefs) {
    const resolved = resolveScenarioRelative(absPath, ref.path);
    const at = { file, line: ref.position.line, column: ref.position.column, path: ref.yamlPath };
    let content: string;
    try {
      content = await Deno.readTextFile(resolved);
    } catch (error) {
      const message = error instanceof Deno.errors.NotFound
        ? `file "${ref.path}" not found (relative to ${dir})`
        : `cannot read "${ref.path}": ${fsReason(error)}`;
      diagnostics.push({ ...at, message, severity: "error" });
      continue;
    }
    const template = parseTemplate(content);
    if (!template.ok) {
      diagnostics.push({ ...at, message: `"${ref.path}": ${template.message}`, severity: "error" });
      continue;
    }
    if (vars === undefined) continue;
    for (const message of undeclaredVariables(template.parts, new Set(Object.keys(vars)))) {
      diagnostics.push({ ...at, message: `"${ref.path}": ${message}`, severity: "error" });
    }
  }
  if (!parsed.ok) {
    const all = [...parsed.diagnostics, ...diagnostics].sort((a, b) =>
      a.line - b.line || a.column - b.column
    );
    return { ok: false, diagnostics: all, warnings: parsed.warnings };
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics, warnings: parsed.warnings };
  return parsed;
}

/**
 * Reads, validates and hashes a scenario file. Requires `--allow-read`.
 *
 * @param file The path as the user gave it.
 * @returns The loaded scenario.
 * @throws {ReplayError} When the file cannot be read or is invalid.
 */
export async function readScenarioFile(file: string): Promise<LoadedScenario> {
  const absPath = absolutePath(file);
  let bytes: Uint8Array;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(absPath);
    if (info.isDirectory) throw new Deno.errors.IsADirectory("is a directory");
    bytes = await Deno.readFile(absPath);
  } catch (error) {
    throw new ReplayError("scenario", `cannot read scenario "${file}": ${fsReason(error)}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ReplayError("scenario", `cannot read scenario "${file}": not valid UTF-8`);
  }
  const checked = await checkScenarioText(text, file, absPath);
  if (!checked.ok) {
    throw new ReplayError(
      "scenario",
      `scenario "${file}" is invalid (${checked.diagnostics.length} error(s))`,
      { diagnostics: checked.diagnostics },
    );
  }
  return {
    file,
    absPath,
    scenario: checked.scenario,
    warnings: checked.warnings,
    hash: await sha256Hex(bytes),
    size: info.size,
    mtimeMs: info.mtime?.getTime() ?? 0,
    positions: checked.positions,
  };
}

/**
 * Loads and validates a scenario file (LIB-3). Requires `--allow-read`.
 *
 * @example Usage
 * ```ts
 * import { loadScenario } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/s.yaml`, "meta: {name: s}\nsteps:\n  - match: {argv: [git, status]}\n");
 * const scenario = await loadScenario(`${dir}/s.yaml`);
 * assert.deepEqual(scenario.commands, ["git"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path A path or `file:` URL.
 * @returns The validated scenario.
 * @throws {ReplayError} When the file cannot be read or is invalid.
 */
export async function loadScenario(path: string | URL): Promise<Scenario> {
  const file = path instanceof URL ? decodeURIComponent(path.pathname) : path;
  return (await readScenarioFile(file)).scenario;
}
