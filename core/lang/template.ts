/**
 * The template language of responses (TPL-2): a fixed subset of Go's `text/template` with
 * variable references, capture references, string literals and comments.
 *
 * @module
 */

/** One piece of a parsed template. String literal actions become `text` parts. */
export type TemplatePart =
  | { kind: "text"; text: string }
  | { kind: "var"; name: string }
  | { kind: "capture"; id: string };

/**
 * The result of {@linkcode parseTemplate}: the parts, or the first error with the offset of the
 * offending `{{` (a UTF-16 code unit index into the parsed text, as `String.prototype.slice`
 * counts).
 */
export type TemplateParse =
  | { ok: true; parts: TemplatePart[] }
  | { ok: false; message: string; offset: number };

const SUPPORTED_FORMS =
  'supported forms are {{ .name }}, {{ .capture.id }}, {{ "text" }}, {{ `text` }} and {{/* comment */}}';

const UNTERMINATED = 'unterminated "{{" (no closing "}}")';

/** `.name` or `.capture.id`; `\w` without the `u` flag is `[A-Za-z0-9_]`. */
const FIELD = /^\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?$/;

const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** Go's `text/template` whitespace: space, tab, CR, LF. */
function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10;
}

function trimEndSpace(text: string): string {
  let end = text.length;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

function trimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function unsupported(action: string): string {
  const shown = action.length > 80 ? `${action.slice(0, 77)}...` : action;
  return `unsupported template action ${JSON.stringify(shown)}: ${SUPPORTED_FORMS}`;
}

/** Decodes a complete double-quoted literal; `undefined` when it is not exactly one. */
function unquote(literal: string): string | undefined {
  let out = "";
  let chunk = 1;
  let i = 1;
  while (i < literal.length) {
    const c = literal.charCodeAt(i);
    if (c === 34 /* " */) {
      return i === literal.length - 1 ? out + literal.slice(chunk, i) : undefined;
    }
    if (c === 10) return undefined;
    if (c !== 92 /* \ */) {
      i++;
      continue;
    }
    out += literal.slice(chunk, i);
    const e = literal[i + 1];
    let width = 2;
    if (e === "\\") out += "\\";
    else if (e === '"') out += '"';
    else if (e === "n") out += "\n";
    else if (e === "t") out += "\t";
    else if (e === "r") out += "\r";
    else if (e === "u") {
      const hex = literal.slice(i + 2, i + 6);
      if (!HEX4.test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code >= 0xd800 && code <= 0xdfff) return undefined; // not a valid rune in Go
      out += String.fromCharCode(code);
      width = 6;
    } else return undefined;
    i += width;
    chunk = i;
  }
  return undefined;
}

/** What one `{{ … }}` action is: a part, literal text, nothing (comment), or an error. */
type Action =
  | { ok: true; end: number; trimRight: boolean; part: TemplatePart | string | undefined }
  | { ok: false; message: string };

/**
 * Finds the index of the `}}` that closes the action whose content starts at `from`, or the
 * message explaining why there is none.
 */
function findClose(text: string, from: number): number | string {
  const n = text.length;
  let r = from;
  while (r < n) {
    const c = text.charCodeAt(r);
    if (c === 125 /* } */ && text.charCodeAt(r + 1) === 125) return r;
    if (c === 34 /* " */) {
      // A quoted string cannot span lines; a newline ends it (and the action is then invalid).
      r++;
      for (;;) {
        if (r >= n) return 'unterminated string literal in "{{" action (no closing \'"\')';
        const d = text.charCodeAt(r);
        if (d === 34) {
          r++;
          break;
        }
        if (d === 10) break;
        r += d === 92 && text.charCodeAt(r + 1) !== 10 ? 2 : 1;
      }
    } else if (c === 96 /* ` */) {
      const close = text.indexOf("`", r + 1);
      if (close === -1) return 'unterminated raw string in "{{" action (no closing "`")';
      r = close + 1;
    } else {
      r++;
    }
  }
  return UNTERMINATED;
}

function parseAction(text: string, open: number, contentStart: number): Action {
  const n = text.length;
  let q = contentStart;
  while (q < n && isSpace(text.charCodeAt(q))) q++;

  if (text.startsWith("/*", q)) {
    const close = text.indexOf("*/", q + 2);
    if (close === -1) return { ok: false, message: 'unterminated comment (no closing "*/")' };
    let r = close + 2;
    const wsStart = r;
    while (r < n && isSpace(text.charCodeAt(r))) r++;
    let trimRight = false;
    if (r > wsStart && text.charCodeAt(r) === 45 /* - */ && text.startsWith("}}", r + 1)) {
      trimRight = true;
      r++;
    }
    if (!text.startsWith("}}", r)) {
      const next = text.indexOf("}}", r);
      return { ok: false, message: unsupported(text.slice(open, next === -1 ? n : next + 2)) };
    }
    return { ok: true, end: r + 2, trimRight, part: undefined };
  }

  const close = findClose(text, contentStart);
  if (typeof close === "string") return { ok: false, message: close };
  let inner = text.slice(contentStart, close);
  const end = close + 2;
  const trimRight = inner.length >= 2 && inner.charCodeAt(inner.length - 1) === 45 &&
    isSpace(inner.charCodeAt(inner.length - 2));
  if (trimRight) inner = inner.slice(0, -1);
  const content = trimSpace(inner);
  const fail = (): Action => ({ ok: false, message: unsupported(text.slice(open, end)) });

  const first = content.charCodeAt(0);
  if (first === 46 /* . */) {
    const m = FIELD.exec(content);
    if (m === null) return fail();
    const [, head = "", tail] = m;
    if (tail === undefined) {
      return head === "capture"
        ? fail()
        : { ok: true, end, trimRight, part: { kind: "var", name: head } };
    }
    return head === "capture"
      ? { ok: true, end, trimRight, part: { kind: "capture", id: tail } }
      : fail();
  }
  if (first === 34 /* " */) {
    const value = unquote(content);
    return value === undefined ? fail() : { ok: true, end, trimRight, part: value };
  }
  if (first === 96 /* ` */) {
    const last = content.length - 1;
    if (last === 0 || content.indexOf("`", 1) !== last) return fail();
    return { ok: true, end, trimRight, part: content.slice(1, last) };
  }
  return fail();
}

/**
 * Parses a response template (TPL-2, TPL-6) in one linear pass.
 *
 * Supported actions are exactly `{{ .NAME }}`, `{{ .capture.ID }}`, `{{ "text" }}` (escapes
 * `\\ \" \n \t \r \uXXXX`), `` {{ `raw` }} `` and comments (`{{/*`, text, then star-slash and
 * `}}`), with free whitespace inside the braces. `{{- ` trims the whitespace (space, tab, CR, LF) of the text just before the
 * action and ` -}}` the whitespace just after it. An action ends at the first `}}` outside a
 * string literal. Adjacent text (including string literals) is merged into one `text` part;
 * empty text parts are left out.
 *
 * @example Usage
 * ```ts
 * import { parseTemplate, renderTemplate } from "./template.ts";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseTemplate('ns={{ .ns }} id={{ .capture.id }} {{ "{{" }}');
 * assert.ok(parsed.ok);
 * assert.equal(renderTemplate(parsed.parts, { ns: "prod" }, { id: "42" }), "ns=prod id=42 {{");
 *
 * const bad = parseTemplate("x {{ if .x }}y{{ end }}");
 * assert.ok(!bad.ok);
 * assert.equal(bad.offset, 2);
 * ```
 *
 * @param text The template text.
 * @returns The parts, or the first error: a message that lists the supported forms and the
 * offset (UTF-16 index) of the offending `{{`.
 */
export function parseTemplate(text: string): TemplateParse {
  const parts: TemplatePart[] = [];
  let pending = "";
  let pos = 0;
  const n = text.length;
  for (;;) {
    const open = text.indexOf("{{", pos);
    if (open === -1) {
      pending += pos === 0 ? text : text.slice(pos);
      break;
    }
    let raw = text.slice(pos, open);
    let contentStart = open + 2;
    if (
      text.charCodeAt(contentStart) === 45 /* - */ && isSpace(text.charCodeAt(contentStart + 1))
    ) {
      raw = trimEndSpace(raw);
      contentStart++;
    }
    pending += raw;
    const action = parseAction(text, open, contentStart);
    if (!action.ok) return { ok: false, message: action.message, offset: open };
    const { part } = action;
    if (typeof part === "string") {
      pending += part;
    } else if (part !== undefined) {
      if (pending !== "") parts.push({ kind: "text", text: pending });
      pending = "";
      parts.push(part);
    }
    pos = action.end;
    if (action.trimRight) { while (pos < n && isSpace(text.charCodeAt(pos))) pos++; }
  }
  if (pending !== "") parts.push({ kind: "text", text: pending });
  return { ok: true, parts };
}

function lookup(record: Readonly<Record<string, string>>, key: string): string {
  return Object.hasOwn(record, key) ? record[key] ?? "" : "";
}

/**
 * Renders parsed template parts (TPL-2, CAP-3). An unknown variable or capture renders as the
 * empty string; only own properties of `vars` and `captures` are looked up.
 *
 * @example Usage
 * ```ts
 * import { parseTemplate, renderTemplate } from "./template.ts";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseTemplate("rg={{ .capture.rg }}");
 * assert.ok(parsed.ok);
 * assert.equal(renderTemplate(parsed.parts, {}, {}), "rg=");
 * ```
 *
 * @param parts The parts from {@linkcode parseTemplate}.
 * @param vars Effective values of the declared variables (TPL-3).
 * @param captures Stored captures of the session.
 * @returns The rendered text.
 */
export function renderTemplate(
  parts: readonly TemplatePart[],
  vars: Readonly<Record<string, string>>,
  captures: Readonly<Record<string, string>>,
): string {
  let out = "";
  for (const part of parts) {
    if (part.kind === "text") out += part.text;
    else if (part.kind === "var") out += lookup(vars, part.name);
    else out += lookup(captures, part.id);
  }
  return out;
}

/**
 * Lists the variable names a template references, each once, in order of first appearance.
 *
 * @example Usage
 * ```ts
 * import { parseTemplate, templateVarNames } from "./template.ts";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseTemplate("{{ .b }} {{ .a }} {{ .b }} {{ .capture.c }}");
 * assert.ok(parsed.ok);
 * assert.deepEqual(templateVarNames(parsed.parts), ["b", "a"]);
 * ```
 *
 * @param parts The parts from {@linkcode parseTemplate}.
 * @returns The distinct variable names.
 */
export function templateVarNames(parts: readonly TemplatePart[]): string[] {
  const names = new Set<string>();
  for (const part of parts) if (part.kind === "var") names.add(part.name);
  return [...names];
}

/**
 * The TPL-5 message for each variable a template uses that is not declared in `meta.vars`.
 *
 * @param parts The parsed template.
 * @param declared The declared variable names.
 * @returns One message per undeclared variable, in order of first use.
 */
export function undeclaredVariables(
  parts: readonly TemplatePart[],
  declared: ReadonlySet<string>,
): string[] {
  return templateVarNames(parts).filter((name) => !declared.has(name))
    .map((name) => `template references undefined variable "${name}" (declare it in meta.vars)`);
}

/**
 * Lists the capture identifiers a template references, each once, in order of first appearance.
 *
 * @example Usage
 * ```ts
 * import { parseTemplate, templateCaptureIds } from "./template.ts";
 * import assert from "node:assert/strict";
 *
 * const parsed = parseTemplate("{{ .capture.rg }} {{ .ns }} {{ .capture.rg }}");
 * assert.ok(parsed.ok);
 * assert.deepEqual(templateCaptureIds(parsed.parts), ["rg"]);
 * ```
 *
 * @param parts The parts from {@linkcode parseTemplate}.
 * @returns The distinct capture identifiers.
 */
export function templateCaptureIds(parts: readonly TemplatePart[]): string[] {
  const ids = new Set<string>();
  for (const part of parts) if (part.kind === "capture") ids.add(part.id);
  return [...ids];
}

/**
 * Escapes text so that it parses as a template rendering back to itself (TPL-6, REC-8): every
 * `{{` becomes `{{ "{{" }}`. Nothing else needs escaping, since `}}` outside an action is text.
 *
 * @example Usage
 * ```ts
 * import { escapeTemplateText } from "./template.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(escapeTemplateText("a {{ b }}"), 'a {{ "{{" }} b }}');
 * ```
 *
 * @param text Any text.
 * @returns The escaped template text.
 */
export function escapeTemplateText(text: string): string {
  return text.replaceAll("{{", '{{ "{{" }}');
}
