// The per-user scenario cache (SRV-9): a hit gives what a parse gives, and anything that
// could change the result — the bytes, a referenced file, the entry itself — makes it a miss.
import assert from "node:assert/strict";
import { readScenarioCached } from "../../../effects/scenario/cache.ts";
import { readScenarioFile } from "../../../effects/scenario/file.ts";
import { ReplayError } from "../../../core/errors.ts";

const YAML = `meta:
  name: cached
  vars: {ns: prod}
steps:
  - match: {argv: [kubectl, get, pods, -n, "{{ .ns }}"]}
    respond:
      stdout_file: pods.txt
  - match: {argv: [git, status]}
    respond: {stdout: !!binary AAEC, exit: 3}
`;

async function setup() {
  const dir = await Deno.makeTempDir();
  const cacheDir = `${dir}/cache`;
  await Deno.writeTextFile(`${dir}/s.yaml`, YAML);
  await Deno.writeTextFile(`${dir}/pods.txt`, "web-0 Running\n");
  return {
    dir,
    cacheDir,
    file: `${dir}/s.yaml`,
    entries: async () => {
      const names: string[] = [];
      try {
        for await (const e of Deno.readDir(cacheDir)) names.push(e.name);
      } catch { /* no dir */ }
      return names;
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("readScenarioCached() answers a second load from its entry, equal to a fresh parse (SRV-9)", async () => {
  await using t = await setup();
  const first = await readScenarioCached(t.file, { cacheDir: t.cacheDir });
  const names = await t.entries();
  assert.equal(names.length, 1, "one entry written on the miss");
  const info = await Deno.stat(t.cacheDir);
  assert.equal(info.mode! & 0o777, 0o700);
  // Poison nothing: the hit must decode to exactly what the parser produces.
  const hit = await readScenarioCached(t.file, { cacheDir: t.cacheDir });
  const parsed = await readScenarioFile(t.file);
  assert.deepEqual(hit.scenario, parsed.scenario);
  assert.deepEqual(hit.scenario, first.scenario);
  assert.deepEqual([...hit.positions], [...parsed.positions]);
  assert.equal(hit.hash, parsed.hash);
  // The hit really came from the entry: its text is what the cache holds.
  const entry = await Deno.readTextFile(`${t.cacheDir}/${names[0]}`);
  assert.match(entry, /"name":"cached"/);
});

Deno.test("readScenarioCached() re-parses after an edit, a changed referenced file or a corrupt entry (SRV-9)", async (t) => {
  await using s = await setup();
  await readScenarioCached(s.file, { cacheDir: s.cacheDir });
  await t.step("edited scenario", async () => {
    await Deno.writeTextFile(s.file, YAML.replace("name: cached", "name: edited"));
    const loaded = await readScenarioCached(s.file, { cacheDir: s.cacheDir });
    assert.equal(loaded.scenario.meta.name, "edited");
  });
  await t.step("referenced file removed: the parse reports it", async () => {
    await Deno.remove(`${s.dir}/pods.txt`);
    await assert.rejects(
      readScenarioCached(s.file, { cacheDir: s.cacheDir }),
      (e: unknown) =>
        e instanceof ReplayError && e.kind === "scenario" && /pods\.txt/.test(e.message),
    );
  });
  await t.step("corrupt entry is ignored", async () => {
    await Deno.writeTextFile(`${s.dir}/pods.txt`, "web-0 Running\n");
    for (const name of await s.entries()) {
      await Deno.writeTextFile(`${s.cacheDir}/${name}`, "{not json");
    }
    const loaded = await readScenarioCached(s.file, { cacheDir: s.cacheDir });
    assert.equal(loaded.scenario.meta.name, "edited");
  });
});

Deno.test("readScenarioCached() writes nothing when off, or into a directory others can write (SRV-9)", async () => {
  await using s = await setup();
  await readScenarioCached(s.file, { cacheDir: null });
  assert.deepEqual(await s.entries(), []);
  await Deno.mkdir(s.cacheDir, { mode: 0o777 });
  await Deno.chmod(s.cacheDir, 0o777);
  await readScenarioCached(s.file, { cacheDir: s.cacheDir });
  assert.deepEqual(await s.entries(), [], "a group/world-writable cache dir is not used");
});

Deno.test("readScenarioCached() never caches an invalid scenario (SRV-9)", async () => {
  await using s = await setup();
  await Deno.writeTextFile(
    s.file,
    "meta: {name: x}\nsteps:\n  - match: {argv: [git]}\n    respond: {stdot: x}\n",
  );
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      readScenarioCached(s.file, { cacheDir: s.cacheDir }),
      (e: unknown) =>
        e instanceof ReplayError && e.kind === "scenario" &&
        /did you mean "stdout"/.test(e.message),
    );
  }
  assert.deepEqual(await s.entries(), []);
});
