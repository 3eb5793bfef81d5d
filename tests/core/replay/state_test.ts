import assert from "node:assert/strict";
import { parseState, serializeState } from "../../../core/replay/state.ts";
import {
  COMPILED_FORMAT,
  type CompiledScenario,
  decodeCompiled,
  encodeCompiled,
} from "../../../core/scenario/compiled.ts";
import { ReplayError } from "../../../core/errors.ts";
import type { State } from "../../../core/types.ts";
import { deployApp, makeScenario } from "../_fixtures.ts";

/** The STATE-5 example, as the contract prints it. */
const EXAMPLE = {
  scenario_path: "/home/dev/proj/tests/deploy.yaml",
  scenario_hash: "6d79339bbe745e8c1a9935ab9514a143e6793af8a728d7074cd2d7601d1a6bdf",
  current_step: 1,
  total_steps: 4,
  step_counts: [1, 1, 0, 0],
  active_group: 0,
  intercept_dir: "/home/dev/proj/tests/.cli-replay/intercept-3f9a0c1d2e4b5a67",
  last_updated: "2026-02-07T10:30:00.123Z",
  captures: { sub: "my-sub" },
  unexpected_calls: [
    {
      argv: ["kubectl", "get", "nodes"],
      reason: "mismatch",
      step_index: 1,
      at: "2026-02-07T10:29:59.870Z",
    },
  ],
  unexpected_count: 1,
};

/** The same state in camelCase. */
const EXAMPLE_STATE: State = {
  scenarioPath: "/home/dev/proj/tests/deploy.yaml",
  scenarioHash: "6d79339bbe745e8c1a9935ab9514a143e6793af8a728d7074cd2d7601d1a6bdf",
  currentStep: 1,
  totalSteps: 4,
  stepCounts: [1, 1, 0, 0],
  activeGroup: 0,
  interceptDir: "/home/dev/proj/tests/.cli-replay/intercept-3f9a0c1d2e4b5a67",
  lastUpdated: "2026-02-07T10:30:00.123Z",
  captures: { sub: "my-sub" },
  unexpectedCalls: [
    {
      argv: ["kubectl", "get", "nodes"],
      reason: "mismatch",
      stepIndex: 1,
      at: "2026-02-07T10:29:59.870Z",
    },
  ],
  unexpectedCount: 1,
};

const MINIMAL = {
  scenario_path: "/s.yaml",
  scenario_hash: "h",
  current_step: 0,
  total_steps: 2,
  step_counts: [0, 0],
  last_updated: "2026-02-07T10:30:00.123Z",
};

function json(fields: Record<string, unknown>, drop: string[] = []): string {
  const o: Record<string, unknown> = { ...MINIMAL, ...fields };
  for (const k of drop) delete o[k];
  return JSON.stringify(o);
}

Deno.test("serializeState() writes the STATE-5 shape (STATE-5)", async (t) => {
  await t.step("the contract's example, exactly", () => {
    const text = serializeState(EXAMPLE_STATE);
    assert.equal(text, JSON.stringify(EXAMPLE, null, 2) + "\n");
    assert.deepEqual(Object.keys(JSON.parse(text)), Object.keys(EXAMPLE));
  });
  await t.step("optional fields are omitted when empty", () => {
    const state: State = {
      ...EXAMPLE_STATE,
      captures: {},
      unexpectedCalls: [],
      unexpectedCount: 0,
    };
    const { activeGroup: _a, interceptDir: _i, ...rest } = state;
    assert.deepEqual(JSON.parse(serializeState(rest)), {
      scenario_path: EXAMPLE.scenario_path,
      scenario_hash: EXAMPLE.scenario_hash,
      current_step: 1,
      total_steps: 4,
      step_counts: [1, 1, 0, 0],
      last_updated: EXAMPLE.last_updated,
    });
  });
  await t.step("a complete call is written with a null step_index", () => {
    const state: State = {
      ...EXAMPLE_STATE,
      unexpectedCalls: [{ argv: ["git"], reason: "complete", stepIndex: null, at: "t" }],
      unexpectedCount: 3,
    };
    const o = JSON.parse(serializeState(state));
    assert.deepEqual(o.unexpected_calls, [{
      argv: ["git"],
      reason: "complete",
      step_index: null,
      at: "t",
    }]);
    assert.equal(o.unexpected_count, 3);
  });
});

