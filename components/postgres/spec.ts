/**
 * The CloudNativePG and Barman Cloud plugin objects as plain data, built from
 * resolved args: pure, so tests check them without mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedPostgresClusterArgs } from "./args";
import type { BackupCompression } from "./backup-layout";
import { isCnpgOwnedLabel } from "./cnpg-facts";
import { CNPG_FACTS, poolerHbaRules } from "./tenancy";
import { memoryParameters } from "./tuning";
import { BARMAN_PLUGIN } from "./versions";

type Obj = Record<string, unknown>;

/** Labels CloudNativePG puts on a cluster's instance pods. */
export function instanceSelector(clusterName: string): Record<string, string> {
  return { "cnpg.io/cluster": clusterName, "cnpg.io/podRole": "instance" };
}

/** Labels CloudNativePG puts on a pooler's PgBouncer pods. */
export function poolerSelector(poolerName: string): Record<string, string> {
  return { "cnpg.io/poolerName": poolerName };
}

/** The Secret keys of the in-cluster store's credentials. */
export const STORE_KEYS = { accessKeyId: "ACCESS_KEY_ID", secretAccessKey: "ACCESS_SECRET_KEY" } as const;

const codecField = (c: BackupCompression): { compression?: BackupCompression } => (c === "none" ? {} : { compression: c });

/** ObjectStore (barmancloud.cnpg.io/v1) `spec`. */
export function objectStoreSpec(a: ResolvedPostgresClusterArgs, credentialsSecret?: string): Obj {
  const l = a.layout;
  const s3Credentials =
    a.objectStore.kind === "s3"
      ? { inheritFromIAMRole: true }
      : {
          accessKeyId: { name: credentialsSecret, key: STORE_KEYS.accessKeyId },
          secretAccessKey: { name: credentialsSecret, key: STORE_KEYS.secretAccessKey },
        };
  return {
    retentionPolicy: l.retentionPolicy,
    configuration: {
      destinationPath: l.destinationPath,
      ...(a.endpointURL ? { endpointURL: a.endpointURL } : {}),
      s3Credentials,
      // "none" is the absence of `compression` (the plugin then passes no codec flag to barman-cloud).
      data: { ...codecField(l.data.compression), jobs: l.data.jobs },
      wal: { ...codecField(l.wal.compression), maxParallel: l.wal.maxParallel },
    },
    // The plugin's sidecar in every instance pod: requests = limits, or the pod loses Guaranteed QoS.
    instanceSidecarConfiguration: { resources: a.sidecarResources },
  };
}

/** The Cluster's `bootstrap` and `externalClusters`: initdb for generation 0, recovery for a restore. */
export function bootstrapSpec(a: ResolvedPostgresClusterArgs): { bootstrap: Obj; externalClusters?: Obj[] } {
  const first = a.databases[0]!;
  if (!a.restore) {
    return {
      bootstrap: {
        initdb: { database: first.name, owner: first.owner, secret: { name: first.passwordSecret }, dataChecksums: true, encoding: "UTF8" },
      },
    };
  }
  const r = a.restore;
  return {
    bootstrap: {
      recovery: { source: r.from, ...(r.targetTime ? { recoveryTarget: { targetTime: r.targetTime } } : {}) },
    },
    externalClusters: [
      {
        name: r.from,
        plugin: { name: BARMAN_PLUGIN, parameters: { barmanObjectName: a.objectStoreName, serverName: r.sourceServerName } },
      },
    ],
  };
}

/** The labels a Cluster may hand down to its pods and PVCs: those CloudNativePG doesn't own (cnpg-facts.ts). */
export function inheritableLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !isCnpgOwnedLabel(k)));
}

