/**
 * Integration tests, in real shells, for the scenario language of issue 5: unordered
 * groups, captures, stdin matching, templates, security and the intercept's diagnostics
 * (CONTRACT sections 8, 9, 10, 11, 13, 21, 23).
 *
 * Each test writes a scenario and a script, runs `cli-replay exec s.yaml -- <shell>
 * script.sh` once, and reads what every fake call produced from files the script wrote
 * (`call NAME cmd…` stores stdout, stderr and the exit code of one call).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  cli,
  contractPart,
  exists,
  listDir,
  runScript,
  shellTest,
  usingTempDir,
  withContractReport,
  writeScenario,
} from "../_helpers.ts";
import { CALL_FUNCTION, execScript } from "./_exec_script.ts";

/** The argv display of ICPT-16 (JSON-quoted elements joined by `", "`). */
function display(argv: readonly string[]): string {
  return `[${argv.map((a) => JSON.stringify(a)).join(", ")}]`;
}

/**
 * The caret line of ICPT-10, computed from the contract's rule: 12 spaces, then spaces up
 * to the element's column in the Received display, then `^` over its quoted text.
 */
function caretLine(received: readonly string[], position: number): string {
  let offset = 1;
  for (const element of received.slice(0, position)) offset += JSON.stringify(element).length + 2;
  return " ".repeat(12 + offset) + "^".repeat(JSON.stringify(received[position]).length);
}

const ESC = "\x1b";

/** Removes ANSI SGR sequences. */
function stripAnsi(text: string): string {
  return text.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "");
}

/** Whether a program can be found on PATH. */
function hasProgram(name: string): boolean {
  const path = Deno.env.get("PATH") ?? "";
  return path.split(":").some((d) => {
    try {
      return Deno.statSync(`${d}/${name}`).isFile;
    } catch {
      return false;
    }
  });
}

const HAS_SCRIPT = hasProgram("script") && hasProgram("timeout");

// ---------------------------------------------------------------------------------------
// 1. Unordered groups
// ---------------------------------------------------------------------------------------

Deno.test(
  "exec replays group members in any order, also as parallel background calls, with per-member bounds and the ICPT-11 candidate list (GROUP-1, GROUP-2, GROUP-3, GROUP-6, GROUP-8, ICPT-11)",
  async () => {
    await using dir = await usingTempDir();
    const r = await execScript(dir, {
      yaml: `meta:
  name: deploy-app
steps:
  - match:
      argv: [git, status]
  - group:
      mode: unordered
      name: pre-flight
      steps:
        - match:
            argv: [az, account, show]
          respond:
            stdout: "az-ok\\n"
        - match:
            argv: [docker, info]
          calls: {min: 0, max: 2}
          respond:
            stdout: "docker-ok\\n"
        - match:
            argv: [kubectl, cluster-info]
          respond:
            stdout: "k8s-ok\\n"
  - match:
      argv: [kubectl, apply, -f, app.yaml]
    respond:
      stdout: "applied\\n"
`,
      script: `call c1 git status
call c2 docker info &
call c3 kubectl cluster-info &
wait
call c4 kubectl apply -f app.yaml
call c5 az account show &
call c6 docker info &
wait
call c7 docker info
call c8 kubectl apply -f app.yaml
`,
    });
    assert.equal((await r.call("c1")).code, 0);
    assert.deepEqual(await r.call("c2"), { code: 0, stdout: "docker-ok\n", stderr: "" });
    assert.deepEqual(await r.call("c3"), { code: 0, stdout: "k8s-ok\n", stderr: "" });
    // Barrier (GROUP-2): az account show has not been called yet, so the step after the
    // group is not tried; the report lists the non-exhausted members (ICPT-11).
    assert.deepEqual(withContractReport(await r.call("c4")), {
      code: 1,
      stdout: "",
      stderr: `Mismatch in group "pre-flight" (steps 2-4) of "deploy-app":

  Received: ["kubectl", "apply", "-f", "app.yaml"]

  Expected one of:
    step 2: ["az", "account", "show"]
    step 3: ["docker", "info"]
`,
    });
    assert.deepEqual(await r.call("c5"), { code: 0, stdout: "az-ok\n", stderr: "" });
    assert.deepEqual(await r.call("c6"), { code: 0, stdout: "docker-ok\n", stderr: "" });
    // docker info reached its max of 2 (GROUP-6); every member is exhausted, so the group
    // auto-advanced (GROUP-3): the cursor block is step 5 and no soft-advance note follows.
    const c7 = await r.call("c7");
    assert.equal(c7.code, 1);
    assert.match(c7.stderr, /^Mismatch at step 5 of "deploy-app":\n/);
    assert.doesNotMatch(c7.stderr, /Note:/);
    assert.deepEqual(await r.call("c8"), { code: 0, stdout: "applied\n", stderr: "" });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Unexpected calls \(2\):\n/);
    assert.match(r.stderr, /- \["kubectl", "apply", "-f", "app\.yaml"\] \(mismatch at step 2\)/);
  },
);

