/**
 * The hidden command `cli-replay __serve --scenario <path> --session <id> --state-dir <dir>`: the detached
 * session server that `run` starts (SRV-1). Reads the session's secret from stdin.
 *
 * @module
 */
import { absolutePath, sessionFiles } from "../effects/session/files.ts";
import { serveDetached } from "../effects/server/detached.ts";

async function _readSecret(): Promise<string> {
  const buf = new Uint8Array(256);
  let text = "";
  while (!text.includes("\n") && text.length < 256) {
    const n = await Deno.stdin.read(buf);
    if (n === null) break;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return text.split("\n")[0]!.trim();
}

/**
 * Runs the detached server of one session until it stops.
 *
 * @param args The arguments after `__serve`.
 * @returns The exit code: 0 when it stopped normally, 2 on bad arguments.
 */
export async function serveMain(args: readonly string[]): Promise<number> {
  const scenario = args[args.indexOf("--scenario") + 1];
  const session = args[args.indexOf("--session") + 1];
  if (!args.includes("--scenario") || !args.includes("--session") || !scenario || !session) {
    return 2;
  }
  const secret = await _readSecret();
  if (!/^[0-9a-f]{32,}$/.test(secret)) return 2;
  const stateDir = args.includes("--state-dir") ? args[args.indexOf("--state-dir") + 1] : undefined;
  const files = await sessionFiles(
    absolutePath(scenario),
    session,
    stateDir === undefined ? undefined : absolutePath(stateDir),
  );
  await serveDetached({ files, sessionId: session, secret });
  return 0;
}
