/**
 * Real-shell tests of the scenario language of issue 10 (LANG-2..6): each runs
 * `cli-replay exec s.yaml -- <shell> script.sh` in bash, zsh and sh (dash), once with the
 * session server (the default) and once with the cold path only (`CLI_REPLAY_SERVER=0`), and
 * reads what every fake call produced from files the script wrote
 * (`call NAME cmd…` stores stdout, stderr and the exit status of one call).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  callShim,
  cli,
  type Shell,
  SHELLS,
  shellTest,
  startSession,
  type TempDir,
  usingTempDir,
  writeScenario,
} from "../_helpers.ts";
import { execScript, type Scripted } from "./_exec_script.ts";

/**
 * How the fakes answer: `server` is the default (bash shims asking the session server that
 * `exec` hosts, which hands what it cannot do to the cold path); `cold` sets
 * `CLI_REPLAY_SERVER=0`, so every call starts the intercept.
 */
type Mode = "server" | "cold";

/** Every shell with every mode. */
function combos(shells: readonly Shell[]): [Shell, Mode][] {
  return shells.flatMap((shell) =>
    (["server", "cold"] as const).map((m): [Shell, Mode] => [shell, m])
  );
}

/**
 * Runs `cli-replay exec s.yaml -- <shell> script.sh` in `dir`, with the server or the cold path.
 *
 * @param dir The working directory.
 * @param shell The shell running the script.
 * @param mode The server or the cold path.
 * @param yaml The scenario.
 * @param script The script body (after the `call` function).
 * @param env Extra environment of `exec` (and so of the script).
 */
function execIn(
  dir: TempDir,
  shell: Shell,
  mode: Mode,
  yaml: string,
  script: string,
  env: Record<string, string | undefined> = {},
): Promise<Scripted> {
  return execScript(dir, {
    yaml,
    script,
    shell,
    env: { ...env, ...(mode === "cold" ? { CLI_REPLAY_SERVER: "0" } : {}) },
  });
}

// ---------------------------------------------------------------------------------------
// LANG-2 answer sequences
// ---------------------------------------------------------------------------------------

