// Tests of core/record/redact.ts and redact_steps.ts: secrets never reach a recording (RECM-2).
import assert from "node:assert/strict";
import {
  compileRedactPattern,
  isSecretName,
  pickSecrets,
  redactArgvItem,
  redactBytes,
  redactText,
} from "../../../core/record/redact.ts";
import { formatRedactionSummary, redactSteps } from "../../../core/record/redact_steps.ts";
import { matchArgv } from "../../../core/lang/matcher.ts";
import type { RecordedStep } from "../../../core/record/scenario_writer.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("isSecretName() matches the default names without regard to case (RECM-2)", async (t) => {
  const cases: [string, boolean][] = [
    ["GITHUB_TOKEN", true],
    ["token", true],
    ["NPM_TOKEN_RO", true],
    ["CLIENT_SECRET", true],
    ["db_password", true],
    ["MYSQL_PASSWD", true],
    ["OPENAI_API_KEY", true],
    ["StripeApiKey", true],
    ["SSH_PRIVATE_KEY", true],
    ["GOOGLE_APPLICATION_CREDENTIALS", true],
    ["AWS_ACCESS_KEY_ID", true],
    ["aws_access_key_id", true],
    ["GITLAB_PAT", true],
    ["HOME", false],
    ["PATH", false],
    ["AWS_REGION", false],
    ["PATTERN", false],
    ["PAT", false],
    ["KEY", false],
    ["MY_AWS_ACCESS_KEY_ID_2", false],
  ];
  for (const [name, expected] of cases) {
    await t.step(`${name} → ${expected}`, () => assert.equal(isSecretName(name), expected));
  }
});

Deno.test("pickSecrets() keeps secret-named values of 6 characters or more (RECM-2)", () => {
  const env = {
    GITHUB_TOKEN: "ghp_0123456789",
    SHORT_TOKEN: "12345",
    EXACT_TOKEN: "123456",
    HOME: "/home/me",
    DATABASE_URL: "postgres://u:pw@db/app",
  };
  assert.deepEqual(pickSecrets(env), { GITHUB_TOKEN: "ghp_0123456789", EXACT_TOKEN: "123456" });
  assert.deepEqual(pickSecrets(env, { defaults: false }), {});
  assert.deepEqual(pickSecrets(env, { defaults: false, names: ["DATABASE_URL", "SHORT_TOKEN"] }), {
    DATABASE_URL: "postgres://u:pw@db/app",
  });
});

Deno.test("compileRedactPattern() compiles a pattern or says why not", () => {
  const ok = compileRedactPattern("Bearer (\\S+)");
  assert.ok(ok instanceof RegExp);
  assert.ok(ok.global && ok.hasIndices);
  assert.match(String(compileRedactPattern("(unclosed")), /Unterminated group/);
  assert.equal(compileRedactPattern(""), "the pattern is empty");
});

Deno.test("redactText() replaces every secret and pattern match (RECM-2)", async (t) => {
  const rules = {
    secrets: { GITHUB_TOKEN: "ghp_aaaaaa", NPM_TOKEN: "npm_bbbbbb" },
    patterns: [/Bearer (\S+)/gd, /sk-[a-z0-9]{8}/gd],
  };
  const cases = [
    { text: "no secret here\n", want: "no secret here\n", labels: [] },
    {
      text: "ghp_aaaaaa and ghp_aaaaaa\n",
      want: "[REDACTED:GITHUB_TOKEN] and [REDACTED:GITHUB_TOKEN]\n",
      labels: ["GITHUB_TOKEN", "GITHUB_TOKEN"],
    },
    {
      text: "npm_bbbbbb/ghp_aaaaaa",
      want: "[REDACTED:NPM_TOKEN]/[REDACTED:GITHUB_TOKEN]",
      labels: ["NPM_TOKEN", "GITHUB_TOKEN"],
    },
    {
      text: "Authorization: Bearer xyz.123\n",
      want: "Authorization: Bearer [REDACTED]\n",
      labels: ["regex"],
    },
    { text: "key=sk-abcd1234;", want: "key=[REDACTED];", labels: ["regex"] },
    {
      // The token is also what the Bearer pattern's group matches: one value, named.
      text: "Bearer ghp_aaaaaa",
      want: "Bearer [REDACTED:GITHUB_TOKEN]",
      labels: ["GITHUB_TOKEN"],
    },
  ];
  for (const c of cases) {
    await t.step(JSON.stringify(c.text), () => {
      assert.deepEqual(redactText(c.text, rules), { text: c.want, labels: c.labels });
    });
  }
  await t.step("a value shorter than 6 characters is never searched for", () => {
    assert.deepEqual(redactText("abc abc", { secrets: { X_TOKEN: "abc" }, patterns: [] }), {
      text: "abc abc",
      labels: [],
    });
  });
  await t.step("a pattern whose group did not take part redacts nothing", () => {
    assert.equal(redactText("a=", { secrets: {}, patterns: [/a=(\d+)?/gd] }).text, "a=");
  });
});

