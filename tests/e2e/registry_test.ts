/**
 * End to end, the way users get the package (WAY-1, WAY-2, WAY-3): the package is staged as
 * `deno publish` would upload it (tools/stage_package.ts), served by a JSR stand-in on
 * 127.0.0.1 (tests/e2e/_registry.ts, found through `JSR_URL`), and used from a directory
 * without `deno.json`, with a fresh `DENO_DIR` (npm packages come from the npm registry):
 *
 * - (a) `deno run -A jsr:@x/cli-replay exec` green and red, `--version`, and the `/cli` form;
 * - (b) `eval "$(deno run -A jsr:@x/cli-replay run s.yaml)"` in bash: fakes answer, `verify` in
 *   every format the CLI offers, the trap cleans;
 * - (c) the scenario is edited mid-session and the next fake call (the registry-loaded intercept
 *   bundle) recompiles it, loading the YAML parser lazily;
 * - (d) `deno test` of a file importing `jsr:@x/cli-replay` (`runWithScenario`);
 * - (e) `deno install -g` into a temp root with the README's narrow permissions (own fresh
 *   `DENO_DIR`), then the installed command for (a), (b), validate, record, clean; then, with
 *   the registry stopped and every proxy dead (offline), shims and a recompile still work
 *   from another working directory.
 *
 * @module
 */
import assert from "node:assert/strict";
import { VERSION } from "../../core/version.ts";
import { CLI_INSTALL_FLAGS, CLI_PERMISSIONS } from "../../cli/permissions.ts";
import { publishDryRunFiles, publishFileSet, stagePackage } from "../../tools/stage_package.ts";
import { listDir, type ProcessResult, ROOT, runFile, sh, usingTempDir } from "../_helpers.ts";
import { contentType, serveRegistry } from "./_registry.ts";

const DENO = Deno.execPath();
const PKG = "jsr:@x/cli-replay";

const SCENARIO = `meta: {name: e2e}
steps:
  - match: {argv: [git, status]}
    respond: {stdout: "On branch main\\n"}
  - match: {argv: [kubectl, get, pods, -n, '{{ .regex "^prod-" }}']}
    respond: {stdout: "web-1 Running\\n", stderr: "listed\\n", exit: 3}
`;

const EDITABLE = (answer: string) =>
  `meta: {name: edit}
steps:
  - match: {argv: [git, log]}
    calls: {min: 1, max: 3}
    respond: {stdout: "${answer}\\n"}
`;

/**
 * What a passing `verify --format <f>` must print, per format. Formats the CLI offers that
 * are not listed here get the generic check (exit 0, a report naming the scenario).
 */
