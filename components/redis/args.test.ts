import { describe, expect, it } from "vitest";
import { resolveRedisArgs, type RedisArgs } from "./args";
import { aclFile, redisConf, redisFiles, sentinelConf, startScript } from "./files";
import { REDIS_EXPORTER_IMAGE, REDIS_IMAGE, VALKEY_IMAGE } from "./versions";

const base: RedisArgs = {
  namespace: "shop",
  instance: "prod",
  storageSize: "8Gi",
  resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "1Gi" } },
  users: {
    app: { username: "app", secretName: "redis", password: "app-pw" },
    admin: { username: "admin", secretName: "redis-admin", password: "admin-pw" },
  },
  monitoring: { runbookBaseUrl: "https://runbooks.example.com" },
};
const sentinel: RedisArgs = { ...base, mode: "sentinel" };

describe("resolveRedisArgs defaults", () => {
  it("standalone Redis 8 for sessions: noeviction, maxmemory 70% of the limit, AOF and RDB", () => {
    const a = resolveRedisArgs("redis", base);
    expect(a).toMatchObject({ name: "redis", flavor: "redis", image: REDIS_IMAGE, exporterImage: REDIS_EXPORTER_IMAGE, mode: "standalone", replicas: 1, maxmemoryPolicy: "noeviction", aof: true, rdbSnapshots: true, minReplicasToWrite: 0 });
    expect(a.maxmemoryBytes).toBe(Math.floor(2 ** 30 * 0.7));
    expect(a.podHost(0)).toBe("redis-0.redis-headless.shop.svc.cluster.local");
  });

  it("a cache evicts the least recently used keys; Valkey is one setting away", () => {
    expect(resolveRedisArgs("redis", { ...base, use: "cache" }).maxmemoryPolicy).toBe("allkeys-lru");
    const v = resolveRedisArgs("redis", { ...base, flavor: "valkey" });
    expect(v.image).toBe(VALKEY_IMAGE);
    expect(v.programs).toMatchObject({ server: "valkey-server", sentinel: "valkey-sentinel", cli: "valkey-cli", licence: "BSD-3-Clause" });
  });

  it("Sentinel mode: 3 data pods, 3 Sentinels, quorum 2, down-after 10 s, one replica required for writes", () => {
    const a = resolveRedisArgs("redis", sentinel);
    expect(a.replicas).toBe(3);
    expect(a.sentinel).toMatchObject({ replicas: 3, quorum: 2, masterName: "mymaster", downAfterMilliseconds: 10_000, failoverTimeoutMilliseconds: 180_000, parallelSyncs: 1, name: "redis-sentinel", headless: "redis-sentinel-headless" });
    expect(a.minReplicasToWrite).toBe(1);
    expect(a.sentinelHost(2)).toBe("redis-sentinel-2.redis-sentinel-headless.shop.svc.cluster.local");
  });
});

describe("resolveRedisArgs errors name the field and the value", () => {
  const cases: [string, Partial<RedisArgs>, RegExp][] = [
    ["replicas in standalone", { replicas: 2 }, /^Redis: replicas must be an integer between 1 and 1, got 2$/],
    ["one data pod with Sentinel", { mode: "sentinel", replicas: 1 }, /replicas must be an integer between 2 and 9, got 1/],
    ["even Sentinels", { mode: "sentinel", sentinel: { replicas: 4 } }, /sentinel\.replicas must be odd/],
    ["quorum above Sentinels", { mode: "sentinel", sentinel: { quorum: 4 } }, /sentinel\.quorum must be an integer between 1 and 3, got 4/],
    ["failover timeout below down-after", { mode: "sentinel", sentinel: { downAfterMilliseconds: 5000, failoverTimeoutMilliseconds: 2000 } }, /failoverTimeoutMilliseconds must be at least sentinel\.downAfterMilliseconds \(5000\), got 2000/],
    ["sentinel settings without Sentinel", { sentinel: { replicas: 3 } }, /sentinel is only used with mode "sentinel"/],
    ["unpinned image", { image: "redis:latest" }, /image must be pinned/],
    ["tiny memory", { resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "16Mi" } } }, /limits\.memory leaves maxmemory at \d+ bytes; give Redis at least 16 MiB/],
    ["ratio out of range", { maxmemoryRatio: 0.95 }, /maxmemoryRatio must be between 0.2 and 0.9/],
    ["bad quantity", { storageSize: "lots" }, /storageSize must be a Kubernetes quantity/],
    ["default user", { users: { ...base.users, app: { ...base.users.app, username: "default" } } }, /users\.app\.username must be an ACL user name .*not "default"/],
    ["same users", { users: { ...base.users, admin: { ...base.users.admin, username: "app" } } }, /users\.admin\.username must differ/],
    ["empty client selector", { clients: [{ podLabels: {} }] }, /clients\[0\]\.podLabels must select some pods/],
    ["min replicas beyond replicas", { mode: "sentinel", minReplicasToWrite: 3 }, /minReplicasToWrite must be an integer between 0 and 2, got 3/],
  ];
  for (const [what, change, expected] of cases) it(what, () => expect(() => resolveRedisArgs("redis", { ...base, ...change })).toThrow(expected));
});

