import assert from "node:assert/strict";
import { renderJUnit } from "../../../core/report/junit.ts";
import { verifyState } from "../../../core/replay/verify.ts";
import { deployApp, getNodes, makeScenario, makeState } from "../_fixtures.ts";

const OPTS = { classname: "tests/deploy.yaml", timestamp: new Date("2026-02-07T10:30:00.123Z") };

Deno.test("renderJUnit() writes the VERIFY-7 document (VERIFY-7)", async (t) => {
  const scenario = deployApp();
  const cases = [
    {
      name: "the contract example",
      result: verifyState(
        scenario,
        makeState(scenario, { counts: [1, 0, 0, 1], unexpected: [getNodes()] }),
        {},
      ),
      expected: `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="cli-replay" tests="5" failures="2" errors="0" time="0.000">
  <testsuite name="deploy-app" tests="5" failures="2" errors="0" skipped="1" time="0.000" timestamp="2026-02-07T10:30:00Z">
    <testcase name="step[0]: git status" classname="tests/deploy.yaml" time="0.000"/>
    <testcase name="[group:pre-flight] step[1]: az account show" classname="tests/deploy.yaml" time="0.000">
      <failure message="called 0 times, minimum 1 required" type="VerificationFailure">called 0 times, minimum 1 required</failure>
    </testcase>
    <testcase name="[group:pre-flight] step[2]: docker info" classname="tests/deploy.yaml" time="0.000">
      <skipped message="optional step (min=0), not called"/>
    </testcase>
    <testcase name="step[3]: kubectl get pods -n {{ .regex &quot;^prod-.*&quot; }}" classname="tests/deploy.yaml" time="0.000"/>
    <testcase name="unexpected calls" classname="tests/deploy.yaml" time="0.000">
      <failure message="1 unexpected call" type="UnexpectedCall">["kubectl", "get", "nodes"] (mismatch at step 2)</failure>
    </testcase>
  </testsuite>
</testsuites>
`,
    },
    {
      name: "all passed: self-closing testcases, no unexpected testcase",
      result: verifyState(scenario, makeState(scenario, { counts: [1, 1, 2, 1] }), {}),
      expected: `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="cli-replay" tests="4" failures="0" errors="0" time="0.000">
  <testsuite name="deploy-app" tests="4" failures="0" errors="0" skipped="0" time="0.000" timestamp="2026-02-07T10:30:00Z">
    <testcase name="step[0]: git status" classname="tests/deploy.yaml" time="0.000"/>
    <testcase name="[group:pre-flight] step[1]: az account show" classname="tests/deploy.yaml" time="0.000"/>
    <testcase name="[group:pre-flight] step[2]: docker info" classname="tests/deploy.yaml" time="0.000"/>
    <testcase name="step[3]: kubectl get pods -n {{ .regex &quot;^prod-.*&quot; }}" classname="tests/deploy.yaml" time="0.000"/>
  </testsuite>
</testsuites>
`,
    },
    {
      name: "singular time, several unexpected calls on separate lines",
      result: (() => {
        const s = makeScenario({
          name: "poll",
          steps: [{ argv: ["a"], calls: { min: 2, max: 3 } }],
        });
        return verifyState(
          s,
          makeState(s, {
            counts: [1],
            unexpected: [
              { argv: ["b"], reason: "mismatch", stepIndex: 0 },
              { argv: ["a"], reason: "complete", stepIndex: null },
            ],
            unexpectedCount: 3,
          }),
          {},
        );
      })(),
      expected: `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="cli-replay" tests="2" failures="2" errors="0" time="0.000">
  <testsuite name="poll" tests="2" failures="2" errors="0" skipped="0" time="0.000" timestamp="2026-02-07T10:30:00Z">
    <testcase name="step[0]: a" classname="tests/deploy.yaml" time="0.000">
      <failure message="called 1 time, minimum 2 required" type="VerificationFailure">called 1 time, minimum 2 required</failure>
    </testcase>
    <testcase name="unexpected calls" classname="tests/deploy.yaml" time="0.000">
      <failure message="3 unexpected calls" type="UnexpectedCall">["b"] (mismatch at step 1)
["a"] (after completion)</failure>
    </testcase>
  </testsuite>
</testsuites>
`,
    },
  ];
  for (const { name, result, expected } of cases) {
    await t.step(name, () => assert.equal(renderJUnit(result, OPTS), expected));
  }
});

