/**
 * Checks across a whole stack: what a workload needs beside itself (a PDB, a
 * NetworkPolicy, an HPA, monitoring), what a database needs (WAL archiving,
 * scheduled backups, retention), what a backup bucket needs, and what a
 * preview stack must never do.
 */
import type { Inventory, Violation } from "./inventory";
import { coverage } from "./observability";
import { describe, isEmptySelector, type KubeObject, selects, type StackResource } from "./resources";
import { hpaFor, minReplicas, operatorServices, selecting } from "./workloads";

function v(policy: string, subject: { id: string; object: KubeObject } | KubeObject, message: string): Violation {
  const id = "id" in subject ? subject.id : describe(subject);
  const urn = "id" in subject ? subject.object.resource.urn : subject.resource.urn;
  return { policy, subject: id, urn, message: `${id}: ${message}` };
}

/** An integer-or-percent field resolved against a replica count. */
function resolveIntOrPercent(x: unknown, replicas: number, roundUp: boolean): number | undefined {
  if (typeof x === "number") return x;
  if (typeof x === "string" && /^[0-9]+%$/.test(x)) {
    const f = (Number(x.slice(0, -1)) / 100) * replicas;
    return roundUp ? Math.ceil(f) : Math.floor(f);
  }
  if (typeof x === "string" && /^[0-9]+$/.test(x)) return Number(x);
  return undefined;
}

/** Voluntary evictions a PDB allows at `replicas` pods, all healthy. */
export function pdbAllowedDisruptions(pdb: KubeObject, replicas: number): number {
  if (pdb.spec.maxUnavailable !== undefined) return resolveIntOrPercent(pdb.spec.maxUnavailable, replicas, true) ?? 0;
  const minAvailable = resolveIntOrPercent(pdb.spec.minAvailable ?? 1, replicas, true) ?? replicas;
  return Math.max(0, replicas - minAvailable);
}

/** Workloads with more than one replica have a PDB; no PDB of the stack can block a node drain. */
export function checkPdbs(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  const pdbs = inv.ofKind("PodDisruptionBudget");
  for (const w of inv.workloads) {
    if (w.kind === "DaemonSet") continue;
    const n = minReplicas(w, inv.objects);
    const own = selecting(w, inv.objects, "PodDisruptionBudget", (o) => o.spec.selector);
    const byOperator = w.operator?.pdb(w.object.spec) === true;
    if (n > 1 && own.length === 0 && !byOperator) out.push(v("pdb-per-workload", w, `runs ${n} replicas and no PodDisruptionBudget selects its pods`));
    for (const pdb of own) {
      if (pdbAllowedDisruptions(pdb, n) < 1) out.push(v("pdb-per-workload", pdb, `allows no voluntary disruption of ${w.id} at ${n} replica(s): it would block every node drain`));
    }
  }
  // A PDB that selects nothing protects nothing.
  for (const pdb of pdbs) {
    if (!inv.workloads.some((w) => w.namespace === pdb.namespace && selects(pdb.spec.selector, w.pod.labels))) out.push(v("pdb-per-workload", pdb, "selects no workload's pods"));
  }
  return out;
}

function isolatesIngress(np: KubeObject): boolean {
  const types = np.spec.policyTypes as string[] | undefined;
  return types ? types.includes("Ingress") : true;
}

/** Every workload's pods are selected (by name, not only by a namespace-wide default) by a NetworkPolicy that governs their ingress. */
export function checkNetworkPolicies(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  for (const w of inv.workloads) {
    const own = selecting(w, inv.objects, "NetworkPolicy", (o) => o.spec.podSelector).filter((np) => !isEmptySelector(np.spec.podSelector) && isolatesIngress(np));
    if (own.length === 0) out.push(v("networkpolicy-per-workload", w, "no NetworkPolicy selects its pods and governs their ingress (a namespace-wide default-deny alone does not say who may reach it)"));
  }
  return out;
}

/** Every Deployment the stack writes with more than one replica is autoscaled by an HPA. */
export function checkHpas(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  for (const w of inv.workloads) {
    if (w.kind !== "Deployment" || w.templateBy !== "stack") continue;
    const hpa = hpaFor(w, inv.objects);
    if (w.replicas > 1 && !hpa) out.push(v("hpa-for-multi-replica-deployments", w, `runs ${w.replicas} replicas without a HorizontalPodAutoscaler`));
    if (hpa && Number(hpa.spec.minReplicas ?? 1) > Number(hpa.spec.maxReplicas)) out.push(v("hpa-for-multi-replica-deployments", hpa, "minReplicas exceeds maxReplicas"));
  }
  return out;
}

