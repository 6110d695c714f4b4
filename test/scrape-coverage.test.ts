/**
 * What a real Prometheus would scrape for each rendered stack, against what its
 * alerts (the platform's and the chart's defaults as the values select them) and
 * dashboards read (see scrapes.ts):
 *
 * - every ServiceMonitor / PodMonitor finds a Service or pod with the port it names
 *   (chart-installed Services: CHART_SERVICE_PORTS, read from the pinned chart);
 * - every job a rule or dashboard reads is produced by a scrape the same stack
 *   configures and its cluster can serve;
 * - every such job has an absent(up{job=...})-style alert, so a scrape that silently
 *   finds nothing pages instead of blinding the alerts that read it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CHART_SERVICE_PORTS, PINNED_CHART_VERSIONS, type ControlPlane } from "../components/monitoring/chart-facts";
import { ResourceRecorder } from "../render/mocks";
import { PROFILES } from "../stacks/environments";
import { renderStack, type RunResult } from "./harness";
import { absentAlertFor, exprDependencies, scrapeTargets, stackDependencies, type Dependency, type Target } from "./scrapes";

/**
 * The clusters the stacks run on (README, "Stacks"): a laptop cluster (kind, k3d)
 * for local and previews, EKS for dev, staging and prod. Neither lets Prometheus
 * scrape kube-controller-manager, kube-scheduler, etcd or kube-proxy: EKS doesn't
 * expose them (its kube-proxy add-on binds metrics to 127.0.0.1:10249), kind and k3d
 * bind them to localhost (kubeadm and k3s defaults).
 */
const CLUSTERS: Readonly<Record<string, { readonly env: keyof typeof PROFILES; readonly controlPlane: ControlPlane; readonly monitoredBy?: string }>> = {
  local: { env: "local", controlPlane: "managed" },
  dev: { env: "dev", controlPlane: "managed" },
  staging: { env: "staging", controlPlane: "managed" },
  prod: { env: "prod", controlPlane: "managed" },
  // Previews run in the dev cluster and use its monitoring (the dev stack installs it).
  "pr-42": { env: "preview", controlPlane: "managed", monitoredBy: "dev" },
};
const STACKS = Object.keys(CLUSTERS);

const dashboardDeps = new Map<string, readonly Dependency[]>();
const unproduced = (deps: readonly Dependency[]) => deps.filter((d) => d.providers.length === 0).map((d) => `${d.of}: nothing scrapes ${d.needs}`);

describe.each(STACKS)("scrapes of the %s render", (stack) => {
  let run: RunResult;
  let targets: readonly Target[];
  let deps: Awaited<ReturnType<typeof stackDependencies>>;
  let emptyMonitors: readonly string[] = [];
  /** The run whose rules watch a target: the cluster's monitoring stack for the chart's own scrapes. */
  let watchedBy: (t: Target) => RunResult;
  beforeAll(async () => {
    const c = CLUSTERS[stack]!;
    run = await renderStack(stack);
    const report = scrapeTargets(run, c.controlPlane);
    const monitoring = c.monitoredBy ? await renderStack(c.monitoredBy) : undefined;
    const clusterTargets = monitoring ? scrapeTargets(monitoring, c.controlPlane).targets.filter((t) => t.source.startsWith("kube-prometheus-stack ")) : [];
    targets = [...report.targets, ...clusterTargets];
    watchedBy = (t) => (clusterTargets.includes(t) ? monitoring! : run);
    deps = await stackDependencies(run, targets);
    emptyMonitors = report.empty;
  }, 120_000);

  it("every ServiceMonitor and PodMonitor finds its Service or pods and the port it names", () => {
    expect(emptyMonitors).toEqual([]);
    expect(targets.length).toBeGreaterThan(2);
  });

  it("the environment table declares the cluster's control plane", () => {
    expect(PROFILES[CLUSTERS[stack]!.env].controlPlane).toBe(CLUSTERS[stack]!.controlPlane);
  });

  it("every job an alert rule reads (the chart's default rules included) is produced by a scrape this stack configures", () => {
    expect([...unproduced(deps.rules), ...unproduced(deps.chart)]).toEqual([]);
    expect(deps.rules.length).toBeGreaterThan(10);
    if (stack !== "pr-42") expect(deps.chart.length).toBeGreaterThan(10);
  });

  it("collects what the dashboards read", () => {
    if (stack !== "pr-42") expect(deps.dashboards.length).toBeGreaterThan(30);
    dashboardDeps.set(stack, deps.dashboards);
  });

  it("every job an alert or dashboard reads has an absent(up{job=...})-style alert", async () => {
    const needed = new Map<string, Target>();
    for (const d of [...deps.rules, ...deps.chart, ...deps.dashboards]) {
      for (const t of d.providers) needed.set(`${t.labels.job} in ${t.labels.namespace}`, t);
    }
    const missing: string[] = [];
    for (const [job, t] of [...needed].sort(([a], [b]) => a.localeCompare(b))) {
      if ((await absentAlertFor(watchedBy(t), t)) === undefined) missing.push(`job ${job} (${t.source})`);
    }
    expect(missing).toEqual([]);
    expect(needed.size).toBeGreaterThan(stack === "pr-42" ? 1 : 5);
  });
});

