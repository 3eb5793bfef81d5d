/**
 * Where a library call's scenario comes from: a path, a `file:` URL, or inline YAML that is
 * written to a private file for the session and removed with it.
 *
 * @module
 */
import { newSessionId } from "../session/files.ts";

/** A scenario file path, a `file:` URL, or inline YAML. */
export type ScenarioSource = string | URL | {
  /** The scenario's YAML text. */
  yaml: string;
  /** Directory to set the session up in (and to resolve `stdout_file` against). @default {a private temp dir} */
  dir?: string;
};

/** A scenario source as a file on disk; `remove()` deletes what was written for it. */
export interface ScenarioFile {
  /** The scenario's path. */
  readonly file: string;
  /** Removes the file written for inline YAML (and its temp dir); nothing for a path. */
  remove(): Promise<void>;
}

/**
 * Turns a scenario source into a file. Requires `--allow-write` for inline YAML.
 *
 * @param source The path, URL or inline YAML.
 * @returns The file and how to remove what was written.
 */
export async function scenarioFile(source: ScenarioSource): Promise<ScenarioFile> {
  if (typeof source === "string") return { file: source, remove: async () => {} };
  if (source instanceof URL) {
    return { file: decodeURIComponent(source.pathname), remove: async () => {} };
  }
  const dir = source.dir ?? await Deno.makeTempDir({ prefix: "cli-replay-inline-" });
  const file = `${dir}/.cli-replay-inline-${newSessionId()}.yaml`;
  await Deno.writeTextFile(file, source.yaml, { mode: 0o600 });
  const created = source.dir === undefined;
  return {
    file,
    remove: async () => {
      await Deno.remove(created ? dir : file, { recursive: created }).catch(() => {});
    },
  };
}
