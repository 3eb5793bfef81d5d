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
/** `respond` as one answer, and as a list of answers (LANG-2), under a leaf step. */
const ONE_ANSWER = ["respond", "anyOf", "0"];
const ANSWER_LIST = ["respond", "anyOf", "1", "items"];

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
        // The only free-form objects are the maps meta.vars, match.env, respond.capture and
        // the objects of a JSON value (match.stdin.json).
        maps.push(path.replace(/.*\/(properties|definitions)\//, ""));
      }
    });
    assert.deepEqual([...new Set(maps)].sort(), [
      "capture",
      "env",
      "json_value/anyOf/5",
      "vars",
    ]);
    assert.deepEqual(at(["properties", "meta", "properties", "vars"]).additionalProperties, {
      type: "string",
    });
    assert.deepEqual(at([...LEAF, "match", "properties", "env"]).additionalProperties, {
      type: ["string", "null"],
    });
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
  await t.step("stdout/stdout_file, stderr/stderr_file and signal/exit exclusions", () => {
    for (const base of [LEAF, [...GROUP, "steps", "items", "properties"]]) {
      for (const respond of [ONE_ANSWER, ANSWER_LIST]) {
        assert.deepEqual(at([...base, ...respond]).allOf, [
          { not: { required: ["stdout", "stdout_file"] } },
          { not: { required: ["stderr", "stderr_file"] } },
          { not: { required: ["signal", "exit"] } },
        ]);
      }
    }
  });
  await t.step("respond is one answer or a non-empty list of answers (LANG-2)", () => {
    assert.deepEqual(at([...LEAF, ...ONE_ANSWER]), at([...LEAF, ...ANSWER_LIST]));
    assert.equal(at([...LEAF, "respond", "anyOf", "1"]).minItems, 1);
  });
  await t.step("signal is the enum of LANG-6", () => {
    assert.deepEqual(at([...LEAF, ...ONE_ANSWER, "properties", "signal"]).enum, [
      "TERM",
      "INT",
      "KILL",
      "HUP",
      "QUIT",
      "USR1",
      "USR2",
      "PIPE",
      "ALRM",
    ]);
  });
  await t.step("a stdin rule has exactly one of regex, contains, json (LANG-4)", () => {
    const rule = at([...LEAF, "match", "properties", "stdin", "anyOf", "1"]);
    assert.deepEqual(rule.oneOf, [
      { required: ["regex"] },
      { required: ["contains"] },
      { required: ["json"] },
    ]);
  });
  await t.step("forbid entries need argv, at least one item (LANG-5)", () => {
    const entry = at(["properties", "forbid", "items"]);
    assert.deepEqual(entry.required, ["argv"]);
    assert.equal(at(["properties", "forbid", "items", "properties", "argv"]).minItems, 1);
  });
  await t.step("exit is an integer 0-255 defaulting to 0", () => {
    const exit = at([...LEAF, ...ONE_ANSWER, "properties", "exit"]);
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
    {
      name: "every LANG key",
      doc: {
        meta: { name: "lang" },
        forbid: [{ argv: ["terraform", "destroy"], message: "never" }, { argv: ["rm"] }],
        steps: [
          leaf({
            match: {
              argv: ["kubectl", "logs", "{{ .capture.app }}"],
              env: { KUBECONFIG: "/k", DRY_RUN: null },
              stdin: { json: { kind: "Pod", spec: { replicas: 3, tags: ["a", true, null] } } },
            },
            respond: [
              { stdout: "pending\n", capture: { app: { from: "argv[2]", regex: "^(\\w+)" } } },
              { stdout: "ready\n", signal: "TERM" },
            ],
          }),
          leaf({ match: { argv: ["a"], stdin: { regex: "^x" } } }),
          leaf({ match: { argv: ["b"], stdin: { contains: "x" } } }),
        ],
      },
      valid: true,
    },
    {
      name: "signal with exit",
      doc: doc(leaf({ respond: { signal: "TERM", exit: 1 } })),
      valid: false,
    },
    { name: "unknown signal", doc: doc(leaf({ respond: { signal: "SEGV" } })), valid: false },
    { name: "empty answer list", doc: doc(leaf({ respond: [] })), valid: false },
    {
      name: "stdin rule with two keys",
      doc: doc(leaf({ match: { argv: ["a"], stdin: { regex: "x", contains: "y" } } })),
      valid: false,
    },
    {
      name: "capture source without from",
      doc: doc(leaf({ respond: { capture: { a: { regex: "x" } } } })),
      valid: false,
    },
    {
      name: "forbid without argv",
      doc: { ...doc(leaf()), forbid: [{ message: "x" }] },
      valid: false,
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
