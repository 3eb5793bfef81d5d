/**
 * Reads a TAP stream the way a CI consumer does: `tap-parser` (the parser of node-tap) in strict
 * mode, where any line that is not TAP is an error. Used by the TAP report tests, core and CLI.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Parser } from "tap-parser";

/** One test point as the consumer saw it. */
export interface TapPoint {
  /** `ok` (true) or `not ok` (false). */
  ok: boolean;
  /** The test point number. */
  id: number;
  /** The description, unescaped by the parser. */
  name: string;
  /** The SKIP reason, or false. */
  skip: string | false;
  /** The parsed YAML diagnostic block, or null. */
  diag: Record<string, unknown> | null;
}

/** What the consumer made of a whole stream. */
export interface TapReading {
  /** The consumer's verdict for the stream. */
  ok: boolean;
  /** Test points, in order. */
  points: TapPoint[];
  /** Comment lines, as the parser reports them (with `# ` and the newline). */
  comments: string[];
  /** Counts from the final result. */
  count: number;
  pass: number;
  fail: number;
  skip: number;
}

/**
 * Parses a TAP stream strictly and fails the calling test on any protocol error: a line that is
 * not TAP, a missing or wrong plan, a test point numbered out of order, a bail-out, a version
 * line other than 14.
 *
 * @param text The TAP stream.
 * @returns The consumer's reading.
 */
export function readTapStrict(text: string): TapReading {
  assert.ok(text.startsWith("TAP version 14\n"), `no TAP 14 version line:\n${text}`);
  const parser = new Parser({ strict: true });
  const points: TapPoint[] = [];
  const comments: string[] = [];
  const extra: string[] = [];
  let final: Record<string, unknown> | undefined;
  let version: unknown;
  parser.on("version", (v: unknown) => version = v);
  parser.on("assert", (p: Record<string, unknown>) => {
    points.push({
      ok: p.ok as boolean,
      id: p.id as number,
      name: p.name as string,
      skip: p.skip as string | false,
      diag: p.diag as Record<string, unknown> | null,
    });
  });
  parser.on("comment", (c: string) => comments.push(c));
  parser.on("extra", (e: string) => extra.push(e));
  parser.on("complete", (r: Record<string, unknown>) => final = r);
  parser.end(text);
  assert.ok(final !== undefined, "the parser did not complete");
  assert.equal(version, 14);
  assert.deepEqual(extra, [], "lines that are not TAP");
  const failures = final.failures as { tapError?: unknown }[];
  assert.deepEqual(
    failures.filter((f) => f.tapError !== null && f.tapError !== undefined),
    [],
    "TAP protocol errors",
  );
  assert.equal(final.bailout, false);
  const plan = final.plan as { start: number; end: number };
  assert.deepEqual([plan.start, plan.end], [1, points.length], "plan");
  assert.deepEqual(points.map((p) => p.id), points.map((_, i) => i + 1), "numbering");
  return {
    ok: final.ok as boolean,
    points,
    comments,
    count: final.count as number,
    pass: final.pass as number,
    fail: final.fail as number,
    skip: final.skip as number,
  };
}
