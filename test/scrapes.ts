/**
 * What a rendered stack would scrape, and what its rules and dashboards need
 * scraped, worked out the way Prometheus and prometheus-operator would:
 *
 * - targets: every ServiceMonitor / PodMonitor of the render, resolved against the
 *   Services and pods it selects (rendered ones, chart-installed Services from
 *   CHART_SERVICE_PORTS, pods CloudNativePG creates from cnpg-facts.ts) with the
 *   job label prometheus-operator gives them (v0.93.0 pkg/prometheus/promcfg.go:
 *   Service name or `jobLabel` for ServiceMonitors, `<namespace>/<name>` for
 *   PodMonitors); plus the scrapes kube-prometheus-stack configures itself
 *   (KPS_FACTS), those the cluster's control plane can't serve left out;
 * - dependencies: every series selector of every rendered rule, chart default
 *   alert group (KPS_FACTS) and dashboard query, mapped to the targets that
 *   produce it (a `job` matcher, or the metric's exporter in alerts/metrics-catalog.ts).
 */
import { OPERATOR_FACTS } from "../components/rabbitmq/facts";
import { KEYCLOAK_FACTS } from "../components/keycloak/facts";
import { METRICS } from "../alerts/metrics-catalog";
import { CHART_SERVICE_PORTS, enabledIn, KPS_FACTS, type ChartRuleGroup, type ControlPlane } from "../components/monitoring/chart-facts";
import { matchesLabelSelector } from "../components/monitoring/selectors";
import { CNPG_POD_PORTS, cnpgInstancePodLabels, cnpgPoolerPodLabels } from "../components/postgres/cnpg-facts";
import { ENVOY_GATEWAY_CONTROLLER, ENVOY_GATEWAY_NAMESPACE, ENVOY_METRICS_PORT, envoyDataPlaneLabels } from "../components/edge/versions";
import { EXPORTER_CONTAINER as REDIS_EXPORTER_CONTAINER } from "../components/redis/spec";
import { dashboardQueries, substituteGrafanaVariables } from "../dashboards/index";
import { renderedObjects, type RunResult } from "./harness";
import { matchesAll, seriesSelectors, type LabelMatcher } from "./promql-selectors";
import { redact } from "../render/write";

type Obj = Record<string, any>;

/** A scrape target as Prometheus labels it (the labels rules select on). */
export interface Target {
  readonly labels: Readonly<Record<string, string>>;
  /** The HTTP path scraped. */
  readonly path: string;
  /** What configures it, e.g. "ServiceMonitor platform-prod/core-api" or "kube-prometheus-stack kubelet". */
  readonly source: string;
  /** `honorLabels`: its series carry their own namespace/pod/container, so only job and metrics_path select it. */
  readonly honorLabels?: boolean;
}

export interface ScrapeReport {
  readonly targets: readonly Target[];
  /** Monitors of the render that would find no target, with why. */
  readonly empty: readonly string[];
}

interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Container name → port name → number. */
  readonly containers: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

interface Service {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selector?: Readonly<Record<string, string>>;
  /** Port name → target port (name or number). */
  readonly ports: Readonly<Record<string, string | number>>;
  readonly source: string;
}

function releases(run: RunResult): Obj[] {
  return run.recorder.byType("kubernetes:helm.sh/v3:Release").map((r) => redact(r.inputs) as Obj);
}

/** The kube-prometheus-stack release's values, or undefined when the stack doesn't install it. */
export function kpsValues(run: RunResult): Obj | undefined {
  const r = releases(run).find((x) => x.chart === KPS_FACTS.chart);
  if (!r) return undefined;
  if (r.version !== KPS_FACTS.version) throw new Error(`the render pins ${KPS_FACTS.chart} ${r.version}, but KPS_FACTS were read from ${KPS_FACTS.version}: re-read them`);
  return r.values as Obj;
}

/**
 * Pods of the render: Deployment templates, the instance and PgBouncer pods CloudNativePG creates,
 * and the Envoy pods Envoy Gateway v1.9.1 starts for each Gateway of an Envoy Gateway class
 * (labels and the `envoy` container's metrics port: components/edge/versions.ts).
 */
