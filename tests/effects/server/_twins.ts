/**
 * Twin sessions for the SRV-3 byte-exactness tests: one scenario, two sessions — one
 * whose bash shims ask an in-process session server, one whose `/bin/sh` shims take the
 * cold path — so each call can be made in both and compared byte for byte, state included.
 *
 * @module
 */
import { readScenarioFile } from "../../../effects/scenario/file.ts";
import { type ReplaySession, setupSession } from "../../../effects/session/setup.ts";
import { removeSession } from "../../../effects/session/setup.ts";
import { hostSessionServer, type SessionServer } from "../../../effects/server/session_server.ts";
import { runFileBytes } from "../../_helpers.ts";

/** What one call produced, as bytes. */
export interface CallResult {
  /** Exit code. */
  code: number;
  /** Stdout bytes. */
  stdout: Uint8Array;
  /** Stderr bytes. */
  stderr: Uint8Array;
}

/** Options of one call. */
export interface CallOptions {
  /** Extra caller environment (`undefined` removes). */
  env?: Record<string, string | undefined>;
  /** Stdin bytes or text; `/dev/null` when absent. */
  stdin?: string | Uint8Array;
}

/** One live session. */
export interface Live {
  /** The session. */
  session: ReplaySession;
  /** Its server (the fast twin only). */
  server: SessionServer | undefined;
  /** Calls a fake through its shim. */
  call(argv: readonly string[], opts?: CallOptions): Promise<CallResult>;
  /** The state file, with the session-specific fields blanked. */
  state(): Promise<Record<string, unknown>>;
}

/** Runs a program with the sanitised environment; returns raw bytes. */
export async function spawnBytes(
  program: string,
  args: readonly string[],
  opts: CallOptions = {},
): Promise<CallResult> {
  const out = await runFileBytes(program, args, opts);
  return { code: out.code, stdout: out.stdout, stderr: out.stderr };
}

async function _live(path: string, server: boolean): Promise<Live> {
  const loaded = await readScenarioFile(path);
  const session = await setupSession(loaded, { server });
  const host = server ? await hostSessionServer(session) : undefined;
  if (server && (session.secret === undefined || host === undefined)) {
    throw new Error("the fast twin has no server (is bash missing?)");
  }
  return {
    session,
    server: host,
    call: (argv, opts = {}) =>
      spawnBytes(`${session.files.interceptDir}/${argv[0]}`, argv.slice(1), opts),
    state: async () => {
      const json = JSON.parse(await Deno.readTextFile(session.files.state));
      json.last_updated = "T";
      json.intercept_dir = "D";
      for (const u of json.unexpected_calls ?? []) u.at = "T";
      return json;
    },
  };
}

/** Two sessions of one scenario: `fast` (server) and `cold` (`/bin/sh` shims). */
export interface Twins extends AsyncDisposable {
  /** The session answered by the server. */
  fast: Live;
  /** The session answered by the cold intercept. */
  cold: Live;
  /** The scenario's directory. */
  dir: string;
  /** Makes the call in both sessions; returns both results. */
  both(argv: readonly string[], opts?: CallOptions): Promise<[CallResult, CallResult]>;
}

/**
 * Writes `yaml` (and `files`) to a temp dir and starts the twin sessions.
 *
 * @param yaml The scenario.
 * @param files Extra files next to it (name → content).
 * @returns The twins; `await using` stops the server and removes everything.
 */
export async function twinSessions(
  yaml: string,
  files: Record<string, string | Uint8Array> = {},
): Promise<Twins> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "cli-replay-srv-" }));
  await Deno.writeTextFile(`${dir}/s.yaml`, yaml);
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === "string") await Deno.writeTextFile(`${dir}/${name}`, content);
    else await Deno.writeFile(`${dir}/${name}`, content);
  }
  const fast = await _live(`${dir}/s.yaml`, true);
  const cold = await _live(`${dir}/s.yaml`, false);
  return {
    fast,
    cold,
    dir,
    both: async (argv, opts) => [await fast.call(argv, opts), await cold.call(argv, opts)],
    async [Symbol.asyncDispose]() {
      await fast.server?.close();
      await removeSession(fast.session.files);
      await removeSession(cold.session.files);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