/** The Cluster (postgresql.cnpg.io/v1) `spec`. `roleArn` only on S3 (IRSA). */
export function clusterSpec(a: ResolvedPostgresClusterArgs, labels: Record<string, string>, roleArn?: pulumi.Input<string>): Obj {
  const required = a.antiAffinity === "required";
  const { bootstrap, externalClusters } = bootstrapSpec(a);
  return {
    instances: a.instances,
    imageName: a.imageName,
    enableSuperuserAccess: a.superuserAccess,
    primaryUpdateStrategy: "unsupervised",
    primaryUpdateMethod: "switchover",
    storage: { size: a.storageSize, ...(a.storageClass ? { storageClass: a.storageClass } : {}) },
    walStorage: { size: a.walStorageSize, ...(a.storageClass ? { storageClass: a.storageClass } : {}) },
    resources: a.resources,
    affinity: {
      enablePodAntiAffinity: true,
      topologyKey: "kubernetes.io/hostname",
      podAntiAffinityType: a.antiAffinity,
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: required ? "DoNotSchedule" : "ScheduleAnyway",
        labelSelector: { matchLabels: instanceSelector(a.clusterName) },
      },
    ],
    postgresql: {
      parameters: {
        max_connections: String(a.maxConnections),
        ...memoryParameters(a.resources.limits.memory, a.maxConnections),
        archive_timeout: `${a.archiveTimeoutSeconds}s`,
        // Any pg_stat_statements.* parameter makes CloudNativePG add the library to
        // shared_preload_libraries (which it manages itself).
        "pg_stat_statements.max": "10000",
        "pg_stat_statements.track": "all",
        track_io_timing: "on",
        log_min_duration_statement: "1000",
        log_lock_waits: "on",
      },
      // After CloudNativePG's own rules (local socket, streaming replica and pooler by
      // certificate): refuse every connection without TLS, then passwords over TLS.
      pg_hba: ["hostnossl all all all reject", "hostssl all all all scram-sha-256"],
    },
    managed: { roles: managedRoles(a) },
    plugins: [{ name: BARMAN_PLUGIN, enabled: true, isWALArchiver: true, parameters: { barmanObjectName: a.objectStoreName, serverName: a.layout.serverName } }],
    bootstrap,
    ...(externalClusters ? { externalClusters } : {}),
    ...(roleArn ? { serviceAccountTemplate: { metadata: { annotations: { "eks.amazonaws.com/role-arn": roleArn } } } } : {}),
    // Only labels CloudNativePG doesn't set itself: it re-sets its own app.kubernetes.io/* on
    // every PVC after the inherited ones, so inheriting one would patch the PVCs on every reconcile.
    inheritedMetadata: { labels: inheritableLabels(labels) },
  };
}

/**
 * CloudNativePG managed roles: each database's owner, and its runtime role when it has one
 * (login, NOBYPASSRLS, no CREATEDB/CREATEROLE, owns nothing: the grants Job gives it DML).
 */
export function managedRoles(a: Pick<ResolvedPostgresClusterArgs, "databases">): Obj[] {
  const roles = new Map<string, Obj>();
  for (const d of a.databases) {
    if (!roles.has(d.owner)) {
      roles.set(d.owner, {
        name: d.owner,
        ensure: "present",
        login: true,
        inherit: true,
        connectionLimit: -1,
        passwordSecret: { name: d.passwordSecret },
        comment: d.runtime ? `owner of database ${d.name}: migrations only, refused by the pooler` : `owner of database ${d.name}`,
      });
    }
    const r = d.runtime;
    if (r && !roles.has(r.role)) {
      roles.set(r.role, {
        name: r.role,
        ensure: "present",
        login: true,
        inherit: false,
        bypassrls: false,
        superuser: false,
        createdb: false,
        createrole: false,
        replication: false,
        connectionLimit: -1,
        passwordSecret: { name: r.passwordSecret },
        comment: `runtime role of database ${d.name}: DML only, bound by row-level security`,
      });
    }
  }
  return [...roles.values()];
}

/** Pooler (postgresql.cnpg.io/v1) `spec`: PgBouncer in front of the primary, TLS required from clients. */
export function poolerSpec(a: ResolvedPostgresClusterArgs): Obj {
  const p = a.pooler;
  return {
    cluster: { name: a.clusterName },
    instances: p.instances,
    type: "rw",
    pgbouncer: {
      poolMode: p.poolMode,
      parameters: {
        default_pool_size: String(p.defaultPoolSize),
        max_client_conn: String(p.maxClientConnections),
        client_tls_sslmode: "require",
      },
      // Owners of split databases (and the superuser) are refused: apps get only the runtime role here.
      [CNPG_FACTS.poolerHbaField]: poolerHbaRules(a),
    },
    template: {
      metadata: { labels: poolerSelector(p.name) },
      spec: {
        // CloudNativePG fills in the "pgbouncer" container (image, command, ports, probes) and keeps what the template sets.
        containers: [{ name: "pgbouncer", resources: p.resources }],
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: poolerSelector(p.name) } },
        ],
      },
    },
  };
}

/** ScheduledBackup (postgresql.cnpg.io/v1) `spec`: base backups through the plugin. */
export function scheduledBackupSpec(a: ResolvedPostgresClusterArgs): Obj {
  return {
    schedule: a.schedule,
    immediate: true,
    backupOwnerReference: "self",
    cluster: { name: a.clusterName },
    method: "plugin",
    pluginConfiguration: { name: BARMAN_PLUGIN },
  };
}

/** Database (postgresql.cnpg.io/v1) `spec` of one logical database; dropping the CR keeps the data. */
export function databaseSpec(a: ResolvedPostgresClusterArgs, d: ResolvedPostgresClusterArgs["databases"][number]): Obj {
  return {
    name: d.name,
    owner: d.owner,
    cluster: { name: a.clusterName },
    ensure: "present",
    databaseReclaimPolicy: "retain",
    ...(d.extensions.length > 0 ? { extensions: d.extensions.map((e) => ({ name: e, ensure: "present" })) } : {}),
  };
}