/** Days of a Barman retention policy (`30d`, `4w`, `1m`; a month counts 30 days), undefined when unparseable. */
export function retentionDays(policy: unknown): number | undefined {
  const m = /^([1-9][0-9]*)([dwm])$/.exec(String(policy ?? ""));
  if (!m) return undefined;
  return Number(m[1]) * ({ d: 1, w: 7, m: 30 } as const)[m[2] as "d" | "w" | "m"];
}

export interface PostgresBackupFacts {
  readonly cluster: KubeObject;
  readonly walArchiving: boolean;
  readonly scheduledBackups: readonly KubeObject[];
  readonly retentionDays?: number;
  readonly objectStore?: KubeObject;
}

/** What a CloudNativePG Cluster has for recovery: WAL archiving (Barman Cloud plugin or in-tree), schedules, retention. */
export function postgresBackups(inv: Inventory): PostgresBackupFacts[] {
  return inv.objects
    .filter((o) => o.kind === "Cluster" && o.apiVersion.startsWith("postgresql.cnpg.io/"))
    .map((cluster) => {
      const plugins = (cluster.spec.plugins ?? []) as { name?: string; enabled?: boolean; isWALArchiver?: boolean; parameters?: Record<string, string> }[];
      const archiver = plugins.find((p) => p.isWALArchiver === true && p.enabled !== false);
      const inTree = cluster.spec.backup?.barmanObjectStore;
      const objectStore = archiver?.parameters?.barmanObjectName
        ? inv.objects.find((o) => o.kind === "ObjectStore" && o.namespace === cluster.namespace && o.name === archiver.parameters!.barmanObjectName)
        : undefined;
      const retention = objectStore ? objectStore.spec.retentionPolicy : cluster.spec.backup?.retentionPolicy;
      const scheduledBackups = inv.objects.filter((o) => o.kind === "ScheduledBackup" && o.namespace === cluster.namespace && o.spec.cluster?.name === cluster.name && o.spec.suspend !== true);
      return { cluster, walArchiving: !!archiver || !!inTree, scheduledBackups, retentionDays: retentionDays(retention), objectStore };
    });
}

/** Every PostgreSQL cluster archives WAL, has a scheduled base backup, and keeps `minRetentionDays` of recovery window. */
export function checkPostgresBackups(inv: Inventory, minRetentionDays: number): Violation[] {
  const out: Violation[] = [];
  for (const f of postgresBackups(inv)) {
    if (!f.walArchiving) out.push(v("postgres-backups", f.cluster, "archives no WAL: no Barman Cloud plugin with isWALArchiver, no spec.backup.barmanObjectStore (point-in-time recovery is impossible)"));
    if (f.scheduledBackups.length === 0) out.push(v("postgres-backups", f.cluster, "has no active ScheduledBackup"));
    if (f.walArchiving && (f.retentionDays === undefined || f.retentionDays < minRetentionDays)) {
      out.push(v("postgres-backups", f.cluster, `keeps ${f.retentionDays === undefined ? "no parseable retention policy" : `${f.retentionDays} days`} of backups; at least ${minRetentionDays} days required`));
    }
  }
  return out;
}

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const companion = (kind: string) => [`aws:s3/${kind}:${kind[0]!.toUpperCase()}${kind.slice(1)}`, `aws:s3/${kind}V2:${kind[0]!.toUpperCase()}${kind.slice(1)}V2`];

export interface BucketFacts {
  readonly bucket: StackResource;
  readonly name: string;
  readonly encrypted: boolean;
  readonly versioned: boolean;
  readonly publicAccessBlocked: boolean;
  readonly tlsOnly: boolean;
}

function statements(policy: unknown): { Effect?: string; Condition?: Record<string, Record<string, unknown>> }[] {
  try {
    const doc = typeof policy === "string" ? JSON.parse(policy) : policy;
    const s = (doc as { Statement?: unknown }).Statement;
    return Array.isArray(s) ? s : s ? [s as never] : [];
  } catch {
    return [];
  }
}

