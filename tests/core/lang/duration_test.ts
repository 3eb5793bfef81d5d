import assert from "node:assert/strict";
import { parseDuration } from "../../../core/lang/duration.ts";

Deno.test("parseDuration() converts Go durations to milliseconds (SCN-10)", async (t) => {
  const cases: { input: string; expected: number }[] = [
    { input: "0", expected: 0 },
    { input: "-0", expected: 0 },
    { input: "+0", expected: 0 },
    { input: "0s", expected: 0 },
    { input: "300ms", expected: 300 },
    { input: "1.5h", expected: 5_400_000 },
    { input: "1h30m", expected: 5_400_000 },
    { input: "10m", expected: 600_000 },
    { input: "2s", expected: 2000 },
    { input: "1.5s", expected: 1500 },
    { input: "1.1s", expected: 1100 },
    { input: ".5s", expected: 500 },
    { input: "1.s", expected: 1000 },
    { input: "1ns", expected: 0.000001 },
    { input: "1500ns", expected: 0.0015 },
    { input: "1us", expected: 0.001 },
    { input: "1\u00b5s", expected: 0.001 },
    { input: "1\u03bcs", expected: 0.001 },
    { input: "2ms", expected: 2 },
    { input: "1h1m1s1ms", expected: 3_661_001 },
    { input: "1s1s", expected: 2000 },
    { input: "-1.5s", expected: -1500 },
    { input: "+2m", expected: 120_000 },
    { input: "0.000000001s", expected: 0.000001 },
    { input: "2562047h", expected: 2562047 * 3_600_000 },
  ];
  for (const { input, expected } of cases) {
    await t.step(JSON.stringify(input), () => {
      assert.equal(parseDuration(input), expected);
    });
  }
});

Deno.test("parseDuration() rejects anything outside Go's syntax (SCN-10)", async (t) => {
  const cases = [
    "",
    "5",
    "-5",
    "1x",
    "m",
    "s",
    " 1s",
    "1s ",
    "1 s",
    "-",
    "+",
    ".",
    ".s",
    "1S",
    "1H",
    "1sec",
    "1d",
    "1m-2s",
    "--1s",
    "1e3s",
    "0x10s",
    "00",
    "1,5s",
    "١s",
    "3000000h",
  ];
  for (const input of cases) {
    await t.step(JSON.stringify(input), () => {
      assert.equal(parseDuration(input), undefined);
    });
  }
});
