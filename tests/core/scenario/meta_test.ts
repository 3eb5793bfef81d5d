import assert from "node:assert/strict";
import { errors, load, ONE_STEP, withSteps, yaml } from "./_helpers.ts";

Deno.test("parseScenario() rejects a blank meta.name (SCN-5)", async (t) => {
  const cases = [
    { written: "''", column: 9 },
    { written: "'   '", column: 9 },
    { written: '"\\t"', column: 9 },
  ];
  for (const { written, column } of cases) {
    await t.step(written, () => {
      assert.deepEqual(errors(yaml("meta:", `  name: ${written}`, "steps:", ...ONE_STEP)), [
        `s.yaml:2:${column}: meta.name: meta.name must not be empty`,
      ]);
    });
  }
  await t.step("name with nothing after the colon", () => {
    assert.deepEqual(errors(yaml("meta:", "  name:", "steps:", ...ONE_STEP)), [
      "s.yaml:2:8: meta.name: meta.name must not be empty",
    ]);
  });
  await t.step("meta.description defaults to empty (SCN-6)", () => {
    assert.equal(load(withSteps(...ONE_STEP)).meta.description, "");
  });
});

Deno.test("parseScenario() checks meta.vars names (SCN-7)", async (t) => {
  const cases = [
    { key: "1x", message: 'variable name "1x" must match [A-Za-z_][A-Za-z0-9_]*' },
    { key: "a-b", message: 'variable name "a-b" must match [A-Za-z_][A-Za-z0-9_]*' },
    { key: "a.b", message: 'variable name "a.b" must match [A-Za-z_][A-Za-z0-9_]*' },
    { key: "'x y'", message: 'variable name "x y" must match [A-Za-z_][A-Za-z0-9_]*' },
    {
      key: "capture",
      message: 'variable name "capture" is reserved (capture, any and regex are template syntax)',
    },
    {
      key: "any",
      message: 'variable name "any" is reserved (capture, any and regex are template syntax)',
    },
    {
      key: "regex",
      message: 'variable name "regex" is reserved (capture, any and regex are template syntax)',
    },
  ];
  for (const { key, message } of cases) {
    await t.step(key, () => {
      const [line] = errors(
        yaml("meta:", "  name: s", "  vars:", `    ${key}: v`, "steps:", ...ONE_STEP),
      );
      assert.match(line ?? "", /^s\.yaml:4:5: meta\.vars\./);
      assert.ok(line?.endsWith(`: ${message}`), line);
    });
  }
  await t.step("valid names keep their values as written (SCN-14)", () => {
    const s = load(yaml(
      "meta:",
      "  name: s",
      "  vars: {_a: 1.10, B2: on, c_3: ~, d:}",
      "steps:",
      ...ONE_STEP,
    ));
    assert.deepEqual(s.meta.vars, { _a: "1.10", B2: "on", c_3: "~", d: "" });
  });
});

Deno.test("parseScenario() checks meta.security lists (SCN-8)", async (t) => {
  const cases = [
    {
      name: "unterminated class",
      list: "deny_env_vars: ['[AWS_*']",
      expected:
        's.yaml:3:30: meta.security.deny_env_vars[0]: invalid glob pattern "[AWS_*": unterminated character class (missing "]")',
    },
    {
      name: "empty pattern",
      list: "deny_env_vars: [AWS_*, '']",
      expected: "s.yaml:3:37: meta.security.deny_env_vars[1]: must not be empty",
    },
    {
      name: "empty command name",
      list: "allowed_commands: [git, '']",
      expected: "s.yaml:3:38: meta.security.allowed_commands[1]: must not be empty",
    },
    {
      name: "blank command name",
      list: "allowed_commands: ['  ']",
      expected: "s.yaml:3:33: meta.security.allowed_commands[0]: must not be empty",
    },
  ];
  for (const { name, list, expected } of cases) {
    await t.step(name, () => {
      assert.deepEqual(
        errors(yaml("meta:", "  name: s", `  security: {${list}}`, "steps:", ...ONE_STEP)),
        [
          expected,
        ],
      );
    });
  }
  await t.step("valid patterns and empty lists are accepted", () => {
    const s = load(yaml(
      "meta:",
      "  name: s",
      "  security:",
      "    allowed_commands: []",
      "    deny_env_vars: ['AWS_*', '[A-Z]?_KEY', 'TOKEN', 'x\\*']",
      "steps:",
      ...ONE_STEP,
    ));
    assert.deepEqual(s.meta.allowedCommands, []);
    assert.deepEqual(s.meta.denyEnvVars, ["AWS_*", "[A-Z]?_KEY", "TOKEN", "x\\*"]);
  });
});

Deno.test("parseScenario() parses meta.session.ttl as a positive duration (SCN-9, SCN-10)", async (t) => {
  const valid = [
    { ttl: "10m", ms: 600_000 },
    { ttl: "1.5h", ms: 5_400_000 },
    { ttl: "1h30m", ms: 5_400_000 },
    { ttl: "300ms", ms: 300 },
    { ttl: ".5s", ms: 500 },
    { ttl: "1000000ns", ms: 1 },
    { ttl: "1000us", ms: 1 },
    { ttl: "1000\u00b5s", ms: 1 },
    { ttl: "1000\u03bcs", ms: 1 },
  ];
  for (const { ttl, ms } of valid) {
    await t.step(`valid ${ttl}`, () => {
      const s = load(
        yaml("meta:", "  name: s", "  session:", `    ttl: ${ttl}`, "steps:", ...ONE_STEP),
      );
      assert.equal(s.meta.ttlMs, ms);
      assert.equal(s.meta.ttl, ttl);
    });
  }
  const invalid = [
    { ttl: "10", message: 'invalid duration "10": expected a duration such as 30s, 10m or 1h' },
    { ttl: "10x", message: 'invalid duration "10x": expected a duration such as 30s, 10m or 1h' },
    { ttl: "1 h", message: 'invalid duration "1 h": expected a duration such as 30s, 10m or 1h' },
    { ttl: "h", message: 'invalid duration "h": expected a duration such as 30s, 10m or 1h' },
    { ttl: "0", message: 'ttl must be greater than zero, got "0"' },
    { ttl: "0s", message: 'ttl must be greater than zero, got "0s"' },
    { ttl: "-5m", message: 'ttl must be greater than zero, got "-5m"' },
  ];
  for (const { ttl, message } of invalid) {
    await t.step(`invalid ${ttl}`, () => {
      assert.deepEqual(
        errors(yaml("meta:", "  name: s", "  session:", `    ttl: ${ttl}`, "steps:", ...ONE_STEP)),
        [`s.yaml:4:10: meta.session.ttl: ${message}`],
      );
    });
  }
  await t.step("absent ttl leaves ttlMs undefined", () => {
    const s = load(withSteps(...ONE_STEP));
    assert.equal(s.meta.ttlMs, undefined);
    assert.equal("ttl" in s.meta, false);
  });
});
