import assert from "node:assert/strict";
import { ReplayError } from "../../core/errors.ts";
import {
  classifyFsError,
  defaultFsHint,
  formatFsFailure,
  formatFsReason,
  type FsFailureKind,
} from "../../core/fs_failure.ts";

Deno.test("classifyFsError() and formatFsReason() put OS errors into words (WAY-7)", async (t) => {
  const cases: { code?: string; name?: string; kind: FsFailureKind; words: string }[] = [
    {
      code: "EACCES",
      name: "PermissionDenied",
      kind: "permission-denied",
      words: "permission denied",
    },
    { code: "EPERM", kind: "permission-denied", words: "permission denied" },
    { code: "EROFS", name: "Error", kind: "read-only", words: "read-only file system" },
    { code: "ENOSPC", name: "Error", kind: "no-space", words: "no space left on device" },
    { code: "EDQUOT", kind: "quota", words: "disk quota exceeded" },
    { code: "ENOENT", name: "NotFound", kind: "not-found", words: "no such file or directory" },
    { name: "NotFound", kind: "not-found", words: "no such file or directory" },
    { code: "ENOTDIR", kind: "not-a-directory", words: "not a directory" },
    { code: "EISDIR", kind: "is-a-directory", words: "is a directory" },
    { code: "EMFILE", kind: "too-many-files", words: "too many open files" },
  ];
  for (const c of cases) {
    await t.step(`${c.code ?? c.name} → ${c.words}`, () => {
      const kind = classifyFsError(c.code, c.name);
      assert.equal(kind, c.kind);
      assert.equal(formatFsReason(kind), c.words);
    });
  }
  await t.step("an unknown code keeps the system's words, without the os error tail", () => {
    assert.equal(classifyFsError("EIO", "Error"), "other");
    assert.equal(
      formatFsReason("other", "Input/output error (os error 5): writefile '/x/y'"),
      "input/output error",
    );
    assert.equal(formatFsReason("other", ""), "unknown error");
  });
});

Deno.test("defaultFsHint() says what to do for each kind (WAY-7)", () => {
  assert.equal(
    defaultFsHint("permission-denied", "/srv/out/r.xml"),
    'check the permissions of "/srv/out" or choose a location you can write',
  );
  assert.equal(defaultFsHint("read-only", "/x"), "choose a location on a writable file system");
  assert.equal(defaultFsHint("no-space", "/x"), "free space on that file system and try again");
  assert.equal(defaultFsHint("not-found", "/a/b/c"), 'create "/a/b" first');
  assert.equal(defaultFsHint("other", "/x"), "");
});

Deno.test('formatFsFailure() is one line: cannot <action> "<path>": <reason>; <hint> (WAY-7)', () => {
  assert.equal(
    formatFsFailure({
      action: "write state file",
      path: "/p/.cli-replay/cli-replay-0123456789abcdef.state",
      kind: "no-space",
      reason: "no space left on device",
      hint: "free space on that file system and call again",
    }),
    'cannot write state file "/p/.cli-replay/cli-replay-0123456789abcdef.state": no space left on device; free space on that file system and call again',
  );
  assert.equal(
    formatFsFailure({
      lead: "could not",
      action: "write report file",
      path: "r.xml",
      kind: "other",
      reason: "input/output error",
      hint: "",
    }),
    'could not write report file "r.xml": input/output error',
  );
  const error = new ReplayError("filesystem", "cannot x", { path: "/p", fsKind: "read-only" });
  assert.deepEqual([error.name, error.message, error.path, error.fsKind], [
    "ReplayError",
    "cannot x",
    "/p",
    "read-only",
  ]);
});
