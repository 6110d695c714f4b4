/**
 * PostgreSQL alerts for CloudNativePG clusters: metrics of the instance
 * manager's exporter (port 9187, `cnpg_*`), of the Barman Cloud plugin
 * (`barman_cloud_cloudnative_pg_io_*`, same endpoint) and of the kubelet.
 *
 * Backup metrics are per cluster: the cluster name is derived from the pod
 * name (`<cluster>-<n>`), so no relabelling is required in the PodMonitor.
 */
import { alertRule, durationSeconds, num, resolveDomain, sel, type DomainSpec } from "./options";
import type { AlertOptions, RuleGroup } from "./types";

/** Thresholds, durations and selectors of the PostgreSQL alerts, with their defaults. */
export const POSTGRES_SPEC = {
  prefix: "pg",
  runbook: "postgres",
  thresholds: {
    "pg.connectionsRatio": {
      default: 0.9,
      min: 0,
      max: 1,
      exclusiveMin: true,
      description: "backends / max_connections (0.9 = 90%): connection pool exhaustion ahead",
    },
    "pg.replicationLagSeconds": {
      default: 30,
      min: 0,
      exclusiveMin: true,
      description: "replay lag of a standby in seconds",
    },
    "pg.storageRatio": {
      default: 0.8,
      min: 0,
      max: 1,
      exclusiveMin: true,
      description: "used / capacity of an instance's data or WAL volume (0.8 = 80%)",
    },
    "pg.deadlocks": {
      default: 0,
      min: 0,
      description: "deadlocks per database tolerated within pg.deadlocks.window",
    },
  },
  durations: {
    "pg.backup.maxAge": { default: "26h", description: "age of the newest successful base backup that pages" },
    "pg.backupFailed.for": { default: "1m", allowZero: true, description: "how long the newest backup attempt must have failed" },
    "pg.walArchiving.for": { default: "5m", allowZero: true, description: "how long WAL archiving must keep failing" },
    "pg.walArchive.maxAge": { default: "5m", description: "age of the last archived WAL, with segments waiting, that breaches the RPO" },
    "pg.walArchiveStale.for": { default: "1m", allowZero: true, description: "how long the RPO breach must hold" },
    "pg.replicationLag.for": { default: "5m", allowZero: true, description: "how long replication lag must stay high" },
    "pg.connections.for": { default: "5m", allowZero: true, description: "how long connections must stay near max_connections" },
    "pg.storage.for": { default: "5m", allowZero: true, description: "how long a volume must stay above the threshold" },
    "pg.deadlocks.window": { default: "5m", description: "window in which deadlocks are counted" },
    "pg.ownerConnected.for": {
      default: "30m",
      allowZero: true,
      description: "how long a migration-only owner role may hold sessions before it looks like an app serving as the owner (migrations end; a connection pool stays)",
    },
    "pg.instanceDown.for": { default: "2m", allowZero: true, description: "how long an instance must be down before paging" },
  },
  selectors: {
    "pg.migrationOwners": {
      default: 'usename=~".+_(owner|migrate)"',
      description:
        "the `cnpg_backends_total` series of owner roles that only migrations may use (databases with a runtime role); the PostgresCluster component sets it to its owners",
    },
    "pg.targets": {
      default: 'container="postgres"',
      description: "the `up` series of the CloudNativePG instance pods' metrics endpoints",
    },
  },
} as const satisfies DomainSpec<string, string, string>;

/** `<cluster>` from `pod="<cluster>-<n>"`, as a `cluster` label. */
function withCluster(expr: string): string {
  return `label_replace(${expr}, "cluster", "$1", "pod", "(.+)-[0-9]+")`;
}

const LAST_BACKUP = "barman_cloud_cloudnative_pg_io_last_available_backup_timestamp";
const LAST_FAILED = "barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp";

