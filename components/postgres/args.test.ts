import { describe, expect, it } from "vitest";
import { PROFILES } from "../../stacks/environments";
import { DEFAULT_POOLER_RESOURCES, defaultBucketName, resolvePostgresClusterArgs, type PostgresClusterArgs } from "./args";
import { checkObjectStore } from "./objectstore-schema";
import { bootstrapSpec, clusterSpec, objectStoreSpec, poolerSpec, scheduledBackupSpec } from "./spec";
import { instancesPolicy } from "./network";
import { accessPolicy, trustPolicy } from "./s3";

const NOW = new Date("2026-08-20T12:00:00Z");
const s3 = {
  kind: "s3",
  region: "eu-west-1",
  oidcProviderArn: "arn:aws:iam::333333333333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
  oidcProviderUrl: "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
} as const;

/** Args as stacks/compose/data.ts builds them from an environment profile. */
function fromProfile(env: keyof typeof PROFILES, extra: Partial<PostgresClusterArgs> = {}): PostgresClusterArgs {
  const pg = PROFILES[env].postgres;
  return {
    namespace: `platform-${env}`,
    instance: env,
    instances: pg.instances,
    storageSize: pg.storageSize,
    walStorageSize: pg.walStorageSize,
    resources: pg.resources,
    maxConnections: pg.maxConnections,
    archiveTimeoutSeconds: pg.archiveTimeoutSeconds,
    superuserAccess: pg.superuserAccess,
    databases: [
      { name: "core_api", owner: "core_api", passwordSecret: "core-api-db" },
      { name: "keycloak", owner: "keycloak", passwordSecret: "keycloak-db" },
    ],
    pooler: pg.pooler,
    backup: pg.backup,
    objectStore: env === "local" || env === "preview" ? { kind: "in-cluster" } : s3,
    monitoring: { runbookBaseUrl: "https://example.com/runbooks" },
    ...extra,
  };
}

describe("resolvePostgresClusterArgs: defaults per environment", () => {
  it("prod: 3 instances, 60 s archive timeout, 30-day retention, object lock, S3 bucket name", () => {
    const a = resolvePostgresClusterArgs("app-db", fromProfile("prod"), NOW);
    expect(a.instances).toBe(3);
    expect(a.archiveTimeoutSeconds).toBe(60);
    expect(a.layout.retentionPolicy).toBe("30d");
    expect(a.objectLock).toBe(true);
    expect(a.layout.bucket).toBe(defaultBucketName("prod", "eu-west-1", s3.oidcProviderArn));
    expect(a.layout.bucket).toMatch(/^platform-prod-pg-backups-[0-9a-f]{8}$/);
    expect(a.layout.destinationPath).toBe(`s3://${a.layout.bucket}/prod/app-db`);
    expect(a.clusterName).toBe("app-db");
    expect(a.layout.serverName).toBe("app-db");
    expect(a.generation).toBe(0);
    expect(a.superuserAccess).toBe(false);
    expect(a.endpointURL).toBeUndefined();
    expect(a.pooler).toEqual({ name: "app-db-pooler-rw", instances: 3, poolMode: "transaction", defaultPoolSize: 50, maxClientConnections: 2000, resources: DEFAULT_POOLER_RESOURCES });
  });

  it("local: one instance, in-cluster store endpoint, 7-day retention, default bucket", () => {
    const a = resolvePostgresClusterArgs("app-db", fromProfile("local"), NOW);
    expect(a.instances).toBe(1);
    expect(a.layout.retentionPolicy).toBe("7d");
    expect(a.layout.bucket).toBe("pg-backups");
    expect(a.endpointURL).toBe("http://app-db-object-store.platform-local.svc.cluster.local:7070");
    expect(a.antiAffinity).toBe("preferred");
  });

  it("the bucket name is stable for a stack/region/account and differs across accounts", () => {
    const other = "arn:aws:iam::444444444444:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
    const otherCluster = "arn:aws:iam::333333333333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/NEWCLUSTER";
    expect(defaultBucketName("prod", "eu-west-1", s3.oidcProviderArn)).toBe(defaultBucketName("prod", "eu-west-1", otherCluster));
    expect(defaultBucketName("prod", "eu-west-1", s3.oidcProviderArn)).not.toBe(defaultBucketName("prod", "eu-west-1", other));
  });
});

