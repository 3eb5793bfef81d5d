// `cli-replay --version` prints the package version from deno.json (section 2), and the
// compiled-scenario format is tied to it (STATE-11).
import assert from "node:assert/strict";
import { VERSION } from "../core/version.ts";
import { cli } from "./_helpers.ts";

Deno.test("VERSION equals deno.json's version and --version prints it (section 2)", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
  for (const flag of ["--version", "-V"]) {
    const out = await cli([flag]);
    assert.equal(out.code, 0);
    assert.equal(out.stdout, `cli-replay ${VERSION}\n`);
  }
});

Deno.test("cli-replay without arguments prints usage to stdout and exits 0 (section 2)", async () => {
  const out = await cli([]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^Usage: cli-replay/m);
  assert.match(out.stdout, /exec/);
});

Deno.test("usage errors are one cli-replay: line with the parser's suggestion (ERR-3)", async (t) => {
  const cases = [
    { args: ["rnu"], expected: "cli-replay: error: unknown command 'rnu' (Did you mean run?)\n" },
    {
      args: ["verify", "--fromat", "json"],
      expected: "cli-replay: error: unknown option '--fromat' (Did you mean --format?)\n",
    },
    { args: ["run"], expected: "cli-replay: error: missing required argument 'scenario'\n" },
  ];
  for (const { args, expected } of cases) {
    await t.step(args.join(" "), async () => {
      const out = await cli(args);
      assert.equal(out.code, 1);
      assert.equal(out.stderr, expected);
      assert.equal(out.stdout, "");
    });
  }
});
