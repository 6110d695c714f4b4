/**
 * The PostgresCluster component under the recording mocks: the inputs that
 * matter on each child, parents, dependencies and outputs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { mockRuntime, resolve, settle, type ResourceRecorder } from "../../test/harness";
import { PostgresCluster, type PostgresClusterComponentArgs } from "./postgres-cluster";

const NOW = new Date("2026-08-20T12:00:00Z");
const base: PostgresClusterComponentArgs = {
  namespace: "platform-test",
  instance: "test",
  instances: 3,
  antiAffinity: "required",
  storageSize: "100Gi",
  walStorageSize: "20Gi",
  resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "2", memory: "8Gi" } },
  maxConnections: 400,
  archiveTimeoutSeconds: 60,
  databases: [
    { name: "core_api", owner: "core_api", passwordSecret: "core-api-db" },
    { name: "keycloak", owner: "keycloak", passwordSecret: "keycloak-db" },
  ],
  pooler: { instances: 3, poolMode: "transaction", defaultPoolSize: 50, maxClientConnections: 2000 },
  backup: { retentionDays: 30, schedule: "0 0 2 * * *", compression: "gzip", objectLock: true },
  objectStore: {
    kind: "s3",
    region: "eu-west-1",
    oidcProviderArn: "arn:aws:iam::333333333333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    oidcProviderUrl: "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
  },
  monitoring: { runbookBaseUrl: "https://example.com/runbooks", thresholds: { "pg.connectionsRatio": 0.8, "app.errorRatio": 0.1 } },
  now: NOW,
};

type Any = Record<string, any>;

/** Stands in for the operators' Helm releases. */
class FakeOperators extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Operators", name, {});
  }
}
const spec = (rec: ResourceRecorder, kind: string): Any => rec.kind(kind)[0]!.inputs.spec as Any;

async function build(args: PostgresClusterComponentArgs, extra?: { operators?: boolean }) {
  const rec = mockRuntime("test");
  const ready = extra?.operators ? [new FakeOperators("operators")] : [];
  const db = new PostgresCluster("app-db", { ...args, operatorsReady: ready }, {});
  await settle();
  return { rec, db };
}