describe("resolvePostgresClusterArgs: restore generations", () => {
  it("a restore from generation 0 is generation 1 with a new cluster and server name", () => {
    const a = resolvePostgresClusterArgs("app-db", fromProfile("prod", { restore: { from: "app-db", targetTime: "2026-08-19T12:00:00Z" } }), NOW);
    expect(a.generation).toBe(1);
    expect(a.clusterName).toBe("app-db-r1");
    expect(a.layout.serverName).toBe("app-db-r1");
    expect(a.restore).toEqual({ from: "app-db", targetTime: "2026-08-19T12:00:00Z", sourceServerName: "app-db" });
    expect(a.coveredClusters).toEqual(["app-db", "app-db-r1"]);
    const { bootstrap, externalClusters } = bootstrapSpec(a);
    expect(bootstrap).toEqual({ recovery: { source: "app-db", recoveryTarget: { targetTime: "2026-08-19T12:00:00Z" } } });
    expect(externalClusters).toEqual([
      { name: "app-db", plugin: { name: "barman-cloud.cloudnative-pg.io", parameters: { barmanObjectName: "app-db-backups", serverName: "app-db" } } },
    ]);
  });

  it("without targetTime the recovery replays to the end of the archive", () => {
    const a = resolvePostgresClusterArgs("app-db", fromProfile("prod", { restore: { from: "app-db-r1" } }), NOW);
    expect(a.generation).toBe(2);
    expect(a.clusterName).toBe("app-db-r2");
    expect(bootstrapSpec(a).bootstrap).toEqual({ recovery: { source: "app-db-r1" } });
  });

  it("an explicit generation skips ahead (restore again from an older generation)", () => {
    const a = resolvePostgresClusterArgs("app-db", fromProfile("prod", { restore: { from: "app-db", generation: 3 } }), NOW);
    expect(a.clusterName).toBe("app-db-r3");
    expect(a.restore?.sourceServerName).toBe("app-db");
  });

  it("server names differ across generations", () => {
    const names = [undefined, { from: "app-db" }, { from: "app-db-r1" }].map(
      (restore) => resolvePostgresClusterArgs("app-db", fromProfile("prod", { restore }), NOW).layout.serverName,
    );
    expect(new Set(names).size).toBe(3);
  });
});

describe("resolvePostgresClusterArgs: errors name the field and the value", () => {
  const bad: [string, Partial<PostgresClusterArgs>, RegExp][] = [
    ["restore from another cluster", { restore: { from: "other-db" } }, /restore\.from must name a generation of cluster "app-db".*got "other-db"/],
    ["generation not above the source", { restore: { from: "app-db-r2", generation: 2 } }, /restore\.generation must be an integer between 3 and 999.*got 2/],
    ["target in the future", { restore: { from: "app-db", targetTime: "2026-08-21T00:00:00Z" } }, /restore\.targetTime is in the future; the restorable window is .*got "2026-08-21T00:00:00Z"/],
    ["target older than retention", { restore: { from: "app-db", targetTime: "2026-07-01T00:00:00Z" } }, /restore\.targetTime is older than the retention window 2026-07-21T12:00:00.000Z \.\. 2026-08-20T12:00:00.000Z/],
    ["target without a zone", { restore: { from: "app-db", targetTime: "2026-08-19 10:00" } }, /restore\.targetTime must be an RFC 3339 time/],
    ["no databases", { databases: [] }, /databases must list at least one database/],
    ["reserved owner", { databases: [{ name: "x", owner: "postgres", passwordSecret: "s" }] }, /databases\[0\]\.owner is reserved/],
    ["five-field cron", { backup: { schedule: "0 2 * * *" } }, /backup\.schedule must be a six-field cron.*got "0 2 \* \* \*"/],
    ["object lock in-cluster", { objectStore: { kind: "in-cluster" }, backup: { objectLock: true } }, /backup\.objectLock needs objectStore\.kind "s3"/],
    ["retention 0", { backup: { retentionDays: 0 } }, /backup\.retentionDays must be an integer between 1 and 3650, got 0/],
    ["latest image", { imageName: "ghcr.io/cloudnative-pg/postgresql:latest" }, /imageName must be pinned/],
    ["pool larger than max_connections", { maxConnections: 100, pooler: { instances: 3, defaultPoolSize: 50 } }, /pooler\.defaultPoolSize .* must stay below maxConnections \(100\)/],
    ["bad bucket", { backup: { bucket: "Bad_Bucket" } }, /backup\.bucket is not a valid S3 bucket name/],
  ];
  for (const [what, extra, msg] of bad) {
    it(what, () => {
      expect(() => resolvePostgresClusterArgs("app-db", fromProfile("prod", extra), NOW)).toThrow(msg);
    });
  }
});