const VERIFY_CHECKS: Record<string, (out: string) => void> = {
  text: (out) => assert.match(out, /✓ Scenario "e2e" completed: 2\/2 steps consumed/),
  json: (out) => {
    const report = JSON.parse(out);
    assert.equal(report.passed, true);
    assert.deepEqual(report.steps.map((s: { call_count: number }) => s.call_count), [1, 1]);
  },
  junit: (out) => {
    assert.match(out, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    assert.match(out, /<testsuite name="e2e" tests="2" failures="0"/);
  },
  tap: (out) => {
    assert.match(out, /^TAP version 14$/m);
    assert.match(out, /^1\.\.\d+$/m);
    assert.doesNotMatch(out, /^not ok/m);
  },
  github: (out) => assert.match(out, /^::notice/m),
};

/** The `--format` values `verify` offers, read from its help. */
function verifyFormats(help: string): string[] {
  const m = /--format <format>\s+report format: ([a-z, ]+?)(?: \(|$)/m.exec(help);
  assert.ok(m !== null, `no --format list in 'help verify':\n${help}`);
  return m[1]!.split(",").map((s) => s.trim());
}

/**
 * A bash script that runs a session with `CLI` (a shell function the caller defines), calls
 * the fakes, and stores every output under `out/`: `rec NAME cmd…` keeps stdout, stderr and
 * the exit code of one command.
 */
function sessionScript(formats: readonly string[], cd: string): string {
  return `set -u
mkdir -p out
rec() { _n=$1; shift; "$@" >"$OLDPWD_OUT/$_n.out" 2>"$OLDPWD_OUT/$_n.err"; echo $? >"$OLDPWD_OUT/$_n.rc"; }
OLDPWD_OUT="$PWD/out"
eval "$(CLI run s.yaml 2>out/run.err)" || exit 90
printf '%s' "$CLI_REPLAY_SESSION" >out/session
ls -A .cli-replay >out/during
cat ".cli-replay/intercept-$CLI_REPLAY_SESSION/git" >out/shim
cd ${sh(cd)}
rec git git status
rec kubectl kubectl get pods -n prod-web
for f in ${formats.join(" ")}; do rec "verify-$f" CLI verify --format "$f"; done
`;
}

interface Recorded {
  out: string;
  err: string;
  rc: number;
}

function reader(dir: string) {
  return async (name: string): Promise<Recorded> => ({
    out: await Deno.readTextFile(`${dir}/out/${name}.out`),
    err: await Deno.readTextFile(`${dir}/out/${name}.err`),
    rc: Number((await Deno.readTextFile(`${dir}/out/${name}.rc`)).trim()),
  });
}

function ok(r: ProcessResult, what: string): void {
  assert.equal(r.code, 0, `${what} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
}

/** Throws when `dir` or a parent holds a Deno or Node config (the test needs none). */
async function assertNoConfigAbove(dir: string): Promise<void> {
  for (let d = dir; d !== ""; d = d.slice(0, d.lastIndexOf("/"))) {
    for (const name of ["deno.json", "deno.jsonc", "package.json"]) {
      const found = await Deno.stat(`${d}/${name}`).then(() => true, () => false);
      assert.ok(!found, `${d}/${name} exists; the e2e test needs a directory without config`);
    }
  }
}

Deno.test(
  "e2e staging: the staged files are exactly what deno publish --dry-run uploads, with bare specifiers rewritten to npm: and doc examples untouched (WAY-3)",
  async () => {
    const [dryRun, fileSet, pkg] = await Promise.all([
      publishDryRunFiles(ROOT),
      publishFileSet(ROOT),
      stagePackage(ROOT),
    ]);
    assert.deepEqual(fileSet, dryRun, "publish.include/exclude as staged vs deno publish");
    assert.deepEqual([...pkg.files.keys()].map((p) => p.slice(1)), dryRun);
    assert.equal(pkg.version, VERSION);
    const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
    assert.deepEqual(pkg.exports, config.exports);

    const text = (p: string) => new TextDecoder().decode(pkg.files.get(p)!);
    const imports = config.imports as Record<string, string>;
    // The parser's bare `yaml` and `zod` imports were rewritten to their npm: targets.
    const staged = [...pkg.files.keys()].filter((p) => /\.ts$/.test(p)).map(text).join("\n");
    assert.match(staged, new RegExp(`from "${imports.yaml}";`));
    assert.match(staged, new RegExp(`from "${imports.zod}";`));
    // No staged module keeps a bare import of a mapped name; doc examples keep theirs.
    for (const [path, bytes] of pkg.files) {
      if (!/\.(ts|js)$/.test(path)) continue;
      const code = new TextDecoder().decode(bytes).split("\n")
        .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join("\n");
      for (const name of Object.keys(imports)) {
        assert.ok(!code.includes(`from "${name}"`), `${path} still imports "${name}"`);
      }
    }
    assert.match(text("/mod.ts"), / \* import \{ [^}]+ \} from "@x\/cli-replay";/);
    // Unchanged files are served byte for byte.
    assert.deepEqual(pkg.files.get("/LICENSE"), await Deno.readFile(`${ROOT}/LICENSE`));
    assert.equal(contentType("/mod.ts"), "application/typescript; charset=utf-8");
    assert.equal(contentType("/generated/intercept.bundle.js"), "text/javascript; charset=utf-8");
  },
);

Deno.test(
  "e2e registry: jsr:@x/cli-replay from a registry stand-in — exec, run + eval + fakes + verify in every format + trap, a mid-session edit, runWithScenario in deno test, and deno install -g with narrow permissions, offline shims (WAY-1, WAY-2, WAY-3, EXEC-4, RUN-6, STATE-12)",
  async (t) => {
    await using registry = await serveRegistry(await stagePackage(ROOT));
    await using work = await usingTempDir("cli-replay-e2e-");
    await using denoDir = await usingTempDir("cli-replay-e2e-deno-dir-");
    await assertNoConfigAbove(work.path);
    await Deno.writeTextFile(work.join("s.yaml"), SCENARIO);
    const noProxy = ["127.0.0.1", Deno.env.get("NO_PROXY") ?? ""].filter((s) => s).join(",");
    const env: Record<string, string | undefined> = {
      JSR_URL: registry.url,
      DENO_DIR: denoDir.path,
      NO_PROXY: noProxy,
      no_proxy: noProxy,
      DENO: DENO,
    };
    const deno = (args: string[], cwd = work.path) => runFile(DENO, args, { cwd, env });
    const bash = (script: string, extra: Record<string, string | undefined> = {}) =>
      runFile("bash", ["-c", script], { cwd: work.path, env: { ...env, ...extra } });
    const bundleUrl = `${registry.url}@x/cli-replay/${VERSION}/generated/intercept.bundle.js`;
    let formats: string[] = [];

    const script = "git status && kubectl get pods -n prod-web; test $? -eq 3";

    await t.step(
      "(a) deno run -A jsr:@x/cli-replay: --version, exec green 0 and red 1, and the /cli form",
      async () => {
        const version = await deno(["run", "-A", PKG, "--version"]);
        ok(version, "--version");
        assert.equal(version.stdout, `cli-replay ${VERSION}\n`);
        // The first run fetched the package from the stand-in and the npm packages from npm.
        assert.ok(registry.requests.includes("/@x/cli-replay/meta.json"), "meta.json fetched");
        assert.ok(registry.requests.includes(`/@x/cli-replay/${VERSION}_meta.json`));
        assert.ok(registry.requests.includes(`/@x/cli-replay/${VERSION}/mod.ts`));
        assert.ok((await listDir(`${denoDir.path}/npm`)).length > 0, "npm packages fetched");

        const green = await deno(["run", "-A", PKG, "exec", "s.yaml", "--", "sh", "-c", script]);
        ok(green, "exec green");
        assert.equal(green.stdout, "On branch main\nweb-1 Running\n");
        assert.match(green.stderr, /✓ Scenario "e2e" completed: 2\/2 steps consumed/);

        const red = await deno([
          "run",
          "-A",
          PKG,
          "exec",
          "s.yaml",
          "--",
          "sh",
          "-c",
          "git status",
        ]);
        assert.equal(red.code, 1, red.stderr);
        assert.equal(red.stdout, "On branch main\n");
        assert.match(red.stderr, /Step 2: kubectl get pods -n .* — 0 calls ✗ needs 1 more/);

        const child = await deno(["run", "-A", PKG, "exec", "s.yaml", "--", "sh", "-c", "exit 5"]);
        assert.equal(child.code, 5, child.stderr);

        const viaCli = await deno([
          "run",
          "-A",
          `${PKG}/cli`,
          "exec",
          "s.yaml",
          "--",
          "sh",
          "-c",
          script,
        ]);
        ok(viaCli, "exec via /cli");
        assert.equal(viaCli.stdout, green.stdout);
        assert.deepEqual(await listDir(work.join(".cli-replay")), [".gitignore"]);
      },
    );

    await t.step(
      '(b) eval "$(deno run -A jsr:@x/cli-replay run s.yaml)" in bash: fakes answer from another directory, verify in every format, the trap cleans',
      async () => {
        const help = await deno(["run", "-A", PKG, "help", "verify"]);
        ok(help, "help verify");
        formats = verifyFormats(help.stdout);
        for (const f of ["text", "json", "junit"]) assert.ok(formats.includes(f), `${formats}`);
        await using elsewhere = await usingTempDir("cli-replay-e2e-cwd-");
        const r = await bash(
          `CLI() { "$DENO" run -A ${PKG} "$@"; }\n${sessionScript(formats, elsewhere.path)}`,
        );
        await assertSession(work.path, r, formats, bundleUrl);
      },
    );

    await t.step(
      "(c) the scenario is edited mid-session: the next fake call (the registry-loaded bundle) recompiles it",
      async () => {
        await Deno.writeTextFile(work.join("edit.yaml"), EDITABLE("first"));
        const r = await bash(`set -u
CLI() { "$DENO" run -A ${PKG} "$@"; }
eval "$(CLI run edit.yaml 2>/dev/null)" || exit 90
git log || exit 91
cat .cli-replay/intercept-$CLI_REPLAY_SESSION/git >shim.txt
printf '%s' ${sh(EDITABLE("second, after the edit"))} >edit.yaml
git log || exit 93
CLI verify --format json || exit 94
`);
        ok(r, "edit session");
        const lines = r.stdout.split("\n");
        assert.deepEqual(lines.slice(0, 2), ["first", "second, after the edit"]);
        const report = JSON.parse(lines[2]!);
        assert.equal(report.passed, true);
        assert.equal(report.steps[0].call_count, 2);
        assert.ok((await Deno.readTextFile(work.join("shim.txt"))).includes(sh(bundleUrl)));
        assert.deepEqual(await listDir(work.join(".cli-replay")), [".gitignore"]);
      },
    );

    await t.step(
      "(d) deno test of a file that imports jsr:@x/cli-replay and uses runWithScenario",
      async () => {
        await Deno.writeTextFile(work.join("lib_test.ts"), LIB_TEST);
        // With the permissions the README gives for such tests (those of the command).
        const r = await deno(["test", ...CLI_PERMISSIONS, "lib_test.ts"]);
        ok(r, "deno test");
        assert.match(r.stdout, /^ok \| 3 passed \| 0 failed/m);
      },
    );

    await t.step(
      "(e) deno install -g --root with the README's permissions, then offline (registry stopped, proxies dead): the installed command runs exec, run + eval + fakes from another directory, verify, validate, record, clean and a recompile",
      async () => {
        // Its own fresh DENO_DIR: everything the command needs comes from the install.
        await using installDir = await usingTempDir("cli-replay-e2e-deno-dir-");
        await using root = await usingTempDir("cli-replay-e2e-root-");
        const ienv = { ...env, DENO_DIR: installDir.path };
        const install = await runFile(DENO, [
          "install",
          "-g",
          "--root",
          root.path,
          "-n",
          "cli-replay",
          ...CLI_INSTALL_FLAGS,
          `${PKG}/cli`,
        ], { cwd: work.path, env: ienv });
        ok(install, "deno install");
        const launcher = await Deno.readTextFile(root.join("bin", "cli-replay"));
        const flags = /exec (?:"[^"]*"|'[^']*'|\S+) run (.*?) --config/.exec(launcher)?.[1];
        assert.deepEqual(flags?.split(" "), [...CLI_INSTALL_FLAGS], launcher);

        // From here on offline: the registry is gone and every proxy is dead, so the
        // command and its shims use only what the install cached.
        await registry.close();
        const dead = "http://127.0.0.1:9";
        const offline = {
          ...ienv,
          PATH: `${root.join("bin")}:${Deno.env.get("PATH")}`,
          HTTP_PROXY: dead,
          HTTPS_PROXY: dead,
          http_proxy: dead,
          https_proxy: dead,
          NO_PROXY: "",
          no_proxy: "",
        };
        const cr = (args: string[], extra: Record<string, string> = {}) =>
          runFile("cli-replay", args, { cwd: work.path, env: { ...offline, ...extra } });
        const version = await cr(["--version"]);
        ok(version, "installed --version");
        assert.equal(version.stdout, `cli-replay ${VERSION}\n`);

        // (a) with the installed command.
        const green = await cr(["exec", "s.yaml", "--", "sh", "-c", script]);
        ok(green, "installed exec green");
        assert.equal(green.stdout, "On branch main\nweb-1 Running\n");
        const red = await cr(["exec", "s.yaml", "--", "sh", "-c", "git status"]);
        assert.equal(red.code, 1, red.stderr);

        // (b) with the installed command.
        await using elsewhere = await usingTempDir("cli-replay-e2e-cwd-");
        // A Deno project of its own, whose config and lock must not reach the shims: its
        // "yaml" would be fetched (and fail, offline) if a recompile below used this config.
        await Deno.writeTextFile(
          `${elsewhere.path}/deno.json`,
          JSON.stringify({ imports: { yaml: "npm:yaml@1.0.0" }, lock: true }),
        );
        const session = await runFile("bash", [
          "-c",
          `CLI() { cli-replay "$@"; }\n${sessionScript(formats, elsewhere.path)}`,
        ], { cwd: work.path, env: offline });
        await assertSession(work.path, session, formats, bundleUrl);

        // validate, record (a command on PATH, recorded through a record shim), clean.
        const valid = await cr(["validate", "s.yaml", "edit.yaml"]);
        ok(valid, "validate");
        const invalid = await cr(["validate", "lib_test.ts"]);
        assert.equal(invalid.code, 1, invalid.stderr);
        await Deno.mkdir(work.join("bin"));
        await Deno.writeTextFile(work.join("bin", "hello"), `#!/bin/sh\necho "hello $*"\n`, {
          mode: 0o755,
        });
        const binPath = { PATH: `${work.join("bin")}:${offline.PATH}` };
        const rec = await cr(
          [
            "record",
            "-o",
            "rec.yaml",
            "-n",
            "greeting",
            "-c",
            "hello",
            "--",
            "sh",
            "-c",
            "hello a b",
          ],
          binPath,
        );
        ok(rec, "record");
        assert.equal(rec.stdout, "hello a b\n");
        assert.match(await Deno.readTextFile(work.join("rec.yaml")), /argv: \["hello", "a", "b"\]/);
        await Deno.remove(work.join("bin", "hello"));
        const replay = await cr(["exec", "rec.yaml", "--", "sh", "-c", "hello a b"]);
        ok(replay, "replay of the recording");
        assert.equal(replay.stdout, "hello a b\n");
        const started = await cr(["run", "s.yaml"]);
        ok(started, "run");
        assert.equal((await listDir(work.join(".cli-replay"))).length > 1, true);
        const clean = await cr(["clean", "s.yaml"]);
        ok(clean, "clean");
        assert.match(clean.stderr, /removed 1 session\(s\)/);
        assert.deepEqual(await listDir(work.join(".cli-replay")), [".gitignore"]);

        await Deno.writeTextFile(work.join("edit.yaml"), EDITABLE("offline one"));
        const r = await runFile("bash", [
          "-c",
          `set -u
eval "$(cli-replay run edit.yaml 2>/dev/null)" || exit 90
cd ${sh(elsewhere.path)}
git log || exit 91
printf '%s' ${sh(EDITABLE("offline two"))} >${sh(work.join("edit.yaml"))}
git log || exit 92
cli-replay verify || exit 93
`,
        ], { cwd: work.path, env: offline });
        ok(r, "offline session");
        assert.equal(r.stdout, "offline one\noffline two\n");
        assert.match(r.stderr, /✓ Scenario "edit" completed: 1\/1 steps consumed/);
        assert.deepEqual(await listDir(work.join(".cli-replay")), [".gitignore"]);
      },
    );
  },
);