function pods(run: RunResult): Pod[] {
  const out: Pod[] = [];
  for (const d of [...renderedObjects(run, "Deployment"), ...renderedObjects(run, "StatefulSet")]) {
    const containers: Record<string, Record<string, number>> = {};
    for (const c of d.spec.template.spec.containers ?? []) containers[c.name] = Object.fromEntries((c.ports ?? []).filter((p: Obj) => p.name).map((p: Obj) => [p.name, p.containerPort]));
    out.push({ namespace: d.metadata.namespace, name: d.metadata.name, labels: d.spec.template.metadata.labels ?? {}, containers });
  }
  for (const c of renderedObjects(run, "Cluster")) {
    const inherited = c.spec.inheritedMetadata?.labels ?? {};
    out.push({
      namespace: c.metadata.namespace,
      name: `${c.metadata.name}-1`,
      labels: { ...inherited, ...cnpgInstancePodLabels(c.metadata.name) },
      containers: { [CNPG_POD_PORTS.instance.container]: CNPG_POD_PORTS.instance.ports },
    });
  }
  const envoyClasses = new Set(renderedObjects(run, "GatewayClass").filter((c) => c.spec.controllerName === ENVOY_GATEWAY_CONTROLLER).map((c) => c.metadata.name));
  for (const g of renderedObjects(run, "Gateway").filter((x) => envoyClasses.has(x.spec.gatewayClassName))) {
    out.push({
      namespace: ENVOY_GATEWAY_NAMESPACE,
      name: `envoy-${g.metadata.namespace}-${g.metadata.name}`,
      labels: envoyDataPlaneLabels({ name: g.metadata.name, namespace: g.metadata.namespace }),
      containers: { [ENVOY_METRICS_PORT.container]: { [ENVOY_METRICS_PORT.name]: ENVOY_METRICS_PORT.port } },
    });
  }
  // The broker pods the RabbitMQ cluster operator v2.22.3 starts for each RabbitmqCluster (components/rabbitmq/facts.ts).
  for (const c of renderedObjects(run, "RabbitmqCluster")) {
    const p = OPERATOR_FACTS.ports;
    out.push({
      namespace: c.metadata.namespace,
      name: `${OPERATOR_FACTS.statefulSet(c.metadata.name)}-0`,
      labels: OPERATOR_FACTS.podLabels(c.metadata.name),
      containers: { [OPERATOR_FACTS.container]: Object.fromEntries(Object.values(p).map((x) => [x.name, x.port])) },
    });
  }
  // The server pods the Keycloak operator 26.5.5 starts for each Keycloak CR (components/keycloak/facts.ts).
  for (const k of renderedObjects(run, "Keycloak")) {
    const p = KEYCLOAK_FACTS.ports;
    out.push({
      namespace: k.metadata.namespace,
      name: `${KEYCLOAK_FACTS.statefulSet(k.metadata.name)}-0`,
      labels: { ...(k.spec.unsupported?.podTemplate?.metadata?.labels ?? {}), ...KEYCLOAK_FACTS.podLabels(k.metadata.name) },
      containers: { [KEYCLOAK_FACTS.container]: { [p.https.name]: p.https.port, [p.management.name]: k.spec.httpManagement?.port ?? p.management.port } },
    });
  }
  for (const p of renderedObjects(run, "Pooler")) {
    out.push({
      namespace: p.metadata.namespace,
      name: `${p.metadata.name}-0`,
      labels: { ...(p.spec.template?.metadata?.labels ?? {}), ...cnpgPoolerPodLabels(p.metadata.name, p.spec.cluster.name) },
      containers: { [CNPG_POD_PORTS.pooler.container]: CNPG_POD_PORTS.pooler.ports },
    });
  }
  return out;
}

