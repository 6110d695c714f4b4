/** promtool unit-test scenarios for alerts/postgres.ts (default thresholds and durations). promtool's clock starts at Unix 0. */
import { counter, gauge, series, type DomainCases, type InputSeries } from "./promtool-harness";

const NS = "shop";
const P1 = { namespace: NS, pod: "pg-main-1", job: "shop/pg-main" };
const P2 = { namespace: NS, pod: "pg-main-2", job: "shop/pg-main" };
const LAST_OK = "barman_cloud_cloudnative_pg_io_last_available_backup_timestamp";
const LAST_FAILED = "barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp";
const ARCHIVED = "cnpg_pg_stat_archiver_last_archived_time";
const FAILED = "cnpg_pg_stat_archiver_last_failed_time";
const READY = "cnpg_collector_pg_wal_archive_status";
const CLUSTER = { namespace: NS, cluster: "pg-main", severity: "critical" };
const HOURS_26 = 1560; // minutes

/** Both instances of cluster pg-main report the same backup timestamp. */
const bothPods = (metric: string, values: string): InputSeries[] => [series(metric, P1, values), series(metric, P2, values)];
const volume = (pvc: string, used: string): InputSeries[] => [
  series("kubelet_volume_stats_used_bytes", { namespace: NS, persistentvolumeclaim: pvc, job: "kubelet" }, used),
  series("kubelet_volume_stats_capacity_bytes", { namespace: NS, persistentvolumeclaim: pvc, job: "kubelet" }, gauge([31, 100])),
];

