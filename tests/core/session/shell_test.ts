// Tests of core/session/shell.ts: the one shim renderer (ICPT-1, REC-4, SEC-7).
import assert from "node:assert/strict";
import { renderShim } from "../../../core/session/shell.ts";

Deno.test("renderShim() for a record shim single-quotes every embedded word (REC-4, SEC-7)", () => {
  const text = renderShim({
    command: "a'b$(c)",
    selfCommand: ["/opt/deno dir/deno", "run", "-A", "/x/cli.ts"],
    logPath: "/tmp/we'ird $(touch PWNED)/recording.jsonl",
    shimDir: "/tmp/r/bin",
  });
  assert.equal(
    text,
    [
      "#!/bin/sh",
      "# cli-replay record shim for 'a'b$(c)'; generated, do not edit",
      "exec '/opt/deno dir/deno' 'run' '-A' '/x/cli.ts' '__record-shim' '--log' " +
      `'/tmp/we'\\''ird $(touch PWNED)/recording.jsonl' '--shim-dir' '/tmp/r/bin' '--' ` +
      `'a'\\''b$(c)' "$@"`,
      "",
    ].join("\n"),
  );
});
