import type * as pulumi from "@pulumi/pulumi";
import { invalidArg } from "../lib/errors";
import type { ComponentMonitoringArgs } from "../lib/component-rules";
import { isByteQuantity, isCpuQuantity, parseQuantity } from "../lib/quantities";
import { FLAVORS, REDIS_EXPORTER_IMAGE, type RedisFlavor } from "./versions";

/** What the data is for: decides the eviction policy when `maxmemoryPolicy` is not set. */
export type RedisUse = "cache" | "sessions";

/** The `maxmemory-policy` values Redis accepts. */
export const MAXMEMORY_POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
] as const;
/** A Redis `maxmemory-policy` ({@link MAXMEMORY_POLICIES}). */
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

/** Eviction policy per use: a cache drops the least recently used keys; sessions, queues and rate limits must never lose a key silently. */
export const POLICY_BY_USE: Readonly<Record<RedisUse, MaxmemoryPolicy>> = { cache: "allkeys-lru", sessions: "noeviction" };

/** An ACL user whose password lives in a Kubernetes Secret (GeneratedSecrets). */
export interface RedisUserSecret {
  /** ACL user name. @example "app" */
  readonly username: string;
  /** Name of the Secret (in the component's namespace) holding the password. */
  readonly secretName: string;
  /** Data key of the password in that Secret. @default "password" */
  readonly key?: string;
  /** The password itself (a Pulumi secret output), written hashed into the ACL file. */
  readonly password: pulumi.Input<string>;
}

/** Pods allowed to connect to Redis (and to the Sentinels): a pod selector in the same namespace, or in another one. */
export interface RedisClient {
  /** Labels of the client pods (a NetworkPolicy `podSelector.matchLabels`); must not be empty. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Namespace of the client pods. @default - the component's namespace */
  readonly namespace?: string;
}

/** Redis Sentinel (mode "sentinel"): replicas, quorum, master name, failover timings and resources. */
export interface SentinelArgs {
  /** Sentinel pods. Odd, so a majority exists. @default 3 */
  readonly replicas?: number;
  /** Sentinels that must agree the primary is down. @default - a majority of `replicas` */
  readonly quorum?: number;
  /** Name clients ask Sentinel for. @default "mymaster" */
  readonly masterName?: string;
  /** How long the primary must be unreachable before a Sentinel calls it down (the failover floor). @default 10000 */
  readonly downAfterMilliseconds?: number;
  /** Failover timeout (also the pause before the same primary is failed over again). @default 180000 */
  readonly failoverTimeoutMilliseconds?: number;
  /** Replicas resynchronised with the new primary at once after a failover. @default 1 */
  readonly parallelSyncs?: number;
  /** CPU and memory of each Sentinel container. @default { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } } */
  readonly resources?: RedisResources;
}

