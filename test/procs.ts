/**
 * Helpers for tests that drive real programs (PostgreSQL, promtool, Prometheus,
 * Alertmanager, barman-cloud): temp dirs, free loopback ports, daemons that are
 * always stopped, and a hard failure (never a skip) when a program is missing.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncOptions } from "node:child_process";
import { existsSync, mkdtempSync, openSync, rmSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Absolute paths of the Debian programs the suite drives. */
export const TOOLS = {
  promtool: "/usr/bin/promtool",
  prometheus: "/usr/bin/prometheus",
  alertmanager: "/usr/bin/prometheus-alertmanager",
  amtool: "/usr/bin/amtool",
  pgBin: "/usr/lib/postgresql/15/bin",
  barmanCloudBackup: "/usr/bin/barman-cloud-backup",
} as const;

/**
 * Fails loudly when a program the test needs is missing. `scripts/test.sh`
 * installs them; a missing one is a broken environment, not a reason to skip.
 */
export function requireProgram(path: string): string {
  if (!existsSync(path)) {
    throw new Error(`required program ${path} is missing: run "npm test" (scripts/test.sh installs it)`);
  }
  return path;
}

/** A fresh temp dir; remove it with `rmSync(dir, { recursive: true, force: true })`. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `platform-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") return reject(new Error("no port"));
      srv.close(() => resolve(addr.port));
    });
  });
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion and returns its exit code and output (never throws on a non-zero exit). */
export function run(cmd: string, args: readonly string[], opts: SpawnSyncOptions = {}): RunResult {
  const r = spawnSync(cmd, args as string[], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
}

export interface Daemon {
  readonly proc: ChildProcess;
  readonly logFile: string;
  /** Stops the process (TERM, then KILL after `graceMs`). Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const p of live) {
    try {
      p.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
});

/** Starts a long-running program with its output in `logFile`; registered for cleanup at process exit. */
export function startDaemon(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string; uid?: number; gid?: number },
): Daemon {
  const fd = openSync(opts.logFile, "a");
  const proc = spawn(cmd, args as string[], {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ["ignore", fd, fd],
    uid: opts.uid,
    gid: opts.gid,
  });
  closeSync(fd);
  live.add(proc);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    proc.once("exit", () => {
      exited = true;
      live.delete(proc);
      resolve();
    });
    proc.once("error", () => {
      exited = true;
      live.delete(proc);
      resolve();
    });
  });
  return {
    proc,
    logFile: opts.logFile,
    async stop(graceMs = 5000) {
      if (exited) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!exited) proc.kill("SIGKILL");
      }, graceMs);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

/** Thrown from a `waitFor` check to stop waiting at once (other errors are retried). */
export class StopWaiting extends Error {}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; a `StopWaiting` thrown by `check` aborts at once. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      if (e instanceof StopWaiting) throw e;
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ""}`);
}
