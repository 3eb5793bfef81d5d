/**
 * The self command (CONTRACT glossary): the exact command line that re-invokes this
 * cli-replay, used by shims, record shims and the cleanup trap.
 *
 * @module
 */

/** URL of this package's CLI entry point. */
const CLI_URL = new URL("../../cli.ts", import.meta.url);
/** URL of the pre-built intercept bundle (`deno task bundle`). */
const BUNDLE_URL = new URL("../../generated/intercept.bundle.js", import.meta.url);
/** URL of this package's own configuration (import map and lock). */
const CONFIG_URL = new URL("../../deno.json", import.meta.url);

/** Options of {@linkcode selfCommand}. */
export interface SelfCommandOptions {
  /**
   * `intercept`: least privilege for shims (read, env, write limited to `writeDir`);
   * `full`: every permission (record shims run real commands; clean removes files).
   */
  mode: "intercept" | "full";
  /** Directory the intercept may write to (its `.cli-replay`). @default {undefined} (any) */
  writeDir?: string;
  /**
   * Whether an `intercept` may run programs: the fakes of `exec --record missing` run the
   * real command for a call that matches no step (RECM-1). @default {false}
   */
  allowRun?: boolean;
}

/**
 * Decides whether a program is a `deno compile`d binary, from what the runtime says
 * (`Deno.build.standalone`) or, on a runtime without that field, from a module
 * URL: compiled code runs from a virtual `file:` root named `deno-compile-<name>`.
 *
 * @param standalone `Deno.build.standalone`; `undefined` on runtimes without it.
 * @param moduleUrl `import.meta.url` of a module of the program.
 * @returns True for a compiled binary.
 */
export function detectCompiledBinary(standalone: boolean | undefined, moduleUrl: string): boolean {
  if (standalone !== undefined) return standalone;
  return moduleUrl.startsWith("file:") && /\/deno-compile-[^/]+\//.test(moduleUrl);
}

/** Whether this code runs inside a `deno compile`d binary. */
export function isCompiledBinary(): boolean {
  const build = Deno.build as { standalone?: boolean };
  return detectCompiledBinary(build.standalone, import.meta.url);
}

function _configFlag(): string {
  if (CLI_URL.protocol !== "file:") return "--no-config";
  try {
    Deno.statSync(CONFIG_URL);
    return `--config=${decodeURIComponent(CONFIG_URL.pathname)}`;
  } catch {
    return "--no-config";
  }
}

/**
 * Deno loads a lazily imported module when it is imported, not at start-up: a fake does not
 * first walk the scenario parser's modules and npm packages, which it needs only when the
 * scenario changed (SRV-9; a cold call is about 2 ms faster).
 */
const LAZY_IMPORTS = "--unstable-lazy-dynamic-imports";

let cachedConfigFlag: string | undefined;
let cachedInterceptMain: string | undefined;

function _urlToArg(url: URL): string {
  return url.protocol === "file:" ? decodeURIComponent(url.pathname) : url.href;
}

/** The intercept's main module: the bundle when it is there, else `cli.ts`. */
function _interceptMain(): string {
  if (CLI_URL.protocol !== "file:") return _urlToArg(BUNDLE_URL);
  try {
    Deno.statSync(BUNDLE_URL);
    return _urlToArg(BUNDLE_URL);
  } catch {
    return _urlToArg(CLI_URL);
  }
}

/**
 * Returns the words of the self command. Requires `--allow-read` (to find `deno.json`).
 *
 * @param options What the re-invoked process needs.
 * @returns `[<deno>, "run", flags…, <cli.ts>]` (for shims: the pre-built intercept bundle of
 * the same code), or `[<binary>]` for a compiled binary.
 */
export function selfCommand(options: SelfCommandOptions): string[] {
  const exe = Deno.execPath();
  if (isCompiledBinary()) return [exe];
  cachedConfigFlag ??= _configFlag();
  const perms = options.mode === "full" ? ["--allow-all"] : [
    "--allow-read",
    options.writeDir !== undefined && !options.writeDir.includes(",")
      ? `--allow-write=${options.writeDir}`
      : "--allow-write",
    "--allow-env",
    ...(options.allowRun === true ? ["--allow-run"] : []),
    "--allow-sys=uid",
    "--v8-flags=--enable-experimental-regexp-engine-on-excessive-backtracks",
  ];
  const main = options.mode === "intercept"
    ? (cachedInterceptMain ??= _interceptMain())
    : _urlToArg(CLI_URL);
  return [exe, "run", "--quiet", "--no-prompt", LAZY_IMPORTS, cachedConfigFlag, ...perms, main];
}
