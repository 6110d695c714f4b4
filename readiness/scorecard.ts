/**
 * The production-readiness scorecard of a stack, computed from what its
 * render registers (the same inventory the policy pack reads), never stated:
 * availability, recovery, observability and security, each a share of checks
 * passed, and the list of what is missing with the stack config key that
 * fixes it (or, when no key can, what must change).
 */
import type { StackConfig } from "../stacks/config";
import { adminSurfaces, routes } from "../policy/exposure";
import { inventory, type Inventory } from "../policy/inventory";
import { coverage } from "../policy/observability";
import { checkRestricted, checkSecretLiterals } from "../policy/pods";
import { isPinnedImage } from "../stacks/config";
import { bucketFacts, pdbAllowedDisruptions, postgresBackups } from "../policy/stack-checks";
import type { StackResource } from "../policy/resources";
import { hpaFor, minReplicas, selecting, type Workload } from "../policy/workloads";
import { imageKey, key, workloadKey } from "./config-keys";

export const AREAS = ["availability", "recovery", "observability", "security"] as const;
export type Area = (typeof AREAS)[number];

export interface Check {
  readonly area: Area;
  /** Short id of the check, e.g. `replicas`. */
  readonly check: string;
  /** What it is about (`Deployment platform-prod/core-api`, `stack`). */
  readonly subject: string;
  readonly pass: boolean;
  /** What was found (passing or not). */
  readonly detail: string;
  /** The stack config key that fixes it, when one does. */
  readonly fixKey?: string;
  /** What to do when no config key fixes it (a code change, a command). */
  readonly fixHint?: string;
}

export interface AreaScore {
  readonly area: Area;
  readonly passed: number;
  readonly total: number;
  /** 0..100, rounded; undefined when the area has no check. */
  readonly score?: number;
}

export interface Scorecard {
  readonly stack: string;
  readonly environment: string;
  readonly areas: readonly AreaScore[];
  /** Mean of the area scores, rounded. */
  readonly total: number;
  readonly checks: readonly Check[];
  readonly missing: readonly Check[];
}

/** A restore drill's record (what the PITR drill writes to out/drills/<stack>.json). */
export interface DrillRecord {
  /** When the drill finished (ISO 8601). */
  readonly at: string;
  /** The backup location it restored from: must be this stack's. */
  readonly destinationPath: string;
  /** The point in time it recovered to. */
  readonly recoveredTo?: string;
  readonly durationSeconds?: number;
}

export interface ScorecardInput {
  readonly cfg: StackConfig;
  readonly resources: readonly StackResource[];
  /** Alert names that have a promtool unit test. */
  readonly testedAlerts: ReadonlySet<string>;
  /** Minimum PITR window for this environment (policy/config/<env>.json). */
  readonly minRetentionDays: number;
  readonly drills?: readonly DrillRecord[];
  readonly now?: Date;
  /** Drills older than this don't count. @default 90 */
  readonly drillMaxAgeDays?: number;
}

const RPO_TARGET_SECONDS = 300;

function replicasKey(w: Workload, inv: Inventory, s: StackConfig["settings"]): string | undefined {
  return workloadKey(w, s, hpaFor(w, inv.objects) ? ["autoscaling.minReplicas", "replicas", "instances"] : ["replicas", "instances", "autoscaling.minReplicas"]);
}

function isDataStore(w: Workload): boolean {
  return w.kind === "StatefulSet" || (w.kind === "Cluster" && w.object.apiVersion.startsWith("postgresql.cnpg.io/"));
}

