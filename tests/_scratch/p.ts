import { parseScenario } from "/work/main/core/scenario_parse.ts";
import { formatDiagnostic } from "/work/main/core/scenario_format.ts";
const cases: Record<string,string> = {
  empty: "",
  nulldoc: "~\n",
  comment: "# hi\n",
  seqroot: "- a\n",
  scalarroot: "hello\n",
  twodocs: "meta: {name: a}\nsteps: [{match: {argv: [a]}}]\n---\nmeta: {name: b}\n",
  bom: "\uFEFFmeta: {name: a}\nsteps: [{match: {argv: [a]}}]\n",
  stdot: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {stdot: x}\n",
  stdoutUnderMatch: "meta: {name: a}\nsteps:\n  - match: {argv: [a], stdout: x}\n",
  zzz: "meta: {name: a}\nsteps:\n  - match: {argv: [a], zzzzzz: x}\n",
  groupnmae: "meta: {name: a}\nsteps:\n  - group:\n      mode: unordered\n      nmae: x\n      steps: [{match: {argv: [a]}}]\n",
  dup: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    match: {argv: [b]}\n",
  metaMissing: "steps:\n  - match: {argv: [a]}\n",
  nameMissing: "meta:\n  description: x\nsteps:\n  - match: {argv: [a]}\n",
  blank: "meta: {name: '  '}\nsteps:\n  - match: {argv: [a]}\n",
  mixed: "meta: {name: a}\nsteps:\n  - group: {mode: unordered, steps: [{match: {argv: [a]}}]}\n    match: {argv: [b]}\n",
  neither: "meta: {name: a}\nsteps:\n  - respond: {exit: 1}\n",
  nested: "meta: {name: a}\nsteps:\n  - group: {mode: unordered, steps: [{group: {mode: unordered, steps: [{match: {argv: [a]}}]}}]}\n",
  ordered: "meta: {name: a}\nsteps:\n  - group: {mode: ordered, steps: [{match: {argv: [a]}}]}\n",
  nestedseq: "meta: {name: a}\nsteps:\n  - match: {argv: [a, b, [c]]}\n",
  intq: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {exit: \"1\"}\n",
  intf: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {exit: 1.0}\n",
  inthex: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {exit: 0x1}\n",
  intplus: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {exit: +3}\n",
  intplusminus: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {exit: +-3}\n",
  exit300: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {exit: 300}\n",
  callsEmpty: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    calls: {}\n",
  callsMin0: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    calls: {min: 0}\n",
  callsNeg: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    calls: {min: -1, max: 2}\n",
  callsMax0: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    calls: {max: 0}\n",
  calls53: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    calls: {min: 5, max: 3}\n",
  mergeUnknown: "base: &b {argv: [a], zz: 1}\nmeta: {name: a}\nsteps:\n  - match: {<<: *b}\n",
  mergeUnknown2: "meta: {name: a}\nsteps:\n  - match: &m {argv: [a]}\n    respond: &r {exit: 2, stdot: x}\n  - match: {argv: [b]}\n    respond: {<<: *r}\n",
  tag: "meta: {name: a}\nsteps:\n  - match: {argv: [a, !!int 3]}\n",
  binOk: "meta: {name: a}\nsteps:\n  - match: {argv: [a], stdin: !!binary aGVsbG8=}\n",
  binBad: "meta: {name: a}\nsteps:\n  - match: {argv: [a, !!binary aGVsbG8=]}\n",
  case: "meta: {name: a}\nsteps:\n  - match: {argv: [Kubectl]}\n  - match: {argv: [kubectl]}\n",
  argv0: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n  - match: {argv: [b]}\n  - match: {argv: [../bin/x]}\n",
  grpdupe: "meta: {name: a}\nsteps:\n  - group: {mode: unordered, name: group-2, steps: [{match: {argv: [a]}}]}\n  - group: {mode: unordered, steps: [{match: {argv: [b]}}]}\n",
};
for (const [k, t] of Object.entries(cases)) {
  const r = parseScenario(t, { file: "s.yaml" });
  console.log(`== ${k}: ${r.ok}`);
  if (!r.ok) for (const d of r.diagnostics) console.log("  " + formatDiagnostic(d));
  for (const d of r.warnings) console.log("  W " + formatDiagnostic(d));
  if (r.ok && k === "intplus") console.log(r.scenario.steps[0]!.respond.exit);
}
