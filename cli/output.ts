/**
 * The CLI's writes to stdout and stderr. Only `cli/` prints.
 *
 * @module
 */
const encoder = new TextEncoder();

function _write(stream: typeof Deno.stdout | typeof Deno.stderr, text: string): void {
  const data = encoder.encode(text);
  let offset = 0;
  try {
    while (offset < data.length) offset += stream.writeSync(data.subarray(offset));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
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