/** Each S3 bucket of the stack with its encryption, versioning, public-access block and TLS-only policy. */
export function bucketFacts(inv: Inventory): BucketFacts[] {
  const rs = inv.resources;
  return rs
    .filter((r) => BUCKET_TYPES.includes(r.type))
    .map((bucket) => {
      const name = String(bucket.props.bucket ?? bucket.name);
      const of = (kind: string) => rs.filter((r) => companion(kind).includes(r.type) && (r.props.bucket === name || r.dependencies.includes(bucket.urn)));
      const sse = of("bucketServerSideEncryptionConfiguration").some((r) => (r.props.rules ?? []).some((x: any) => x.applyServerSideEncryptionByDefault?.sseAlgorithm))
        || !!bucket.props.serverSideEncryptionConfiguration?.rule?.applyServerSideEncryptionByDefault?.sseAlgorithm;
      const versioned = of("bucketVersioning").some((r) => r.props.versioningConfiguration?.status === "Enabled") || bucket.props.versioning?.enabled === true;
      const pab = of("bucketPublicAccessBlock").some((r) => ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => r.props[k] === true));
      const acl = String(bucket.props.acl ?? "private");
      const tlsOnly = of("bucketPolicy").some((r) =>
        statements(r.props.policy).some((s) => s.Effect === "Deny" && ["false", false].includes(s.Condition?.Bool?.["aws:SecureTransport"] as never)),
      );
      return { bucket, name, encrypted: sse, versioned, publicAccessBlocked: pab && !/public/.test(acl), tlsOnly };
    });
}

/** Every bucket encrypted at rest, versioned, private (all four public-access blocks) and TLS-only. */
export function checkBuckets(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  for (const b of bucketFacts(inv)) {
    const subject = `Bucket ${b.name}`;
    const add = (m: string) => out.push({ policy: "backup-bucket-hardening", subject, urn: b.bucket.urn, message: `${subject}: ${m}` });
    if (!b.encrypted) add("has no server-side encryption configuration");
    if (!b.versioned) add("is not versioned (a deleted or overwritten backup could not be recovered)");
    if (!b.publicAccessBlocked) add("is not private: needs a public access block with all four settings true and no public ACL");
    if (!b.tlsOnly) add("does not deny requests without TLS (a bucket policy denying aws:SecureTransport = false)");
  }
  return out;
}

/**
 * Every workload is scraped; where the stack installs Prometheus, an alert rule
 * watches its own series and a dashboard shows it. Workloads annotated
 * `platform.dev/observability: exempt` (with a reason in
 * `platform.dev/observability-reason`) are skipped.
 */
export function checkObservability(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  const mon = inv.monitoring;
  const objects = [...inv.objects, ...operatorServices(inv.objects)];
  for (const w of inv.workloads) {
    if (w.object.annotations["platform.dev/observability"] === "exempt") continue;
    const c = coverage(w, objects, mon);
    if (c.targets.length === 0) out.push(v("observability-per-workload", w, "is not scraped: no ServiceMonitor or PodMonitor (loaded by Prometheus) selects its pods on a port they expose"));
    if (!mon.installed) continue;
    if (c.targets.length > 0 && c.alerts.length === 0) out.push(v("observability-per-workload", w, "no alert rule selects its series (not even its scrape target's up)"));
    if (c.dashboards.length === 0) out.push(v("observability-per-workload", w, "no dashboard shows it"));
  }
  return out;
}

/** Cluster-scoped kinds a preview stack must never create (it shares the cluster with everyone else). */
const NAMESPACED_KIND_HINT = new Set([
  "ConfigMap", "Secret", "Service", "ServiceAccount", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod",
  "PersistentVolumeClaim", "Role", "RoleBinding", "NetworkPolicy", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Ingress",
]);

/**
 * A preview stack creates exactly one Namespace, puts every namespaced object in it, creates no
 * cluster-scoped object and installs no Helm release (cluster-wide services come from the cluster).
 */
export function checkPreviewIsolation(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  const namespaces = inv.ofKind("Namespace");
  if (namespaces.length !== 1) {
    out.push({ policy: "preview-isolation", subject: "stack", message: `a preview stack creates exactly one Namespace, this one creates ${namespaces.length} (${namespaces.map((n) => n.name).join(", ") || "none"})` });
  }
  const own = namespaces[0]?.name;
  for (const o of inv.objects) {
    if (o.kind === "Namespace") continue;
    if (!o.namespace) {
      out.push(v("preview-isolation", o, `is cluster-scoped; a preview stack may only create objects in its own namespace${NAMESPACED_KIND_HINT.has(o.kind) ? " (set metadata.namespace)" : ""}`));
    } else if (o.namespace !== own) {
      out.push(v("preview-isolation", o, `is in namespace ${o.namespace}, not the preview's own (${own ?? "none"})`));
    }
  }
  for (const r of inv.helmReleases) {
    out.push({ policy: "preview-isolation", subject: `Helm release ${String(r.props.name ?? r.name)}`, urn: r.urn, message: `Helm release ${String(r.props.name ?? r.name)}: a preview stack installs no Helm release (cluster-wide services come from the cluster)` });
  }
  return out;
}
