import assert from "node:assert/strict";
import { errors, leaf, load, ONE_STEP, step, withSteps } from "./_helpers.ts";

Deno.test("parseScenario() tells leaf steps from groups (SCN-11, SCN-12)", async (t) => {
  await t.step("group and leaf keys mixed", () => {
    assert.deepEqual(
      errors(withSteps(
        "  - group: {mode: unordered, steps: [{match: {argv: [a]}}]}",
        "    match: {argv: [b]}",
      )),
      ['s.yaml:4:5: steps[0]: a group element must have only the key "group", found also "match"'],
    );
  });
  await t.step("neither group nor match", () => {
    assert.deepEqual(errors(withSteps("  - respond: {exit: 1}")), [
      's.yaml:4:5: steps[0]: missing required key "match"',
    ]);
  });
  await t.step("an empty mapping", () => {
    assert.deepEqual(errors(withSteps("  - {}")), [
      's.yaml:4:5: steps[0]: missing required key "match"',
    ]);
  });
  await t.step("respond omitted: exit 0, no output (SCN-12)", () => {
    const r = step(load(withSteps(...ONE_STEP)), 0).respond;
    assert.deepEqual(r, {
      exit: 0,
      stdout: { kind: "text", template: "" },
      stderr: { kind: "text", template: "" },
      delayMs: 0,
      capture: {},
    });
  });
});

Deno.test("parseScenario() checks groups (SCN-18)", async (t) => {
  const group = (...body: string[]) => ["  - group:", ...body.map((l) => `      ${l}`)];
  const cases = [
    {
      name: "mode ordered",
      lines: group("mode: ordered", "steps: [{match: {argv: [a]}}]"),
      expected: ['s.yaml:5:13: steps[0].group.mode: group.mode must be "unordered", got "ordered"'],
    },
    {
      name: "mode missing",
      lines: group("name: g", "steps: [{match: {argv: [a]}}]"),
      expected: ['s.yaml:5:7: steps[0].group: missing required key "mode"'],
    },
    {
      name: "steps missing",
      lines: group("mode: unordered"),
      expected: ['s.yaml:5:7: steps[0].group: missing required key "steps"'],
    },
    {
      name: "steps empty",
      lines: group("mode: unordered", "steps: []"),
      expected: ["s.yaml:6:14: steps[0].group.steps: must have at least one step"],
    },
    {
      name: "nested group",
      lines: group(
        "mode: unordered",
        "steps:",
        "  - match: {argv: [a]}",
        "  - group: {mode: unordered, steps: [{match: {argv: [b]}}]}",
      ),
      expected: ["s.yaml:8:11: steps[0].group.steps[1]: nested groups are not allowed"],
    },
    {
      name: "group is a scalar",
      lines: ["  - group: unordered"],
      expected: ["s.yaml:4:12: steps[0].group: must be a mapping"],
    },
    {
      name: "blank name",
      lines: group("mode: unordered", "name: ' '", "steps: [{match: {argv: [a]}}]"),
      expected: ["s.yaml:6:13: steps[0].group.name: group.name must not be empty"],
    },
    {
      name: "a bad member does not hide a bad sibling",
      lines: group(
        "mode: unordered",
        "steps:",
        "  - match: {argv: [a]}",
        "    respond: {exit: x}",
        "  - match: {argv: [b]}",
        "    calls: {min: 3, max: 1}",
      ),
      expected: [
        "s.yaml:8:27: steps[0].group.steps[0].respond.exit: must be an integer",
        "s.yaml:10:18: steps[0].group.steps[1].calls: calls.min (3) must be <= calls.max (1)",
      ],
    },
  ];
  for (const { name, lines, expected } of cases) {
    await t.step(name, () => assert.deepEqual(errors(withSteps(...lines)), expected));
  }
  const g = (name?: string) =>
    `  - group: {mode: unordered, ${
      name === undefined ? "" : `name: ${name}, `
    }steps: [{match: {argv: [x]}}]}`;
  await t.step("unnamed groups are group-N by ordinal among all groups", () => {
    const s = load(withSteps(g("a"), g(), ...leaf("[y]"), g(), g("b")));
    assert.deepEqual(s.groups.map((x) => x.name), ["a", "group-2", "group-3", "b"]);
    assert.deepEqual(s.steps.map((x) => x.group), ["a", "group-2", undefined, "group-3", "b"]);
  });
  await t.step("duplicate written names", () => {
    assert.deepEqual(errors(withSteps(g("a"), g("a"))), [
      's.yaml:5:36: steps[1].group: duplicate group name "a" (also used by steps[0])',
    ]);
  });
  await t.step("a written name equal to a generated one", () => {
    assert.deepEqual(errors(withSteps(g("group-2"), g())), [
      's.yaml:5:5: steps[1].group: duplicate group name "group-2" (also used by steps[0])',
    ]);
  });
});

Deno.test("parseScenario() flattens steps and groups in file order (SCN-19)", () => {
  const s = load(withSteps(
    ...leaf("[a]"),
    "  - group:",
    "      mode: unordered",
    "      name: g1",
    "      steps:",
    "        - match: {argv: [b]}",
    "        - match: {argv: [c]}",
    "  - group: {mode: unordered, steps: [{match: {argv: [d]}}]}",
    ...leaf("[e]"),
    ...leaf("[b, again]"),
  ));
  assert.deepEqual(
    s.steps.map((x) => [x.index, x.yamlPath, x.argv.join(" "), x.group]),
    [
      [0, "steps[0]", "a", undefined],
      [1, "steps[1].group.steps[0]", "b", "g1"],
      [2, "steps[1].group.steps[1]", "c", "g1"],
      [3, "steps[2].group.steps[0]", "d", "group-2"],
      [4, "steps[3]", "e", undefined],
      [5, "steps[4]", "b again", undefined],
    ],
  );
  assert.deepEqual(s.groups, [
    { name: "g1", start: 1, end: 3 },
    { name: "group-2", start: 3, end: 4 },
  ]);
  assert.deepEqual(s.blocks, [
    { start: 0, end: 1 },
    { start: 1, end: 3, group: 0 },
    { start: 3, end: 4, group: 1 },
    { start: 4, end: 5 },
    { start: 5, end: 6 },
  ]);
  assert.deepEqual(s.elements, [
    { kind: "step", step: 0 },
    { kind: "group", group: 0 },
    { kind: "group", group: 1 },
    { kind: "step", step: 4 },
    { kind: "step", step: 5 },
  ]);
  assert.deepEqual(s.commands, ["a", "b", "c", "d", "e"]);
});
