/**
 * Real redis-server / redis-sentinel (Debian 12: Redis 7.0.15) for the tests,
 * booted from the files components/redis renders. Each simulated pod gets its
 * own loopback address (127.x.y.z) and a directory that stands in for its
 * filesystem; pod DNS names resolve to those addresses through nss_wrapper
 * (`LD_PRELOAD=libnss_wrapper.so`, `NSS_WRAPPER_HOSTS`), for the servers,
 * Sentinels and redis-cli alike, so nothing system-wide changes. Ports are
 * picked free at run time, one port shared by every pod as in a StatefulSet.
 */
import { mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { randomInt } from "node:crypto";
import { Redis as IORedis, type RedisOptions } from "ioredis";
import { existsSync } from "node:fs";
import { freePort, requireProgram, run, startDaemon, waitFor, type Daemon, type RunResult } from "../procs";
import type { RedisPaths } from "../../components/redis/files";

export const REDIS = {
  server: "/usr/bin/redis-server",
  sentinel: "/usr/bin/redis-sentinel",
  cli: "/usr/bin/redis-cli",
  nssWrapper: "/usr/lib/x86_64-linux-gnu/libnss_wrapper.so",
} as const;

export function requireRedisPrograms(): void {
  for (const p of Object.values(REDIS)) requireProgram(p);
}

/** A block of loopback addresses nobody else is likely to use, and ports free on every one of them. */
export interface Network {
  readonly addresses: readonly string[];
  /** Picks a port that is free on every address. */
  port(): Promise<number>;
}

async function freeOn(address: string, port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, address, () => srv.close(() => resolve(true)));
  });
}

export function loopbackNetwork(count: number): Network {
  const a = randomInt(16, 250);
  const b = randomInt(1, 250);
  const addresses = Array.from({ length: count }, (_, i) => `127.${a}.${b}.${10 + i}`);
  return {
    addresses,
    async port() {
      for (let attempt = 0; attempt < 50; attempt++) {
        const p = await freePort();
        const ok = await Promise.all(addresses.map((addr) => freeOn(addr, p)));
        if (ok.every(Boolean)) return p;
      }
      throw new Error("no port free on every test address");
    },
  };
}

/** A simulated pod: its DNS name, address and filesystem. */
export interface Pod {
  readonly name: string;
  readonly host: string;
  readonly address: string;
  readonly root: string;
  readonly paths: RedisPaths;
}

export function makePod(dir: string, name: string, host: string, address: string): Pod {
  const root = join(dir, name);
  const paths: RedisPaths = {
    config: join(root, "etc/redis/conf"),
    secret: join(root, "etc/redis/secret"),
    data: join(root, "data"),
    run: join(root, "run/redis"),
    tls: join(root, "etc/redis/tls"),
  };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
  return { name, host, address, root, paths };
}

/** Writes rendered files into a directory (what the ConfigMap / Secret volume shows the pod). */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, content] of Object.entries(files)) {
    const f = join(dir, name);
    writeFileSync(f, content);
    chmodSync(f, name.endsWith(".sh") ? 0o555 : 0o440);
  }
}

/** The hosts file nss_wrapper reads: every pod's DNS name → its loopback address. */
export function writeHosts(dir: string, pods: readonly Pod[]): string {
  const file = join(dir, "hosts");
  writeFileSync(file, pods.map((p) => `${p.address} ${p.host}`).join("\n") + "\n");
  return file;
}

/** Environment under which pod names resolve to the test addresses. */
export function nssEnv(hostsFile: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: "/usr/bin:/bin",
    LD_PRELOAD: REDIS.nssWrapper,
    NSS_WRAPPER_HOSTS: hostsFile,
    NSS_WRAPPER_PASSWD: "/etc/passwd",
    NSS_WRAPPER_GROUP: "/etc/group",
    ...extra,
  };
}

/** redis-cli as `user` (password through REDISCLI_AUTH, never on the command line). */
export function cli(env: NodeJS.ProcessEnv, host: string, port: number, user: string | undefined, password: string | undefined, args: readonly string[]): RunResult {
  const auth = user ? ["--user", user, "--no-auth-warning"] : [];
  return run(REDIS.cli, ["-h", host, "-p", String(port), ...auth, ...args], { env: { ...env, ...(password ? { REDISCLI_AUTH: password } : {}) }, timeout: 10_000 });
}

/** Starts a daemon and waits until it answers PING (as `user`). */
export async function startAndWait(
  cmd: string,
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string; address: string; port: number; user: string; password: string; timeoutMs?: number; cliArgs?: readonly string[] },
): Promise<Daemon> {
  const d = startDaemon(cmd, args, { env: opts.env, logFile: opts.logFile, cwd: opts.cwd });
  try {
    await waitFor(
      `${cmd} on ${opts.address}:${opts.port} (log ${opts.logFile})`,
      () => {
        if (d.proc.exitCode !== null) throw new Error(`exited ${d.proc.exitCode}`);
        return cli(opts.env, opts.address, opts.port, opts.user, opts.password, [...(opts.cliArgs ?? []), "PING"]).stdout.trim() === "PONG";
      },
      opts.timeoutMs ?? 15_000,
      100,
    );
  } catch (e) {
    await d.stop(1000);
    throw e;
  }
  return d;
}

/** An ioredis client (the library web uses) with `natMap` translating pod names to test addresses. */
export function ioredis(opts: RedisOptions, hosts: ReadonlyMap<string, string>): IORedis {
  return new IORedis({
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    natMap: (key: string) => {
      const i = key.lastIndexOf(":");
      const addr = hosts.get(key.slice(0, i));
      return addr ? { host: addr, port: Number(key.slice(i + 1)) } : null;
    },
    ...opts,
  });
}

export function logOf(file: string): string {
  return existsSync(file) ? require("node:fs").readFileSync(file, "utf8") : "";
}
