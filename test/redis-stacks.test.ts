/**
 * Redis in the stacks: local renders one authenticated, persistent standalone
 * Redis; prod the Sentinel HA shape; ElastiCache when a stack picks it; the apps
 * get connection details (Spring, ioredis/node-redis) and are the only pods that
 * may reach Redis; bad Redis config stops with one line.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readStackConfig, renderedObjects, renderStack, renderStackError, withConfig, type RunResult } from "./harness";
import { validateObject } from "./k8s-schema";
import { allowed, type Endpoint, type NetworkPolicy } from "./netpol";

const ELASTICACHE = {
  provider: "elasticache",
  elasticache: {
    engine: "valkey",
    engineVersion: "8.0",
    nodeType: "cache.r7g.large",
    replicas: 2,
    vpcId: "vpc-0abc12345",
    subnetIds: ["subnet-0aaa11111", "subnet-0bbb22222", "subnet-0ccc33333"],
    allowedCidrs: ["10.20.0.0/16"],
    snapshotRetentionDays: 7,
  },
};

const named = (run: RunResult, kind: string, name: string) => {
  const o = renderedObjects(run, kind).find((x) => x.metadata.name === name);
  if (!o) throw new Error(`${run.stack}: no ${kind} ${name}`);
  return o;
};
const env = (run: RunResult, app: string): Record<string, any> =>
  Object.fromEntries((named(run, "Deployment", app).spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));

let local: RunResult;
let prod: RunResult;
let ec: RunResult;
beforeAll(async () => {
  local = await renderStack("local");
  prod = await renderStack("prod");
  ec = await renderStack("prod", withConfig(readStackConfig("prod"), { redis: ELASTICACHE }));
}, 180_000);

describe("local: one authenticated, persistent Redis", () => {
  it("a standalone StatefulSet with a volume, AOF on, the default user off", () => {
    const sts = renderedObjects(local, "StatefulSet").filter((s) => s.metadata.name.startsWith("redis"));
    expect(sts.map((s) => s.metadata.name)).toEqual(["redis"]);
    expect(sts[0]!.spec.replicas).toBe(1);
    expect(sts[0]!.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("1Gi");
    const conf = named(local, "ConfigMap", "redis-config").data["redis.conf"] as string;
    expect(conf).toContain("appendonly yes");
    expect(conf).toContain("aclfile /etc/redis/secret/users.acl");
    expect(named(local, "Secret", "redis-config").stringData["users.acl"]).toBe("<secret: redacted>");
    expect(env(local, "core-api")).toMatchObject({ SPRING_DATA_REDIS_HOST: "redis.platform-local.svc.cluster.local", SPRING_DATA_REDIS_PORT: "6379", SPRING_DATA_REDIS_USERNAME: "app" });
    expect(env(local, "web")).toMatchObject({ REDIS_HOST: "redis.platform-local.svc.cluster.local", REDIS_USERNAME: "app", REDIS_PASSWORD: { secretKeyRef: { name: "redis", key: "password" } } });
  });
});

describe("prod: the Sentinel HA shape", () => {
  it("a primary and two replicas, three Sentinels, required anti-affinity, PDBs", () => {
    expect(named(prod, "StatefulSet", "redis").spec.replicas).toBe(3);
    expect(named(prod, "StatefulSet", "redis-sentinel").spec.replicas).toBe(3);
    expect(named(prod, "StatefulSet", "redis").spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(named(prod, "PodDisruptionBudget", "redis-sentinel").spec.maxUnavailable).toBe(1);
    expect(named(prod, "ConfigMap", "redis-config").data["start.sh"]).toContain("SENTINEL get-master-addr-by-name 'mymaster'");
    expect(named(prod, "PrometheusRule", "redis-alerts").spec.groups[0].rules.map((r: { alert: string }) => r.alert)).toContain("RedisSentinelQuorumLost");
  });

  it("Spring gets spring.data.redis.sentinel.*, web the Sentinel list; passwords only by Secret reference", () => {
    const nodes = [0, 1, 2].map((i) => `redis-sentinel-${i}.redis-sentinel-headless.platform-prod.svc.cluster.local:26379`).join(",");
    expect(env(prod, "core-api")).toMatchObject({
      SPRING_DATA_REDIS_SENTINEL_MASTER: "mymaster",
      SPRING_DATA_REDIS_SENTINEL_NODES: nodes,
      SPRING_DATA_REDIS_SENTINEL_USERNAME: "app",
      SPRING_DATA_REDIS_SENTINEL_PASSWORD: { secretKeyRef: { name: "redis", key: "password" } },
    });
    expect(env(prod, "web")).toMatchObject({ REDIS_SENTINELS: nodes, REDIS_SENTINEL_MASTER: "mymaster" });
  });

  it("is the only Redis dashboard and alert owner: the Monitoring component ships platform-redis", () => {
    const maps = renderedObjects(prod, "ConfigMap").filter((c) => Object.keys(c.data ?? {}).includes("platform-redis.json"));
    expect(maps).toHaveLength(1);
  });
});

describe("prod with TLS", () => {
  it("a schema-valid cert-manager Certificate covering the pods and Services, waiting for cert-manager", async () => {
    const run = await renderStack("prod", withConfig(readStackConfig("prod"), { redis: { tls: { issuer: "platform-ca", kind: "ClusterIssuer" } } }));
    const cert = named(run, "Certificate", "redis-tls");
    expect(await validateObject(cert)).toEqual({ status: "valid" });
    expect(cert.spec.dnsNames).toEqual(expect.arrayContaining(["*.redis-headless.platform-prod.svc.cluster.local", "*.redis-sentinel-headless.platform-prod.svc.cluster.local"]));
    const certManager = run.recorder.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "cert-manager")!;
    expect(run.recorder.resources.find((r) => r.name === "redis-certificate")!.dependencies).toContain(certManager.urn);
    expect(named(run, "ConfigMap", "redis-config").data["redis.conf"]).toContain("tls-port 6379");
  }, 60_000);
});

describe("prod with ElastiCache chosen", () => {
  it("a replication group instead of the StatefulSets; apps use TLS and the endpoint from a Secret", () => {
    expect(renderedObjects(ec, "StatefulSet").filter((s) => s.metadata.name.startsWith("redis"))).toEqual([]);
    const g = ec.recorder.byType("aws:elasticache/replicationGroup:ReplicationGroup");
    expect(g).toHaveLength(1);
    expect(g[0]!.inputs).toMatchObject({ engine: "valkey", numCacheClusters: 3, multiAzEnabled: true, automaticFailoverEnabled: true, transitEncryptionEnabled: true, atRestEncryptionEnabled: true });
    expect(env(ec, "core-api")).toMatchObject({ SPRING_DATA_REDIS_SSL_ENABLED: "true", SPRING_DATA_REDIS_HOST: { secretKeyRef: { name: "redis-endpoint", key: "host" } }, SPRING_DATA_REDIS_PASSWORD: { secretKeyRef: { name: "redis-elasticache-auth", key: "password" } } });
    expect(named(ec, "NetworkPolicy", "redis-clients-egress").spec.egress).toEqual([{ to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 6379 }] }]);
    expect(renderedObjects(ec, "ConfigMap").some((c) => Object.keys(c.data ?? {}).includes("platform-redis.json"))).toBe(false);
  });
});

describe("network: only the declared apps reach Redis", () => {
  it.each(["prod", "local"])("%s", (stack) => {
    const run = stack === "prod" ? prod : local;
    const policies = renderedObjects(run, "NetworkPolicy") as NetworkPolicy[];
    const ns = `platform-${stack}`;
    const pod = (kind: string, name: string, ports: Record<string, number> = {}): Endpoint => {
      const o = named(run, kind, name);
      return { name, namespace: ns, labels: o.spec.template.metadata.labels, ports };
    };
    const redis = pod("StatefulSet", "redis", { redis: 6379, metrics: 9121 });
    const coreApi = pod("Deployment", "core-api");
    const webPod = pod("Deployment", "web");
    const debug: Endpoint = { name: "debug", namespace: ns, labels: { run: "debug" } };
    const prometheus: Endpoint = { name: "prometheus", namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } };
    expect(allowed(policies, coreApi, redis, 6379)).toBe(true);
    expect(allowed(policies, webPod, redis, 6379)).toBe(true);
    expect(allowed(policies, debug, redis, 6379)).toBe(false);
    expect(allowed(policies, prometheus, redis, 9121)).toBe(true);
    expect(allowed(policies, prometheus, redis, 6379)).toBe(false);
    if (stack === "prod") {
      const sentinel = pod("StatefulSet", "redis-sentinel", { sentinel: 26379, metrics: 9121 });
      expect(allowed(policies, coreApi, sentinel, 26379)).toBe(true);
      expect(allowed(policies, webPod, sentinel, 26379)).toBe(true);
      expect(allowed(policies, debug, sentinel, 26379)).toBe(false);
      expect(allowed(policies, sentinel, redis, 6379)).toBe(true);
      expect(allowed(policies, redis, sentinel, 26379)).toBe(true);
      expect(allowed(policies, redis, redis, 6379)).toBe(true);
      expect(allowed(policies, sentinel, sentinel, 26379)).toBe(true);
      expect(allowed(policies, prometheus, sentinel, 9121)).toBe(true);
    }
  });
});

describe("bad Redis config: one line naming stack and key, nothing registered", () => {
  it.each([
    ["local", { redis: { replicas: 2 } }, /^stack "local": config "platform:redis\.replicas" is 2: must be 1 with mode "standalone"/],
    ["prod", { redis: { sentinel: { replicas: 4 } } }, /^stack "prod": config "platform:redis\.sentinel\.replicas" is 4: must be odd/],
    ["prod", { redis: { flavor: "keydb" } }, /^stack "prod": config "platform:redis\.flavor" is "keydb":/],
    ["prod", { redis: { provider: "elasticache" } }, /^stack "prod": config "platform:redis\.elasticache": is missing: provider "elasticache" needs/],
    ["local", { redis: ELASTICACHE }, /^stack "local": config "platform:redis\.provider" is "elasticache": needs platform:aws/],
    ["prod", { redis: { ...ELASTICACHE, elasticache: { ...ELASTICACHE.elasticache, engine: "redis" } } }, /^stack "prod": ElastiCacheRedis: engineVersion is not offered for engine redis/],
    ["prod", { redis: { resources: { limits: { memory: "16Mi" }, requests: { memory: "16Mi" } } } }, /^stack "prod": Redis: resources\.limits\.memory leaves maxmemory at/],
  ] as const)("%s %j", async (stack, changes, message) => {
    const { error, registered } = await renderStackError(stack, withConfig(readStackConfig(stack), changes));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("\n");
    expect(registered).toBe(0);
  });
});