function availability(inv: Inventory, cfg: StackConfig): Check[] {
  const s = cfg.settings;
  const out: Check[] = [];
  for (const w of inv.workloads) {
    if (w.kind === "DaemonSet") continue;
    const n = minReplicas(w, inv.objects);
    const fixKey = replicasKey(w, inv, s);
    out.push({
      area: "availability",
      check: isDataStore(w) ? "ha-data-store" : "replicas",
      subject: w.id,
      pass: n >= 2,
      detail: isDataStore(w) ? `${n} instance(s)${n >= 2 ? ": survives losing one" : ": no standby to fail over to"}` : `at least ${n} replica(s)`,
      fixKey,
      fixHint: fixKey ? undefined : "raise the replicas in the component's args",
    });
    if (n >= 2) {
      const own = selecting(w, inv.objects, "PodDisruptionBudget", (o) => o.spec.selector);
      const byOperator = w.operator?.pdb(w.object.spec) === true;
      const drainable = own.every((p) => pdbAllowedDisruptions(p, n) >= 1);
      out.push({
        area: "availability",
        check: "disruption-budget",
        subject: w.id,
        pass: (own.length > 0 || byOperator) && drainable,
        detail: own.length > 0 ? `PodDisruptionBudget ${own.map((p) => p.name).join(", ")}${drainable ? "" : " blocks node drains"}` : byOperator ? `made by the operator (${w.operator!.source})` : "none",
        fixHint: "the component must create a PodDisruptionBudget (maxUnavailable: 1)",
      });
      const spread = (w.pod.spec.topologySpreadConstraints ?? []) as { topologyKey?: string }[];
      const affinity = w.pod.spec.affinity?.podAntiAffinity ?? (w.object.spec.affinity?.enablePodAntiAffinity ? w.object.spec.affinity : undefined);
      const keys = [...spread.map((c) => c.topologyKey), affinity?.topologyKey ?? (affinity ? "kubernetes.io/hostname" : undefined)].filter(Boolean);
      out.push({
        area: "availability",
        check: "spread",
        subject: w.id,
        pass: keys.length > 0,
        detail: keys.length > 0 ? `spread over ${[...new Set(keys)].join(", ")}` : "no topology spread or anti-affinity: replicas may share a node",
        fixHint: "the component must set topologySpreadConstraints",
      });
    }
    if (w.kind === "Deployment" && w.templateBy === "stack" && n >= 2) {
      const hpa = hpaFor(w, inv.objects);
      out.push({
        area: "availability",
        check: "autoscaling",
        subject: w.id,
        pass: !!hpa,
        detail: hpa ? `HPA ${hpa.spec.minReplicas ?? 1}..${hpa.spec.maxReplicas}` : "fixed replica count",
        fixKey: workloadKey(w, s, ["autoscaling.enabled"]),
      });
    }
  }
  return out;
}

