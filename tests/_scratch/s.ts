import { parseState } from "../../core/state.ts";
for (const t of ['{\n"a": 1,\n}', '{\n\n"a": tru', '', '[1', '{"a":\n\n\n"b"']) {
  try { JSON.parse(t); } catch (e) { console.log(JSON.stringify((e as Error).message)); }
  try { parseState(t, "f.state"); } catch (e) { console.log((e as Error).name, (e as Error).message, (e as {file?:string}).file); }
}