describe("spec builders", () => {
  const prod = resolvePostgresClusterArgs("app-db", fromProfile("prod", { antiAffinity: "required" }), NOW);
  const local = resolvePostgresClusterArgs("app-db", fromProfile("local"), NOW);
  const prodArgs = () => fromProfile("prod", { antiAffinity: "required" });

  it("Cluster: anti-affinity, plugin as WAL archiver, TLS-only pg_hba, RPO, pg_stat_statements", () => {
    const spec = clusterSpec(prod, {}, "arn:aws:iam::1:role/r") as Record<string, any>;
    expect(spec.affinity).toEqual({ enablePodAntiAffinity: true, topologyKey: "kubernetes.io/hostname", podAntiAffinityType: "required" });
    expect(spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" });
    expect(spec.plugins).toEqual([
      { name: "barman-cloud.cloudnative-pg.io", enabled: true, isWALArchiver: true, parameters: { barmanObjectName: "app-db-backups", serverName: "app-db" } },
    ]);
    expect(spec.backup).toBeUndefined();
    expect(spec.postgresql.pg_hba).toEqual(["hostnossl all all all reject", "hostssl all all all scram-sha-256"]);
    expect(spec.postgresql.parameters.archive_timeout).toBe("60s");
    expect(spec.postgresql.parameters.max_connections).toBe("400");
    expect(Object.keys(spec.postgresql.parameters).some((k) => k.startsWith("pg_stat_statements."))).toBe(true);
    expect(spec.postgresql.parameters.shared_preload_libraries).toBeUndefined();
    expect(spec.enableSuperuserAccess).toBe(false);
    expect(spec.serviceAccountTemplate.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe("arn:aws:iam::1:role/r");
    expect(spec.managed.roles.map((r: { name: string; passwordSecret: { name: string } }) => [r.name, r.passwordSecret.name])).toEqual([
      ["core_api", "core-api-db"],
      ["keycloak", "keycloak-db"],
    ]);
  });

  it("ObjectStore: IAM role on S3, secret refs in-cluster, retention from the layout, schema-valid", () => {
    const onS3 = objectStoreSpec(prod) as Record<string, any>;
    expect(onS3.retentionPolicy).toBe("30d");
    expect(onS3.configuration.s3Credentials).toEqual({ inheritFromIAMRole: true });
    expect(onS3.configuration.endpointURL).toBeUndefined();
    expect(onS3.configuration.wal).toEqual({ compression: "gzip", maxParallel: prod.layout.wal.maxParallel });
    const inCluster = objectStoreSpec(local, "creds") as Record<string, any>;
    expect(inCluster.configuration.s3Credentials.accessKeyId).toEqual({ name: "creds", key: "ACCESS_KEY_ID" });
    expect(inCluster.configuration.endpointURL).toBe(local.endpointURL);
    for (const spec of [onS3, inCluster]) expect(checkObjectStore({ apiVersion: "barmancloud.cnpg.io/v1", kind: "ObjectStore", metadata: { name: "x" }, spec })).toEqual([]);
  });

  it("ObjectStore: base backups uncompressed with 2 upload jobs by default (no compression field), WAL gzip; a codec per side when asked", () => {
    const spec = objectStoreSpec(prod) as Record<string, any>;
    // "none" is the absence of the field: the plugin then passes no codec flag to barman-cloud-backup.
    expect(spec.configuration.data).toEqual({ jobs: 2 });
    expect("compression" in spec.configuration.data).toBe(false);
    expect(spec.configuration.wal.compression).toBe("gzip");
    const gz = objectStoreSpec(resolvePostgresClusterArgs("app-db", { ...prodArgs(), backup: { ...prodArgs().backup, compression: { data: "bzip2", wal: "none" }, jobs: 4 } }, NOW)) as Record<string, any>;
    expect(gz.configuration.data).toEqual({ compression: "bzip2", jobs: 4 });
    expect(gz.configuration.wal).toEqual({ maxParallel: 2 });
    for (const s of [spec, gz]) expect(checkObjectStore({ apiVersion: "barmancloud.cnpg.io/v1", kind: "ObjectStore", metadata: { name: "x" }, spec: s })).toEqual([]);
    expect(() => resolvePostgresClusterArgs("app-db", { ...prodArgs(), backup: { compression: { data: "zstd" as never } } }, NOW)).toThrow(
      /^PostgresCluster: backup\.compression\.data must be one of none, gzip, bzip2, snappy, got "zstd"$/,
    );
    expect(() => resolvePostgresClusterArgs("app-db", { ...prodArgs(), backup: { jobs: 9 } }, NOW)).toThrow(/^PostgresCluster: backup\.jobs must be an integer between 1 and 8, got 9$/);
  });

  it("the ObjectStore check catches what the CRD rejects", () => {
    const problems = checkObjectStore({
      apiVersion: "barmancloud.cnpg.io/v1",
      kind: "ObjectStore",
      metadata: { name: "x" },
      spec: { retentionPolicy: "30 days", configuration: { destinationPath: "bucket/x", serverName: "a", wal: { compression: "brotli" } } },
    });
    expect(problems.join("\n")).toMatch(/retentionPolicy must match/);
    expect(problems.join("\n")).toMatch(/serverName is forbidden/);
    expect(problems.join("\n")).toMatch(/destinationPath/);
    expect(problems.join("\n")).toMatch(/wal\.compression/);
  });

  it("ScheduledBackup: plugin method, six-field cron, owned by itself, immediate", () => {
    expect(scheduledBackupSpec(prod)).toEqual({
      schedule: "0 0 2 * * *",
      immediate: true,
      backupOwnerReference: "self",
      cluster: { name: "app-db" },
      method: "plugin",
      pluginConfiguration: { name: "barman-cloud.cloudnative-pg.io" },
    });
  });

  it("Pooler: rw, sized per environment, TLS required from clients", () => {
    const p = poolerSpec(prod) as Record<string, any>;
    expect(p).toMatchObject({ type: "rw", instances: 3, cluster: { name: "app-db" }, pgbouncer: { poolMode: "transaction" } });
    expect(p.pgbouncer.parameters).toEqual({ default_pool_size: "50", max_client_conn: "2000", client_tls_sslmode: "require" });
  });

  it("NetworkPolicy: operator, peers, pooler and Prometheus in; S3 on 443 out", () => {
    const np = instancesPolicy(prod) as Record<string, any>;
    const ingressPorts = np.ingress.map((r: { ports: { port: number }[] }) => r.ports.map((p) => p.port));
    expect(ingressPorts).toEqual([[8000, 5432], [5432, 8000], [5432], [9187]]);
    expect(np.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("cnpg-system");
    expect(np.egress.at(-1).ports).toEqual([{ protocol: "TCP", port: 443 }]);
    const lnp = instancesPolicy(local) as Record<string, any>;
    expect(lnp.egress.at(-1)).toEqual({ to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "app-db-object-store", "app.kubernetes.io/instance": "local" } } }], ports: [{ protocol: "TCP", port: 7070 }] });
  });

  it("IRSA: trust on the OIDC provider for the cluster's service account and sts audience", () => {
    const trust = JSON.parse(trustPolicy(prod));
    expect(trust.Statement[0].Principal.Federated).toBe(s3.oidcProviderArn);
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:platform-prod:app-db",
      "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
    });
    const restored = resolvePostgresClusterArgs("app-db", fromProfile("prod", { restore: { from: "app-db" } }), NOW);
    expect(JSON.parse(trustPolicy(restored)).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"]).toEqual([
      "system:serviceaccount:platform-prod:app-db",
      "system:serviceaccount:platform-prod:app-db-r1",
    ]);
  });

  it("IAM policy: objects only under the cluster prefix, listing only that prefix", () => {
    const p = JSON.parse(accessPolicy("b", "prod/app-db"));
    const objects = p.Statement.find((s: { Sid: string }) => s.Sid === "ObjectsUnderClusterPrefix");
    expect(objects.Action).toEqual(["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]);
    expect(objects.Resource).toBe("arn:aws:s3:::b/prod/app-db/*");
    const list = p.Statement.find((s: { Sid: string }) => s.Sid === "ListClusterPrefix");
    expect(list.Condition.StringLike["s3:prefix"]).toEqual(["prod/app-db", "prod/app-db/*"]);
    for (const s of p.Statement) expect(s.Resource === "*" || String(s.Action).includes("*")).toBe(false);
  });
});
