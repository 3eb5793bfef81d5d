// Round trips: record a script with real commands, then `exec` the recording against the same
// script and expect exit 0 with a passing verification (issue 4, REC-8 round-trip guarantee).

import assert from "node:assert/strict";
import {
  createWorkspace,
  DEPLOY_FAKES,
  DEPLOY_SH,
  OUTPUT_KIND_CALLS,
  TOOL,
  TOOL2,
  type Workspace,
} from "./_record_helpers.ts";

/** Records `script` with `-c commands`, then replays it with `exec`; returns both runs. */
async function recordThenExec(ws: Workspace, script: string, commands: string) {
  const recorded = await ws.cli(["record", "-o", "rec.yaml", "-c", commands, "--", script]);
  assert.ok(recorded.code === 0 || recorded.code === 2, recorded.stderr);
  // The real commands are gone: only the recording can answer now.
  await Deno.remove(ws.bin, { recursive: true });
  await Deno.mkdir(ws.bin);
  const replayed = await ws.cli(["exec", "rec.yaml", "--", script]);
  return { recorded, replayed };
}

Deno.test({
  name: "record then exec replays every kind of output and passes verification",
  async fn() {
    await using ws = await createWorkspace();
    await ws.script("bin/tool", TOOL);
    await ws.script("bin/tool2", TOOL2);
    await ws.script(
      "all.sh",
      `#!/bin/sh
${OUTPUT_KIND_CALLS}tool binary | od -An -c
echo 'piped input' | tool stdin
printf 'two\\nlines' | tool stdin
tool args "a  b" "it's" 'say "hi"' "" '{{ .any }}' 1.10 '~'
tool nested
`,
    );
    const { recorded, replayed } = await recordThenExec(ws, "./all.sh", "tool,tool2");
    assert.equal(recorded.code, 0, recorded.stderr);
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.equal(replayed.stdout, recorded.stdout);
  },
});

Deno.test({
  name: "record then exec replays the 5-command deploy walkthrough",
  async fn() {
    await using ws = await createWorkspace();
    for (const [name, text] of Object.entries(DEPLOY_FAKES)) await ws.script(`bin/${name}`, text);
    await ws.script("deploy.sh", DEPLOY_SH);
    const { recorded, replayed } = await recordThenExec(ws, "./deploy.sh", "kubectl,helm,git");
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.equal(replayed.stdout, recorded.stdout);
  },
});

Deno.test({
  name: "record then exec replays 8 parallel calls",
  async fn() {
    await using ws = await createWorkspace();
    await ws.script("bin/tool", TOOL);
    await ws.script(
      "par.sh",
      `#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8; do tool plain & done\nwait\n`,
    );
    const { recorded, replayed } = await recordThenExec(ws, "./par.sh", "tool");
    assert.equal(recorded.stdout, "hello world\n".repeat(8));
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.equal(replayed.stdout, recorded.stdout);
  },
});

Deno.test({
  name: "record then exec keeps a failing script's exit code",
  async fn() {
    await using ws = await createWorkspace();
    await ws.script("bin/tool", TOOL);
    await ws.script("fails.sh", `#!/bin/sh\ntool fail\nexit $?\n`);
    const { recorded, replayed } = await recordThenExec(ws, "./fails.sh", "tool");
    assert.equal(recorded.code, 2);
    assert.equal(replayed.code, 4, replayed.stderr);
    assert.equal(replayed.stderr.split("\n").includes("failing"), true);
  },
});
