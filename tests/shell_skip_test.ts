// The README's test command works on a machine without zsh (WAY-4): shellTest() runs a test in
// the shells that are there and shows the zsh gap as an ignored test; with CI set, a missing
// zsh fails. Proven by running `deno test` on a small suite with PATHs with and without zsh.
import assert from "node:assert/strict";
import { ROOT, runFile, usingTempDir } from "./_helpers.ts";

const SUITE = `import { shellTest } from ${JSON.stringify(`file://${ROOT}/tests/_helpers.ts`)};
shellTest("demo in every shell (X-1)", ["bash", "zsh", "sh"], async (_t, shells) => {
  console.log("shells=" + shells.join(","));
});
shellTest("demo in zsh", ["zsh"], async () => {
  console.log("zsh-only body ran");
});
`;

async function runSuite(dir: string, path: string, env: Record<string, string | undefined>) {
  const r = await runFile(
    Deno.execPath(),
    ["test", "-A", "--no-check", "--no-config", `${dir}/suite_test.ts`],
    { cwd: dir, env: { PATH: path, NO_COLOR: "1", ...env } },
  );
  return { ...r, out: r.stdout + r.stderr };
}

Deno.test(
  "zsh missing: its tests show as ignored '… in zsh (skipped: zsh is not installed)', the rest run in bash and sh; with CI set they fail; with zsh on PATH all run (WAY-4)",
  async () => {
    await using dir = await usingTempDir();
    await Deno.writeTextFile(`${dir.path}/suite_test.ts`, SUITE);
    // PATH directories: one without zsh, one with a (never run) zsh stand-in.
    await Deno.mkdir(dir.join("nozsh"));
    await Deno.mkdir(dir.join("withzsh"));
    await Deno.writeTextFile(dir.join("withzsh", "zsh"), "#!/bin/sh\nexit 99\n", { mode: 0o755 });

    const local = await runSuite(dir.path, dir.join("nozsh"), { CI: undefined });
    assert.equal(local.code, 0, local.out);
    assert.match(local.out, /^shells=bash,sh$/m);
    assert.doesNotMatch(local.out, /zsh-only body ran/);
    assert.match(
      local.out,
      /^demo in every shell \(X-1\) in zsh \(skipped: zsh is not installed\) \.\.\. ignored/m,
    );
    assert.match(local.out, /^demo in zsh \(skipped: zsh is not installed\) \.\.\. ignored/m);
    assert.match(local.out, /^ok \| 1 passed \| 0 failed \| 2 ignored/m);

    const ci = await runSuite(dir.path, dir.join("nozsh"), { CI: "true" });
    assert.equal(ci.code, 1, ci.out);
    assert.match(ci.out, /^demo in every shell \(X-1\) in zsh \.\.\. FAILED/m);
    assert.match(ci.out, /^demo in zsh \.\.\. FAILED/m);
    assert.match(ci.out, /zsh is not installed, and CI must cover zsh/);
    assert.match(ci.out, /^FAILED \| 1 passed \| 2 failed/m);

    const full = await runSuite(dir.path, dir.join("withzsh"), { CI: "true" });
    assert.equal(full.code, 0, full.out);
    assert.match(full.out, /^shells=bash,zsh,sh$/m);
    assert.match(full.out, /zsh-only body ran/);
    assert.match(full.out, /^ok \| 2 passed \| 0 failed/m);
    assert.doesNotMatch(full.out, /ignored \(/);
  },
);
