// LANG-1: the unified diff of a stdin that differs, hand-written so the intercept can render it.
import assert from "node:assert/strict";
import fc from "fast-check";
import { diffLines, renderUnifiedDiff } from "../../../core/report/line_diff.ts";

/** Length of a longest common subsequence, by dynamic programming (the reference). */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j]!, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

Deno.test("renderUnifiedDiff() renders -expected +received hunks (LANG-1)", async (t) => {
  const cases: { name: string; expected: string; received: string; lines: string[] }[] = [
    {
      name: "one changed line among unchanged ones",
      expected: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web",
      received: "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: web",
      lines: [
        "@@ -1,4 +1,4 @@",
        " apiVersion: v1",
        "-kind: Pod",
        "+kind: Deployment",
        " metadata:",
        "   name: web",
      ],
    },
    {
      name: "a line added at the end",
      expected: "a\nb",
      received: "a\nb\nc",
      lines: ["@@ -1,2 +1,3 @@", " a", " b", "+c"],
    },
    {
      name: "everything removed: the empty side is ',0' after line 0 (GNU form)",
      expected: "a",
      received: "",
      lines: ["@@ -1 +0,0 @@", "-a"],
    },
    {
      name: "far-apart changes make two hunks with three lines of context each",
      expected: "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12",
      received: "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny",
      lines: [
        "@@ -1,4 +1,4 @@",
        "-1",
        "+x",
        " 2",
        " 3",
        " 4",
        "@@ -9,4 +9,4 @@",
        " 9",
        " 10",
        " 11",
        "-12",
        "+y",
      ],
    },
    {
      name: "changes closer than twice the context share one hunk",
      expected: "a\nb\nc\nd\ne\nf",
      received: "A\nb\nc\nd\ne\nF",
      lines: ["@@ -1,6 +1,6 @@", "-a", "+A", " b", " c", " d", " e", "-f", "+F"],
    },
    {
      name: "equal texts: headers only",
      expected: "same",
      received: "same",
      lines: [],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      assert.deepEqual(renderUnifiedDiff(c.expected, c.received), [
        "--- expected",
        "+++ received",
        ...c.lines,
      ]);
    });
  }
  await t.step("output past maxLines is summarised", () => {
    const expected = Array.from({ length: 50 }, (_, i) => `e${i}`).join("\n");
    const received = Array.from({ length: 50 }, (_, i) => `r${i}`).join("\n");
    const out = renderUnifiedDiff(expected, received, { maxLines: 10 });
    assert.equal(out.length, 2 + 10 + 1);
    assert.equal(out.at(-1), "... (+91 more diff lines)");
  });
});

const lines = fc.array(fc.constantFrom("a", "b", "c", "d", ""), { maxLength: 14 });

Deno.test(
  "diffLines() keeps both sides in order and is a shortest edit script (LANG-1)",
  () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = diffLines(a, b);
        assert.deepEqual(diff.filter((l) => l.kind !== "added").map((l) => l.text), a);
        assert.deepEqual(diff.filter((l) => l.kind !== "removed").map((l) => l.text), b);
        const same = diff.filter((l) => l.kind === "same").length;
        assert.equal(same, lcsLength(a, b), JSON.stringify({ a, b, diff }));
      }),
      { numRuns: 3000 },
    );
  },
);

Deno.test(
  "diffLines() past its edit budget still gives a correct, if longer, diff (LANG-1)",
  () => {
    fc.assert(
      fc.property(lines, lines, fc.integer({ min: 0, max: 3 }), (a, b, budget) => {
        const diff = diffLines(a, b, budget);
        assert.deepEqual(diff.filter((l) => l.kind !== "added").map((l) => l.text), a);
        assert.deepEqual(diff.filter((l) => l.kind !== "removed").map((l) => l.text), b);
      }),
      { numRuns: 1000 },
    );
  },
);
