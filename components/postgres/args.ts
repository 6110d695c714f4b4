import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { invalidArg } from "../lib/errors";
import type { ComponentMonitoringArgs } from "../lib/component-rules";
import { isByteQuantity, isCpuQuantity, parseQuantity } from "../lib/quantities";
import { DEFAULT_DATA_JOBS, resolveBackupLayout, resolveCompression, validateBucketName, type BackupCompressionInput, type BackupLayout } from "./backup-layout";
import { restoreTargetProblem } from "./restore-window";
import { OBJECT_STORE_IMAGE, POSTGRES_IMAGE } from "./versions";

/**
 * The role an application serves requests with: it logs in, owns nothing and has
 * NOBYPASSRLS, so PostgreSQL row-level security binds it on every table (RLS never
 * binds a table's owner unless the table forces it). It gets DML on what the owner
 * creates, now and later (default privileges), and nothing else: no DDL, no
 * `ALTER TABLE ... DISABLE ROW LEVEL SECURITY`, no `DROP`.
 */
export interface RuntimeRoleArgs {
  /** Role name; must equal the `username` key of `passwordSecret`. @example "core_api_app" */
  readonly role: string;
  /** `kubernetes.io/basic-auth` Secret with the runtime role's `username` and `password`. */
  readonly passwordSecret: string;
  /**
   * Schemas the runtime role works in; the grants Job creates missing ones (owned by the owner)
   * and grants USAGE plus DML on their tables, sequences and functions, present and future.
   * @default ["public"]
   */
  readonly schemas?: readonly string[];
}

/** A logical database and its owner role (CNPG managed role + `Database` CR). */
export interface DatabaseArgs {
  /** Database name in PostgreSQL. @example "core_api" */
  readonly name: string;
  /**
   * Owner role: owns the schema, runs the migrations (Flyway). With a `runtime` role it is
   * for migrations only: the pooler refuses it, and apps reach the primary's `-rw` Service directly.
   * Must equal the `username` key of `passwordSecret`. @example "core_api"
   */
  readonly owner: string;
  /** `kubernetes.io/basic-auth` Secret (in the cluster's namespace) with the owner's `username` and `password`. */
  readonly passwordSecret: string;
  /** Extensions created in the database. @default ["pg_stat_statements"] */
  readonly extensions?: readonly string[];
  /**
   * The runtime role apps serve requests with, through the pooler. Omit only for software that
   * migrates its own schema at every start with one login (Keycloak): the owner then serves too.
   */
  readonly runtime?: RuntimeRoleArgs;
}

/** PgBouncer is light: ~2 kB per client connection plus its packet buffers. */
export const DEFAULT_POOLER_RESOURCES = { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "256Mi" } } as const;

/** The PgBouncer pooler in front of the primary: instances, pool mode, pool and connection limits, resources. */
export interface PoolerArgs {
  /** PgBouncer pods. @default 1 */
  readonly instances?: number;
  /** PgBouncer pool mode (CloudNativePG Pooler `spec.pgbouncer.poolMode`): "transaction" shares server connections between transactions, "session" holds one per client. @default "transaction" */
  readonly poolMode?: "session" | "transaction";
  /** Server connections per user/database pair. @default 10 */
  readonly defaultPoolSize?: number;
  /** Client connections accepted per PgBouncer pod. @default 200 */
  readonly maxClientConnections?: number;
  /**
   * Requests and limits of each PgBouncer container (CloudNativePG leaves them unset, which makes the
   * pooler BestEffort: first evicted under node pressure).
   * @default { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "256Mi" } }
   */
  readonly resources?: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu?: string; readonly memory: string } };
}

