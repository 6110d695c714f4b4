/**
 * Every metric the platform's rules (and dashboards) read, with the exporter
 * that produces it, so a test can prove no query depends on a metric nobody
 * exports. `metricNamesInExpr` pulls metric names out of a PromQL expression.
 *
 * To add metrics: append entries to METRICS (one line each, grouped by exporter).
 */

export interface MetricInfo {
  /** Who exposes it, e.g. "kube-state-metrics", "recording rule". */
  readonly exporter: string;
  readonly description: string;
}

const MICROMETER = "Micrometer (Spring Boot Actuator /actuator/prometheus; Keycloak's management port /metrics serves the http_server_* ones too)";
const KSM = "kube-state-metrics";
const CADVISOR = "cAdvisor (kubelet /metrics/cadvisor)";
const KUBELET = "kubelet";
const PROMETHEUS = "Prometheus";
const CERT_MANAGER = "cert-manager controller";
const CNPG = "CloudNativePG instance manager (:9187 /metrics)";
const BARMAN = "Barman Cloud plugin via the CloudNativePG instance manager (:9187 /metrics)";
const RECORDING = "recording rule";
const REDIS = "redis_exporter sidecar (:9121 /metrics) of a Redis / Valkey data pod";
const SENTINEL = "redis_exporter sidecar (:9121 /metrics) of a Redis Sentinel pod";
const RABBITMQ = "rabbitmq_prometheus plugin of a RabbitMQ node (:15692 /metrics/per-object)";
const KEYCLOAK = "Keycloak server (Micrometer, management port :9000 /metrics)";
const ENVOY = "Envoy data plane of the edge gateway (:19001 /stats/prometheus, PodMonitor envoy-<namespace>-edge)";

