// LANG-6: faked signals. `respond.signal` ends the fake by a signal after its output; it
// excludes `exit`.
import assert from "node:assert/strict";
import { createReplayEngine } from "../../../core/replay/memory_engine.ts";
import { signalExitCode, signalNumber } from "../../../core/replay/signals.ts";
import { renderTraceLine } from "../../../core/report/outcome.ts";
import { buildDryRunReport, renderDryRun } from "../../../core/report/dry_run.ts";
import type { SignalName } from "../../../core/types.ts";
import { errors, load, step, withSteps } from "../scenario/_helpers.ts";

const SIGNALS: readonly [SignalName, number, number][] = [
  ["HUP", 1, 1],
  ["INT", 2, 2],
  ["QUIT", 3, 3],
  ["KILL", 9, 9],
  ["USR1", 10, 30],
  ["USR2", 12, 31],
  ["PIPE", 13, 13],
  ["ALRM", 14, 14],
  ["TERM", 15, 15],
];

Deno.test("signalNumber() and signalExitCode() on Linux and macOS (LANG-6)", async (t) => {
  for (const [name, linux, darwin] of SIGNALS) {
    await t.step(name, () => {
      assert.equal(signalNumber(name, "linux"), linux);
      assert.equal(signalNumber(name, "darwin"), darwin);
      assert.equal(signalExitCode(name, "linux"), 128 + linux);
    });
  }
});

Deno.test("respond.signal accepts the nine signals and the answer carries it (LANG-6)", async (t) => {
  for (const [name] of SIGNALS) {
    await t.step(name, () => {
      const scenario = load(withSteps(
        "  - match: {argv: [curl, x]}",
        `    respond: {stdout: "partial", signal: ${name}}`,
      ));
      assert.equal(step(scenario, 0).respond.signal, name);
      const outcome = createReplayEngine(scenario).call(["curl", "x"]);
      assert.equal(outcome.kind, "matched");
      if (outcome.kind !== "matched") return;
      assert.equal(outcome.signal, name);
      assert.equal(new TextDecoder().decode(outcome.stdout), "partial");
      assert.equal(
        renderTraceLine(outcome, ["curl", "x"]),
        `cli-replay[trace]: step=1 argv=["curl", "x"] signal=${name}\n`,
      );
    });
  }
  await t.step("a step without signal has none", () => {
    const outcome = createReplayEngine(load(withSteps("  - match: {argv: [a]}"))).call(["a"]);
    assert.ok(outcome.kind === "matched" && !("signal" in outcome));
  });
});

Deno.test("respond.signal errors: unknown names, with exit, in a list (LANG-6)", async (t) => {
  const rows = [
    {
      name: "an unknown signal lists the valid ones",
      lines: ["  - match: {argv: [a]}", "    respond: {signal: SEGV}"],
      expected: [
        's.yaml:5:23: steps[0].respond.signal: must be one of TERM, INT, KILL, HUP, QUIT, USR1, USR2, PIPE, ALRM, got "SEGV"',
      ],
    },
    {
      name: "the SIG prefix is not part of the name",
      lines: ["  - match: {argv: [a]}", "    respond: {signal: SIGTERM}"],
      expected: [
        's.yaml:5:23: steps[0].respond.signal: must be one of TERM, INT, KILL, HUP, QUIT, USR1, USR2, PIPE, ALRM, got "SIGTERM"',
      ],
    },
    {
      name: "signal and exit exclude each other",
      lines: ["  - match: {argv: [a]}", "    respond: {exit: 1, signal: TERM}"],
      expected: ["s.yaml:5:24: steps[0].respond: signal and exit are mutually exclusive"],
    },
    {
      name: "also in an answer of a sequence",
      lines: ["  - match: {argv: [a]}", "    respond: [{stdout: x}, {exit: 0, signal: KILL}]"],
      expected: ["s.yaml:5:38: steps[0].respond[1]: signal and exit are mutually exclusive"],
    },
    {
      name: "a typo of the key gets a suggestion",
      lines: ["  - match: {argv: [a]}", "    respond: {signl: TERM}"],
      expected: ['s.yaml:5:15: steps[0].respond: unknown key "signl" (did you mean "signal"?)'],
    },
  ];
  for (const row of rows) {
    await t.step(row.name, () => assert.deepEqual(errors(withSteps(...row.lines)), row.expected));
  }
});

Deno.test("the dry run shows a signal instead of an exit code (LANG-6)", () => {
  const scenario = load(withSteps(
    "  - match: {argv: [curl, x]}",
    "    respond: {signal: PIPE}",
  ));
  assert.match(renderDryRun(buildDryRunReport(scenario)), /^ {6}→ signal PIPE$/m);
});
