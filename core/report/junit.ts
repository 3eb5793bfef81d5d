/**
 * The JUnit XML verification report (VERIFY-7, VERIFY-8).
 *
 * @module
 */

import { errorDescription, isSkippedStep, stepFailureMessage, stepTestName } from "./_names.ts";
import { formatUnexpectedCall } from "./text.ts";
import type { VerifyResult } from "../types.ts";

/** Options of {@linkcode renderJUnit}. */
export interface JUnitOptions {
  /** The `classname` of every testcase: the scenario path as the user gave it. */
  classname: string;
  /**
   * The suite's `timestamp`: the state's `last_updated` for `verify`, the verification time for
   * `exec` and for error results. Rendered as RFC 3339 UTC without fraction.
   */
  timestamp: Date;
}

/**
 * Renders a verification result as the JUnit XML document of VERIFY-7: one testcase per flat
 * step (a `failure` below the minimum, `skipped` for an optional step never called) plus an
 * `unexpected calls` testcase when there were any. Error results give the single `state`
 * testcase of VERIFY-8.
 *
 * @example Usage
 * ```ts
 * import { renderJUnit } from "@x/cli-replay";
 * import assert from "node:assert/strict";
 *
 * const xml = renderJUnit({
 *   scenario: "demo", session: "default", passed: true, totalSteps: 1, consumedSteps: 1,
 *   steps: [{
 *     index: 0, label: "git status", callCount: 1, min: 1, max: 1, passed: true,
 *     explicitCalls: false,
 *   }],
 *   unexpectedCalls: [], unexpectedCount: 0,
 * }, { classname: "tests/demo.yaml", timestamp: new Date("2026-02-07T10:30:00.123Z") });
 * assert.match(xml, /timestamp="2026-02-07T10:30:00Z"/);
 * assert.match(xml, /<testcase name="step\[0\]: git status" classname="tests\/demo.yaml" time="0.000"\/>/);
 * ```
 *
 * @param r The verification result.
 * @param opts The classname and timestamp to write.
 * @returns The XML document, ending with a newline.
 * @throws {RangeError} When `opts.timestamp` is an invalid date.
 */
export function renderJUnit(r: VerifyResult, opts: JUnitOptions): string {
  const timestamp = formatTimestamp(opts.timestamp);
  const classname = escapeAttribute(opts.classname);
  const cases: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;

  if (r.error !== undefined) {
    errors = 1;
    const body = errorDescription(r.error);
    cases.push(
      `    <testcase name="state" classname="${classname}" time="0.000">`,
      `      <error message="${escapeAttribute(r.error.message)}" type="StateError">${
        escapeText(body)
      }</error>`,
      `    </testcase>`,
    );
  } else {
    for (const step of r.steps) {
      tests++;
      const open = `    <testcase name="${
        escapeAttribute(stepTestName(step))
      }" classname="${classname}" time="0.000"`;
      if (!step.passed) {
        failures++;
        const message = stepFailureMessage(step);
        cases.push(
          `${open}>`,
          `      <failure message="${escapeAttribute(message)}" type="VerificationFailure">${
            escapeText(message)
          }</failure>`,
          `    </testcase>`,
        );
      } else if (isSkippedStep(step)) {
        skipped++;
        cases.push(
          `${open}>`,
          `      <skipped message="optional step (min=0), not called"/>`,
          `    </testcase>`,
        );
      } else {
        cases.push(`${open}/>`);
      }
    }
    if (r.unexpectedCount > 0) {
      tests++;
      failures++;
      const n = r.unexpectedCount;
      const message = `${n} unexpected ${n === 1 ? "call" : "calls"}`;
      const body = r.unexpectedCalls.map(formatUnexpectedCall).join("\n");
      cases.push(
        `    <testcase name="unexpected calls" classname="${classname}" time="0.000">`,
        `      <failure message="${escapeAttribute(message)}" type="UnexpectedCall">${
          escapeText(body)
        }</failure>`,
        `    </testcase>`,
      );
    }
  }

  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="cli-replay" tests="${tests}" failures="${failures}" errors="${errors}" time="0.000">`,
    `  <testsuite name="${
      escapeAttribute(r.scenario)
    }" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0.000" timestamp="${timestamp}">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}

function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/** Characters outside XML 1.0's `Char` production (lone surrogates are fixed first). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function replaceInvalid(text: string): string {
  return text.toWellFormed().replace(NOT_XML_CHAR, "\uFFFD");
}

/** Escapes attribute values: `& < > "` plus LF, CR and TAB as character references. */
function escapeAttribute(text: string): string {
  return replaceInvalid(text).replace(/[&<>"\n\r\t]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

/** Escapes text content: `& < >`. */
function escapeText(text: string): string {
  return replaceInvalid(text).replace(/[&<>]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\n": "&#10;",
  "\r": "&#13;",
  "\t": "&#9;",
};