export const METRICS: Record<string, MetricInfo> = {
  // Prometheus itself
  up: { exporter: PROMETHEUS, description: "1 when the last scrape of a target succeeded, 0 otherwise" },
  prometheus_rule_evaluation_failures_total: { exporter: PROMETHEUS, description: "failed rule evaluations per rule group" },

  // Micrometer / Spring Boot
  http_server_requests_seconds_count: { exporter: MICROMETER, description: "HTTP server requests by method, uri, status" },
  http_server_requests_seconds_sum: { exporter: MICROMETER, description: "total time spent serving HTTP requests" },
  http_server_requests_seconds_bucket: { exporter: MICROMETER, description: "request duration histogram (needs percentiles-histogram or SLO boundaries)" },
  jvm_memory_used_bytes: { exporter: MICROMETER, description: "used memory per JVM memory pool (area=heap|nonheap)" },
  jvm_memory_max_bytes: { exporter: MICROMETER, description: "max memory per JVM memory pool, -1 when unbounded" },
  jvm_gc_pause_seconds_sum: { exporter: MICROMETER, description: "total time in GC pauses" },
  jvm_gc_pause_seconds_count: { exporter: MICROMETER, description: "number of GC pauses by action (end of minor/major GC)" },

  // kube-state-metrics
  kube_pod_container_status_waiting_reason: { exporter: KSM, description: "1 for the reason a container is waiting (e.g. CrashLoopBackOff)" },
  kube_horizontalpodautoscaler_status_current_replicas: { exporter: KSM, description: "current replicas of an HPA" },
  kube_horizontalpodautoscaler_spec_max_replicas: { exporter: KSM, description: "maxReplicas of an HPA" },
  kube_horizontalpodautoscaler_spec_min_replicas: { exporter: KSM, description: "minReplicas of an HPA" },
  kube_poddisruptionbudget_status_current_healthy: { exporter: KSM, description: "healthy pods covered by a PDB" },
  kube_poddisruptionbudget_status_desired_healthy: { exporter: KSM, description: "minimum healthy pods a PDB requires" },
  kube_pod_status_ready: { exporter: KSM, description: "pod Ready condition (condition=true|false|unknown)" },
  kube_pod_status_phase: { exporter: KSM, description: "pod phase (Pending|Running|Succeeded|Failed|Unknown)" },
  kube_pod_container_resource_limits: { exporter: KSM, description: "container resource limits (resource=cpu|memory)" },
  kube_job_failed: { exporter: KSM, description: "1 for the condition a Job's Failed status has (condition=true|false|unknown), per job_name" },
  kube_deployment_status_condition: { exporter: KSM, description: "Deployment conditions (condition=Progressing|Available, status=true|false|unknown)" },
  kube_persistentvolume_status_phase: { exporter: KSM, description: "1 for a PersistentVolume's phase (Bound|Failed|Pending|Available|Released)" },
  kube_persistentvolumeclaim_status_phase: { exporter: KSM, description: "1 for a PersistentVolumeClaim's phase (Pending|Bound|Lost)" },

  // cAdvisor / kubelet
  container_memory_working_set_bytes: { exporter: CADVISOR, description: "container working-set memory, what the OOM killer looks at" },
  kubelet_volume_stats_used_bytes: { exporter: KUBELET, description: "used bytes of a mounted PersistentVolumeClaim" },
  kubelet_volume_stats_capacity_bytes: { exporter: KUBELET, description: "capacity of a mounted PersistentVolumeClaim" },

  // cert-manager
  certmanager_certificate_expiration_timestamp_seconds: { exporter: CERT_MANAGER, description: "notAfter of a Certificate (Unix seconds)" },
  certmanager_certificate_ready_status: { exporter: CERT_MANAGER, description: "Ready condition of a Certificate (condition=True|False|Unknown)" },

  // CloudNativePG
  cnpg_collector_up: { exporter: CNPG, description: "1 when the instance manager can reach PostgreSQL" },
  cnpg_collector_pg_wal_archive_status: { exporter: CNPG, description: "WAL segments in pg_wal/archive_status (value=ready|done)" },
  cnpg_pg_postmaster_start_time: { exporter: CNPG, description: "start time of the postmaster (Unix seconds)" },
  cnpg_pg_stat_archiver_last_archived_time: { exporter: CNPG, description: "last successful WAL archival (Unix seconds, -1 never)" },
  cnpg_pg_stat_archiver_last_failed_time: { exporter: CNPG, description: "last failed WAL archival (Unix seconds, -1 never)" },
  cnpg_pg_replication_lag: { exporter: CNPG, description: "replay lag of a standby in seconds" },
  cnpg_backends_total: { exporter: CNPG, description: "backends by database, user, application and state" },
  cnpg_pg_settings_setting: { exporter: CNPG, description: "numeric PostgreSQL settings by name (e.g. max_connections)" },
  cnpg_pg_stat_database_deadlocks: { exporter: CNPG, description: "deadlocks detected per database (counter)" },
  barman_cloud_cloudnative_pg_io_last_available_backup_timestamp: { exporter: BARMAN, description: "newest successful base backup (Unix seconds, 0 before the first)" },
  barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp: { exporter: BARMAN, description: "newest failed backup (Unix seconds)" },

  // redis_exporter (components/redis)
  redis_up: { exporter: REDIS, description: "1 when the exporter reached its Redis server (or Sentinel) at the last scrape" },
  redis_instance_info: { exporter: REDIS, description: "1 per server, with role (master|slave), maxmemory_policy, redis_version, redis_mode" },
  redis_memory_used_bytes: { exporter: REDIS, description: "used_memory: bytes allocated by Redis" },
  redis_memory_max_bytes: { exporter: REDIS, description: "maxmemory (0 = no limit)" },
  redis_evicted_keys_total: { exporter: REDIS, description: "keys evicted at maxmemory (counter)" },
  redis_rejected_connections_total: { exporter: REDIS, description: "connections refused because maxclients was reached (counter)" },
  redis_master_link_up: { exporter: REDIS, description: "1 when a replica's link to its primary is up (replicas only; master_host, master_port)" },
  redis_rdb_last_bgsave_status: { exporter: REDIS, description: "1 when the last RDB snapshot succeeded" },
  redis_aof_last_write_status: { exporter: REDIS, description: "1 when the last AOF write succeeded" },
  redis_aof_last_bgrewrite_status: { exporter: REDIS, description: "1 when the last AOF rewrite succeeded" },
  redis_sentinel_master_status: { exporter: SENTINEL, description: "1 when the Sentinel sees the primary ok (master_name, master_address, master_status)" },
  redis_sentinel_master_ckquorum_status: { exporter: SENTINEL, description: "1 when SENTINEL CKQUORUM succeeds (master_name, message)" },

  // rabbitmq_prometheus (components/rabbitmq)
  rabbitmq_identity_info: { exporter: RABBITMQ, description: "1 per node answering, with rabbitmq_node, rabbitmq_cluster (and rabbitmq_cluster_permanent_id on 3.11+)" },
  rabbitmq_alarms_memory_used_watermark: { exporter: RABBITMQ, description: "1 while the node's memory alarm blocks publishers" },
  rabbitmq_alarms_free_disk_space_watermark: { exporter: RABBITMQ, description: "1 while the node's disk alarm blocks publishers" },
  rabbitmq_queue_messages_ready: { exporter: RABBITMQ, description: "messages ready for delivery per queue (vhost, queue)" },
  rabbitmq_queue_messages_unacked: { exporter: RABBITMQ, description: "messages delivered and not yet acknowledged per queue (vhost, queue)" },
  rabbitmq_queue_messages: { exporter: RABBITMQ, description: "ready + unacknowledged messages per queue (vhost, queue)" },
  rabbitmq_queue_consumers: { exporter: RABBITMQ, description: "consumers per queue (vhost, queue)" },
  kube_statefulset_replicas: { exporter: KSM, description: "desired replicas of a StatefulSet" },

  // Recording rules (alerts/slo.ts)
  "slo:error_ratio:rate5m": { exporter: RECORDING, description: "SLO error ratio over 5m by namespace, service, slo" },
  "slo:error_ratio:rate30m": { exporter: RECORDING, description: "SLO error ratio over 30m" },
  "slo:error_ratio:rate1h": { exporter: RECORDING, description: "SLO error ratio over 1h" },
  "slo:error_ratio:rate2h": { exporter: RECORDING, description: "SLO error ratio over 2h" },
  "slo:error_ratio:rate6h": { exporter: RECORDING, description: "SLO error ratio over 6h" },
  "slo:error_ratio:rate1d": { exporter: RECORDING, description: "SLO error ratio over 1d" },
  "slo:error_ratio:rate3d": { exporter: RECORDING, description: "SLO error ratio over 3d" },

  // Dashboard-only metrics: append below.
  redis_commands_processed_total: { exporter: REDIS, description: "commands processed (counter)" },
  redis_keyspace_hits_total: { exporter: REDIS, description: "successful key lookups (counter)" },
  redis_keyspace_misses_total: { exporter: REDIS, description: "failed key lookups (counter)" },
  redis_connected_clients: { exporter: REDIS, description: "client connections" },
  redis_blocked_clients: { exporter: REDIS, description: "clients blocked in BLPOP, XREAD BLOCK, WAIT..." },
  redis_connected_slaves: { exporter: REDIS, description: "replicas connected to a primary" },
  redis_connected_slave_lag_seconds: { exporter: REDIS, description: "seconds since each replica's last acknowledgement, on the primary (slave_ip, slave_port)" },
  redis_rdb_last_save_timestamp_seconds: { exporter: REDIS, description: "time of the last successful RDB snapshot (Unix seconds)" },
  redis_db_keys: { exporter: REDIS, description: "keys per database (db)" },
  redis_expired_keys_total: { exporter: REDIS, description: "keys removed on expiry (counter)" },
  redis_net_input_bytes_total: { exporter: REDIS, description: "bytes received from clients and replicas (counter)" },
  redis_net_output_bytes_total: { exporter: REDIS, description: "bytes sent to clients and replicas (counter)" },
  redis_mem_fragmentation_ratio: { exporter: REDIS, description: "used_memory_rss / used_memory" },
  redis_commands_duration_seconds_total: { exporter: REDIS, description: "time spent per command (cmd; counter)" },
  redis_commands_total: { exporter: REDIS, description: "calls per command (cmd; counter)" },
  redis_sentinel_master_ok_sentinels: { exporter: SENTINEL, description: "Sentinels (this one included) not in s_down/o_down for the primary" },
  redis_sentinel_master_ok_slaves: { exporter: SENTINEL, description: "replicas of the primary not in s_down/o_down" },
  rabbitmq_connections: { exporter: RABBITMQ, description: "client connections on the node" },
  rabbitmq_channels: { exporter: RABBITMQ, description: "channels on the node" },
  rabbitmq_global_messages_received_total: { exporter: RABBITMQ, description: "messages published to the node (protocol; counter)" },
  rabbitmq_global_messages_delivered_total: { exporter: RABBITMQ, description: "messages delivered to consumers (protocol, queue_type; counter)" },
  rabbitmq_global_messages_acknowledged_total: { exporter: RABBITMQ, description: "messages acknowledged by consumers (protocol, queue_type; counter)" },
  rabbitmq_global_messages_dead_lettered_rejected_total: { exporter: RABBITMQ, description: "messages dead-lettered after a reject/nack without requeue (queue_type, dead_letter_strategy; counter)" },
  rabbitmq_global_messages_dead_lettered_delivery_limit_total: { exporter: RABBITMQ, description: "quorum-queue messages dead-lettered over their delivery limit (counter)" },
  rabbitmq_global_messages_dead_lettered_expired_total: { exporter: RABBITMQ, description: "messages dead-lettered on expiry (message-ttl; counter)" },
  rabbitmq_global_messages_dead_lettered_maxlen_total: { exporter: RABBITMQ, description: "messages dead-lettered over a max-length (counter)" },
  rabbitmq_queue_messages_published_total: { exporter: RABBITMQ, description: "messages routed into a queue per publishing channel (channel, queue_vhost, queue, exchange; counter)" },
  // Keycloak (components/keycloak): names as Keycloak 26.5.5 serves them (test/keycloak reads them off a real server).
  keycloak_user_events_total: { exporter: KEYCLOAK, description: "user events (event-metrics-user-enabled) by realm, event and error (error=\"\" on success; counter)" },
  vendor_statistics_approximate_entries: { exporter: KEYCLOAK, description: "approximate entries per Infinispan cache (cache=sessions: user sessions; per node)" },
  ALERTS: { exporter: PROMETHEUS, description: "one series per pending or firing alert (alertname, alertstate, severity)" },
  process_cpu_usage: { exporter: MICROMETER, description: "recent CPU usage of the JVM process (0..1 of the CPUs it sees)" },
  process_uptime_seconds: { exporter: MICROMETER, description: "uptime of the JVM" },
  jvm_memory_committed_bytes: { exporter: MICROMETER, description: "memory committed per JVM memory pool" },
  jvm_gc_pause_seconds_max: { exporter: MICROMETER, description: "longest GC pause in the last export window" },
  jvm_gc_live_data_size_bytes: { exporter: MICROMETER, description: "old generation size after the last full/major GC" },
  jvm_gc_max_data_size_bytes: { exporter: MICROMETER, description: "max size of the old generation" },
  jvm_gc_memory_allocated_bytes_total: { exporter: MICROMETER, description: "bytes allocated in the young generation" },
  jvm_gc_memory_promoted_bytes_total: { exporter: MICROMETER, description: "bytes promoted to the old generation" },
  jvm_threads_live_threads: { exporter: MICROMETER, description: "live threads (daemon and non-daemon)" },
  jvm_threads_daemon_threads: { exporter: MICROMETER, description: "live daemon threads" },
  jvm_threads_peak_threads: { exporter: MICROMETER, description: "peak live threads since JVM start" },
  jvm_threads_states_threads: { exporter: MICROMETER, description: "threads per state (runnable, blocked, waiting...)" },
  hikaricp_connections_active: { exporter: MICROMETER, description: "HikariCP connections in use, per pool" },
  hikaricp_connections_max: { exporter: MICROMETER, description: "HikariCP maximum pool size" },
  hikaricp_connections_pending: { exporter: MICROMETER, description: "threads waiting for a HikariCP connection" },
  hikaricp_connections_timeout_total: { exporter: MICROMETER, description: "HikariCP connection acquisition timeouts" },
  kube_namespace_status_phase: { exporter: KSM, description: "namespace phase (Active|Terminating)" },
  kube_deployment_spec_replicas: { exporter: KSM, description: "desired replicas of a Deployment" },
  kube_deployment_status_replicas_available: { exporter: KSM, description: "available replicas of a Deployment" },
  kube_deployment_status_replicas_updated: { exporter: KSM, description: "replicas of a Deployment running its current template" },
  kube_horizontalpodautoscaler_info: { exporter: KSM, description: "HPA metadata, incl. scaletargetref_kind/name" },
  kube_horizontalpodautoscaler_status_desired_replicas: { exporter: KSM, description: "desired replicas computed by an HPA" },
  kube_pod_container_resource_requests: { exporter: KSM, description: "container resource requests (resource=cpu|memory)" },
  kube_pod_container_status_restarts_total: { exporter: KSM, description: "container restarts" },
  kube_pod_container_status_last_terminated_reason: { exporter: KSM, description: "reason of a container's last termination (e.g. OOMKilled)" },
  container_cpu_usage_seconds_total: { exporter: CADVISOR, description: "CPU time consumed by a container" },
  container_cpu_cfs_periods_total: { exporter: CADVISOR, description: "elapsed CFS enforcement periods" },
  container_cpu_cfs_throttled_periods_total: { exporter: CADVISOR, description: "CFS periods in which the container was throttled" },
  cnpg_backends_max_tx_duration_seconds: { exporter: CNPG, description: "age of the oldest open transaction per database, user, state" },
  cnpg_backends_waiting_total: { exporter: CNPG, description: "backends waiting on another backend's lock" },
  cnpg_pg_database_size_bytes: { exporter: CNPG, description: "disk space used per database" },
  cnpg_pg_database_xid_age: { exporter: CNPG, description: "transactions since the oldest unfrozen XID per database" },
  cnpg_pg_replication_streaming_replicas: { exporter: CNPG, description: "streaming replicas connected to the instance" },
  cnpg_pg_replication_slots_pg_wal_lsn_diff: { exporter: CNPG, description: "WAL bytes retained per replication slot" },
  cnpg_pg_stat_archiver_archived_count: { exporter: CNPG, description: "WAL files archived (counter)" },
  cnpg_pg_stat_archiver_failed_count: { exporter: CNPG, description: "failed WAL archive attempts (counter)" },
  cnpg_pg_stat_archiver_seconds_since_last_archival: { exporter: CNPG, description: "seconds since the last successful WAL archival (-1 never)" },
  cnpg_pg_stat_database_xact_commit: { exporter: CNPG, description: "committed transactions per database (counter)" },
  cnpg_pg_stat_database_xact_rollback: { exporter: CNPG, description: "rolled-back transactions per database (counter)" },
  cnpg_pg_stat_database_blks_hit: { exporter: CNPG, description: "blocks found in shared buffers per database (counter)" },
  cnpg_pg_stat_database_blks_read: { exporter: CNPG, description: "blocks read from disk per database (counter)" },
  cnpg_pg_stat_database_conflicts: { exporter: CNPG, description: "queries cancelled by recovery conflicts per database (counter)" },
  cnpg_pg_stat_database_temp_bytes: { exporter: CNPG, description: "bytes written to temporary files per database (counter)" },
  barman_cloud_cloudnative_pg_io_first_recoverability_point: { exporter: BARMAN, description: "earliest point-in-time recovery target (Unix seconds)" },
  cnpg_pgbouncer_pools_cl_active: { exporter: "CloudNativePG Pooler PgBouncer exporter (:9127 /metrics)", description: "client connections linked to a server connection, per database/user" },
  cnpg_pgbouncer_pools_cl_waiting: { exporter: "CloudNativePG Pooler PgBouncer exporter (:9127 /metrics)", description: "client connections waiting for a server connection" },
  cnpg_pgbouncer_pools_sv_active: { exporter: "CloudNativePG Pooler PgBouncer exporter (:9127 /metrics)", description: "server connections linked to a client" },
  cnpg_pgbouncer_pools_sv_idle: { exporter: "CloudNativePG Pooler PgBouncer exporter (:9127 /metrics)", description: "idle server connections" },
  cnpg_pgbouncer_pools_maxwait: { exporter: "CloudNativePG Pooler PgBouncer exporter (:9127 /metrics)", description: "wait of the oldest queued client, whole seconds" },
  cnpg_pgbouncer_pools_maxwait_us: { exporter: "CloudNativePG Pooler PgBouncer exporter (:9127 /metrics)", description: "microsecond part of the oldest client's wait" },
  cnpg_pgbouncer_stats_avg_query_time: { exporter: "CloudNativePG Pooler PgBouncer exporter (:9127 /metrics)", description: "average query duration per database, microseconds" },
  cnpg_pg_stat_statements_top_calls: { exporter: "CloudNativePG instance manager, custom query pg_stat_statements_top (components/postgres/queries.ts)", description: "executions of one of the top statements by total time (datname, queryid, query)" },
  cnpg_pg_stat_statements_top_total_exec_seconds: { exporter: "CloudNativePG instance manager, custom query pg_stat_statements_top (components/postgres/queries.ts)", description: "total execution time of one of the top statements" },
  cnpg_pg_stat_statements_top_mean_exec_seconds: { exporter: "CloudNativePG instance manager, custom query pg_stat_statements_top (components/postgres/queries.ts)", description: "mean execution time of one of the top statements" },

  // Envoy (the edge gateway's data plane; Envoy's Prometheus stat names)
  envoy_http_downstream_rq_xx: { exporter: ENVOY, description: "requests by response code class (envoy_response_code_class) per listener's connection manager" },
  envoy_http_downstream_rq_total: { exporter: ENVOY, description: "requests received per connection manager" },
  envoy_http_downstream_cx_active: { exporter: ENVOY, description: "open client connections per connection manager" },
  envoy_cluster_upstream_rq_xx: { exporter: ENVOY, description: "upstream responses by code class per backend cluster (one per route backend)" },
};

