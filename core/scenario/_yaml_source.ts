/**
 * The first stages of parsing: YAML text → one YAML document → plain data.
 *
 * Scalars keep their source text (SCN-14); only plain decimal integers in the integer
 * fields become numbers (SCN-20). `!!binary` bytes go to the context and leave `""` in
 * the data (SCN-15). Anchors, aliases and merge keys are resolved (SCN-21). The position
 * of every value and key is recorded in the context.
 *
 * @module
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type Scalar,
  type YAMLMap,
} from "yaml";
import { childPath, type ParseContext } from "./_context.ts";
import type { SourcePosition } from "./types.ts";

/** A parsed YAML document and the line counter that maps its offsets to positions. */
export interface YamlSource {
  /** The single document of the file. */
  readonly doc: Document.Parsed;
  /** Offsets to lines and columns. */
  readonly lc: LineCounter;
}

/** Deepest nesting of collections and aliases accepted. */
const MAX_DEPTH = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STR_TAG = "tag:yaml.org,2002:str";
const BINARY_TAG = "tag:yaml.org,2002:binary";
const NULL_WORDS = ["", "~", "null", "Null", "NULL"];

/**
 * Parses `text` as exactly one YAML document (SCN-1). Reports an empty scenario, a
 * second document and every syntax error.
 *
 * @returns The document, or undefined when it is empty or has errors.
 */
export function readDocument(text: string, ctx: ParseContext): YamlSource | undefined {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text.startsWith("\uFEFF") ? text.slice(1) : text, {
    schema: "failsafe",
    lineCounter: lc,
    uniqueKeys: false,
    prettyErrors: false,
  });
  const docList = Array.isArray(docs) ? docs : [];
  if (docList.length === 0) {
    ctx.errorAt({ line: 1, column: 1 }, "", "scenario is empty");
    return undefined;
  }
  if (docList.length > 1) {
    ctx.errorAt(
      _position(lc, docList[1]!.range[0]),
      "",
      "file contains more than one YAML document (a scenario is exactly one document)",
    );
  }
  const doc = docList[0]!;
  for (const e of doc.errors) ctx.errorAt(_position(lc, e.pos[0]), "", e.message.split("\n")[0]!);
  if (ctx.failed) return undefined;
  if (_isEmpty(doc.contents)) {
    ctx.errorAt({ line: 1, column: 1 }, "", "scenario is empty");
    return undefined;
  }
  return { doc, lc };
}

/**
 * Converts the document to plain data, recording positions and `!!binary` bytes.
 *
 * @returns The root mapping, or undefined when the root is not a mapping.
 */
export function toPlainData(
  source: YamlSource,
  ctx: ParseContext,
): Record<string, unknown> | undefined {
  const data = _walk(source.doc.contents, "", { ...source, ctx }, 0);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    ctx.errorAt(
      ctx.valueAt("") ?? { line: 1, column: 1 },
      "",
      "the document root must be a mapping with the keys meta and steps",
    );
    return undefined;
  }
  return data as Record<string, unknown>;
}

/** What the walk over the document's nodes reads and writes. */
interface Walk extends YamlSource {
  readonly ctx: ParseContext;
}

function _isEmpty(contents: Document.Parsed["contents"]): boolean {
  return contents === null ||
    (isScalar(contents) && contents.tag === undefined && contents.type === "PLAIN" &&
      NULL_WORDS.includes(String(contents.source ?? "")));
}