Deno.test(
  "exec soft-advances past satisfied blocks: any member of a group after a polling step, consecutive groups, an all-optional group and two optional steps (STEP-4, STEP-6, GROUP-3, GROUP-4, GROUP-5) in sh",
  async () => {
    await using dir = await usingTempDir();
    const r = await execScript(dir, {
      shell: "sh",
      yaml: `meta:
  name: advance
steps:
  - match:
      argv: [kubectl, rollout, status, deploy/web]
    calls: {min: 1, max: 5}
    respond:
      stdout: "rolling\\n"
  - group:
      mode: unordered
      name: checks
      steps:
        - match:
            argv: [az, account, show]
        - match:
            argv: [docker, info]
          respond:
            stdout: "docker\\n"
  - group:
      mode: unordered
      steps:
        - match:
            argv: [helm, version]
          calls: {min: 1, max: 3}
        - match:
            argv: [helm, list]
          respond:
            stdout: "list\\n"
  - match:
      argv: [git, fetch]
    calls: {min: 0, max: 1}
  - match:
      argv: [git, pull]
    calls: {min: 0, max: 1}
  - group:
      mode: unordered
      name: optional-lint
      steps:
        - match:
            argv: [terraform, fmt]
          calls: {min: 0, max: 1}
        - match:
            argv: [terraform, validate]
          calls: {min: 0, max: 1}
  - match:
      argv: [git, push]
    respond:
      stdout: "pushed\\n"
`,
      script: `call p1 kubectl rollout status deploy/web
call p2 kubectl rollout status deploy/web
call d docker info
call a az account show
call l helm list
call v helm version
call push git push
`,
    });
    assert.deepEqual(await r.call("p2"), { code: 0, stdout: "rolling\n", stderr: "" });
    // The second member of the group is reached by soft-advance from the polling step.
    assert.deepEqual(await r.call("d"), { code: 0, stdout: "docker\n", stderr: "" });
    assert.equal((await r.call("a")).code, 0);
    // Second member of the following (unnamed) group.
    assert.deepEqual(await r.call("l"), { code: 0, stdout: "list\n", stderr: "" });
    assert.equal((await r.call("v")).code, 0);
    // Past a satisfied (not exhausted) group, two optional steps and an all-optional group.
    assert.deepEqual(await r.call("push"), { code: 0, stdout: "pushed\n", stderr: "" });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ Scenario "advance" completed: 6\/10 steps consumed\n/);
  },
);

Deno.test(
  "exec lets two consecutive optional steps both be skipped (STEP-4, STEP-10) in bash",
  async () => {
    await using dir = await usingTempDir();
    const r = await execScript(dir, {
      yaml: `meta:
  name: optional
steps:
  - match:
      argv: [tool, a]
  - match:
      argv: [tool, b]
    calls: {min: 0, max: 1}
  - match:
      argv: [tool, c]
    calls: {min: 0, max: 1}
  - match:
      argv: [tool, d]
    respond:
      stdout: "d\\n"
`,
      script: "call a tool a\ncall d tool d\n",
    });
    assert.deepEqual(await r.call("d"), { code: 0, stdout: "d\n", stderr: "" });
    assert.equal(r.code, 0, r.stderr);
  },
);

shellTest(
  "verify labels group members [group:<name>] and unnamed groups group-N in text and json, and the soft-advance note names the group (GROUP-7, SCN-18, VERIFY-4, VERIFY-5, VERIFY-6, ICPT-12) in zsh",
  ["zsh"],
  async () => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "s.yaml",
      `meta:
  name: labels
steps:
  - group:
      mode: unordered
      name: checks
      steps:
        - match:
            argv: [az, account, show]
          calls: {min: 1, max: 2}
  - group:
      mode: unordered
      steps:
        - match:
            argv: [docker, info]
        - match:
            argv: [docker, ps]
  - match:
      argv: [kubectl, get, pods]
`,
    );
    // runScript defines cli_replay (the CLI under test) before the script.
    const r = await runScript(
      "zsh",
      `${CALL_FUNCTION}
eval "$(cli_replay run s.yaml)" || exit 99
call a az account show
call n kubectl get nodes
call p docker ps
cli_replay verify 2>o/verify.txt; echo $? >o/verify.rc
cli_replay verify --format json >o/verify.json; echo $? >o/verify-json.rc
cli_replay clean
`,
      { cwd: dir.path },
    );
    const read = (name: string) => Deno.readTextFile(dir.join("o", name));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      contractPart(await read("n.err")),
      `Mismatch in group "group-2" (steps 2-3) of "labels":

  Received: ["kubectl", "get", "nodes"]

  Expected one of:
    step 2: ["docker", "info"]
    step 3: ["docker", "ps"]

  Note: group "checks" had reached their minimum call counts, so later steps were tried too:
    step 1 [group:checks]: ["az", "account", "show"]
  None of them matched.
`,
    );
    assert.equal((await read("verify.rc")).trim(), "1");
    const text = await read("verify.txt");
    assert.match(
      text,
      new RegExp(
        "^" + `✗ Scenario "labels" incomplete
  consumed: 2/4 steps
  Step 1: [group:checks] az account show — 1 call (min: 1, max: 2) ✓
  Step 2: [group:group-2] docker info — 0 calls ✗ needs 1 more
  Step 3: [group:group-2] docker ps — 1 call ✓
  Step 4: kubectl get pods — 0 calls ✗ needs 1 more
  Unexpected calls (1):
    - ["kubectl", "get", "nodes"] (mismatch at step `.replace(/[[\]().*+?^$|\\]/g, "\\$&") +
          "[12]\\)\n" +
          // LANG-1: the step that accepts the call, for the group that blocked it.
          '  To accept this call, add:\n    # in group "(checks|group-2)"\n    - match:\n' +
          '        argv: \\[kubectl, get, nodes\\]\n      respond: \\{stdout: ""\\}\n$',
      ),
    );
    assert.equal((await read("verify-json.rc")).trim(), "1");
    const json = JSON.parse(await read("verify.json"));
    assert.deepEqual(
      json.steps.map((s: { label: string; group?: string }) => [s.label, s.group]),
      [
        ["[group:checks] az account show", "checks"],
        ["[group:group-2] docker info", "group-2"],
        ["[group:group-2] docker ps", "group-2"],
        ["kubectl get pods", undefined],
      ],
    );
    assert.equal(json.passed, false);
    assert.equal(json.unexpected_count, 1);
  },
);