/** Services of the render, plus the chart-installed ones of CHART_SERVICE_PORTS whose chart the stack installs at the version read. */
function services(run: RunResult): Service[] {
  const out: Service[] = renderedObjects(run, "Service").map((s) => ({
    namespace: s.metadata.namespace,
    name: s.metadata.name,
    labels: s.metadata.labels ?? {},
    selector: s.spec.selector,
    ports: Object.fromEntries((s.spec.ports ?? []).filter((p: Obj) => p.name).map((p: Obj) => [p.name, p.targetPort ?? p.port])),
    source: `Service ${s.metadata.namespace}/${s.metadata.name}`,
  }));
  // Services the RabbitMQ cluster operator creates for each RabbitmqCluster (components/rabbitmq/facts.ts, v2.22.3).
  for (const c of renderedObjects(run, "RabbitmqCluster")) {
    const name = c.metadata.name as string;
    const p = OPERATOR_FACTS.ports;
    const tls = c.spec.tls !== undefined;
    const ports = Object.fromEntries((tls ? [p.amqps, p.managementTls, p.prometheusTls] : [p.amqp, p.management, p.prometheus]).map((x) => [x.name, x.port]));
    out.push({ namespace: c.metadata.namespace, name: OPERATOR_FACTS.clientService(name), labels: OPERATOR_FACTS.serviceLabels(name), selector: OPERATOR_FACTS.podSelector(name), ports, source: `cluster-operator Service ${OPERATOR_FACTS.clientService(name)}` });
  }
  // Service <name>-service the Keycloak operator 26.5.5 creates (KeycloakServiceDependentResource): https when TLS is set, management always.
  for (const k of renderedObjects(run, "Keycloak")) {
    const name = k.metadata.name as string;
    const p = KEYCLOAK_FACTS.ports;
    const ports: Record<string, number> = { [p.management.name]: k.spec.httpManagement?.port ?? p.management.port };
    if (k.spec.http?.tlsSecret) ports[p.https.name] = p.https.port;
    if (!k.spec.http?.tlsSecret || k.spec.http?.httpEnabled) ports[p.http.name] = p.http.port;
    out.push({ namespace: k.metadata.namespace, name: KEYCLOAK_FACTS.service(name), labels: KEYCLOAK_FACTS.podLabels(name), selector: KEYCLOAK_FACTS.podLabels(name), ports, source: `Keycloak operator Service ${KEYCLOAK_FACTS.service(name)}` });
  }
  for (const f of Object.values(CHART_SERVICE_PORTS)) {
    const rel = releases(run).find((r) => r.chart === f.chart);
    if (!rel) continue;
    if (rel.version !== f.version) throw new Error(`the render pins ${f.chart} ${rel.version}, but CHART_SERVICE_PORTS read ${f.service} from ${f.version}: re-read ${f.source}`);
    out.push({ namespace: rel.namespace, name: f.service, labels: f.labels, ports: { [f.port]: f.portNumber }, source: `${f.chart} ${f.version} Service ${f.service}` });
  }
  return out;
}

function namespacesOf(monitor: Obj): { any: boolean; names: string[] } {
  const sel = monitor.spec.namespaceSelector ?? {};
  return { any: sel.any === true, names: sel.matchNames ?? [monitor.metadata.namespace] };
}