function recovery(inv: Inventory, cfg: StackConfig, input: ScorecardInput): Check[] {
  const out: Check[] = [];
  const now = input.now ?? new Date();
  for (const f of postgresBackups(inv)) {
    const id = `Cluster ${f.cluster.namespace}/${f.cluster.name}`;
    out.push({ area: "recovery", check: "wal-archiving", subject: id, pass: f.walArchiving, detail: f.walArchiving ? "continuous WAL archiving to the object store" : "no WAL archiving: no point-in-time recovery", fixHint: "enable the Barman Cloud plugin as WAL archiver" });
    out.push({
      area: "recovery",
      check: "scheduled-backups",
      subject: id,
      pass: f.scheduledBackups.length > 0,
      detail: f.scheduledBackups.length > 0 ? `base backups on ${f.scheduledBackups.map((b) => `"${b.spec.schedule}"`).join(", ")}` : "no scheduled base backup",
      fixKey: key("postgres.backup.schedule"),
    });
    out.push({
      area: "recovery",
      check: "pitr-window",
      subject: id,
      pass: (f.retentionDays ?? 0) >= input.minRetentionDays,
      detail: `point-in-time recovery window ${f.retentionDays ?? "unknown"} days (target ${input.minRetentionDays} for ${cfg.environment})`,
      fixKey: key("postgres.backup.retentionDays"),
    });
    const timeout = /^([0-9]+)(s|min)?$/.exec(String(f.cluster.spec.postgresql?.parameters?.archive_timeout ?? ""));
    const seconds = timeout ? Number(timeout[1]) * (timeout[2] === "min" ? 60 : 1) : undefined;
    out.push({
      area: "recovery",
      check: "rpo",
      subject: id,
      pass: f.walArchiving && seconds !== undefined && seconds <= RPO_TARGET_SECONDS,
      detail: seconds === undefined ? "archive_timeout unset: RPO unbounded when writes are rare" : `RPO ≤ ${seconds} s (archive_timeout; target ${RPO_TARGET_SECONDS} s)`,
      fixKey: key("postgres.archiveTimeoutSeconds"),
    });
    const dest = String(f.objectStore?.spec.configuration?.destinationPath ?? f.cluster.spec.backup?.barmanObjectStore?.destinationPath ?? "");
    const maxAge = (input.drillMaxAgeDays ?? 90) * 86_400_000;
    const drills = (input.drills ?? []).filter((d) => d.destinationPath === dest).sort((a, b) => b.at.localeCompare(a.at));
    const last = drills[0];
    const fresh = last !== undefined && now.getTime() - Date.parse(last.at) <= maxAge;
    out.push({
      area: "recovery",
      check: "restore-drill",
      subject: id,
      pass: fresh,
      detail: last ? `last restore drill ${last.at.slice(0, 10)}${last.durationSeconds ? ` (${Math.round(last.durationSeconds)} s)` : ""}${fresh ? "" : `: older than ${input.drillMaxAgeDays ?? 90} days`}` : `no restore drill recorded for ${dest || "its backups"}`,
      fixHint: "run the PITR drill (npx vitest run test/pitr: writes out/drills/<stack>.json) or record a drill in the cluster",
    });
  }
  for (const b of bucketFacts(inv)) {
    const lock = inv.resources.some((r) => /bucketObjectLockConfiguration/.test(r.type) && (r.props.bucket === b.name || r.dependencies.includes(b.bucket.urn)) && r.props.objectLockEnabled === "Enabled");
    out.push({
      area: "recovery",
      check: "immutable-backups",
      subject: `Bucket ${b.name}`,
      pass: lock,
      detail: lock ? "S3 Object Lock: backups can't be deleted or overwritten within retention" : "no Object Lock: a compromised credential can delete every backup",
      fixKey: key("postgres.backup.objectLock"),
    });
  }
  return out;
}

