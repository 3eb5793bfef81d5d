import { parseDocument } from "yaml";
const d = parseDocument("a: {b: 1}\nc: [1]\nd:\n  e: 1\nf: !!map {x: 1}\ng: ---\n", { schema: "failsafe" });
// deno-lint-ignore no-explicit-any
for (const p of (d.contents as any).items) console.log(p.key.value, p.value?.tag, p.value?.constructor?.name);
const e = parseDocument("---\n", { schema: "failsafe" });
console.log(e.contents, );
const f = parseDocument("~\n", { schema: "failsafe" });
console.log(f.contents);