describe("dashboards", () => {
  // The same dashboards go to every stack's Grafana, some with panels for a shape only some
  // stacks have (Redis Sentinel in staging and prod): each query must be served by some stack.
  it("every query reads what a scrape of some stack produces", () => {
    expect([...dashboardDeps.keys()].sort()).toEqual([...STACKS].sort());
    const served = new Set<string>();
    const all = new Map<string, Dependency>();
    for (const deps of dashboardDeps.values()) {
      for (const d of deps) {
        const id = `${d.of}: ${d.needs}`;
        all.set(id, d);
        if (d.providers.length > 0) served.add(id);
      }
    }
    expect([...all.keys()].filter((id) => !served.has(id)).map((id) => `${id}: nothing scrapes it in any stack`)).toEqual([]);
    expect(all.size).toBeGreaterThan(30);
  });
});

describe("chart-installed Services the monitors point at", () => {
  it("are recorded with the chart version the stacks pin", () => {
    for (const f of Object.values(CHART_SERVICE_PORTS)) expect(`${f.chart} ${f.version}`).toBe(`${f.chart} ${PINNED_CHART_VERSIONS[f.chart]}`);
  });

  it("the cert-manager ServiceMonitor names the port cert-manager's chart gives its metrics Service", async () => {
    const run = await renderStack("prod");
    const sm = run.recorder.kind("ServiceMonitor").find((r) => (r.inputs.metadata as { name: string }).name === "cert-manager")!;
    const endpoints = (sm.inputs.spec as { endpoints: { port: string }[] }).endpoints;
    expect(endpoints.map((e) => e.port)).toEqual([CHART_SERVICE_PORTS.certManagerController.port]);
  }, 60_000);
});

describe("the scrape analysis can fail", () => {
  function fakeRun(objects: Record<string, unknown>[]): RunResult {
    const recorder = new ResourceRecorder();
    objects.forEach((inputs, seq) => recorder.resources.push({ urn: `urn:${seq}`, type: `kubernetes:x/v1:${String(inputs.kind)}`, name: `r${seq}`, custom: true, inputs, parent: "", dependencies: [], seq }));
    return { stack: "fake", recorder, outputs: {} };
  }
  const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "ns" }, spec: { template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", ports: [{ name: "http", containerPort: 8080 }] }] } } } };
  const service = { apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "ns", labels: { app: "api" } }, spec: { selector: { app: "api" }, ports: [{ name: "http", port: 80, targetPort: "http" }] } };
  const monitor = (port: string) => ({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "api", namespace: "ns" }, spec: { selector: { matchLabels: { app: "api" } }, endpoints: [{ port, path: "/actuator/prometheus" }] } });

  it("reports a ServiceMonitor whose port the Service doesn't have, and produces nothing for it", () => {
    const bad = scrapeTargets(fakeRun([deployment, service, monitor("metrics")]), "managed");
    expect(bad.empty).toEqual([expect.stringMatching(/ServiceMonitor ns\/api: port "metrics" is on none of Service ns\/api/)]);
    expect(bad.targets).toEqual([]);
    const good = scrapeTargets(fakeRun([deployment, service, monitor("http")]), "managed");
    expect(good.empty).toEqual([]);
    expect(good.targets.map((t) => t.labels)).toEqual([{ job: "api", namespace: "ns", service: "api", endpoint: "http", container: "api" }]);
  });

  it("maps a metric to the targets of its exporter, and a job matcher to that job", async () => {
    const targets = scrapeTargets(fakeRun([deployment, service, monitor("http")]), "managed").targets;
    const [micrometer] = await exprDependencies("t", "rate(http_server_requests_seconds_count[5m])", targets, new Set());
    expect(micrometer!.providers).toHaveLength(1);
    const [ksm] = await exprDependencies("t", "kube_pod_status_ready == 0", targets, new Set());
    expect(ksm!.providers).toEqual([]);
    const [up] = await exprDependencies("t", 'up{job="nope"} == 0', targets, new Set());
    expect(up!.providers).toEqual([]);
    await expect(exprDependencies("t", "made_up_metric_total > 0", targets, new Set())).rejects.toThrow(/made_up_metric_total is not in alerts\/metrics-catalog.ts/);
  });
});
