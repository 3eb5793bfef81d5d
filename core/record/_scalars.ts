/**
 * YAML scalars for recorded text (REC-8): double-quoted with escapes, block literals that
 * keep every byte, `!!binary` for bytes that are not UTF-8, and `{{` escaped in output.
 *
 * @module
 */

import { formatDoubleQuoted } from "../scenario/yaml_scalar.ts";
import { escapeTemplateText } from "../lang/template.ts";
import { decodeUtf8 } from "./_bytes.ts";

/** Whether a code point is YAML 1.2 printable (`c-printable`). */
function _isPrintable(cp: number): boolean {
  return cp === 0x09 || cp === 0x0a || cp === 0x0d || (cp >= 0x20 && cp <= 0x7e) ||
    cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Whether a block literal can carry `text` exactly: only printable characters, no CR (it
 * would be read as a line break), no NEL, line or paragraph separator, no BOM.
 */
export function blockSafe(text: string): boolean {
  const lines = text.split("\n");
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  if (lines.length > 0 && /^[ \t]+$/.test(lines.at(-1)!)) return false;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x0a || cp === 0x09) continue;
    if (
      !_isPrintable(cp) || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029 ||
      cp === 0xfeff
    ) return false;
  }
  return true;
}

/** Writes `text` as a one-line YAML double-quoted scalar (the one formatter of the loader). */
export const doubleQuoted: (text: string) => string = formatDoubleQuoted;

/**
 * Writes `text` (which contains a newline) as a block literal whose content sits at
 * `indent + 2` spaces. Returns the header (`|`, `|-`, `|+`, `|2`…) and the content lines.
 */
export function blockLiteral(text: string, indent: number): string {
  const chomp = text.endsWith("\n")
    ? (/^\n*$/.test(text) || text.endsWith("\n\n") ? "+" : "")
    : "-";
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const lines = body.split("\n");
  const firstContent = lines.find((line) => line !== "");
  const indicator = firstContent !== undefined && /^[ \t]/.test(firstContent) ? "2" : "";
  const pad = " ".repeat(indent + 2);
  const content = lines.map((line) => line === "" ? "" : pad + line).join("\n");
  return `|${indicator}${chomp}\n${content}`;
}

/** Renders a text scalar for a mapping key at `indent` (the value after `key: `). */
export function textScalar(text: string, indent: number): string {
  return text.includes("\n") && blockSafe(text) ? blockLiteral(text, indent) : doubleQuoted(text);
}

/** Renders raw bytes as `!!binary` with base64 lines at `indent + 2`. */
function _binaryScalar(bytes: Uint8Array, indent: number): string {
  const b64 = bytes.toBase64();
  const pad = " ".repeat(indent + 2);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(pad + b64.slice(i, i + 76));
  return `!!binary |\n${lines.join("\n")}`;
}

/** Renders recorded bytes: text (optionally with `{{` escaped, TPL-6) or `!!binary`. */
export function bytesScalar(bytes: Uint8Array, indent: number, template: boolean): string {
  const text = decodeUtf8(bytes);
  if (text === undefined) return _binaryScalar(bytes, indent);
  return textScalar(template ? escapeTemplateText(text) : text, indent);
}

/**
 * An argv item as YAML: double-quoted (REC-8), or single-quoted for a pattern item
 * (`'{{ .regex "^--token=.*$" }}'`, from redaction) when it is one printable line.
 */
export function argvItem(item: string): string {
  if (/^\{\{ \.regex ".*" \}\}$/.test(item) && /^[\x20-\x7e]*$/.test(item)) {
    return `'${item.replaceAll("'", "''")}'`;
  }
  return doubleQuoted(item);
}