/** CPU and memory requests and limits of each Redis pod. */
export interface RedisResources {
  /** Requested CPU (e.g. "250m") and memory (e.g. "512Mi"); memory at most `limits.memory` (Kubernetes `resources.requests`). */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /**
   * Kubernetes `resources.limits`: memory is required (`maxmemory` is derived from it); CPU is optional (none: no
   * throttling).
   */
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** TLS of Redis: the cert-manager issuer of its server certificate. */
export interface RedisTlsArgs {
  /** cert-manager issuer of the server certificate (covers every pod and Service name). */
  readonly issuer: { readonly name: string; readonly kind: "Issuer" | "ClusterIssuer" };
  /**
   * Whether clients must present a certificate too (`tls-auth-clients`). Off by default: clients
   * authenticate with ACL passwords and only verify the server.
   * @default false
   */
  readonly clientCertificates?: boolean;
}

/** Args of {@link Redis}: Redis or Valkey from the official images, standalone or with Sentinel, ACL users, persistence, TLS, network policy and monitoring. */
export interface RedisArgs {
  /** Namespace (must exist, with the platform's default-deny NetworkPolicy). */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance). */
  readonly instance: string;
  /** Base name of every object: StatefulSet `<name>`, Services `<name>` and `<name>-headless`, Sentinels `<name>-sentinel`. @default - the component's name */
  readonly name?: string;
  /**
   * Which server: `redis` (Redis Open Source 8, RSALv2/SSPLv1/AGPLv3) or `valkey` (Valkey 9, BSD-3-Clause).
   * Caution: switching an existing instance replaces its pods; the data on the volumes is read by both (RDB/AOF of the 7.2 lineage) but Redis 8 data files may not load in Valkey.
   * @default "redis"
   */
  readonly flavor?: RedisFlavor;
  /** Server image, pinned. @default - FLAVORS[flavor].image */
  readonly image?: string;
  /** redis_exporter sidecar image, pinned. @default REDIS_EXPORTER_IMAGE */
  readonly exporterImage?: string;
  /** `standalone`: one pod. `sentinel`: a primary, replicas and Sentinels that fail over between them. @default "standalone" */
  readonly mode?: "standalone" | "sentinel";
  /** Data pods (primary + replicas). 1 in standalone mode; at least 2 with Sentinel. @default - 1 standalone, 3 sentinel */
  readonly replicas?: number;
  /** What the data is for; picks the eviction policy. @default "sessions" */
  readonly use?: RedisUse;
  /** Eviction policy, overriding the one of `use`. @default - POLICY_BY_USE[use] */
  readonly maxmemoryPolicy?: MaxmemoryPolicy;
  /**
   * `maxmemory` as a share of the container's memory limit. The rest is headroom for
   * copy-on-write during RDB/AOF rewrites, replication and client buffers, and fragmentation.
   * @default 0.7
   */
  readonly maxmemoryRatio?: number;
  /** Data volume per pod. Caution: shrinking is impossible; growing needs an expandable StorageClass. */
  readonly storageSize: string;
  /** StorageClass of the volumes. @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** Resources of the server container; `limits.memory` decides `maxmemory`. */
  readonly resources: RedisResources;
  /** Persistence. @default { aof: true, rdbSnapshots: true } */
  readonly persistence?: {
    /** Append-only file, fsync'd every second (at most ~1 s of writes lost on a crash). @default true */
    readonly aof?: boolean;
    /** RDB snapshots (`save 3600 1 300 100 60 10000`), also the AOF's base. @default true */
    readonly rdbSnapshots?: boolean;
  };
  /** Sentinel settings (mode `sentinel`). */
  readonly sentinel?: SentinelArgs;
  /**
   * The primary refuses writes unless this many replicas are connected and no more than
   * `minReplicasMaxLagSeconds` behind: bounds what an isolated old primary can accept (split brain).
   * @default - 1 with Sentinel, 0 standalone
   */
  readonly minReplicasToWrite?: number;
  /** Seconds a replica may lag and still count for `minReplicasToWrite` (Redis `min-replicas-max-lag`), 1 to 3600. @default 10 */
  readonly minReplicasMaxLagSeconds?: number;
  /** TLS on every connection (clients, replication, Sentinels). @default - off */
  readonly tls?: RedisTlsArgs;
  /** ACL users: `app` (the applications' commands only) and `admin` (probes, exporter, Sentinel, replication, operators). */
  readonly users: { readonly app: RedisUserSecret; readonly admin: RedisUserSecret };
  /** Pods allowed to connect (NetworkPolicy); nothing else in the namespace may. @default [] */
  readonly clients?: readonly RedisClient[];
  /** Server port. @default 6379 */
  readonly port?: number;
  /** Sentinel port. @default 26379 */
  readonly sentinelPort?: number;
  /** Kubernetes cluster domain, for the pods' FQDNs. @default "cluster.local" */
  readonly clusterDomain?: string;
  /** Pod anti-affinity across nodes: "required" never co-locates two data pods (or two Sentinels). @default "preferred" */
  readonly antiAffinity?: "required" | "preferred";
  /** Monitoring: ServiceMonitors and the Redis PrometheusRule. */
  readonly monitoring: ComponentMonitoringArgs;
  /** Extra labels on every object (not in selectors). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** {@link SentinelArgs} after defaults. */
export interface ResolvedSentinel {
  /** Sentinel pods (default 3; odd, 3 to 9). */
  readonly replicas: number;
  /** Sentinels that must agree the primary is down (default a majority of `replicas`; Sentinel `quorum`). */
  readonly quorum: number;
  /** Name clients ask Sentinel for (default "mymaster"). */
  readonly masterName: string;
  /** Sentinel `down-after-milliseconds` (default 10000). */
  readonly downAfterMilliseconds: number;
  /** Sentinel `failover-timeout` (default 180000), at least `downAfterMilliseconds`. */
  readonly failoverTimeoutMilliseconds: number;
  /** Sentinel `parallel-syncs` (default 1). */
  readonly parallelSyncs: number;
  /** CPU and memory of each Sentinel (default requests 50m/64Mi, memory limit 128Mi). */
  readonly resources: RedisResources;
  /** StatefulSet / Service base name of the Sentinels. */
  readonly name: string;
  /** Headless Service of the Sentinels (`<name>-sentinel-headless`), their stable DNS names. */
  readonly headless: string;
}

/** {@link RedisArgs} with every default applied, as {@link resolveRedisArgs} returns them. */
export interface ResolvedRedisArgs {
  /** Namespace, as given. */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance), as given. */
  readonly instance: string;
  /** Base name of every object (default the component's name). */
  readonly name: string;
  /** Headless Service of the data pods (their stable DNS names). */
  readonly headless: string;
  /** Which server (default "redis"). */
  readonly flavor: RedisFlavor;
  /** Image, program names and licence of the flavour ({@link FLAVORS}). */
  readonly programs: (typeof FLAVORS)[RedisFlavor];
  /** Server image, pinned (default the flavour's image). */
  readonly image: string;
  /** redis_exporter image, pinned (default REDIS_EXPORTER_IMAGE). */
  readonly exporterImage: string;
  /** "standalone" (default) or "sentinel". */
  readonly mode: "standalone" | "sentinel";
  /** Data pods: 1 standalone; 2 to 9 with Sentinel (default 3). */
  readonly replicas: number;
  /** What the data is for (default "sessions"). */
  readonly use: RedisUse;
  /** Redis `maxmemory-policy` (default POLICY_BY_USE[use]). */
  readonly maxmemoryPolicy: MaxmemoryPolicy;
  /** `maxmemory` as a share of the memory limit (default 0.7; 0.2 to 0.9). */
  readonly maxmemoryRatio: number;
  /** `maxmemory` in bytes. */
  readonly maxmemoryBytes: number;
  /** Data volume per pod, as given. */
  readonly storageSize: string;
  /** StorageClass of the volumes; undefined means the cluster's default. */
  readonly storageClass?: string;
  /** Resources of the server container, as given. */
  readonly resources: RedisResources;
  /** Append-only file on (default true). */
  readonly aof: boolean;
  /** RDB snapshots on (default true). */
  readonly rdbSnapshots: boolean;
  /** Sentinel settings, defaults applied; present only in mode "sentinel". */
  readonly sentinel?: ResolvedSentinel;
  /** Redis `min-replicas-to-write` (default 1 with Sentinel, 0 standalone; at most `replicas - 1`). */
  readonly minReplicasToWrite: number;
  /** Redis `min-replicas-max-lag`, seconds (default 10). */
  readonly minReplicasMaxLagSeconds: number;
  /** TLS settings (`clientCertificates` default false); undefined means TLS off. */
  readonly tls?: Required<RedisTlsArgs>;
  /** The `app` and `admin` ACL users, `key` defaulted to "password". */
  readonly users: { readonly app: Required<RedisUserSecret>; readonly admin: Required<RedisUserSecret> };
  /** Pods allowed to connect (default none). */
  readonly clients: readonly RedisClient[];
  /** Server port (default 6379). */
  readonly port: number;
  /** Sentinel port (default 26379). */
  readonly sentinelPort: number;
  /** Kubernetes cluster domain (default "cluster.local"). */
  readonly clusterDomain: string;
  /** Pod anti-affinity across nodes (default "preferred"). */
  readonly antiAffinity: "required" | "preferred";
  /** Namespace of Prometheus, admitted to the exporter port (default "monitoring"). */
  readonly monitoringNamespace: string;
  /** Extra labels on every object (default none). */
  readonly labels: Readonly<Record<string, string>>;
  /** FQDN of data pod `i`. */
  podHost(i: number): string;
  /** FQDN of Sentinel pod `i`. */
  sentinelHost(i: number): string;
}

