/**
 * PostgreSQL dashboard (uid `platform-postgres`) for CloudNativePG clusters:
 * connections against max_connections, the PgBouncer Pooler, throughput,
 * storage, replication, and the WAL archive / base backup ages that PITR
 * depends on.
 *
 * Sources, all on the instance's metrics port 9187 (and 9127 for Pooler pods):
 * - CloudNativePG's default monitoring queries (`cnpg_backends_*`,
 *   `cnpg_pg_stat_database_*`, `cnpg_pg_stat_archiver_*`, `cnpg_pg_replication_*`,
 *   `cnpg_pg_database_*`, `cnpg_pg_settings_setting`) and built-in collector
 *   (`cnpg_collector_*`);
 * - the Barman Cloud plugin's backup metrics (`barman_cloud_cloudnative_pg_io_*`),
 *   which replace the in-tree `cnpg_collector_last_available_backup_timestamp`;
 * - the Pooler's PgBouncer exporter (`cnpg_pgbouncer_*`).
 *
 * - the PostgresCluster's custom query on pg_stat_statements
 *   (`cnpg_pg_stat_statements_top_*`, components/postgres/queries.ts): the
 *   slowest statements by total and mean execution time.
 *
 * `$cluster` comes from `cnpg_collector_up{cluster}`; instance pods are named
 * `<cluster>-<n>`, which is how the other series are matched to a cluster.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, finalize, labelVariable, q, row, statPanel, steps, timeseriesPanel } from "./common";
import type { ResolvedDashboardOptions } from "./options";
import { m } from "./promql";

export const POSTGRES_DASHBOARD_UID = "platform-postgres";

const NS = 'namespace=~"$namespace"';
const PODS = m(NS, 'pod=~"($cluster)-[0-9]+"');
const POOLS = m(NS, 'database!="pgbouncer"');
const R = "$__rate_interval";
const BACKUP = "barman_cloud_cloudnative_pg_io";

const MAX_CONNECTIONS = `cnpg_pg_settings_setting{${m(PODS, 'name="max_connections"')}}`;

export function postgresDashboard(o: ResolvedDashboardOptions): Dashboard {
  const backupMax = o.backupMaxAgeSeconds;
  const b = dashboard({
    uid: POSTGRES_DASHBOARD_UID,
    title: "Platform / PostgreSQL",
    description: "CloudNativePG clusters: connections, pooler, throughput, replication, WAL archiving and backups.",
    area: "postgres",
  })
    .withVariable(labelVariable("namespace", "Namespace", "cnpg_collector_up"))
    .withVariable(labelVariable("cluster", "Cluster", `cnpg_collector_up{${NS}}`))

    .withRow(row("Summary"))
    .withPanel(statPanel({
      title: "Instances up", description: "Instances whose exporter reaches PostgreSQL.",
      unit: "short", span: 4, queries: [q(`sum(cnpg_collector_up{${m(NS, 'cluster=~"$cluster"')}})`)],
    }))
    .withPanel(statPanel({
      title: "Connections used", description: `Backends over max_connections on the busiest instance; the warning alert fires above ${o.connectionsRatio * 100}%.`,
      unit: "percentunit", span: 4, decimals: 1, thresholds: steps(o.connectionsRatio, o.connectionsRatio * 0.8),
      queries: [q(`max(sum by (pod) (cnpg_backends_total{${PODS}}) / on (pod) max by (pod) (${MAX_CONNECTIONS}))`)],
    }))
    .withPanel(statPanel({
      title: "Replication lag", description: "Largest replay lag of a replica behind the primary.",
      unit: "s", span: 4, thresholds: steps(o.replicationLagSeconds, o.replicationLagSeconds / 3), queries: [q(`max(cnpg_pg_replication_lag{${PODS}})`)],
    }))
    .withPanel(statPanel({
      title: "Last archived WAL", description: `Age of the last WAL segment archived to the object store; the alert calls it stale above ${o.walArchiveMaxAgeSeconds} s.`,
      unit: "s", span: 4, thresholds: steps(o.walArchiveMaxAgeSeconds, o.walArchiveMaxAgeSeconds / 2),
      queries: [q(`max(cnpg_pg_stat_archiver_seconds_since_last_archival{${PODS}} >= 0)`)],
    }))
    .withPanel(statPanel({
      title: "Last base backup", description: `Age of the last successful base backup; red above ${backupMax / 3600} h.`,
      unit: "s", span: 4, thresholds: steps(backupMax, backupMax * 0.95),
      queries: [q(`time() - max(${BACKUP}_last_available_backup_timestamp{${PODS}} > 0)`)],
    }))
    .withPanel(statPanel({
      title: "Last backup failed", description: "1 when the most recent backup attempt failed (a failure newer than the last success).",
      unit: "bool_yes_no", span: 4, thresholds: steps(1),
      queries: [q(`max(${BACKUP}_last_failed_backup_timestamp{${PODS}}) > bool max(${BACKUP}_last_available_backup_timestamp{${PODS}})`)],
    }))

    .withRow(row("Connections"))
    .withPanel(timeseriesPanel({
      title: "Connections vs max_connections", description: "Backends per state, and max_connections.",
      unit: "short", span: 12, min: 0,
      queries: [
        q(`sum by (state) (cnpg_backends_total{${PODS}})`, "{{state}}"),
        q(`max(${MAX_CONNECTIONS})`, "max_connections"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Connections per database and user", description: "Backends per database and role.",
      unit: "short", span: 12, min: 0,
      queries: [q(`sum by (datname, usename) (cnpg_backends_total{${PODS}})`, "{{datname}} / {{usename}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Longest open transaction", description: "Age of the oldest open transaction per database (slow queries, idle-in-transaction leaks).",
      unit: "s", span: 12, min: 0, thresholds: steps(300, 60),
      queries: [q(`max by (datname) (cnpg_backends_max_tx_duration_seconds{${PODS}})`, "{{datname}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Backends waiting on locks", description: "Backends blocked by another backend's lock.",
      unit: "short", span: 12, min: 0,
      queries: [q(`sum by (pod) (cnpg_backends_waiting_total{${PODS}})`, "{{pod}}")],
    }))

    .withRow(row("Slow queries (pg_stat_statements)"))
    .withPanel(timeseriesPanel({
      title: "Statements by execution time", description: "Execution seconds per second of the top statements (pg_stat_statements): where the database's time goes.",
      unit: "s", span: 8, min: 0,
      queries: [q(`topk(10, sum by (datname, query) (rate(cnpg_pg_stat_statements_top_total_exec_seconds{${PODS}}[${R}])))`, "{{datname}}: {{query}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Slowest statements (mean)", description: "Mean execution time of the top statements.",
      unit: "s", span: 8, min: 0, thresholds: steps(1, 0.2),
      queries: [q(`topk(10, max by (datname, query) (cnpg_pg_stat_statements_top_mean_exec_seconds{${PODS}}))`, "{{datname}}: {{query}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Statement calls", description: "Executions per second of the top statements.",
      unit: "ops", span: 8, min: 0,
      queries: [q(`topk(10, sum by (datname, query) (rate(cnpg_pg_stat_statements_top_calls{${PODS}}[${R}])))`, "{{datname}}: {{query}}")],
    }))

    .withRow(row("Connection pooler (PgBouncer)"))
    .withPanel(timeseriesPanel({
      title: "Pooler clients", description: "Client connections served and waiting for a server connection, per Pooler pod.",
      unit: "short", span: 8, min: 0,
      queries: [
        q(`sum by (pod) (cnpg_pgbouncer_pools_cl_active{${POOLS}})`, "active {{pod}}"),
        q(`sum by (pod) (cnpg_pgbouncer_pools_cl_waiting{${POOLS}})`, "waiting {{pod}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Pooler server connections", description: "Server connections linked to a client and idle, per Pooler pod.",
      unit: "short", span: 8, min: 0,
      queries: [
        q(`sum by (pod) (cnpg_pgbouncer_pools_sv_active{${POOLS}})`, "active {{pod}}"),
        q(`sum by (pod) (cnpg_pgbouncer_pools_sv_idle{${POOLS}})`, "idle {{pod}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Pooler wait and query time", description: "Oldest client's wait for a server connection, and PgBouncer's average query time.",
      unit: "s", span: 8, min: 0, thresholds: steps(1, 0.2),
      queries: [
        q(`max by (pod) (cnpg_pgbouncer_pools_maxwait{${POOLS}} + cnpg_pgbouncer_pools_maxwait_us{${POOLS}} / 1e6)`, "max wait {{pod}}"),
        q(`max by (pod) (cnpg_pgbouncer_stats_avg_query_time{${POOLS}}) / 1e6`, "avg query {{pod}}"),
      ],
    }))

    .withRow(row("Throughput"))
    .withPanel(timeseriesPanel({
      title: "Transactions", description: "Commits and rollbacks per second per database.",
      unit: "ops", span: 12, min: 0,
      queries: [
        q(`sum by (datname) (rate(cnpg_pg_stat_database_xact_commit{${PODS}}[${R}]))`, "commit {{datname}}"),
        q(`sum by (datname) (rate(cnpg_pg_stat_database_xact_rollback{${PODS}}[${R}]))`, "rollback {{datname}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Deadlocks and conflicts", description: "Deadlocks and recovery conflicts per database over the rate window.",
      unit: "short", span: 12, min: 0, thresholds: steps(1),
      queries: [
        q(`sum by (datname) (increase(cnpg_pg_stat_database_deadlocks{${PODS}}[${R}]))`, "deadlocks {{datname}}"),
        q(`sum by (datname) (increase(cnpg_pg_stat_database_conflicts{${PODS}}[${R}]))`, "conflicts {{datname}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Cache hit ratio", description: "Blocks found in shared buffers over blocks requested.",
      unit: "percentunit", span: 12, max: 1,
      queries: [q(`sum by (datname) (rate(cnpg_pg_stat_database_blks_hit{${PODS}}[${R}])) / (sum by (datname) (rate(cnpg_pg_stat_database_blks_hit{${PODS}}[${R}])) + sum by (datname) (rate(cnpg_pg_stat_database_blks_read{${PODS}}[${R}])))`, "{{datname}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Temporary files", description: "Bytes written to temporary files per second (sorts and hashes spilling past work_mem).",
      unit: "Bps", span: 12, min: 0,
      queries: [q(`sum by (datname) (rate(cnpg_pg_stat_database_temp_bytes{${PODS}}[${R}]))`, "{{datname}}")],
    }))

    .withRow(row("Storage and replication"))
    .withPanel(timeseriesPanel({
      title: "Database size", description: "Disk used per database.",
      unit: "bytes", span: 12, min: 0,
      queries: [q(`max by (datname) (cnpg_pg_database_size_bytes{${m(PODS, 'datname!~"template.*"')}})`, "{{datname}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Replication lag", description: "Replay lag per instance (0 on the primary), and streaming replicas seen by the primary.",
      unit: "s", span: 12, min: 0, thresholds: steps(o.replicationLagSeconds),
      queries: [
        q(`max by (pod) (cnpg_pg_replication_lag{${PODS}})`, "lag {{pod}}"),
        q(`max(cnpg_pg_replication_streaming_replicas{${PODS}})`, "streaming replicas"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Replication slot lag", description: "WAL retained per replication slot (an inactive slot keeps WAL forever and fills the volume).",
      unit: "bytes", span: 12, min: 0,
      queries: [q(`max by (slot_name) (cnpg_pg_replication_slots_pg_wal_lsn_diff{${PODS}})`, "{{slot_name}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Transaction ID age", description: "Age of the oldest unfrozen XID per database; wraparound protection stops writes at 2^31.",
      unit: "short", span: 12, min: 0, thresholds: steps(1.5e9, 5e8),
      queries: [q(`max by (datname) (cnpg_pg_database_xid_age{${PODS}})`, "{{datname}}")],
    }))

    .withRow(row("WAL archiving and backups"))
    .withPanel(timeseriesPanel({
      title: "WAL archive age", description: "Seconds since the last successful archival, and segments waiting to be archived.",
      unit: "s", span: 8, min: 0, thresholds: steps(o.walArchiveMaxAgeSeconds),
      queries: [
        q(`max by (pod) (cnpg_pg_stat_archiver_seconds_since_last_archival{${PODS}} >= 0)`, "age {{pod}}"),
        q(`max by (pod) (cnpg_collector_pg_wal_archive_status{${m(PODS, 'value="ready"')}})`, "segments ready {{pod}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "WAL archived and failed", description: "WAL segments archived and archive failures per second.",
      unit: "ops", span: 8, min: 0,
      queries: [
        q(`sum(rate(cnpg_pg_stat_archiver_archived_count{${PODS}}[${R}]))`, "archived"),
        q(`sum(rate(cnpg_pg_stat_archiver_failed_count{${PODS}}[${R}]))`, "failed"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Backup age and recovery window", description: "Age of the last base backup, and how far back point-in-time recovery can go (should be the retention).",
      unit: "s", span: 8, min: 0,
      queries: [
        q(`time() - max(${BACKUP}_last_available_backup_timestamp{${PODS}} > 0)`, "last backup age"),
        q(`time() - min(${BACKUP}_first_recoverability_point{${PODS}} > 0)`, "recovery window"),
      ],
    }));
  return finalize(b);
}