Deno.test("redactArgvItem() keeps the literal parts exact and accepts any secret (RECM-2)", async (t) => {
  const rules = { secrets: { API_TOKEN: "secret123" }, patterns: [/pw:(\w+)/gd] };
  const cases = [
    {
      item: "--token=secret123",
      want: '{{ .regex "^--token=.*$" }}',
      accepts: ["--token=secret123", "--token=", "--token=other"],
      rejects: ["--tokens=secret123", "-token=x", "x--token=y"],
    },
    { item: "secret123", want: "{{ .any }}", accepts: ["anything", ""], rejects: [] },
    {
      item: "https://x.io/a.b?t=secret123&v=(1)",
      want: '{{ .regex "^https://x\\.io/a\\.b\\?t=.*&v=\\(1\\)$" }}',
      accepts: ["https://x.io/a.b?t=&v=(1)", "https://x.io/a.b?t=zz&v=(1)"],
      rejects: ["https://xxio/a.b?t=zz&v=(1)", "https://x.io/a.b?t=zz&v=1"],
    },
    {
      item: "user:secret123,pw:hunter2",
      want: '{{ .regex "^user:.*,pw:.*$" }}',
      accepts: ["user:,pw:", "user:a,pw:b"],
      rejects: ["usr:a,pw:b"],
    },
    { item: "--verbose", want: "--verbose", accepts: ["--verbose"], rejects: ["--quiet"] },
  ];
  for (const c of cases) {
    await t.step(c.item, () => {
      const { item } = redactArgvItem(c.item, rules);
      assert.equal(item, c.want);
      for (const value of c.accepts) {
        assert.ok(matchArgv(["cmd", item], ["cmd", value]), `${item} accepts ${value}`);
      }
      for (const value of c.rejects) {
        assert.ok(!matchArgv(["cmd", item], ["cmd", value]), `${item} rejects ${value}`);
      }
      assert.ok(matchArgv(["cmd", item], ["cmd", c.item]), "the recorded value matches");
    });
  }
  await t.step("a secret with a line break is accepted across lines", () => {
    const { item } = redactArgvItem("key=a\nbcdefg", {
      secrets: { K_SECRET: "a\nbcdefg" },
      patterns: [],
    });
    assert.ok(matchArgv(["cmd", item], ["cmd", "key=x\ny"]));
  });
});

Deno.test("redactBytes() redacts UTF-8 as text and other bytes byte for byte (RECM-2)", () => {
  const rules = { secrets: { T_TOKEN: "tökenvalue" }, patterns: [] };
  const text = redactBytes(enc.encode("a tökenvalue b"), rules);
  assert.equal(dec.decode(text.bytes), "a [REDACTED:T_TOKEN] b");
  const binary = new Uint8Array([0xff, 0xfe, ...enc.encode("tökenvalue"), 0x00, 0x80]);
  const out = redactBytes(binary, rules);
  assert.deepEqual([...out.bytes], [0xff, 0xfe, ...enc.encode("[REDACTED:T_TOKEN]"), 0x00, 0x80]);
  assert.deepEqual(out.labels, ["T_TOKEN"]);
  const untouched = new Uint8Array([0xff, 0x01]);
  assert.equal(redactBytes(untouched, rules).bytes, untouched);
});

Deno.test("redactSteps() redacts argv, stdin and every answer, and stops matching redacted stdin (RECM-2)", () => {
  const step: RecordedStep = {
    argv: ["docker", "login", "-u", "me", "--password-stdin"],
    stdin: enc.encode("s3cret-pass\n"),
    answers: [
      { exit: 0, stdout: enc.encode("Login Succeeded\n"), stderr: new Uint8Array() },
      { exit: 1, stdout: new Uint8Array(), stderr: enc.encode("bad s3cret-pass\n") },
    ],
  };
  const docker: RecordedStep = {
    argv: ["docker", "push", "s3cret-pass"],
    answers: [{ exit: 0, stdout: new Uint8Array(), stderr: new Uint8Array() }],
  };
  const { steps, counts } = redactSteps([step, docker], {
    secrets: { REGISTRY_PASSWORD: "s3cret-pass" },
    patterns: [],
  });
  assert.equal(steps[0]!.stdin, undefined);
  assert.equal(
    steps[0]!.note,
    'stdin held a secret, so it is not matched: "[REDACTED:REGISTRY_PASSWORD]\\n"',
  );
  assert.equal(dec.decode(steps[0]!.answers[1]!.stderr), "bad [REDACTED:REGISTRY_PASSWORD]\n");
  assert.equal(dec.decode(steps[0]!.answers[0]!.stdout), "Login Succeeded\n");
  assert.deepEqual(steps[1]!.argv, ["docker", "push", "{{ .any }}"]);
  assert.deepEqual([...counts], [["REGISTRY_PASSWORD", 3]]);
  // the command name itself is never redacted
  const named = redactSteps([{ ...docker, argv: ["s3cret-pass"] }], {
    secrets: { X_TOKEN: "s3cret-pass" },
    patterns: [],
  });
  assert.deepEqual(named.steps[0]!.argv, ["s3cret-pass"]);
});

Deno.test("formatRedactionSummary() counts values by name (RECM-2)", () => {
  assert.equal(
    formatRedactionSummary(new Map([["GITHUB_TOKEN", 3], ["regex", 1]])),
    "redacted 4 values (GITHUB_TOKEN ×3, regex ×1)",
  );
  assert.equal(formatRedactionSummary(new Map([["X_TOKEN", 1]])), "redacted 1 value (X_TOKEN ×1)");
  assert.equal(formatRedactionSummary(new Map()), undefined);
});
