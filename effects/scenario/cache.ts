/**
 * A per-user cache of validated scenarios, keyed by the scenario's absolute path and the
 * SHA-256 of its bytes (SRV-9): `run`, `exec` and `verify` of a scenario that was loaded
 * before skip the YAML and schema libraries (about 60 ms of start-up). No npm imports here;
 * the parser is imported only on a miss.
 *
 * The cache lives in `$CLI_REPLAY_CACHE_DIR`, else `$XDG_CACHE_HOME/cli-replay`, else
 * `$HOME/.cache/cli-replay` (mode 0700, owned by the user; anything else is not used).
 * `CLI_REPLAY_CACHE_DIR=` (empty) turns it off. It is best effort: a cache that cannot be
 * read or written is ignored, and an entry is used only when the program version, the
 * scenario bytes and every referenced `stdout_file`/`stderr_file` (size and mtime) are
 * unchanged.
 *
 * @module
 */
import { COMPILED_FORMAT, decodeCompiled, encodeCompiled } from "../../core/scenario/compiled.ts";
import { VERSION } from "../../core/version.ts";
import { ReplayError } from "../../core/errors.ts";
import type { Diagnostic } from "../../core/types.ts";
import type { SourcePosition } from "../../core/scenario/types.ts";
import type { LoadedScenario } from "./file.ts";
import { writeFileAtomicSync } from "../fs.ts";
import { fsReason } from "../fs.ts";
import { absolutePath, sha256Hex } from "../session/files.ts";

/** A referenced file as it was when the entry was written. */
interface _Ref {
  path: string;
  size: number;
  mtimeMs: number;
}

/** What an entry holds besides the compiled scenario. */
interface _Extra {
  absPath: string;
  warnings: Diagnostic[];
  positions: [string, SourcePosition][];
  refs: _Ref[];
}

/** Options of {@linkcode readScenarioCached}. */
export interface ScenarioCacheOptions {
  /** Cache directory; `null` turns the cache off. @default {the environment's, see the module doc} */
  cacheDir?: string | null;
}

/** The cache directory, or undefined when caching is off or there is no home. */
export function defaultCacheDir(): string | undefined {
  const explicit = Deno.env.get("CLI_REPLAY_CACHE_DIR");
  if (explicit !== undefined) return explicit === "" ? undefined : explicit;
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/cli-replay`;
  const home = Deno.env.get("HOME");
  return home ? `${home}/.cache/cli-replay` : undefined;
}

function _usableDir(dir: string, create: boolean): boolean {
  try {
    if (create) Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = Deno.lstatSync(dir);
    const uid = Deno.uid();
    return info.isDirectory && (uid === null || info.uid === uid) &&
      (info.mode === null || (info.mode & 0o022) === 0);
  } catch {
    return false;
  }
}

/** Synchronous on purpose: on start-up paths the async file calls cost milliseconds. */
function _readScenarioBytes(absPath: string): { info: Deno.FileInfo; bytes: Uint8Array } {
  const info = Deno.statSync(absPath);
  return { info, bytes: info.isFile ? Deno.readFileSync(absPath) : new Uint8Array() };
}

function _refsUnchanged(refs: readonly _Ref[]): boolean {
  for (const ref of refs) {
    try {
      const info = Deno.statSync(ref.path);
      if (info.size !== ref.size || (info.mtime?.getTime() ?? 0) !== ref.mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Reads and validates a scenario file like `readScenarioFile`, answering from the cache when
 * the same bytes were validated before. Requires `--allow-read`, `--allow-env`, and
 * `--allow-write` for the cache (without it the cache is skipped).
 *
 * @param file The path as the user gave it.
 * @param options Where the cache is.
 * @returns The loaded scenario.
 * @throws {ReplayError} When the file cannot be read or is invalid (never cached).
 */
export async function readScenarioCached(
  file: string,
  options: ScenarioCacheOptions = {},
): Promise<LoadedScenario> {
  const absPath = absolutePath(file);
  let bytes: Uint8Array;
  let info: Deno.FileInfo;
  try {
    ({ info, bytes } = _readScenarioBytes(absPath));
  } catch (error) {
    throw new ReplayError("scenario", `cannot read scenario "${file}": ${fsReason(error)}`);
  }
  const chosen = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir ?? undefined;
  const dir = info.isFile ? chosen : undefined;
  const hash = await sha256Hex(bytes);
  const entryPath = dir === undefined
    ? undefined
    : `${dir}/${
      (await sha256Hex(`${COMPILED_FORMAT}\0${VERSION}\0${absPath}\0${hash}`)).slice(0, 32)
    }.json`;
  if (entryPath !== undefined) {
    const hit = _read(entryPath, absPath);
    if (hit !== undefined) {
      return {
        file,
        absPath,
        scenario: hit.scenario,
        warnings: hit.warnings,
        hash,
        size: info.size,
        mtimeMs: info.mtime?.getTime() ?? 0,
        positions: new Map(hit.positions),
      };
    }
  }
  const { readScenarioFile, resolveScenarioRelative } = await import("./file.ts");
  const loaded = await readScenarioFile(file);
  if (entryPath !== undefined && dir !== undefined && loaded.hash === hash) {
    _write(entryPath, dir, loaded, resolveScenarioRelative);
  }
  return loaded;
}

function _read(
  entryPath: string,
  absPath: string,
): (ReturnType<typeof decodeCompiled> & _Extra) | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(entryPath);
  } catch {
    return undefined;
  }
  const entry = decodeCompiled(text, VERSION) as (ReturnType<typeof decodeCompiled> & _Extra);
  if (entry === undefined || entry.absPath !== absPath || !Array.isArray(entry.refs)) {
    return undefined;
  }
  return _refsUnchanged(entry.refs) ? entry : undefined;
}

function _write(
  entryPath: string,
  dir: string,
  loaded: LoadedScenario,
  resolve: (abs: string, path: string) => string,
): void {
  if (!_usableDir(dir, true)) return;
  try {
    const refs: _Ref[] = [];
    for (const step of loaded.scenario.steps) {
      for (const content of [step.respond.stdout, step.respond.stderr]) {
        if (content.kind !== "file") continue;
        const path = resolve(loaded.absPath, content.path);
        const stat = Deno.statSync(path);
        refs.push({ path, size: stat.size, mtimeMs: stat.mtime?.getTime() ?? 0 });
      }
    }
    const extra: _Extra = {
      absPath: loaded.absPath,
      warnings: loaded.warnings,
      positions: [...loaded.positions],
      refs,
    };
    const text = encodeCompiled({
      format: COMPILED_FORMAT,
      programVersion: VERSION,
      scenarioHash: loaded.hash,
      size: loaded.size,
      mtimeMs: loaded.mtimeMs,
      scenario: loaded.scenario,
      ...extra,
    });
    writeFileAtomicSync(entryPath, text, { mode: 0o600 });
  } catch {
    // Best effort: a full disk or a read-only home only costs the next start-up time.
  }
}
