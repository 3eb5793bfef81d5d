import assert from "node:assert/strict";
import { renderVerifyJson } from "../../../core/report/json.ts";
import { verifyState } from "../../../core/replay/verify.ts";
import { deployApp, getNodes, makeScenario, makeState } from "../_fixtures.ts";

Deno.test("renderVerifyJson() writes compact snake_case JSON in contract order (VERIFY-6, VERIFY-8)", async (t) => {
  const scenario = deployApp();
  const cases = [
    {
      name: "the VERIFY-6 example",
      result: verifyState(
        scenario,
        makeState(scenario, { counts: [1, 1, 0, 1], unexpected: [getNodes()] }),
        { session: "3f9a0c1d2e4b5a67" },
      ),
      expected:
        '{"scenario":"deploy-app","session":"3f9a0c1d2e4b5a67","passed":false,"total_steps":4,"consumed_steps":3,"steps":[{"index":0,"label":"git status","call_count":1,"min":1,"max":1,"passed":true},{"index":1,"label":"[group:pre-flight] az account show","group":"pre-flight","call_count":1,"min":1,"max":1,"passed":true},{"index":2,"label":"[group:pre-flight] docker info","group":"pre-flight","call_count":0,"min":0,"max":2,"passed":true},{"index":3,"label":"kubectl get pods -n {{ .regex \\"^prod-.*\\" }}","call_count":1,"min":1,"max":1,"passed":true}],"unexpected_calls":[{"argv":["kubectl","get","nodes"],"reason":"mismatch","step_index":1}],"unexpected_count":1}\n',
    },
    {
      name: "the VERIFY-8 error result",
      result: verifyState(scenario, undefined, {}),
      expected:
        '{"scenario":"deploy-app","session":"default","passed":false,"total_steps":0,"consumed_steps":0,"error":"no state found","steps":[],"unexpected_calls":[],"unexpected_count":0}\n',
    },
    {
      name: "the VERIFY-9 error result",
      result: verifyState(scenario, makeState(scenario, { totalSteps: 2, counts: [0, 0] }), {
        session: "s1",
      }),
      expected:
        '{"scenario":"deploy-app","session":"s1","passed":false,"total_steps":0,"consumed_steps":0,"error":"scenario changed since the session started","steps":[],"unexpected_calls":[],"unexpected_count":0}\n',
    },
    {
      name: "passed: unexpected_calls is [] and step_index null survives",
      result: (() => {
        const s = makeScenario({ name: "<s&>", steps: [{ argv: ["echo", "<b>&"] }] });
        return verifyState(
          s,
          makeState(s, {
            counts: [1],
            unexpected: [{ argv: ["echo"], reason: "complete", stepIndex: null }],
          }),
          {},
        );
      })(),
      expected:
        '{"scenario":"<s&>","session":"default","passed":false,"total_steps":1,"consumed_steps":1,"steps":[{"index":0,"label":"echo <b>&","call_count":1,"min":1,"max":1,"passed":true}],"unexpected_calls":[{"argv":["echo"],"reason":"complete","step_index":null}],"unexpected_count":1}\n',
    },
  ];
  for (const { name, result, expected } of cases) {
    await t.step(name, () => {
      const json = renderVerifyJson(result);
      assert.equal(json, expected);
      assert.equal(json.split("\n").length, 2);
    });
  }
});