const C = "Redis";
const LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const MASTER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function intIn(field: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) invalidArg(C, field, v, `must be an integer between ${min} and ${max}`);
  return v;
}

function checkResources(field: string, r: RedisResources): void {
  for (const [f, v] of [["requests.memory", r.requests.memory], ["limits.memory", r.limits.memory]] as const) {
    if (!isByteQuantity(v)) invalidArg(C, `${field}.${f}`, v, 'must be a Kubernetes quantity such as "512Mi"');
  }
  if (!isCpuQuantity(r.requests.cpu)) invalidArg(C, `${field}.requests.cpu`, r.requests.cpu, 'must be a CPU quantity such as "250m"');
  if (r.limits.cpu !== undefined && !isCpuQuantity(r.limits.cpu)) invalidArg(C, `${field}.limits.cpu`, r.limits.cpu, 'must be a CPU quantity such as "1"');
  if (parseQuantity(r.requests.memory)! > parseQuantity(r.limits.memory)!) invalidArg(C, `${field}.requests.memory`, r.requests.memory, `must not exceed limits.memory (${r.limits.memory})`);
}

function pinned(field: string, image: string): string {
  if (!/:[A-Za-z0-9._-]+$|@sha256:[a-f0-9]{64}$/.test(image) || /:latest$/.test(image)) invalidArg(C, field, image, "must be pinned to a tag (not latest) or a digest");
  return image;
}

