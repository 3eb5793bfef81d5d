/**
 * Stream plumbing for recording: pass a command's output through live while keeping a copy,
 * and feed it stdin chunk by chunk while keeping the first MiB (REC-3, REC-5).
 *
 * @module
 */
import { MAX_STDIN_BYTES } from "../../core/limits.ts";
import { concatBytes } from "../../core/bytes.ts";
import { writeAll } from "../fs.ts";

/** Something bytes can be written to, like `Deno.stdout`. */
export interface ByteSink {
  /** Writes some of `p`, returning how many bytes were written. */
  write(p: Uint8Array): Promise<number>;
}

/** Largest stdin recorded by a record shim (REC-5, STDIN-4). */
export const MAX_RECORDED_STDIN: number = MAX_STDIN_BYTES;

/**
 * Copies `source` to `sink` as it arrives and returns everything that was read. A sink that
 * fails (say, a closed pipe) stops receiving; capturing continues.
 *
 * @param source A child's stdout or stderr.
 * @param sink Where to stream it live (`Deno.stdout`, `Deno.stderr`).
 * @returns All bytes of `source`.
 */
export async function teeStream(
  source: ReadableStream<Uint8Array>,
  sink: ByteSink,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let sinkOk = true;
  for await (const chunk of source) {
    chunks.push(chunk);
    if (!sinkOk) continue;
    try {
      await writeAll(sink, chunk);
    } catch {
      sinkOk = false;
    }
  }
  return concatBytes(chunks);
}

/** Something stdin can be read from, like `Deno.stdin`. */
export interface ByteSource {
  /** Reads into `p`; `null` at end of input. */
  read(p: Uint8Array): Promise<number | null>;
}

/** What {@linkcode pumpStdin} captured. */
export interface PumpResult {
  /** The bytes passed to the command, when at most `limit` and at least one. */
  captured?: Uint8Array;
  /** Whether more than `limit` bytes were passed (nothing is then captured). */
  truncated: boolean;
}

/** Options of {@linkcode pumpStdin}. */
export interface PumpOptions {
  /** Largest capture. @default {MAX_RECORDED_STDIN} */
  limit?: number;
}

/**
 * Copies `source` to a child's stdin chunk by chunk, as the child consumes it, and keeps the
 * first `limit` bytes. Stops when `source` ends (the child's stdin is then closed), when the
 * child stops reading, or when `done` settles (the child exited); a read still pending then is
 * abandoned, so at most one read-ahead chunk is lost to later readers.
 *
 * @param source Where stdin comes from (`Deno.stdin`).
 * @param target The child's stdin.
 * @param done Settles when the child has exited.
 * @param options The capture limit.
 * @returns The captured bytes or the truncation flag.
 */
export async function pumpStdin(
  source: ByteSource,
  target: WritableStream<Uint8Array>,
  done: Promise<unknown>,
  options: PumpOptions = {},
): Promise<PumpResult> {
  const limit = options.limit ?? MAX_RECORDED_STDIN;
  const writer = target.getWriter();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const finished = done.then(() => "done" as const, () => "done" as const);
  const buffer = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const read = source.read(buffer).catch(() => null);
      const n = await Promise.race([read, finished]);
      if (n === "done" || n === null) break;
      const chunk = buffer.slice(0, n);
      total += n;
      if (total <= limit) chunks.push(chunk);
      else chunks.length = 0;
      const wrote = await Promise.race([
        writer.write(chunk).then(() => true, () => false),
        finished,
      ]);
      if (wrote !== true) break;
    }
  } finally {
    await Promise.race([writer.close().catch(() => {}), finished]);
    writer.releaseLock();
  }
  const truncated = total > limit;
  return truncated || total === 0 ? { truncated } : { captured: concatBytes(chunks), truncated };
}
