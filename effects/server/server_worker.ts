/**
 * A session server in a worker thread, for in-process sessions (SRV-7): it keeps
 * answering while the test's main thread is blocked in a synchronous spawn
 * (`execFileSync`, `Deno.Command#outputSync`).
 *
 * Messages in: `{ start: { files, sessionId, secret } }`, then `"close"`.
 * Messages out: `{ port }` (or `{ error }`), then `"closed"`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { type SessionServer, startSessionServer } from "./session_server.ts";

let server: SessionServer | undefined;

self.onmessage = async (event: MessageEvent) => {
  const data = event.data;
  if (data === "close") {
    await server?.close();
    self.postMessage("closed");
    self.close();
    return;
  }
  try {
    server = await startSessionServer(data.start);
    self.postMessage({ port: server.port });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
