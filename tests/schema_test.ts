import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { renderScenarioSchema, SCHEMA_URL } from "../tools/gen_schema.ts";
import { buildScenarioJsonSchema } from "../core/scenario/schema.ts";

type Json = Record<string, unknown>;

const schema = buildScenarioJsonSchema() as Json;

/** Every subschema with the JSON-pointer-like path that leads to it. */
function walk(node: unknown, path: string, visit: (node: Json, path: string) => void): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, `${path}/${i}`, visit));
    return;
  }
  const o = node as Json;
  visit(o, path);
  for (const [key, value] of Object.entries(o)) walk(value, `${path}/${key}`, visit);
}

function at(path: string[]): Json {
  let cur: unknown = schema;
  for (const key of path) {
    cur = (cur as Json)[key];
    assert.ok(cur !== undefined, `no ${path.join("/")}`);
  }
  return cur as Json;
}

const LEAF = ["properties", "steps", "items", "anyOf", "0", "properties"];
const GROUP = ["properties", "steps", "items", "anyOf", "1", "properties", "group", "properties"];

Deno.test("schema/scenario.schema.json is up to date (SCN-24)", async () => {
  const checkedIn = await Deno.readTextFile(SCHEMA_URL).catch(() => "");
  assert.ok(
    checkedIn === renderScenarioSchema(),
    "schema/scenario.schema.json differs from the zod model: run `deno task schema`",
  );
});

