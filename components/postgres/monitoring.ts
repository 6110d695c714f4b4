/**
 * Scraping and alerting of a PostgreSQL cluster: PodMonitors for the instances
 * (CloudNativePG exporter and Barman Cloud plugin metrics, port `metrics`) and the
 * PgBouncer pods, and the PostgreSQL alert rules of alerts/postgres.ts.
 */
import { postgresRuleGroups, type ExpectedScrape } from "../../alerts";
import type { AlertOptions } from "../../alerts/types";
import { componentAlertOptions, componentRuleSpec } from "../lib/component-rules";
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
export function postgresAlertOptions(m: PostgresClusterArgs["monitoring"], migrationOwners: readonly string[] = []): AlertOptions {
  // The owners of this cluster's split databases, exactly (no database has one: a matcher no role name can satisfy).
  const owners = migrationOwners.length > 0 ? `usename=~"${[...new Set(migrationOwners)].sort().join("|")}"` : 'usename=""';
  return { ...componentAlertOptions(m, "pg"), selectors: { "pg.migrationOwners": owners } };
}

/**
 * The jobs of the cluster's two PodMonitors (prometheus-operator names a PodMonitor's
 * job `<namespace>/<name>`): the PostgreSQL alerts and dashboard read them, so each
 * gets a ScrapeTargetsMissing alert.
 */
export function postgresScrapes(a: ResolvedPostgresClusterArgs): ExpectedScrape[] {
  return [
    { job: `${a.namespace}/${a.baseName}`, namespace: a.namespace, reads: "the PostgreSQL alerts (backups, WAL archiving, replication, connections, storage) and dashboard" },
    { job: `${a.namespace}/${a.pooler.name}`, namespace: a.namespace, reads: "the PgBouncer panels of the PostgreSQL dashboard" },
  ];
}

/**
 * PrometheusRule `spec` ({ groups }) of the PostgreSQL alerts and the presence alerts
 * of `scrapes`, each alert labelled with the owning team.
 */
export function prometheusRuleSpec(m: PostgresClusterArgs["monitoring"], scrapes: readonly ExpectedScrape[] = [], migrationOwners: readonly string[] = []): Obj {
  return componentRuleSpec(postgresRuleGroups(postgresAlertOptions(m, migrationOwners)), { group: "postgres.scrapes", scrapes }, m, m.team ?? "database");
}
