// Tests of effects/record_io.ts, effects/record_lookup.ts and effects/record_log.ts.
import assert from "node:assert/strict";
import { concatBytes } from "../../../core/bytes.ts";
import { type ByteSource, pumpStdin, teeStream } from "../../../effects/record/io.ts";
import { findExecutable } from "../../../effects/record/lookup.ts";
import {
  appendRecordedCall,
  createRecordingLog,
  readRecordingLog,
} from "../../../effects/record/log.ts";

const enc = new TextEncoder();

/** A source that yields `chunks` and then ends (or blocks forever when `endless`). */
function source(chunks: Uint8Array[], endless = false): ByteSource {
  return {
    read(p: Uint8Array): Promise<number | null> {
      const chunk = chunks.shift();
      if (chunk === undefined) return endless ? new Promise(() => {}) : Promise.resolve(null);
      p.set(chunk);
      return Promise.resolve(chunk.length);
    },
  };
}

function collector(): {
  stream: WritableStream<Uint8Array>;
  chunks: Uint8Array[];
  closed: () => boolean;
} {
  const chunks: Uint8Array[] = [];
  let closed = false;
  const stream = new WritableStream<Uint8Array>({
    write(chunk) {
      chunks.push(chunk);
    },
    close() {
      closed = true;
    },
  });
  return { stream, chunks, closed: () => closed };
}

Deno.test("pumpStdin() passes stdin through and captures it", async (t) => {
  await t.step("until the source ends, then closes the child's stdin", async () => {
    const sink = collector();
    const result = await pumpStdin(
      source([enc.encode("ab"), enc.encode("c")]),
      sink.stream,
      new Promise(() => {}),
    );
    assert.deepEqual(result, { captured: enc.encode("abc"), truncated: false });
    assert.deepEqual(concatBytes(sink.chunks), enc.encode("abc"));
    assert.equal(sink.closed(), true);
  });
  await t.step("stops when the child exits while a read is pending", async () => {
    const sink = collector();
    const result = await pumpStdin(
      source([enc.encode("x")], true),
      sink.stream,
      new Promise((r) => setTimeout(r, 20)),
    );
    assert.deepEqual(result, { captured: enc.encode("x"), truncated: false });
  });
  await t.step("nothing read: nothing captured", async () => {
    assert.deepEqual(await pumpStdin(source([]), collector().stream, new Promise(() => {})), {
      truncated: false,
    });
  });
  await t.step("more than the limit: passed on in full, not captured", async () => {
    const sink = collector();
    const chunks = [new Uint8Array(3).fill(1), new Uint8Array(3).fill(2)];
    const result = await pumpStdin(source(chunks), sink.stream, new Promise(() => {}), {
      limit: 5,
    });
    assert.deepEqual(result, { truncated: true });
    assert.equal(concatBytes(sink.chunks).length, 6);
  });
});

Deno.test("teeStream() streams and captures, and keeps capturing when the sink fails", async () => {
  const written: Uint8Array[] = [];
  let calls = 0;
  const sink = {
    write(p: Uint8Array): Promise<number> {
      calls++;
      if (calls > 1) return Promise.reject(new Deno.errors.BrokenPipe("closed"));
      written.push(p.slice(0, 1));
      return Promise.resolve(1); // a short write: the rest must be retried
    },
  };
  const stream = ReadableStream.from([enc.encode("ab"), enc.encode("cd")]);
  assert.deepEqual(await teeStream(stream, sink), enc.encode("abcd"));
  assert.deepEqual(written, [enc.encode("a")]);
});

Deno.test("findExecutable() searches PATH, skipping the shim dir", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    for (const sub of ["shims", "real", "plain"]) await Deno.mkdir(`${dir}/${sub}`);
    await Deno.writeTextFile(`${dir}/shims/tool`, "#!/bin/sh\n", { mode: 0o755 });
    await Deno.writeTextFile(`${dir}/real/tool`, "#!/bin/sh\n", { mode: 0o755 });
    await Deno.writeTextFile(`${dir}/plain/tool`, "not executable", { mode: 0o644 });
    await Deno.chmod(`${dir}/plain/tool`, 0o644);
    const path = `${dir}/plain:${dir}/shims:${dir}/real`;
    assert.equal(await findExecutable("tool", path), `${dir}/shims/tool`);
    assert.equal(
      await findExecutable("tool", path, { skipDir: `${dir}/shims/` }),
      `${dir}/real/tool`,
    );
    assert.equal(
      await findExecutable("tool", path, { skipDir: `${dir}/real/../shims` }),
      `${dir}/real/tool`,
    );
    assert.equal(await findExecutable("tool", `${dir}/plain`), undefined);
    assert.equal(await findExecutable("nope", path), undefined);
    assert.equal(await findExecutable(`${dir}/real/tool`, ""), `${dir}/real/tool`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("appendRecordedCall() loses no line when 20 calls append in parallel", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log = `${dir}/recording.jsonl`;
    createRecordingLog(log);
    assert.equal((await Deno.stat(log)).mode! & 0o777, 0o600);
    const big = new Uint8Array(200_000).fill(0x61);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appendRecordedCall(log, {
          timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
          argv: ["tool", String(i)],
          exit: 0,
          stdout: big,
          stderr: new Uint8Array(),
        })),
    );
    const calls = await readRecordingLog(log);
    assert.deepEqual(calls.map((c) => Number(c.argv[1])).sort((a, b) => a - b), [
      ...Array(20).keys(),
    ]);
    assert.ok(calls.every((c) => c.stdout.length === big.length));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
