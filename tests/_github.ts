/**
 * Reads GitHub Actions workflow commands the way the Actions runner does: a line that starts
 * with `::`, the command name, `key=value` properties split on `,` (each split on its first
 * `=`), `::`, then the message; property values and the message are unescaped.
 *
 * @module
 */
import assert from "node:assert/strict";

/** One workflow command. */
export interface WorkflowCommand {
  /** `error`, `notice`, … */
  command: string;
  /** Unescaped property values. */
  properties: Record<string, string>;
  /** The unescaped message. */
  message: string;
}

/**
 * Parses every line of a report as a workflow command; fails the calling test on a line that is
 * not one, on a raw CR inside a line, or on a `%` that starts no escape.
 *
 * @param text The report (lines ending with LF).
 * @returns One command per line.
 */
export function readWorkflowCommands(text: string): WorkflowCommand[] {
  assert.ok(text.endsWith("\n"), "the report ends with a newline");
  return text.slice(0, -1).split("\n").map((line) => {
    assert.ok(!line.includes("\r"), `raw CR in ${JSON.stringify(line)}`);
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    assert.ok(m !== null, `not a workflow command: ${JSON.stringify(line)}`);
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? "").split(",").filter((p) => p !== "")) {
      const i = pair.indexOf("=");
      assert.ok(i > 0, `property without '=': ${JSON.stringify(pair)}`);
      properties[pair.slice(0, i)] = unescape(pair.slice(i + 1), PROPERTY_ESCAPES);
    }
    return { command: m[1]!, properties, message: unescape(m[3]!, DATA_ESCAPES) };
  });
}

const DATA_ESCAPES: Record<string, string> = { "%25": "%", "%0D": "\r", "%0A": "\n" };
const PROPERTY_ESCAPES: Record<string, string> = { ...DATA_ESCAPES, "%3A": ":", "%2C": "," };

function unescape(text: string, escapes: Record<string, string>): string {
  return text.replace(/%(..)?/g, (seq) => {
    const plain = escapes[seq];
    assert.ok(plain !== undefined, `'%' that starts no escape in ${JSON.stringify(text)}`);
    return plain;
  });
}
