// How users start cli-replay, as the README tells it (WAY-2, WAY-6): the install line with the
// permissions the command needs, both jsr: forms, the compile task, every task described; and a
// missing permission is one clear line. tests/e2e/registry_test.ts runs the install line.
import assert from "node:assert/strict";
import { CLI_INSTALL_FLAGS, CLI_PERMISSIONS, CLI_START_FLAGS } from "../cli/permissions.ts";
import { CLI, ROOT, runFile, usingTempDir, writeScenario } from "./_helpers.ts";

const README = await Deno.readTextFile(`${ROOT}/README.md`);
const CONFIG = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));

Deno.test(
  "README: the install line with exactly the command's permissions, a row explaining each, and both jsr: forms (WAY-2, WAY-6)",
  () => {
    const line = `deno install -g -n cli-replay ${
      CLI_INSTALL_FLAGS.join(" ")
    } jsr:@x/cli-replay/cli`;
    assert.ok(README.includes(`\n${line}\n`), `README shows: ${line}`);
    for (const flag of CLI_START_FLAGS) {
      assert.match(README, new RegExp(`\`${flag}\` is not a permission: `), `explains ${flag}`);
    }
    for (const p of CLI_PERMISSIONS) {
      assert.match(README, new RegExp(`^\\| \`${p}\` +\\| \\S.*\\|$`, "m"), `a row explains ${p}`);
    }
    assert.ok(!CLI_PERMISSIONS.includes("-A") && !CLI_PERMISSIONS.includes("--allow-all"));
    assert.match(README, /deno run -A jsr:@x\/cli-replay exec /);
    assert.match(README, /`jsr:@x\/cli-replay\/cli`/);
    assert.match(README, /`deno task compile` writes `dist\/cli-replay`/);
  },
);

Deno.test(
  "deno.json: every task has a description and a command, the README's Development table lists each, and compile builds dist/cli-replay (WAY-6)",
  () => {
    const tasks = CONFIG.tasks as Record<string, { description?: string; command?: string }>;
    assert.ok(Object.keys(tasks).length >= 8);
    for (const [name, task] of Object.entries(tasks)) {
      assert.equal(typeof task, "object", `task ${name} is {description, command}`);
      assert.ok((task.description ?? "").length > 10, `task ${name} has a description`);
      assert.ok((task.command ?? "").length > 0, `task ${name} has a command`);
      assert.match(README, new RegExp(`^\\| \`deno task ${name}\` +\\| \\S`, "m"), name);
    }
    // Kept, never run here: deno compile downloads a Deno runtime base.
    assert.match(tasks.compile!.command!, /^deno compile .*--output dist\/cli-replay cli\.ts$/);
    // The test task caches every dependency first, so no test sees a download on a cold cache.
    assert.match(tasks.test!.command!, /^deno install --quiet && /);
  },
);

Deno.test(
  "README: its test command is the one .ci/run runs, and CI is strict about zsh (WAY-4)",
  async () => {
    const command = "npx -y deno@2.9.6 task test";
    assert.ok(README.includes(command));
    const ci = await Deno.readTextFile(`${ROOT}/.ci/run`);
    assert.match(ci, new RegExp(`^${command.replaceAll(".", "\\.")} 2>&1`, "m"));
    assert.match(ci, /^export CI=/m);
    assert.match(ci, /apt-get install -y -qq zsh/);
  },
);

Deno.test(
  "permissions: with exactly the command's permissions exec works; without --allow-sys=uid it is one 'missing Deno permission' line, exit 1 (WAY-2, ERR-1)",
  async () => {
    await using dir = await usingTempDir();
    await writeScenario(
      dir.path,
      "s.yaml",
      `meta: {name: perms}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {stdout: "ok\\n"}\n`,
    );
    const run = (perms: readonly string[]) =>
      runFile(Deno.execPath(), ["run", ...perms, CLI, "exec", "s.yaml", "--", "git", "status"], {
        cwd: dir.path,
      });
    const green = await run(CLI_PERMISSIONS);
    assert.equal(green.code, 0, green.stderr);
    assert.equal(green.stdout, "ok\n");
    // .cli-replay exists now: checking its owner needs the user id.
    const withoutSys = await run(CLI_PERMISSIONS.filter((p) => !p.startsWith("--allow-sys")));
    assert.deepEqual({ code: withoutSys.code, stdout: withoutSys.stdout }, { code: 1, stdout: "" });
    assert.match(
      withoutSys.stderr,
      new RegExp(
        `^cli-replay: missing Deno permission: Requires sys access to "uid".*\\n  cli-replay needs ${
          CLI_PERMISSIONS.join(" ")
        } \\(or -A\\)\\n$`,
      ),
    );
  },
);
