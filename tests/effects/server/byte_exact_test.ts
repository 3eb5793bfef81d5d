// SRV-3: a call answered by the session server is byte for byte the call the cold path
// answers — stdout, stderr, exit code and the state it leaves — for every kind of answer.
// Each case runs in twin sessions of one scenario (server / cold) and compares.
import assert from "node:assert/strict";
import { type CallResult, twinSessions } from "./_twins.ts";
import { serverTest } from "../../_helpers.ts";

const decoder = new TextDecoder();

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function show(r: CallResult): string {
  return `exit ${r.code}\nstdout ${JSON.stringify(decoder.decode(r.stdout))}\nstderr ${
    JSON.stringify(decoder.decode(r.stderr))
  }`;
}

/** Asserts two results are identical, bytes included. */
function assertSame(fast: CallResult, cold: CallResult): void {
  assert.equal(fast.code, cold.code, `exit codes differ\n${show(fast)}\n---\n${show(cold)}`);
  assert.deepEqual(fast.stdout, cold.stdout, `stdout differs\n${show(fast)}\n---\n${show(cold)}`);
  assert.deepEqual(fast.stderr, cold.stderr, `stderr differs\n${show(fast)}\n---\n${show(cold)}`);
}

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const FEW_NULS = new TextEncoder().encode("a\0b\0\0c\0");
const MANY_NULS = new Uint8Array(300); // 300 NUL bytes: more segments than the fast path prints
const INVALID_UTF8 = Uint8Array.from([0x66, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0xe2, 0x82, 0x0a]);

serverTest(
  "session server: output bytes (NUL, invalid UTF-8, all 256 byte values, no trailing newline, > 1 MiB) equal the cold path's, and the state too (SRV-3, SRV-2)",
  async (t) => {
    const big = "0123456789abcdef".repeat(96 * 1024) + "tail without newline"; // 1.5 MiB
    const yaml = `meta: {name: bytes}
steps:
  - match: {argv: [bin, all]}
    respond: {stdout: !!binary ${b64(ALL_BYTES)}, stderr: !!binary ${b64(ALL_BYTES.toReversed())}}
  - match: {argv: [bin, nuls]}
    respond: {stdout: !!binary ${b64(FEW_NULS)}, stderr: !!binary ${b64(FEW_NULS)}}
  - match: {argv: [bin, manynuls]}
    respond: {stdout: !!binary ${b64(MANY_NULS)}}
  - match: {argv: [bin, invalid]}
    respond: {stdout: !!binary ${b64(INVALID_UTF8)}, stderr: !!binary ${b64(INVALID_UTF8)}}
  - match: {argv: [bin, nonl]}
    respond: {stdout: "no newline", stderr: "  spaces  \\t"}
  - match: {argv: [bin, empty]}
  - match: {argv: [bin, big]}
    respond: {stdout_file: big.txt, exit: 7}
  - match: {argv: [bin, trailing]}
    respond: {stdout: "x\\n\\n\\n", stderr: "\\n"}
`;
    await using twins = await twinSessions(yaml, { "big.txt": big });
    const expected: Record<string, Uint8Array> = {
      all: ALL_BYTES,
      nuls: FEW_NULS,
      manynuls: MANY_NULS,
      invalid: INVALID_UTF8,
      big: new TextEncoder().encode(big),
    };
    for (const name of ["all", "nuls", "manynuls", "invalid", "nonl", "empty", "big", "trailing"]) {
      await t.step(name, async () => {
        const before = { ...twins.fast.server!.stats };
        const [fast, cold] = await twins.both(["bin", name]);
        assertSame(fast, cold);
        if (expected[name] !== undefined) assert.deepEqual(fast.stdout, expected[name]);
        // Few NULs and every other byte go the fast path; 300 NULs are handed to the cold path.
        const path = name === "manynuls" ? "cold" : "answered";
        assert.equal(twins.fast.server!.stats[path], before[path] + 1, `taken: ${path}`);
        assert.deepEqual(await twins.fast.state(), await twins.cold.state());
      });
    }
  },
);