/** Backups: retention window, base-backup schedule, compression, Object Lock, bucket and path, the plugin sidecar's resources. */
export interface BackupArgs {
  /** Recovery window in days (ObjectStore `retentionPolicy`). 1..3650. @default 30 */
  readonly retentionDays?: number;
  /** Base backup schedule: six-field cron, seconds first. @default "0 0 2 * * *" */
  readonly schedule?: string;
  /**
   * Compression of base backups and WAL: one codec for both, or `{ data, wal }`; `"none"` uploads
   * uncompressed. The defaults follow `bench/pitr` (docs/postgres.md): uncompressed base backups ran
   * ~4x as fast as gzip for a fifth of its CPU (gzip is CPU-bound and the sidecar's CPU is limited),
   * restored ~1.4x as fast, at ~2.6x the stored bytes; WAL archiving costs the same with gzip, which
   * shrinks what the recovery window keeps.
   * @default { data: "none", wal: "gzip" }
   */
  readonly compression?: BackupCompressionInput;
  /**
   * Parallel upload jobs of a base backup (ObjectStore `data.jobs`). 1..8. On loopback 1, 2 and 4
   * jobs measured within 12% (2 fastest); against S3 they hide request latency.
   * @default 2
   */
  readonly jobs?: number;
  /**
   * S3 Object Lock (GOVERNANCE, retention = retentionDays) on the bucket. Only with `objectStore.kind: "s3"`.
   * Caution: enabling or disabling it on an existing bucket replaces the bucket.
   * @default false
   */
  readonly objectLock?: boolean;
  /** Bucket name. @default - `platform-<stack>-pg-backups-<hash>` on S3, "pg-backups" in-cluster */
  readonly bucket?: string;
  /** Key prefix inside the bucket. @default - the stack name */
  readonly pathPrefix?: string;
  /**
   * Days S3 keeps a version after Barman's retention deleted it (noncurrent-version expiry),
   * a window to undo a deletion. Current versions never expire by lifecycle: Barman's
   * retention decides what the recovery window still needs.
   * @default 7
   */
  readonly lifecycleMarginDays?: number;
  /**
   * CPU and memory of the Barman Cloud plugin's sidecar in each instance pod (requests =
   * limits, so the pod keeps Guaranteed QoS). It compresses and uploads base backups and WAL.
   * @default { cpu: "500m", memory: "512Mi" }
   */
  readonly sidecarResources?: { readonly cpu: string; readonly memory: string };
}

/** Where backups go: S3 with IRSA (AWS), or an S3-compatible store inside the cluster (local, preview). */
export type ObjectStoreArgs =
  | {
      readonly kind: "s3";
      /** AWS region of the bucket. @example "eu-west-1" */
      readonly region: string;
      /** The EKS cluster's IAM OIDC provider ARN (IRSA trust). */
      readonly oidcProviderArn: string;
      /** Issuer host/path without https://, e.g. "oidc.eks.eu-west-1.amazonaws.com/id/ABC". */
      readonly oidcProviderUrl: string;
    }
  | {
      readonly kind: "in-cluster";
      /** Store volume size. @default "10Gi" */
      readonly storageSize?: string;
      /** Store image. @default OBJECT_STORE_IMAGE */
      readonly image?: string;
      /**
       * The store's root credentials, instead of generating them (random, 20 and 40 characters):
       * an existing store being adopted, or values kept in a vault. Both or neither.
       * @default - generated
       */
      readonly credentials?: {
        /** The store's access key id (AWS_ACCESS_KEY_ID of its clients). */
        readonly accessKeyId: pulumi.Input<string>;
        /** The store's secret access key. */
        readonly secretAccessKey: pulumi.Input<string>;
      };
    };

/** Point-in-time recovery: this cluster is created from another one's backups. */
export interface RestoreArgs {
  /** Kubernetes name of the cluster whose backups to recover from (generation N-1, or an older one). @example "app-db" */
  readonly from: string;
  /** RFC 3339 time with zone to recover to; omitted = the end of the archived WAL (latest). */
  readonly targetTime?: string;
  /**
   * Restore generation of the new cluster; names it `<clusterName>-r<generation>` and its Barman server.
   * @default - one more than the generation of `from`
   */
  readonly generation?: number;
}

