// The session server's wire protocol, pure (SRV-2, SRV-5): parsing requests and stdin
// frames byte by byte, the secret check, the answer encoding and the fast-path rules.
import assert from "node:assert/strict";
import {
  answerFits,
  encodeAnswer,
  FLAGS,
  LIMITS,
  parseRequest,
  parseStdinFrame,
  secretsEqual,
  segmentLengths,
} from "../../../core/server/protocol.ts";

const te = new TextEncoder();
const SECRET = "ab".repeat(32);
const item = (s: string) => `${te.encode(s).length}:${s}`;

Deno.test("parseRequest() reads argv and env items, a bare name for an unset variable, at any split of the bytes (SRV-2, LANG-4)", () => {
  const text = `CRP1 ${SECRET} 5 3 3:${item("kubectl")}${item("get")}${item("a:b\n c")}${
    item("NO_COLOR=")
  }${item("ns=prod=x")}${item("DRY_RUN")}`;
  const bytes = te.encode(text);
  for (let cut = 0; cut < bytes.length; cut++) {
    const r = parseRequest(bytes.subarray(0, cut), SECRET);
    assert.ok(r.kind === "more", `cut at ${cut}: ${r.kind}`);
  }
  const r = parseRequest(bytes, SECRET);
  assert.ok(r.kind === "ok");
  assert.deepEqual(r.value, {
    flags: 5,
    argv: ["kubectl", "get", "a:b\n c"],
    env: { NO_COLOR: "", ns: "prod=x" },
    unset: ["DRY_RUN"],
    utf8: true,
  });
  assert.equal(r.used, bytes.length);
});

Deno.test("parseRequest() rejects what is not a request of this session (SRV-5)", async (t) => {
  const cases: [string, Uint8Array][] = [
    ["garbage at the first byte", te.encode("GET / HTTP/1.1\r\n")],
    ["no secret", te.encode(`CRP1 5 1 0:${item("git")}`)],
    ["a wrong secret", te.encode(`CRP1 ${"cd".repeat(32)} 0 1 0:${item("git")}`)],
    ["a shorter secret", te.encode(`CRP1 ${SECRET.slice(1)} 0 1 0:${item("git")}`)],
    ["a head longer than 256 bytes", te.encode(`CRP1 ${SECRET} ${"1".repeat(300)}`)],
    ["no argv", te.encode(`CRP1 ${SECRET} 0 0 0:`)],
    ["a length that is not a number", te.encode(`CRP1 ${SECRET} 0 1 0:x:git`)],
    ["an item past the size limit", te.encode(`CRP1 ${SECRET} 0 1 0:${LIMITS.requestBytes}:`)],
    ["an env item that is no name", te.encode(`CRP1 ${SECRET} 0 1 1:${item("git")}${item("X Y")}`)],
    ["an env item with no name", te.encode(`CRP1 ${SECRET} 0 1 1:${item("git")}${item("=x")}`)],
  ];
  for (const [name, bytes] of cases) {
    await t.step(name, () => assert.equal(parseRequest(bytes, SECRET).kind, "reject"));
  }
});

Deno.test("parseRequest() marks argv that is not UTF-8, for the cold path (SRV-2)", () => {
  const head = te.encode(`CRP1 ${SECRET} 0 1 0:2:`);
  const bytes = new Uint8Array([...head, 0xff, 0x41]);
  const r = parseRequest(bytes, SECRET);
  assert.ok(r.kind === "ok");
  assert.equal(r.value.utf8, false);
});

Deno.test("parseRequest() decodes short and long items alike, ASCII or not (SRV-3)", () => {
  const words = ["a", "héllo wörld", "日本", "x".repeat(64), "y".repeat(65), `${"z".repeat(70)}é`];
  const r = parseRequest(
    te.encode(`CRP1 ${SECRET} 0 ${words.length} 0:${words.map(item).join("")}`),
    SECRET,
  );
  assert.ok(r.kind === "ok");
  assert.deepEqual(r.value.argv, words);
  assert.equal(r.value.utf8, true);
});

Deno.test("secretsEqual() compares whole values (SRV-5)", () => {
  assert.equal(secretsEqual(SECRET, SECRET), true);
  assert.equal(secretsEqual(SECRET + "0", SECRET), false);
  assert.equal(secretsEqual("", SECRET), false);
  assert.equal(secretsEqual(SECRET.slice(0, -1) + "0", SECRET), false);
  assert.equal(secretsEqual(SECRET.slice(0, -1) + "\u0161", SECRET), false);
});

Deno.test("parseStdinFrame() joins NUL-free chunks with NUL bytes; too-large carries no data (STDIN-4)", () => {
  const r = parseStdinFrame(te.encode(`I 0 3:${item("a")}${item("")}${item("b\n")}`));
  assert.ok(r.kind === "ok");
  assert.deepEqual(r.value, new Uint8Array([0x61, 0, 0, 0x62, 0x0a]));
  const big = parseStdinFrame(te.encode("I 1 0:"));
  assert.ok(big.kind === "ok" && big.value === "too-large");
  assert.equal(parseStdinFrame(te.encode("I 0 2:1:a")).kind, "more");
  assert.equal(parseStdinFrame(te.encode("X 0 0:")).kind, "reject");
});

Deno.test("encodeAnswer() sends segment lengths and the bytes without NULs; segmentLengths() splits at NUL (SRV-2)", () => {
  assert.deepEqual(segmentLengths(new Uint8Array()), [0]);
  assert.deepEqual(segmentLengths(new Uint8Array([0])), [0, 0]);
  assert.deepEqual(segmentLengths(te.encode("ab\0c")), [2, 1]);
  const bytes = encodeAnswer({ exitCode: 255, stdout: te.encode("\0x\0"), stderr: te.encode("e") });
  assert.equal(new TextDecoder().decode(bytes), "A 255 0,1,0 1\nxe");
});

Deno.test("answerFits() sends many NULs, and large answers to a byte-wise bash, to the cold path (SRV-2)", () => {
  const fast = FLAGS.fastRead;
  const answer = (stdout: Uint8Array) => ({ exitCode: 0, stdout, stderr: new Uint8Array() });
  assert.equal(answerFits(answer(new Uint8Array(LIMITS.segments - 1)), fast), true);
  assert.equal(answerFits(answer(new Uint8Array(LIMITS.segments)), fast), false);
  const big = new Uint8Array(LIMITS.slowReadBytes + 1).fill(65);
  assert.equal(answerFits(answer(big), fast), true);
  assert.equal(answerFits(answer(big), 0), false);
  assert.equal(answerFits(answer(big.subarray(1)), 0), true);
});
