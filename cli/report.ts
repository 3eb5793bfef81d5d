/**
 * The structured reports of `verify --format` and `exec --format` (VERIFY-5..8, EXEC-11): one
 * place that maps a format name to its renderer.
 *
 * @module
 */
import { renderVerifyText } from "../core/report/text.ts";
import type { VerifyResult } from "../core/types.ts";
import type { REPORT_FORMATS } from "./flags.ts";

/** Report formats. */
export type ReportFormat = typeof REPORT_FORMATS[number];

/** What a report needs besides the result. */
export interface ReportContext {
  /** The scenario path as the user gave it (text hints, JUnit `classname`). */
  scenarioArg: string;
  /** The scenario's absolute path; `tap` and `github` name it relative to the working dir. */
  absPath: string;
  /** The working directory `tap` and `github` paths are relative to. */
  cwd: string;
  /** The JUnit timestamp. */
  timestamp: Date;
}

/**
 * Renders a verification result in a format. Each renderer but the text one is loaded when
 * it is asked for: a command start-up pays only for the report it prints.
 */
export async function renderReport(
  result: VerifyResult,
  format: ReportFormat,
  ctx: ReportContext,
): Promise<string> {
  switch (format) {
    case "json":
      return (await import("../core/report/json.ts")).renderVerifyJson(result);
    case "junit":
      return (await import("../core/report/junit.ts")).renderJUnit(result, {
        classname: ctx.scenarioArg,
        timestamp: ctx.timestamp,
      });
    case "tap":
      return (await import("../core/report/tap.ts")).renderTap(result, {
        file: relativePath(ctx.cwd, ctx.absPath),
      });
    case "github":
      return (await import("../core/report/github.ts")).renderGitHub(result, {
        file: relativePath(ctx.cwd, ctx.absPath),
      });
    case "text":
      return renderVerifyText(result, { scenarioArg: ctx.scenarioArg });
  }
}

/**
 * The path of `to` relative to the directory `from` (both absolute and normalised, as
 * `absolutePath` makes them): `deploy.yaml`, `tests/deploy.yaml`, `../other/deploy.yaml`.
 */
export function relativePath(from: string, to: string): string {
  const a = from.split("/").filter((p) => p !== "");
  const b = to.split("/").filter((p) => p !== "");
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const parts = [...a.slice(common).map(() => ".."), ...b.slice(common)];
  return parts.length === 0 ? "." : parts.join("/");
}