Deno.test("parseState() reads states and round-trips (STATE-5, STATE-6)", async (t) => {
  await t.step("the contract's example", () => {
    assert.deepEqual(parseState(JSON.stringify(EXAMPLE)), EXAMPLE_STATE);
  });
  await t.step("serialize → parse → serialize is stable", () => {
    const text = serializeState(EXAMPLE_STATE);
    assert.deepEqual(parseState(text), EXAMPLE_STATE);
    assert.equal(serializeState(parseState(text)), text);
  });
  await t.step("a minimal state gets empty defaults", () => {
    assert.deepEqual(parseState(json({})), {
      scenarioPath: "/s.yaml",
      scenarioHash: "h",
      currentStep: 0,
      totalSteps: 2,
      stepCounts: [0, 0],
      lastUpdated: "2026-02-07T10:30:00.123Z",
      captures: {},
      unexpectedCalls: [],
      unexpectedCount: 0,
    });
  });
  await t.step("unknown fields are ignored on read and dropped on write", () => {
    const state = parseState(json({ future_field: { a: 1 }, consumed_steps: [true, true] }));
    assert.deepEqual(state.stepCounts, [0, 0]);
    assert.equal(serializeState(state).includes("future_field"), false);
    assert.equal(serializeState(state).includes("consumed_steps"), false);
  });
  await t.step("whitespace and key order do not matter", () => {
    const text =
      `{"step_counts":[ 1 ,0],\n"total_steps":2,"current_step":1,\t"scenario_hash":"h",` +
      `"last_updated":"2026-02-07T10:30:00Z","scenario_path":"/s.yaml"}`;
    assert.deepEqual(parseState(text).stepCounts, [1, 0]);
  });
  await t.step("unexpected_count is at least the number of kept calls", () => {
    const u = { argv: ["x"], reason: "mismatch", step_index: 0, at: "2026-02-07T10:30:00Z" };
    assert.equal(parseState(json({ unexpected_calls: [u, u] })).unexpectedCount, 2);
    assert.equal(
      parseState(json({ unexpected_calls: [u], unexpected_count: 0 })).unexpectedCount,
      1,
    );
    assert.equal(
      parseState(json({ unexpected_calls: [u], unexpected_count: 42 })).unexpectedCount,
      42,
    );
  });
});

Deno.test("parseState() migrates consumed_steps (STATE-6)", async (t) => {
  const rows = [
    { consumed: [true, false, true], expected: [1, 0, 1] },
    { consumed: [false, false], expected: [0, 0] },
    { consumed: [], expected: [] },
  ];
  for (const { consumed, expected } of rows) {
    await t.step(JSON.stringify(consumed), () => {
      const state = parseState(
        json({ consumed_steps: consumed, total_steps: consumed.length }, ["step_counts"]),
      );
      assert.deepEqual(state.stepCounts, expected);
      assert.equal(JSON.parse(serializeState(state)).step_counts.length, consumed.length);
    });
  }
  await t.step("step_counts wins when both are present", () => {
    assert.deepEqual(
      parseState(json({ step_counts: [2, 0], consumed_steps: [false, true] })).stepCounts,
      [2, 0],
    );
  });
});

Deno.test("parseState() rejects corrupt states with a ReplayError of kind state (STATE-6)", async (t) => {
  const rows: { name: string; text: string; message: RegExp }[] = [
    { name: "not JSON", text: '{\n  "a": 1,\n}', message: /^invalid JSON at line 3$/ },
    {
      name: "truncated JSON",
      text: '{\n"scenario_path": "/s.yaml",\n"total',
      message: /^invalid JSON at line 3/,
    },
    { name: "empty file", text: "", message: /^invalid JSON at line 1/ },
    { name: "an array", text: "[]", message: /^state must be a JSON object$/ },
    { name: "null", text: "null", message: /^state must be a JSON object$/ },
    {
      name: "missing scenario_path",
      text: json({}, ["scenario_path"]),
      message: /^field "scenario_path" must be a string$/,
    },
    {
      name: "mistyped scenario_hash",
      text: json({ scenario_hash: 5 }),
      message: /^field "scenario_hash" must be a string$/,
    },
    {
      name: "missing current_step",
      text: json({}, ["current_step"]),
      message: /^field "current_step" must be a non-negative integer$/,
    },
    {
      name: "fractional current_step",
      text: json({ current_step: 0.5 }),
      message: /^field "current_step" must be a non-negative integer$/,
    },
    {
      name: "negative total_steps",
      text: json({ total_steps: -1 }),
      message: /^field "total_steps" must be a non-negative integer$/,
    },
    {
      name: "missing step_counts",
      text: json({}, ["step_counts"]),
      message: /^field "step_counts" must be an array of non-negative integers$/,
    },
    {
      name: "step_counts with a string",
      text: json({ step_counts: [0, "1"] }),
      message: /^field "step_counts" must be an array of non-negative integers$/,
    },
    {
      name: "consumed_steps with a number",
      text: json({ consumed_steps: [true, 1] }, ["step_counts"]),
      message: /^field "consumed_steps" must be an array of booleans$/,
    },
    {
      name: "step_counts length differs from total_steps",
      text: json({ step_counts: [0] }),
      message: /^step_counts has 1 entries but total_steps is 2$/,
    },
    {
      name: "current_step past the end",
      text: json({ current_step: 3 }),
      message: /^field "current_step" must be at most total_steps$/,
    },
    {
      name: "missing last_updated",
      text: json({}, ["last_updated"]),
      message: /^field "last_updated" must be an RFC 3339 timestamp$/,
    },
    {
      name: "last_updated not RFC 3339",
      text: json({ last_updated: "Feb 7 2026" }),
      message: /^field "last_updated" must be an RFC 3339 timestamp$/,
    },
    {
      name: "last_updated without a zone",
      text: json({ last_updated: "2026-02-07T10:30:00" }),
      message: /^field "last_updated" must be an RFC 3339 timestamp$/,
    },
    {
      name: "captures with a number",
      text: json({ captures: { a: 1 } }),
      message: /^field "captures" must be an object of strings$/,
    },
    {
      name: "captures as an array",
      text: json({ captures: ["a"] }),
      message: /^field "captures" must be an object of strings$/,
    },
    {
      name: "unexpected_calls not an array",
      text: json({ unexpected_calls: {} }),
      message: /^field "unexpected_calls" must be an array$/,
    },
    {
      name: "unexpected call with a bad reason",
      text: json({ unexpected_calls: [{ argv: [], reason: "oops", step_index: 0, at: "" }] }),
      message: /^field "unexpected_calls" must be an array of \{argv, reason, step_index, at\}$/,
    },
    {
      name: "unexpected call with a string step_index",
      text: json({ unexpected_calls: [{ argv: [], reason: "stdin", step_index: "1", at: "" }] }),
      message: /^field "unexpected_calls" must be an array of \{argv, reason, step_index, at\}$/,
    },
    {
      name: "negative unexpected_count",
      text: json({ unexpected_count: -2 }),
      message: /^field "unexpected_count" must be a non-negative integer$/,
    },
  ];
  for (const { name, text, message } of rows) {
    await t.step(name, () => {
      assert.throws(
        () => parseState(text, "/p/.cli-replay/cli-replay-0123456789abcdef.state"),
        (e) => {
          assert.ok(e instanceof ReplayError);
          assert.equal(e.kind, "state");
          assert.match(e.message, message);
          assert.equal(e.path, "/p/.cli-replay/cli-replay-0123456789abcdef.state");
          return true;
        },
      );
    });
  }
});