function observability(inv: Inventory, cfg: StackConfig, input: ScorecardInput): Check[] {
  const out: Check[] = [];
  const mon = inv.monitoring;
  for (const w of inv.workloads) {
    if (w.object.annotations["platform.dev/observability"] === "exempt") continue;
    const c = coverage(w, inv.objects, mon);
    out.push({
      area: "observability",
      check: "scraped",
      subject: w.id,
      pass: c.targets.length > 0,
      detail: c.targets.length > 0 ? `scraped at ${[...new Set(c.targets.map((t) => `:${t.port}${t.path}`))].join(", ")}` : "no ServiceMonitor or PodMonitor selects it",
      fixHint: "the component must create a ServiceMonitor or PodMonitor with the platform.dev/monitoring label",
    });
    if (!mon.installed) continue; // alerts and dashboards come from the cluster's monitoring stack
    out.push({ area: "observability", check: "alerted", subject: w.id, pass: c.alerts.length > 0, detail: c.alerts.length > 0 ? `alerts: ${c.alerts.join(", ")}` : "no alert rule watches its series", fixHint: "add an alert on its series to alerts/" });
    out.push({ area: "observability", check: "dashboard", subject: w.id, pass: c.dashboards.length > 0, detail: c.dashboards.length > 0 ? `dashboards: ${c.dashboards.join(", ")}` : "no dashboard shows it", fixHint: "add a dashboard to dashboards/" });
  }
  const byRule = new Map<string, Set<string>>();
  for (const r of mon.alertRules) {
    const id = `PrometheusRule ${r.object.namespace}/${r.object.name}`;
    byRule.set(id, (byRule.get(id) ?? new Set()).add(r.name));
  }
  for (const [id, names] of byRule) {
    const untested = [...names].filter((n) => !input.testedAlerts.has(n)).sort();
    out.push({ area: "observability", check: "alerts-tested", subject: id, pass: untested.length === 0, detail: untested.length === 0 ? `all ${names.size} alerts have promtool unit tests` : `untested: ${untested.join(", ")}`, fixHint: "add promtool cases to alerts/*.cases.ts" });
  }
  if (cfg.policies.requireAlertReceivers || cfg.environment === "prod" || cfg.environment === "staging") {
    const paging = cfg.settings.alerting.pagerduty?.enabled === true && cfg.secrets.pagerdutyRoutingKey !== undefined;
    out.push({ area: "observability", check: "paging", subject: "stack", pass: paging, detail: paging ? "critical alerts page on-call (PagerDuty)" : "critical alerts page nobody", fixKey: key("alerting.pagerduty.enabled") });
    const heartbeat = cfg.settings.alerting.heartbeat?.enabled === true;
    out.push({ area: "observability", check: "dead-mans-switch", subject: "stack", pass: heartbeat, detail: heartbeat ? "Watchdog heartbeat to an external receiver" : "no heartbeat: a dead Prometheus or Alertmanager goes unnoticed", fixKey: key("alerting.heartbeat.enabled") });
  }
  return out;
}