Deno.test("buildScenarioJsonSchema() states the SCN-24 rules", async (t) => {
  await t.step("draft-07 with an $id", () => {
    assert.equal(schema.$schema, "http://json-schema.org/draft-07/schema#");
    assert.equal(typeof schema.$id, "string");
  });
  await t.step("additionalProperties: false on every object with properties", () => {
    const maps: string[] = [];
    walk(schema, "", (node, path) => {
      if (node.type !== "object") return;
      if (node.properties !== undefined) {
        assert.equal(node.additionalProperties, false, path);
      } else {
        // The only free-form objects are the string maps meta.vars and respond.capture.
        assert.deepEqual(node.additionalProperties, { type: "string" }, path);
        maps.push(path.replace(/.*\/properties\//, ""));
      }
    });
    assert.deepEqual([...new Set(maps)].sort(), ["capture", "vars"]);
  });
  await t.step("a description on every field", () => {
    let fields = 0;
    walk(schema, "", (node, path) => {
      if (node.properties === undefined || path.endsWith("/properties")) return;
      for (const [key, sub] of Object.entries(node.properties as Json)) {
        const description = (sub as Json).description;
        assert.ok(typeof description === "string" && description.length > 0, `${path}/${key}`);
        fields++;
      }
    });
    assert.ok(fields >= 25, `only ${fields} fields`);
  });
  await t.step("stdout/stdout_file and stderr/stderr_file exclusions", () => {
    for (const base of [LEAF, [...GROUP, "steps", "items", "properties"]]) {
      assert.deepEqual(at([...base, "respond"]).allOf, [
        { not: { required: ["stdout", "stdout_file"] } },
        { not: { required: ["stderr", "stderr_file"] } },
      ]);
    }
  });
  await t.step("exit is an integer 0-255 defaulting to 0", () => {
    const exit = at([...LEAF, "respond", "properties", "exit"]);
    assert.equal(exit.type, "integer");
    assert.equal(exit.minimum, 0);
    assert.equal(exit.maximum, 255);
    assert.equal(exit.default, 0);
  });
  await t.step("calls minimums, and min defaults to 0 when calls is present (SCN-17)", () => {
    const calls = at([...LEAF, "calls"]);
    const props = calls.properties as Record<string, Json>;
    assert.equal(props.min?.type, "integer");
    assert.equal(props.min?.minimum, 0);
    assert.equal(props.min?.default, 0);
    assert.match(String(props.min?.description), /Default 0 when `calls` is present/);
    assert.equal(props.max?.type, "integer");
    assert.equal(props.max?.minimum, 1);
    assert.equal(calls.required, undefined);
    assert.match(String(calls.description), /absent means \{min: 1, max: 1\}/);
  });
  await t.step("group.mode is the enum [unordered]", () => {
    const mode = at([...GROUP, "mode"]);
    assert.deepEqual(mode.enum, ["unordered"]);
    assert.deepEqual(at(GROUP.slice(0, -1)).required, ["mode", "steps"]);
  });
  await t.step("required keys and minimum lengths", () => {
    assert.deepEqual(schema.required, ["meta", "steps"]);
    assert.deepEqual(at(["properties", "meta"]).required, ["name"]);
    assert.equal(at(["properties", "steps"]).minItems, 1);
    assert.deepEqual(at([...LEAF.slice(0, -1)]).required, ["match"]);
    assert.deepEqual(at([...LEAF, "match"]).required, ["argv"]);
    assert.equal(at([...LEAF, "match", "properties", "argv"]).minItems, 1);
    assert.equal(at([...GROUP, "steps"]).minItems, 1);
  });
});

Deno.test("buildScenarioJsonSchema() accepts and rejects documents like the loader (SCN-24)", async (t) => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const leaf = (extra: Json = {}) => ({ match: { argv: ["git", "status"] }, ...extra });
  const doc = (...steps: unknown[]) => ({ meta: { name: "s" }, steps });
  const rows: { name: string; doc: unknown; valid: boolean }[] = [
    { name: "minimal", doc: doc(leaf()), valid: true },
    {
      name: "full",
      doc: {
        meta: {
          name: "deploy",
          description: "d",
          vars: { cluster: "prod" },
          security: { allowed_commands: ["git"], deny_env_vars: ["AWS_*"] },
          session: { ttl: "10m" },
        },
        steps: [
          leaf({
            respond: {
              exit: 0,
              stdout: "x",
              stderr_file: "e.txt",
              delay: "1s",
              capture: { a: "b" },
            },
            calls: { max: 5 },
            when: "x",
          }),
          { group: { mode: "unordered", name: "g", steps: [leaf({ calls: { min: 0, max: 2 } })] } },
        ],
      },
      valid: true,
    },
    { name: "unknown root key", doc: { ...doc(leaf()), extra: 1 }, valid: false },
    { name: "unknown respond key", doc: doc(leaf({ respond: { stdot: "x" } })), valid: false },
    {
      name: "unknown group key",
      doc: doc({ group: { mode: "unordered", nmae: "x", steps: [leaf()] } }),
      valid: false,
    },
    {
      name: "stdout with stdout_file",
      doc: doc(leaf({ respond: { stdout: "x", stdout_file: "f" } })),
      valid: false,
    },
    {
      name: "stderr with stderr_file",
      doc: doc(leaf({ respond: { stderr: "x", stderr_file: "f" } })),
      valid: false,
    },
    { name: "exit 256", doc: doc(leaf({ respond: { exit: 256 } })), valid: false },
    { name: "exit -1", doc: doc(leaf({ respond: { exit: -1 } })), valid: false },
    { name: "exit 1.5", doc: doc(leaf({ respond: { exit: 1.5 } })), valid: false },
    { name: "calls.min -1", doc: doc(leaf({ calls: { min: -1, max: 1 } })), valid: false },
    { name: "calls.max 0", doc: doc(leaf({ calls: { max: 0 } })), valid: false },
    {
      name: "mode ordered",
      doc: doc({ group: { mode: "ordered", steps: [leaf()] } }),
      valid: false,
    },
    {
      name: "group without steps",
      doc: doc({ group: { mode: "unordered", steps: [] } }),
      valid: false,
    },
    { name: "no steps", doc: doc(), valid: false },
    { name: "empty argv", doc: doc({ match: { argv: [] } }), valid: false },
    { name: "no meta.name", doc: { meta: {}, steps: [leaf()] }, valid: false },
    {
      name: "group with leaf keys",
      doc: doc({ group: { mode: "unordered", steps: [leaf()] }, match: { argv: ["a"] } }),
      valid: false,
    },
  ];
  for (const row of rows) {
    await t.step(`${row.name} → ${row.valid ? "valid" : "invalid"}`, () => {
      assert.equal(validate(row.doc), row.valid, JSON.stringify(validate.errors));
    });
  }
});
