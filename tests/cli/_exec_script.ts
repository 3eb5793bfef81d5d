/**
 * Running a script under `exec` whose calls each leave their stdout, stderr and exit status
 * in files, so that tests can check every call of one run: shared by the feature and
 * language tests.
 *
 * @module
 */
import {
  assertShellInstalled,
  cli,
  type ProcessResult,
  type Shell,
  type TempDir,
  writeScenario,
} from "../_helpers.ts";

/**
 * Shell function prepended to every script: `call NAME cmd args…` runs the command and
 * stores its stdout, stderr and exit code in `o/NAME.out`, `o/NAME.err`, `o/NAME.rc`.
 * Works in bash, zsh and dash.
 */
export const CALL_FUNCTION = `mkdir -p o
call() { __n=$1; shift; "$@" >"o/$__n.out" 2>"o/$__n.err"; echo $? >"o/$__n.rc"; }
`;

/** What one `call NAME …` of the script recorded. */
export interface Call {
  code: number;
  stdout: string;
  stderr: string;
}

/** The result of {@linkcode execScript}: the `exec` process plus the recorded calls. */
export interface Scripted extends ProcessResult {
  /** Reads what `call NAME …` recorded; throws when the call never ran. */
  call(name: string): Promise<Call>;
}

/** Options of {@linkcode execScript}. */
export interface ExecScriptOptions {
  /** The scenario YAML, written to `s.yaml`. */
  yaml: string;
  /** The script body, written to `script.sh` after {@linkcode CALL_FUNCTION}. */
  script: string;
  /** The shell that runs the script. @default {"bash"} */
  shell?: Shell;
  /** Flags for `exec`, placed before the scenario path. */
  flags?: string[];
  /** Extra environment for `exec`. */
  env?: Record<string, string | undefined>;
  /** Extra files (relative path → content) written next to the scenario. */
  files?: Record<string, string>;
}

/**
 * Runs `cli-replay exec [flags] s.yaml -- <shell> script.sh` in `dir`.
 *
 * @param dir The working directory (scenario, script and outputs live there).
 * @param opts Scenario, script, shell, flags, environment and extra files.
 * @returns The exec result and a reader for the recorded calls.
 */
export async function execScript(dir: TempDir, opts: ExecScriptOptions): Promise<Scripted> {
  assertShellInstalled(opts.shell ?? "bash");
  await writeScenario(dir.path, "s.yaml", opts.yaml);
  for (const [name, content] of Object.entries(opts.files ?? {})) {
    await writeScenario(dir.path, name, content);
  }
  await Deno.writeTextFile(dir.join("script.sh"), CALL_FUNCTION + opts.script);
  const result = await cli(
    ["exec", ...(opts.flags ?? []), "s.yaml", "--", opts.shell ?? "bash", "script.sh"],
    { cwd: dir.path, ...(opts.env !== undefined ? { env: opts.env } : {}) },
  );
  return {
    ...result,
    async call(name: string): Promise<Call> {
      const read = (ext: string) => Deno.readTextFile(dir.join("o", `${name}.${ext}`));
      const rc = await read("rc").catch(() => {
        throw new Error(
          `call "${name}" did not run; exec exited ${result.code}:\n${result.stderr}`,
        );
      });
      return { code: Number(rc.trim()), stdout: await read("out"), stderr: await read("err") };
    },
  };
}
