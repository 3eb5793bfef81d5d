import assert from "node:assert/strict";
import { ReplayError } from "../../core/errors.ts";
import { describeOsError, fsReason, isFsError, toFsError } from "../../effects/fs.ts";
import { usingTempDir } from "../_helpers.ts";

async function _caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

Deno.test("toFsError() turns a real OS error into one line with the reason in words and the advice (WAY-7)", async () => {
  await using dir = await usingTempDir();
  const missing = dir.join("no/such/dir/r.xml");
  const error = await _caught(() => Deno.writeTextFile(missing, "x"));
  assert.equal(isFsError(error), true);
  assert.equal(fsReason(error), "no such file");
  const converted = toFsError(error, { action: "write report file", path: missing });
  assert.ok(converted instanceof ReplayError && converted.kind === "filesystem");
  assert.equal(
    converted.message,
    `cannot write report file "${missing}": no such file or directory; create "${
      dir.join("no/such/dir")
    }" first`,
  );
  assert.equal(converted.fsKind, "not-found");
  assert.equal(converted.path, missing);
  assert.equal(converted.cause, error);
  const hinted = toFsError(error, {
    lead: "could not",
    action: "write report file",
    path: missing,
    hints: { "not-found": "choose another path" },
  }) as Error;
  assert.equal(
    hinted.message,
    `could not write report file "${missing}": no such file or directory; choose another path`,
  );
});

Deno.test("toFsError() and describeOsError() leave errors that are not about files alone (WAY-7)", () => {
  const bug = new TypeError("x is undefined");
  assert.equal(isFsError(bug), false);
  assert.equal(toFsError(bug, { action: "write", path: "/x" }), bug);
  assert.equal(describeOsError(bug), bug);
  const done = new ReplayError("filesystem", "cannot x", { path: "/x", fsKind: "no-space" });
  assert.equal(toFsError(done, { action: "write", path: "/y" }), done);
});

Deno.test("describeOsError() names the operation and path from Deno's message, never 'os error N' (WAY-7)", async () => {
  await using dir = await usingTempDir();
  const file = dir.join("f");
  await Deno.writeTextFile(file, "x");
  const error = await _caught(() => Deno.mkdir(`${file}/sub`));
  const described = describeOsError(error);
  assert.ok(described instanceof ReplayError && described.kind === "filesystem");
  assert.equal(described.message, `cannot create directory "${file}/sub": not a directory`);
  const noPath = Object.assign(new Error("No space left on device (os error 28)"), {
    code: "ENOSPC",
  });
  assert.equal(
    (describeOsError(noPath) as Error).message,
    "file system error: no space left on device; free space on that file system and try again",
  );
});
