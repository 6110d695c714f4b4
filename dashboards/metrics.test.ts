/**
 * Every metric a dashboard reads is in the platform's metrics catalogue
 * (alerts/metrics-catalog.ts), with the exporter that produces it: a panel
 * can't silently depend on a metric nobody exports.
 */
import { describe, expect, it } from "vitest";
import { METRICS, metricNamesInExpr } from "../alerts/metrics-catalog";
import { dashboardQueries, platformDashboards, postgresDashboards, rabbitmqDashboards, keycloakDashboards, redisDashboards, substituteGrafanaVariables } from "./index";

const dashboards = [...platformDashboards(), ...postgresDashboards(), ...redisDashboards(), ...rabbitmqDashboards(), ...keycloakDashboards()];
const VALUES = { namespace: "platform", service: "core-api", uri: ".*", tenant: ".*", pod: ".*", workload: "core-api", cluster: "pg-main", redis: "redis-headless", sentinel: "redis-sentinel-headless", vhost: "core-api", realm: "platform" };

function metricsOf(uid: string): Map<string, string[]> {
  const d = dashboards.find((x) => x.uid === uid)!;
  const used = new Map<string, string[]>();
  for (const query of dashboardQueries(d.json)) {
    for (const name of metricNamesInExpr(substituteGrafanaVariables(query.expr, VALUES))) {
      used.set(name, [...(used.get(name) ?? []), query.source]);
    }
  }
  return used;
}

describe("metrics catalogue covers the dashboards", () => {
  for (const d of dashboards) {
    it(`${d.uid}: every metric it queries is catalogued`, () => {
      const used = metricsOf(d.uid);
      expect(used.size).toBeGreaterThan(3);
      const missing = [...used.entries()].filter(([name]) => !(name in METRICS)).map(([name, panels]) => `${name} (${[...new Set(panels)].join("; ")})`);
      expect(missing).toEqual([]);
    });
  }

  it("finds the metrics of a panel, not its functions, labels or variables", () => {
    const used = [...metricsOf("platform-kubernetes").keys()];
    expect(used).toContain("kube_horizontalpodautoscaler_info");
    expect(used).toContain("container_cpu_usage_seconds_total");
    for (const notMetric of ["sum", "rate", "namespace", "pod", "scaletargetref_name", "vector", "__rate_interval"]) expect(used).not.toContain(notMetric);
  });

  it("would report a metric that is not catalogued", () => {
    expect("jvm_made_up_metric_total" in METRICS).toBe(false);
    expect(metricNamesInExpr('sum(rate(jvm_made_up_metric_total{namespace="x"}[5m]))')).toEqual(["jvm_made_up_metric_total"]);
  });
});
