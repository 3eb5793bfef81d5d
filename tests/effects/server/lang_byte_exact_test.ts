// LANG-2..6 through the session server: every call is answered by the server's bash fast path
// byte for byte as the cold path answers it — stdout, stderr, exit code and state — except a
// faked signal, which the server hands to the cold path (the fake's own process must die).
import assert from "node:assert/strict";
import { type CallOptions, type CallResult, twinSessions } from "./_twins.ts";
import { serverTest } from "../../_helpers.ts";

const decoder = new TextDecoder();

function show(r: CallResult): string {
  return `exit ${r.code}\nstdout ${JSON.stringify(decoder.decode(r.stdout))}\nstderr ${
    JSON.stringify(decoder.decode(r.stderr))
  }`;
}

const SCENARIO = `meta:
  name: lang
  vars: {region: eu}
forbid:
  - argv: [terraform, destroy]
    message: never destroy
steps:
  - match:
      argv: [kubectl, rollout, status, '{{ .regex "^deploy/(?<app>[a-z]+)$" }}']
    respond:
      - {stdout: "waiting for {{ .capture.app }}\\n", exit: 1}
      - {stdout: "{{ .capture.app }} ready\\n"}
  - match:
      argv: [kubectl, logs, "{{ .capture.app }}"]
      env: {KUBE_CONTEXT: '{{ .regex "^prod" }}', DRY_RUN: null, EMPTY: ""}
    calls: {min: 1, max: 3}
    respond:
      stdout: "logs of {{ .capture.app }} for {{ .capture.user }} in {{ .region }}\\n"
      capture:
        user: {from: env.DEPLOYER}
        ctx: {from: env.KUBE_CONTEXT, regex: "^prod-(.+)$"}
  - match:
      argv: [kubectl, apply, -f, "-"]
      stdin: {json: {kind: Deployment, spec: {replicas: 3}}}
    calls: {min: 1, max: 2}
    respond:
      stdout: "applied {{ .capture.name }} in {{ .capture.ctx }}\\n"
      capture:
        name: {from: stdin, regex: '"name": *"([^"]+)"'}
  - match:
      argv: [curl, "{{ .any }}"]
    respond:
      stdout: "partial {{ .capture.lc }}"
      stderr: "killed\\n"
      signal: TERM
      capture: {lc: {from: env.LC_ALL}}
`;

/** One call: its argv, its options, and the path the fast twin must take. */
interface Row {
  name: string;
  argv: string[];
  opts?: CallOptions;
  path: "answered" | "cold";
}

const ENV = { KUBE_CONTEXT: "prod-eu", DEPLOYER: "ann", EMPTY: "", DRY_RUN: undefined };

const ROWS: Row[] = [
  {
    name: "first answer, named group captured",
    argv: ["kubectl", "rollout", "status", "deploy/web"],
    path: "answered",
  },
  { name: "second answer", argv: ["kubectl", "rollout", "status", "deploy/web"], path: "answered" },
  { name: "forbidden call", argv: ["terraform", "destroy", "-auto-approve"], path: "answered" },
  {
    name: "env: a variable that must be unset is set",
    argv: ["kubectl", "logs", "web"],
    opts: { env: { ...ENV, DRY_RUN: "1" } },
    path: "answered",
  },
  {
    name: "env: a variable that must be set and empty is unset",
    argv: ["kubectl", "logs", "web"],
    opts: { env: { ...ENV, EMPTY: undefined } },
    path: "answered",
  },
  {
    name: "env: a regex that does not match",
    argv: ["kubectl", "logs", "web"],
    opts: { env: { ...ENV, KUBE_CONTEXT: "dev" } },
    path: "answered",
  },
  {
    name: "env matches, captures from the environment",
    argv: ["kubectl", "logs", "web"],
    opts: { env: ENV },
    path: "answered",
  },
  {
    name: "the captured value in argv: another value is a mismatch",
    argv: ["kubectl", "logs", "api"],
    opts: { env: ENV },
    path: "answered",
  },
  {
    name: "stdin json rule does not hold",
    argv: ["kubectl", "apply", "-f", "-"],
    opts: { stdin: '{"kind": "Deployment", "spec": {"replicas": 2}}' },
    path: "answered",
  },
  {
    name: "stdin json rule holds, capture from stdin",
    argv: ["kubectl", "apply", "-f", "-"],
    opts: {
      stdin: '{"kind": "Deployment", "metadata": {"name": "web-1"}, "spec": {"replicas": 3}}',
    },
    path: "answered",
  },
  // The shim counts bytes under LC_ALL=C; the cold path it hands over to sees the caller's.
  {
    name: "faked signal",
    argv: ["curl", "https://example.com"],
    opts: { env: { LC_ALL: "C.UTF-8" } },
    path: "cold",
  },
];

serverTest(
  "session server: answer sequences, captures, match.env, stdin rules and forbidden calls equal the cold path's; a faked signal takes the cold path (LANG-2..6, SRV-3)",
  async (t) => {
    await using twins = await twinSessions(SCENARIO);
    const seen: Record<string, string> = {};
    for (const row of ROWS) {
      await t.step(row.name, async () => {
        const before = { ...twins.fast.server!.stats };
        const [fast, cold] = await twins.both(row.argv, row.opts);
        const both = `${show(fast)}\n---\n${show(cold)}`;
        assert.equal(fast.code, cold.code, both);
        assert.deepEqual(fast.stdout, cold.stdout, both);
        assert.deepEqual(fast.stderr, cold.stderr, both);
        seen[row.name] = `${fast.code} ${decoder.decode(fast.stdout)}`;
        assert.equal(
          twins.fast.server!.stats[row.path],
          before[row.path] + 1,
          `taken: ${row.path}`,
        );
        assert.deepEqual(await twins.fast.state(), await twins.cold.state());
      });
    }
    await t.step("the answers are the scenario's", () => {
      assert.deepEqual(seen, {
        "first answer, named group captured": "1 waiting for web\n",
        "second answer": "0 web ready\n",
        "forbidden call": "1 ",
        "env: a variable that must be unset is set": "1 ",
        "env: a variable that must be set and empty is unset": "1 ",
        "env: a regex that does not match": "1 ",
        "env matches, captures from the environment": "0 logs of web for ann in eu\n",
        "the captured value in argv: another value is a mismatch": "1 ",
        "stdin json rule does not hold": "1 ",
        "stdin json rule holds, capture from stdin": "0 applied web-1 in eu\n",
        "faked signal": "143 partial C.UTF-8",
      });
    });
  },
);
