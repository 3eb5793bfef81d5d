import { parseScenario } from "../../core/scenario_parse.ts";
import { formatDiagnostic } from "../../core/scenario_format.ts";
const cases: Record<string,string> = {
  subst: "meta: {name: a}\nsteps:\n  - match:\n      argv:\n        - a\n        - 1.10\n        - 007\n        - on\n        - yes\n        - true\n        - False\n        - 0x1F\n        - 0o17\n        - 1e3\n        - .inf\n        - -.5\n        - null\n        - ~\n        - 2001-12-14\n        - \"1.10\"\n        - 'a b'\n        -\n        - x\n",
  vars: "meta:\n  name: a\n  vars: {1x: a, capture: b, any: c, regex: d, ok: 1.10, 'a-b': x}\nsteps:\n  - match: {argv: [a]}\n",
  globs: "meta:\n  name: a\n  security:\n    deny_env_vars: ['[AWS_*', '', 'ok\\\\']\n    allowed_commands: ['', a]\nsteps:\n  - match: {argv: [a]}\n",
  ttl: "meta:\n  name: a\n  session: {ttl: 10x}\nsteps:\n  - match: {argv: [a]}\n",
  ttl0: "meta:\n  name: a\n  session: {ttl: 0}\nsteps:\n  - match: {argv: [a]}\n",
  ttlneg: "meta:\n  name: a\n  session: {ttl: -5m}\nsteps:\n  - match: {argv: [a]}\n",
  ttlok: "meta:\n  name: a\n  session: {ttl: 1h30m}\nsteps:\n  - match: {argv: [a]}\n",
  regex: "meta: {name: a}\nsteps:\n  - match: {argv: [a, '{{ .regex \"(\" }}']}\n",
  undefvar: "meta: {name: a}\nsteps:\n  - match: {argv: [a, '{{ .foo }}']}\n    respond: {stdout: '{{ .bar }}'}\n",
  tplerr: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {stdout: '{{ if .x }}', stderr: 'abc {{ .x'}\n",
  capid: "meta: {name: a, vars: {region: x}}\nsteps:\n  - match: {argv: [a]}\n    respond: {capture: {1x: a, region: b}}\n",
  capfwd: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n  - match: {argv: [b]}\n    respond: {stdout: '{{ .capture.X }}'}\n  - match: {argv: [c]}\n  - match: {argv: [d]}\n    respond: {capture: {X: v}}\n",
  capundef: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {stdout: '{{ .capture.Y }}'}\n",
  capsib: "meta: {name: a}\nsteps:\n  - group:\n      mode: unordered\n      steps:\n        - match: {argv: [a]}\n          respond: {stdout: '{{ .capture.Z }}'}\n        - match: {argv: [b]}\n          respond: {capture: {Z: v}}\n",
  capself: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {stdout: '{{ .capture.S }}', capture: {S: v}}\n",
  warns: "meta: {name: a}\nsteps:\n  - match: {argv: [echo]}\n    when: x\n  - match: {argv: [b, '{{ .capture.x }}']}\n    respond: {delay: 6m}\n",
  delaybad: "meta: {name: a}\nsteps:\n  - match: {argv: [b]}\n    respond: {delay: 5 minutes}\n",
  both: "meta: {name: a}\nsteps:\n  - match: {argv: [b]}\n    respond: {stdout: x, stdout_file: f}\n",
  bothErr: "meta: {name: a}\nsteps:\n  - match: {argv: [b]}\n    respond:\n      stderr: x\n      stderr_file: f\n",
  groups: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n  - group: {mode: unordered, name: g1, steps: [{match: {argv: [b]}}, {match: {argv: [c]}}]}\n  - group: {mode: unordered, steps: [{match: {argv: [d]}}]}\n  - match: {argv: [e]}\n",
  groupEmpty: "meta: {name: a}\nsteps:\n  - group: {mode: unordered, steps: []}\n",
  groupNoMode: "meta: {name: a}\nsteps:\n  - group: {steps: [{match: {argv: [a]}}]}\n",
  anchors: "meta: {name: a, vars: {v: &val 1.10}}\nsteps:\n  - match: &m {argv: [a, *val]}\n    respond: &r {exit: 3, stdout: hi}\n  - match: {argv: [b]}\n    respond:\n      <<: *r\n      exit: 4\n",
  stepsEmpty: "meta: {name: a}\nsteps: []\n",
  argvEmpty: "meta: {name: a}\nsteps:\n  - match: {argv: []}\n",
  metaNotMap: "meta: x\nsteps:\n  - match: {argv: [a]}\n",
  strtag: "meta: {name: a}\nsteps:\n  - match: {argv: [a, !!str 1]}\n",
  binNotB64: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {stdout: !!binary 'aGVs\n  bG8='}\n",
  yamlErr: "meta: {name: a\nsteps:\n",
  many: "meta:\n  description: x\nsteps:\n  - match: {argv: [a]}\n    respond: {stout: x}\n  - match: {argv: [b]}\n    calls: {min: 5, max: 3}\n",
};
for (const [k, t] of Object.entries(cases)) {
  const r = parseScenario(t, { file: "s.yaml" });
  console.log(`== ${k}: ${r.ok}`);
  if (!r.ok) for (const d of r.diagnostics) console.log("  " + formatDiagnostic(d));
  for (const d of r.warnings) console.log("  W " + formatDiagnostic(d));
  if (r.ok && ["subst","anchors","groups","ttlok","capsib","binNotB64","strtag", "vars"].includes(k)) console.log(JSON.stringify({m: r.scenario.meta, s: r.scenario.steps.map(s=>[s.argv, s.respond, s.group]), g: r.scenario.groups, b: r.scenario.blocks, e: r.scenario.elements}));
}