Deno.test("parseState() accepts any RFC 3339 last_updated (STATE-6)", async (t) => {
  const rows = [
    "2026-02-07T10:30:00Z",
    "2026-02-07T10:30:00.123Z",
    "2026-02-07T10:30:00.123456789Z",
    "2026-02-07T12:30:00.5+02:00",
    "2026-02-07T05:30:00-05:00",
    "2026-02-07t10:30:00z",
  ];
  for (const ts of rows) {
    await t.step(ts, () => {
      assert.equal(parseState(json({ last_updated: ts })).lastUpdated, ts);
    });
  }
});

Deno.test("encodeCompiled()/decodeCompiled() round-trip the compiled scenario (STATE-11)", async (t) => {
  const binaryScenario = makeScenario({
    name: "bin",
    vars: { ns: "prod" },
    steps: [
      {
        argv: ["kubectl", "apply", "-f", "-"],
        stdin: { kind: "binary", bytes: new Uint8Array([0, 1, 2, 253, 254, 255]) },
        stdout: { kind: "binary", bytes: new Uint8Array(70_000).map((_, i) => i % 256) },
        stderr: { kind: "file", path: "err.txt" },
        calls: { min: 0, max: 3 },
      },
      { group: "g", steps: [{ argv: ["a"], stdout: { kind: "binary", bytes: new Uint8Array() } }] },
    ],
  });
  const compiled = (scenario = deployApp()): CompiledScenario => ({
    format: COMPILED_FORMAT,
    programVersion: "1.2.3",
    scenarioHash: "abc",
    size: 1234,
    mtimeMs: 1_770_460_200_123.5,
    scenario,
  });
  await t.step("the deploy-app scenario", () => {
    const c = compiled();
    assert.deepEqual(decodeCompiled(encodeCompiled(c), "1.2.3"), c);
  });
  await t.step("binary contents, including empty and large ones", () => {
    const c = compiled(binaryScenario);
    const back = decodeCompiled(encodeCompiled(c), "1.2.3");
    assert.deepEqual(back, c);
    const stdin = back?.scenario.steps[0]?.stdin;
    assert.ok(stdin?.kind === "binary" && stdin.bytes instanceof Uint8Array);
  });
  await t.step("a text that looks like a byte marker stays text", () => {
    const sc = makeScenario({ name: "t", steps: [{ argv: ["a"], stdout: '{"$b64": "AAA="}' }] });
    const back = decodeCompiled(encodeCompiled(compiled(sc)), "1.2.3");
    assert.deepEqual(back?.scenario.steps[0]?.respond.stdout, {
      kind: "text",
      template: '{"$b64": "AAA="}',
    });
  });
  const rejected = [
    { name: "another program version", text: encodeCompiled(compiled()), version: "1.2.4" },
    {
      name: "another format",
      text: encodeCompiled({ ...compiled(), format: COMPILED_FORMAT + 1 }),
      version: "1.2.3",
    },
    { name: "no format", text: '{"programVersion":"1.2.3"}', version: "1.2.3" },
    { name: "not JSON", text: "{", version: "1.2.3" },
    { name: "JSON null", text: "null", version: "1.2.3" },
    { name: "empty", text: "", version: "1.2.3" },
  ];
  for (const { name, text, version } of rejected) {
    await t.step(`${name} → undefined`, () => {
      assert.equal(decodeCompiled(text, version), undefined);
    });
  }
});
