import { describe, expect, it } from "vitest";
import { mockRuntime, resolve, settle } from "../../test/harness";
import { springRedisEnv, nodeRedisEnv } from "./connection";
import { ElastiCacheRedis } from "./elasticache";
import { Redis, type RedisComponentArgs } from "./redis";

const args: RedisComponentArgs = {
  namespace: "shop",
  instance: "prod",
  mode: "sentinel",
  storageSize: "8Gi",
  resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "1Gi" } },
  users: {
    app: { username: "app", secretName: "redis", password: "app-pw" },
    admin: { username: "admin", secretName: "redis-admin", password: "admin-pw" },
  },
  clients: [{ podLabels: { "app.kubernetes.io/name": "core-api", "app.kubernetes.io/instance": "prod" } }],
  monitoring: { runbookBaseUrl: "https://runbooks.example.com" },
};

async function build(a: RedisComponentArgs = args) {
  const rec = mockRuntime();
  const r = new Redis("redis", a);
  await settle();
  const named = (kind: string, name: string) => {
    const o = rec.kind(kind).find((x) => (x.inputs.metadata as { name: string }).name === name);
    if (!o) throw new Error(`no ${kind} ${name}`);
    return o.inputs as Record<string, any>;
  };
  return { rec, r, named };
}

describe("Redis component (Sentinel mode)", () => {
  it("creates the data and Sentinel StatefulSets, headless and client Services, PDBs, policies, monitors and rules", async () => {
    const { rec } = await build();
    const names = (kind: string) => rec.kind(kind).map((x) => (x.inputs.metadata as { name: string }).name).sort();
    expect(names("StatefulSet")).toEqual(["redis", "redis-sentinel"]);
    expect(names("Service")).toEqual(["redis-headless", "redis-sentinel", "redis-sentinel-headless"]);
    expect(names("PodDisruptionBudget")).toEqual(["redis", "redis-sentinel"]);
    expect(names("NetworkPolicy")).toEqual(["redis", "redis-sentinel"]);
    expect(names("ServiceMonitor")).toEqual(["redis", "redis-sentinel"]);
    expect(names("PrometheusRule")).toEqual(["redis-alerts"]);
    for (const r of rec.resources.filter((x) => x.custom)) expect(r.parent, `${r.type} ${r.name}`).toContain("platform:data:Redis::redis");
  });

  it("runs restricted pods: non-root uid 999, read-only root, no capabilities; a volume per data pod", async () => {
    const { named } = await build();
    const sts = named("StatefulSet", "redis").spec;
    const pod = sts.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of pod.containers) expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(pod.containers.map((c: { name: string }) => c.name)).toEqual(["redis", "redis-exporter"]);
    expect(sts.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("8Gi");
    expect(sts.podManagementPolicy).toBe("Parallel");
    expect(sts.template.metadata.annotations["platform.dev/config-hash"]).toMatch(/^[0-9a-f]{16}$/);
  });

  it("probes authenticate as the admin user with the password from its Secret, never on the command line", async () => {
    const { named } = await build();
    const c = named("StatefulSet", "redis").spec.template.spec.containers[0];
    expect(c.command).toEqual(["sh", "/etc/redis/conf/start.sh", "server"]);
    expect(c.readinessProbe.exec.command.join(" ")).toContain("redis-cli --user admin --no-auth-warning -h localhost -p 6379 ping | grep -Eq 'PONG'");
    expect(c.env).toContainEqual({ name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: "redis-admin", key: "password" } } });
    expect(JSON.stringify(c)).not.toContain("admin-pw");
    const exporter = named("StatefulSet", "redis").spec.template.spec.containers[1];
    expect(exporter.env).toContainEqual({ name: "REDIS_USER", value: "admin" });
    expect(exporter.securityContext.runAsUser).toBe(59000);
  });

  it("keeps passwords in the Secret as a Pulumi secret, the ConfigMap free of them", async () => {
    const { r, named } = await build();
    expect(JSON.stringify(named("ConfigMap", "redis-config").data)).not.toMatch(/app-pw|admin-pw/);
    const data = (await resolve(r.configSecret.stringData)) as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(["replication.conf", "sentinel.conf", "users.acl"]);
    expect(data["users.acl"]).not.toContain("app-pw");
    expect(data["sentinel.conf"]).toContain("sentinel auth-pass mymaster admin-pw");
  });

  it("admits only the declared clients, the data pods, the Sentinels and Prometheus", async () => {
    const { named } = await build();
    const data = named("NetworkPolicy", "redis").spec;
    expect(data.ingress[0]).toEqual({ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "core-api", "app.kubernetes.io/instance": "prod" } } }], ports: [{ protocol: "TCP", port: 6379 }] });
    expect(data.ingress[1]).toEqual({ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9121 }] });
    expect(data.ingress).toHaveLength(3);
  });

  it("gives Spring and Node clients the Sentinel nodes, master name and credentials by Secret reference", async () => {
    const { r } = await build();
    const spring = springRedisEnv(r.connection);
    expect(spring.env).toMatchObject({
      SPRING_DATA_REDIS_SENTINEL_MASTER: "mymaster",
      SPRING_DATA_REDIS_SENTINEL_NODES: "redis-sentinel-0.redis-sentinel-headless.shop.svc.cluster.local:26379,redis-sentinel-1.redis-sentinel-headless.shop.svc.cluster.local:26379,redis-sentinel-2.redis-sentinel-headless.shop.svc.cluster.local:26379",
      SPRING_DATA_REDIS_USERNAME: "app",
      SPRING_DATA_REDIS_SENTINEL_USERNAME: "app",
    });
    expect(spring.secretEnv.SPRING_DATA_REDIS_SENTINEL_PASSWORD).toEqual({ secret: "redis", key: "password" });
    expect(nodeRedisEnv(r.connection).env).toMatchObject({ REDIS_SENTINEL_MASTER: "mymaster", REDIS_USERNAME: "app", REDIS_TLS: "false" });
  });

  it("standalone: one pod behind a client Service, no Sentinel", async () => {
    const { rec, r } = await build({ ...args, mode: "standalone", clients: [] });
    expect(rec.kind("StatefulSet")).toHaveLength(1);
    expect(r.connection).toMatchObject({ mode: "standalone", host: "redis.shop.svc.cluster.local", port: 6379 });
    expect(springRedisEnv(r.connection).env).toMatchObject({ SPRING_DATA_REDIS_HOST: "redis.shop.svc.cluster.local", SPRING_DATA_REDIS_PORT: "6379" });
  });

  it("TLS: a cert-manager Certificate for every pod and Service name, mounted in every container", async () => {
    const { named } = await build({ ...args, tls: { issuer: { name: "internal-ca", kind: "Issuer" } } });
    const cert = named("Certificate", "redis-tls").spec;
    expect(cert.dnsNames).toEqual(expect.arrayContaining(["*.redis-headless.shop.svc.cluster.local", "*.redis-sentinel-headless.shop.svc.cluster.local", "localhost"]));
    expect(cert.issuerRef).toEqual({ name: "internal-ca", kind: "Issuer", group: "cert-manager.io" });
    const sts = named("StatefulSet", "redis-sentinel").spec.template.spec;
    for (const c of sts.containers) expect(c.volumeMounts).toContainEqual({ name: "tls", mountPath: "/etc/redis/tls", readOnly: true });
  });

  it("transforms reach the child", async () => {
    const { named } = await build({ ...args, transform: { statefulSet: (a) => ({ ...a, metadata: { ...a.metadata, annotations: { patched: "yes" } } }) } });
    expect(named("StatefulSet", "redis").metadata.annotations).toEqual({ patched: "yes" });
  });
});

