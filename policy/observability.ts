/**
 * Is a workload scraped, alerted and on a dashboard? Answered from the render
 * alone, by Prometheus' own semantics:
 *
 * - scraped: a ServiceMonitor (through a Service selecting the pods) or a
 *   PodMonitor selects the workload's pods on a port they have, and the
 *   stack's Prometheus selects that monitor;
 * - its series: a scrape target gets `namespace`, `job`, `endpoint`,
 *   `container`, `pod` (and `service` through a ServiceMonitor) — labels read
 *   from prometheus-operator v0.93.0 `pkg/prometheus/promcfg.go` (job: the
 *   Service's name, or `<namespace>/<podmonitor>` for a PodMonitor, unless
 *   `jobLabel`); kube-state-metrics series of its pods (`kube_pod_*`) and of
 *   its controller (`kube_deployment_*{deployment=...}`, ...), cAdvisor's
 *   `container_*{namespace,pod,container}`;
 * - alerted: an alert rule selects its scrape target's series: `up` with
 *   matchers that accept the target's labels, or an application metric with a
 *   matcher that names the workload (job, service, pod, container) — a rule
 *   that filters an application metric only by namespace could be anyone's;
 * - on a dashboard: a dashboard query (variables set to "All") selects any of
 *   its series by the same rule.
 *
 * Recording rules are followed: a selector of a recorded metric stands for the
 * selectors of the rule that records it.
 */
import { accepts, selectorsOf, withAllVariables, type Selector } from "./promql";
import { describe, isHelmRelease, type KubeObject, type LabelSelector, selects, type StackResource } from "./resources";
import type { Workload } from "./workloads";

export interface ScrapeTarget {
  readonly monitor: KubeObject;
  readonly labels: Readonly<Record<string, string>>;
  readonly port: number;
  readonly path: string;
}

export interface Monitoring {
  /** The stack installs Prometheus (kube-prometheus-stack or a Prometheus object); otherwise the cluster's is used. */
  readonly installed: boolean;
  /** Which monitors/rules the stack's Prometheus loads; undefined: not known (the cluster's Prometheus). */
  readonly monitorSelector?: LabelSelector;
  readonly ruleSelector?: LabelSelector;
  readonly alertRules: readonly { name: string; expr: string; object: KubeObject }[];
  readonly recordingRules: ReadonlyMap<string, string[]>;
  readonly dashboards: readonly { name: string; queries: string[] }[];
}

const KPS_CHART = "kube-prometheus-stack";

function chartOf(r: StackResource): string {
  return String(r.props.chart ?? "").split("/").pop()!;
}

/** The Prometheus side of a stack: its selectors, alert and recording rules, and dashboards. */
export function monitoringOf(resources: readonly StackResource[], objects: readonly KubeObject[]): Monitoring {
  const kps = resources.find((r) => isHelmRelease(r) && chartOf(r) === KPS_CHART);
  const promSpec = kps?.props.values?.prometheus?.prometheusSpec as Record<string, any> | undefined;
  const promObj = objects.find((o) => o.kind === "Prometheus" && o.apiVersion.startsWith("monitoring.coreos.com/"));
  const spec = promSpec ?? promObj?.spec;
  const sel = (key: "serviceMonitorSelector" | "ruleSelector"): LabelSelector | undefined => {
    if (!spec) return undefined;
    const s = spec[key] as LabelSelector | undefined;
    const nilUsesHelm = promSpec ? promSpec[`${key}NilUsesHelmValues`] !== false : false;
    if (s && (Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions ?? []).length > 0)) return s;
    // kube-prometheus-stack: an empty selector selects the release's own label unless NilUsesHelmValues is false.
    return nilUsesHelm ? { matchLabels: { release: String(kps?.props.name ?? "") } } : {};
  };
  const ruleSelector = sel("ruleSelector");
  const alertRules: Monitoring["alertRules"][number][] = [];
  const recordingRules = new Map<string, string[]>();
  for (const o of objects) {
    if (o.kind !== "PrometheusRule") continue;
    if (ruleSelector && !selects(ruleSelector, o.labels)) continue;
    for (const g of (o.spec.groups ?? []) as { rules?: { alert?: string; record?: string; expr?: string }[] }[]) {
      for (const r of g.rules ?? []) {
        if (r.alert) alertRules.push({ name: r.alert, expr: String(r.expr ?? ""), object: o });
        else if (r.record) recordingRules.set(r.record, [...(recordingRules.get(r.record) ?? []), String(r.expr ?? "")]);
      }
    }
  }
  const dashboards: Monitoring["dashboards"][number][] = [];
  for (const o of objects) {
    if (o.kind !== "ConfigMap" || o.labels.grafana_dashboard === undefined) continue;
    for (const [key, json] of Object.entries((o.obj.data ?? {}) as Record<string, string>)) {
      if (!key.endsWith(".json")) continue;
      let model: any;
      try {
        model = JSON.parse(json);
      } catch {
        continue;
      }
      dashboards.push({ name: String(model.uid ?? key), queries: dashboardExprs(model) });
    }
  }
  return {
    installed: !!spec,
    monitorSelector: spec ? sel("serviceMonitorSelector") : undefined,
    ruleSelector,
    alertRules,
    recordingRules,
    dashboards,
  };
}