/** Every target the stack's monitors and its kube-prometheus-stack release would scrape. */
export function scrapeTargets(run: RunResult, controlPlane: ControlPlane): ScrapeReport {
  const targets: Target[] = [];
  const empty: string[] = [];
  const allPods = pods(run);
  const allServices = services(run);

  for (const m of renderedObjects(run, "ServiceMonitor")) {
    const ns = namespacesOf(m);
    const id = `ServiceMonitor ${m.metadata.namespace}/${m.metadata.name}`;
    const selected = allServices.filter((s) => (ns.any || ns.names.includes(s.namespace)) && matchesLabelSelector(m.spec.selector, s.labels));
    if (selected.length === 0) empty.push(`${id}: selects no Service`);
    for (const ep of m.spec.endpoints ?? []) {
      const withPort = selected.filter((s) => ep.port in s.ports);
      if (withPort.length === 0 && selected.length > 0) empty.push(`${id}: port "${ep.port}" is on none of ${selected.map((s) => s.source).join(", ")} (ports: ${selected.flatMap((s) => Object.keys(s.ports)).join(", ")})`);
      for (const s of withPort) {
        const job = (m.spec.jobLabel && s.labels[m.spec.jobLabel]) || s.name;
        const targetPort = s.ports[ep.port];
        const backing = s.selector ? allPods.filter((p) => p.namespace === s.namespace && Object.entries(s.selector!).every(([k, v]) => p.labels[k] === v)) : [];
        const container = backing.flatMap((p) => Object.entries(p.containers).filter(([, ports]) => (typeof targetPort === "string" ? targetPort in ports : Object.values(ports).includes(targetPort as number))).map(([c]) => c))[0];
        if (s.selector && backing.length === 0) {
          empty.push(`${id}: Service ${s.namespace}/${s.name} selects no pod`);
          continue;
        }
        targets.push({ labels: { job, namespace: s.namespace, service: s.name, endpoint: ep.port, ...(container ? { container } : {}) }, path: ep.path ?? "/metrics", source: id });
      }
    }
  }

  for (const m of renderedObjects(run, "PodMonitor")) {
    const ns = namespacesOf(m);
    const id = `PodMonitor ${m.metadata.namespace}/${m.metadata.name}`;
    const selected = allPods.filter((p) => (ns.any || ns.names.includes(p.namespace)) && matchesLabelSelector(m.spec.selector, p.labels));
    if (selected.length === 0) empty.push(`${id}: selects no pod`);
    for (const ep of m.spec.podMetricsEndpoints ?? []) {
      for (const p of selected) {
        const container = Object.entries(p.containers).find(([, ports]) => ep.port in ports)?.[0];
        if (!container) {
          empty.push(`${id}: port "${ep.port}" is on no container of pod ${p.namespace}/${p.name}`);
          continue;
        }
        const job = (m.spec.jobLabel && p.labels[m.spec.jobLabel]) || `${m.metadata.namespace}/${m.metadata.name}`;
        targets.push({ labels: { job, namespace: p.namespace, pod: p.name, container, endpoint: ep.port }, path: ep.path ?? "/metrics", source: id });
      }
    }
  }

  const values = kpsValues(run);
  if (values) {
    const release = releases(run).find((x) => x.chart === KPS_FACTS.chart)!;
    for (const s of KPS_FACTS.scrapes) {
      if (!enabledIn(values, s.enabledBy)) continue;
      if (s.reachableOn && !s.reachableOn.includes(controlPlane)) continue;
      for (const path of s.metricsPaths ?? ["/metrics"]) {
        targets.push({
          labels: { job: s.job, namespace: s.namespace ?? release.namespace, ...(s.metricsPaths ? { metrics_path: path } : {}) },
          path,
          source: `${KPS_FACTS.chart} ${KPS_FACTS.version} ${s.job}`,
          honorLabels: s.honorLabels,
        });
      }
    }
  }
  return { targets, empty };
}

/** Labels rules can select a target by; other matchers (le, status, ...) are about samples, not targets. */
const TARGET_LABELS = new Set(["job", "namespace", "pod", "container", "service", "endpoint", "metrics_path"]);

