// The intercept bundle that shims run is the current hot-path code, and it loads no
// npm: or node: module (ICPT-6, PERF-3).
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const BUNDLE = new URL("generated/intercept.bundle.js", ROOT);

Deno.test("generated/intercept.bundle.js is up to date with the sources (run `deno task bundle`)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "deno",
        "--minify",
        "--external",
        "../effects/scenario/file.ts",
        "--external",
        "../effects/record/shim.ts",
        "-o",
        `${dir}/intercept.bundle.js`,
        new URL("cli/intercept_entry.ts", ROOT).pathname,
      ],
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const fresh = await Deno.readTextFile(`${dir}/intercept.bundle.js`);
    const checkedIn = await Deno.readTextFile(BUNDLE);
    assert.ok(
      fresh === checkedIn,
      "generated/intercept.bundle.js is stale: run `deno task bundle`",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the intercept bundle imports no npm: or node: module and keeps the parser lazy (ICPT-6)", async () => {
  const text = await Deno.readTextFile(BUNDLE);
  assert.doesNotMatch(text, /["'](npm|node):/);
  assert.doesNotMatch(text, /from\s*["']yaml["']|from\s*["']zod["']/);
  assert.match(text, /import\("\.\.\/effects\/scenario\/file\.ts"\)/);
  // The real command of `exec --record missing` is loaded only when a call needs it (RECM-1).
  assert.match(text, /import\("\.\.\/effects\/record\/shim\.ts"\)/);
});