// ---------------------------------------------------------------------------------------
// 2. Captures
// ---------------------------------------------------------------------------------------

shellTest(
  "exec renders captures in later steps and in the capturing step's own first answer, keeps them across calls, and renders never-set captures as empty (CAP-1, CAP-2, CAP-3, CAP-5) in zsh",
  ["zsh"],
  async () => {
    await using dir = await usingTempDir();
    const r = await execScript(dir, {
      shell: "zsh",
      yaml: `meta:
  name: caps
  vars:
    region: eastus
steps:
  - match:
      argv: [az, group, create, -n, rg1]
    respond:
      stdout: "created {{ .capture.rg_id }} in {{ .region }}\\n"
      capture:
        rg_id: /subscriptions/s1/resourceGroups/rg1
  - match:
      argv: [az, lint]
    calls: {min: 0, max: 1}
    respond:
      capture:
        lint_id: L1
  - group:
      mode: unordered
      steps:
        - match:
            argv: [az, vm, create]
          calls: {min: 1, max: 2}
          respond:
            stdout: "vm in {{ .capture.rg_id }} nic=[{{ .capture.nic_id }}]\\n"
        - match:
            argv: [az, nic, create]
          respond:
            stdout: "nic {{ .capture.nic_id }}\\n"
            capture:
              nic_id: "{{ not-a-template }}"
  - match:
      argv: [az, show]
    respond:
      stdout: "lint=[{{ .capture.lint_id }}] nic={{ .capture.nic_id }}\\n"
      stderr: "rg={{ .capture.rg_id }}\\n"
`,
      script: `call g az group create -n rg1
call vm1 az vm create
call nic az nic create
call vm2 az vm create
call show az show
`,
    });
    assert.deepEqual(await r.call("g"), {
      code: 0,
      stdout: "created /subscriptions/s1/resourceGroups/rg1 in eastus\n",
      stderr: "",
    });
    // The sibling that defines nic_id has not answered yet: "" (CAP-3).
    assert.deepEqual(await r.call("vm1"), {
      code: 0,
      stdout: "vm in /subscriptions/s1/resourceGroups/rg1 nic=[]\n",
      stderr: "",
    });
    // Own capture on the first call (CAP-2); capture values are not templates (CAP-1).
    assert.deepEqual(await r.call("nic"), {
      code: 0,
      stdout: "nic {{ not-a-template }}\n",
      stderr: "",
    });
    assert.deepEqual(await r.call("vm2"), {
      code: 0,
      stdout: "vm in /subscriptions/s1/resourceGroups/rg1 nic=[{{ not-a-template }}]\n",
      stderr: "",
    });
    // The optional step that defines lint_id never ran: it adds nothing.
    assert.deepEqual(await r.call("show"), {
      code: 0,
      stdout: "lint=[] nic={{ not-a-template }}\n",
      stderr: "rg=/subscriptions/s1/resourceGroups/rg1\n",
    });
    assert.equal(r.code, 0, r.stderr);
  },
);

Deno.test(
  "validate rejects bad capture identifiers, meta.vars clashes, forward and undefined references but accepts group-sibling references (CAP-4, VAL-3)",
  async () => {
    await using dir = await usingTempDir();
    const step0 = (stdout: string, capture: string) =>
      `  - match:
      argv: [az, one]
    respond:
      stdout: "${stdout}"
      capture:
        ${capture}
`;
    await writeScenario(
      dir.path,
      "bad_id.yaml",
      `meta:\n  name: x\nsteps:\n${step0("a", '"1x": v')}`,
    );
    await writeScenario(
      dir.path,
      "clash.yaml",
      `meta:\n  name: x\n  vars:\n    region: eastus\nsteps:\n${step0("a", "region: v")}`,
    );
    await writeScenario(
      dir.path,
      "forward.yaml",
      `meta:
  name: x
steps:
${step0("{{ .capture.later }}", "first: v")}  - match:
      argv: [az, two]
    respond:
      capture:
        later: w
`,
    );
    await writeScenario(
      dir.path,
      "undefined.yaml",
      `meta:\n  name: x\nsteps:\n${step0("{{ .capture.nope }}", "first: v")}`,
    );
    await writeScenario(
      dir.path,
      "sibling.yaml",
      `meta:
  name: x
steps:
  - group:
      mode: unordered
      steps:
        - match:
            argv: [az, one]
          respond:
            stdout: "{{ .capture.later }}"
        - match:
            argv: [az, two]
          respond:
            capture:
              later: w
`,
    );
    const files = ["bad_id.yaml", "clash.yaml", "forward.yaml", "undefined.yaml", "sibling.yaml"];
    const r = await cli(["validate", "--format", "json", ...files], { cwd: dir.path });
    assert.equal(r.code, 1, r.stderr);
    const reports: { file: string; valid: boolean; errors: string[] }[] = JSON.parse(r.stdout);
    assert.deepEqual(reports.map((x) => [x.file, x.valid]), [
      ["bad_id.yaml", false],
      ["clash.yaml", false],
      ["forward.yaml", false],
      ["undefined.yaml", false],
      ["sibling.yaml", true],
    ]);
    const [badId, clash, forward, undef] = reports.map((x) => x.errors);
    assert.equal(badId!.length, 1, String(badId));
    assert.match(
      badId![0]!,
      /^bad_id\.yaml:\d+:\d+: steps\[0\]\.respond\.capture\S*: capture identifier "1x" must match \[a-zA-Z_\]\[a-zA-Z0-9_\]\*$/,
    );
    assert.equal(clash!.length, 1, String(clash));
    assert.match(
      clash![0]!,
      /^clash\.yaml:\d+:\d+: steps\[0\]\.respond\.capture\S*: capture identifier "region" conflicts with meta\.vars key "region"$/,
    );
    assert.equal(forward!.length, 1, String(forward));
    assert.match(
      forward![0]!,
      /^forward\.yaml:7:\d+: steps\[0\]\.respond\.stdout: capture "later" is first defined at steps\[1\] \(forward reference\)$/,
    );
    assert.equal(undef!.length, 1, String(undef));
    assert.match(
      undef![0]!,
      /^undefined\.yaml:7:\d+: steps\[0\]\.respond\.stdout: capture "nope" is not defined by any step$/,
    );
  },
);

