// Tests of core/record/flags.ts: the default name (REC-7), -c names (REC-1), record modes (RECM-1).
import assert from "node:assert/strict";
import {
  decideRecordPlan,
  defaultRecordingName,
  parseRecordCommands,
  parseRecordMode,
  type RecordMode,
} from "../../../core/record/flags.ts";

Deno.test("defaultRecordingName() formats the UTC start time (REC-7)", () => {
  assert.equal(
    defaultRecordingName(new Date("2026-12-31T23:59:58.900Z")),
    "recorded-session-20261231-235958",
  );
});

Deno.test("parseRecordCommands() splits, trims, dedupes and checks names (REC-1)", async (t) => {
  const good: [string[], string[]][] = [
    [["kubectl"], ["kubectl"]],
    [["kubectl,helm", "git"], ["kubectl", "helm", "git"]],
    [[" a , b ,,", "a", "b,c"], ["a", "b", "c"]],
    [[], []],
  ];
  for (const [values, names] of good) {
    await t.step(`accepts ${JSON.stringify(values)}`, () => {
      assert.deepEqual(parseRecordCommands(values), { ok: true, names });
    });
  }
  const bad: [string[], RegExp][] = [
    [["../bin/x"], /invalid --command "\.\.\/bin\/x": must be a plain command name/],
    [["{{ .x }}"], /no template/],
    [[".."], /must not be "\." or "\.\."/],
    [["a\u0001b"], /plain command name/],
    [["x".repeat(256)], /at most 255 bytes/],
    [["Git", "git"], /"git": differs from "Git" only in letter case/],
  ];
  for (const [values, message] of bad) {
    await t.step(`rejects ${JSON.stringify(values).slice(0, 40)}`, () => {
      const result = parseRecordCommands(values);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.message : "", message);
    });
  }
});

Deno.test("parseRecordMode() and decideRecordPlan() read --record and choose what exec does (RECM-1)", async (t) => {
  assert.deepEqual(["none", "once", "missing", "all", "ONCE", ""].map(parseRecordMode), [
    "none",
    "once",
    "missing",
    "all",
    undefined,
    undefined,
  ]);
  const cases: [RecordMode, boolean, string][] = [
    ["none", true, "replay"],
    ["none", false, "replay"],
    ["once", true, "replay"],
    ["once", false, "fresh"],
    ["missing", true, "missing"],
    ["missing", false, "fresh"],
    ["all", true, "fresh"],
    ["all", false, "fresh"],
  ];
  for (const [mode, exists, plan] of cases) {
    await t.step(`${mode}, file ${exists ? "exists" : "missing"} → ${plan}`, () => {
      assert.equal(decideRecordPlan(mode, exists), plan);
    });
  }
});