function dashboardExprs(model: any): string[] {
  const out: string[] = [];
  const walk = (panels: any[]) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) if (typeof t.expr === "string") out.push(t.expr);
      if (Array.isArray(p.panels)) walk(p.panels);
    }
  };
  walk(model.panels ?? []);
  return out;
}

function portOf(w: Workload, ref: string | number): { container: string; port: number; name?: string } | undefined {
  for (const c of w.pod.containers) {
    for (const p of c.ports ?? []) {
      if (p.name === ref || p.containerPort === Number(ref)) return { container: c.name, port: p.containerPort, name: p.name };
    }
  }
  return undefined;
}

function namespaceAllowed(m: KubeObject, ns: string): boolean {
  const sel = m.spec.namespaceSelector as { any?: boolean; matchNames?: string[] } | undefined;
  if (sel?.any) return true;
  if (sel?.matchNames && sel.matchNames.length > 0) return sel.matchNames.includes(ns);
  return m.namespace === ns;
}

/** The scrape targets Prometheus would make of a workload's pods. */
export function scrapeTargets(w: Workload, objects: readonly KubeObject[], mon: Monitoring): ScrapeTarget[] {
  const out: ScrapeTarget[] = [];
  const loaded = (m: KubeObject) => mon.monitorSelector === undefined || selects(mon.monitorSelector, m.labels);
  for (const pm of objects.filter((o) => o.kind === "PodMonitor" && loaded(o))) {
    if (!namespaceAllowed(pm, w.namespace) || !selects(pm.spec.selector, w.pod.labels)) continue;
    for (const ep of (pm.spec.podMetricsEndpoints ?? []) as { port?: string; portNumber?: number; path?: string }[]) {
      const p = portOf(w, ep.port ?? ep.portNumber ?? -1);
      if (!p) continue;
      const job = pm.spec.jobLabel ? (w.pod.labels[pm.spec.jobLabel] ?? `${pm.namespace}/${pm.name}`) : `${pm.namespace}/${pm.name}`;
      out.push({ monitor: pm, port: p.port, path: ep.path ?? "/metrics", labels: { namespace: w.namespace, pod: w.samplePod, container: p.container, endpoint: ep.port ?? String(p.port), job } });
    }
  }
  const services = objects.filter((o) => o.kind === "Service" && o.namespace === w.namespace && o.spec.selector && Object.keys(o.spec.selector).length > 0 && selects({ matchLabels: o.spec.selector }, w.pod.labels));
  for (const sm of objects.filter((o) => o.kind === "ServiceMonitor" && loaded(o))) {
    if (!namespaceAllowed(sm, w.namespace)) continue;
    for (const svc of services) {
      if (!selects(sm.spec.selector, svc.labels)) continue;
      for (const ep of (sm.spec.endpoints ?? []) as { port?: string; targetPort?: string | number; path?: string }[]) {
        const sp = ((svc.spec.ports ?? []) as { name?: string; port: number; targetPort?: string | number }[]).find((x) => x.name === ep.port);
        const p = sp ? portOf(w, sp.targetPort ?? sp.port) : ep.targetPort !== undefined ? portOf(w, ep.targetPort) : undefined;
        if (!p) continue;
        const job = sm.spec.jobLabel ? (svc.labels[sm.spec.jobLabel] ?? svc.name) : svc.name;
        out.push({ monitor: sm, port: p.port, path: ep.path ?? "/metrics", labels: { namespace: w.namespace, service: svc.name, pod: w.samplePod, container: p.container, endpoint: ep.port ?? String(p.port), job } });
      }
    }
  }
  return out;
}