/** Which targets produce each exporter's metrics, by the exporter's name in alerts/metrics-catalog.ts. */
const EXPORTERS: readonly { readonly exporter: RegExp; readonly produces: (t: Target) => boolean }[] = [
  { exporter: /^Prometheus$/, produces: (t) => t.labels.job === "kube-prometheus-stack-prometheus" },
  // Spring Boot's Actuator, and Keycloak's management port (Micrometer too: http_server_requests_seconds_*).
  { exporter: /^Micrometer /, produces: (t) => t.path === "/actuator/prometheus" || (t.labels.container === KEYCLOAK_FACTS.container && t.labels.endpoint === KEYCLOAK_FACTS.ports.management.name) },
  // components/keycloak: the servers' management port, through Service <name>-service (created by the Keycloak operator).
  { exporter: /^Keycloak server/, produces: (t) => t.labels.container === KEYCLOAK_FACTS.container && t.labels.endpoint === KEYCLOAK_FACTS.ports.management.name },
  { exporter: /^kube-state-metrics$/, produces: (t) => t.labels.job === "kube-state-metrics" },
  { exporter: /^cAdvisor /, produces: (t) => t.labels.job === "kubelet" && t.labels.metrics_path === "/metrics/cadvisor" },
  { exporter: /^kubelet$/, produces: (t) => t.labels.job === "kubelet" && t.labels.metrics_path === "/metrics" },
  { exporter: /^cert-manager controller$/, produces: (t) => t.labels.service === CHART_SERVICE_PORTS.certManagerController.service && t.labels.endpoint === CHART_SERVICE_PORTS.certManagerController.port },
  { exporter: /^(CloudNativePG instance manager|Barman Cloud plugin)/, produces: (t) => t.labels.container === CNPG_POD_PORTS.instance.container && t.labels.endpoint === "metrics" },
  { exporter: /^CloudNativePG Pooler PgBouncer exporter/, produces: (t) => t.labels.container === CNPG_POD_PORTS.pooler.container && t.labels.endpoint === "metrics" },
  // components/redis: the redis_exporter sidecar of the data pods and of the Sentinel pods, scraped through their headless Services.
  { exporter: /^redis_exporter sidecar .* data pod$/, produces: (t) => t.labels.container === REDIS_EXPORTER_CONTAINER && !t.labels.service?.endsWith("-sentinel-headless") },
  { exporter: /^redis_exporter sidecar .* Sentinel pod$/, produces: (t) => t.labels.container === REDIS_EXPORTER_CONTAINER && t.labels.service?.endsWith("-sentinel-headless") === true },
  // components/rabbitmq: the broker's rabbitmq_prometheus, through Service <name> (created by the cluster operator).
  { exporter: /^rabbitmq_prometheus plugin/, produces: (t) => t.labels.container === "rabbitmq" },
];

/** One thing a rule or dashboard needs scraped, and the targets that provide it (empty: nothing does). */
export interface Dependency {
  /** e.g. "PrometheusRule platform-prod/app-db-alerts PostgresInstanceDown" */
  readonly of: string;
  /** The selector or chart job it came from. */
  readonly needs: string;
  readonly providers: readonly Target[];
}

const printMatchers = (m: readonly LabelMatcher[]) => m.map((x) => `${x.name}${x.op}${JSON.stringify(x.value)}`).join(", ");

/** The dependencies of one PromQL expression. Throws on a metric no exporter in the catalogue produces. */
export async function exprDependencies(of: string, expr: string, targets: readonly Target[], recorded: ReadonlySet<string>): Promise<Dependency[]> {
  const out: Dependency[] = [];
  for (const s of await seriesSelectors(expr)) {
    const metric = s.metric;
    if (metric === undefined || metric === "ALERTS" || metric === "ALERTS_FOR_STATE" || recorded.has(metric)) continue;
    const targetMatchers = s.matchers.filter((m) => TARGET_LABELS.has(m.name));
    // `up` without a job matcher (TargetDown, "any application target") is about whatever is
    // scraped, not about one job: it depends on none.
    if (metric === "up" && !targetMatchers.some((m) => m.name === "job" && (m.op === "=" || m.op === "=~"))) continue;
    let producers: (t: Target) => boolean = () => true;
    if (metric !== "up") {
      const info = METRICS[metric];
      if (!info) throw new Error(`${of}: metric ${metric} is not in alerts/metrics-catalog.ts`);
      if (info.exporter === "recording rule") continue;
      const e = EXPORTERS.find((x) => x.exporter.test(info.exporter));
      if (!e) throw new Error(`${of}: exporter "${info.exporter}" of ${metric} has no entry in test/scrapes.ts EXPORTERS (which targets produce it?)`);
      producers = e.produces;
    }
    // `up` carries only target labels; other series keep their own namespace/pod/container under honorLabels.
    const selects = (t: Target) => matchesAll(metric !== "up" && t.honorLabels ? targetMatchers.filter((m) => m.name === "job" || m.name === "metrics_path") : targetMatchers, t.labels);
    out.push({ of, needs: `${metric}{${printMatchers(targetMatchers)}}`, providers: targets.filter((t) => producers(t) && selects(t)) });
  }
  return out;
}

