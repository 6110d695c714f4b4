/**
 * The local stack's Redis, booted from its rendered files on Debian 12's
 * redis-server 7.0.15 (the pinned image is Redis 8.10; every rendered directive
 * exists in both): authentication is enforced, the app user runs its commands
 * and nothing it isn't granted, keys survive a hard kill through the AOF, and
 * at maxmemory the eviction policy of each use holds (stack config
 * `redis.resources.limits.memory` / `redis.use` change the render).
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Daemon } from "../procs";
import { makeTempDir, removeDir, run } from "../procs";
import { cli, ioredis, loopbackNetwork, makePod, nssEnv, REDIS, requireRedisPrograms, startAndWait, writeFiles, writeHosts, type Pod } from "./servers";
import { podFiles, renderedRedis, type RenderedRedis } from "./render";

let dir = "";
const daemons: Daemon[] = [];
beforeAll(() => {
  requireRedisPrograms();
  dir = makeTempDir("redis-standalone");
});
afterAll(async () => {
  for (const d of daemons) await d.stop(3000);
  removeDir(dir);
});

interface Booted {
  readonly r: RenderedRedis;
  readonly pod: Pod;
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
  server: Daemon;
  start(): Promise<Daemon>;
}

let seq = 0;
/** Renders the local stack (with stack-config changes) and boots its redis.conf as the pod would. */
async function boot(changes: Record<string, unknown> = {}, beforeStart?: (pod: Pod) => readonly string[]): Promise<Booted> {
  const r = await renderedRedis("local", changes);
  const net = loopbackNetwork(1);
  const port = await net.port();
  const pod = makePod(dir, `redis-${seq++}`, r.resolved.podHost(0), net.addresses[0]!);
  const files = podFiles(r, { port, paths: pod.paths });
  writeFiles(pod.paths.config, files.config);
  writeFiles(pod.paths.secret, files.secret);
  const env = nssEnv(writeHosts(pod.root, [pod]));
  const cliArgs = beforeStart?.(pod) ?? [];
  // The container's args: `redis-server /etc/redis/conf/redis.conf`. `--bind` stands in for the pod's own network namespace.
  const start = async () => {
    const d = await startAndWait(REDIS.server, [join(pod.paths.config, "redis.conf"), "--bind", pod.address], {
      env,
      logFile: join(pod.root, "redis.log"),
      address: pod.address,
      port,
      user: r.usernames.admin,
      password: r.passwords.admin,
      cliArgs,
    });
    daemons.push(d);
    return d;
  };
  const b: Booted = { r, pod, port, env, server: undefined as unknown as Daemon, start };
  b.server = await start();
  return b;
}

const as = (b: Booted, who: "app" | "admin" | "none", ...args: string[]) => {
  const user = who === "none" ? undefined : b.r.usernames[who];
  const out = cli(b.env, b.pod.address, b.port, user, who === "none" ? undefined : b.r.passwords[who], args);
  return (out.stdout + out.stderr).trim();
};