/** Args of {@link PostgresCluster}: a CloudNativePG cluster with its databases and roles, PgBouncer pooler, Barman Cloud backups to an object store, point-in-time restore and monitoring. */
export interface PostgresClusterArgs {
  /** Namespace (must exist, with the platform's default-deny NetworkPolicy). */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance, default bucket prefix). */
  readonly instance: string;
  /**
   * Base cluster name: generation 0's Kubernetes name and Barman server name; a restore
   * generation N is `<clusterName>-r<N>`. DNS-1123 label of at most 50 characters.
   * @default - the component's name
   */
  readonly clusterName?: string;
  /** PostgreSQL instances (1 primary + standbys). @default 1 */
  readonly instances?: number;
  /** PostgreSQL operand image, pinned. @default POSTGRES_IMAGE */
  readonly imageName?: string;
  /** Data volume size. Caution: shrinking is impossible; growing needs an expandable StorageClass. */
  readonly storageSize: string;
  /** Separate WAL volume size. */
  readonly walStorageSize: string;
  /** StorageClass of both volumes. @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /**
   * CPU and memory of each instance. shared_buffers, effective_cache_size, work_mem and
   * maintenance_work_mem are derived from `limits.memory` (tuning.ts).
   */
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    /** With `qos: "guaranteed"`, equal to the requests; a missing `cpu` is taken from them. */
    readonly limits: { readonly cpu?: string; readonly memory: string };
  };
  /**
   * QoS class of the instance pods. "guaranteed" (limits = requests for every container)
   * means no CPU throttling below the limit surprise, no memory overcommit, last to be
   * evicted under node pressure. "burstable" allows limits above the requests.
   * @default "guaranteed"
   */
  readonly qos?: "guaranteed" | "burstable";
  /** PostgreSQL `max_connections` (10 to 10000); also sizes work_mem, and bounds the pooler's pools. @default 100 */
  readonly maxConnections?: number;
  /** `archive_timeout` in seconds: the RPO when writes are rare. @default 300 */
  readonly archiveTimeoutSeconds?: number;
  /** Creates the `postgres` superuser Secret and allows its login. @default false */
  readonly superuserAccess?: boolean;
  /**
   * Pod anti-affinity across nodes (and a zone spread): "required" never co-locates two
   * instances (pods stay Pending instead), "preferred" tries to.
   * @default "preferred"
   */
  readonly antiAffinity?: "required" | "preferred";
  /** Logical databases; the first is also created by `initdb`. At least one. */
  readonly databases: readonly DatabaseArgs[];
  /**
   * Pods (labels, in the cluster's namespace) that connect to the primary directly through the
   * `-rw` Service instead of the pooler: migrations, which hold locks and use session features
   * that PgBouncer's transaction pooling breaks. Each gets ingress to the instances on 5432.
   * @default []
   */
  readonly directClients?: readonly Readonly<Record<string, string>>[];
  /** The PgBouncer pooler apps connect through. @default {} - see PoolerArgs */
  readonly pooler?: PoolerArgs;
  /** Retention, schedule, compression and bucket of the backups. @default {} - see BackupArgs */
  readonly backup?: BackupArgs;
  /** Where backups go: S3 with IRSA, or the in-cluster store. */
  readonly objectStore: ObjectStoreArgs;
  /** Point-in-time recovery into a new cluster generation. */
  readonly restore?: RestoreArgs;
  /** Monitoring: PodMonitors and the PostgreSQL PrometheusRule. */
  readonly monitoring: ComponentMonitoringArgs;
  /** Namespace of the CloudNativePG operator (allowed to reach the instances). @default "cnpg-system" */
  readonly operatorNamespace?: string;
  /**
   * Keep the Cluster and the S3 bucket when Pulumi deletes or replaces them (`retainOnDelete`
   * on the Cluster, `protect` on the bucket), so a restore keeps the source cluster running.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** Extra labels on every object (not in selectors). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** {@link PostgresClusterArgs} with every default applied and the names derived, as {@link resolvePostgresClusterArgs} returns them. */
