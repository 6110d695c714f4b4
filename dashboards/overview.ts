/**
 * Platform overview (uid `platform-overview`): the first page on call opens.
 * Traffic, errors and p95 per service, pods ready, targets down, firing
 * alerts, and the age of PostgreSQL's last backup and archived WAL. Every platform
 * dashboard links to the others (the "Platform dashboards" menu).
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, finalize, labelVariable, q, row, statPanel, steps, stepsLowIsBad, timeseriesPanel } from "./common";
import type { ResolvedDashboardOptions } from "./options";
import { httpErrorRatio, httpQuantile, httpRate, m } from "./promql";

export const OVERVIEW_DASHBOARD_UID = "platform-overview";

const NS = 'namespace=~"$namespace"';
const APP = m(NS, 'uri!~"/actuator.*"');
const BACKUP = "barman_cloud_cloudnative_pg_io";

export function overviewDashboard(o: ResolvedDashboardOptions): Dashboard {
  const backupMax = o.backupMaxAgeSeconds;
  const b = dashboard({
    uid: OVERVIEW_DASHBOARD_UID,
    title: "Platform / Overview",
    description: "Traffic, errors, latency, pods, alerts and backups of the whole platform at a glance.",
    area: "overview",
  })
    .withVariable(labelVariable("namespace", "Namespace", "kube_namespace_status_phase"))

    .withRow(row("Health"))
    .withPanel(statPanel({
      title: "Critical alerts firing", description: "Alerts with severity=critical currently firing (they page).",
      unit: "short", span: 4, thresholds: steps(1),
      queries: [q('count(ALERTS{alertstate="firing", severity="critical"}) or vector(0)')],
    }))
    .withPanel(statPanel({
      title: "Warning alerts firing", description: "Alerts with severity=warning currently firing (they go to chat).",
      unit: "short", span: 4, thresholds: steps(1),
      queries: [q('count(ALERTS{alertstate="firing", severity="warning"}) or vector(0)')],
    }))
    .withPanel(statPanel({
      title: "Targets down", description: "Scrape targets in the namespaces that Prometheus can't reach.",
      unit: "short", span: 4, thresholds: steps(1),
      queries: [q(`count(up{${NS}} == 0) or vector(0)`)],
    }))
    .withPanel(statPanel({
      title: "Pods ready", description: "Share of pods in the namespaces whose Ready condition is true.",
      unit: "percentunit", span: 4, decimals: 1, thresholds: stepsLowIsBad(0.9, 1),
      queries: [q(`sum(kube_pod_status_ready{${m(NS, 'condition="true"')}}) / sum(kube_pod_status_ready{${NS}})`)],
    }))
    .withPanel(statPanel({
      title: "PostgreSQL last backup", description: `Age of the oldest "last successful base backup" among the clusters; red above ${backupMax / 3600} h.`,
      unit: "s", span: 4, thresholds: steps(backupMax, backupMax * 0.95),
      queries: [q(`max(time() - (${BACKUP}_last_available_backup_timestamp{${NS}} > 0))`)],
    }))
    .withPanel(statPanel({
      title: "PostgreSQL last archived WAL", description: `Age of the last WAL segment archived, worst cluster; red above ${o.walArchiveMaxAgeSeconds} s.`,
      unit: "s", span: 4, thresholds: steps(o.walArchiveMaxAgeSeconds, o.walArchiveMaxAgeSeconds / 2),
      queries: [q(`max(cnpg_pg_stat_archiver_seconds_since_last_archival{${NS}} >= 0)`)],
    }))

    .withRow(row("Services"))
    .withPanel(timeseriesPanel({
      title: "Request rate per service", description: "HTTP requests per second per service (actuator endpoints excluded).",
      unit: "reqps", span: 8, min: 0, queries: [q(httpRate(APP, ["service"]), "{{service}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "5xx ratio per service", description: `Share of requests answered 5xx; the critical alert fires above ${o.errorRatioCritical * 100}%.`,
      unit: "percentunit", span: 8, min: 0, thresholds: steps(o.errorRatioCritical),
      queries: [q(httpErrorRatio(APP, ["service"]), "{{service}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "p95 latency per service", description: `95th percentile of request duration; the warning alert fires above ${o.p95WarningSeconds} s.`,
      unit: "s", span: 8, min: 0, thresholds: steps(o.p95WarningSeconds),
      queries: [q(httpQuantile(0.95, APP, ["service"]), "{{service}}")],
    }))

    .withRow(row("Cluster"))
    .withPanel(timeseriesPanel({
      title: "Pods not ready per namespace", description: "Pods whose Ready condition is false.",
      unit: "short", span: 8, min: 0, thresholds: steps(1),
      queries: [q(`sum by (namespace) (kube_pod_status_ready{${m(NS, 'condition="false"')}})`, "{{namespace}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Firing alerts", description: "Firing alerts per name and severity (Watchdog excluded).",
      unit: "short", span: 8, min: 0,
      queries: [q('count by (alertname, severity) (ALERTS{alertstate="firing", alertname!="Watchdog"})', "{{severity}}: {{alertname}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "PostgreSQL backup age per namespace", description: "Age of the last successful base backup, per namespace.",
      unit: "s", span: 8, min: 0, thresholds: steps(backupMax),
      queries: [q(`min by (namespace) (time() - (${BACKUP}_last_available_backup_timestamp{${NS}} > 0))`, "{{namespace}}")],
    }));
  return finalize(b);
}
