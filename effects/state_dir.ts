/**
 * The `.cli-replay` directory (STATE-1, SEC-6): created private with a `.gitignore`,
 * refused when it is a link, foreign, or writable by others.
 *
 * @module
 */
import { CliError } from "../cli/errors.ts";

/** Checks an existing `.cli-replay`; throws `CliError` when it is unsafe. */
export function checkStateDir(dir: string, info: Deno.FileInfo): void {
  const unsafe = (reason: string) => new CliError(`unsafe state directory "${dir}": ${reason}`);
  if (info.isSymlink) throw unsafe("it is a symbolic link");
  if (!info.isDirectory) throw unsafe("it is not a directory");
  const uid = Deno.uid();
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    throw unsafe(`it is owned by uid ${info.uid}, not by the current user (${uid})`);
  }
  if (info.mode !== null && (info.mode & 0o022) !== 0) {
    throw unsafe(
      `it is writable by group or others (mode ${
        (info.mode & 0o777).toString(8)
      }); run chmod 700 on it`,
    );
  }
}

/**
 * Creates `.cli-replay` (mode 0700, with a `.gitignore` of `*`) or checks the existing
 * one. Requires `--allow-read` and `--allow-write`.
 *
 * @param dir The directory.
 * @returns Whether it was created now.
 */
export async function ensureStateDir(dir: string): Promise<boolean> {
  try {
    checkStateDir(dir, await Deno.lstat(dir));
    return false;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  try {
    await Deno.mkdir(dir, { mode: 0o700 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    checkStateDir(dir, await Deno.lstat(dir));
    return false;
  }
  await Deno.chmod(dir, 0o700);
  await Deno.writeTextFile(`${dir}/.gitignore`, "*\n", { mode: 0o600 });
  return true;
}