shellTest(
  "exec: a polling loop gets the answers of a sequence in order, the last one repeats, and verify shows the answer (LANG-2)",
  SHELLS,
  async (t, shells) => {
    for (const [shell, mode] of combos(shells)) {
      await t.step(`${shell}, ${mode} path`, async () => {
        await using dir = await usingTempDir();
        const r = await execIn(
          dir,
          shell,
          mode,
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

// ---------------------------------------------------------------------------------------
// LANG-6 faked signals
// ---------------------------------------------------------------------------------------

/** The nine signals with their Linux numbers. */
const SIGNALS = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
};

/**
 * The signals this test process runs with ignored, which the fakes it starts inherit (from
 * Linux's `/proc/self/status`; none elsewhere).
 */
const INHERITED_IGNORED: ReadonlySet<number> = (() => {
  try {
    const mask = /^SigIgn:\s*([0-9a-f]+)$/m.exec(Deno.readTextFileSync("/proc/self/status"))?.[1];
    const bits = BigInt(`0x${mask ?? "0"}`);
    return new Set(Object.values(SIGNALS).filter((n) => (bits >> BigInt(n - 1)) & 1n));
  } catch {
    return new Set<number>();
  }
})();

/** One step per signal: `f <NAME>` writes `<name>-out` and ends by that signal. */
const SIGNAL_SCENARIO = `meta:
  name: signals
steps:
${
  Object.keys(SIGNALS).map((name) =>
    `  - match: {argv: [f, ${name}]}\n    respond: {stdout: "${name.toLowerCase()}-out\\n", stderr: "${name.toLowerCase()}-err\\n", signal: ${name}}\n`
  ).join("")
}`;

shellTest(
  "exec: a faked signal writes the output, then the caller sees the fake killed, $? = 128+N (LANG-6)",
  SHELLS,
  async (t, shells) => {
    for (const [shell, mode] of combos(shells)) {
      await t.step(`${shell}, ${mode} path`, async () => {
        await using dir = await usingTempDir();
        // QUIT's default action may dump core where the caller allows it.
        const calls = Object.keys(SIGNALS).map((name) => `call ${name} f ${name}`).join("\n");
        const r = await execIn(dir, shell, mode, SIGNAL_SCENARIO, `ulimit -c 0\n${calls}\n`);
        assert.equal(r.code, 0, r.stderr);
        for (const [name, number] of Object.entries(SIGNALS)) {
          const lower = name.toLowerCase();
          const c = await r.call(name);
          assert.deepEqual([c.code, c.stdout], [128 + number, `${lower}-out\n`], name);
          // The fake's stderr, then whatever the shell says about a killed job (dash: "Hangup").
          assert.ok(c.stderr.startsWith(`${lower}-err\n`), c.stderr);
        }
      });
    }
  },
);

Deno.test(
  "a faked signal kills the fake process itself: a parent that is not a shell sees the signal (LANG-6)",
  async (t) => {
    await using dir = await usingTempDir();
    const session = await startSession(await writeScenario(dir.path, "s.yaml", SIGNAL_SCENARIO));
    for (const name of Object.keys(SIGNALS)) {
      await t.step(name, async () => {
        const r = await callShim(session, ["f", name]);
        assert.equal(r.stdout, `${name.toLowerCase()}-out\n`);
        if (name === "PIPE") {
          // The Deno runtime ignores SIGPIPE, so the fake exits with the status a shell
          // reports for it instead (documented in the README).
          assert.deepEqual([r.code, r.signal], [141, null]);
        } else if (INHERITED_IGNORED.has(SIGNALS[name as keyof typeof SIGNALS])) {
          // This test runs with the signal ignored (a background job of a non-interactive
          // shell ignores INT and QUIT), and the fake inherits that: it may not die by it, and
          // then exits with the status a shell reports for it (README, LANG-6).
          const number = SIGNALS[name as keyof typeof SIGNALS];
          assert.ok(
            r.signal === `SIG${name}` || (r.signal === null && r.code === 128 + number),
            `${r.signal} ${r.code}`,
          );
        } else {
          assert.equal(r.signal, `SIG${name}`);
        }
      });
    }
    const verify = await cli(["verify", session.scenario], { env: session.env });
    assert.equal(verify.code, 0, verify.stderr);
  },
);

// ---------------------------------------------------------------------------------------
// LANG-5 forbidden calls
// ---------------------------------------------------------------------------------------

shellTest(
  "exec: a forbidden call fails at once with its message, and verify fails although the script ignored it (LANG-5)",
  SHELLS,
  async (t, shells) => {
    for (const [shell, mode] of combos(shells)) {
      await t.step(`${shell}, ${mode} path`, async () => {
        await using dir = await usingTempDir();
        const r = await execIn(
          dir,
          shell,
          mode,
          `meta:
  name: infra
forbid:
  - argv: [terraform, destroy]
    message: never destroy in CI
  - argv: [helm, uninstall]
steps:
  - match: {argv: [terraform, plan]}
    respond: {stdout: "No changes.\\n"}
`,
          `call d terraform destroy -auto-approve || true
call h helm uninstall web
call p terraform plan
`,
        );
        assert.deepEqual(await r.call("d"), {
          code: 1,
          stdout: "",
          stderr:
            'cli-replay: forbidden call ["terraform", "destroy", "-auto-approve"]: never destroy in CI\n',
        });
        // helm appears only under forbid: it still gets a shim, so the real helm never runs.
        assert.deepEqual(await r.call("h"), {
          code: 1,
          stdout: "",
          stderr: 'cli-replay: forbidden call ["helm", "uninstall", "web"]\n',
        });
        assert.deepEqual(await r.call("p"), { code: 0, stdout: "No changes.\n", stderr: "" });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /✗ Scenario "infra" failed: 2 unexpected calls/);
        assert.match(
          r.stderr,
          / {4}- \["terraform", "destroy", "-auto-approve"\] \(forbidden: never destroy in CI\)\n {4}- \["helm", "uninstall", "web"\] \(forbidden\)\n/,
        );
      });
    }
  },
);

// ---------------------------------------------------------------------------------------
// LANG-4 match.env and stdin rules
// ---------------------------------------------------------------------------------------

shellTest(
  "exec: match.env reads the caller's environment and stdin rules read piped input; a mismatch names the variable or rule (LANG-4)",
  SHELLS,
  async (t, shells) => {
    for (const [shell, mode] of combos(shells)) {
      await t.step(`${shell}, ${mode} path`, async () => {
        await using dir = await usingTempDir();
        const r = await execIn(
          dir,
          shell,
          mode,
          `meta:
  name: env-stdin
steps:
  - match:
      argv: [aws, s3, ls]
      env: {AWS_PROFILE: '{{ .regex "^prod" }}', DRY_RUN: null}
    calls: {min: 1, max: 2}
    respond: {stdout: "bucket-a\\n"}
  - group:
      mode: unordered
      steps:
        - match:
            argv: [kubectl, apply, -f, "-"]
            stdin: {json: {kind: Deployment, spec: {replicas: 3}}}
          respond: {stdout: "deployment applied\\n"}
        - match:
            argv: [kubectl, apply, -f, "-"]
            stdin: {contains: "kind: ConfigMap"}
          respond: {stdout: "configmap applied\\n"}
        - match:
            argv: [kubectl, apply, -f, "-"]
            stdin: {regex: '(?m)^kind: Secret$'}
          respond: {stdout: "secret applied\\n"}
`,
          `AWS_PROFILE=prod-eu call e1 aws s3 ls
export AWS_PROFILE=prod-us DRY_RUN=1
call e2 aws s3 ls
unset DRY_RUN
call e3 aws s3 ls
printf '{"kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}' | call s1 kubectl apply -f -
printf 'kind: Secret\\r\\nmetadata: {}\\r\\n' | call s2 kubectl apply -f -
printf '{"kind":"Deployment","spec":{"replicas":3,"paused":false}}' | call s3 kubectl apply -f -
printf 'apiVersion: v1\\nkind: ConfigMap\\n' | call s4 kubectl apply -f -
`,
        );
        assert.deepEqual(await r.call("e1"), { code: 0, stdout: "bucket-a\n", stderr: "" });
        assert.deepEqual(await r.call("e2"), {
          code: 1,
          stdout: "",
          stderr: `Mismatch at step 1 of "env-stdin":

  Argv matched: ["aws", "s3", "ls"]
  environment variable DRY_RUN did not match:
    expected: (unset)
    received: set (value not shown)

  Closest steps:
    step 1: aws s3 ls
      argv matches; environment variable DRY_RUN differs

  To accept this call, add:
    # before step 1
    - match:
        argv: [aws, s3, ls]
      respond: {stdout: ""}
`,
        });
        assert.deepEqual(await r.call("e3"), { code: 0, stdout: "bucket-a\n", stderr: "" });
        const s1 = await r.call("s1");
        assert.equal(s1.code, 1);
        assert.match(
          s1.stderr,
          /stdin did not match:\n {4}expected JSON containing: \{"kind":"Deployment","spec":\{"replicas":3\}\}\n {4}at \.spec\.replicas: expected 3, got 2\n/,
        );
        assert.deepEqual(await r.call("s2"), { code: 0, stdout: "secret applied\n", stderr: "" });
        assert.deepEqual(await r.call("s3"), {
          code: 0,
          stdout: "deployment applied\n",
          stderr: "",
        });
        assert.deepEqual(await r.call("s4"), {
          code: 0,
          stdout: "configmap applied\n",
          stderr: "",
        });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /- \["aws", "s3", "ls"\] \(env mismatch at step 1\)/);
        assert.match(r.stderr, /- \["kubectl", "apply", "-f", "-"\] \(stdin mismatch at step 2\)/);
      });
    }
  },
);

// ---------------------------------------------------------------------------------------
// LANG-3 captures from the call
// ---------------------------------------------------------------------------------------

shellTest(
  "exec: values captured from argv, stdin and the environment render in later answers and match later argv (LANG-3)",
  SHELLS,
  async (t, shells) => {
    for (const [shell, mode] of combos(shells)) {
      await t.step(`${shell}, ${mode} path`, async () => {
        await using dir = await usingTempDir();
        const r = await execIn(
          dir,
          shell,
          mode,
          `meta:
  name: migrate
steps:
  - match:
      argv: [kubectl, create, job, '{{ .regex "^(?<job>migrate-[0-9]+)$" }}']
    respond:
      stdout: "job.batch/{{ .capture.job }} created\\n"
  - match:
      argv: [kubectl, wait, --for=condition=complete, "job/{{ .capture.job }}"]
    respond:
      stdout: "job.batch/{{ .capture.job }} condition met\\n"
  - match:
      argv: [notify, '{{ .any }}']
    respond:
      stdout: "{{ .capture.who }} announced {{ .capture.ticket }} ({{ .capture.channel }})\\n"
      capture:
        who: {from: env.DEPLOYER}
        ticket: {from: stdin, regex: 'ticket: *([A-Z]+-[0-9]+)'}
        channel: {from: "argv[1]", regex: "^#(.+)$"}
`,
          `id=migrate-$$
echo "$id" >o/id
call c1 kubectl create job "$id"
call w0 kubectl wait --for=condition=complete job/migrate-0
call w1 kubectl wait --for=condition=complete "job/$id"
printf 'release notes\\nticket: OPS-42\\n' | DEPLOYER=ann call n1 notify '#deploys'
`,
        );
        const id = (await Deno.readTextFile(dir.join("o", "id"))).trim();
        assert.deepEqual(await r.call("c1"), {
          code: 0,
          stdout: `job.batch/${id} created\n`,
          stderr: "",
        });
        // Another job name does not match the captured one: compared exactly.
        const w0 = await r.call("w0");
        assert.equal(w0.code, 1);
        assert.match(
          w0.stderr,
          new RegExp(
            `expected: job/${id} {2}\\(from job/\\{\\{ \\.capture\\.job \\}\\}\\)\\n {4}received: job/migrate-0\\n`,
          ),
        );
        assert.deepEqual(await r.call("w1"), {
          code: 0,
          stdout: `job.batch/${id} condition met\n`,
          stderr: "",
        });
        assert.deepEqual(await r.call("n1"), {
          code: 0,
          stdout: "ann announced OPS-42 (deploys)\n",
          stderr: "",
        });
        assert.equal(r.code, 1, "the mismatched wait is an unexpected call");
        assert.match(r.stderr, /Unexpected calls \(1\):/);
      });
    }
  },
);

// ---------------------------------------------------------------------------------------
// SEC-11: values from the environment stay out of reports
// ---------------------------------------------------------------------------------------

const TOKEN_SCENARIO = `meta: {name: token}
steps:
  - match: {argv: [login]}
    respond:
      capture:
        tok: {from: env.API_TOKEN}
  - match: {argv: [curl, -H, "Authorization: {{ .capture.tok }}"]}
    respond: {stdout: "ok\\n"}
`;

Deno.test(
  "exec: a mismatch against a capture taken from env.NAME never prints the value — not in the fake's report, not in exec's, with the server or the cold path (SEC-11, LANG-3)",
  async (t) => {
    const secret = "s3cr3t-0f-the-caller";
    for (const mode of ["server", "cold"] as const) {
      await t.step(`${mode} path`, async () => {
        await using dir = await usingTempDir();
        const r = await execIn(
          dir,
          "bash",
          mode,
          TOKEN_SCENARIO,
          'call login login\ncall curl curl -H "Authorization: wrong"\n',
          { API_TOKEN: secret, CLI_REPLAY_TRACE: "1" },
        );
        assert.equal(r.code, 1, r.stderr);
        const curl = await r.call("curl");
        assert.equal(curl.code, 1);
        assert.match(
          curl.stderr,
          / {4}expected: Authorization: \{\{ \.capture\.tok \}\} {2}\(a value from the environment, not shown\)\n/,
        );
        for (const text of [curl.stdout, curl.stderr, r.stdout, r.stderr]) {
          assert.ok(!text.includes(secret), text);
        }
      });
    }
  },
);