// ---------------------------------------------------------------------------------------
// 3. stdin
// ---------------------------------------------------------------------------------------

Deno.test(
  "exec matches piped stdin after CRLF/trailing-newline normalisation, picks between two manifests in a group, reports stdin mismatches and the 1 MiB cap, survives a fake-to-fake pipeline and never reads stdin for steps without match.stdin (STDIN-1..4, STDIN-6, ICPT-13) in bash",
  async () => {
    await using dir = await usingTempDir();
    const r = await execScript(dir, {
      yaml: `meta:
  name: pipe-test
steps:
  - match:
      argv: [kubectl, apply, -f, "-"]
      stdin: |
        apiVersion: v1
        kind: Pod
    respond:
      stdout: "pod created\\n"
  - group:
      mode: unordered
      name: manifests
      steps:
        - match:
            argv: [kubectl, apply, -f, "-"]
            stdin: "kind: ConfigMap\\n"
          respond:
            stdout: "cm applied\\n"
        - match:
            argv: [kubectl, apply, -f, "-"]
            stdin: "kind: Secret\\r\\n"
          respond:
            stdout: "secret applied\\n"
  - match:
      argv: [kubectl, get, cm, x, -o, yaml]
    respond:
      stdout: "kind: Service\\nmetadata:\\n  name: x\\n"
  - match:
      argv: [kubectl, apply, -f, "-"]
      stdin: "kind: Service\\nmetadata:\\n  name: x"
    respond:
      stdout: "svc applied\\n"
  - match:
      argv: [kubectl, get, pods]
    respond:
      stdout: "no pods\\n"
`,
      script: `printf 'apiVersion: v1\\nkind: Deployment\\n' | call bad kubectl apply -f -
head -c 1048577 /dev/zero | tr '\\0' a | call big kubectl apply -f -
printf 'apiVersion: v1\\r\\nkind: Pod\\r\\n\\r\\n\\n' | call pod kubectl apply -f -
printf 'kind: Secret' | call secret kubectl apply -f -
printf 'kind: ConfigMap\\n' | call cm kubectl apply -f -
call pipe timeout 30 sh -c 'kubectl get cm x -o yaml | kubectl apply -f -'
exec 3< <(exec sleep 60 2>/dev/null)
holder=$!
call nostdin timeout 30 kubectl get pods <&3
exec 3<&-
kill "$holder" 2>/dev/null
`,
    });
    assert.deepEqual(await r.call("bad"), {
      code: 1,
      stdout: "",
      stderr: `Mismatch at step 1 of "pipe-test":

  Argv matched: ["kubectl", "apply", "-f", "-"]
  stdin did not match:
    expected (first 200 characters):
      apiVersion: v1
      kind: Pod
    received (first 200 characters):
      apiVersion: v1
      kind: Deployment

  stdin diff (-expected +received):
    --- expected
    +++ received
    @@ -1,2 +1,2 @@
     apiVersion: v1
    -kind: Pod
    +kind: Deployment

  Closest steps:
    step 1: kubectl apply -f -
      argv matches; stdin differs
    step 2: [group:manifests] kubectl apply -f -
      argv matches, but step 1 must be called first
    step 3: [group:manifests] kubectl apply -f -
      argv matches, but step 1 must be called first

  To accept this call, add:
    # before step 1
    - match:
        argv: [kubectl, apply, -f, '-']
      respond: {stdout: ""}
`,
    });
    const big = await r.call("big");
    assert.equal(big.code, 1);
    assert.equal(big.stdout, "");
    assert.match(big.stderr, /^Mismatch at step 1 of "pipe-test":\n/);
    assert.match(big.stderr, /received more than 1 MiB; not compared/);
    assert.deepEqual(await r.call("pod"), { code: 0, stdout: "pod created\n", stderr: "" });
    // Two `kubectl apply -f -` members told apart by their stdin (STDIN-6).
    assert.deepEqual(await r.call("secret"), { code: 0, stdout: "secret applied\n", stderr: "" });
    assert.deepEqual(await r.call("cm"), { code: 0, stdout: "cm applied\n", stderr: "" });
    // Both ends of the pipeline are fakes; no deadlock (timeout would exit 124) (STDIN-3).
    assert.deepEqual(await r.call("pipe"), { code: 0, stdout: "svc applied\n", stderr: "" });
    // stdin is a pipe that is open but never written; the step has no match.stdin (STDIN-1).
    assert.deepEqual(await r.call("nostdin"), { code: 0, stdout: "no pods\n", stderr: "" });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Unexpected calls \(2\):\n/);
    assert.match(r.stderr, /\["kubectl", "apply", "-f", "-"\] \(stdin mismatch at step 1\)/);
  },
);