Deno.test("renderJUnit() writes the error document (VERIFY-8)", async (t) => {
  const scenario = deployApp();
  const doc = (message: string, body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="cli-replay" tests="0" failures="0" errors="1" time="0.000">
  <testsuite name="deploy-app" tests="0" failures="0" errors="1" skipped="0" time="0.000" timestamp="2026-03-01T00:00:05Z">
    <testcase name="state" classname="deploy.yaml" time="0.000">
      <error message="${message}" type="StateError">${body}</error>
    </testcase>
  </testsuite>
</testsuites>
`;
  const cases = [
    {
      name: "no state found",
      result: verifyState(scenario, undefined, {}),
      expected: doc("no state found", "no state file found for this session"),
    },
    {
      name: "scenario changed (VERIFY-9)",
      result: verifyState(scenario, makeState(scenario, { totalSteps: 1, counts: [0] }), {}),
      expected: doc(
        "scenario changed since the session started",
        "scenario changed since the session started",
      ),
    },
  ];
  for (const { name, result, expected } of cases) {
    await t.step(name, () => {
      const xml = renderJUnit(result, {
        classname: "deploy.yaml",
        timestamp: new Date(Date.UTC(2026, 2, 1, 0, 0, 5, 999)),
      });
      assert.equal(xml, expected);
    });
  }
});

Deno.test("renderJUnit() escapes attributes and text (VERIFY-7)", async (t) => {
  const cases = [
    {
      name: '& < > " in attributes',
      argv: ["echo", 'a&b<c>"d"'],
      attr: "step[0]: echo a&amp;b&lt;c&gt;&quot;d&quot;",
      text: '["echo", "a&amp;b&lt;c&gt;\\"d\\""]',
    },
    {
      name: "LF, CR and TAB as character references in attributes",
      argv: ["echo", "l1\nl2\r\tx"],
      attr: "step[0]: echo l1&#10;l2&#13;&#9;x",
      text: '["echo", "l1\\nl2\\r\\tx"]',
    },
    {
      name: "characters not allowed in XML 1.0 become U+FFFD",
      argv: ["echo", "a\u0001b\u001bc\uFFFEd\uD800e😀"],
      attr: "step[0]: echo a\uFFFDb\uFFFDc\uFFFDd\uFFFDe😀",
      text: '["echo", "a\\u0001b\\u001bc\uFFFEd\\ud800e😀"]'.replace("\uFFFE", "\uFFFD"),
    },
  ];
  for (const { name, argv, attr, text } of cases) {
    await t.step(name, () => {
      const s = makeScenario({ name: "s", steps: [{ argv }] });
      const result = verifyState(
        s,
        makeState(s, { counts: [1], unexpected: [{ argv, reason: "mismatch", stepIndex: 0 }] }),
        {},
      );
      const xml = renderJUnit(result, OPTS);
      assert.ok(xml.includes(`<testcase name="${attr}" classname=`), xml);
      assert.ok(xml.includes(`type="UnexpectedCall">${text} (mismatch at step 1)</failure>`), xml);
    });
  }
  await t.step("classname and suite name are escaped too", () => {
    const s = makeScenario({ name: 'a"b', steps: [{ argv: ["x"] }] });
    const xml = renderJUnit(verifyState(s, makeState(s, { counts: [1] }), {}), {
      classname: "dir with <&>/s.yaml",
      timestamp: new Date(0),
    });
    assert.ok(xml.includes('<testsuite name="a&quot;b" tests="1"'));
    assert.ok(xml.includes('classname="dir with &lt;&amp;&gt;/s.yaml"'));
    assert.ok(xml.includes('timestamp="1970-01-01T00:00:00Z"'));
  });
  await t.step("an invalid date is a RangeError", () => {
    const s = makeScenario({ name: "s", steps: [{ argv: ["x"] }] });
    assert.throws(
      () =>
        renderJUnit(verifyState(s, undefined, {}), { classname: "c", timestamp: new Date(NaN) }),
      { name: "RangeError" },
    );
  });
});