/** Aggregation operators and keywords that look like identifiers but are not metrics. */
const KEYWORDS = new Set([
  "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
  "limitk", "limit_ratio", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
  "and", "or", "unless", "atan2", "inf", "nan", "start", "end",
]);
/** Keywords followed by a parenthesised label list. */
const LABEL_LIST_KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);

const IDENT_RE = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const NUMBER_RE = /(0x[0-9a-fA-F]+|(?:[0-9]+(?:ms|[smhdwy]))+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)/y;

function skipString(expr: string, i: number): number {
  const quote = expr[i];
  let j = i + 1;
  while (j < expr.length && expr[j] !== quote) j += expr[j] === "\\" && quote !== "`" ? 2 : 1;
  return j + 1;
}

function skipSpace(expr: string, i: number): number {
  while (i < expr.length && /\s/.test(expr[i]!)) i++;
  return i;
}

/** Index after the bracket closing the one at `i`, skipping strings inside. */
function skipBracket(expr: string, i: number, open: string, close: string): number {
  let depth = 0;
  let j = i;
  while (j < expr.length) {
    const c = expr[j]!;
    if (c === '"' || c === "'" || c === "`") {
      j = skipString(expr, j);
      continue;
    }
    if (c === open) depth++;
    if (c === close && --depth === 0) return j + 1;
    j++;
  }
  return j;
}

