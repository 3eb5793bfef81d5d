import assert from "node:assert/strict";
import { argvDisplaySpan, formatArgv } from "../../../core/report/argv_display.ts";

Deno.test("formatArgv() renders a JSON-style array (ICPT-16)", async (t) => {
  const letters = "abcdefghijklmnop".split("");
  const cases: { name: string; argv: string[]; expected: string }[] = [
    {
      name: "plain words",
      argv: ["kubectl", "get", "pods"],
      expected: '["kubectl", "get", "pods"]',
    },
    { name: "a single element", argv: ["git"], expected: '["git"]' },
    { name: "an empty argument", argv: ["az", ""], expected: '["az", ""]' },
    {
      name: "spaces stay inside one element",
      argv: ["echo", "a b"],
      expected: '["echo", "a b"]',
    },
    {
      name: "quotes, backslashes and control characters are JSON-escaped",
      argv: ["x", 'say "hi"', "a\\b", "l1\nl2\t\u0001"],
      expected: '["x", "say \\"hi\\"", "a\\\\b", "l1\\nl2\\t\\u0001"]',
    },
    { name: "no HTML escaping", argv: ["x", "<a&b>"], expected: '["x", "<a&b>"]' },
    {
      name: "exactly 12 elements are all shown",
      argv: letters.slice(0, 12),
      expected: `[${letters.slice(0, 12).map((l) => `"${l}"`).join(", ")}]`,
    },
    {
      name: "13 elements: the first 12 then ...+1 more",
      argv: letters.slice(0, 13),
      expected: `[${letters.slice(0, 12).map((l) => `"${l}"`).join(", ")}]  ...+1 more`,
    },
    {
      name: "16 elements: ...+4 more",
      argv: letters,
      expected: `[${letters.slice(0, 12).map((l) => `"${l}"`).join(", ")}]  ...+4 more`,
    },
    { name: "the empty argv", argv: [], expected: "[]" },
  ];
  for (const { name, argv, expected } of cases) {
    await t.step(name, () => assert.equal(formatArgv(argv), expected));
  }
});

Deno.test("argvDisplaySpan() locates an element in the display (ICPT-10 caret)", async (t) => {
  const argv = ["kubectl", "get", "pods", "-n", "staging-app"];
  const cases = [
    { position: 0, expected: { column: 1, width: 9 } },
    { position: 1, expected: { column: 12, width: 5 } },
    { position: 4, expected: { column: 33, width: 13 } },
    { position: 5, expected: undefined },
    { position: -1, expected: undefined },
  ];
  for (const { position, expected } of cases) {
    await t.step(`position ${position}`, () => {
      const span = argvDisplaySpan(argv, position);
      assert.deepEqual(span, expected);
      if (span !== undefined) {
        const shown = Array.from(formatArgv(argv)).slice(span.column, span.column + span.width);
        assert.equal(shown.join(""), JSON.stringify(argv[position]));
      }
    });
  }
  await t.step("elements beyond the first 12 are not shown", () => {
    assert.equal(argvDisplaySpan(Array(14).fill("x"), 12), undefined);
    assert.deepEqual(argvDisplaySpan(Array(14).fill("x"), 11), { column: 56, width: 3 });
  });
  await t.step("columns count code points", () => {
    assert.deepEqual(argvDisplaySpan(["é😀", "x"], 1), { column: 7, width: 3 });
  });
});
