/**
 * Removing a session's files: its intercept dir (only inside its own state directory) and
 * its state, lock and compiled scenario. What `clean`, the cleanup trap and `exec` use.
 *
 * @module
 */
import type { SessionFiles } from "./files.ts";
import { removeStateFiles } from "./state_store.ts";
import { isConfinedInterceptDir } from "./ttl_sweep.ts";

/** Removes a directory tree; one that is already gone is fine. */
export async function removeTree(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Removes a session's intercept dir, state, compiled and lock files. Idempotent. The
 * intercept dir is removed only when it is a direct child of `.cli-replay` (CLEAN-7,
 * SEC-8): a session id such as `<id>/../../x` never reaches outside.
 *
 * @param files The session's files.
 * @returns Whether the intercept dir existed (and was removed).
 */
export async function removeSession(files: SessionFiles): Promise<boolean> {
  let existed = false;
  if (files.sessionId !== "" && isConfinedInterceptDir(files.stateDir, files.interceptDir)) {
    try {
      await Deno.lstat(files.interceptDir);
      existed = true;
    } catch { /* already gone */ }
    await removeTree(files.interceptDir);
  }
  await removeStateFiles(files);
  return existed;
}
