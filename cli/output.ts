/**
 * The CLI's writes to stdout and stderr. Only `cli/` prints.
 *
 * @module
 */
import { writeAllSync } from "../effects/fs.ts";
const encoder = new TextEncoder();

function _write(stream: typeof Deno.stdout | typeof Deno.stderr, text: string): void {
  writeAllSync(stream, encoder.encode(text));
}

/** Writes text to stdout as is. */
export function writeOut(text: string): void {
  _write(Deno.stdout, text);
}

/** Writes text to stderr as is. */
export function writeErr(text: string): void {
  _write(Deno.stderr, text);
}

/** Writes `cli-replay: warning: <text>` to stderr (ERR-4). */
export function warn(text: string): void {
  writeErr(`cli-replay: warning: ${text}\n`);
}