describe("local Redis (rendered config on redis-server 7.0.15)", () => {
  let b: Booted;
  beforeAll(async () => {
    b = await boot();
  }, 60_000);

  it("boots the rendered redis.conf and users.acl with the GeneratedSecrets passwords", () => {
    expect(b.r.config["redis.conf"]).toContain("aclfile /etc/redis/secret/users.acl");
    expect(b.r.secret["users.acl"]).toMatch(/^user default off /m);
    // The ACL file holds hashes only: neither password appears in it.
    expect(b.r.secret["users.acl"]).not.toContain(b.r.passwords.app);
    expect(b.r.secret["users.acl"]).not.toContain(b.r.passwords.admin);
    expect(as(b, "admin", "CONFIG", "GET", "maxmemory")).toBe(`maxmemory\n${b.r.resolved.maxmemoryBytes}`);
    expect(as(b, "admin", "CONFIG", "GET", "maxmemory-policy")).toBe("maxmemory-policy\nnoeviction");
    expect(as(b, "admin", "CONFIG", "GET", "appendonly")).toBe("appendonly\nyes");
    expect(as(b, "admin", "CONFIG", "GET", "appendfsync")).toBe("appendfsync\neverysec");
  });

  it("refuses unauthenticated commands, the default user and a wrong password", () => {
    expect(as(b, "none", "PING")).toMatch(/^NOAUTH Authentication required/);
    expect(as(b, "none", "SET", "k", "v")).toMatch(/^NOAUTH/);
    expect(cli(b.env, b.pod.address, b.port, "default", "", ["PING"]).stdout + cli(b.env, b.pod.address, b.port, "default", "", ["PING"]).stderr).toMatch(/WRONGPASS|NOAUTH/);
    const wrong = cli(b.env, b.pod.address, b.port, b.r.usernames.app, "not-the-password", ["PING"]);
    expect(wrong.stdout + wrong.stderr).toMatch(/WRONGPASS/);
  });

  it("lets the app user run data, pub/sub, transaction and script commands, plus INFO and ROLE", () => {
    expect(as(b, "app", "SET", "session:1", "alice", "EX", "60")).toBe("OK");
    expect(as(b, "app", "GET", "session:1")).toBe("alice");
    expect(as(b, "app", "INCR", "rate:1")).toBe("1");
    expect(as(b, "app", "HSET", "h", "f", "v")).toBe("1");
    expect(as(b, "app", "PUBLISH", "socket.io#/#", "x")).toBe("0");
    expect(as(b, "app", "EVAL", "return redis.call('INCR', KEYS[1])", "1", "rate:1")).toBe("2");
    expect(as(b, "app", "SCAN", "0", "COUNT", "100").split("\n")[0]).toBe("0");
    expect(as(b, "app", "INFO", "server")).toContain("redis_version:");
    expect(as(b, "app", "ROLE").split("\n")[0]).toBe("master");
  });

  it("refuses the app user every command it isn't granted", () => {
    for (const cmd of [["KEYS", "*"], ["FLUSHALL"], ["FLUSHDB"], ["CONFIG", "GET", "maxmemory"], ["CONFIG", "SET", "maxmemory", "0"], ["SHUTDOWN"], ["MONITOR"], ["REPLICAOF", "NO", "ONE"], ["ACL", "LIST"], ["CLIENT", "KILL", "TYPE", "normal"], ["BGSAVE"], ["SORT", "h"]]) {
      expect(as(b, "app", ...cmd), cmd.join(" ")).toMatch(/^NOPERM/);
    }
    // DEBUG is refused twice over: enable-debug-command no, then the ACL.
    expect(as(b, "app", "DEBUG", "SLEEP", "0")).toMatch(/^ERR DEBUG command not allowed/);
  });

  it("gives the admin user what probes, the exporter and operators need, and still no FLUSHALL, KEYS or DEBUG", () => {
    expect(as(b, "admin", "PING")).toBe("PONG");
    expect(as(b, "admin", "INFO", "replication")).toContain("role:master");
    expect(as(b, "admin", "SLOWLOG", "LEN")).toMatch(/^\d+$/);
    expect(as(b, "admin", "LATENCY", "LATEST")).toBe("");
    expect(as(b, "admin", "CLIENT", "LIST")).toContain("user=admin");
    expect(as(b, "admin", "ACL", "WHOAMI")).toBe("admin");
    for (const cmd of [["FLUSHALL"], ["KEYS", "*"], ["ACL", "SETUSER", "x", "on"], ["SHUTDOWN"]]) expect(as(b, "admin", ...cmd), cmd.join(" ")).toMatch(/^NOPERM/);
  });

  it("keeps every key written across a SIGKILL and restart (AOF, fsync every second)", async () => {
    const client = ioredis({ host: b.pod.address, port: b.port, username: b.r.usernames.app, password: b.r.passwords.app }, new Map());
    await client.connect();
    const pipe = client.pipeline();
    for (let i = 0; i < 2000; i++) pipe.set(`aof:${i}`, String(i));
    await pipe.exec();
    client.disconnect();
    // everysec: let one fsync pass, then kill without the shutdown snapshot.
    await new Promise((r) => setTimeout(r, 1500));
    b.server.proc.kill("SIGKILL");
    await b.server.stop(2000);
    const files = readdirSync(join(b.pod.paths.data, "appendonlydir"));
    expect(files.some((f) => f.endsWith(".incr.aof"))).toBe(true);
    expect(existsSync(join(b.pod.paths.data, "dump.rdb"))).toBe(false);
    b.server = await b.start();
    expect(as(b, "admin", "DBSIZE")).toBe(String(2000 + 3));
    expect(as(b, "app", "GET", "aof:1999")).toBe("1999");
  }, 60_000);
});

async function fill(b: Booted, valueBytes: number, count: number): Promise<{ ok: number; errors: string[] }> {
  const client = ioredis({ host: b.pod.address, port: b.port, username: b.r.usernames.app, password: b.r.passwords.app }, new Map());
  await client.connect();
  const value = "x".repeat(valueBytes);
  let ok = 0;
  const errors: string[] = [];
  try {
    for (let start = 0; start < count; start += 50) {
      const pipe = client.pipeline();
      for (let i = start; i < Math.min(count, start + 50); i++) pipe.set(`fill:${i}`, value);
      for (const [err] of (await pipe.exec()) ?? []) {
        if (err) errors.push(err.message);
        else ok++;
      }
    }
  } finally {
    client.disconnect();
  }
  return { ok, errors };
}

