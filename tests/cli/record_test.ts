// Integration tests of `cli-replay record` and `__record-shim` with real processes (REC-1..12).
import assert from "node:assert/strict";
import { parseScenario } from "../../core/scenario/parse.ts";
import { parseTemplate, renderTemplate } from "../../core/lang/template.ts";
import type { Content, Scenario } from "../../core/types.ts";
import {
  CLI,
  createWorkspace,
  DEPLOY_FAKES,
  DEPLOY_SH,
  OUTPUT_KIND_CALLS,
  TOOL,
  TOOL2,
  type Workspace,
} from "./_record_helpers.ts";

const enc = new TextEncoder();

function rendered(content: Content | undefined): Uint8Array {
  if (content === undefined) return new Uint8Array();
  if (content.kind === "binary") return content.bytes;
  assert.equal(content.kind, "text");
  if (content.kind !== "text") return new Uint8Array();
  const parsed = parseTemplate(content.template);
  assert.ok(parsed.ok);
  return enc.encode(renderTemplate(parsed.parts, {}, {}));
}

async function load(ws: Workspace, file: string): Promise<Scenario> {
  const parsed = parseScenario(await Deno.readTextFile(`${ws.dir}/${file}`), { file });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.diagnostics));
  return parsed.scenario;
}

async function withTools(): Promise<Workspace> {
  const ws = await createWorkspace();
  await ws.script("bin/tool", TOOL);
  await ws.script("bin/tool2", TOOL2);
  return ws;
}

