// Helpers for the `record` integration tests: a temp workspace with fake real commands.

/** Absolute path of the CLI entry point under test. */
export const CLI = decodeURIComponent(new URL("../../cli.ts", import.meta.url).pathname);

/** Result of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp workspace: `bin/` (first on PATH) for real commands, `tmp/` as TMPDIR. */
export interface Workspace extends AsyncDisposable {
  dir: string;
  bin: string;
  tmp: string;
  /** Writes an executable file (mode 0755) at `dir/<rel>`. */
  script(rel: string, text: string): Promise<string>;
  /** Runs `cli.ts <args>` in `dir` with PATH = bin:PATH and TMPDIR = tmp. */
  cli(args: string[], options?: { env?: Record<string, string>; stdin?: string }): Promise<CliRun>;
  /** Entries left in `tmp/` (must be none after a recording). */
  leftovers(): Promise<string[]>;
}

/** Creates a workspace; `await using` removes it. */
export async function createWorkspace(): Promise<Workspace> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "record-test-" }));
  const bin = `${dir}/bin`;
  const tmp = `${dir}/tmp`;
  await Deno.mkdir(bin);
  await Deno.mkdir(tmp);
  return {
    dir,
    bin,
    tmp,
    async script(rel, text) {
      const path = `${dir}/${rel}`;
      await Deno.writeTextFile(path, text, { mode: 0o755 });
      await Deno.chmod(path, 0o755);
      return path;
    },
    async cli(args, options = {}) {
      const command = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CLI, ...args],
        cwd: dir,
        env: {
          PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
          TMPDIR: tmp,
          NO_COLOR: "1",
          ...options.env,
        },
        stdin: options.stdin === undefined ? "null" : "piped",
        stdout: "piped",
        stderr: "piped",
      });
      const child = command.spawn();
      if (options.stdin !== undefined) {
        const writer = child.stdin.getWriter();
        await writer.write(new TextEncoder().encode(options.stdin));
        await writer.close();
      }
      const out = await child.output();
      const dec = new TextDecoder();
      return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
    },
    async leftovers() {
      return (await Array.fromAsync(Deno.readDir(tmp))).map((e) => e.name);
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * A fake "real" command for recordings: what it prints depends on its first argument.
 * `tool2` is a second command that `tool nested` calls.
 */
export const TOOL = `#!/bin/sh
case "$1" in
  plain) echo "hello world" ;;
  multi) printf 'line 1\\nline 2\\n\\n' ;;
  nonl) printf 'no newline' ;;
  tabs) printf 'a\\tb\\n\\tc\\n' ;;
  stderr) echo "to stdout"; echo "warning: careful" >&2 ;;
  fail) echo "failing" >&2; exit 4 ;;
  braces) printf '{{ .Names }}\\n' ;;
  crlf) printf 'a\\r\\nb\\r\\n' ;;
  binary) printf '\\377\\376\\000A' ;;
  stdin) tr a-z A-Z ;;
  args) shift; for a in "$@"; do printf '[%s]\\n' "$a"; done ;;
  nested) tool2 inner; tool plain ;;
  *) echo "unknown $1" >&2; exit 9 ;;
esac
`;

/** The second fake command. */
export const TOOL2 = `#!/bin/sh
echo "tool2 says $1"
`;

/** Fakes for the deploy walkthrough: kubectl, helm, git. */
/** Calls of `tool` covering every output kind (plain, multi-line, no newline, tabs, stderr, exit, {{, CRLF). */
export const OUTPUT_KIND_CALLS = `tool plain
tool multi
tool nonl
tool tabs
tool stderr
tool fail || echo "tool failed with $?"
tool braces
tool crlf
`;

export const DEPLOY_FAKES: Record<string, string> = {
  kubectl: `#!/bin/sh
case "$1" in
  get) printf 'NAME    READY   STATUS\\nweb-0   1/1     Running\\n' ;;
  apply) cat >/dev/null; echo "deployment.apps/web created" ;;
  *) echo "unknown: $*" >&2; exit 1 ;;
esac
`,
  helm: `#!/bin/sh
if [ "$1" = "status" ]; then echo "Error: release: not found" >&2; exit 1; fi
printf 'v3.14.0+g3fc9f4b'
`,
  git: `#!/bin/sh
printf 'a1b2c3\\tmain\\n'
`,
};

/** The 5-command deploy script (two kubectl, two helm, one git). */
export const DEPLOY_SH = `#!/bin/sh
kubectl get pods
printf 'apiVersion: apps/v1\\nkind: Deployment\\n' | kubectl apply -f -
helm version --short
helm status "my release" || echo "not installed yet"
git log --format='{{.Hash}}	%H' -1
`;
