// Compiled-binary detection (CONTRACT glossary "self command"): `deno compile` cannot run on
// these machines (it downloads a runtime base), so the decision is a pure function tested here
// with the facts a compiled binary, a checkout and a registry install present.
import assert from "node:assert/strict";
import {
  detectCompiledBinary,
  isCompiledBinary,
  selfCommand,
} from "../../../effects/session/self_command.ts";

Deno.test(
  "self command: detectCompiledBinary trusts Deno.build.standalone when the runtime has it, else recognises the deno-compile- virtual root of a file: URL",
  () => {
    const cases: [boolean | undefined, string, boolean][] = [
      // The runtime knows: its answer wins over any URL.
      [true, "file:///tmp/deno-compile-cli-replay/effects/self_command.ts", true],
      [true, "file:///work/cli-replay/effects/self_command.ts", true],
      [false, "file:///tmp/deno-compile-cli-replay/effects/self_command.ts", false],
      [false, "https://jsr.io/@x/cli-replay/0.1.0/effects/self_command.ts", false],
      // A runtime without the field: the URL decides.
      [undefined, "file:///tmp/deno-compile-cli-replay/effects/self_command.ts", true],
      [
        undefined,
        "file:///var/folders/x1/T/deno-compile-cli-replay/effects/self_command.ts",
        true,
      ],
      [
        undefined,
        "file:///C:/Users/dev/AppData/Local/Temp/deno-compile-cli-replay.exe/effects/self_command.ts",
        true,
      ],
      [undefined, "file:///work/cli-replay/effects/self_command.ts", false],
      [undefined, "https://jsr.io/@x/cli-replay/0.1.0/effects/self_command.ts", false],
      [undefined, "https://example.com/deno-compile-x/effects/self_command.ts", false],
      [undefined, "http://127.0.0.1:4507/@x/cli-replay/0.1.0/effects/self_command.ts", false],
      // A checkout whose directory merely starts like the virtual root is a path segment
      // prefix, not a directory of that name: `deno-compile-` needs a name after it.
      [undefined, "file:///home/dev/deno-compile-/effects/self_command.ts", false],
    ];
    for (const [standalone, url, expected] of cases) {
      assert.equal(detectCompiledBinary(standalone, url), expected, `${standalone} ${url}`);
    }
  },
);

Deno.test(
  "self command: under deno run (this test) the program is not a compiled binary, and the self command re-invokes deno run with the package's cli.ts and config, loading lazy imports lazily",
  () => {
    assert.equal(Deno.build.standalone, false);
    assert.equal(isCompiledBinary(), false);
    const full = selfCommand({ mode: "full" });
    const cli = decodeURIComponent(new URL("../../../cli.ts", import.meta.url).pathname);
    const config = decodeURIComponent(new URL("../../../deno.json", import.meta.url).pathname);
    assert.deepEqual(full.slice(0, 2), [Deno.execPath(), "run"]);
    assert.equal(full.at(-1), cli);
    assert.ok(full.includes(`--config=${config}`) && full.includes("--allow-all"), `${full}`);
    const shim = selfCommand({ mode: "intercept", writeDir: "/tmp/x/.cli-replay" });
    assert.deepEqual(shim.slice(0, 2), [Deno.execPath(), "run"]);
    assert.ok(shim.includes(`--config=${config}`), `${shim}`);
    assert.ok(shim.includes("--allow-write=/tmp/x/.cli-replay"));
    assert.ok(!shim.includes("--allow-all") && !shim.includes("--allow-run"));
    assert.match(shim.at(-1)!, /\/generated\/intercept\.bundle\.js$/);
    // SRV-9: the shims and the detached server do not walk the parser's modules at start-up.
    for (const words of [full, shim]) {
      assert.ok(words.includes("--unstable-lazy-dynamic-imports"), `${words}`);
    }
  },
);
