// The bundled examples and the README's scenarios are valid, validate against
// schema/scenario.schema.json (SCN-24), and each example replays green through `exec`.
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { validateFiles } from "@x/cli-replay";

const ROOT = new URL("../", import.meta.url);
const CLI = new URL("cli.ts", ROOT).pathname;
const EXAMPLES = new URL("examples/", ROOT).pathname;

const schema = JSON.parse(
  await Deno.readTextFile(new URL("schema/scenario.schema.json", ROOT)),
);
const validateSchema = new Ajv({ allErrors: true, strict: false }).compile(schema);

const examples = [...Deno.readDirSync(EXAMPLES)]
  .filter((e) => e.name.endsWith(".yaml"))
  .map((e) => e.name.slice(0, -".yaml".length))
  .sort();

function readmeScenarios(): string[] {
  const readme = Deno.readTextFileSync(new URL("README.md", ROOT));
  return [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((block) => /^meta:/m.test(block) && /^steps:/m.test(block));
}

Deno.test("examples/ and README scenarios validate against the JSON schema (SCN-24)", async (t) => {
  assert.ok(examples.length >= 6, `expected the bundled examples, found ${examples.join(", ")}`);
  const readme = readmeScenarios();
  assert.ok(readme.length >= 1, "the README shows a scenario");
  const docs = [
    ...examples.map((name) => ({
      name: `examples/${name}.yaml`,
      text: Deno.readTextFileSync(`${EXAMPLES}${name}.yaml`),
    })),
    ...readme.map((text, i) => ({ name: `README scenario ${i + 1}`, text })),
  ];
  for (const { name, text } of docs) {
    await t.step(name, () => {
      const ok = validateSchema(parse(text));
      assert.ok(ok, JSON.stringify(validateSchema.errors, null, 2));
    });
  }
});

Deno.test("examples/ and README scenarios load without errors (VAL-1)", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const files = examples.map((name) => `${EXAMPLES}${name}.yaml`);
    for (const [i, text] of readmeScenarios().entries()) {
      const file = `${dir}/readme_${i}.yaml`;
      await Deno.writeTextFile(file, text);
      files.push(file);
    }
    for (const report of await validateFiles(files)) {
      await t.step(report.file, () => assert.deepEqual(report.errors, []));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every example replays green through exec and leaves only .gitignore (EXEC-2)", async (t) => {
  for (const name of examples) {
    await t.step(name, async () => {
      const script = `${EXAMPLES}${name}.sh`;
      const args = name === "deploy" ? [script, "staging"] : [script];
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CLI, "exec", `${EXAMPLES}${name}.yaml`, "--", "bash", ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      assert.match(stderr, /✓ Scenario ".+" completed/);
      const left = (await Array.fromAsync(Deno.readDir(`${EXAMPLES}.cli-replay`))).map((e) =>
        e.name
      );
      assert.deepEqual(left, [".gitignore"]);
    });
  }
});
