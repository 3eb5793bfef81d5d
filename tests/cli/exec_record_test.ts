// `cli-replay exec --record` end to end (RECM-1..4): real git, jq and sed recorded through
// each mode, then replayed green by `exec` with none of them on PATH; the same for folded and
// redacted recordings, and `cli-replay redact` on files.
import assert from "node:assert/strict";
import { cli, listDir, onPath, type ProcessResult, usingTempDir } from "../_helpers.ts";
import { parseScenario } from "../../core/scenario/parse.ts";

/** The tools recorded here; the replay PATH holds none of them. */
const TOOLS = ["git", "jq", "sed"];

/** A workspace: the script, the scenario, and a PATH with `sh` only for replays. */
async function workspace() {
  const dir = await usingTempDir("exec-record-");
  const replayBin = dir.join("replay-bin");
  await Deno.mkdir(replayBin);
  await Deno.symlink(await Deno.realPath("/bin/sh"), `${replayBin}/sh`);
  for (const tool of TOOLS) {
    assert.ok(!onPath(tool, replayBin), `${tool} must not be on the replay PATH`);
  }
  return {
    dir,
    path: dir.path,
    scenario: dir.join("s.yaml"),
    async script(name: string, text: string): Promise<void> {
      await Deno.writeTextFile(dir.join(name), text);
    },
    /** `cli-replay <args>` with the real tools on PATH. */
    real(args: string[], env: Record<string, string | undefined> = {}): Promise<ProcessResult> {
      return cli(args, { cwd: dir.path, env });
    },
    /** `cli-replay <args>` with only `sh` on PATH. */
    replay(args: string[], env: Record<string, string | undefined> = {}): Promise<ProcessResult> {
      return cli(args, { cwd: dir.path, env: { ...env, PATH: replayBin } });
    },
    read: () => Deno.readTextFile(dir.join("s.yaml")),
    [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose](),
  };
}

/** Runs `sh <script>` directly with the real tools: what a recording must reproduce. */
async function direct(cwd: string, script: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command("sh", {
    args: [script],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

const RECORD = ["--record"];
const COMMANDS = ["-c", "git", "-c", "jq,sed"];

/** Six calls of real tools: versions, stdin, tabs and CRLF, a file read, bytes that are not UTF-8. */
const SCRIPT = `set -e
git --version
printf 'hello world\\n' | git hash-object --stdin
jq -cn '{a: 1, b: [1, 2]}'
printf '{"name":"web","replicas":3}' | jq -r .name
printf 'a\\tb\\r\\nline2\\n' | sed 's/a/A/'
printf '\\377\\376A\\n' | sed 's/A/B/' > out.bin
`;

/** Asserts that `exec` passed and verified every step. */
function assertGreen(run: ProcessResult, steps: number): void {
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`completed: ${steps}/${steps} steps consumed`), run.stderr);
}

Deno.test("exec --record once records real git, jq and sed, then replays green without them (RECM-1, RECM-4)", async () => {
  await using ws = await workspace();
  await ws.script("run.sh", SCRIPT);
  const expected = await direct(ws.path, "run.sh");
  const expectedBin = await Deno.readFile(ws.dir.join("out.bin"));
  await Deno.remove(ws.dir.join("out.bin"));

  const recorded = await ws.real([
    "exec",
    ...RECORD,
    "once",
    ...COMMANDS,
    "s.yaml",
    "--",
    "sh",
    "run.sh",
  ]);
  assert.equal(recorded.code, 0, recorded.stderr);
  assert.equal(recorded.stdout, expected.stdout);
  assert.match(
    recorded.stderr,
    /cli-replay: recorded 6 new steps \(git ×2, jq ×2, sed ×2\) in s\.yaml\n/,
  );
  assert.equal((await Deno.stat(ws.scenario)).mode! & 0o777, 0o600);
  const text = await ws.read();
  assert.match(text, /^meta:\n {2}name: "s"\nsteps:\n/);
  assert.match(text, /argv: \["git", "hash-object", "--stdin"\]\n {6}stdin: \|\n {8}hello world\n/);
  assert.match(text, /stdout: !!binary \|\n/);
  assert.deepEqual(await listDir(ws.dir.join(".cli-replay")).catch(() => []), []);

  // The file exists now: once replays it exactly as none does, without the tools, unchanged.
  for (const mode of [["--record", "once", ...COMMANDS], []]) {
    const replayed = await ws.replay(["exec", ...mode, "s.yaml", "--", "sh", "run.sh"]);
    assertGreen(replayed, 6);
    assert.equal(replayed.stdout, expected.stdout);
    assert.deepEqual(await Deno.readFile(ws.dir.join("out.bin")), expectedBin);
    assert.equal(await ws.read(), text);
  }
});

Deno.test("exec --record once: the exit code is the child's, and the file is written (RECM-1)", async () => {
  await using ws = await workspace();
  await ws.script("fail.sh", "git --version >/dev/null\nsed --bogus-flag 2>/dev/null || exit 3\n");
  const run = await ws.real([
    "exec",
    "--record",
    "once",
    ...COMMANDS,
    "s.yaml",
    "--",
    "sh",
    "fail.sh",
  ]);
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /recorded 2 new steps \(git ×1, sed ×1\)/);
  const replayed = await ws.replay(["exec", "s.yaml", "--", "sh", "fail.sh"]);
  assert.equal(replayed.code, 3, replayed.stderr);
  assert.match(replayed.stderr, /completed: 2\/2 steps consumed/);
});

