/**
 * Integration tests of `cli-replay validate` (CONTRACT section 20, VAL-1..7): the real
 * CLI is spawned on scenario files written to a temporary directory.
 *
 * @module
 */
import assert from "node:assert/strict";
import { cli, type TempDir, usingTempDir, writeScenario } from "../_helpers.ts";

/** A valid scenario. */
const GOOD = `meta:
  name: good
steps:
  - match:
      argv: [git, status]
`;

/** Two errors: an unknown key (7:7) and calls.min > calls.max (10:12). */
const BROKEN = `meta:
  name: broken
steps:
  - match:
      argv: [git, status]
    respond:
      stout: "x"
  - match:
      argv: [git, log]
    calls: {min: 5, max: 3}
`;

const BROKEN_ERRORS = [
  'broken.yaml:7:7: steps[0].respond: unknown key "stout" (did you mean "stdout"?)',
  "broken.yaml:10:12: steps[1].calls: calls.min (5) must be <= calls.max (3)",
];

/** Valid with one warning: `echo` is a shell builtin (argv[0] at 5:14). */
const BUILTIN = `meta:
  name: builtin
steps:
  - match:
      argv: [echo, hi]
`;

/**
 * Valid with two warnings: a builtin and a delay above 5m. (A capture in argv was a warning
 * until LANG-3 made captures substitute there.)
 */
const WARNINGS = `meta:
  name: warn
steps:
  - match:
      argv: [printf, hi]
  - match:
      argv: [az, show]
    respond:
      capture: {id: x}
  - match:
      argv: [az, wait, "{{ .capture.id }}"]
    respond:
      delay: 10m
`;

/** Valid with the `when` warning; the `when` key is at 6:5. */
const LEGACY = `meta:
  name: legacy
steps:
  - match:
      argv: [git, status]
    when: "ci"
`;

/** Writes the named files into `dir`. */
async function writeAll(dir: TempDir, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeScenario(dir.path, name, text);
}

