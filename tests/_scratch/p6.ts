import { parseScenario } from "../../core/scenario_parse.ts";
import { formatDiagnostic } from "../../core/scenario_format.ts";
const cases: Record<string,string> = {
  badb64: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {stdout: !!binary '@@@'}\n",
  binfile: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {stdout_file: !!binary 'aGk='}\n",
  bintpl: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {stdout: !!binary 'e3sgLnggfX0='}\n",
  aliasArgv0: "meta: {name: a}\nsteps:\n  - match: {argv: [&c kubectl, get]}\n  - match: {argv: [*c, apply]}\n",
  mergeSeq: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: &r1 {exit: 1}\n  - match: {argv: [b]}\n    respond: &r2 {stdout: x}\n  - match: {argv: [c]}\n    respond:\n      <<: [*r1, *r2]\n",
  mergeMeta: "meta: &m {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond:\n      <<: *m\n",
  aliasStr: "meta: {name: &n 1.10}\nsteps:\n  - match: {argv: [a, *n]}\n",
  dupMeta: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\nmeta: {name: b}\n",
  argvCap: "meta: {name: a}\nsteps:\n  - match: {argv: [a, 'x{{ .capture.id }}']}\n",
};
for (const [k, t] of Object.entries(cases)) {
  const r = parseScenario(t, { file: "s.yaml" });
  console.log(`== ${k}: ${r.ok}`);
  if (!r.ok) for (const d of r.diagnostics) console.log("  " + formatDiagnostic(d));
  for (const d of r.warnings) console.log("  W " + formatDiagnostic(d));
  if (r.ok) console.log(JSON.stringify(r.scenario.steps.map(s=>[s.argv, s.respond])));
}
