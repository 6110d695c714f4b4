/**
 * Scraping and alerting of a PostgreSQL cluster: PodMonitors for the instances
 * (CloudNativePG exporter and Barman Cloud plugin metrics, port `metrics`) and the
 * PgBouncer pods, and the PostgreSQL alert rules of alerts/postgres.ts.
 */
import { postgresRuleGroups, toRuleFileObject } from "../../alerts";
import { isAlertRule, type AlertOptions } from "../../alerts/types";
import type { PostgresClusterArgs, ResolvedPostgresClusterArgs } from "./args";
import { instanceSelector, poolerSelector } from "./spec";

type Obj = Record<string, unknown>;

export function instancePodMonitorSpec(a: ResolvedPostgresClusterArgs): Obj {
  return {
    selector: { matchLabels: instanceSelector(a.clusterName) },
    namespaceSelector: { matchNames: [a.namespace] },
    podMetricsEndpoints: [{ port: "metrics", interval: "30s", scrapeTimeout: "10s" }],
  };
}

export function poolerPodMonitorSpec(a: ResolvedPostgresClusterArgs): Obj {
  return {
    selector: { matchLabels: poolerSelector(a.pooler.name) },
    namespaceSelector: { matchNames: [a.namespace] },
    podMetricsEndpoints: [{ port: "metrics", interval: "30s", scrapeTimeout: "10s" }],
  };
}

/** Alert options for the PostgreSQL rules: only the `pg.*` overrides are passed on. */
export function postgresAlertOptions(m: PostgresClusterArgs["monitoring"]): AlertOptions {
  const only = <T>(r: Readonly<Record<string, T>> | undefined) => Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => k.startsWith("pg.")));
  return { runbookBaseUrl: m.runbookBaseUrl, thresholds: only(m.thresholds), durations: only(m.durations) };
}

/** PrometheusRule `spec` ({ groups }) of the PostgreSQL alerts, each alert labelled with the owning team. */
export function prometheusRuleSpec(m: PostgresClusterArgs["monitoring"]): Obj {
  const team = m.team ?? "database";
  const groups = postgresRuleGroups(postgresAlertOptions(m)).map((g) => ({
    ...g,
    rules: g.rules.map((r) => (isAlertRule(r) ? { ...r, labels: { ...r.labels, team } } : r)),
  }));
  return toRuleFileObject(groups);
}
