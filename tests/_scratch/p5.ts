import { parseScenario } from "../../core/scenario_parse.ts";
import { formatDiagnostic } from "../../core/scenario_format.ts";
const cases: Record<string,string> = {
  metaBad: "meta: {name: a, vars: {x: y}, descripton: z}\nsteps:\n  - match: {argv: [a, '{{ .x }}']}\n    respond: {stdout: '{{ .x }}'}\n",
  capBad: "meta: {name: a}\nsteps:\n  - match: {argv: [a]}\n    respond: {capture: {X: v}, stdot: 1}\n  - match: {argv: [b]}\n    respond: {stdout: '{{ .capture.X }}'}\n",
};
for (const [k, t] of Object.entries(cases)) {
  const r = parseScenario(t, { file: "s.yaml" });
  console.log(`== ${k}: ${r.ok}`);
  if (!r.ok) for (const d of r.diagnostics) console.log("  " + formatDiagnostic(d));
}
