/**
 * Command lookup on `PATH` for `record` and its shims (REC-4, REC-5).
 *
 * @module
 */

/** Options of {@linkcode findExecutable}. */
export interface FindExecutableOptions {
  /** A directory to skip in `PATH` (the record shim dir). @default {undefined} */
  skipDir?: string;
}

/** Resolves `path` against the working directory and removes `.`/`..` and repeated slashes. */
function _normalize(path: string): string {
  const absolute = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const parts: string[] = [];
  for (const part of absolute.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

async function _realPath(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return _normalize(path);
  }
}

/**
 * Whether `path` is a regular file with an execute bit set. Requires `--allow-read`.
 *
 * @param path The file to check.
 * @returns `true` for an executable regular file (symbolic links followed).
 */
export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/**
 * Finds the file a command name runs: a name containing `/` is taken as a path; otherwise the
 * first executable regular file of that name in the entries of `pathValue` (an empty entry is
 * the working directory), skipping every entry that is `options.skipDir`.
 * Requires `--allow-read`.
 *
 * @param name The command name or path.
 * @param pathValue The `PATH` to search.
 * @param options The directory to skip.
 * @returns The path to run, or `undefined` when none was found.
 */
export async function findExecutable(
  name: string,
  pathValue: string | undefined,
  options: FindExecutableOptions = {},
): Promise<string | undefined> {
  if (name === "") return undefined;
  if (name.includes("/")) return (await isExecutableFile(name)) ? name : undefined;
  const skip = options.skipDir === undefined
    ? undefined
    : [_normalize(options.skipDir), await _realPath(options.skipDir)];
  for (const entry of (pathValue ?? "").split(":")) {
    const dir = entry === "" ? "." : entry;
    if (skip !== undefined) {
      if (skip.includes(_normalize(dir)) || skip.includes(await _realPath(dir))) continue;
    }
    const candidate = `${dir.replace(/\/+$/, "") || "/"}/${name}`.replace(/^\/\//, "/");
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