function user(field: string, u: RedisUserSecret): Required<RedisUserSecret> {
  if (!USER.test(u.username) || u.username === "default") invalidArg(C, `${field}.username`, u.username, 'must be an ACL user name of letters, digits, "_", "." or "-" (not "default", which is switched off)');
  if (!LABEL.test(u.secretName)) invalidArg(C, `${field}.secretName`, u.secretName, "must be the name of a Secret");
  return { ...u, key: u.key ?? "password" };
}

/** Resolves defaults and validates; pure. Throws an error that says what to change. */
export function resolveRedisArgs(componentName: string, a: RedisArgs): ResolvedRedisArgs {
  const name = a.name ?? componentName;
  if (!LABEL.test(name) || name.length > 40) invalidArg(C, "name", name, "must be a DNS-1123 label of at most 40 characters, starting with a letter");
  const flavor = a.flavor ?? "redis";
  if (!(flavor in FLAVORS)) invalidArg(C, "flavor", flavor, `must be one of ${Object.keys(FLAVORS).join(", ")}`);
  const mode = a.mode ?? "standalone";
  if (mode !== "standalone" && mode !== "sentinel") invalidArg(C, "mode", mode, 'must be "standalone" or "sentinel"');
  const replicas = a.replicas ?? (mode === "sentinel" ? 3 : 1);
  if (mode === "standalone") intIn("replicas", replicas, 1, 1);
  else intIn("replicas", replicas, 2, 9);
  const use = a.use ?? "sessions";
  if (!(use in POLICY_BY_USE)) invalidArg(C, "use", use, 'must be "cache" or "sessions"');
  const maxmemoryPolicy = a.maxmemoryPolicy ?? POLICY_BY_USE[use];
  if (!(MAXMEMORY_POLICIES as readonly string[]).includes(maxmemoryPolicy)) invalidArg(C, "maxmemoryPolicy", maxmemoryPolicy, `must be one of ${MAXMEMORY_POLICIES.join(", ")}`);
  const maxmemoryRatio = a.maxmemoryRatio ?? 0.7;
  if (typeof maxmemoryRatio !== "number" || !(maxmemoryRatio >= 0.2 && maxmemoryRatio <= 0.9)) {
    invalidArg(C, "maxmemoryRatio", maxmemoryRatio, "must be between 0.2 and 0.9 of the memory limit (the rest is fork, replication and client headroom)");
  }
  checkResources("resources", a.resources);
  const limit = parseQuantity(a.resources.limits.memory)!;
  const maxmemoryBytes = Math.floor(limit * maxmemoryRatio);
  if (maxmemoryBytes < 16 * 2 ** 20) invalidArg(C, "resources.limits.memory", a.resources.limits.memory, `leaves maxmemory at ${maxmemoryBytes} bytes; give Redis at least 16 MiB (a limit of at least ${Math.ceil(16 / maxmemoryRatio)}Mi)`);
  if (!isByteQuantity(a.storageSize)) invalidArg(C, "storageSize", a.storageSize, 'must be a Kubernetes quantity such as "8Gi"');

  const port = intIn("port", a.port ?? 6379, 1, 65535);
  const sentinelPort = intIn("sentinelPort", a.sentinelPort ?? 26379, 1, 65535);
  if (port === sentinelPort) invalidArg(C, "sentinelPort", sentinelPort, "must differ from port");
  const clusterDomain = a.clusterDomain ?? "cluster.local";
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(clusterDomain)) invalidArg(C, "clusterDomain", clusterDomain, "must be a DNS name");

  let sentinel: ResolvedSentinel | undefined;
  const s = a.sentinel ?? {};
  if (mode === "sentinel") {
    const sReplicas = intIn("sentinel.replicas", s.replicas ?? 3, 3, 9);
    if (sReplicas % 2 === 0) invalidArg(C, "sentinel.replicas", sReplicas, "must be odd, so that a majority of Sentinels can authorise a failover");
    const quorum = intIn("sentinel.quorum", s.quorum ?? Math.floor(sReplicas / 2) + 1, 1, sReplicas);
    const masterName = s.masterName ?? "mymaster";
    if (!MASTER_NAME.test(masterName)) invalidArg(C, "sentinel.masterName", masterName, 'must be 1-64 of letters, digits, "_", "." or "-"');
    const resources = s.resources ?? { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } };
    checkResources("sentinel.resources", resources);
    const downAfterMilliseconds = intIn("sentinel.downAfterMilliseconds", s.downAfterMilliseconds ?? 10_000, 500, 600_000);
    const failoverTimeoutMilliseconds = intIn("sentinel.failoverTimeoutMilliseconds", s.failoverTimeoutMilliseconds ?? 180_000, 1000, 3_600_000);
    if (failoverTimeoutMilliseconds < downAfterMilliseconds) {
      invalidArg(C, "sentinel.failoverTimeoutMilliseconds", failoverTimeoutMilliseconds, `must be at least sentinel.downAfterMilliseconds (${downAfterMilliseconds})`);
    }
    sentinel = {
      replicas: sReplicas,
      quorum,
      masterName,
      downAfterMilliseconds,
      failoverTimeoutMilliseconds,
      parallelSyncs: intIn("sentinel.parallelSyncs", s.parallelSyncs ?? 1, 1, 8),
      resources,
      name: `${name}-sentinel`,
      headless: `${name}-sentinel-headless`,
    };
  } else if (a.sentinel !== undefined) {
    invalidArg(C, "sentinel", a.sentinel, 'is only used with mode "sentinel"');
  }
  const minReplicasToWrite = intIn("minReplicasToWrite", a.minReplicasToWrite ?? (mode === "sentinel" ? 1 : 0), 0, replicas - 1);
  const minReplicasMaxLagSeconds = intIn("minReplicasMaxLagSeconds", a.minReplicasMaxLagSeconds ?? 10, 1, 3600);

  const app = user("users.app", a.users.app);
  const admin = user("users.admin", a.users.admin);
  if (app.username === admin.username) invalidArg(C, "users.admin.username", admin.username, "must differ from users.app.username");
  for (const [i, c] of (a.clients ?? []).entries()) {
    if (Object.keys(c.podLabels).length === 0) invalidArg(C, `clients[${i}].podLabels`, c.podLabels, "must select some pods (an empty selector would admit every pod)");
  }
  const headless = `${name}-headless`;
  const ns = a.namespace;
  const sentinelHeadless = sentinel?.headless;
  return {
    namespace: ns,
    instance: a.instance,
    name,
    headless,
    flavor,
    programs: FLAVORS[flavor],
    image: pinned("image", a.image ?? FLAVORS[flavor].image),
    exporterImage: pinned("exporterImage", a.exporterImage ?? REDIS_EXPORTER_IMAGE),
    mode,
    replicas,
    use,
    maxmemoryPolicy,
    maxmemoryRatio,
    maxmemoryBytes,
    storageSize: a.storageSize,
    storageClass: a.storageClass,
    resources: a.resources,
    aof: a.persistence?.aof ?? true,
    rdbSnapshots: a.persistence?.rdbSnapshots ?? true,
    sentinel,
    minReplicasToWrite,
    minReplicasMaxLagSeconds,
    tls: a.tls ? { issuer: a.tls.issuer, clientCertificates: a.tls.clientCertificates ?? false } : undefined,
    users: { app, admin },
    clients: a.clients ?? [],
    port,
    sentinelPort,
    clusterDomain,
    antiAffinity: a.antiAffinity ?? "preferred",
    monitoringNamespace: a.monitoring.namespace ?? "monitoring",
    labels: a.labels ?? {},
    podHost: (i: number) => `${name}-${i}.${headless}.${ns}.svc.${clusterDomain}`,
    sentinelHost: (i: number) => `${name}-sentinel-${i}.${sentinelHeadless}.${ns}.svc.${clusterDomain}`,
  };
}