export interface ResolvedPostgresClusterArgs {
  /** Namespace, as given. */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance), as given. */
  readonly instance: string;
  /** Base name (generation 0). */
  readonly baseName: string;
  /** Kubernetes name of this generation's Cluster (= its Barman server name). */
  readonly clusterName: string;
  /** Restore generation (0 without `restore`; default one more than the source's). */
  readonly generation: number;
  /** Clusters whose pods this component's NetworkPolicies cover: this one and the restore source. */
  readonly coveredClusters: readonly string[];
  /** PostgreSQL instances (default 1; 1 to 9). */
  readonly instances: number;
  /** PostgreSQL operand image, pinned (default POSTGRES_IMAGE). */
  readonly imageName: string;
  /** Data volume size, as given. */
  readonly storageSize: string;
  /** WAL volume size, as given. */
  readonly walStorageSize: string;
  /** StorageClass of both volumes; undefined means the cluster's default. */
  readonly storageClass?: string;
  /** CPU and memory of each instance; under "guaranteed" QoS the CPU limit defaults to the request. */
  readonly resources: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu?: string; readonly memory: string } };
  /** QoS class of the instance pods (default "guaranteed"). */
  readonly qos: "guaranteed" | "burstable";
  /** The Barman Cloud sidecar's resources (requests = limits). */
  readonly sidecarResources: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu: string; readonly memory: string } };
  /** PostgreSQL `max_connections` (default 100). */
  readonly maxConnections: number;
  /** PostgreSQL `archive_timeout`, seconds (default 300). */
  readonly archiveTimeoutSeconds: number;
  /** CloudNativePG `enableSuperuserAccess` (default false). */
  readonly superuserAccess: boolean;
  /** Pod anti-affinity across nodes (default "preferred"). */
  readonly antiAffinity: "required" | "preferred";
  /** The databases, defaults applied; the first is created by `initdb`. */
  readonly databases: readonly ResolvedDatabase[];
  /** Pod labels allowed to reach the `-rw` Service directly (default none). */
  readonly directClients: readonly Readonly<Record<string, string>>[];
  /** The pooler, defaults applied (1 instance, "transaction", pool 10, 200 clients), named `<baseName>-pooler-rw`. */
  readonly pooler: Required<PoolerArgs> & { readonly name: string };
  /** Base backup schedule, six-field cron (default "0 0 2 * * *"). */
  readonly schedule: string;
  /** S3 Object Lock on the bucket (default false). */
  readonly objectLock: boolean;
  /** Days S3 keeps a version Barman deleted (default 7). */
  readonly lifecycleMarginDays: number;
  /** Bucket, prefixes, server names, retention and compression of the backups. */
  readonly layout: BackupLayout;
  /** Where backups go, as given. */
  readonly objectStore: ObjectStoreArgs;
  /** Name of the Barman Cloud ObjectStore, `<baseName>-backups`. */
  readonly objectStoreName: string;
  /** The restore source (`from`, its Barman `sourceServerName`) and `targetTime`; undefined without `restore`. */
  readonly restore?: Readonly<{ from: string; targetTime?: string; sourceServerName: string }>;
  /** Namespace of Prometheus, admitted to the metrics port (default "monitoring"). */
  readonly monitoringNamespace: string;
  /** Namespace of the CloudNativePG operator (default "cnpg-system"). */
  readonly operatorNamespace: string;
  /** Keep the Cluster and the bucket on delete or replace (default true). */
  readonly deletionProtection: boolean;
  /** Name of the in-cluster store's Deployment/Service (in-cluster only). */
  readonly storeName: string;
  /** S3 endpoint of the in-cluster store; undefined on AWS. */
  readonly endpointURL?: string;
}

/** A database's runtime role after defaults: the role and the Secret holding its password. */
export interface ResolvedRuntimeRole {
  /** Role name. */
  readonly role: string;
  /** basic-auth Secret with the role's `username` and `password`. */
  readonly passwordSecret: string;
  /** Schemas the role works in, without duplicates (default ["public"]). */
  readonly schemas: readonly string[];
}

/** A database after defaults: name, owner, the owner's Secret, extensions and its runtime role, if any. */
export interface ResolvedDatabase {
  /** Database name in PostgreSQL. */
  readonly name: string;
  /** Owner role (CloudNativePG managed role and `Database` owner). */
  readonly owner: string;
  /** basic-auth Secret with the owner's `username` and `password`. */
  readonly passwordSecret: string;
  /** Extensions created in the database (default ["pg_stat_statements"]). */
  readonly extensions: readonly string[];
  /** The runtime role apps serve requests with; undefined when the owner serves. */
  readonly runtime?: ResolvedRuntimeRole;
}

const C = "PostgresCluster";
/** Roles CloudNativePG creates and manages itself (v1.30.0 `pkg/postgres/roles` / `pkg/specs`). */
const reservedRole = (r: string) => r === "postgres" || r.startsWith("cnpg_") || r === "streaming_replica" || r.startsWith("pg_");
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PG_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const IN_CLUSTER_PORT = 7070;

/** Deterministic S3 bucket name: stack plus a hash of stack, region and the account in the OIDC ARN (no API call). */
export function defaultBucketName(stack: string, region: string, oidcProviderArn: string): string {
  const account = /^arn:aws:iam::([0-9]{12}):/.exec(oidcProviderArn)?.[1] ?? "";
  const hash = createHash("sha256").update(`${stack}\n${region}\n${account}`).digest("hex").slice(0, 8);
  const stem = stack.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 30).replace(/-+$/, "");
  return `platform-${stem}-pg-backups-${hash}`;
}