Deno.test("record in direct mode streams, captures and writes one step (REC-3, REC-11)", async () => {
  await using ws = await withTools();
  const run = await ws.cli([
    "record",
    "-o",
    "out.yaml",
    "-n",
    "direct",
    "-d",
    "Direct run",
    "--",
    "tool",
    "stderr",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "to stdout\n");
  assert.equal(
    run.stderr,
    "warning: careful\n✓ Recorded 1 command(s) to out.yaml\n  Scenario: direct\n  Description: Direct run\n",
  );
  assert.equal(
    await Deno.readTextFile(`${ws.dir}/out.yaml`),
    `meta:
  name: "direct"
  description: "Direct run"
steps:
  - match:
      argv: ["tool", "stderr"]
    respond:
      exit: 0
      stdout: |
        to stdout
      stderr: |
        warning: careful
`,
  );
  assert.equal((await Deno.stat(`${ws.dir}/out.yaml`)).mode! & 0o777, 0o600);
  assert.deepEqual(await ws.leftovers(), []);
});

Deno.test("record in direct mode keeps a failing command's exit and exits 2 (REC-3, REC-10)", async () => {
  await using ws = await withTools();
  const run = await ws.cli(["record", "-o", "fail.yml", "--", `${ws.bin}/tool`, "fail"]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^failing\n✓ Recorded 1 command\(s\) to fail\.yml\n/);
  assert.match(run.stderr, /\n {2}Scenario: recorded-session-\d{8}-\d{6}\n/);
  assert.match(run.stderr, /\n {2}Command exit code: 4 \(captured in scenario\)\n$/);
  const scenario = await load(ws, "fail.yml");
  assert.deepEqual(scenario.steps[0]?.argv, ["tool", "fail"]); // argv[0] reduced to its base name
  assert.equal(scenario.steps[0]?.respond.exit, 4);
  assert.deepEqual(rendered(scenario.steps[0]?.respond.stderr), enc.encode("failing\n"));
});

Deno.test("record in direct mode forwards SIGTERM and records 128+N (REC-3, REC-10)", async () => {
  await using ws = await withTools();
  await ws.script("slow.sh", `#!/bin/sh\necho started\n: > "$1"\nexec sleep 30\n`);
  const marker = `${ws.dir}/started`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "record", "-o", "sig.yaml", "--", "./slow.sh", marker],
    cwd: ws.dir,
    env: { TMPDIR: ws.tmp },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  for (let i = 0; i < 200; i++) {
    if (await Deno.stat(marker).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGTERM");
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, stderr);
  assert.match(stderr, /Command exit code: 143 \(captured in scenario\)/);
  const scenario = await load(ws, "sig.yaml");
  assert.equal(scenario.steps[0]?.respond.exit, 143);
  assert.deepEqual(rendered(scenario.steps[0]?.respond.stdout), enc.encode("started\n"));
});

Deno.test("record in shim mode removes its temp dir when killed by SIGTERM (REC-12)", async () => {
  await using ws = await withTools();
  await ws.script("slow.sh", `#!/bin/sh\ntool plain\n: > "$1"\nexec sleep 30\n`);
  const marker = `${ws.dir}/started`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "record", "-o", "sig.yaml", "-c", "tool", "--", "./slow.sh", marker],
    cwd: ws.dir,
    env: { TMPDIR: ws.tmp, PATH: `${ws.bin}:${Deno.env.get("PATH")}` },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  for (let i = 0; i < 200; i++) {
    if (await Deno.stat(marker).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal((await ws.leftovers()).length, 1);
  child.kill("SIGTERM");
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, stderr);
  assert.match(stderr, /Recorded 1 command\(s\) to sig\.yaml[^]*Command exit code: 143/);
  assert.deepEqual(await ws.leftovers(), []);
});

Deno.test("record in shim mode records every kind of output byte for byte (REC-4..8)", async () => {
  await using ws = await withTools();
  await ws.script(
    "all.sh",
    `#!/bin/sh
${OUTPUT_KIND_CALLS}tool binary > /dev/null
echo 'piped input' | tool stdin
tool args "a  b" "it's" 'say "hi"' ""
`,
  );
  const run = await ws.cli([
    "record",
    "-o",
    "all.yaml",
    "-n",
    "all",
    "-c",
    "tool",
    "--",
    "./all.sh",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^hello world\nline 1\nline 2\n\nno newlinea\tb\n\tc\nto stdout\n/);
  assert.match(run.stdout, /tool failed with 4\n/);
  assert.match(run.stdout, /PIPED INPUT\n\[a {2}b\]\n\[it's\]\n\[say "hi"\]\n\[\]\n$/);
  assert.match(run.stderr, /warning: careful\nfailing\n✓ Recorded 11 command\(s\) to all\.yaml\n/);
  const scenario = await load(ws, "all.yaml");
  const expected: [string[], string | Uint8Array, string, number, string?][] = [
    [["plain"], "hello world\n", "", 0],
    [["multi"], "line 1\nline 2\n\n", "", 0],
    [["nonl"], "no newline", "", 0],
    [["tabs"], "a\tb\n\tc\n", "", 0],
    [["stderr"], "to stdout\n", "warning: careful\n", 0],
    [["fail"], "", "failing\n", 4],
    [["braces"], "{{ .Names }}\n", "", 0],
    [["crlf"], "a\r\nb\r\n", "", 0],
    [["binary"], new Uint8Array([0xff, 0xfe, 0x00, 0x41]), "", 0],
    [["stdin"], "PIPED INPUT\n", "", 0, "piped input\n"],
    [["args", "a  b", "it's", 'say "hi"', ""], '[a  b]\n[it\'s]\n[say "hi"]\n[]\n', "", 0],
  ];
  assert.equal(scenario.steps.length, expected.length);
  for (const [i, [args, stdout, stderr, exit, stdin]] of expected.entries()) {
    const step = scenario.steps[i]!;
    assert.deepEqual(step.argv, ["tool", ...args]);
    assert.deepEqual(
      rendered(step.respond.stdout),
      typeof stdout === "string" ? enc.encode(stdout) : stdout,
    );
    assert.deepEqual(rendered(step.respond.stderr), enc.encode(stderr));
    assert.equal(step.respond.exit, exit);
    if (stdin === undefined) assert.equal(step.stdin, undefined, `step ${i + 1} stdin`);
    else assert.deepEqual(step.stdin, { kind: "text", template: stdin });
  }
  const text = await Deno.readTextFile(`${ws.dir}/all.yaml`);
  assert.match(text, /\n {6}stdout: "no newline"\n/);
  assert.match(text, /\n {6}stdout: \|\n {8}\{\{ "\{\{" \}\} \.Names \}\}\n/);
  assert.match(text, /\n {6}stdout: "a\\r\\nb\\r\\n"\n/);
  assert.match(text, /\n {6}stdout: !!binary \|\n {8}\/\/4AQQ==\n/);
  assert.match(text, /\n {6}argv: \["tool", "args", "a {2}b", "it's", "say \\"hi\\"", ""\]\n/);
  assert.deepEqual(await ws.leftovers(), []);
});

Deno.test("record in shim mode writes the 5-command deploy walkthrough exactly", async () => {
  await using ws = await createWorkspace();
  for (const [name, text] of Object.entries(DEPLOY_FAKES)) await ws.script(`bin/${name}`, text);
  await ws.script("deploy.sh", DEPLOY_SH);
  const run = await ws.cli([
    "record",
    "-o",
    "deploy.yaml",
    "-n",
    "deploy-flow",
    "-d",
    "Deploy flow",
    "-c",
    "kubectl,helm",
    "-c",
    "git",
    "-c",
    "kubectl",
    "--",
    "./deploy.sh",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stderr,
    "Error: release: not found\n✓ Recorded 5 command(s) to deploy.yaml\n  Scenario: deploy-flow\n  Description: Deploy flow\n",
  );
  assert.equal(
    await Deno.readTextFile(`${ws.dir}/deploy.yaml`),
    `meta:
  name: "deploy-flow"
  description: "Deploy flow"
steps:
  - match:
      argv: ["kubectl", "get", "pods"]
    respond:
      exit: 0
      stdout: |
        NAME    READY   STATUS
        web-0   1/1     Running
  - match:
      argv: ["kubectl", "apply", "-f", "-"]
      stdin: |
        apiVersion: apps/v1
        kind: Deployment
    respond:
      exit: 0
      stdout: |
        deployment.apps/web created
  - match:
      argv: ["helm", "version", "--short"]
    respond:
      exit: 0
      stdout: "v3.14.0+g3fc9f4b"
  - match:
      argv: ["helm", "status", "my release"]
    respond:
      exit: 1
      stderr: |
        Error: release: not found
  - match:
      argv: ["git", "log", "--format={{.Hash}}\\t%H", "-1"]
    respond:
      exit: 0
      stdout: |
        a1b2c3\tmain
`,
  );
});

Deno.test("record in shim mode logs 8 parallel calls without losing one (REC-5)", async () => {
  await using ws = await withTools();
  await ws.script(
    "par.sh",
    `#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8; do tool args "$i" > /dev/null & done\nwait\n`,
  );
  const run = await ws.cli(["record", "-o", "par.yaml", "-c", "tool", "--", "./par.sh"]);
  assert.equal(run.code, 0, run.stderr);
  const scenario = await load(ws, "par.yaml");
  assert.deepEqual(
    scenario.steps.map((s) => s.argv[2]).sort(),
    ["1", "2", "3", "4", "5", "6", "7", "8"],
  );
  for (const step of scenario.steps) {
    assert.deepEqual(rendered(step.respond.stdout), enc.encode(`[${step.argv[2]}]\n`));
  }
});

Deno.test("record in shim mode skips nested calls and resolves the command on the shim PATH", async () => {
  await using ws = await withTools();
  // `tool nested` calls tool2 and tool again: only the outer call is recorded. The command
  // after `--` is itself a recorded command, found through the shim dir (REC-4).
  const run = await ws.cli(["record", "-o", "n.yaml", "-c", "tool,tool2", "--", "tool", "nested"], {
    env: { CLI_REPLAY_IN_SHIM: "1" },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "tool2 says inner\nhello world\n");
  const scenario = await load(ws, "n.yaml");
  assert.equal(scenario.steps.length, 1);
  assert.deepEqual(scenario.steps[0]?.argv, ["tool", "nested"]);
  assert.deepEqual(
    rendered(scenario.steps[0]?.respond.stdout),
    enc.encode("tool2 says inner\nhello world\n"),
  );
});

Deno.test("record exits 3 and leaves the output alone when nothing was recorded (REC-5, REC-10)", async () => {
  await using ws = await withTools();
  await ws.script("ghost.sh", `#!/bin/sh\nghost hi\necho "ghost exited $?"\n`);
  await Deno.writeTextFile(`${ws.dir}/keep.yaml`, "old content\n");
  const run = await ws.cli(["record", "-o", "keep.yaml", "-c", "ghost", "--", "./ghost.sh"]);
  assert.equal(run.code, 3);
  assert.equal(run.stdout, "ghost exited 127\n");
  assert.equal(
    run.stderr,
    'cli-replay: command not found: ghost\ncli-replay: no commands were recorded; "keep.yaml" was not written\n',
  );
  assert.equal(await Deno.readTextFile(`${ws.dir}/keep.yaml`), "old content\n");
  assert.deepEqual(
    (await Array.fromAsync(Deno.readDir(ws.dir))).map((e) => e.name).sort(),
    ["bin", "ghost.sh", "keep.yaml", "tmp"],
  );
  assert.deepEqual(await ws.leftovers(), []);
});

Deno.test("record in shim mode reports a non-zero script exit as 2 and notes large stdin", async () => {
  await using ws = await withTools();
  await ws.script(
    "big.sh",
    `#!/bin/sh\nhead -c 1100000 /dev/zero | tr '\\000' a | tool stdin > /dev/null\nexit 3\n`,
  );
  const run = await ws.cli(["record", "-o", "big.yaml", "-c", "tool", "--", "./big.sh"]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /cli-replay: warning: stdin of "tool" exceeded 1 MiB and was not recorded/,
  );
  assert.match(run.stderr, /Command exit code: 3 \(captured in scenario\)\n$/);
  const scenario = await load(ws, "big.yaml");
  assert.equal(scenario.steps[0]?.stdin, undefined);
  assert.equal(rendered(scenario.steps[0]?.respond.stdout).length, 1100000);
});

Deno.test("record rejects bad input before running anything (REC-1, REC-2, REC-10)", async (t) => {
  await using ws = await withTools();
  await Deno.writeTextFile(`${ws.dir}/keep.yaml`, "old\n");
  const cases: [string, string[], number, RegExp][] = [
    [
      "missing output dir",
      ["-o", "nodir/x.yaml", "--", "tool", "plain"],
      1,
      /output directory does not exist: nodir\n/,
    ],
    [
      "bad -c name",
      ["-o", "keep.yaml", "-c", "../x", "--", "tool", "plain"],
      1,
      /invalid --command "\.\.\/x"/,
    ],
    [
      "missing command",
      ["-o", "keep.yaml", "--"],
      1,
      /missing command after '--': usage: cli-replay record/,
    ],
    [
      "command not found",
      ["-o", "keep.yaml", "--", "no-such-cmd"],
      1,
      /cannot run "no-such-cmd": command not found/,
    ],
  ];
  for (const [name, args, code, message] of cases) {
    await t.step(name, async () => {
      const run = await ws.cli(["record", ...args]);
      assert.equal(run.code, code, run.stderr);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /hello world/);
      assert.equal(await Deno.readTextFile(`${ws.dir}/keep.yaml`), "old\n");
    });
  }
  await t.step("an output name without .yaml/.yml gets a warning", async () => {
    const run = await ws.cli(["record", "-o", "out.txt", "--", "tool", "plain"]);
    assert.equal(run.code, 0);
    assert.match(
      run.stderr,
      /^cli-replay: warning: output file does not have \.yaml or \.yml extension\n/,
    );
    await load(ws, "out.txt");
  });
});

Deno.test("__record-shim runs transparently when nested and 127 when the command is missing", async (t) => {
  await using ws = await withTools();
  const log = `${ws.dir}/log.jsonl`;
  await Deno.writeTextFile(log, "");
  await t.step("nested call: runs, logs nothing", async () => {
    const run = await ws.cli([
      "__record-shim",
      "--log",
      log,
      "--shim-dir",
      ws.tmp,
      "--",
      "tool",
      "plain",
    ], {
      env: { CLI_REPLAY_IN_SHIM: "1" },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "hello world\n");
    assert.equal(await Deno.readTextFile(log), "");
  });
  await t.step("env fallbacks, piped stdin, one JSON line", async () => {
    const run = await ws.cli(["__record-shim", "--", "tool", "stdin"], {
      env: { CLI_REPLAY_RECORDING_LOG: log, CLI_REPLAY_SHIM_DIR: ws.tmp },
      stdin: "abc\n",
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "ABC\n");
    const entry = JSON.parse(await Deno.readTextFile(log));
    assert.deepEqual(entry.argv, ["tool", "stdin"]);
    assert.equal(entry.stdin, "abc\n");
    assert.equal(entry.stdout, "ABC\n");
  });
  await t.step("the shim dir is skipped: a command only found there is not found", async () => {
    const run = await ws.cli([
      "__record-shim",
      "--log",
      log,
      "--shim-dir",
      ws.bin,
      "--",
      "tool",
      "plain",
    ]);
    assert.equal(run.code, 127);
    assert.equal(run.stderr, "cli-replay: command not found: tool\n");
    assert.equal((await Deno.readTextFile(log)).split("\n").length, 2);
  });
});

Deno.test("record redacts secrets and folds repeats like exec --record (RECM-2, RECM-3)", async () => {
  await using ws = await withTools();
  await ws.script(
    "calls.sh",
    `tool args --token="$NPM_TOKEN" plain\ntool plain\ntool plain\ntool plain\ntool args 'Bearer abc'\n`,
  );
  const env = { NPM_TOKEN: "npm_s3cr3tTokenValue" };
  const run = await ws.cli(
    [
      "record",
      "-o",
      "out.yaml",
      "-n",
      "r",
      "-c",
      "tool",
      "--redact",
      "Bearer (\\w+)",
      "--",
      "sh",
      "calls.sh",
    ],
    { env },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stderr,
    "✓ Recorded 5 command(s) to out.yaml\n  Scenario: r\n" +
      "  Redacted 4 values (NPM_TOKEN ×2, regex ×2)\n  Folded 3 calls into 1 step\n",
  );
  const text = await Deno.readTextFile(`${ws.dir}/out.yaml`);
  assert.ok(!text.includes(env.NPM_TOKEN) && !text.includes("abc"), text);
  assert.match(text, /argv: \["tool", "args", '\{\{ \.regex "\^--token=\.\*\$" \}\}', "plain"\]/);
  assert.match(text, /\[--token=\[REDACTED:NPM_TOKEN\]\]/);
  assert.match(text, /calls: \{min: 1, max: 3\}/);
  const scenario = await load(ws, "out.yaml");
  assert.equal(scenario.steps.length, 3);

  const plain = await ws.cli(
    ["record", "-o", "raw.yaml", "-c", "tool", "--no-redact", "--no-fold", "--", "sh", "calls.sh"],
    { env },
  );
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok((await Deno.readTextFile(`${ws.dir}/raw.yaml`)).includes(env.NPM_TOKEN));
  assert.equal((await load(ws, "raw.yaml")).steps.length, 5);
});