/** Alert rules for CloudNativePG clusters: backups, WAL archiving (RPO), replication, capacity, health. */
export function postgresAlertGroups(opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(POSTGRES_SPEC, opts);
  const t = r.thresholds;
  const d = r.durations;
  const maxAge = d["pg.backup.maxAge"];
  const maxAgeS = durationSeconds(maxAge);
  const walAge = d["pg.walArchive.maxAge"];
  return [
    {
      name: "platform.postgres",
      rules: [
        alertRule({
          alert: "PostgresNoRecentBackup",
          // The plugin reports 0 until the first backup: then the cluster must
          // have been running for pg.backup.maxAge before it pages.
          expr: `
  time() - max by (namespace, cluster) (${withCluster(`${LAST_BACKUP} > 0`)}) > ${maxAgeS}
or
  (max by (namespace, cluster) (${withCluster(LAST_BACKUP)}) == 0)
  and on (namespace, cluster)
  (max by (namespace, cluster) (${withCluster("time() - cnpg_pg_postmaster_start_time")}) > ${maxAgeS})`,
          severity: "critical",
          summary: `PostgreSQL cluster {{ $labels.namespace }}/{{ $labels.cluster }} has no successful backup in ${maxAge}`,
          description: `The newest successful base backup of {{ $labels.cluster }} in {{ $labels.namespace }} is older than ${maxAge} (or there is none): point-in-time recovery depends on an ever longer WAL chain, and retention may leave no usable base backup.`,
          runbookUrl: r.runbookUrl("PostgresNoRecentBackup"),
        }),
        alertRule({
          alert: "PostgresBackupFailed",
          expr: `
  max by (namespace, cluster) (${withCluster(LAST_FAILED)})
>
  max by (namespace, cluster) (${withCluster(LAST_BACKUP)})`,
          for: d["pg.backupFailed.for"],
          severity: "critical",
          summary: "The last backup of PostgreSQL cluster {{ $labels.namespace }}/{{ $labels.cluster }} failed",
          description: "The newest backup attempt of {{ $labels.cluster }} in {{ $labels.namespace }} failed and no successful backup has happened since.",
          runbookUrl: r.runbookUrl("PostgresBackupFailed"),
        }),
        alertRule({
          alert: "PostgresWalArchivingFailing",
          expr: `
  max by (namespace, pod) (cnpg_pg_stat_archiver_last_failed_time)
>
  max by (namespace, pod) (cnpg_pg_stat_archiver_last_archived_time)`,
          for: d["pg.walArchiving.for"],
          severity: "critical",
          summary: "WAL archiving fails on {{ $labels.namespace }}/{{ $labels.pod }}",
          description: "The newest attempt to archive a WAL segment from {{ $labels.pod }} in {{ $labels.namespace }} to the object store failed, and none succeeded since: WAL accumulates on the volume and PITR stops at the last archived segment.",
          runbookUrl: r.runbookUrl("PostgresWalArchivingFailing"),
        }),
        alertRule({
          alert: "PostgresWalArchiveStale",
          expr: `
  time() - max by (namespace, pod) (cnpg_pg_stat_archiver_last_archived_time) > ${durationSeconds(walAge)}
and on (namespace, pod)
  max by (namespace, pod) (cnpg_collector_pg_wal_archive_status{value="ready"}) > 0`,
          for: d["pg.walArchiveStale.for"],
          severity: "critical",
          summary: "RPO breach: last archived WAL of {{ $labels.namespace }}/{{ $labels.pod }} is {{ $value | humanizeDuration }} old",
          description: `WAL segments of {{ $labels.pod }} in {{ $labels.namespace }} are waiting to be archived and the last successful archive is {{ $value | humanizeDuration }} old (more than ${walAge}): a loss of the volume now would lose that much data.`,
          runbookUrl: r.runbookUrl("PostgresWalArchiveStale"),
        }),
        alertRule({
          alert: "PostgresReplicationLag",
          expr: `max by (namespace, pod) (cnpg_pg_replication_lag) > ${num(t["pg.replicationLagSeconds"])}`,
          for: d["pg.replicationLag.for"],
          severity: "warning",
          summary: "Standby {{ $labels.namespace }}/{{ $labels.pod }} lags {{ $value | humanizeDuration }} behind",
          description: `Standby {{ $labels.pod }} in {{ $labels.namespace }} replays WAL {{ $value | humanizeDuration }} behind the primary (threshold ${num(t["pg.replicationLagSeconds"])}s): a failover to it would lose or delay that much.`,
          runbookUrl: r.runbookUrl("PostgresReplicationLag"),
        }),
        alertRule({
          alert: "PostgresConnectionsNearMax",
          expr: `
  sum by (namespace, pod) (cnpg_backends_total)
/
  max by (namespace, pod) (cnpg_pg_settings_setting{name="max_connections"})
> ${num(t["pg.connectionsRatio"])}`,
          for: d["pg.connections.for"],
          severity: "warning",
          summary: "{{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of max_connections",
          description: `{{ $labels.pod }} in {{ $labels.namespace }} has {{ $value | humanizePercentage }} of max_connections in use (threshold ${num(t["pg.connectionsRatio"] * 100)}%): new connections will soon be refused (pool exhaustion).`,
          runbookUrl: r.runbookUrl("PostgresConnectionsNearMax"),
        }),
        alertRule({
          alert: "PostgresStorageHigh",
          // CloudNativePG names the volumes <pod>, <pod>-wal and <pod>-tbs-<name>.
          expr: `
  label_replace(
    max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes)
    /
    max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes),
    "pod", "$1", "persistentvolumeclaim", "(.+?)(-wal|-tbs-.+)?"
  ) > ${num(t["pg.storageRatio"])}
and on (namespace, pod)
  max by (namespace, pod) (cnpg_collector_up)`,
          for: d["pg.storage.for"],
          severity: "warning",
          summary: "PostgreSQL volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full",
          description: `Volume {{ $labels.persistentvolumeclaim }} of instance {{ $labels.pod }} in {{ $labels.namespace }} is {{ $value | humanizePercentage }} full (threshold ${num(t["pg.storageRatio"] * 100)}%); PostgreSQL stops when it is full.`,
          runbookUrl: r.runbookUrl("PostgresStorageHigh"),
        }),
        alertRule({
          alert: "PostgresDeadlocks",
          expr: `sum by (namespace, pod, datname) (increase(cnpg_pg_stat_database_deadlocks[${d["pg.deadlocks.window"]}])) > ${num(t["pg.deadlocks"])}`,
          severity: "warning",
          summary: "Deadlocks in database {{ $labels.datname }} on {{ $labels.namespace }}/{{ $labels.pod }}",
          description: `PostgreSQL resolved {{ $value | printf "%.0f" }} deadlocks in {{ $labels.datname }} on {{ $labels.pod }} during the last ${d["pg.deadlocks.window"]}: transactions were aborted.`,
          runbookUrl: r.runbookUrl("PostgresDeadlocks"),
        }),
        alertRule({
          alert: "PostgresAppConnectedAsOwner",
          // Row-level security does not bind a table's owner: an app serving requests as the
          // owner silently sees every tenant. Migrations connect as the owner and leave; a
          // connection pool stays, so sessions that last pg.ownerConnected.for are an app.
          expr: `sum by (namespace, pod, datname, usename, application_name) (cnpg_backends_total${sel(r.selectors["pg.migrationOwners"])}) > 0`,
          for: d["pg.ownerConnected.for"],
          severity: "warning",
          summary: "{{ $labels.application_name }} is connected to {{ $labels.datname }} as its owner {{ $labels.usename }}",
          description: `{{ $value }} session(s) of {{ $labels.usename }}, the owner of {{ $labels.datname }} that only migrations may use, on {{ $labels.namespace }}/{{ $labels.pod }} (application_name "{{ $labels.application_name }}") for more than ${d["pg.ownerConnected.for"]}: row-level security does not bind the owner, so tenant isolation does nothing for that app. Point it at its runtime role's Secret.`,
          runbookUrl: r.runbookUrl("PostgresAppConnectedAsOwner"),
        }),
        alertRule({
          alert: "PostgresInstanceDown",
          expr: `
  max by (namespace, pod) (cnpg_collector_up) == 0
or
  max by (namespace, pod) (up${sel(r.selectors["pg.targets"])}) == 0`,
          for: d["pg.instanceDown.for"],
          severity: "critical",
          summary: "PostgreSQL instance {{ $labels.namespace }}/{{ $labels.pod }} is down",
          description: "The instance manager of {{ $labels.pod }} in {{ $labels.namespace }} reports PostgreSQL down, or its metrics endpoint cannot be scraped.",
          runbookUrl: r.runbookUrl("PostgresInstanceDown"),
        }),
      ],
    },
  ];
}