export const postgresCases: DomainCases = {
  firing: [
    {
      alert: "PostgresNoRecentBackup",
      // Backup at Unix 3600 (minute 60): older than 26 h after minute 1620; a new one at minute 1720.
      name: "newest backup older than 26 h from minute 1630 (10-minute steps)",
      step: 10,
      series: bothPods(LAST_OK, gauge([172, 3600], [5, 100_000])),
      onset: 60 + HOURS_26 + 10,
      labels: CLUSTER,
      resolvedAt: 1720,
    },
    {
      alert: "PostgresNoRecentBackup",
      name: "no backup ever (0) on a cluster running for more than 26 h; first backup at minute 1600",
      step: 10,
      series: [...bothPods(LAST_OK, gauge([160, 0], [5, 95_000])), ...bothPods("cnpg_pg_postmaster_start_time", gauge([165, 0]))],
      onset: HOURS_26 + 10,
      labels: CLUSTER,
      resolvedAt: 1600,
    },
    {
      alert: "PostgresBackupFailed",
      name: "backup failed at minute 11, succeeded at minute 31",
      series: [...bothPods(LAST_OK, gauge([31, 3600], [10, 9000])), ...bothPods(LAST_FAILED, gauge([11, 0], [30, 7200]))],
      onset: 11,
      labels: CLUSTER,
      resolvedAt: 31,
    },
    {
      alert: "PostgresWalArchivingFailing",
      name: "archiving fails from minute 6, succeeds again at minute 20",
      series: [series(ARCHIVED, P1, gauge([20, 100], [11, 300])), series(FAILED, P1, gauge([6, -1], [25, 200]))],
      onset: 6,
      labels: { namespace: NS, pod: "pg-main-1", severity: "critical" },
      resolvedAt: 20,
    },
    {
      alert: "PostgresWalArchiveStale",
      // Last archive at Unix 60; segments wait from minute 6; older than 5 min from minute 7.
      name: "segments waiting, last archive older than 5 min from minute 7",
      value: 420,
      series: [
        series(ARCHIVED, P1, gauge([15, 60], [16, 900])),
        series(READY, { ...P1, value: "ready" }, gauge([6, 0], [9, 1], [16, 0])),
        series(READY, { ...P1, value: "done" }, gauge([31, 40])),
      ],
      onset: 7,
      labels: { namespace: NS, pod: "pg-main-1", severity: "critical" },
      resolvedAt: 15,
    },
    {
      alert: "PostgresReplicationLag",
      name: "45 s lag until minute 20",
      value: 45,
      series: [series("cnpg_pg_replication_lag", P2, gauge([21, 45], [10, 0]))],
      onset: 0,
      labels: { namespace: NS, pod: "pg-main-2", severity: "warning" },
      resolvedAt: 21,
    },
    {
      alert: "PostgresConnectionsNearMax",
      name: "95 of 100 connections until minute 20",
      value: 0.95,
      series: [
        series("cnpg_backends_total", { ...P1, datname: "app", usename: "app", application_name: "core-api", state: "active" }, gauge([21, 60], [10, 10])),
        series("cnpg_backends_total", { ...P1, datname: "app", usename: "app", application_name: "core-api", state: "idle" }, gauge([31, 35])),
        series("cnpg_pg_settings_setting", { ...P1, name: "max_connections" }, gauge([31, 100])),
        series("cnpg_pg_settings_setting", { ...P1, name: "shared_buffers" }, gauge([31, 16384])),
      ],
      onset: 0,
      labels: { namespace: NS, pod: "pg-main-1", severity: "warning" },
      resolvedAt: 21,
    },
    {
      alert: "PostgresStorageHigh",
      name: "data volume 85% full until minute 20; a 90% full Redis volume is not PostgreSQL",
      value: 0.85,
      series: [
        ...volume("pg-main-1", gauge([21, 85], [10, 50])),
        ...volume("pg-main-1-wal", gauge([31, 50])),
        ...volume("data-redis-0", gauge([31, 90])),
        series("cnpg_collector_up", P1, gauge([31, 1])),
      ],
      onset: 0,
      labels: { namespace: NS, persistentvolumeclaim: "pg-main-1", pod: "pg-main-1", severity: "warning" },
      resolvedAt: 21,
    },
    {
      alert: "PostgresStorageHigh",
      name: "WAL volume 90% full until minute 20",
      value: 0.9,
      series: [...volume("pg-main-1", gauge([31, 10])), ...volume("pg-main-1-wal", gauge([21, 90], [10, 20])), series("cnpg_collector_up", P1, gauge([31, 1]))],
      onset: 0,
      labels: { namespace: NS, persistentvolumeclaim: "pg-main-1-wal", pod: "pg-main-1", severity: "warning" },
      resolvedAt: 21,
    },
    {
      alert: "PostgresDeadlocks",
      name: "one deadlock at minute 6",
      value: 1,
      series: [series("cnpg_pg_stat_database_deadlocks", { ...P1, datname: "app" }, counter(10, [6, 0], [1, 1], [24, 0]))],
      onset: 6,
      labels: { namespace: NS, pod: "pg-main-1", datname: "app", severity: "warning" },
      resolvedAt: 11,
    },
    {
      alert: "PostgresInstanceDown",
      name: "instance manager reports PostgreSQL down during minutes 1-10",
      series: [series("cnpg_collector_up", P1, gauge([1, 1], [10, 0], [10, 1])), series("up", { ...P1, container: "postgres", endpoint: "metrics" }, gauge([21, 1]))],
      onset: 1,
      labels: { namespace: NS, pod: "pg-main-1", severity: "critical" },
      resolvedAt: 11,
    },
    {
      alert: "PostgresInstanceDown",
      name: "metrics endpoint unreachable during minutes 1-10",
      series: [
        series("cnpg_collector_up", P2, `1 ${"_ ".repeat(10)}1x9`),
        series("up", { ...P2, container: "postgres", endpoint: "metrics" }, gauge([1, 1], [10, 0], [10, 1])),
      ],
      onset: 1,
      labels: { namespace: NS, pod: "pg-main-2", severity: "critical" },
      resolvedAt: 11,
    },
    {
      alert: "PostgresAppConnectedAsOwner",
      name: "an app's pool holds 4 sessions as the migration-only owner from minute 10 to 55",
      step: 5,
      series: [
        series("cnpg_backends_total", { ...P1, datname: "shop", usename: "shop_migrate", application_name: "PostgreSQL JDBC Driver", state: "idle" }, gauge([2, 0], [10, 3], [3, 0])),
        series("cnpg_backends_total", { ...P1, datname: "shop", usename: "shop_migrate", application_name: "PostgreSQL JDBC Driver", state: "active" }, gauge([2, 0], [10, 1], [3, 0])),
        series("cnpg_backends_total", { ...P1, datname: "shop", usename: "shop_app", application_name: "PostgreSQL JDBC Driver", state: "idle" }, gauge([15, 8])),
      ],
      onset: 10,
      value: 4,
      labels: { namespace: NS, pod: "pg-main-1", datname: "shop", usename: "shop_migrate", application_name: "PostgreSQL JDBC Driver", severity: "warning" },
      resolvedAt: 65,
    },
  ],
  silent: [
    {
      alert: "PostgresAppConnectedAsOwner",
      name: "Flyway as the owner for 25 minutes, then gone; the runtime role connected all along",
      step: 5,
      series: [
        series("cnpg_backends_total", { ...P1, datname: "shop", usename: "shop_migrate", application_name: "Flyway", state: "active" }, gauge([5, 1], [10, 0])),
        series("cnpg_backends_total", { ...P1, datname: "shop", usename: "shop_app", application_name: "core-api", state: "idle" }, gauge([15, 20])),
      ],
      at: [25, 30, 45, 70],
    },
    {
      alert: "PostgresNoRecentBackup",
      name: "backup exactly 26 h old",
      step: 10,
      series: bothPods(LAST_OK, gauge([165, 3600])),
      at: [1600, 60 + HOURS_26],
    },
    {
      alert: "PostgresNoRecentBackup",
      name: "no backup yet on a cluster started less than 26 h ago",
      step: 10,
      series: [...bothPods(LAST_OK, gauge([165, 0])), ...bothPods("cnpg_pg_postmaster_start_time", gauge([165, 60_000]))],
      at: [1600],
    },
    {
      alert: "PostgresBackupFailed",
      name: "an older failure followed by a success",
      series: [...bothPods(LAST_OK, gauge([31, 3600])), ...bothPods(LAST_FAILED, gauge([31, 3000]))],
      at: [12, 30],
    },
    {
      alert: "PostgresWalArchivingFailing",
      name: "an old failure, and never a failure (-1)",
      series: [
        series(ARCHIVED, P1, gauge([21, 100])),
        series(FAILED, P1, gauge([21, 50])),
        series(ARCHIVED, P2, gauge([21, 100])),
        series(FAILED, P2, gauge([21, -1])),
      ],
      at: [11, 20],
    },
    {
      alert: "PostgresWalArchiveStale",
      name: "segments waiting with the last archive exactly 5 min old; an idle database with nothing to archive",
      series: [
        series(ARCHIVED, P1, counter(-300, [21, 60])),
        series(READY, { ...P1, value: "ready" }, gauge([21, 1])),
        series(ARCHIVED, { ...P1, pod: "pg-idle-1" }, gauge([21, 60])),
        series(READY, { ...P1, pod: "pg-idle-1", value: "ready" }, gauge([21, 0])),
      ],
      at: [7, 8, 20],
    },
    {
      alert: "PostgresReplicationLag",
      name: "30 s lag, not above 30 s",
      series: [series("cnpg_pg_replication_lag", P2, gauge([21, 30]))],
      at: [5, 20],
    },
    {
      alert: "PostgresConnectionsNearMax",
      name: "90 of 100 connections, not above 90%",
      series: [
        series("cnpg_backends_total", { ...P1, datname: "app", usename: "app", application_name: "core-api", state: "active" }, gauge([21, 60])),
        series("cnpg_backends_total", { ...P1, datname: "app", usename: "app", application_name: "core-api", state: "idle" }, gauge([21, 30])),
        series("cnpg_pg_settings_setting", { ...P1, name: "max_connections" }, gauge([21, 100])),
      ],
      at: [5, 20],
    },
    {
      alert: "PostgresStorageHigh",
      name: "volumes at 80%, not above it",
      series: [...volume("pg-main-1", gauge([21, 80])), ...volume("pg-main-1-wal", gauge([21, 80])), series("cnpg_collector_up", P1, gauge([21, 1]))],
      at: [5, 20],
    },
    {
      alert: "PostgresDeadlocks",
      name: "no new deadlocks",
      series: [series("cnpg_pg_stat_database_deadlocks", { ...P1, datname: "app" }, gauge([21, 10]))],
      at: [6, 20],
    },
    {
      alert: "PostgresInstanceDown",
      name: "instance and endpoint up",
      series: [series("cnpg_collector_up", P1, gauge([21, 1])), series("up", { ...P1, container: "postgres", endpoint: "metrics" }, gauge([21, 1]))],
      at: [3, 20],
    },
  ],
};