Deno.test({
  name:
    "exec does not read stdin that is a terminal and colours reports on a terminal stderr (STDIN-5, COLOR-2) via script(1)",
  ignore: !HAS_SCRIPT,
  fn: async () => {
    await using dir = await usingTempDir();
    const r = await execScript(dir, {
      yaml: `meta:
  name: tty
steps:
  - match:
      argv: [kubectl, apply, -f, "-"]
      stdin: ""
    respond:
      stdout: "applied-empty\\n"
  - match:
      argv: [kubectl, get, x]
`,
      // script(1) gives the fake a pseudo-terminal on stdin/stdout/stderr; its own stdin is
      // a pipe that never delivers data, so a fake that read the terminal would block
      // until timeout kills it (exit 124).
      script: `exec 3< <(exec sleep 60 2>/dev/null)
holder=$!
timeout 30 script -qec 'if [ -t 0 ]; then echo stdin-is-tty; fi
kubectl apply -f -; echo "rc=$?"
unset NO_COLOR; kubectl get y; echo "rc=$?"
NO_COLOR= kubectl get y' /dev/null <&3 >o/tty.txt
echo $? >o/tty.rc
exec 3<&-
kill "$holder" 2>/dev/null
`,
    });
    const rc = (await Deno.readTextFile(dir.join("o", "tty.rc"))).trim();
    assert.notEqual(rc, "124", "the fake blocked reading a terminal stdin");
    const out = (await Deno.readTextFile(dir.join("o", "tty.txt"))).replaceAll("\r\n", "\n");
    assert.match(out, /^stdin-is-tty\napplied-empty\nrc=0\n/);
    // stderr is the terminal and NO_COLOR is unset (then set but empty): colour is on.
    const reports = out.split(`${ESC}[1mMismatch at step 2 of "tty":${ESC}[0m\n`);
    assert.equal(reports.length, 3, out);
    assert.match(out, /rc=1\n/);
    assert.ok(out.includes(`${ESC}[31m`), out);
    assert.equal(r.code, 1, r.stderr);
  },
});

// ---------------------------------------------------------------------------------------
// 4. Templates
// ---------------------------------------------------------------------------------------

Deno.test(
  "exec renders vars with the call-time environment override, trim markers, literal braces, raw strings, comments and templates in stdout_file (TPL-1, TPL-2, TPL-3, TPL-6, MATCH-7, ENV-4) in sh",
  async () => {
    await using dir = await usingTempDir();
    const r = await execScript(dir, {
      shell: "sh",
      yaml: `meta:
  name: tpl
  vars:
    region: eastus
    greeting: hello
steps:
  - match:
      argv: [az, config, get]
    calls: {min: 3, max: 3}
    respond:
      stdout: "region={{ .region }}\\n"
  - match:
      argv: [az, group, list, -l, "{{ .region }}"]
    respond:
      stdout: "listed\\n"
  - match:
      argv: [az, render]
    respond:
      stdout: |
        [  {{- .greeting -}}  ]
        joined
           {{- "-tail" }}
        {{ "{{" }} .region }} }} {{ \`raw\\n\` }}{{/* gone */}}!
      stderr: "{{\\"q\\\\\\"\\\\t\\\\u0041\\"}}\\n"
  - match:
      argv: [az, file]
    respond:
      stdout_file: fixtures/out.txt
`,
      files: { "fixtures/out.txt": "file region={{ .region }} {{ .greeting }}\n" },
      script: `call t1 az config get
region=westus; export region
call t2 az config get
region=; export region
call t3 az config get
region=westus; export region
call argv az group list -l westus
call render az render
call file az file
`,
    });
    assert.equal((await r.call("t1")).stdout, "region=eastus\n");
    assert.equal((await r.call("t2")).stdout, "region=westus\n");
    // An empty value is not an override (TPL-3).
    assert.equal((await r.call("t3")).stdout, "region=eastus\n");
    assert.deepEqual(await r.call("argv"), { code: 0, stdout: "listed\n", stderr: "" });
    assert.deepEqual(await r.call("render"), {
      code: 0,
      stdout: "[hello]\njoined-tail\n{{ .region }} }} raw\\n!\n",
      stderr: 'q"\tA\n',
    });
    assert.deepEqual(await r.call("file"), {
      code: 0,
      stdout: "file region=westus hello\n",
      stderr: "",
    });
    assert.equal(r.code, 0, r.stderr);
  },
);

