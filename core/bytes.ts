/**
 * Byte strings: the one concatenation every path uses.
 *
 * @module
 */

/**
 * Concatenates byte arrays into one (the array itself when there is only one).
 *
 * @param parts The arrays, in order.
 * @returns Their bytes, one after the other.
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
