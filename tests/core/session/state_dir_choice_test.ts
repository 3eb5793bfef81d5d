import assert from "node:assert/strict";
import {
  chooseStateDir,
  type DirFacts,
  fallbackStateDir,
  judgeDir,
  type PrimaryProbe,
  primaryStateDir,
  stateDirCandidates,
  type StateDirChoice,
  type StateDirInput,
  systemTempDir,
} from "../../../core/session/state_dir_choice.ts";

const KEY = "0123456789abcdef";
const BASE: StateDirInput = {
  scenarioPath: "/repo/tests/s.yaml",
  tmpDir: "/tmp",
  uid: 1000,
  scenarioKey: KEY,
};
const FALLBACK = `/tmp/cli-replay-1000/${KEY}`;

Deno.test("chooseStateDir() decides by table: explicit dir, beside the scenario, per-user fallback, or an error (STATE-1, WAY-7)", async (t) => {
  const cases: {
    row: string;
    explicitDir?: string;
    primary?: PrimaryProbe;
    expected: StateDirChoice;
  }[] = [
    {
      row: "CLI_REPLAY_STATE_DIR set: that directory, nothing probed",
      explicitDir: "/srv/state",
      expected: { kind: "explicit", dir: "/srv/state" },
    },
    {
      row: "CLI_REPLAY_STATE_DIR set wins over a usable .cli-replay",
      explicitDir: "/srv/state",
      primary: { kind: "usable" },
      expected: { kind: "explicit", dir: "/srv/state" },
    },
    {
      row: "CLI_REPLAY_STATE_DIR empty counts as unset",
      explicitDir: "",
      expected: { kind: "probe", dir: "/repo/tests/.cli-replay" },
    },
    {
      row: "nothing known yet: probe .cli-replay first",
      expected: { kind: "probe", dir: "/repo/tests/.cli-replay" },
    },
    {
      row: "writable and the user's own: beside the scenario",
      primary: { kind: "usable" },
      expected: { kind: "beside", dir: "/repo/tests/.cli-replay" },
    },
    {
      row: "scenario directory not writable: fallback, saying why",
      primary: { kind: "unwritable", path: "/repo/tests", reason: "permission denied" },
      expected: {
        kind: "fallback",
        dir: FALLBACK,
        base: "/tmp/cli-replay-1000",
        notice:
          `"/repo/tests" is not writable (permission denied); session files go to "${FALLBACK}" (set CLI_REPLAY_STATE_DIR to choose the directory)`,
      },
    },
    {
      row: "read-only file system: fallback, saying so",
      primary: { kind: "unwritable", path: "/repo/tests", reason: "read-only file system" },
      expected: {
        kind: "fallback",
        dir: FALLBACK,
        base: "/tmp/cli-replay-1000",
        notice:
          `"/repo/tests" is on a read-only file system; session files go to "${FALLBACK}" (set CLI_REPLAY_STATE_DIR to choose the directory)`,
      },
    },
    {
      row: ".cli-replay of another user: fallback, naming the owner",
      primary: { kind: "foreign", ownerUid: 1001 },
      expected: {
        kind: "fallback",
        dir: FALLBACK,
        base: "/tmp/cli-replay-1000",
        notice:
          `"/repo/tests/.cli-replay" belongs to uid 1001, not to you (uid 1000); session files go to "${FALLBACK}" (set CLI_REPLAY_STATE_DIR to choose the directory)`,
      },
    },
    {
      row: "the user's own but unsafe: an error the user can fix, no fallback",
      primary: { kind: "unsafe", reason: "it is a symbolic link" },
      expected: {
        kind: "unsafe",
        dir: "/repo/tests/.cli-replay",
        message: 'unsafe state directory "/repo/tests/.cli-replay": it is a symbolic link',
      },
    },
  ];
  for (const c of cases) {
    await t.step(c.row, () => {
      const input: StateDirInput = {
        ...BASE,
        ...(c.explicitDir !== undefined ? { explicitDir: c.explicitDir } : {}),
        ...(c.primary !== undefined ? { primary: c.primary } : {}),
      };
      assert.deepEqual(chooseStateDir(input), c.expected);
    });
  }
});