Deno.test(
  "validate and exec reject undefined variables, unsupported actions and unterminated actions at load time with file:line:col, and exec starts nothing (TPL-2, TPL-5, SCN-22, SCN-25)",
  async () => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "s.yaml",
      `meta:
  name: bad-templates
  vars:
    region: eastus
steps:
  - match:
      argv: [az, show]
    respond:
      stdout: "{{ .foo }}"
  - match:
      argv: [az, list]
    respond:
      stdout: "{{ if .region }}yes{{ end }}"
  - match:
      argv: [az, open]
    respond:
      stdout: "x {{ .region"
`,
    );
    await Deno.writeTextFile(dir.join("script.sh"), "touch started\n");

    const v = await cli(["validate", "--format", "json", "s.yaml"], { cwd: dir.path });
    assert.equal(v.code, 1, v.stderr);
    const errors: string[] = JSON.parse(v.stdout)[0].errors;
    assert.equal(errors.length, 3, errors.join("\n"));
    assert.match(
      errors[0]!,
      /^s\.yaml:9:\d+: steps\[0\]\.respond\.stdout: template references undefined variable "foo" \(declare it in meta\.vars\)$/,
    );
    // The message lists the supported forms (TPL-2).
    assert.match(
      errors[1]!,
      /^s\.yaml:13:\d+: steps\[1\]\.respond\.stdout: .*\{\{ \.capture\.\w+ \}\}/,
    );
    assert.match(errors[2]!, /^s\.yaml:17:\d+: steps\[2\]\.respond\.stdout: .*unterminated/);

    const e = await cli(["exec", "s.yaml", "--", "sh", "script.sh"], { cwd: dir.path });
    assert.equal(e.code, 1);
    assert.equal(
      e.stderr,
      errors.map((line) => `cli-replay: ${line}\n`).join("") +
        'cli-replay: scenario "s.yaml" is invalid (3 error(s))\n',
    );
    assert.deepEqual(await listDir(dir.path), ["s.yaml", "script.sh"], "nothing may start");
  },
);

Deno.test(
  "validate and exec reject an stdout_file whose template references an undefined variable (TPL-5, TPL-7, SCN-16, VAL-2)",
  async () => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "s.yaml",
      `meta:
  name: bad-file
steps:
  - match:
      argv: [az, file]
    respond:
      stdout_file: fixtures/bad.txt
`,
    );
    await writeScenario(dir.path, "fixtures/bad.txt", "ok {{ .nope }}\n");
    await Deno.writeTextFile(dir.join("script.sh"), "touch started\n");
    const v = await cli(["validate", "s.yaml"], { cwd: dir.path });
    assert.equal(v.code, 1);
    assert.match(
      v.stderr,
      /^✗ s\.yaml:\n {2}- s\.yaml:7:20: steps\[0\]\.respond\.stdout_file: .*undefined variable "nope"/,
    );
    const e = await cli(["exec", "s.yaml", "--", "sh", "script.sh"], { cwd: dir.path });
    assert.equal(e.code, 1);
    assert.match(e.stderr, /^cli-replay: s\.yaml:7:20: steps\[0\]\.respond\.stdout_file: /);
    assert.deepEqual(await listDir(dir.path), ["fixtures", "s.yaml", "script.sh"]);
  },
);

// ---------------------------------------------------------------------------------------
// 5. Security
// ---------------------------------------------------------------------------------------

Deno.test(
  "exec applies the intersection of --allowed-commands and meta.security.allowed_commands and fails closed before creating anything (SEC-2, SEC-8, SCN-13)",
  async (t) => {
    await using dir = await usingTempDir();
    const scenario = (allowed: string, steps: string) =>
      `meta:
  name: sec
  security:
    allowed_commands: ${allowed}
steps:
${steps}`;
    const kubectlAndAz = `  - match:
      argv: [kubectl, get, pods]
  - match:
      argv: [az, account, show]
`;
    // Each case runs in a fresh sub-directory, so "nothing created" can be checked.
    let n = 0;
    let cwd = dir.path;
    const run = async (yaml: string, flags: string[]) => {
      cwd = dir.join(`case${++n}`);
      await writeScenario(cwd, "s.yaml", yaml);
      await Deno.writeTextFile(
        `${cwd}/script.sh`,
        "touch started\nkubectl get pods\naz account show\n",
      );
      const r = await cli(["exec", ...flags, "s.yaml", "--", "sh", "script.sh"], { cwd });
      return { ...r, started: await exists(`${cwd}/started`) };
    };

    await t.step("a command outside the intersection is refused", async () => {
      const r = await run(scenario("[kubectl, az]", kubectlAndAz), [
        "--allowed-commands",
        "kubectl, docker",
      ]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `cli-replay: command "az" is not in the allowed commands list [kubectl]
  scenario: sec
  used by: step 2 ["az", "account", "show"]
`,
      );
      assert.equal(r.started, false);
      assert.deepEqual(await listDir(cwd), ["s.yaml", "script.sh"]);
    });

    await t.step("commands inside the intersection run", async () => {
      const r = await run(scenario("[kubectl, az]", kubectlAndAz), [
        "--allowed-commands=az,kubectl,docker",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.started, true);
    });

    await t.step("disjoint lists allow nothing", async () => {
      const r = await run(
        scenario("[kubectl]", "  - match:\n      argv: [kubectl, get, pods]\n"),
        ["--allowed-commands", "docker"],
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^cli-replay: command "kubectl" is not in the allowed commands list/);
      assert.match(r.stderr, /\n {2}used by: step 1 \["kubectl", "get", "pods"\]\n/);
      assert.equal(r.started, false);
      assert.deepEqual(await listDir(cwd), ["s.yaml", "script.sh"]);
    });

    await t.step("argv[0] containing / is rejected at load time", async () => {
      for (const name of ["../bin/x", "/usr/bin/kubectl"]) {
        const r = await run(
          `meta:\n  name: sec\nsteps:\n  - match:\n      argv: ["${name}", get]\n`,
          [],
        );
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          new RegExp(
            `^cli-replay: s\\.yaml:5:\\d+: steps\\[0\\]\\.match\\.argv\\[0\\]: must be a plain command name \\(no "/", no template\\), got "${
              name.replace(/[.\/]/g, "\\$&")
            }"\n`,
          ),
        );
        assert.equal(r.started, false);
        assert.deepEqual(await listDir(cwd), ["s.yaml", "script.sh"]);
      }
    });
  },
);