Deno.test("exec --record once with no call of a recorded command writes nothing (RECM-1)", async () => {
  await using ws = await workspace();
  const run = await ws.real([
    "exec",
    "--record",
    "once",
    "-c",
    "git",
    "s.yaml",
    "--",
    "sh",
    "-c",
    "exit 0",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /cli-replay: no calls were recorded; "s\.yaml" was not written\n/);
  assert.equal(await Deno.stat(ws.scenario).then(() => true, () => false), false);
});

/** A scenario recorded by hand, with comments and its own layout, for `missing`. */
const HAND_WRITTEN = `# deploy flow: edited by hand after recording
meta:
  name: flow   # keep me
steps:
  # the version check
  - match: {argv: [git, --version]}
    respond: {stdout: "git version 0.0-test\\n"}

  # render the manifest
  - match:
      argv: [jq, -cn, "{a: 1}"]
    respond:
      stdout: |
        {"a":1}
`;

Deno.test("exec --record missing runs the real command for calls no step matches and inserts their steps (RECM-1, RECM-4)", async () => {
  await using ws = await workspace();
  await Deno.writeTextFile(ws.scenario, HAND_WRITTEN);
  // Two new calls: one between the steps, one after them; the second reads stdin and writes
  // bytes that are not UTF-8.
  await ws.script(
    "flow.sh",
    `git --version
git check-ref-format --branch main
jq -cn '{a: 1}'
printf 'x \\377y' | sed 's/ /_/' > out.bin
echo "sed said $?"
`,
  );
  const run = await ws.real([
    "exec",
    "--record",
    "missing",
    ...COMMANDS,
    "s.yaml",
    "--",
    "sh",
    "flow.sh",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'git version 0.0-test\nmain\n{"a":1}\nsed said 0\n');
  assert.deepEqual([...await Deno.readFile(ws.dir.join("out.bin"))], [0x78, 0x5f, 0xff, 0x79]);
  assert.match(run.stderr, /cli-replay: recorded 2 new steps \(git ×1, sed ×1\) in s\.yaml\n/);
  assert.match(run.stderr, /completed: 4\/4 steps consumed/);

  const text = await ws.read();
  const inserted1 = '  - match:\n      argv: ["git", "check-ref-format", "--branch", "main"]\n' +
    "    respond:\n      exit: 0\n      stdout: |\n        main\n";
  const inserted2 =
    '  - match:\n      argv: ["sed", "s/ /_/"]\n      stdin: !!binary |\n        eCD/eQ==\n' +
    "    respond:\n      exit: 0\n      stdout: !!binary |\n        eF//eQ==\n";
  assert.equal(
    text,
    HAND_WRITTEN.replace("  # render the manifest\n", `${inserted1}  # render the manifest\n`) +
      inserted2,
  );

  // Replays green without the tools; a second missing run has nothing to add.
  const replayed = await ws.replay(["exec", "s.yaml", "--", "sh", "flow.sh"]);
  assertGreen(replayed, 4);
  assert.equal(replayed.stdout, run.stdout);
  const again = await ws.real([
    "exec",
    "--record",
    "missing",
    ...COMMANDS,
    "s.yaml",
    "--",
    "sh",
    "flow.sh",
  ]);
  assertGreen(again, 4);
  assert.doesNotMatch(again.stderr, /recorded/);
  assert.equal(await ws.read(), text);
});

Deno.test("exec --record missing still verifies: an unmet step fails the run, the new steps are kept (RECM-1)", async () => {
  await using ws = await workspace();
  await Deno.writeTextFile(ws.scenario, HAND_WRITTEN);
  const run = await ws.real([
    "exec",
    "--record",
    "missing",
    ...COMMANDS,
    "s.yaml",
    "--",
    "sh",
    "-c",
    "git --version; sed -n 1p /dev/null",
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /recorded 1 new step \(sed ×1\)/);
  assert.match(run.stderr, /✗ Scenario "flow" incomplete\n {2}consumed: 2\/3 steps\n/);
  assert.match(run.stderr, /Step 3: jq -cn \{a: 1\} — 0 calls ✗ needs 1 more\n/);
  assert.match(await ws.read(), /argv: \["sed", "-n", "1p", "\/dev\/null"\]/);
});

Deno.test("exec --record missing: a cut line in the recording log is one record error, exit 3, and the scenario is left as it was (RECM-1, ERR-1)", async () => {
  await using ws = await workspace();
  await Deno.writeTextFile(ws.scenario, HAND_WRITTEN);
  // What a recorded call killed while its entry was written leaves: a line cut short.
  const run = await ws.real([
    "exec",
    "--record",
    "missing",
    ...COMMANDS,
    "s.yaml",
    "--",
    "sh",
    "-c",
    `git --version; sed -n 1p /dev/null; printf '{"timestamp":"2026-' >> "$(dirname "$(command -v git)")/.recorded.jsonl"`,
  ]);
  assert.equal(run.code, 3, run.stderr);
  assert.match(
    run.stderr,
    /\ncli-replay: cannot read the recording: line 2 of its log: not valid JSON[^\n]*\n/,
  );
  assert.match(run.stderr, /record again/);
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
  assert.equal(await ws.read(), HAND_WRITTEN, "the scenario is unchanged");
});

Deno.test("exec --record all runs every call for real and replaces the file (RECM-1, RECM-4)", async () => {
  await using ws = await workspace();
  await Deno.writeTextFile(ws.scenario, HAND_WRITTEN);
  await ws.script("all.sh", "git --version\njq -cn '{a: 1}'\n");
  const expected = await direct(ws.path, "all.sh");
  const run = await ws.real([
    "exec",
    "--record",
    "all",
    ...COMMANDS,
    "s.yaml",
    "--",
    "sh",
    "all.sh",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, expected.stdout, "the real git answered, not the scenario");
  const text = await ws.read();
  assert.doesNotMatch(text, /0\.0-test|# /);
  assert.match(text, /^meta:\n {2}name: "flow"\nsteps:\n/, "the name is kept");
  assertGreen(await ws.replay(["exec", "s.yaml", "--", "sh", "all.sh"]), 2);
});

Deno.test("exec --record: a recording holds no secret and replays green with the secrets unset (RECM-2, RECM-4)", async () => {
  await using ws = await workspace();
  const secrets = {
    GITHUB_TOKEN: "ghp_4ctualS3cretValue",
    DEPLOY_API_KEY: "k3y-0f-the-deploy",
  };
  await ws.script(
    "secret.sh",
    `jq -rn --arg t "$GITHUB_TOKEN" '"token=" + $t'
printf '%s' "$DEPLOY_API_KEY" | sed 's/^/key:/'
echo
jq -rn '"Authorization: Bearer abc.123"'
export SESSION_TOKEN=s3ssion-only-in-the-script
jq -rn --arg s "$SESSION_TOKEN" '"session " + $s'
git --version
`,
  );
  const run = await ws.real(
    [
      "exec",
      "--record",
      "once",
      ...COMMANDS,
      "--redact",
      "Bearer (\\S+)",
      "s.yaml",
      "--",
      "sh",
      "secret.sh",
    ],
    secrets,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /token=ghp_4ctualS3cretValue/, "the caller saw the real answer");
  assert.match(
    run.stderr,
    /cli-replay: redacted 8 values \(GITHUB_TOKEN ×2, DEPLOY_API_KEY ×2, regex ×2, SESSION_TOKEN ×2\)\n/,
  );
  const text = await ws.read();
  for (const value of [...Object.values(secrets), "s3ssion-only-in-the-script", "abc.123"]) {
    assert.ok(!text.includes(value), `${value} is in the recording:\n${text}`);
  }
  const expected = `
  - match:
      argv: ["jq", "-rn", "--arg", "t", "{{ .any }}", "\\"token=\\" + $t"]
    respond:
      exit: 0
      stdout: |
        token=[REDACTED:GITHUB_TOKEN]
  - match:
      argv: ["sed", "s/^/key:/"]
      # stdin held a secret, so it is not matched: "[REDACTED:DEPLOY_API_KEY]"
    respond:
      exit: 0
      stdout: "key:[REDACTED:DEPLOY_API_KEY]"
  - match:
      argv: ["jq", "-rn", '{{ .regex "^"Authorization: Bearer .*$" }}']
    respond:
      exit: 0
      stdout: |
        Authorization: Bearer [REDACTED]
  - match:
      argv: ["jq", "-rn", "--arg", "s", "{{ .any }}", "\\"session \\" + $s"]
    respond:
      exit: 0
      stdout: |
        session [REDACTED:SESSION_TOKEN]
`;
  assert.ok(text.includes(expected), text);

  const replayed = await ws.replay(["exec", "s.yaml", "--", "sh", "secret.sh"], {
    GITHUB_TOKEN: undefined,
    DEPLOY_API_KEY: undefined,
  });
  assertGreen(replayed, 5);
  assert.match(
    replayed.stdout,
    /^token=\[REDACTED:GITHUB_TOKEN\]\nkey:\[REDACTED:DEPLOY_API_KEY\]\n/,
  );

  // --no-redact keeps the values of secret-named variables (only --redact patterns apply).
  await Deno.remove(ws.scenario);
  const raw = await ws.real(
    ["exec", "--record", "once", ...COMMANDS, "--no-redact", "s.yaml", "--", "sh", "secret.sh"],
    secrets,
  );
  assert.equal(raw.code, 0, raw.stderr);
  assert.ok((await ws.read()).includes(secrets.GITHUB_TOKEN));
  assert.doesNotMatch(raw.stderr, /redacted/);
});

/** Whether the scenario language has answer sequences (`respond` as a list, LANG-2). */
const SEQUENCES = parseScenario(
  "meta: {name: probe}\nsteps:\n  - match: {argv: [a]}\n    respond: [{exit: 0}, {exit: 1}]\n",
).ok;

/** Polls `sed -n 1p status` until it says ready; the status turns ready after two polls. */
const POLL_SCRIPT = `echo pending > status
n=0
while :; do
  s=$(sed -n 1p status)
  n=$((n + 1))
  echo "poll $n: $s"
  [ "$s" = ready ] && break
  [ $n -ge 2 ] && echo ready > status
  [ $n -lt 50 ] || exit 9
done
`;

Deno.test("exec --record folds a polling loop, which replays green (RECM-3, RECM-4)", async () => {
  await using ws = await workspace();
  await ws.script("poll.sh", POLL_SCRIPT);
  const run = await ws.real([
    "exec",
    "--record",
    "once",
    "-c",
    "sed",
    "s.yaml",
    "--",
    "sh",
    "poll.sh",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "poll 1: pending\npoll 2: pending\npoll 3: ready\n");
  if (SEQUENCES) {
    // With answer sequences (LANG-2) the three calls are one step answering in order.
    assert.match(run.stderr, /recorded 1 new step \(sed ×1\)[\s\S]*folded 3 calls into 1 step\n/);
    assert.equal(
      await ws.read(),
      `meta:
  name: "s"
steps:
  - match:
      argv: ["sed", "-n", "1p", "status"]
    respond:
      - exit: 0
        stdout: |
          pending
      - exit: 0
        stdout: |
          pending
      - exit: 0
        stdout: |
          ready
`,
    );
  } else {
    // Without them, each run of identical answers is one step with calls bounds.
    assert.match(run.stderr, /recorded 2 new steps \(sed ×2\)[\s\S]*folded 2 calls into 1 step\n/);
    assert.equal(
      await ws.read(),
      `meta:
  name: "s"
steps:
  - match:
      argv: ["sed", "-n", "1p", "status"]
    respond:
      exit: 0
      stdout: |
        pending
    calls: {min: 1, max: 2}
  - match:
      argv: ["sed", "-n", "1p", "status"]
    respond:
      exit: 0
      stdout: |
        ready
`,
    );
  }
  const replayed = await ws.replay(["exec", "s.yaml", "--", "sh", "poll.sh"]);
  assert.equal(replayed.code, 0, replayed.stderr);
  assert.equal(replayed.stdout, run.stdout);

  await Deno.remove(ws.scenario);
  const unfolded = await ws.real([
    "exec",
    "--record",
    "once",
    "-c",
    "sed",
    "--no-fold",
    "s.yaml",
    "--",
    "sh",
    "poll.sh",
  ]);
  assert.equal(unfolded.code, 0, unfolded.stderr);
  assert.doesNotMatch(unfolded.stderr, /folded/);
  assert.equal((await ws.read()).match(/- match:/g)?.length, 3);
});

Deno.test("a folded recording of identical answers replays a loop that polls fewer times (RECM-3, RECM-4)", async () => {
  await using ws = await workspace();
  await ws.script(
    "versions.sh",
    'i=0; while [ $i -lt "$POLLS" ]; do git --version >/dev/null; i=$((i + 1)); done\n',
  );
  const run = await ws.real(
    ["exec", "--record", "once", "-c", "git", "s.yaml", "--", "sh", "versions.sh"],
    { POLLS: "3" },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /folded 3 calls into 1 step/);
  assert.match(await ws.read(), /calls: \{min: 1, max: 3\}/);
  for (const polls of ["1", "2", "3"]) {
    const replayed = await ws.replay(["exec", "s.yaml", "--", "sh", "versions.sh"], {
      POLLS: polls,
    });
    assert.equal(replayed.code, 0, `POLLS=${polls}: ${replayed.stderr}`);
  }
  const more = await ws.replay(["exec", "s.yaml", "--", "sh", "versions.sh"], { POLLS: "4" });
  assert.equal(more.code, 1, "a fourth call was never recorded");
});

Deno.test("cli-replay redact rewrites scenario files in place and --check reports (RECM-2)", async () => {
  await using ws = await workspace();
  const token = "ghp_0ldCommittedT0ken";
  const original = `# committed before redaction existed
meta: {name: leaked}
steps:
  - match: {argv: [gh, auth, status, "--token=${token}"]}   # the login
    respond:
      stdout: |
        Logged in with ${token}
  - match: {argv: [curl, -H, "Authorization: Bearer xyz.789"]}
`;
  await Deno.writeTextFile(ws.scenario, original);
  await Deno.chmod(ws.scenario, 0o640);
  const env = { GITHUB_TOKEN: token };
  const args = ["redact", "--redact", "Bearer (\\S+)", "s.yaml"];

  const check = await ws.real(["redact", "--check", ...args.slice(1)], env);
  assert.equal(check.code, 1, check.stderr);
  assert.equal(
    check.stdout,
    "s.yaml:4:38: steps[0].match.argv[3]: GITHUB_TOKEN\n" +
      "s.yaml:6:15: steps[0].respond.stdout: GITHUB_TOKEN\n" +
      "s.yaml:8:30: steps[1].match.argv[2]: regex\n" +
      "s.yaml: would have redacted 3 values (GITHUB_TOKEN ×2, regex ×1)\n",
  );
  assert.equal(await ws.read(), original, "--check changes nothing");

  const done = await ws.real(args, env);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /s\.yaml: redacted 3 values \(GITHUB_TOKEN ×2, regex ×1\)\n$/);
  const text = await ws.read();
  assert.equal(
    text,
    original
      .replace(`"--token=${token}"`, `'{{ .regex "^--token=.*$" }}'`)
      .replace(`Logged in with ${token}`, "Logged in with [REDACTED:GITHUB_TOKEN]")
      .replace('"Authorization: Bearer xyz.789"', `'{{ .regex "^Authorization: Bearer .*$" }}'`),
  );
  assert.equal((await Deno.stat(ws.scenario)).mode! & 0o777, 0o640, "the file keeps its mode");

  const again = await ws.real(["redact", "--check", ...args.slice(1)], env);
  assert.equal(again.code, 0, again.stdout);
  assert.equal(again.stdout, "s.yaml: nothing to redact\n");

  await ws.script(
    "gh.sh",
    'gh auth status --token="$GITHUB_TOKEN"\ncurl -H "Authorization: Bearer other"\n',
  );
  assertGreen(
    await ws.replay(["exec", "s.yaml", "--", "sh", "gh.sh"], { GITHUB_TOKEN: undefined }),
    2,
  );
});

Deno.test("cli-replay redact refuses to run with nothing to look for, and names unreadable files", async () => {
  await using ws = await workspace();
  const env: Record<string, string | undefined> = {};
  for (const name of Object.keys(Deno.env.toObject())) {
    if (
      /TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|CREDENTIAL|AWS_ACCESS_KEY_ID|_PAT$/i
        .test(name)
    ) {
      env[name] = undefined;
    }
  }
  const none = await ws.real(["redact", "s.yaml"], env);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^cli-replay: nothing to redact: no secret-named variable/);
  const missing = await ws.real(["redact", "--redact", "x+", "nope.yaml"], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^cli-replay: cannot read "nope\.yaml": /);
});

Deno.test("exec --record: usage errors are one line and start nothing (RECM-1)", async (t) => {
  await using ws = await workspace();
  const cases: [string[], RegExp][] = [
    [
      ["--record", "sometimes", "-c", "git"],
      /invalid --record "sometimes": valid values are none, once, missing, all/,
    ],
    [["--record", "once"], /--record once needs the commands to record: add -c <name>/],
    [["-c", "git"], /-c\/--command records calls: add --record once, missing or all/],
    [["--record", "once", "-c", "git", "--redact", "(x"], /invalid --redact "\(x": /],
    [["--record", "once", "-c", "../git"], /invalid --command "\.\.\/git"/],
    [
      ["--record", "missing", "-c", "git", "--dry-run"],
      /--dry-run cannot be combined with --record/,
    ],
  ];
  for (const [flags, message] of cases) {
    await t.step(flags.join(" "), async () => {
      const run = await ws.real(["exec", ...flags, "s.yaml", "--", "sh", "-c", "touch ran"]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.split("\n").length, 2, run.stderr);
      assert.equal(await Deno.stat(ws.dir.join("ran")).then(() => true, () => false), false);
    });
  }
});

Deno.test("exec --record missing: a call whose stdin differs from its step's gets that stdin for real (RECM-1)", async () => {
  await using ws = await workspace();
  await Deno.writeTextFile(
    ws.scenario,
    'meta: {name: jq}\nsteps:\n  - match: {argv: [jq, -c, .], stdin: "[1]"}\n    respond: {stdout: "[1]\\n"}\n',
  );
  // The fake reads stdin to compare it with the step's (STDIN-3); the real jq still gets it.
  const script = "echo '[1]' | jq -c .\necho '{\"b\": 2}' | jq -c .\n";
  const run = await ws.real([
    "exec",
    "--record",
    "missing",
    "-c",
    "jq",
    "s.yaml",
    "--",
    "sh",
    "-c",
    script,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '[1]\n{"b":2}\n');
  assert.match(await ws.read(), /argv: \["jq", "-c", "\."\]\n {6}stdin: \|\n {8}\{"b": 2\}\n/);
  assertGreen(await ws.replay(["exec", "s.yaml", "--", "sh", "-c", script]), 2);
});