type Family = { readonly kind: "target" | "app" | "infra"; readonly metric: (name: string) => boolean; readonly labels: Readonly<Record<string, string>>; readonly closed: boolean };

/** Metric names other exporters produce: never a workload's own application metrics. */
const FOREIGN = /^(kube_|kubelet_|node_|prometheus_|alertmanager_|ALERTS|certmanager_|apiserver_|etcd_|coredns_|scrape_|container_)|:/;

function families(w: Workload, targets: readonly ScrapeTarget[]): Family[] {
  const out: Family[] = [];
  for (const t of targets) {
    out.push({ kind: "target", metric: (n) => n === "up" || n.startsWith("scrape_"), labels: t.labels, closed: true });
    out.push({ kind: "app", metric: (n) => !FOREIGN.test(n) && n !== "up", labels: t.labels, closed: false });
  }
  const containers = w.pod.containers.map((c) => c.name);
  for (const c of containers.length > 0 ? containers : [""]) {
    out.push({ kind: "infra", metric: (n) => n.startsWith("kube_pod_") || n.startsWith("container_"), labels: { namespace: w.namespace, pod: w.samplePod, container: c }, closed: false });
  }
  const controller = w.templateBy === "stack" ? w.kind.toLowerCase() : w.kind === "Pooler" ? "deployment" : undefined;
  if (controller) out.push({ kind: "infra", metric: (n) => n.startsWith(`kube_${controller}_`), labels: { namespace: w.namespace, [controller]: w.name }, closed: false });
  return out;
}

const IDENTITY = ["job", "service", "pod", "container", "endpoint"];

function coversFamily(s: Selector, f: Family): boolean {
  if (!f.metric(s.metric)) return false;
  for (const m of s.matchers) {
    const known = Object.prototype.hasOwnProperty.call(f.labels, m.label);
    if (!known) {
      // A label the series may carry with any value (open families), or doesn't carry (up).
      if (f.closed && m.label !== "instance" && !accepts(m, "")) return false;
      continue;
    }
    if (!accepts(m, f.labels[m.label]!)) return false;
  }
  if (f.kind === "app") {
    // Only a matcher that could not match just anyone ties an application metric to this workload.
    return s.matchers.some((m) => IDENTITY.includes(m.label) && (m.op === "=" || m.op === "=~") && !accepts(m, "") && accepts(m, f.labels[m.label] ?? ""));
  }
  return true;
}

function expand(sel: Selector, mon: Monitoring, depth = 0): Selector[] {
  const recorded = mon.recordingRules.get(sel.metric);
  if (!recorded || depth > 3) return [sel];
  return recorded.flatMap((e) => selectorsOf(e).flatMap((s) => expand(s, mon, depth + 1)));
}

export interface Coverage {
  readonly targets: readonly ScrapeTarget[];
  /** Alert names that select the workload's own scrape series. */
  readonly alerts: readonly string[];
  /** Dashboard uids with a query that selects any of its series. */
  readonly dashboards: readonly string[];
}

export function coverage(w: Workload, objects: readonly KubeObject[], mon: Monitoring): Coverage {
  const targets = scrapeTargets(w, objects, mon);
  const fams = families(w, targets);
  const own = fams.filter((f) => f.kind !== "infra");
  const hit = (expr: string, fs: readonly Family[]) => {
    let sels: Selector[];
    try {
      sels = selectorsOf(expr).flatMap((s) => expand(s, mon));
    } catch {
      return false;
    }
    return sels.some((s) => fs.some((f) => coversFamily(s, f)));
  };
  const alerts = [...new Set(mon.alertRules.filter((r) => hit(r.expr, own)).map((r) => r.name))].sort();
  const dashboards = mon.dashboards.filter((d) => d.queries.some((q) => hit(withAllVariables(q), fams))).map((d) => d.name).sort();
  return { targets, alerts, dashboards };
}

/** `ServiceMonitor ns/name` for messages. */
export function monitorName(t: ScrapeTarget): string {
  return describe(t.monitor);
}