/** A user's test file: imports the package from the registry and runs a script under it. */
const LIB_TEST = `import { assertReplayPassed, runWithScenario } from "${PKG}";

const yaml = \`meta: {name: lib}
steps:
  - match: {argv: [git, status]}
    respond: {stdout: "On branch main\\\\n"}
\`;

Deno.test("a script under a scenario from the registry passes", async () => {
  const run = await runWithScenario({ yaml }, ["sh", "-c", "git status"]);
  assertReplayPassed(run);
  if (run.stdout !== "On branch main\\n") throw new Error(JSON.stringify(run.stdout));
});

Deno.test("a scenario file, twice: the second run finds the first's .cli-replay", async () => {
  await Deno.writeTextFile("lib.yaml", yaml);
  for (const round of [1, 2]) {
    const run = await runWithScenario("./lib.yaml", ["sh", "-c", "git status"]);
    assertReplayPassed(run);
    if (run.stdout !== "On branch main\\n") throw new Error(round + JSON.stringify(run.stdout));
  }
});

Deno.test("a script that skips a call fails with the report", async () => {
  const run = await runWithScenario({ yaml }, ["sh", "-c", "true"]);
  let message = "";
  try {
    assertReplayPassed(run);
  } catch (error) {
    message = String(error);
  }
  if (!message.includes("needs 1 more")) throw new Error("not reported: " + message);
});
`;

