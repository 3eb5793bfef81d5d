import { parseDocument } from "yaml";
for (const t of ["a: !!binary '@@@'\n", "a: !!binary 'aGk'\n", "a: !!binary |\n  aG\n  k=\n"]) {
const d = parseDocument(t, { schema: "failsafe" });
// deno-lint-ignore no-explicit-any
const v = (d.contents as any).items[0].value;
console.log(v.value, v.source, d.errors.map(e=>e.message), d.warnings.map(e=>e.message));
}