/**
 * Metric names referenced by a PromQL expression, sorted and unique. Skips
 * functions, aggregations and keywords, label names (in braces and in
 * by/without/on/ignoring/group_* lists), numbers, durations and strings;
 * `{__name__="x"}` yields `x`.
 */
export function metricNamesInExpr(expr: string): string[] {
  const found = new Set<string>();
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === "`") {
      i = skipString(expr, i);
    } else if (c === "#") {
      while (i < expr.length && expr[i] !== "\n") i++;
    } else if (c === "{") {
      const end = skipBracket(expr, i, "{", "}");
      const m = /__name__\s*=\s*["']([a-zA-Z_:][a-zA-Z0-9_:]*)["']/.exec(expr.slice(i, end));
      if (m) found.add(m[1]!);
      i = end;
    } else if (c === "[") {
      i = skipBracket(expr, i, "[", "]");
    } else if (/[0-9.]/.test(c)) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(expr);
      i += m ? Math.max(m[0].length, 1) : 1;
    } else if (/[a-zA-Z_:]/.test(c)) {
      IDENT_RE.lastIndex = i;
      const word = IDENT_RE.exec(expr)![0];
      i += word.length;
      const lower = word.toLowerCase();
      const next = skipSpace(expr, i);
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        if (expr[next] === "(") i = skipBracket(expr, next, "(", ")");
      } else if (KEYWORDS.has(lower)) {
        // not a metric
      } else if (expr[next] === "(") {
        // function call
      } else {
        found.add(word);
      }
    } else {
      i++;
    }
  }
  return [...found].sort();
}