/** Checks what {@linkcode sessionScript} recorded, and that the trap cleaned up. */
async function assertSession(
  dir: string,
  r: ProcessResult,
  formats: readonly string[],
  bundleUrl: string,
): Promise<void> {
  ok(r, "session script");
  const read = reader(dir);
  const id = await Deno.readTextFile(`${dir}/out/session`);
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.ok((await Deno.readTextFile(`${dir}/out/during`)).includes(`intercept-${id}`));
  assert.deepEqual(await read("git"), { out: "On branch main\n", err: "", rc: 0 });
  assert.deepEqual(await read("kubectl"), { out: "web-1 Running\n", err: "listed\n", rc: 3 });
  for (const f of formats) {
    const v = await read(`verify-${f}`);
    assert.equal(v.rc, 0, `verify --format ${f}: ${v.err}`);
    const check = VERIFY_CHECKS[f] ??
      ((out: string) => assert.match(out, /e2e/, `verify --format ${f} names the scenario`));
    check(f === "text" ? v.err : v.out + v.err);
  }
  // The shims run the intercept bundle from the registry; the trap removed the session.
  assert.ok((await Deno.readTextFile(`${dir}/out/shim`)).includes(sh(bundleUrl)), bundleUrl);
  assert.deepEqual(await listDir(`${dir}/.cli-replay`), [".gitignore"]);
  await Deno.remove(`${dir}/out`, { recursive: true });
}