serverTest(
  "session server: exit codes 0–255 are the scenario's, and a sample equals the cold path's (SRV-3)",
  async () => {
    // One unordered group, so the sample and then all 256 codes can be called in any order.
    const lines = [
      "meta: {name: codes}",
      "steps:",
      "  - group:",
      "      mode: unordered",
      "      steps:",
    ];
    for (let code = 0; code < 256; code++) {
      lines.push(
        `        - match: {argv: [x, "${code}"]}`,
        `          respond: {exit: ${code}}`,
        `          calls: {min: 0, max: 2}`,
      );
    }
    await using twins = await twinSessions(lines.join("\n") + "\n");
    for (const code of [0, 1, 2, 42, 126, 127, 128, 200, 254, 255]) {
      const [fast, cold] = await twins.both(["x", String(code)]);
      assertSame(fast, cold);
      assert.equal(fast.code, code);
    }
    assert.deepEqual(await twins.fast.state(), await twins.cold.state());
    const out = await new Deno.Command("bash", {
      args: ["-c", `for i in $(seq 0 255); do x "$i"; printf '%s ' "$?"; done`],
      env: { PATH: `${twins.fast.session.files.interceptDir}:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const codes = decoder.decode(out.stdout).trim().split(" ").map(Number);
    assert.deepEqual(codes, Array.from({ length: 256 }, (_, i) => i), decoder.decode(out.stderr));
    assert.equal(twins.fast.server!.stats.answered, 10 + 256);
  },
);

serverTest(
  "session server: templates, captures, meta.vars from the caller's environment, deny_env_vars and trace lines equal the cold path's (SRV-3, TPL-3, TPL-4, CAP-2, ICPT-15)",
  async (t) => {
    const yaml = `meta:
  name: tpl
  vars: {ns: prod, SECRET_TOKEN: none, region: eu}
  security:
    deny_env_vars: ["SECRET_*"]
steps:
  - match: {argv: [az, account, show]}
    respond:
      stdout: "{{ .ns }}/{{ .region }}\\n"
      capture: {sub: my-sub}
  - match: {argv: [kubectl, get, pods, -n, "{{ .ns }}"]}
    respond:
      stdout: "{{ .capture.sub }} {{ .SECRET_TOKEN }} {{ .ns }}\\n"
      stderr: "note {{ .region }}"
  - match: {argv: [kubectl, delete, "{{ .any }}"]}
    calls: {min: 0, max: 3}
`;
    await using twins = await twinSessions(yaml);
    // The server process (this test) has none of these variables; the callers do.
    assert.equal(Deno.env.get("ns"), undefined);
    const env = { ns: "staging", SECRET_TOKEN: "leak", CLI_REPLAY_TRACE: "1", region: "" };
    const cases: [string, string[]][] = [
      ["vars from the caller, capture stored", ["az", "account", "show"]],
      ["var in argv, capture and denied var rendered", ["kubectl", "get", "pods", "-n", "staging"]],
      ["polling step with trace", ["kubectl", "delete", "x"]],
    ];
    for (const [name, argv] of cases) {
      await t.step(name, async () => {
        const [fast, cold] = await twins.both(argv, { env });
        assertSame(fast, cold);
        assert.equal(fast.code, 0, decoder.decode(fast.stderr));
        assert.deepEqual(await twins.fast.state(), await twins.cold.state());
      });
    }
    const [fast] = await twins.both(["kubectl", "get", "pods", "-n", "staging"], { env });
    assert.match(decoder.decode(fast.stderr), /cli-replay\[trace\]: /);
    assert.doesNotMatch(decoder.decode(fast.stderr), /leak/, "SEC-11: no value in the trace");
    assert.equal(twins.fast.server!.stats.cold, 0);
  },
);

serverTest(
  "session server: mismatches, stdin mismatches, calls after completion and their recording equal the cold path's (SRV-3, ICPT-9..14, STATE-5)",
  async (t) => {
    const yaml = `meta: {name: mism}
steps:
  - match: {argv: [git, status]}
  - group:
      mode: unordered
      name: pre
      steps:
        - match: {argv: [az, login]}
        - match: {argv: [docker, info]}
          calls: {min: 0, max: 2}
  - match: {argv: [kubectl, apply, -f, "-"], stdin: "kind: Pod\\n"}
`;
    await using twins = await twinSessions(yaml);
    const calls: [string, string[], string?][] = [
      ["leaf mismatch", ["git", "push", "--force"]],
      ["match", ["git", "status"]],
      ["group mismatch", ["kubectl", "get", "nodes"]],
      ["group member", ["docker", "info"]],
      ["group member", ["az", "login"]],
      ["stdin mismatch", ["kubectl", "apply", "-f", "-"], "kind: Deployment\n"],
      ["stdin match", ["kubectl", "apply", "-f", "-"], "kind: Pod\r\n\n"],
      ["after completion", ["git", "status"]],
    ];
    for (const [name, argv, stdin] of calls) {
      await t.step(name, async () => {
        const opts = stdin === undefined ? {} : { stdin };
        const [fast, cold] = await twins.both(argv, opts);
        assertSame(fast, cold);
        assert.deepEqual(await twins.fast.state(), await twins.cold.state());
      });
    }
    assert.equal(twins.fast.server!.stats.answered, calls.length);
  },
);

serverTest(
  "session server: stdin with NUL bytes, invalid UTF-8, a terminal-less empty stdin and more than 1 MiB is matched as by the cold path (SRV-3, STDIN-2..5)",
  async (t) => {
    const binary = Uint8Array.from([0, 1, 2, 0xff, 0, 10, 0]);
    const yaml = `meta: {name: stdin}
steps:
  - match: {argv: [k, bin], stdin: !!binary ${b64(binary)}}
    respond: {stdout: "bin ok\\n"}
    calls: {min: 0, max: 10}
  - match: {argv: [k, text], stdin: "héllo"}
    respond: {stdout: "text ok\\n"}
    calls: {min: 0, max: 10}
  - match: {argv: [k, empty], stdin: ""}
    respond: {stdout: "empty ok\\n"}
    calls: {min: 0, max: 10}
  - match: {argv: [k, other]}
    calls: {min: 0, max: 10}
`;
    await using twins = await twinSessions(yaml);
    const cases: [string, string[], string | Uint8Array | undefined, number][] = [
      ["binary stdin with NULs matches", ["k", "bin"], binary, 0],
      ["binary stdin with one byte less does not", ["k", "bin"], binary.subarray(1), 1],
      ["text with a trailing NUL does not", ["k", "text"], "héllo\0", 1],
      ["text", ["k", "text"], "héllo\n", 0],
      ["invalid UTF-8", ["k", "text"], Uint8Array.from([0x68, 0xff]), 1],
      ["/dev/null is empty", ["k", "empty"], undefined, 0],
      ["more than 1 MiB is not compared", ["k", "text"], "x".repeat(1024 * 1024 + 10), 1],
      ["exactly 1 MiB is compared", ["k", "text"], "y".repeat(1024 * 1024), 1],
      ["a step without stdin leaves stdin unread", ["k", "other"], "unread", 0],
    ];
    for (const [name, argv, stdin, code] of cases) {
      await t.step(name, async () => {
        const [fast, cold] = await twins.both(argv, stdin === undefined ? {} : { stdin });
        assertSame(fast, cold);
        assert.equal(fast.code, code, decoder.decode(fast.stderr));
        assert.deepEqual(await twins.fast.state(), await twins.cold.state());
      });
    }
    assert.equal(twins.fast.server!.stats.cold, 0);
  },
);

serverTest(
  "session server: colour follows the caller's stderr and CLI_REPLAY_COLOR/NO_COLOR, as on the cold path (SRV-3, COLOR-2)",
  async (t) => {
    const yaml = `meta: {name: colour}\nsteps:\n  - match: {argv: [git, status]}\n`;
    await using twins = await twinSessions(yaml);
    for (
      const [name, env] of [
        ["CLI_REPLAY_COLOR=1 forces colour", { CLI_REPLAY_COLOR: "1" }],
        ["NO_COLOR wins without CLI_REPLAY_COLOR", { NO_COLOR: "1" }],
        ["a pipe is not a terminal", { NO_COLOR: undefined }],
      ] as const
    ) {
      await t.step(name, async () => {
        const [fast, cold] = await twins.both(["git", "push"], { env });
        assertSame(fast, cold);
        assert.equal(
          decoder.decode(fast.stderr).includes("\x1b["),
          name.startsWith("CLI_REPLAY_COLOR"),
        );
      });
    }
    await t.step("a terminal on stderr colours the report", async () => {
      // `script` gives the fake a pseudo-terminal as stdin, stdout and stderr.
      const viaTty = async (dir: string) => {
        const out = await new Deno.Command("script", {
          args: ["-qec", `${dir}/git push 2>&1; echo "rc=$?"`, "/dev/null"],
          env: { NO_COLOR: "", CLI_REPLAY_COLOR: "" },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
        return decoder.decode(out.stdout);
      };
      const fast = await viaTty(twins.fast.session.files.interceptDir);
      const cold = await viaTty(twins.cold.session.files.interceptDir);
      assert.equal(fast, cold);
      assert.ok(fast.includes("\x1b["), fast);
      assert.match(fast, /rc=1/);
    });
  },
);

serverTest(
  "session server: a delayed answer does not block other calls, and is counted before it is answered (SRV-3, ICPT-8)",
  async () => {
    const yaml = `meta: {name: delay}
steps:
  - group:
      mode: unordered
      steps:
        - match: {argv: [slow]}
          respond: {stdout: "slow\\n", delay: 2s}
        - match: {argv: [fast]}
          respond: {stdout: "fast\\n"}
`;
    await using twins = await twinSessions(yaml);
    let slowDone = false;
    const slow = twins.fast.call(["slow"]).then((r) => {
      slowDone = true;
      return r;
    });
    // Wait until the slow call is counted (it is, before its delay), then call the other.
    for (let i = 0; i < 200; i++) {
      const state = JSON.parse(await Deno.readTextFile(twins.fast.session.files.state));
      if (state.step_counts[0] === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const fast = await twins.fast.call(["fast"]);
    assert.equal(slowDone, false, "the fast call returned while the slow one was still delayed");
    assert.equal(decoder.decode(fast.stdout), "fast\n");
    const slowResult = await slow;
    assert.equal(decoder.decode(slowResult.stdout), "slow\n");
  },
);

serverTest(
  "session server: an argument that is not UTF-8 is handed to the cold path, with the same answer (SRV-2, SRV-3)",
  async () => {
    await using twins = await twinSessions(
      `meta: {name: argv}\nsteps:\n  - match: {argv: [git, "{{ .any }}"]}\n    calls: {min: 0, max: 5}\n`,
    );
    const viaBash = async (dir: string) => {
      const out = await new Deno.Command("bash", {
        args: ["-c", `${dir}/git $'a\\xffb'; echo "rc=$?"; ${dir}/git $'caf\\xc3\\xa9'`],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { stdout: out.stdout, stderr: out.stderr };
    };
    const fast = await viaBash(twins.fast.session.files.interceptDir);
    const cold = await viaBash(twins.cold.session.files.interceptDir);
    assert.deepEqual(fast, cold);
    assert.deepEqual(twins.fast.server!.stats, { answered: 1, cold: 1, rejected: 0 });
    assert.deepEqual(await twins.fast.state(), await twins.cold.state());
  },
);

serverTest(
  "session server: the bash 3.2 read path (no read -N, byte-wise reads) gives the same bytes, and answers over 16 KiB go cold (SRV-2)",
  async (t) => {
    const mid = "m".repeat(20 * 1024);
    const yaml = `meta: {name: old-bash}
steps:
  - match: {argv: [bin, all]}
    respond: {stdout: !!binary ${b64(ALL_BYTES)}, stderr: !!binary ${b64(FEW_NULS)}}
  - match: {argv: [bin, mid]}
    respond: {stdout: "${mid}"}
  - match: {argv: [k], stdin: !!binary ${b64(FEW_NULS)}}
    respond: {stdout: "ok"}
`;
    await using twins = await twinSessions(yaml);
    // Simulate bash 3.2 on this bash: the shims' capability line says "no read -N, slow reads".
    const shim = `${twins.fast.session.files.interceptDir}/bin`;
    for (const command of ["bin", "k"]) {
      const path = `${twins.fast.session.files.interceptDir}/${command}`;
      const text = await Deno.readTextFile(path);
      const forced = text.replace(/^_cr_f=0 _cr_rd=\(-N\);.*$/m, "_cr_f=0 _cr_rd=(-d '' -n)");
      assert.notEqual(forced, text, "the capability lines are where the test expects them");
      await Deno.writeTextFile(path, forced);
    }
    assert.ok((await Deno.readTextFile(shim)).includes("\n_cr_f=0 _cr_rd=(-d '' -n)\n"));
    for (
      const [name, argv, stdin, path] of [
        ["all bytes, NULs on stderr", ["bin", "all"], undefined, "answered"],
        ["20 KiB goes cold", ["bin", "mid"], undefined, "cold"],
        ["stdin with NULs", ["k"], FEW_NULS, "answered"],
      ] as const
    ) {
      await t.step(name, async () => {
        const before = { ...twins.fast.server!.stats };
        const [fast, cold] = await twins.both(argv, stdin === undefined ? {} : { stdin });
        assertSame(fast, cold);
        assert.equal(fast.code, 0, decoder.decode(fast.stderr));
        assert.equal(twins.fast.server!.stats[path], before[path] + 1);
      });
    }
  },
);

serverTest(
  "session server: after stdin was sent, an answer the fast path cannot carry goes cold with that same stdin (SRV-2, SRV-3)",
  async () => {
    const yaml = `meta: {name: replay}
steps:
  - match: {argv: [k, apply], stdin: "kind: Pod"}
    respond: {stdout: !!binary ${b64(MANY_NULS)}, stderr: "applied\\n"}
`;
    await using twins = await twinSessions(yaml);
    const [fast, cold] = await twins.both(["k", "apply"], { stdin: "kind: Pod\n" });
    assertSame(fast, cold);
    assert.equal(fast.code, 0, decoder.decode(fast.stderr));
    assert.deepEqual(fast.stdout, MANY_NULS);
    assert.deepEqual(twins.fast.server!.stats, { answered: 0, cold: 1, rejected: 0 });
    assert.deepEqual(await twins.fast.state(), await twins.cold.state());
  },
);

serverTest(
  "session server: CLI_REPLAY_SERVER=0 in the caller's environment takes the cold path (SRV-3)",
  async () => {
    await using twins = await twinSessions(
      `meta: {name: off}\nsteps:\n  - match: {argv: [git, status]}\n    respond: {stdout: "x\\n"}\n    calls: {min: 1, max: 9}\n`,
    );
    for (const value of ["0", " off ", "FALSE", "no"]) {
      const r = await twins.fast.call(["git", "status"], { env: { CLI_REPLAY_SERVER: value } });
      assert.equal(decoder.decode(r.stdout), "x\n");
    }
    assert.equal(twins.fast.server!.stats.answered, 0);
    await twins.fast.call(["git", "status"], { env: { CLI_REPLAY_SERVER: "1" } });
    assert.equal(twins.fast.server!.stats.answered, 1);
    const state = await twins.fast.state() as { step_counts: number[] };
    assert.deepEqual(state.step_counts, [5]);
  },
);

serverTest(
  "session server: a scenario edited during the session is reloaded (STATE-12); a new variable the shims do not send goes cold, with the same answer (SRV-2, SRV-3)",
  async () => {
    const v1 = `meta: {name: edit, vars: {ns: prod}}
steps:
  - match: {argv: [k, get]}
    respond: {stdout: "v1 {{ .ns }}\\n"}
    calls: {min: 1, max: 9}
`;
    await using twins = await twinSessions(v1);
    const env = { ns: "dev", zone: "eu" };
    let [fast, cold] = await twins.both(["k", "get"], { env });
    assertSame(fast, cold);
    assert.equal(decoder.decode(fast.stdout), "v1 dev\n");
    // A compatible edit: same steps, new text.
    await Deno.writeTextFile(`${twins.dir}/s.yaml`, v1.replace("v1", "v2") + "# edited\n");
    [fast, cold] = await twins.both(["k", "get"], { env });
    assertSame(fast, cold);
    assert.equal(decoder.decode(fast.stdout), "v2 dev\n");
    assert.equal(twins.fast.server!.stats.answered, 2);
    // A new variable: its value is in the caller's environment, which the shims do not send.
    await Deno.writeTextFile(
      `${twins.dir}/s.yaml`,
      v1.replace("{ns: prod}", "{ns: prod, zone: us}").replace("v1 {{ .ns }}", "v3 {{ .zone }}"),
    );
    [fast, cold] = await twins.both(["k", "get"], { env });
    assertSame(fast, cold);
    assert.equal(decoder.decode(fast.stdout), "v3 eu\n");
    assert.equal(twins.fast.server!.stats.cold, 1);
    assert.deepEqual(await twins.fast.state(), await twins.cold.state());
  },
);