shellTest(
  "deny_env_vars globs keep the YAML value, trace names each denied variable once without its value, CLI_REPLAY_* names are never denied (TPL-3, TPL-4, SEC-4, SEC-11, ICPT-15) in zsh",
  ["zsh"],
  async () => {
    await using dir = await usingTempDir();
    const r = await execScript(dir, {
      shell: "zsh",
      yaml: `meta:
  name: deny
  vars:
    SECRET_TOKEN: from-yaml
    region: eastus
    CLI_REPLAY_TRACE: yaml-trace
    CLI_REPLAY_SESSION: yaml-session
    allowed: yaml-allowed
  security:
    deny_env_vars: ["SECRET_*", "reg[a-z]on", "CLI_*", "*_REPLAY_*"]
steps:
  - match:
      argv: [az, show]
    calls: {min: 2, max: 2}
    respond:
      stdout: "{{ .SECRET_TOKEN }} {{ .SECRET_TOKEN }} {{ .region }} {{ .allowed }} trace={{ .CLI_REPLAY_TRACE }} session={{ .CLI_REPLAY_SESSION }}\\n"
`,
      script: `call plain env SECRET_TOKEN=leaked-value region=westus allowed=env-allowed az show
call traced env SECRET_TOKEN=leaked-value region=westus allowed=env-allowed CLI_REPLAY_TRACE=1 az show
`,
    });
    const plain = await r.call("plain");
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(
      plain.stdout,
      /^from-yaml from-yaml eastus env-allowed trace=yaml-trace session=[0-9a-f]{16}\n$/,
    );
    assert.equal(plain.stderr, "");
    const traced = await r.call("traced");
    assert.equal(traced.code, 0, traced.stderr);
    assert.match(
      traced.stdout,
      /^from-yaml from-yaml eastus env-allowed trace=1 session=[0-9a-f]{16}\n$/,
    );
    const lines = traced.stderr.split("\n");
    assert.equal(lines.pop(), "");
    assert.equal(lines.at(-1), 'cli-replay[trace]: step=1 argv=["az", "show"] exit=0');
    assert.deepEqual(lines.slice(0, -1).sort(), [
      "cli-replay[trace]: denied env var SECRET_TOKEN",
      "cli-replay[trace]: denied env var region",
    ]);
    for (const secret of ["leaked-value", "westus"]) {
      assert.ok(!traced.stderr.includes(secret) && !traced.stdout.includes(secret));
      assert.ok(!r.stderr.includes(secret));
    }
    assert.equal(r.code, 0, r.stderr);
  },
);

// ---------------------------------------------------------------------------------------
// 6. Diagnostics
// ---------------------------------------------------------------------------------------

