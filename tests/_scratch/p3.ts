import { parseScenario } from "../../core/scenario_parse.ts";
import { formatDiagnostic } from "../../core/scenario_format.ts";
const cases: Record<string,string> = {
  scalarStep: "meta: {name: a}\nsteps:\n  - x\n  -\n  - {}\n",
  groupScalar: "meta: {name: a}\nsteps:\n  - group: x\n",
  matchScalar: "meta: {name: a}\nsteps:\n  - match: x\n",
  dupNested: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond:\n      exit: 1\n      exit: 2\n",
  rootUnknown: "metaa: {name: a}\nsteps:\n  - match: {argv: [a]}\n",
  metaUnknown: "meta: {name: a, descripton: x, security: {alowed_commands: [a]}, session: {tll: 1m}}\nsteps:\n  - match: {argv: [a]}\n",
  levels: "meta: {name: a}\nsteps:\n  - match: {argv: [a], exit: 1}\n    respond: {argv: [a], min: 1, calls: {}}\n    calls: {mni: 1, max: 2}\n    stdout: x\n",
  binBlock: "meta: {name: a}\nsteps:\n  - match:\n      argv: [a]\n      stdin: !!binary |\n        aGVs\n        bG8=\n    respond:\n      stdout: !!binary AAEC/w==\n",
  binVars: "meta: {name: a, vars: {x: !!binary aGVsbG8=}}\nsteps:\n  - match: {argv: [a]}\n",
  customTag: "meta: {name: !foo a}\nsteps:\n  - match: {argv: [a]}\n",
  mapTag: "meta: !!map {name: a}\nsteps:\n  - match: {argv: [a]}\n",
  setTag: "meta: !!set {name: a}\nsteps:\n  - match: {argv: [a]}\n",
  argv0s: "meta: {name: a}\nsteps:\n  - match: {argv: ['']}\n  - match: {argv: ['.']}\n  - match: {argv: ['..']}\n  - match: {argv: ['a\\tb']}\n  - match: {argv: [\"a\\x7fb\"]}\n  - match: {argv: ['{{ .any }}']}\n  - match: {argv: [/usr/bin/git]}\n",
  long: "meta: {name: a}\nsteps:\n  - match: {argv: [" + "é".repeat(128) + "]}\n  - match: {argv: [" + "a".repeat(255) + "]}\n",
  groupsN: "meta: {name: a}\nsteps:\n  - group: {mode: unordered, name: a, steps: [{match: {argv: [a]}}]}\n  - group: {mode: unordered, steps: [{match: {argv: [b]}}]}\n  - group: {mode: unordered, name: a, steps: [{match: {argv: [c]}}]}\n",
  groupMember: "meta: {name: a}\nsteps:\n  - group:\n      mode: unordered\n      steps:\n        - match: {argv: [a]}\n          respond: {stdot: x}\n        - match: {argv: [b]}\n          calls: {min: 0}\n",
  multiline: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond:\n      stdout: hello\n        world\n",
  plusminus: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {exit: +-3}\n    calls: {min: '1', max: 1.0}\n",
  twoDocsEmpty: "meta: {name: a}\nsteps: [{match: {argv: [a]}}]\n---\n",
  docStart: "---\nmeta: {name: a}\nsteps: [{match: {argv: [a]}}]\n",
  justDashes: "---\n",
  ws: "   \n\n",
  crlf: "meta:\r\n  name: a\r\nsteps:\r\n  - match: {argv: [a]}\r\n    respond: {stdot: x}\r\n",
};
for (const [k, t] of Object.entries(cases)) {
  const r = parseScenario(t, { file: "s.yaml" });
  console.log(`== ${k}: ${r.ok}`);
  if (!r.ok) for (const d of r.diagnostics) console.log("  " + formatDiagnostic(d));
  for (const d of r.warnings) console.log("  W " + formatDiagnostic(d));
  if (r.ok) console.log(JSON.stringify(r.scenario.steps.map(s=>[s.argv, s.stdin, s.respond.stdout, s.calls])));
}