describe("ElastiCacheRedis", () => {
  const ec = {
    namespace: "shop",
    instance: "prod",
    engineVersion: "8.0",
    nodeType: "cache.r7g.large",
    vpcId: "vpc-0abc12345",
    subnetIds: ["subnet-0aaa11111", "subnet-0bbb22222"],
    allowedCidrs: ["10.0.0.0/16"],
    authToken: { secretName: "redis-elasticache-auth", key: "password", value: "t0ken" },
    clients: [{ podLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "prod" } }],
  };
  it("a Multi-AZ Valkey replication group with failover, TLS, encryption at rest and the AUTH token", async () => {
    const rec = mockRuntime();
    const r = new ElastiCacheRedis("redis", ec);
    await settle();
    const g = rec.byType("aws:elasticache/replicationGroup:ReplicationGroup")[0]!.inputs;
    expect(g).toMatchObject({ replicationGroupId: "prod-redis", engine: "valkey", engineVersion: "8.0", numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true, transitEncryptionEnabled: true, transitEncryptionMode: "required", atRestEncryptionEnabled: true });
    expect(rec.byType("aws:elasticache/parameterGroup:ParameterGroup")[0]!.inputs).toMatchObject({ family: "valkey8", parameters: [{ name: "maxmemory-policy", value: "noeviction" }] });
    expect(rec.byType("aws:ec2/securityGroup:SecurityGroup")[0]!.inputs.ingress).toEqual([expect.objectContaining({ fromPort: 6379, toPort: 6379, cidrBlocks: ["10.0.0.0/16"] })]);
    expect(r.connection).toMatchObject({ mode: "standalone", hostSecret: { secret: "redis-endpoint", key: "host" }, tls: true, cidrs: ["10.0.0.0/16"] });
    expect(springRedisEnv(r.connection).secretEnv.SPRING_DATA_REDIS_HOST).toEqual({ secret: "redis-endpoint", key: "host" });
    const np = rec.kind("NetworkPolicy")[0]!.inputs as Record<string, any>;
    expect(np.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: 6379 }] }]);
  });
  it("refuses Redis OSS beyond what ElastiCache offers, and one availability zone", () => {
    expect(() => new ElastiCacheRedis("redis", { ...ec, engine: "redis", engineVersion: "8.0" })).toThrow(/ElastiCache's Redis OSS ends at 7.1/);
    expect(() => new ElastiCacheRedis("redis2", { ...ec, subnetIds: ["subnet-0aaa11111"] })).toThrow(/at least two availability zones/);
  });
});