Deno.test("stateDirCandidates() looks only in the explicit dir when set, else beside the scenario then in the fallback (WAY-7)", () => {
  assert.deepEqual(stateDirCandidates(BASE), ["/repo/tests/.cli-replay", FALLBACK]);
  assert.deepEqual(stateDirCandidates({ ...BASE, explicitDir: "/srv/state" }), ["/srv/state"]);
  assert.deepEqual(stateDirCandidates({ ...BASE, explicitDir: "" }), [
    "/repo/tests/.cli-replay",
    FALLBACK,
  ]);
});

Deno.test("judgeDir() tells the user's own private dir from another user's and from unsafe ones (STATE-1, SEC-6)", async (t) => {
  const own: DirFacts = { isSymlink: false, isDirectory: true, uid: 1000, mode: 0o40700 };
  const cases: { row: string; facts: DirFacts; uid: number | null; expected: unknown }[] = [
    { row: "own, 0700", facts: own, uid: 1000, expected: { kind: "ok" } },
    {
      row: "own, 0755 (readable)",
      facts: { ...own, mode: 0o755 },
      uid: 1000,
      expected: { kind: "ok" },
    },
    {
      row: "another user's directory",
      facts: { ...own, uid: 0 },
      uid: 1000,
      expected: { kind: "foreign", ownerUid: 0 },
    },
    {
      row: "another user's symbolic link is foreign, not followed",
      facts: { ...own, isSymlink: true, isDirectory: false, uid: 1001 },
      uid: 1000,
      expected: { kind: "foreign", ownerUid: 1001 },
    },
    {
      row: "own symbolic link",
      facts: { ...own, isSymlink: true, isDirectory: false },
      uid: 1000,
      expected: { kind: "unsafe", reason: "it is a symbolic link" },
    },
    {
      row: "own regular file",
      facts: { ...own, isDirectory: false },
      uid: 1000,
      expected: { kind: "unsafe", reason: "it is not a directory" },
    },
    {
      row: "group-writable",
      facts: { ...own, mode: 0o770 },
      uid: 1000,
      expected: {
        kind: "unsafe",
        reason: "it is writable by group or others (mode 770); run chmod 700 on it",
      },
    },
    {
      row: "world-writable",
      facts: { ...own, mode: 0o707 },
      uid: 1000,
      expected: {
        kind: "unsafe",
        reason: "it is writable by group or others (mode 707); run chmod 700 on it",
      },
    },
    {
      row: "no user ids on this platform: ownership not checked",
      facts: { ...own, uid: 5 },
      uid: null,
      expected: { kind: "ok" },
    },
  ];
  for (const c of cases) {
    await t.step(c.row, () => assert.deepEqual(judgeDir(c.facts, c.uid), c.expected));
  }
});

Deno.test("primaryStateDir(), systemTempDir() and fallbackStateDir() build the paths (WAY-7)", () => {
  assert.equal(primaryStateDir("/repo/s.yaml"), "/repo/.cli-replay");
  assert.equal(primaryStateDir("/s.yaml"), "/.cli-replay");
  assert.equal(systemTempDir(undefined), "/tmp");
  assert.equal(systemTempDir(""), "/tmp");
  assert.equal(systemTempDir("relative/tmp"), "/tmp");
  assert.equal(systemTempDir("/var/tmp/"), "/var/tmp");
  assert.equal(systemTempDir("/"), "/");
  assert.deepEqual(fallbackStateDir("/var/tmp", 42, KEY), {
    base: "/var/tmp/cli-replay-42",
    dir: `/var/tmp/cli-replay-42/${KEY}`,
  });
  assert.deepEqual(fallbackStateDir("/", null, KEY), {
    base: "/cli-replay-user",
    dir: `/cli-replay-user/${KEY}`,
  });
});