describe("rendered files", () => {
  it("redis.conf: ACL file, AOF everysec + RDB, maxmemory and policy; no user lines, no passwords", () => {
    const a = resolveRedisArgs("redis", base);
    const conf = redisConf(a);
    for (const line of ["aclfile /etc/redis/secret/users.acl", "appendonly yes", "appendfsync everysec", "save 3600 1 300 100 60 10000", `maxmemory ${a.maxmemoryBytes}`, "maxmemory-policy noeviction", "dir /data", "enable-debug-command no"]) {
      expect(conf.split("\n")).toContain(line);
    }
    expect(conf).not.toMatch(/^(user|requirepass|masterauth) /m);
    expect(conf).not.toContain("replicaof");
    expect(redisFiles(a, { app: "x", admin: "y" }).config).not.toHaveProperty("start.sh");
  });

  it("the ACL file holds SHA-256 hashes only, the default user off", () => {
    const a = resolveRedisArgs("redis", base);
    const acl = aclFile(a, { app: "app-pw", admin: "admin-pw" });
    expect(acl).toMatch(/^user default off resetpass/m);
    expect(acl).toMatch(/^user app on #[0-9a-f]{64} resetkeys ~\* resetchannels &\* -@all \+@connection/m);
    expect(acl).toMatch(/^user admin on #[0-9a-f]{64} .*\+@all -@dangerous /m);
    expect(acl).not.toContain("app-pw");
    expect(acl).not.toContain("admin-pw");
  });

  it("Sentinel mode: replication credentials included, split-brain limits, Sentinels by hostname", () => {
    const a = resolveRedisArgs("redis", sentinel);
    const f = redisFiles(a, { app: "app-pw", admin: "admin-pw" });
    expect(f.config["redis.conf"]).toContain("include /etc/redis/secret/replication.conf");
    expect(f.config["redis.conf"]).toContain("min-replicas-to-write 1\nmin-replicas-max-lag 10");
    expect(f.secret["replication.conf"]).toBe("masteruser admin\nmasterauth admin-pw\n");
    const s = sentinelConf(a, { app: "app-pw", admin: "admin-pw" });
    for (const line of ["sentinel resolve-hostnames yes", "sentinel announce-hostnames yes", "sentinel monitor mymaster redis-0.redis-headless.shop.svc.cluster.local 6379 2", "sentinel down-after-milliseconds mymaster 10000", "sentinel auth-user mymaster admin", "sentinel sentinel-user admin", "user default off resetpass resetkeys resetchannels -@all"]) {
      expect(s.split("\n")).toContain(line);
    }
    const sh = startScript(a);
    expect(sh).toContain("SENTINEL get-master-addr-by-name 'mymaster'");
    expect(sh).toContain("--replica-announce-ip \"$self\"");
    expect(sh).toContain('--replicaof "$primary" 6379');
    expect(sh).toContain("sentinel myid $(printf %s \"$self\" | sha1sum | cut -c1-40)");
    expect(sh).not.toContain("admin-pw");
  });

  it("TLS: TLS port only, replication and Sentinels over TLS, redis-cli with the CA", () => {
    const a = resolveRedisArgs("redis", { ...sentinel, tls: { issuer: { name: "internal-ca", kind: "Issuer" } } });
    const conf = redisConf(a);
    expect(conf).toContain("port 0\ntls-port 6379\ntls-cert-file /etc/redis/tls/tls.crt");
    expect(conf).toContain("tls-replication yes");
    expect(conf).toContain("tls-auth-clients no");
    expect(sentinelConf(a, { app: "a", admin: "b" })).toContain("port 0\ntls-port 26379");
    expect(startScript(a)).toContain("--tls --cacert /etc/redis/tls/ca.crt");
  });
});