const info = (b: Booted, field: string) => Number(new RegExp(`^${field}:(\\d+)`, "m").exec(as(b, "admin", "INFO", "all"))?.[1]);

describe("TLS (stack config redis.tls: the rendered tls-port, certificate paths and tls-replication)", () => {
  it("serves only TLS: a client verifying the CA gets in as the app user, plain TCP and an unknown CA do not", async () => {
    let ca = "";
    const b = await boot({ redis: { tls: { issuer: "platform-ca", kind: "ClusterIssuer" } } }, (pod) => {
      // What cert-manager puts in the Secret mounted at /etc/redis/tls: tls.crt, tls.key, ca.crt.
      const t = pod.paths.tls;
      const ssl = (...args: string[]) => {
        const r = run("openssl", args, { cwd: t });
        if (r.code !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
      };
      ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=test-ca");
      ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "tls.key", "-out", "tls.csr", "-subj", `/CN=${pod.host}`);
      writeFileSync(join(t, "san.ext"), `subjectAltName=DNS:${pod.host},DNS:localhost,IP:${pod.address}\n`);
      ssl("x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tls.crt", "-days", "1", "-extfile", "san.ext");
      ca = join(t, "ca.crt");
      return ["--tls", "--cacert", ca];
    });
    const conf = b.r.config["redis.conf"]!;
    expect(conf).toContain("port 0\ntls-port 6379\ntls-cert-file /etc/redis/tls/tls.crt");
    const tls = (who: "app" | "admin", cacert: string, ...args: string[]) => {
      const out = cli(b.env, b.pod.address, b.port, b.r.usernames[who], b.r.passwords[who], ["--tls", "--cacert", cacert, ...args]);
      return (out.stdout + out.stderr).trim();
    };
    expect(tls("app", ca, "PING")).toBe("PONG");
    expect(tls("admin", ca, "CONFIG", "GET", "tls-replication")).toBe("tls-replication\nyes");
    expect(as(b, "app", "PING")).not.toBe("PONG");
    const other = join(b.pod.root, "other-ca.crt");
    run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(b.pod.root, "other.key"), "-out", other, "-days", "1", "-subj", "/CN=other"]);
    expect(tls("app", other, "PING")).toMatch(/certificate verify failed|SSL|TLS/i);
  }, 60_000);
});

describe("eviction at maxmemory (64Mi limit: maxmemory = 70% = 44.8 MiB)", () => {
  it("sessions (noeviction): writes beyond maxmemory are refused with OOM, nothing written before is lost", async () => {
    const b = await boot({ redis: { resources: { limits: { memory: "64Mi" }, requests: { memory: "64Mi" } } } });
    expect(b.r.resolved.maxmemoryBytes).toBe(Math.floor(64 * 2 ** 20 * 0.7));
    expect(as(b, "admin", "CONFIG", "GET", "maxmemory-policy")).toBe("maxmemory-policy\nnoeviction");
    const { ok, errors } = await fill(b, 64 * 1024, 1200); // ~75 MiB offered
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/^OOM command not allowed when used memory > 'maxmemory'/);
    expect(info(b, "evicted_keys")).toBe(0);
    expect(Number(as(b, "admin", "DBSIZE"))).toBe(ok);
    expect(info(b, "used_memory")).toBeLessThanOrEqual(b.r.resolved.maxmemoryBytes * 1.02);
    expect(as(b, "app", "GET", "fill:0")).toHaveLength(64 * 1024);
  }, 60_000);

  it("cache (allkeys-lru): every write succeeds, the oldest keys are evicted, memory stays at maxmemory", async () => {
    const b = await boot({ redis: { use: "cache", resources: { limits: { memory: "64Mi" }, requests: { memory: "64Mi" } } } });
    expect(as(b, "admin", "CONFIG", "GET", "maxmemory-policy")).toBe("maxmemory-policy\nallkeys-lru");
    const { ok, errors } = await fill(b, 64 * 1024, 1200);
    expect(errors).toEqual([]);
    expect(ok).toBe(1200);
    expect(info(b, "evicted_keys")).toBeGreaterThan(300);
    expect(info(b, "used_memory")).toBeLessThanOrEqual(b.r.resolved.maxmemoryBytes * 1.02);
    expect(as(b, "app", "EXISTS", "fill:1199")).toBe("1");
    // Redis's LRU is approximated by sampling (maxmemory-samples 5), so a single old key may survive:
    // the oldest keys are mostly gone while the newest are mostly kept.
    const keys = (from: number) => Array.from({ length: 100 }, (_, i) => `fill:${from + i}`);
    const oldKept = Number(as(b, "app", "EXISTS", ...keys(0)));
    const newKept = Number(as(b, "app", "EXISTS", ...keys(1100)));
    expect(oldKept).toBeLessThan(50);
    expect(newKept).toBeGreaterThan(oldKept);
  }, 60_000);
});