function security(inv: Inventory, cfg: StackConfig): Check[] {
  const out: Check[] = [];
  const s = cfg.settings;
  for (const ns of inv.ofKind("Namespace")) {
    const level = ns.labels["pod-security.kubernetes.io/enforce"];
    if (ns.name !== cfg.namespace) continue;
    out.push({ area: "security", check: "pod-security-admission", subject: `Namespace ${ns.name}`, pass: level === "restricted", detail: `enforces ${level ?? "nothing"}`, fixKey: key("kubernetes.podSecurity") });
    const deny = inv.ofKind("NetworkPolicy").some((np) => np.namespace === ns.name && Object.keys(np.spec.podSelector ?? {}).length === 0 && ["Ingress", "Egress"].every((t) => (np.spec.policyTypes ?? []).includes(t)));
    out.push({ area: "security", check: "default-deny", subject: `Namespace ${ns.name}`, pass: deny, detail: deny ? "default-deny ingress and egress" : "no default-deny NetworkPolicy", fixHint: "the namespace component must create a default-deny NetworkPolicy" });
  }
  for (const w of inv.workloads) {
    const restricted = checkRestricted(w.object.resource);
    out.push({ area: "security", check: "restricted-pods", subject: w.id, pass: restricted.length === 0, detail: restricted.length === 0 ? (w.templateBy === "operator" ? `restricted (${w.operator?.source})` : "restricted") : restricted.map((v) => v.message.slice(w.id.length + 2)).join("; "), fixKey: restricted.length > 0 ? key("kubernetes.podSecurity") : undefined });
    const np = selecting(w, inv.objects, "NetworkPolicy", (o) => o.spec.podSelector).filter((x) => Object.keys(x.spec.podSelector ?? {}).length > 0);
    out.push({ area: "security", check: "network-policy", subject: w.id, pass: np.length > 0, detail: np.length > 0 ? `NetworkPolicy ${np.map((x) => x.name).join(", ")}` : "only the namespace default applies", fixHint: "the component must create a NetworkPolicy for its pods" });
    const images = [...w.pod.containers, ...w.pod.initContainers].map((c) => c.image).filter((x): x is string => !!x);
    const unpinned = images.filter((i) => !isPinnedImage(i));
    if (images.length > 0) out.push({ area: "security", check: "pinned-images", subject: w.id, pass: unpinned.length === 0, detail: unpinned.length === 0 ? `images pinned (${[...new Set(images)].join(", ")})` : `not pinned: ${unpinned.join(", ")}`, fixKey: unpinned.length > 0 ? imageKey(w, s) : undefined });
    const literals = checkSecretLiterals(w.object.resource);
    out.push({ area: "security", check: "secrets", subject: w.id, pass: literals.length === 0, detail: literals.length === 0 ? "secrets only through secretKeyRef" : literals.map((v) => v.message.slice(w.id.length + 2)).join("; "), fixHint: "move the value to a Secret (components/secrets) and reference it" });
  }
  for (const cm of inv.ofKind("ConfigMap")) {
    const literals = checkSecretLiterals(cm.resource);
    if (literals.length > 0) out.push({ area: "security", check: "secrets", subject: `ConfigMap ${cm.namespace}/${cm.name}`, pass: false, detail: literals.map((v) => v.message).join("; "), fixHint: "move the value to a Secret" });
  }
  for (const r of routes(inv)) {
    if (!r.public) continue;
    out.push({ area: "security", check: "tls", subject: r.id, pass: r.tls !== false, detail: r.tls === false ? `serves ${r.hosts.join(", ")} without TLS` : `TLS for ${r.hosts.join(", ") || "its hosts"}`, fixKey: key("ingress.tls") });
    const surfaces = adminSurfaces(r, inv);
    out.push({ area: "security", check: "no-public-admin", subject: r.id, pass: surfaces.length === 0, detail: surfaces.length === 0 ? "reaches no admin surface" : `publicly reaches ${surfaces.join("; ")}`, fixHint: "serve admin and metrics endpoints on an internal port or listener" });
  }
  for (const f of postgresBackups(inv)) {
    const hba = (f.cluster.spec.postgresql?.pg_hba ?? []) as string[];
    const tlsOnly = hba.some((l) => /^hostnossl\s+all\s+all\s+\S+\s+reject$/.test(l.trim()));
    out.push({ area: "security", check: "tls", subject: `Cluster ${f.cluster.namespace}/${f.cluster.name}`, pass: tlsOnly, detail: tlsOnly ? "PostgreSQL refuses connections without TLS" : "plain TCP connections accepted", fixHint: "add 'hostnossl all all all reject' to pg_hba" });
  }
  for (const b of bucketFacts(inv)) {
    const ok = b.encrypted && b.versioned && b.publicAccessBlocked && b.tlsOnly;
    const gaps = [b.encrypted ? "" : "unencrypted", b.versioned ? "" : "unversioned", b.publicAccessBlocked ? "" : "not private", b.tlsOnly ? "" : "accepts plain HTTP"].filter(Boolean);
    out.push({ area: "security", check: "bucket-hardening", subject: `Bucket ${b.name}`, pass: ok, detail: ok ? "encrypted, versioned, private, TLS-only" : gaps.join(", "), fixHint: "components/postgres/s3.ts creates these" });
  }
  return out;
}

export function scorecard(input: ScorecardInput): Scorecard {
  const inv = inventory(input.resources);
  const checks = [...availability(inv, input.cfg), ...recovery(inv, input.cfg, input), ...observability(inv, input.cfg, input), ...security(inv, input.cfg)];
  const areas = AREAS.map((area) => {
    const of = checks.filter((c) => c.area === area);
    const passed = of.filter((c) => c.pass).length;
    return { area, passed, total: of.length, score: of.length > 0 ? Math.round((100 * passed) / of.length) : undefined };
  });
  const scored = areas.filter((a) => a.score !== undefined);
  const total = scored.length > 0 ? Math.round(scored.reduce((n, a) => n + a.score!, 0) / scored.length) : 0;
  return { stack: input.cfg.stack, environment: input.cfg.environment, areas, total, checks, missing: checks.filter((c) => !c.pass) };
}