Deno.test(
  "intercept mismatch reports show the caret line, literal/regex/template/length details, the soft-advance note, quoted argv, colour rules and trace lines (ICPT-10, ICPT-12, ICPT-14, ICPT-15, ICPT-16, MATCH-9, COLOR-1, COLOR-2, COLOR-3) in bash",
  async (t) => {
    await using dir = await usingTempDir();
    const r = await execScript(dir, {
      yaml: `meta:
  name: diag
  vars:
    ns: prod
steps:
  - match:
      argv: [kubectl, get, pods]
    calls: {min: 1, max: 10}
  - match:
      argv: [kubectl, logs, '{{ .regex "^prod-.*" }}']
  - match:
      argv: [kubectl, -n, "{{ .ns }}", rollout, status]
  - group:
      mode: unordered
      name: checks
      steps:
        - match:
            argv: [az, account, show]
        - match:
            argv: [docker, info]
`,
      script: `call lit kubectl get deployments
call extra kubectl get pods -A
call missing kubectl get
call quoted kubectl get 'my pod' 'a"b'
call long kubectl get 1 2 3 4 5 6 7 8 9 10 11 12 13
call ok1 kubectl get pods
call ok2 kubectl get pods
call ok3 kubectl get pods
call regex kubectl logs staging-app
call ok4 kubectl logs prod-web
call tpl kubectl -n staging rollout status
call color env CLI_REPLAY_COLOR=1 kubectl -n staging rollout status
call color0 env -u NO_COLOR CLI_REPLAY_COLOR=0 kubectl -n staging rollout status
call nontty env -u NO_COLOR kubectl -n staging rollout status
call trace_ok env CLI_REPLAY_TRACE=1 kubectl -n prod rollout status
call trace_mis env CLI_REPLAY_TRACE=1 CLI_REPLAY_COLOR=1 kubectl get nodes
call ok5 az account show
call ok6 docker info
call trace_done env CLI_REPLAY_TRACE=1 kubectl get pods
`,
    });

    await t.step("literal difference with caret (ICPT-10, MATCH-9)", async () => {
      const received = ["kubectl", "get", "deployments"];
      assert.deepEqual(await r.call("lit"), {
        code: 1,
        stdout: "",
        stderr: `Mismatch at step 1 of "diag":

  Expected: ["kubectl", "get", "pods"]
  Received: ${display(received)}
${caretLine(received, 2)}

  First difference at position 2:
    expected: pods
    received: deployments

  Closest steps:
    step 1: kubectl get pods
      first difference at position 2: expected "pods", got "deployments"
    step 2: kubectl logs {{ .regex "^prod-.*" }}
      first difference at position 1: expected "logs", got "get"
    step 3: kubectl -n {{ .ns }} rollout status
      first difference at position 1: expected "-n", got "get"

  To accept this call, add:
    # before step 1
    - match:
        argv: [kubectl, get, deployments]
      respond: {stdout: ""}
`,
      });
    });

    await t.step("extra and missing arguments (ICPT-10)", async () => {
      assert.equal(
        contractPart((await r.call("extra")).stderr),
        `Mismatch at step 1 of "diag":

  Expected: ["kubectl", "get", "pods"]  (3 args)
  Received: ["kubectl", "get", "pods", "-A"]  (4 args)

  Extra arguments starting at position 3:
    [3]: "-A"
`,
      );
      assert.equal(
        contractPart((await r.call("missing")).stderr),
        `Mismatch at step 1 of "diag":

  Expected: ["kubectl", "get", "pods"]  (3 args)
  Received: ["kubectl", "get"]  (2 args)

  Missing arguments starting at position 2:
    [2]: "pods"
`,
      );
      const long = (await r.call("long")).stderr;
      assert.ok(
        long.includes(
          `  Received: ["kubectl", "get", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]  ...+3 more  (15 args)\n`,
        ) ||
          long.includes(
            `  Received: ["kubectl", "get", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]  ...+3 more\n`,
          ),
        long,
      );
    });

    await t.step("argv is printed quoted (ICPT-16)", async () => {
      const received = ["kubectl", "get", "my pod", 'a"b'];
      assert.equal(
        contractPart((await r.call("quoted")).stderr),
        `Mismatch at step 1 of "diag":

  Expected: ["kubectl", "get", "pods"]  (3 args)
  Received: ["kubectl", "get", "my pod", "a\\"b"]  (4 args)
${caretLine(received, 2)}

  First difference at position 2:
    expected: pods
    received: my pod
`,
      );
    });

    await t.step("regex shown as a pattern, with the soft-advance note (ICPT-12)", async () => {
      assert.equal((await r.call("ok3")).code, 0);
      const received = ["kubectl", "logs", "staging-app"];
      assert.equal(
        contractPart((await r.call("regex")).stderr),
        `Mismatch at step 2 of "diag":

  Expected: ["kubectl", "logs", "{{ .regex \\"^prod-.*\\" }}"]
  Received: ${display(received)}
${caretLine(received, 2)}

  First difference at position 2:
    expected pattern: ^prod-.*
    received value:   staging-app

  Note: step 1 had reached its minimum call count, so later steps were tried too:
    step 1: ["kubectl", "get", "pods"] (3 of max 10 calls)
  None of them matched.
`,
      );
    });

    const tplReport = `Mismatch at step 3 of "diag":

  Expected: ["kubectl", "-n", "{{ .ns }}", "rollout", "status"]
  Received: ["kubectl", "-n", "staging", "rollout", "status"]
${caretLine(["kubectl", "-n", "staging", "rollout", "status"], 2)}

  First difference at position 2:
    expected: prod  (from {{ .ns }})
    received: staging
`;

    await t.step("template literal shows its source (ICPT-10)", async () => {
      assert.equal((await r.call("ok4")).code, 0);
      assert.deepEqual(withContractReport(await r.call("tpl")), {
        code: 1,
        stdout: "",
        stderr: tplReport,
      });
    });

    await t.step("colour: CLI_REPLAY_COLOR / NO_COLOR / non-TTY (COLOR-1..3)", async () => {
      const color = (await r.call("color")).stderr;
      // CLI_REPLAY_COLOR=1 wins over the NO_COLOR=1 the test environment sets.
      assert.ok(color.startsWith(`${ESC}[1mMismatch at step 3 of "diag":${ESC}[0m\n`), color);
      assert.ok(color.includes(`${ESC}[31m`), color);
      assert.ok(color.includes(`${ESC}[32mprod`), color);
      assert.ok(color.includes(`${ESC}[31mstaging${ESC}[0m`), color);
      assert.equal(contractPart(stripAnsi(color)), tplReport);
      assert.equal(contractPart((await r.call("color0")).stderr), tplReport);
      assert.equal(contractPart((await r.call("nontty")).stderr), tplReport);
    });

    await t.step("trace lines for match, mismatch and completion (ICPT-14, ICPT-15)", async () => {
      assert.deepEqual(await r.call("trace_ok"), {
        code: 0,
        stdout: "",
        stderr:
          'cli-replay[trace]: step=3 argv=["kubectl", "-n", "prod", "rollout", "status"] exit=0\n',
      });
      const mis = await r.call("trace_mis");
      assert.equal(mis.code, 1);
      assert.ok(mis.stderr.startsWith(`${ESC}[1mMismatch in group "checks" (steps 4-5)`));
      // Trace lines are never coloured (COLOR-1).
      assert.ok(
        mis.stderr.endsWith(
          '\ncli-replay[trace]: mismatch argv=["kubectl", "get", "nodes"] cursor=step 4\n',
        ),
        mis.stderr,
      );
      assert.equal((await r.call("ok6")).code, 0);
      const done = await r.call("trace_done");
      assert.deepEqual(withContractReport(done), {
        code: 1,
        stdout: "",
        stderr: `cli-replay: scenario "diag" already complete (all 5 steps consumed)
  received: ["kubectl", "get", "pods"]
`,
      });
      // The trace line comes after the whole report, LANG-1's additions included.
      assert.ok(
        done.stderr.endsWith(`      respond: {stdout: ""}
cli-replay[trace]: complete argv=["kubectl", "get", "pods"]
`),
        done.stderr,
      );
    });
  },
);
