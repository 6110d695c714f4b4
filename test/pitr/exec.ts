/**
 * Async process helpers for the PITR drill: every PostgreSQL and barman-cloud call
 * runs as the `postgres` user when the suite runs as root (PostgreSQL refuses root),
 * and never blocks the event loop (timeouts and the S3 server stay responsive).
 */
import { spawn } from "node:child_process";
import { chownSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { run } from "../procs";
import { waitFor } from "../procs";

export interface Ids {
  readonly uid?: number;
  readonly gid?: number;
}

/** uid/gid of `postgres` when running as root; the current user otherwise. */
export function postgresIds(): Ids {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return {};
  const uid = run("id", ["-u", "postgres"]);
  const gid = run("id", ["-g", "postgres"]);
  if (uid.code !== 0 || gid.code !== 0) {
    throw new Error('the PITR drill runs PostgreSQL as user "postgres", which does not exist: run "npm test" (scripts/test.sh installs postgresql-15)');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** chown -R to `ids` (no-op when not root). */
export function chownTree(path: string, ids: Ids): void {
  if (ids.uid === undefined || ids.gid === undefined) return;
  chownSync(path, ids.uid, ids.gid);
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) chownTree(join(path, entry), ids);
  }
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a program to completion without blocking; never throws on a non-zero exit. */
export async function exec(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; ids?: Ids; cwd?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  const started = performance.now();
  return await new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(cmd, args as string[], {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      uid: opts.ids?.uid,
      gid: opts.ids?.gid,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 300_000);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Like `exec`, but throws with the command line and its stderr on a non-zero exit. */
export async function execOk(
  cmd: string,
  args: readonly string[],
  opts: Parameters<typeof exec>[2] = {},
): Promise<ExecResult> {
  const r = await exec(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}:\n${(r.stderr || r.stdout).trim().slice(-4000)}`);
  }
  return r;
}

/** Quotes one word for /bin/sh (archive_command and restore_command run through the shell). */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Thrown from a `poll` check to stop waiting at once. */
export { StopWaiting as Fatal } from "../procs";

/** Polls `check` until truthy; a `Fatal` thrown by `check` aborts at once, other errors are retried. */
export async function poll<T>(what: string, check: () => Promise<T | false | undefined>, timeoutMs: number, intervalMs = 100): Promise<T> {
  return await waitFor(what, check, timeoutMs, intervalMs);
}