function _position(lc: LineCounter, offset: number | undefined): SourcePosition {
  if (offset === undefined) return { line: 0, column: 0 };
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

/** Converts one node; `depth` counts the collections and aliases above it. */
function _walk(node: unknown, path: string, w: Walk, depth: number): unknown {
  if (depth > MAX_DEPTH) {
    w.ctx.errorAt(undefined, path, "document nests too deeply");
    return undefined;
  }
  if (node === null || node === undefined) return _isNullablePath(path) ? null : "";
  if (isAlias(node)) return _walk(node.resolve(w.doc), path, w, depth + 1);
  const n = node as Node;
  const pos = _position(w.lc, n.range?.[0]);
  if (!w.ctx.valuePos.has(path)) w.ctx.valuePos.set(path, pos);
  const tag = (n as { tag?: string }).tag;
  if (isScalar(n)) return _scalar(n, tag, path, pos, w.ctx);
  if (tag !== undefined) w.ctx.errorAt(pos, path, `unsupported tag "${_shortTag(tag)}"`);
  if (isSeq(n)) return n.items.map((item, i) => _walk(item, childPath(path, i), w, depth + 1));
  if (isMap(n)) return _mapping(n, path, w, depth + 1);
  w.ctx.errorAt(pos, path, "unsupported YAML node");
  return undefined;
}

function _scalar(
  n: Scalar,
  tag: string | undefined,
  path: string,
  pos: SourcePosition,
  ctx: ParseContext,
): unknown {
  if (tag === BINARY_TAG) return _binary(n, path, pos, ctx);
  if (tag !== undefined && tag !== STR_TAG) {
    ctx.errorAt(pos, path, `unsupported tag "${_shortTag(tag)}"`);
    return String(n.source ?? "");
  }
  const text = String(n.value ?? "");
  if (tag === undefined && n.type === "PLAIN") {
    if (_isIntegerPath(path) && /^[+-]?[0-9]+$/.test(text)) return Number(text.replace(/^\+/, ""));
    if (_isNullablePath(path) && NULL_WORDS.includes(text)) return null;
    if (_isJsonPath(path)) return _jsonScalar(text);
  }
  return text;
}

/**
 * A plain scalar inside `match.stdin.json` resolved as YAML 1.2's core schema does: null,
 * booleans and numbers are typed there (the value is compared with parsed JSON).
 */
function _jsonScalar(text: string): unknown {
  if (NULL_WORDS.includes(text)) return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  return text;
}

/** Records a `!!binary` scalar's bytes in the context; its place in the data holds `""`. */
function _binary(n: Scalar, path: string, pos: SourcePosition, ctx: ParseContext): string {
  if (!_isBinaryPath(path)) {
    ctx.errorAt(
      pos,
      path,
      "!!binary is allowed only on match.stdin, respond.stdout and respond.stderr",
    );
    return String(n.source ?? "");
  }
  const b64 = String(n.source ?? "").replace(/[ \t\r\n]/g, "");
  if (!BASE64.test(b64)) {
    ctx.errorAt(pos, path, "!!binary value is not valid base64");
    return "";
  }
  const v = n.value;
  ctx.binary.set(path, v instanceof Uint8Array ? new Uint8Array(v) : new Uint8Array());
  return "";
}

/** Converts a mapping; keys written in it win over keys merged with `<<`. */
function _mapping(n: YAMLMap, path: string, w: Walk, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const merged: Record<string, unknown> = {};
  for (const pair of n.items) {
    const keyNode = pair.key as Node | null;
    if (!isScalar(keyNode)) {
      w.ctx.errorAt(_position(w.lc, keyNode?.range?.[0]), path, "mapping keys must be strings");
      continue;
    }
    const key = String(keyNode.value ?? "");
    const keyPos = _position(w.lc, keyNode.range?.[0]);
    if (key === "<<" && keyNode.type === "PLAIN") {
      _merge(pair.value, path, merged, w, depth, keyPos);
      continue;
    }
    const p = childPath(path, key);
    if (Object.hasOwn(out, key)) {
      w.ctx.errorAt(keyPos, p, `duplicate key "${key}"`);
      continue;
    }
    w.ctx.keyPos.set(p, keyPos);
    if (pair.value === null || pair.value === undefined) w.ctx.valuePos.set(p, keyPos);
    out[key] = _walk(pair.value, p, w, depth);
  }
  for (const [key, value] of Object.entries(merged)) {
    if (!Object.hasOwn(out, key)) out[key] = value;
  }
  return out;
}

/** Adds the keys of a merge key's mapping (or mappings) not yet in `into`. */
function _merge(
  value: unknown,
  path: string,
  into: Record<string, unknown>,
  w: Walk,
  depth: number,
  keyPos: SourcePosition,
): void {
  const sources: unknown[] = [];
  const resolved = isAlias(value) ? value.resolve(w.doc) : value;
  if (isSeq(resolved)) sources.push(...resolved.items);
  else sources.push(resolved);
  for (const source of sources) {
    const node = isAlias(source) ? source.resolve(w.doc) : source;
    if (!isMap(node)) {
      w.ctx.errorAt(keyPos, path, "merge key value must be a mapping");
      continue;
    }
    const data = _walk(node, path, w, depth) as Record<string, unknown>;
    for (const [key, v] of Object.entries(data)) {
      if (!Object.hasOwn(into, key)) {
        into[key] = v;
        if (!w.ctx.keyPos.has(childPath(path, key))) w.ctx.keyPos.set(childPath(path, key), keyPos);
      }
    }
  }
}

function _isIntegerPath(path: string): boolean {
  return /\.respond(?:\[\d+\])?\.exit$/.test(path) || /\.calls\.(min|max)$/.test(path);
}

function _isBinaryPath(path: string): boolean {
  return /\.match\.stdin$/.test(path) || /\.respond(?:\[\d+\])?\.(stdout|stderr)$/.test(path);
}

/** `match.env.NAME`, where a null value means "must be unset" (LANG-4). */
function _isNullablePath(path: string): boolean {
  return /\.match\.env\.[^.[\]]+$/.test(path) || _isJsonPath(path);
}

/** A value inside `match.stdin.json`, where scalars are typed (LANG-4). */
function _isJsonPath(path: string): boolean {
  return /\.match\.stdin\.json(?:$|[.[])/.test(path);
}

function _shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice(18)}` : tag;
}
