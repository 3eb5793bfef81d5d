// LANG-1 end to end, in real bash: a script makes calls the scenario does not expect; the
// mismatch report and `verify --suggest` propose steps; pasted into the scenario where their
// comments say, the same script then passes.
import assert from "node:assert/strict";
import { cli, runScript, usingTempDir, writeScenario } from "../_helpers.ts";

const SCENARIO = `meta: {name: fix-me}
steps:
  - match: {argv: [git, fetch, origin]}
  - match: {argv: [git, status, --short]}
    respond: {stdout: "M README.md\\n"}
`;

/** The script: one call between the expected ones whose arguments YAML must quote. */
const SCRIPT = `set -e
git fetch origin
git tag -a on -m 'release: 1.10'
git status --short
`;

/**
 * Pastes suggested steps into a scenario whose top-level steps start with `  - `, where each
 * step's comment says: `# before step N` or `# after step N, the last`. `block` is the
 * suggestion text at column 0 (comments and `- match:` items).
 */
function paste(yaml: string, block: string): string {
  const lines = yaml.replace(/\n$/, "").split("\n");
  const stepLines = lines.flatMap((line, i) => line.startsWith("  - ") ? [i] : []);
  const inserts: { at: number; text: string[] }[] = [];
  for (const chunk of block.split(/^(?=# )/m).filter((c) => c.trim() !== "")) {
    const text = chunk.replace(/\n$/, "").split("\n").map((line) => `  ${line}`);
    const before = /# .*before step (\d+)$/m.exec(chunk);
    const after = /# .*after step (\d+), the last$/m.exec(chunk);
    if (before !== null) inserts.push({ at: stepLines[Number(before[1]) - 1]!, text });
    else if (after !== null) inserts.push({ at: lines.length, text });
    else throw new Error(`no placement in ${chunk}`);
  }
  // Insert bottom-up so the positions of earlier steps stay valid.
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) lines.splice(at, 0, ...text);
  return `${lines.join("\n")}\n`;
}

/** The lines under `To accept this call, add:` in a mismatch report, at column 0. */
function acceptingStep(report: string): string {
  const m = /\n {2}To accept this call, add:\n((?: {4}.*\n)+)/.exec(report);
  assert.ok(m !== null, report);
  return m[1]!.replace(/^ {4}/gm, "");
}

Deno.test(
  "exec: a wrong call's report proposes a step; pasted where its comment says, the re-run passes (LANG-1) in bash",
  async () => {
    await using dir = await usingTempDir();
    const file = await writeScenario(dir.path, "s.yaml", SCENARIO);
    await Deno.writeTextFile(dir.join("script.sh"), SCRIPT);

    const first = await cli(["exec", "s.yaml", "--", "bash", "script.sh"], { cwd: dir.path });
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /\nMismatch at step 2 of "fix-me":\n/);
    assert.match(
      first.stderr,
      /\n {2}Closest steps:\n {4}step 1: git fetch origin\n {6}first difference at position 1: expected "fetch", got "tag"\n {4}step 2: git status --short\n/,
    );
    const step = acceptingStep(first.stderr);
    assert.equal(
      step,
      `# before step 2
- match:
    argv: [git, tag, -a, 'on', -m, 'release: 1.10']
  respond: {stdout: ""}
`,
    );

    await Deno.writeTextFile(file, paste(SCENARIO, step));
    const second = await cli(["exec", "s.yaml", "--", "bash", "script.sh"], { cwd: dir.path });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, "M README.md\n");
    assert.match(second.stderr, /✓ Scenario "fix-me" completed: 3\/3 steps consumed\n/);
    assert.doesNotMatch(second.stderr, /To accept/);
  },
);

Deno.test(
  "verify --suggest prints a step per unexpected call on stdout, the text report on stderr, exits 1; pasted, a new session passes and prints nothing (LANG-1, VERIFY-10) in bash",
  async () => {
    await using dir = await usingTempDir();
    const file = await writeScenario(dir.path, "s.yaml", SCENARIO);
    const session = `eval "$(cli_replay run s.yaml)"
git fetch origin
git tag -a on -m 'release: 1.10' || true
git status --short
git push origin 'refs/tags/#on' || true
cli_replay verify --suggest s.yaml >suggest.yaml 2>verify.txt; echo $? >verify.rc
`;
    const r = await runScript("bash", session, { cwd: dir.path });
    assert.equal(r.code, 0, r.stderr);
    const read = (name: string) => Deno.readTextFile(dir.join(name));
    assert.equal((await read("verify.rc")).trim(), "1");
    const suggested = await read("suggest.yaml");
    assert.equal(
      suggested,
      `# ["git", "tag", "-a", "on", "-m", "release: 1.10"] (mismatch at step 2): before step 2
- match:
    argv: [git, tag, -a, 'on', -m, 'release: 1.10']
  respond: {stdout: ""}
# ["git", "push", "origin", "refs/tags/#on"] (after completion): after step 2, the last
- match:
    argv: [git, push, origin, refs/tags/#on]
  respond: {stdout: ""}
`,
    );
    // The text report lists each unexpected call, then the step that accepts it.
    assert.equal(
      await read("verify.txt"),
      `✗ Scenario "fix-me" failed: 2 unexpected calls
  consumed: 2/2 steps
  Step 1: git fetch origin — 1 call ✓
  Step 2: git status --short — 1 call ✓
  Unexpected calls (2):
    - ["git", "tag", "-a", "on", "-m", "release: 1.10"] (mismatch at step 2)
    - ["git", "push", "origin", "refs/tags/#on"] (after completion)
  To accept these calls, add:
    # before step 2
    - match:
        argv: [git, tag, -a, 'on', -m, 'release: 1.10']
      respond: {stdout: ""}
    # after step 2, the last
    - match:
        argv: [git, push, origin, refs/tags/#on]
      respond: {stdout: ""}
`,
    );

    await Deno.writeTextFile(file, paste(SCENARIO, suggested));
    const again = await runScript("bash", session, { cwd: dir.path });
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await read("verify.rc")).trim(), "0", await read("verify.txt"));
    assert.equal(await read("suggest.yaml"), "");
    assert.equal(await read("verify.txt"), '✓ Scenario "fix-me" completed: 4/4 steps consumed\n');
  },
);

Deno.test(
  "verify --suggest with a format that writes to stdout is a usage error; without a state it prints nothing on stdout (LANG-1, VERIFY-8, VERIFY-10)",
  async (t) => {
    await using dir = await usingTempDir();
    await writeScenario(dir.path, "s.yaml", SCENARIO);
    await t.step("--format json", async () => {
      const r = await cli(["verify", "--suggest", "--format", "json", "s.yaml"], { cwd: dir.path });
      assert.deepEqual(r, {
        code: 1,
        signal: null,
        stdout: "",
        stderr:
          "cli-replay: --suggest cannot be combined with --format json: both write to stdout\n",
      });
    });
    await t.step("no state", async () => {
      const r = await cli(["verify", "--suggest", "s.yaml"], { cwd: dir.path });
      assert.deepEqual(r, {
        code: 1,
        signal: null,
        stdout: "",
        stderr: `cli-replay: no state found for "fix-me"\n  run 'cli-replay run s.yaml' first\n`,
      });
    });
  },
);
