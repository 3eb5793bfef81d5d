/**
 * POSIX path arithmetic on strings, the one place for it: no file system access, links are
 * not resolved.
 *
 * @module
 */

/**
 * The directory part of a path: `.` when it has none, `/` for a file in the root; trailing
 * slashes are ignored.
 *
 * @param path A path.
 * @returns Its directory.
 */
export function dirnameOf(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const i = trimmed.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : trimmed.slice(0, i);
}

/**
 * Makes a path absolute against `cwd`, lexically: `.` and `..` are resolved, links are not.
 *
 * @param path A path, absolute or relative.
 * @param cwd The absolute directory a relative path is relative to.
 * @returns The absolute path.
 */
export function resolvePath(path: string, cwd: string): string {
  const joined = path.startsWith("/") ? path : `${cwd}/${path}`;
  const out: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}
