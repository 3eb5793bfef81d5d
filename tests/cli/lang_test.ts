/**
 * Real-shell tests of the scenario language of issue 10 (LANG-2..6): each runs
 * `cli-replay exec s.yaml -- <shell> script.sh` in bash, zsh and sh (dash), with the cold path
 * of the `/bin/sh` shims, and reads what every fake call produced from files the script wrote
 * (`call NAME cmd…` stores stdout, stderr and the exit status of one call).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  cli,
  type ProcessResult,
  type Shell,
  SHELLS,
  shellTest,
  type TempDir,
  usingTempDir,
  writeScenario,
} from "../_helpers.ts";

/**
 * Shell function prepended to every script: `call NAME cmd args…` runs the command and stores
 * its stdout, stderr and exit status in `o/NAME.out`, `o/NAME.err`, `o/NAME.rc`.
 */
const CALL_FUNCTION = `mkdir -p o
call() { __n=$1; shift; "$@" >"o/$__n.out" 2>"o/$__n.err"; echo $? >"o/$__n.rc"; }
`;

/** What one `call NAME …` recorded. */
interface Call {
  code: number;
  stdout: string;
  stderr: string;
}

/** The `exec` process and a reader of the recorded calls. */
interface Scripted extends ProcessResult {
  call(name: string): Promise<Call>;
}

/**
 * Runs `cli-replay exec s.yaml -- <shell> script.sh` in `dir`.
 *
 * @param dir The working directory.
 * @param shell The shell running the script.
 * @param yaml The scenario.
 * @param script The script body (after {@linkcode CALL_FUNCTION}).
 * @param env Extra environment of `exec` (and so of the script).
 */
async function execIn(
  dir: TempDir,
  shell: Shell,
  yaml: string,
  script: string,
  env: Record<string, string | undefined> = {},
): Promise<Scripted> {
  await writeScenario(dir.path, "s.yaml", yaml);
  await Deno.writeTextFile(dir.join("script.sh"), CALL_FUNCTION + script);
  const result = await cli(["exec", "s.yaml", "--", shell, "script.sh"], {
    cwd: dir.path,
    env,
  });
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

// ---------------------------------------------------------------------------------------
// LANG-2 answer sequences
// ---------------------------------------------------------------------------------------

shellTest(
  "exec: a polling loop gets the answers of a sequence in order, the last one repeats, and verify shows the answer (LANG-2)",
  SHELLS,
  async (t, shells) => {
    for (const shell of shells) {
      await t.step(shell, async () => {
        await using dir = await usingTempDir();
        const r = await execIn(
          dir,
          shell,
          `meta:
  name: rollout
steps:
  - match:
      argv: [kubectl, rollout, status, deploy/web]
    respond:
      - {stdout: "pending\\n", exit: 1}
      - {stdout: "pending\\n", exit: 1}
      - {stdout: "ready\\n"}
  - match:
      argv: [job, status]
    calls: {min: 1, max: 3}
    respond: [{stdout: "queued\\n"}, {stdout: "done\\n"}]
`,
          `n=0
until kubectl rollout status deploy/web >o/last.out; do n=$((n + 1)); done
echo "$n" >o/retries
call j1 job status
call j2 job status
call j3 job status
`,
        );
        assert.equal(r.code, 0, r.stderr);
        assert.equal(await Deno.readTextFile(dir.join("o", "retries")), "2\n");
        assert.equal(await Deno.readTextFile(dir.join("o", "last.out")), "ready\n");
        assert.deepEqual(
          [await r.call("j1"), await r.call("j2"), await r.call("j3")].map((c) => c.stdout),
          ["queued\n", "done\n", "done\n"],
        );
        assert.match(
          r.stderr,
          /Step 1: kubectl rollout status deploy\/web — 3 calls, at answer 3 of 3 ✓\n {2}Step 2: job status — 3 calls \(min: 1, max: 3\), at answer 2 of 2 ✓/,
        );
      });
    }
  },
);