/** Every path under `root`, relative and sorted (directories end with `/`). */
async function tree(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${root}/${prefix}`)) {
    const rel = `${prefix}${e.name}`;
    if (e.isDirectory) out.push(`${rel}/`, ...await tree(root, `${rel}/`));
    else out.push(rel);
  }
  return out.sort();
}

Deno.test(
  "validate checks many files independently and prints ✓/✗ lines, '  - ' errors, '  ! ' warnings and the Result line (VAL-1, VAL-3, VAL-4, VAL-6)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, { "good.yaml": GOOD, "broken.yaml": BROKEN, "builtin.yaml": BUILTIN });
    const r = await cli(["validate", "good.yaml", "broken.yaml", "builtin.yaml"], {
      cwd: dir.path,
    });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    const lines = r.stderr.split("\n");
    // The builtin warning's text is not fixed by the contract; its place and prefix are.
    assert.match(lines[5]!, /^ {2}! builtin\.yaml:5:14: steps\[0\]\.match\.argv\[0\]: .*"echo"/);
    lines[5] = "<warning>";
    assert.equal(
      lines.join("\n"),
      `✓ good.yaml: valid
✗ broken.yaml:
  - ${BROKEN_ERRORS[0]}
  - ${BROKEN_ERRORS[1]}
✓ builtin.yaml: valid (1 warning)
<warning>

Result: 2/3 files valid
`,
    );
  },
);

Deno.test(
  "validate prints no Result line for a single file and exits 0 when valid, 1 when not (VAL-4, VAL-6)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, { "good.yaml": GOOD, "broken.yaml": BROKEN });
    const good = await cli(["validate", "good.yaml"], { cwd: dir.path });
    assert.deepEqual([good.code, good.stdout, good.stderr], [0, "", "✓ good.yaml: valid\n"]);
    const broken = await cli(["validate", "broken.yaml"], { cwd: dir.path });
    assert.deepEqual(
      [broken.code, broken.stdout, broken.stderr],
      [1, "", `✗ broken.yaml:\n  - ${BROKEN_ERRORS[0]}\n  - ${BROKEN_ERRORS[1]}\n`],
    );
  },
);

Deno.test(
  "validate --format json prints the VAL-5 array pretty-printed with a final newline, an unreadable file included (VAL-4, VAL-5, VAL-6)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, { "good.yaml": GOOD, "broken.yaml": BROKEN, "builtin.yaml": BUILTIN });
    const r = await cli(
      ["validate", "--format", "json", "good.yaml", "broken.yaml", "missing.yaml", "builtin.yaml"],
      { cwd: dir.path },
    );
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "");
    const parsed = JSON.parse(r.stdout);
    const unreadable: string = parsed[2].errors[0];
    assert.match(unreadable, /^missing\.yaml: cannot read file \(.+\)$/);
    const warning: string = parsed[3].warnings[0];
    assert.match(warning, /^builtin\.yaml:5:14: steps\[0\]\.match\.argv\[0\]: .*"echo"/);
    const expected = [
      { file: "good.yaml", valid: true, errors: [], warnings: [] },
      { file: "broken.yaml", valid: false, errors: BROKEN_ERRORS, warnings: [] },
      { file: "missing.yaml", valid: false, errors: [unreadable], warnings: [] },
      { file: "builtin.yaml", valid: true, errors: [], warnings: [warning] },
    ];
    assert.equal(r.stdout, JSON.stringify(expected, null, 2) + "\n");
  },
);

Deno.test(
  "validate reports a file it cannot read as '  - <file>: cannot read file (<reason>)' and goes on with the others (VAL-1, VAL-4)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, { "good.yaml": GOOD });
    await Deno.mkdir(dir.join("adir"));
    const r = await cli(["validate", "missing.yaml", "adir", "good.yaml"], { cwd: dir.path });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^✗ missing\.yaml:\n {2}- missing\.yaml: cannot read file \([^)\n]+\)\n✗ adir:\n {2}- adir: cannot read file \([^)\n]+\)\n✓ good\.yaml: valid\n\nResult: 1\/3 files valid\n$/,
    );
  },
);

Deno.test(
  "validate treats warnings (builtin argv[0], delay above 5m, when) as valid and exits 0 (VAL-6, VAL-7)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, { "warnings.yaml": WARNINGS, "legacy.yaml": LEGACY, "good.yaml": GOOD });
    const r = await cli(["validate", "warnings.yaml", "legacy.yaml", "good.yaml"], {
      cwd: dir.path,
    });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split("\n");
    assert.equal(lines[0], "✓ warnings.yaml: valid (2 warnings)");
    assert.match(lines[1]!, /^ {2}! warnings\.yaml:5:14: steps\[0\]\.match\.argv\[0\]: .*"printf"/);
    assert.match(lines[2]!, /^ {2}! warnings\.yaml:13:14: steps\[2\]\.respond\.delay: .*10m.*5m/);
    assert.equal(lines[3], "✓ legacy.yaml: valid (1 warning)");
    assert.match(lines[4]!, /^ {2}! legacy\.yaml:\d+:\d+: steps\[0\]\.when: /);
    assert.deepEqual(lines.slice(5), ["✓ good.yaml: valid", "", "Result: 3/3 files valid", ""]);
  },
);

Deno.test(
  "validate reports the when warning at the position of the when key, as in VAL-4's example (VAL-4, VAL-7, SCN-22)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, { "legacy.yaml": LEGACY });
    const r = await cli(["validate", "legacy.yaml"], { cwd: dir.path });
    assert.equal(r.code, 0);
    assert.equal(
      r.stderr,
      `✓ legacy.yaml: valid (1 warning)
  ! legacy.yaml:6:5: steps[0].when: "when" is not supported and is ignored
`,
    );
  },
);

Deno.test(
  "validate rejects an invalid --format and accepts it case-insensitively (VAL-6)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, { "good.yaml": GOOD });
    const bad = await cli(["validate", "--format", "xml", "good.yaml"], { cwd: dir.path });
    assert.deepEqual(
      [bad.code, bad.stdout, bad.stderr],
      [1, "", 'cli-replay: invalid format "xml": valid values are text, json\n'],
    );
    const upper = await cli(["validate", "--format", "JSON", "good.yaml"], { cwd: dir.path });
    assert.equal(upper.code, 0, upper.stderr);
    assert.deepEqual(JSON.parse(upper.stdout), [
      { file: "good.yaml", valid: true, errors: [], warnings: [] },
    ]);
  },
);

Deno.test(
  "validate checks referenced files and allowlist self-consistency and reports both errors of one file (VAL-2, VAL-3, SCN-16, SEC-2)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, {
      "refs.yaml": `meta:
  name: refs
  security:
    allowed_commands: [kubectl]
steps:
  - match:
      argv: [kubectl, get, pods]
    respond:
      stdout_file: fixtures/missing.txt
  - match:
      argv: [docker, ps]
`,
      "ok.yaml": `meta:
  name: ok
steps:
  - match:
      argv: [kubectl, get, pods]
    respond:
      stdout_file: fixtures/pods.txt
      stderr_file: /dev/null
`,
      "fixtures/pods.txt": "pods\n",
    });
    const r = await cli(["validate", "--format", "json", "refs.yaml", "ok.yaml"], {
      cwd: dir.path,
    });
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), [
      {
        file: "refs.yaml",
        valid: false,
        errors: [
          `refs.yaml:9:20: steps[0].respond.stdout_file: file "fixtures/missing.txt" not found (relative to ${dir.path})`,
          'refs.yaml:11:14: steps[1].match.argv[0]: command "docker" is not in the allowed commands list [kubectl]',
        ],
        warnings: [],
      },
      { file: "ok.yaml", valid: true, errors: [], warnings: [] },
    ]);
  },
);

Deno.test(
  "validate reports a missing stdout_file together with the file's structural errors (VAL-2, VAL-3)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, {
      "mixed.yaml": `meta:
  name: mixed
steps:
  - match:
      argv: [git, status]
    respond:
      stdout_file: fixtures/missing.txt
      exitt: 3
`,
    });
    const r = await cli(["validate", "--format", "json", "mixed.yaml"], { cwd: dir.path });
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout)[0].errors, [
      `mixed.yaml:7:20: steps[0].respond.stdout_file: file "fixtures/missing.txt" not found (relative to ${dir.path})`,
      'mixed.yaml:8:7: steps[0].respond: unknown key "exitt" (did you mean "exit"?)',
    ]);
  },
);

Deno.test(
  "validate creates, modifies and deletes nothing next to the scenarios (VAL-1)",
  async () => {
    await using dir = await usingTempDir();
    await writeAll(dir, {
      "sub/good.yaml": GOOD,
      "sub/broken.yaml": BROKEN,
      "sub/warnings.yaml": WARNINGS,
      "sub/ttl.yaml":
        `meta:\n  name: ttl\n  session:\n    ttl: 1s\nsteps:\n  - match:\n      argv: [a]\n`,
    });
    await Deno.mkdir(dir.join("elsewhere"));
    const before = await tree(dir.path);
    const stat = await Deno.stat(dir.join("sub/good.yaml"));
    const files = ["good.yaml", "broken.yaml", "warnings.yaml", "ttl.yaml"].map((f) =>
      dir.join("sub", f)
    );
    const text = await cli(["validate", ...files], { cwd: dir.join("elsewhere") });
    const json = await cli(["validate", "--format=json", ...files], { cwd: dir.join("elsewhere") });
    assert.equal(text.code, 1);
    assert.equal(json.code, 1);
    assert.match(text.stderr, /\n\nResult: 3\/4 files valid\n$/);
    assert.deepEqual(await tree(dir.path), before);
    assert.equal(
      (await Deno.stat(dir.join("sub/good.yaml"))).mtime?.getTime(),
      stat.mtime?.getTime(),
    );
  },
);
