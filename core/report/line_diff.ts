/**
 * A line diff and its unified rendering (`-expected +received`), for the stdin of a call that
 * differs from a step only in stdin (LANG-1).
 *
 * Hand-written rather than taken from npm (`diff`/jsdiff): it runs inside the mismatch report,
 * which the intercept renders synchronously from its one-file bundle, and the intercept path
 * may import no npm or node module (ICPT-6, tests/hot_path_test.ts). The algorithm is Myers'
 * O((N+M)·D) greedy diff, after trimming the common head and tail, with D capped so a
 * pathological input costs bounded time.
 *
 * @module
 */

/** One line of a diff. */
export interface DiffLine {
  /** `same` in both, `removed` from the first text, `added` in the second. */
  readonly kind: "same" | "removed" | "added";
  /** The line, without its newline. */
  readonly text: string;
}

/** Options of {@linkcode renderUnifiedDiff}. */
export interface UnifiedDiffOptions {
  /** Unchanged lines shown around each change. @default {3} */
  context?: number;
  /** Lines of hunks shown before the rest is summarised. @default {60} */
  maxLines?: number;
  /** Edits beyond which the middle is shown as replaced as a whole. @default {200} */
  maxEdits?: number;
}

/**
 * Diffs two lists of lines: a shortest edit script (Myers) between them, as the lines of both
 * in order. Past `maxEdits` edits the differing middle is given as all removed, then all added.
 *
 * @example Usage
 * ```ts
 * import { diffLines } from "./line_diff.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(diffLines(["a", "b"], ["a", "c"]).map((l) => l.kind), ["same", "removed", "added"]);
 * ```
 *
 * @param a The first (expected) lines.
 * @param b The second (received) lines.
 * @param maxEdits The edit budget. @default {200}
 * @returns The diff, every line of `a` and `b` once.
 */
export function diffLines(
  a: readonly string[],
  b: readonly string[],
  maxEdits = 200,
): DiffLine[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head && tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const same = (text: string): DiffLine => ({ kind: "same", text });
  const middle = _myers(midA, midB, maxEdits) ?? [
    ...midA.map((text): DiffLine => ({ kind: "removed", text })),
    ...midB.map((text): DiffLine => ({ kind: "added", text })),
  ];
  return [...a.slice(0, head).map(same), ...middle, ...a.slice(a.length - tail).map(same)];
}

/** Myers' greedy forward search with a trace for backtracking; undefined past `maxEdits`. */
function _myers(
  a: readonly string[],
  b: readonly string[],
  maxEdits: number,
): DiffLine[] | undefined {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(n + m, maxEdits); d++) {
    // v over k in [-d-1, d+1] as it was before round d.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
        ? v[offset + k + 1]!
        : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return _backtrack(a, b, trace);
    }
  }
  return undefined;
}

function _backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[]): DiffLine[] {
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const before = trace[d]!;
    const at = (k: number) => before[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ kind: "same", text: a[x - 1]! });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) out.push({ kind: "added", text: b[--y]! });
      else out.push({ kind: "removed", text: a[--x]! });
    }
  }
  return out.reverse();
}

/** `-3,2`-style range of a hunk header, in GNU diff's form. */
function _range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

/**
 * Renders the unified diff of two texts, line by line: `--- expected`, `+++ received`, then
 * hunks `@@ -a,b +c,d @@` with ` `, `-` and `+` lines and `context` unchanged lines around each
 * change. Texts are split at `\n`; an empty text has no lines. Output past `maxLines` hunk
 * lines ends with `... (+<k> more diff lines)`.
 *
 * @example Usage
 * ```ts
 * import { renderUnifiedDiff } from "./line_diff.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(renderUnifiedDiff("kind: Pod\nname: web", "kind: Deployment\nname: web"), [
 *   "--- expected",
 *   "+++ received",
 *   "@@ -1,2 +1,2 @@",
 *   "-kind: Pod",
 *   "+kind: Deployment",
 *   " name: web",
 * ]);
 * ```
 *
 * @param expected The expected text (the `-` side).
 * @param received The received text (the `+` side).
 * @param opts Context, output and edit limits.
 * @returns The lines, without newlines; only the two header lines when the texts are equal.
 */
export function renderUnifiedDiff(
  expected: string,
  received: string,
  opts: UnifiedDiffOptions = {},
): string[] {
  const context = opts.context ?? 3;
  const maxLines = opts.maxLines ?? 60;
  const split = (text: string) => text === "" ? [] : text.split("\n");
  const diff = diffLines(split(expected), split(received), opts.maxEdits);

  // Keep every changed line and the `context` lines on either side of one.
  const keep = diff.map((line) => line.kind !== "same");
  const shown = keep.slice();
  for (let i = 0; i < diff.length; i++) {
    if (!keep[i]) continue;
    for (let j = Math.max(0, i - context); j <= Math.min(diff.length - 1, i + context); j++) {
      shown[j] = true;
    }
  }

  // Hunk lines past `maxLines` are only counted.
  const out = ["--- expected", "+++ received"];
  let more = 0;
  const emit = (line: string) => {
    if (out.length - 2 < maxLines) out.push(line);
    else more++;
  };
  let lineA = 1;
  let lineB = 1;
  for (let i = 0; i < diff.length;) {
    if (!shown[i]) {
      if (diff[i]!.kind !== "added") lineA++;
      if (diff[i]!.kind !== "removed") lineB++;
      i++;
      continue;
    }
    let end = i;
    let countA = 0;
    let countB = 0;
    for (; end < diff.length && shown[end]; end++) {
      if (diff[end]!.kind !== "added") countA++;
      if (diff[end]!.kind !== "removed") countB++;
    }
    emit(`@@ -${_range(lineA, countA)} +${_range(lineB, countB)} @@`);
    for (; i < end; i++) {
      const line = diff[i]!;
      emit(`${line.kind === "same" ? " " : line.kind === "removed" ? "-" : "+"}${line.text}`);
    }
    lineA += countA;
    lineB += countB;
  }
  if (more > 0) out.push(`... (+${more} more diff lines)`);
  return out;
}
