/**
 * What a faked command may be called (SCN-13): a plain name that can be a file in the
 * intercept dir, and no two names that differ only in letter case (their shims would
 * collide on a case-insensitive file system). The scenario loader and `record -c` both use it.
 *
 * @module
 */
const UTF8 = new TextEncoder();

/**
 * Why `name` is not a plain command name, or `undefined` when it is one.
 *
 * @param name The command name.
 * @returns The problem, phrased to follow the name: `must not be empty`, …
 */
export function commandNameProblem(name: string): string | undefined {
  if (name === "") return "must not be empty";
  if (UTF8.encode(name).length > 255) return "must be at most 255 bytes";
  if (name === "." || name === "..") return `must not be "." or ".."`;
  // deno-lint-ignore no-control-regex
  if (name.includes("/") || name.includes("{{") || /[\u0000-\u001f\u007f]/.test(name)) {
    return `must be a plain command name (no "/", no template)`;
  }
  return undefined;
}

/**
 * Remembers command names and finds an earlier one that differs only in letter case.
 *
 * @returns `twin(name)`: the earlier name that folds to the same lower case but differs, if
 * any (the first spelling of each folded name is kept).
 */
export function letterCaseTwins(): (name: string) => string | undefined {
  const seen = new Map<string, string>();
  return (name) => {
    const lower = name.toLowerCase();
    const prior = seen.get(lower);
    if (prior === undefined) seen.set(lower, name);
    return prior !== undefined && prior !== name ? prior : undefined;
  };
}
