import assert from "node:assert/strict";
import {
  decideExecExitCode,
  type ExecEvent,
  type ExecFacts,
  type ExecPhase,
  nextExecPhase,
  signalNumber,
} from "../../../core/session/exec_exit.ts";

Deno.test("decideExecExitCode() maps every EXEC-7 row to its exit code", async (t) => {
  const cases: { row: string; facts: ExecFacts; expected: number }[] = [
    { row: "setup failed, usage error", facts: { setupFailed: true }, expected: 1 },
    { row: "child not found", facts: { startError: "not-found" }, expected: 127 },
    {
      row: "child found but not executable",
      facts: { startError: "not-executable" },
      expected: 126,
    },
    { row: "child could not be started otherwise", facts: { startError: "other" }, expected: 1 },
    { row: "child killed by SIGTERM", facts: { childSignal: 15, verified: true }, expected: 143 },
    { row: "child killed by SIGINT", facts: { childSignal: 2, verified: true }, expected: 130 },
    { row: "child killed by SIGKILL", facts: { childSignal: 9, verified: false }, expected: 137 },
    { row: "child exited with 42", facts: { childCode: 42, verified: true }, expected: 42 },
    { row: "child exited with 255", facts: { childCode: 255, verified: false }, expected: 255 },
    { row: "child exited with 1", facts: { childCode: 1, verified: true }, expected: 1 },
    {
      row: "child exited 0, verification failed",
      facts: { childCode: 0, verified: false },
      expected: 1,
    },
    { row: "child exited 0, state unreadable", facts: { childCode: 0 }, expected: 1 },
    {
      row: "child exited 0, verification passed",
      facts: { childCode: 0, verified: true },
      expected: 0,
    },
    { row: "signal SIGINT before spawn", facts: { signalBeforeSpawn: 2 }, expected: 130 },
    { row: "signal SIGTERM before spawn", facts: { signalBeforeSpawn: 15 }, expected: 143 },
    { row: "signal SIGHUP before spawn", facts: { signalBeforeSpawn: 1 }, expected: 129 },
  ];
  for (const { row, facts, expected } of cases) {
    await t.step(`${row} → ${expected}`, () => {
      assert.equal(decideExecExitCode(facts), expected);
    });
  }
});

Deno.test("decideExecExitCode() lets the child's status take precedence over verification (EXEC-7)", async (t) => {
  const cases: { name: string; facts: ExecFacts; expected: number }[] = [
    {
      name: "exit 3 beats a failed verification",
      facts: { childCode: 3, verified: false },
      expected: 3,
    },
    {
      name: "signal beats a passed verification",
      facts: { childSignal: 15, childCode: null, verified: true },
      expected: 143,
    },
    {
      name: "a null code with a null signal falls back to verification",
      facts: { childCode: null, childSignal: null, verified: true },
      expected: 0,
    },
    {
      name: "a signal before spawn beats everything",
      facts: { signalBeforeSpawn: 15, setupFailed: true, startError: "not-found" },
      expected: 143,
    },
    {
      name: "a start failure ignores verification",
      facts: { startError: "not-found", verified: true },
      expected: 127,
    },
  ];
  for (const { name, facts, expected } of cases) {
    await t.step(name, () => assert.equal(decideExecExitCode(facts), expected));
  }
});

Deno.test("nextExecPhase() follows every EXEC-2 lifecycle transition ExecSession produces; cleanup ends any phase", async (t) => {
  const cases: [ExecPhase, ExecEvent, ExecPhase][] = [
    ["created", "setup-ok", "ready"],
    ["created", "setup-failed", "cleaned"],
    ["created", "cleanup", "cleaned"],
    ["ready", "spawned", "running"],
    ["ready", "spawn-failed", "cleaned"],
    ["ready", "signal", "cleaned"],
    ["ready", "cleanup", "cleaned"],
    ["running", "exited", "exited"],
    ["running", "cleanup", "cleaned"],
    ["exited", "verify-ok", "verified-ok"],
    ["exited", "verify-fail", "verified-fail"],
    ["exited", "cleanup", "cleaned"],
    ["verified-ok", "cleanup", "cleaned"],
    ["verified-fail", "cleanup", "cleaned"],
  ];
  for (const [from, event, to] of cases) {
    await t.step(`${from} --${event}--> ${to}`, () => {
      assert.equal(nextExecPhase(from, event), to);
    });
  }
});

Deno.test("nextExecPhase() leaves the phase unchanged for events that do not apply", () => {
  const phases: ExecPhase[] = [
    "created",
    "ready",
    "running",
    "exited",
    "verified-ok",
    "verified-fail",
    "cleaned",
  ];
  const events: ExecEvent[] = [
    "setup-ok",
    "setup-failed",
    "spawned",
    "spawn-failed",
    "signal",
    "exited",
    "verify-ok",
    "verify-fail",
    "cleanup",
  ];
  const applies = new Set([
    "created setup-ok",
    "created setup-failed",
    "created cleanup",
    "ready spawned",
    "ready spawn-failed",
    "ready signal",
    "ready cleanup",
    "running exited",
    "running cleanup",
    "exited verify-ok",
    "exited verify-fail",
    "exited cleanup",
    "verified-ok cleanup",
    "verified-fail cleanup",
  ]);
  for (const phase of phases) {
    for (const event of events) {
      if (applies.has(`${phase} ${event}`)) continue;
      assert.equal(nextExecPhase(phase, event), phase, `${phase} + ${event}`);
    }
  }
});

Deno.test("nextExecPhase() walks the happy path and the signal paths end to end (EXEC-2)", async (t) => {
  const walk = (events: ExecEvent[]): ExecPhase[] => {
    const seen: ExecPhase[] = [];
    let phase: ExecPhase = "created";
    for (const event of events) {
      phase = nextExecPhase(phase, event);
      seen.push(phase);
    }
    return seen;
  };
  await t.step("setup, spawn, exit, verify ok, cleanup", () => {
    assert.deepEqual(walk(["setup-ok", "spawned", "exited", "verify-ok", "cleanup"]), [
      "ready",
      "running",
      "exited",
      "verified-ok",
      "cleaned",
    ]);
  });
  await t.step("a signal while running is forwarded and the lifecycle continues", () => {
    assert.deepEqual(walk(["setup-ok", "spawned", "signal", "exited", "verify-fail", "cleanup"]), [
      "ready",
      "running",
      "running",
      "exited",
      "verified-fail",
      "cleaned",
    ]);
  });
  await t.step("a signal before running goes straight to cleaned", () => {
    assert.deepEqual(walk(["setup-ok", "signal", "spawned"]), ["ready", "cleaned", "cleaned"]);
  });
});

Deno.test("signalNumber() numbers signals per OS", async (t) => {
  const cases: [string, string, number][] = [
    ["SIGINT", "linux", 2],
    ["SIGTERM", "linux", 15],
    ["SIGHUP", "linux", 1],
    ["SIGQUIT", "linux", 3],
    ["SIGKILL", "linux", 9],
    ["SIGUSR1", "linux", 10],
    ["SIGUSR1", "darwin", 30],
    ["SIGTERM", "darwin", 15],
    ["SIGNOPE", "linux", 0],
  ];
  for (const [name, os, expected] of cases) {
    await t.step(`${name} on ${os} is ${expected}`, () => {
      assert.equal(signalNumber(name, os), expected);
    });
  }
});