/** Every alerting and recording rule of the render's PrometheusRules. */
export function renderedRules(run: RunResult): { of: string; alert?: string; record?: string; expr: string }[] {
  return renderedObjects(run, "PrometheusRule").flatMap((r) =>
    r.spec.groups.flatMap((g: Obj) => g.rules.map((x: Obj) => ({ of: `PrometheusRule ${r.metadata.namespace}/${r.metadata.name} ${x.alert ?? x.record}`, alert: x.alert, record: x.record, expr: String(x.expr) }))),
  );
}

/** The chart's default alert groups the stack's values turn on. */
export function chartRuleGroups(run: RunResult): ChartRuleGroup[] {
  const values = kpsValues(run);
  return values ? KPS_FACTS.ruleGroups.filter((g) => enabledIn(values, g.enabledBy)) : [];
}

/** Everything the stack's rules (its own and the chart's) and dashboards need scraped. */
export async function stackDependencies(run: RunResult, targets: readonly Target[]): Promise<{ rules: Dependency[]; chart: Dependency[]; dashboards: Dependency[] }> {
  const rules = renderedRules(run);
  const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
  const ruleDeps: Dependency[] = [];
  for (const r of rules) ruleDeps.push(...(await exprDependencies(r.of, r.expr, targets, recorded)));

  const chart: Dependency[] = [];
  for (const g of chartRuleGroups(run)) {
    for (const job of g.jobs) {
      const re = /^\/(.*)\/$/.exec(job);
      const providers = targets.filter((t) => (re ? new RegExp(`^(?:${re[1]})$`).test(t.labels.job!) : t.labels.job === job));
      chart.push({ of: `${KPS_FACTS.chart} ${KPS_FACTS.version} defaultRules.rules.${g.key} (${g.alerts.join(", ")})`, needs: `job ${job}`, providers });
    }
  }

  const dashboards: Dependency[] = [];
  for (const cm of renderedObjects(run, "ConfigMap").filter((c) => c.metadata.labels?.grafana_dashboard === "1")) {
    for (const json of Object.values(cm.data as Record<string, string>)) {
      for (const q of dashboardQueries(json)) {
        const vars = Object.fromEntries([...q.expr.matchAll(/\$\{?(\w+)|\[\[(\w+)\]\]/g)].map((m) => m[1] ?? m[2]!).filter((n) => !n.startsWith("__")).map((n) => [n, ".*"]));
        dashboards.push(...(await exprDependencies(`dashboard ${q.dashboard} "${q.source}"`, substituteGrafanaVariables(q.expr, vars), targets, recorded)));
      }
    }
  }
  return { rules: ruleDeps, chart, dashboards };
}

/**
 * Whether some alert would fire when `target`'s job has no target at all: a rendered
 * rule with `absent(up{...})` whose matchers select the target's labels, or a chart
 * alert the values turn on that watches the job (KPS_FACTS absentAlerts).
 */
export async function absentAlertFor(run: RunResult, target: Target): Promise<string | undefined> {
  for (const r of renderedRules(run).filter((x) => x.alert)) {
    for (const s of await seriesSelectors(r.expr)) {
      if (s.inAbsent && s.metric === "up" && s.matchers.some((m) => m.name === "job") && matchesAll(s.matchers, target.labels)) return r.of;
    }
  }
  for (const g of chartRuleGroups(run)) {
    const alert = g.absentAlerts?.[target.labels.job!];
    if (alert) return `${KPS_FACTS.chart} ${KPS_FACTS.version} ${alert}`;
  }
  return undefined;
}