function intIn(field: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) invalidArg(C, field, v, `must be an integer between ${min} and ${max}`);
  return v;
}

/** Generation encoded in a cluster name: `base` → 0, `base-rN` → N; undefined when it is another cluster. */
function generationOf(base: string, name: string): number | undefined {
  if (name === base) return 0;
  const m = new RegExp(`^${base.replace(/[-]/g, "\\-")}-r([1-9][0-9]{0,2})$`).exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Resolves defaults and validates; pure (the clock is a parameter). Throws an error that says what to change. */
export function resolvePostgresClusterArgs(name: string, a: PostgresClusterArgs, now: Date = new Date()): ResolvedPostgresClusterArgs {
  const baseName = a.clusterName ?? name;
  if (!LABEL.test(baseName) || baseName.length > 50) invalidArg(C, "clusterName", baseName, "must be a DNS-1123 label of at most 50 characters");
  const instances = intIn("instances", a.instances ?? 1, 1, 9);
  for (const [f, v] of [["storageSize", a.storageSize], ["walStorageSize", a.walStorageSize], ["resources.requests.memory", a.resources.requests.memory], ["resources.limits.memory", a.resources.limits.memory]] as const) {
    if (!isByteQuantity(v)) invalidArg(C, f, v, 'must be a Kubernetes quantity such as "10Gi"');
  }
  if (!isCpuQuantity(a.resources.requests.cpu)) invalidArg(C, "resources.requests.cpu", a.resources.requests.cpu, 'must be a CPU quantity such as "500m"');
  if (a.resources.limits.cpu !== undefined && !isCpuQuantity(a.resources.limits.cpu)) invalidArg(C, "resources.limits.cpu", a.resources.limits.cpu, 'must be a CPU quantity such as "2"');
  const qos = a.qos ?? "guaranteed";
  if (qos !== "guaranteed" && qos !== "burstable") invalidArg(C, "qos", qos, 'must be "guaranteed" or "burstable"');
  const resources = qos === "guaranteed" ? guaranteed(a.resources) : a.resources;
  const maxConnections = intIn("maxConnections", a.maxConnections ?? 100, 10, 10_000);
  const archiveTimeoutSeconds = intIn("archiveTimeoutSeconds", a.archiveTimeoutSeconds ?? 300, 10, 3600);
  const imageName = a.imageName ?? POSTGRES_IMAGE;
  if (!/:[A-Za-z0-9._-]+$|@sha256:[a-f0-9]{64}$/.test(imageName) || /:latest$/.test(imageName)) invalidArg(C, "imageName", imageName, "must be pinned to a tag (not latest) or a digest");

  if (a.databases.length === 0) invalidArg(C, "databases", [], "must list at least one database");
  const seen = new Set<string>();
  const databases = a.databases.map((d, i) => {
    if (!PG_IDENT.test(d.name)) invalidArg(C, `databases[${i}].name`, d.name, "must be a lower-case PostgreSQL identifier (letters, digits, _)");
    if (!PG_IDENT.test(d.owner)) invalidArg(C, `databases[${i}].owner`, d.owner, "must be a lower-case PostgreSQL identifier (letters, digits, _)");
    if (!LABEL.test(d.passwordSecret)) invalidArg(C, `databases[${i}].passwordSecret`, d.passwordSecret, "must be the name of a Secret");
    if (seen.has(d.name)) invalidArg(C, `databases[${i}].name`, d.name, "is declared twice");
    seen.add(d.name);
    if (reservedRole(d.owner)) invalidArg(C, `databases[${i}].owner`, d.owner, "is reserved by CloudNativePG; use an application role");
    let runtime: ResolvedRuntimeRole | undefined;
    if (d.runtime) {
      const r = d.runtime;
      if (!PG_IDENT.test(r.role)) invalidArg(C, `databases[${i}].runtime.role`, r.role, "must be a lower-case PostgreSQL identifier (letters, digits, _)");
      if (reservedRole(r.role)) invalidArg(C, `databases[${i}].runtime.role`, r.role, "is reserved by CloudNativePG; use an application role");
      if (r.role === d.owner) invalidArg(C, `databases[${i}].runtime.role`, r.role, "must differ from the owner: row-level security does not bind a table's owner");
      if (!LABEL.test(r.passwordSecret)) invalidArg(C, `databases[${i}].runtime.passwordSecret`, r.passwordSecret, "must be the name of a Secret");
      if (r.passwordSecret === d.passwordSecret) invalidArg(C, `databases[${i}].runtime.passwordSecret`, r.passwordSecret, "must differ from the owner's passwordSecret");
      const schemas = r.schemas ?? ["public"];
      if (schemas.length === 0) invalidArg(C, `databases[${i}].runtime.schemas`, [], "must list at least one schema");
      schemas.forEach((sc, j) => {
        if (!PG_IDENT.test(sc) || sc.startsWith("pg_")) invalidArg(C, `databases[${i}].runtime.schemas[${j}]`, sc, "must be a lower-case PostgreSQL identifier not starting with pg_");
      });
      runtime = { role: r.role, passwordSecret: r.passwordSecret, schemas: [...new Set(schemas)] };
    }
    return { name: d.name, owner: d.owner, passwordSecret: d.passwordSecret, extensions: d.extensions ?? ["pg_stat_statements"], runtime };
  });

  const owners = new Set(databases.map((d) => d.owner));
  databases.forEach((d, i) => {
    if (d.runtime && owners.has(d.runtime.role)) invalidArg(C, `databases[${i}].runtime.role`, d.runtime.role, "owns a database: a runtime role must own nothing");
  });

  const p = a.pooler ?? {};
  const pooler = {
    name: `${baseName}-pooler-rw`,
    instances: intIn("pooler.instances", p.instances ?? 1, 1, 20),
    poolMode: p.poolMode ?? "transaction",
    defaultPoolSize: intIn("pooler.defaultPoolSize", p.defaultPoolSize ?? 10, 1, 1000),
    maxClientConnections: intIn("pooler.maxClientConnections", p.maxClientConnections ?? 200, 1, 100_000),
    resources: p.resources ?? DEFAULT_POOLER_RESOURCES,
  } as const;
  const serverConnections = pooler.defaultPoolSize * pooler.instances * databases.length;
  if (serverConnections > maxConnections - 10) {
    invalidArg(
      C,
      "pooler.defaultPoolSize",
      pooler.defaultPoolSize,
      `× pooler.instances (${pooler.instances}) × databases (${databases.length}) = ${serverConnections} must stay below maxConnections (${maxConnections}) - 10 reserved, or the pools can exhaust PostgreSQL`,
    );
  }

  const b = a.backup ?? {};
  let compression: ReturnType<typeof resolveCompression>;
  try {
    compression = resolveCompression(b.compression);
  } catch (e) {
    const m = /^(backup\.compression(?:\.\w+)?) (.*), got (.*)$/.exec((e as Error).message);
    throw invalidArg(C, m ? m[1]! : "backup.compression", m ? JSON.parse(m[3]!) : b.compression, m ? m[2]! : (e as Error).message);
  }
  const jobs = intIn("backup.jobs", b.jobs ?? DEFAULT_DATA_JOBS, 1, 8);
  const schedule = b.schedule ?? "0 0 2 * * *";
  if (schedule.trim().split(/\s+/).length !== 6) invalidArg(C, "backup.schedule", schedule, 'must be a six-field cron with seconds first, e.g. "0 0 2 * * *"');
  const objectLock = b.objectLock ?? false;
  if (objectLock && a.objectStore.kind !== "s3") invalidArg(C, "backup.objectLock", true, "needs objectStore.kind \"s3\" (the in-cluster store has no Object Lock)");
  const lifecycleMarginDays = intIn("backup.lifecycleMarginDays", b.lifecycleMarginDays ?? 7, 1, 365);
  const sc = b.sidecarResources ?? { cpu: "500m", memory: "512Mi" };
  if (!isCpuQuantity(sc.cpu)) invalidArg(C, "backup.sidecarResources.cpu", sc.cpu, 'must be a CPU quantity such as "500m"');
  if (!isByteQuantity(sc.memory)) invalidArg(C, "backup.sidecarResources.memory", sc.memory, 'must be a memory quantity such as "512Mi"');
  const sidecarResources = { requests: { cpu: sc.cpu, memory: sc.memory }, limits: { cpu: sc.cpu, memory: sc.memory } };

  // Restore generation and source.
  let generation = 0;
  let restore: ResolvedPostgresClusterArgs["restore"];
  if (a.restore) {
    const r = a.restore;
    const fromGen = generationOf(baseName, r.from);
    if (fromGen === undefined) invalidArg(C, "restore.from", r.from, `must name a generation of cluster "${baseName}" ("${baseName}" or "${baseName}-r<N>")`);
    generation = r.generation ?? fromGen + 1;
    if (!Number.isInteger(generation) || generation <= fromGen || generation > 999) {
      invalidArg(C, "restore.generation", generation, `must be an integer between ${fromGen + 1} and 999 (greater than the generation of restore.from "${r.from}")`);
    }
    if (r.targetTime !== undefined) {
      const problem = restoreTargetProblem(r.targetTime, b.retentionDays ?? 30, now, "backup.retentionDays");
      if (problem) invalidArg(C, "restore.targetTime", r.targetTime, problem);
    }
    restore = { from: r.from, targetTime: r.targetTime, sourceServerName: r.from };
  }

  const stack = a.instance;
  const bucket =
    b.bucket ?? (a.objectStore.kind === "s3" ? defaultBucketName(stack, a.objectStore.region, a.objectStore.oidcProviderArn) : "pg-backups");
  try {
    validateBucketName(bucket);
  } catch (e) {
    invalidArg(C, "backup.bucket", bucket, `is not a valid S3 bucket name (${(e as Error).message})`);
  }
  let layout: BackupLayout;
  try {
    layout = resolveBackupLayout({ stack, clusterName: baseName, bucket, pathPrefix: b.pathPrefix, retentionDays: b.retentionDays, compression, dataJobs: jobs, generation });
  } catch (e) {
    throw invalidArg(C, "backup", b, `is invalid: ${(e as Error).message}`);
  }
  const clusterName = layout.serverName;
  if (pooler.name === clusterName) invalidArg(C, "clusterName", baseName, "clashes with the pooler's name");

  const storeName = `${baseName}-object-store`;
  if (a.objectStore.kind === "in-cluster") {
    const size = a.objectStore.storageSize ?? "10Gi";
    if (!isByteQuantity(size)) invalidArg(C, "objectStore.storageSize", size, 'must be a Kubernetes quantity such as "10Gi"');
  }
  return {
    namespace: a.namespace,
    instance: a.instance,
    baseName,
    clusterName,
    generation,
    coveredClusters: restore ? [restore.from, clusterName] : [clusterName],
    instances,
    imageName,
    storageSize: a.storageSize,
    walStorageSize: a.walStorageSize,
    storageClass: a.storageClass,
    resources,
    qos,
    sidecarResources,
    maxConnections,
    archiveTimeoutSeconds,
    superuserAccess: a.superuserAccess ?? false,
    antiAffinity: a.antiAffinity ?? "preferred",
    databases,
    directClients: a.directClients ?? [],
    pooler,
    schedule,
    objectLock,
    lifecycleMarginDays,
    layout,
    objectStore: a.objectStore,
    objectStoreName: `${baseName}-backups`,
    restore,
    monitoringNamespace: a.monitoring.namespace ?? "monitoring",
    operatorNamespace: a.operatorNamespace ?? "cnpg-system",
    deletionProtection: a.deletionProtection ?? true,
    storeName,
    endpointURL: a.objectStore.kind === "in-cluster" ? `http://${storeName}.${a.namespace}.svc.cluster.local:${IN_CLUSTER_PORT}` : undefined,
  };
}

/** Requests = limits for CPU and memory (a missing CPU limit is the request); throws naming the field otherwise. */
function guaranteed(r: PostgresClusterArgs["resources"]): ResolvedPostgresClusterArgs["resources"] {
  const hint = 'for Guaranteed QoS (every container\'s limits = requests: no overcommit, evicted last); set qos: "burstable" to allow more';
  const cpu = r.limits.cpu ?? r.requests.cpu;
  if (parseQuantity(cpu) !== parseQuantity(r.requests.cpu)) invalidArg(C, "resources.limits.cpu", cpu, `must equal resources.requests.cpu (${r.requests.cpu}) ${hint}`);
  if (parseQuantity(r.limits.memory) !== parseQuantity(r.requests.memory)) invalidArg(C, "resources.limits.memory", r.limits.memory, `must equal resources.requests.memory (${r.requests.memory}) ${hint}`);
  return { requests: { ...r.requests }, limits: { cpu, memory: r.limits.memory } };
}

export const OBJECT_STORE_PORT = IN_CLUSTER_PORT;
export const DEFAULT_OBJECT_STORE_IMAGE = OBJECT_STORE_IMAGE;