describe("PostgresCluster on AWS (prod-shaped)", () => {
  let rec: ResourceRecorder;
  let db: Awaited<ReturnType<typeof build>>["db"];
  beforeAll(async () => {
    ({ rec, db } = await build(base, { operators: true }));
  });

  it("is a platform:data:PostgresCluster whose children are named app-db-<role> and parented to it", () => {
    const comp = rec.resources.find((r) => r.type === "platform:data:PostgresCluster")!;
    expect(comp.name).toBe("app-db");
    const children = rec.resources.filter((r) => r.parent === comp.urn);
    expect(children.length).toBeGreaterThan(15);
    for (const c of children) expect(c.name.startsWith("app-db-")).toBe(true);
  });

  it("Cluster: 3 instances, required anti-affinity, pinned image, storage, plugin WAL archiver", () => {
    const s = spec(rec, "Cluster");
    expect(s.instances).toBe(3);
    expect(s.affinity).toEqual({ enablePodAntiAffinity: true, topologyKey: "kubernetes.io/hostname", podAntiAffinityType: "required" });
    expect(s.imageName).toMatch(/^ghcr\.io\/cloudnative-pg\/postgresql:17\.\d+/);
    expect(s.storage).toEqual({ size: "100Gi" });
    expect(s.walStorage).toEqual({ size: "20Gi" });
    expect(s.plugins).toEqual([
      { name: "barman-cloud.cloudnative-pg.io", enabled: true, isWALArchiver: true, parameters: { barmanObjectName: "app-db-backups", serverName: "app-db" } },
    ]);
    expect(s.backup).toBeUndefined();
  });

  it("the Cluster's service account assumes the backup role (IRSA)", () => {
    const role = rec.byType("aws:iam/role:Role")[0]!;
    expect(spec(rec, "Cluster").serviceAccountTemplate.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(`arn:aws:iam::123456789012:role/${String(role.inputs.name)}`);
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"]).toBe("system:serviceaccount:platform-test:app-db");
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud"]).toBe("sts.amazonaws.com");
    const policy = JSON.parse(String(rec.byType("aws:iam/rolePolicy:RolePolicy")[0]!.inputs.policy));
    const bucket = String(rec.byType("aws:s3/bucket:Bucket")[0]!.inputs.bucket);
    expect(policy.Statement[0].Resource).toBe(`arn:aws:s3:::${bucket}/test/app-db/*`);
  });

  it("bucket: versioned, encrypted, private, TLS-only, lifecycle only after Barman's retention, object lock, no force-destroy", () => {
    const bucket = rec.byType("aws:s3/bucket:Bucket")[0]!;
    expect(bucket.inputs).toMatchObject({ forceDestroy: false, objectLockEnabled: true });
    expect(String(bucket.inputs.bucket)).toMatch(/^platform-test-pg-backups-[0-9a-f]{8}$/);
    expect(rec.byType("aws:s3/bucketVersioning:BucketVersioning")[0]!.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(rec.byType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0]!.inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    expect(rec.byType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]!.inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const tls = JSON.parse(String(rec.byType("aws:s3/bucketPolicy:BucketPolicy")[0]!.inputs.policy));
    expect(tls.Statement[0]).toMatchObject({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const rules = rec.byType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0]!.inputs.rules as Any[];
    // No current version expires by age: Barman's retention decides (test/pitr/lifecycle.test.ts).
    expect(rules.filter((r) => r.expiration?.days !== undefined)).toEqual([]);
    expect(rules.find((r) => r.id === "expire-noncurrent-versions")!.noncurrentVersionExpiration).toEqual({ noncurrentDays: 7 });
    const lock = rec.byType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")[0]!;
    expect(lock.inputs.rule).toEqual({ defaultRetention: { mode: "GOVERNANCE", days: 30 } });
  });

  it("ObjectStore 30d, ScheduledBackup plugin with six-field cron, Pooler rw", () => {
    expect(spec(rec, "ObjectStore").retentionPolicy).toBe("30d");
    expect(spec(rec, "ObjectStore").configuration.s3Credentials).toEqual({ inheritFromIAMRole: true });
    const sb = spec(rec, "ScheduledBackup");
    expect(sb.method).toBe("plugin");
    expect(sb.pluginConfiguration).toEqual({ name: "barman-cloud.cloudnative-pg.io" });
    expect(String(sb.schedule).split(" ")).toHaveLength(6);
    expect(sb).toMatchObject({ backupOwnerReference: "self", immediate: true, cluster: { name: "app-db" } });
    expect(spec(rec, "Pooler")).toMatchObject({ type: "rw", instances: 3, cluster: { name: "app-db" } });
  });

  it("one Database CR per logical database, owned by its own role", () => {
    const dbs = rec.kind("Database").map((d) => [(d.inputs.spec as Any).name, (d.inputs.spec as Any).owner]);
    expect(dbs).toEqual([
      ["core_api", "core_api"],
      ["keycloak", "keycloak"],
    ]);
  });

  it("monitoring: PodMonitor on cnpg.io/cluster port metrics, PrometheusRule with pg.* overrides only, both with the monitoring label", async () => {
    const pm = rec.kind("PodMonitor").find((p) => (p.inputs.metadata as Any).name === "app-db")!;
    expect((pm.inputs.spec as Any).selector.matchLabels["cnpg.io/cluster"]).toBe("app-db");
    expect((pm.inputs.spec as Any).podMetricsEndpoints[0].port).toBe("metrics");
    const rule = rec.kind("PrometheusRule")[0]!;
    for (const r of [...rec.kind("PodMonitor"), rule]) expect((r.inputs.metadata as Any).labels["platform.dev/monitoring"]).toBe("platform");
    const exprs = JSON.stringify(rule.inputs.spec);
    expect(exprs).toContain("PostgresBackupFailed");
    expect(exprs).toContain("> 0.8");
  });

  it("custom resources depend on the operators", () => {
    const ops = rec.resources.find((r) => r.type === "test:index:Operators")!;
    for (const kind of ["Cluster", "ObjectStore", "Pooler", "ScheduledBackup", "Database"]) {
      for (const r of rec.kind(kind)) expect(r.dependencies, kind).toContain(ops.urn);
    }
  });

  it("outputs the pooler connection", async () => {
    expect(db.host).toBe("app-db-pooler-rw.platform-test.svc.cluster.local");
    expect(db.port).toBe(5432);
    expect(db.poolerPodLabels).toEqual({ "cnpg.io/poolerName": "app-db-pooler-rw" });
    expect(db.secretNames).toEqual({ core_api: "core-api-db", keycloak: "keycloak-db" });
    expect(await resolve(db.s3!.role.arn)).toMatch(/^arn:aws:iam::/);
  });
});

describe("PostgresCluster in-cluster (local-shaped)", () => {
  let rec: ResourceRecorder;
  beforeAll(async () => {
    ({ rec } = await build({
      ...base,
      instances: 1,
      antiAffinity: "preferred",
      pooler: { instances: 1, defaultPoolSize: 10 },
      maxConnections: 100,
      objectStore: { kind: "in-cluster" },
      backup: { retentionDays: 7 },
    }));
  });

  it("creates the store (PVC, Deployment, Service, NetworkPolicy, generated credentials) and no AWS resource", () => {
    expect(rec.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    const dep = rec.kind("Deployment")[0]!;
    const pod = (dep.inputs.spec as Any).template.spec;
    expect(pod.containers[0].image).toMatch(/^ghcr\.io\/versity\/versitygw:v\d+\.\d+\.\d+$/);
    expect(pod.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(pod.initContainers[0].command).toEqual(["mkdir", "-p", "/data/pg-backups"]);
    expect(rec.kind("PersistentVolumeClaim")).toHaveLength(1);
    expect(rec.kind("Service")).toHaveLength(1);
    expect(rec.byType("random:index/randomPassword:RandomPassword")).toHaveLength(2);
    const comp = rec.resources.find((r) => r.type === "platform:data:PostgresCluster")!;
    for (const r of rec.byType("random:index/randomPassword:RandomPassword")) expect(r.parent).toBe(comp.urn);
    const np = rec.kind("NetworkPolicy").find((n) => (n.inputs.metadata as Any).name === "app-db-object-store")!;
    expect((np.inputs.spec as Any).ingress[0].ports).toEqual([{ protocol: "TCP", port: 7070 }]);
  });

  it("the ObjectStore points at the store with the generated credentials", () => {
    const s = spec(rec, "ObjectStore");
    expect(s.configuration.endpointURL).toBe("http://app-db-object-store.platform-test.svc.cluster.local:7070");
    expect(s.configuration.s3Credentials.accessKeyId).toEqual({ name: "app-db-object-store-credentials", key: "ACCESS_KEY_ID" });
    expect(s.retentionPolicy).toBe("7d");
    expect(spec(rec, "Cluster").serviceAccountTemplate).toBeUndefined();
  });

  it("the credentials Secret holds them only as secrets", () => {
    const secret = rec.kind("Secret")[0]!;
    expect(JSON.stringify(secret.inputs.stringData)).toContain(pulumi.runtime.specialSecretSig);
  });
});

describe("PostgresCluster restore", () => {
  it("a restore generation gets a new cluster and server name and recovers from the source's server", async () => {
    const { rec } = await build({ ...base, restore: { from: "app-db", targetTime: "2026-08-19T12:00:00Z" } });
    const cluster = rec.kind("Cluster")[0]!;
    const s = cluster.inputs.spec as Any;
    expect((cluster.inputs.metadata as Any).name).toBe("app-db-r1");
    expect(s.plugins[0].parameters.serverName).toBe("app-db-r1");
    expect(s.bootstrap).toEqual({ recovery: { source: "app-db", recoveryTarget: { targetTime: "2026-08-19T12:00:00Z" } } });
    expect(s.externalClusters[0].plugin.parameters).toEqual({ barmanObjectName: "app-db-backups", serverName: "app-db" });
    expect(spec(rec, "Pooler").cluster).toEqual({ name: "app-db-r1" });
    expect(spec(rec, "ScheduledBackup").cluster).toEqual({ name: "app-db-r1" });
  });

  it("the component refuses a target outside the window", async () => {
    mockRuntime("test");
    expect(() => new PostgresCluster("app-db", { ...base, restore: { from: "app-db", targetTime: "2026-01-01T00:00:00Z" } })).toThrow(
      /restore\.targetTime is older than the retention window/,
    );
  });
});

describe("PgBouncer pooler sizing and disruption budget", () => {
  it("sizes the pgbouncer container and budgets one disruption at a time with several instances", async () => {
    const { rec } = await build(base);
    const pooler = spec(rec, "Pooler");
    expect(pooler.template.spec.containers).toEqual([{ name: "pgbouncer", resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "256Mi" } } }]);
    const pdbs = rec.kind("PodDisruptionBudget");
    expect(pdbs.map((p) => (p.inputs.metadata as Any).name)).toEqual(["app-db-pooler-rw"]);
    expect(pdbs[0]!.inputs.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "cnpg.io/poolerName": "app-db-pooler-rw" } }, unhealthyPodEvictionPolicy: "AlwaysAllow" });
  });

  it("makes no PDB for a single pooler instance (it would block drains), and takes resources from args", async () => {
    const resources = { requests: { cpu: "250m", memory: "128Mi" }, limits: { memory: "512Mi" } };
    const { rec } = await build({ ...base, pooler: { ...base.pooler, instances: 1, resources } });
    expect(rec.kind("PodDisruptionBudget")).toEqual([]);
    expect(spec(rec, "Pooler").template.spec.containers[0].resources).toEqual(resources);
  });
});
