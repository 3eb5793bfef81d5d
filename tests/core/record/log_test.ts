// Tests of core/record/log.ts: the recording log (REC-6) and its call order (REC-7).
import assert from "node:assert/strict";
import {
  encodeRecordingLine,
  parseRecordingLog,
  type RecordedCall,
  sortRecordedCalls,
} from "../../../core/record/log.ts";
import { ReplayError } from "../../../core/errors.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { ignoreBOM: true });
const NONE = new Uint8Array();

function call(partial: Partial<RecordedCall> & { argv: string[] }): RecordedCall {
  return {
    timestamp: "2026-02-07T10:00:00.000Z",
    exit: 0,
    stdout: NONE,
    stderr: NONE,
    ...partial,
  };
}

Deno.test("encodeRecordingLine() writes one JSON object per call (REC-6)", async (t) => {
  await t.step("text fields, key order, newline at the end", () => {
    const line = encodeRecordingLine(call({
      argv: ["kubectl", "apply", "-f", "-"],
      stdout: enc.encode("created\n"),
      stderr: enc.encode("tab\there"),
      stdin: enc.encode("kind: Deployment\n"),
    }));
    assert.equal(
      line,
      '{"timestamp":"2026-02-07T10:00:00.000Z","argv":["kubectl","apply","-f","-"],"exit":0,' +
        '"stdout":"created\\n","stderr":"tab\\there","stdin":"kind: Deployment\\n"}\n',
    );
  });
  await t.step("any non-UTF-8 byte string makes all of them base64", () => {
    const line = encodeRecordingLine(call({
      argv: ["img"],
      stdout: new Uint8Array([0xff, 0x00]),
      stderr: enc.encode("ok"),
      stdin: enc.encode("in"),
    }));
    assert.deepEqual(JSON.parse(line), {
      timestamp: "2026-02-07T10:00:00.000Z",
      argv: ["img"],
      exit: 0,
      stdout: "/wA=",
      stderr: "b2s=",
      stdin: "aW4=",
      encoding: "base64",
    });
  });
  await t.step("stdin_truncated is written only when set", () => {
    const line = encodeRecordingLine(call({ argv: ["x"], stdinTruncated: true }));
    assert.equal(JSON.parse(line).stdin_truncated, true);
    assert.equal(
      "stdin_truncated" in JSON.parse(encodeRecordingLine(call({ argv: ["x"] }))),
      false,
    );
  });
});

Deno.test("parseRecordingLog() reads every line back (REC-6)", async (t) => {
  await t.step("round trip through encodeRecordingLine, text and binary", () => {
    const calls = [
      call({
        argv: ["a", "x  y"],
        exit: 3,
        stdout: enc.encode("é\t\r\n"),
        stderr: enc.encode("e"),
      }),
      call({ argv: ["b"], stdout: new Uint8Array([0x80, 0x81]), stdin: new Uint8Array([1, 2]) }),
      call({ argv: ["c"], stdinTruncated: true }),
    ];
    assert.deepEqual(parseRecordingLog(calls.map(encodeRecordingLine).join("")), calls);
  });
  await t.step("accepts the original's second-precision lines and skips blank lines", () => {
    const text =
      '\n{"timestamp":"2026-02-07T10:00:00Z","argv":["git","status"],"exit":0,"stdout":"ok\\n","stderr":""}\n\n';
    const [first, ...rest] = parseRecordingLog(text);
    assert.equal(rest.length, 0);
    assert.equal(first?.timestamp, "2026-02-07T10:00:00Z");
    assert.equal(dec.decode(first?.stdout), "ok\n");
    assert.equal(first?.stdin, undefined);
  });
  await t.step("an empty log has no calls", () => {
    assert.deepEqual(parseRecordingLog(""), []);
  });
  const bad: [string, RegExp][] = [
    ["{not json", /not valid JSON/],
    ["[1]", /expected a JSON object/],
    ['{"timestamp":"yesterday","argv":["a"],"exit":0}', /"timestamp" must be an RFC 3339 time/],
    ['{"timestamp":"2026-02-07T10:00:00Z","argv":[],"exit":0}', /"argv" must be a non-empty/],
    ['{"timestamp":"2026-02-07T10:00:00Z","argv":["a"],"exit":1.5}', /"exit" must be an integer/],
    [
      '{"timestamp":"2026-02-07T10:00:00Z","argv":["a"],"exit":0,"encoding":"hex"}',
      /unsupported "encoding"/,
    ],
    [
      '{"timestamp":"2026-02-07T10:00:00Z","argv":["a"],"exit":0,"stdout":"%%","encoding":"base64"}',
      /"stdout" is not valid base64/,
    ],
  ];
  for (const [line, message] of bad) {
    await t.step(`rejects ${line}`, () => {
      const good = encodeRecordingLine(call({ argv: ["ok"] }));
      assert.throws(() => parseRecordingLog(good + line), (error: unknown) => {
        assert.ok(error instanceof ReplayError, String(error));
        assert.equal(error.kind, "record");
        assert.equal(error.exitCode, 3);
        assert.match(error.message, /^cannot read the recording: line 2 of its log: /);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

Deno.test("sortRecordedCalls() orders by timestamp and keeps log order on ties (REC-7)", () => {
  const calls = [
    call({ argv: ["c"], timestamp: "2026-02-07T10:00:01Z" }),
    call({ argv: ["a"], timestamp: "2026-02-07T10:00:00.999Z" }),
    call({ argv: ["b1"], timestamp: "2026-02-07T10:00:01.000Z" }),
    call({ argv: ["b2"], timestamp: "2026-02-07T11:00:00.5+01:00" }),
    call({ argv: ["d"], timestamp: "2026-02-07T10:00:00.999000001Z" }),
  ];
  assert.deepEqual(sortRecordedCalls(calls).map((c) => c.argv[0]), ["b2", "a", "d", "c", "b1"]);
});

Deno.test("encodeRecordingLine() and parseRecordingLog() carry the place and the secrets of a call (RECM-1, RECM-2)", () => {
  const recorded = call({
    argv: ["git", "fetch"],
    insert: { group: 2 },
    secrets: { GITHUB_TOKEN: "ghp_0123456789" },
  });
  const line = encodeRecordingLine(recorded);
  assert.match(line, /"insert":\{"group":2\},"secrets":\{"GITHUB_TOKEN":"ghp_0123456789"\}/);
  assert.deepEqual(parseRecordingLog(line), [recorded]);
  const before = encodeRecordingLine(call({ argv: ["a"], insert: { before: 0 } }));
  assert.deepEqual(parseRecordingLog(before)[0]?.insert, { before: 0 });
  assert.throws(
    () => parseRecordingLog(before.replace('{"before":0}', '{"after":1}')),
    /line 1 of its log: "insert" must be/,
  );
  assert.throws(
    () => parseRecordingLog(line.replace('"ghp_0123456789"', "5")),
    /"secrets" must be an object of strings/,
  );
});
