import assert from "node:assert/strict";
import { compileGlob, isDeniedEnvVar } from "../../../core/lang/glob.ts";

Deno.test("compileGlob() matches whole names with Go path.Match semantics (TPL-4)", async (t) => {
  const cases: { pattern: string; name: string; expected: boolean }[] = [
    { pattern: "AWS_*", name: "AWS_SECRET_ACCESS_KEY", expected: true },
    { pattern: "AWS_*", name: "AWS_", expected: true },
    { pattern: "AWS_*", name: "MY_AWS_KEY", expected: false },
    { pattern: "AWS_*", name: "aws_key", expected: false },
    { pattern: "*_TOKEN", name: "GITHUB_TOKEN", expected: true },
    { pattern: "*_TOKEN", name: "GITHUB_TOKEN_2", expected: false },
    { pattern: "*", name: "", expected: true },
    { pattern: "*", name: "ANYTHING", expected: true },
    { pattern: "*", name: "a/b", expected: false },
    { pattern: "a*b*c", name: "aXbYc", expected: true },
    { pattern: "a*b*c", name: "aXbY", expected: false },
    { pattern: "SECRET", name: "SECRET", expected: true },
    { pattern: "SECRET", name: "SECRET2", expected: false },
    { pattern: "SECRET", name: "secret", expected: false },
    { pattern: "?", name: "A", expected: true },
    { pattern: "?", name: "é", expected: true },
    { pattern: "?", name: "😀", expected: true },
    { pattern: "?", name: "AB", expected: false },
    { pattern: "?", name: "/", expected: false },
    { pattern: "K?Y", name: "KEY", expected: true },
    { pattern: "[abc]", name: "b", expected: true },
    { pattern: "[abc]", name: "d", expected: false },
    { pattern: "[a-z]X", name: "qX", expected: true },
    { pattern: "[a-z]X", name: "QX", expected: false },
    { pattern: "[^a-z]X", name: "QX", expected: true },
    { pattern: "[^a-z]X", name: "qX", expected: false },
    { pattern: "[^a]", name: "/", expected: true },
    { pattern: "[a-cx-z]", name: "y", expected: true },
    { pattern: "[z-a]", name: "m", expected: false },
    { pattern: "[^z-a]", name: "m", expected: true },
    { pattern: "[\\]]", name: "]", expected: true },
    { pattern: "[\\-]", name: "-", expected: true },
    { pattern: "[\\^a]", name: "^", expected: true },
    { pattern: "[é-ú]", name: "ó", expected: true },
    { pattern: "\\*", name: "*", expected: true },
    { pattern: "\\*", name: "x", expected: false },
    { pattern: "\\a", name: "a", expected: true },
    { pattern: "a.b", name: "a.b", expected: true },
    { pattern: "a.b", name: "axb", expected: false },
    { pattern: "(x)+$", name: "(x)+$", expected: true },
    { pattern: "{a,b}", name: "{a,b}", expected: true },
    { pattern: "{a,b}", name: "a", expected: false },
  ];
  for (const { pattern, name, expected } of cases) {
    await t.step(`${JSON.stringify(pattern)} vs ${JSON.stringify(name)}`, () => {
      const glob = compileGlob(pattern);
      assert.ok(glob instanceof RegExp, `compile failed: ${JSON.stringify(glob)}`);
      assert.equal(glob.test(name), expected);
    });
  }
});

Deno.test("compileGlob() rejects malformed patterns with a reason (TPL-4, SCN-8)", async (t) => {
  const unterminated = 'unterminated character class (missing "]")';
  const cases: { pattern: string; error: string }[] = [
    { pattern: "[AWS_*", error: unterminated },
    { pattern: "[", error: unterminated },
    { pattern: "[a", error: unterminated },
    { pattern: "[a-", error: unterminated },
    { pattern: "[a-b", error: unterminated },
    { pattern: "[\\", error: unterminated },
    { pattern: "[\\]", error: unterminated },
    { pattern: "[^", error: unterminated },
    { pattern: "a\\", error: "trailing backslash (nothing to escape)" },
    { pattern: "\\", error: "trailing backslash (nothing to escape)" },
    { pattern: "[]", error: 'empty character class (write "\\]" for a literal "]")' },
    { pattern: "[^]", error: 'empty character class (write "\\]" for a literal "]")' },
    { pattern: "[]a]", error: 'empty character class (write "\\]" for a literal "]")' },
    { pattern: "[-a]", error: 'unescaped "-" in character class (write "\\-")' },
    { pattern: "[a-b-c]", error: 'unescaped "-" in character class (write "\\-")' },
    { pattern: "[a--]", error: 'unescaped "-" in character class (write "\\-")' },
    { pattern: "[a-]", error: 'character range has no end (write "\\-" for a literal "-")' },
  ];
  for (const { pattern, error } of cases) {
    await t.step(JSON.stringify(pattern), () => {
      assert.deepEqual(compileGlob(pattern), { error });
    });
  }
});

Deno.test("isDeniedEnvVar() applies deny_env_vars with the CLI_REPLAY_* exemption (TPL-4)", async (t) => {
  const cases: { name: string; patterns: string[]; expected: boolean }[] = [
    { name: "AWS_KEY", patterns: [], expected: false },
    { name: "AWS_KEY", patterns: ["AWS_*"], expected: true },
    { name: "AWS_KEY", patterns: ["GCP_*", "AWS_*"], expected: true },
    { name: "REGION", patterns: ["AWS_*", "*_TOKEN"], expected: false },
    { name: "aws_key", patterns: ["AWS_*"], expected: false },
    { name: "AWS_KEY", patterns: ["[AWS_*"], expected: false },
    { name: "AWS_KEY", patterns: ["[AWS_*", "AWS_*"], expected: true },
    { name: "CLI_REPLAY_SESSION", patterns: ["*"], expected: false },
    { name: "CLI_REPLAY_SCENARIO", patterns: ["CLI_*"], expected: false },
    { name: "CLI_REPLAY_RECORDING_LOG", patterns: ["*"], expected: false },
    { name: "CLI_REPLAY_SHIM_DIR", patterns: ["*"], expected: false },
    { name: "CLI_REPLAY_TRACE", patterns: ["CLI_REPLAY_TRACE"], expected: false },
    { name: "cli_replay_trace", patterns: ["*"], expected: false },
    { name: "Cli_Replay_Session", patterns: ["*"], expected: false },
    { name: "CLI_REPLAY_OTHER", patterns: ["CLI_*"], expected: true },
    { name: "CLI_REPLAY_TRACE_X", patterns: ["*"], expected: true },
    // Only ASCII letters fold: the Kelvin sign is not "k", the dotless i is not "I".
    { name: "CLI_REPLAY_SESS\u0131ON", patterns: ["*"], expected: true },
    { name: "\u212aEY", patterns: ["KEY"], expected: false },
  ];
  for (const { name, patterns, expected } of cases) {
    await t.step(`${name} with ${JSON.stringify(patterns)}`, () => {
      assert.equal(isDeniedEnvVar(name, patterns), expected);
    });
  }
});
