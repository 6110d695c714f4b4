/**
 * Test fixture: a Prometheus text exposition with the series the dashboards
 * read, labelled the way the real exporters and the Prometheus Operator label
 * them (Micrometer, kube-state-metrics, cAdvisor, kubelet, CloudNativePG,
 * its PgBouncer exporter, the Barman Cloud plugin). Counters grow with time,
 * so rate() and increase() have something to compute. Values are illustrative;
 * only names and labels matter: a query that returns nothing against this
 * fixture has a wrong metric name, label or join.
 */

type Labels = Readonly<Record<string, string>>;

function line(name: string, labels: Labels, value: number): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)
    .join(",");
  return `${name}{${l}} ${value}`;
}

export const FIXTURE = {
  namespace: "platform",
  service: "core-api",
  pod: "core-api-7d9c8b6f5-abcde",
  deployment: "core-api",
  tenant: "acme",
  uri: "/api/v1/orders",
  cluster: "pg-main",
  redisService: "redis-headless",
  sentinelService: "redis-sentinel-headless",
  vhost: "core-api",
  realm: "platform",
} as const;

/** The exposition at `t` seconds after the fixture started, with `now` as Unix time in seconds. */
export function fixtureExposition(t: number, now: number): string {
  const out: string[] = [];
  const add = (name: string, labels: Labels, value: number) => out.push(line(name, labels, value));
  const ns = FIXTURE.namespace;

  // Spring Boot / Micrometer, scraped through a ServiceMonitor (namespace, service, pod).
  const app = { namespace: ns, service: FIXTURE.service, pod: FIXTURE.pod };
  const requests = [
    { method: "GET", uri: FIXTURE.uri, status: "200", outcome: "SUCCESS", exception: "none", tenant: "acme", perSec: 50 },
    { method: "GET", uri: FIXTURE.uri, status: "500", outcome: "SERVER_ERROR", exception: "SQLException", tenant: "acme", perSec: 1 },
    { method: "POST", uri: "/api/v1/orders/{id}", status: "201", outcome: "SUCCESS", exception: "none", tenant: "globex", perSec: 10 },
    { method: "POST", uri: "/api/v1/orders/{id}", status: "404", outcome: "CLIENT_ERROR", exception: "none", tenant: "acme", perSec: 2 },
  ];
  const bounds: [string, number][] = [["0.1", 0.6], ["0.2", 0.8], ["0.5", 0.95], ["1.0", 0.99], ["+Inf", 1]];
  for (const r of requests) {
    const { perSec, ...tags } = r;
    const l = { ...app, ...tags };
    const n = 1000 + perSec * t;
    add("http_server_requests_seconds_count", l, n);
    add("http_server_requests_seconds_sum", l, n * 0.08);
    for (const [le, share] of bounds) add("http_server_requests_seconds_bucket", { ...l, le }, Math.floor(n * share));
  }
  const pool = { ...app, pool: "HikariPool-1" };
  add("hikaricp_connections_active", pool, 7);
  add("hikaricp_connections_max", pool, 10);
  add("hikaricp_connections_pending", pool, 1);
  add("hikaricp_connections_timeout_total", pool, 3 + t);

  const heap = (id: string) => ({ ...app, area: "heap", id });
  const nonheap = (id: string) => ({ ...app, area: "nonheap", id });
  add("jvm_memory_used_bytes", heap("G1 Eden Space"), 100e6);
  add("jvm_memory_used_bytes", heap("G1 Old Gen"), 200e6);
  add("jvm_memory_used_bytes", nonheap("Metaspace"), 80e6);
  add("jvm_memory_max_bytes", heap("G1 Eden Space"), -1);
  add("jvm_memory_max_bytes", heap("G1 Old Gen"), 512e6);
  add("jvm_memory_max_bytes", nonheap("Metaspace"), -1);
  add("jvm_memory_committed_bytes", nonheap("Metaspace"), 90e6);
  const gc = { ...app, action: "end of minor GC", cause: "G1 Evacuation Pause", gc: "G1 Young Generation" };
  add("jvm_gc_pause_seconds_count", gc, 100 + t);
  add("jvm_gc_pause_seconds_sum", gc, 2 + 0.01 * t);
  add("jvm_gc_pause_seconds_max", gc, 0.02);
  add("jvm_gc_live_data_size_bytes", app, 150e6);
  add("jvm_gc_max_data_size_bytes", app, 512e6);
  add("jvm_gc_memory_allocated_bytes_total", app, 1e9 + 1e7 * t);
  add("jvm_gc_memory_promoted_bytes_total", app, 1e8 + 1e5 * t);
  add("jvm_threads_live_threads", app, 60);
  add("jvm_threads_daemon_threads", app, 50);
  add("jvm_threads_peak_threads", app, 70);
  add("jvm_threads_states_threads", { ...app, state: "runnable" }, 12);
  add("jvm_threads_states_threads", { ...app, state: "waiting" }, 40);
  add("process_cpu_usage", app, 0.3);
  add("process_uptime_seconds", app, 3600 + t);

  // kube-state-metrics.
  add("kube_namespace_status_phase", { namespace: ns, phase: "Active" }, 1);
  const deploy = { namespace: ns, deployment: FIXTURE.deployment };
  add("kube_deployment_spec_replicas", deploy, 3);
  add("kube_deployment_status_replicas_available", deploy, 2);
  add("kube_deployment_status_replicas_updated", deploy, 3);
  const hpa = { namespace: ns, horizontalpodautoscaler: "core-api-hpa" };
  add("kube_horizontalpodautoscaler_info", { ...hpa, scaletargetref_api_version: "apps/v1", scaletargetref_kind: "Deployment", scaletargetref_name: FIXTURE.deployment }, 1);
  add("kube_horizontalpodautoscaler_status_current_replicas", hpa, 3);
  add("kube_horizontalpodautoscaler_status_desired_replicas", hpa, 3);
  add("kube_horizontalpodautoscaler_spec_min_replicas", hpa, 2);
  add("kube_horizontalpodautoscaler_spec_max_replicas", hpa, 3);
  const pod = { namespace: ns, pod: FIXTURE.pod, uid: "0a1b2c" };
  const container = { namespace: ns, pod: FIXTURE.pod, container: "core-api" };
  add("kube_pod_status_ready", { ...pod, condition: "true" }, 1);
  add("kube_pod_status_ready", { ...pod, condition: "false" }, 0);
  add("kube_pod_status_ready", { ...pod, condition: "unknown" }, 0);
  add("kube_pod_container_status_restarts_total", container, 2 + Math.floor(t / 2));
  add("kube_pod_container_status_last_terminated_reason", { ...container, reason: "OOMKilled" }, 1);
  for (const [resource, unit, request, limit] of [["cpu", "core", 0.5, 1], ["memory", "byte", 512e6, 1024e6]] as const) {
    add("kube_pod_container_resource_requests", { ...container, node: "n1", resource, unit }, request);
    add("kube_pod_container_resource_limits", { ...container, node: "n1", resource, unit }, limit);
  }

  // cAdvisor (kubelet /metrics/cadvisor) and kubelet volume stats.
  const cadvisor = { ...container, image: "ghcr.io/acme/core-api:1.0", id: "/kubepods/pod0a1b2c/abc" };
  add("container_cpu_usage_seconds_total", cadvisor, 100 + 0.4 * t);
  add("container_memory_working_set_bytes", cadvisor, 700e6);
  add("container_cpu_cfs_periods_total", cadvisor, 1000 + 10 * t);
  add("container_cpu_cfs_throttled_periods_total", cadvisor, 100 + t);
  add("container_cpu_usage_seconds_total", { namespace: ns, pod: FIXTURE.pod, container: "", id: "/kubepods/pod0a1b2c" }, 100 + 0.4 * t);
  const pvc = { namespace: ns, persistentvolumeclaim: `${FIXTURE.cluster}-1` };
  add("kubelet_volume_stats_used_bytes", pvc, 7e9);
  add("kubelet_volume_stats_capacity_bytes", pvc, 10e9);

  // The SLO recording rules of alerts/slo.ts, as Prometheus records them.
  for (const slo of ["availability", "latency-reads", "latency-writes"]) {
    for (const w of ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]) {
      add(`slo:error_ratio:rate${w}`, { namespace: ns, service: FIXTURE.service, slo }, 0.002);
    }
  }

  // Prometheus' own ALERTS series, as a firing rule would produce it.
  add("ALERTS", { alertname: "HttpErrorRateHigh", alertstate: "firing", severity: "critical", namespace: ns }, 1);
  add("ALERTS", { alertname: "JvmGcFrequent", alertstate: "firing", severity: "warning", namespace: ns }, 1);

  // CloudNativePG instances (PodMonitor adds namespace and pod).
  for (const [i, primary] of [[1, true], [2, false]] as const) {
    const inst = { namespace: ns, pod: `${FIXTURE.cluster}-${i}` };
    add("cnpg_collector_up", { ...inst, cluster: FIXTURE.cluster }, 1);
    add("cnpg_backends_total", { ...inst, datname: "app", usename: "app", application_name: "core-api", state: "active" }, 20);
    add("cnpg_backends_total", { ...inst, datname: "app", usename: "app", application_name: "core-api", state: "idle" }, 30);
    add("cnpg_backends_max_tx_duration_seconds", { ...inst, datname: "app", usename: "app", application_name: "core-api", state: "active" }, 4);
    add("cnpg_backends_waiting_total", inst, 0);
    add("cnpg_pg_settings_setting", { ...inst, name: "max_connections" }, 100);
    add("cnpg_pg_settings_setting", { ...inst, name: "archive_timeout" }, 300);
    add("cnpg_pg_replication_lag", inst, primary ? 0 : 2);
    add("cnpg_pg_replication_in_recovery", inst, primary ? 0 : 1);
    add("cnpg_pg_replication_streaming_replicas", inst, primary ? 1 : 0);
    for (const datname of ["app", "postgres", "template1"]) {
      const db = { ...inst, datname };
      add("cnpg_pg_database_size_bytes", db, 50e6);
      add("cnpg_pg_database_xid_age", db, 1e6);
      add("cnpg_pg_stat_database_xact_commit", db, 1e5 + 100 * t);
      add("cnpg_pg_stat_database_xact_rollback", db, 10 + t);
      add("cnpg_pg_stat_database_deadlocks", db, 1 + Math.floor(t / 3));
      add("cnpg_pg_stat_database_conflicts", db, 0);
      add("cnpg_pg_stat_database_blks_hit", db, 1e7 + 1e4 * t);
      add("cnpg_pg_stat_database_blks_read", db, 1e5 + 100 * t);
      add("cnpg_pg_stat_database_temp_bytes", db, 1e6 + 1e3 * t);
    }
    if (primary) {
      // The pg_stat_statements_top custom query (components/postgres/queries.ts), primary only.
      for (const [queryid, query, mean] of [["4211", "SELECT * FROM orders WHERE tenant_id = $1", 0.004], ["9137", "UPDATE invoices SET status = $1 WHERE id = $2", 0.35]] as const) {
        const st = { ...inst, datname: "app", queryid, query };
        add("cnpg_pg_stat_statements_top_calls", st, 1000 + 50 * t);
        add("cnpg_pg_stat_statements_top_total_exec_seconds", st, 100 + 50 * mean * t);
        add("cnpg_pg_stat_statements_top_mean_exec_seconds", st, mean);
      }
      add("cnpg_pg_stat_archiver_seconds_since_last_archival", inst, 42);
      add("cnpg_pg_stat_archiver_archived_count", inst, 500 + Math.floor(t / 2));
      add("cnpg_pg_stat_archiver_failed_count", inst, 1);
      add("cnpg_pg_replication_slots_pg_wal_lsn_diff", { ...inst, slot_name: "_cnpg_pg_main_2", slot_type: "physical", database: "" }, 16e6);
    }
    add("cnpg_collector_pg_wal_archive_status", { ...inst, value: "ready" }, 0);
    add("cnpg_collector_pg_wal_archive_status", { ...inst, value: "done" }, 7);
    add("barman_cloud_cloudnative_pg_io_last_available_backup_timestamp", inst, now - 3600);
    add("barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp", inst, now - 90000);
    add("barman_cloud_cloudnative_pg_io_first_recoverability_point", inst, now - 30 * 86400);
  }

  // CloudNativePG Pooler (PgBouncer exporter on 9127).
  const pooler = { namespace: ns, pod: `${FIXTURE.cluster}-pooler-rw-6c5d4b8f9-xyz12` };
  for (const database of ["app", "pgbouncer"]) {
    const p = { ...pooler, database, user: database === "app" ? "app" : "pgbouncer" };
    add("cnpg_pgbouncer_pools_cl_active", p, 40);
    add("cnpg_pgbouncer_pools_cl_waiting", p, 2);
    add("cnpg_pgbouncer_pools_sv_active", p, 18);
    add("cnpg_pgbouncer_pools_sv_idle", p, 2);
    add("cnpg_pgbouncer_pools_maxwait", p, 0);
    add("cnpg_pgbouncer_pools_maxwait_us", p, 250000);
    add("cnpg_pgbouncer_stats_avg_query_time", { ...pooler, database }, 1500);
  }

  // redis_exporter sidecars behind the Redis component's headless Services (a primary, a replica, a Sentinel).
  for (const [i, role] of [[0, "master"], [1, "slave"]] as const) {
    const r = { namespace: ns, service: FIXTURE.redisService, pod: `redis-${i}` };
    add("redis_up", r, 1);
    add("redis_instance_info", { ...r, role, maxmemory_policy: "noeviction", redis_version: "8.10.1", redis_mode: "standalone" }, 1);
    add("redis_memory_used_bytes", r, 300e6);
    add("redis_memory_max_bytes", r, 1.5e9);
    add("redis_mem_fragmentation_ratio", r, 1.1);
    add("redis_db_keys", { ...r, db: "db0" }, 12000);
    add("redis_evicted_keys_total", r, 5 + t);
    add("redis_expired_keys_total", r, 100 + 3 * t);
    add("redis_keyspace_hits_total", r, 1000 + 90 * t);
    add("redis_keyspace_misses_total", r, 100 + 10 * t);
    add("redis_commands_processed_total", r, 5000 + 200 * t);
    add("redis_commands_total", { ...r, cmd: "get" }, 3000 + 100 * t);
    add("redis_commands_duration_seconds_total", { ...r, cmd: "get" }, 1 + 0.001 * t);
    add("redis_connected_clients", r, 12);
    add("redis_blocked_clients", r, 1);
    add("redis_rejected_connections_total", r, 2 + t);
    add("redis_net_input_bytes_total", r, 1e6 + 5e4 * t);
    add("redis_net_output_bytes_total", r, 2e6 + 9e4 * t);
    add("redis_connected_slaves", r, role === "master" ? 1 : 0);
    if (role === "master") add("redis_connected_slave_lag_seconds", { ...r, slave_ip: "redis-1.redis-headless", slave_port: "6379", slave_state: "online" }, 0);
    else add("redis_master_link_up", { ...r, master_host: "redis-0.redis-headless", master_port: "6379" }, 1);
    add("redis_rdb_last_save_timestamp_seconds", r, now - 600);
    add("redis_rdb_last_bgsave_status", r, 1);
    add("redis_aof_last_write_status", r, 1);
    add("redis_aof_last_bgrewrite_status", r, 1);
  }
  const sentinel = { namespace: ns, service: FIXTURE.sentinelService, pod: "redis-sentinel-0", master_name: "mymaster" };
  add("redis_up", { namespace: ns, service: FIXTURE.sentinelService, pod: "redis-sentinel-0" }, 1);
  add("redis_sentinel_master_status", { ...sentinel, master_address: "redis-0.redis-headless:6379", master_status: "ok" }, 1);
  add("redis_sentinel_master_ckquorum_status", { ...sentinel, message: "OK 3 usable Sentinels" }, 1);
  add("redis_sentinel_master_ok_sentinels", { ...sentinel, master_address: "redis-0.redis-headless:6379" }, 3);
  add("redis_sentinel_master_ok_slaves", { ...sentinel, master_address: "redis-0.redis-headless:6379" }, 2);
  // rabbitmq_prometheus behind the RabbitMq component's ServiceMonitor (Service rabbitmq, pods rabbitmq-server-N).
  for (const i of [0, 1, 2]) {
    const node = { namespace: ns, service: "rabbitmq", pod: `rabbitmq-server-${i}`, container: "rabbitmq", endpoint: "prometheus" };
    add("rabbitmq_identity_info", { ...node, rabbitmq_node: `rabbit@rabbitmq-server-${i}.rabbitmq-nodes.${ns}`, rabbitmq_cluster: "rabbitmq" }, 1);
    add("rabbitmq_alarms_memory_used_watermark", node, 0);
    add("rabbitmq_alarms_free_disk_space_watermark", node, 0);
    add("rabbitmq_connections", node, 4);
    add("rabbitmq_channels", node, 8);
    add("rabbitmq_global_messages_received_total", { ...node, protocol: "amqp091" }, 100 + 20 * t);
    for (const queue_type of ["rabbit_classic_queue", "rabbit_quorum_queue"]) {
      add("rabbitmq_global_messages_delivered_total", { ...node, protocol: "amqp091", queue_type }, 90 + 18 * t);
      add("rabbitmq_global_messages_acknowledged_total", { ...node, protocol: "amqp091", queue_type }, 85 + 17 * t);
      for (const reason of ["rejected", "delivery_limit", "expired", "maxlen"]) add(`rabbitmq_global_messages_dead_lettered_${reason}_total`, { ...node, queue_type, dead_letter_strategy: "at_least_once" }, 1 + 0.1 * t);
    }
    if (i !== 0) continue;
    for (const queue of ["notifications", "notifications.dlq", "exports", "exports.dlq"]) {
      const qq = { ...node, vhost: FIXTURE.vhost, queue };
      add("rabbitmq_queue_messages_ready", qq, 12);
      add("rabbitmq_queue_messages_unacked", qq, 3);
      add("rabbitmq_queue_messages", qq, 15);
      add("rabbitmq_queue_consumers", qq, queue.endsWith(".dlq") ? 0 : 2);
      add("rabbitmq_queue_messages_published_total", { ...node, channel: "<0.1191.0>", queue_vhost: FIXTURE.vhost, queue, exchange_vhost: FIXTURE.vhost, exchange: "" }, 50 + 5 * t);
    }
  }
  // Keycloak's management port behind the Keycloak component's ServiceMonitor (Service keycloak-service, pods keycloak-N);
  // series as Keycloak 26.5.5 names them (test/keycloak reads them off a real server).
  for (const i of [0, 1]) {
    const kc = { namespace: ns, service: "keycloak-service", pod: `keycloak-${i}`, container: "keycloak", endpoint: "management" };
    add("up", kc, 1);
    for (const [event, error, rate] of [["login", "", 2], ["login", "invalid_user_credentials", 0.2], ["login", "user_not_found", 0.1], ["code_to_token", "", 2], ["refresh_token", "", 5], ["logout", "", 0.5]] as const) {
      add("keycloak_user_events_total", { ...kc, realm: FIXTURE.realm, event, error }, 10 + rate * 60 * t);
    }
    add("vendor_statistics_approximate_entries", { ...kc, cache: "sessions", cache_manager: "DefaultCacheManager", node: `keycloak-${i}` }, 40 + i);
    const uri = "/realms/{realm}/protocol/{protocol}/token";
    const base = { ...kc, method: "POST", outcome: "SUCCESS", status: "200", uri };
    for (const [le, share] of [["0.05", 0.5], ["0.1", 0.8], ["0.5", 0.97], ["1", 0.99], ["+Inf", 1]] as const) add("http_server_requests_seconds_bucket", { ...base, le }, 1 + 100 * share * t);
    add("http_server_requests_seconds_count", base, 1 + 100 * t);
    add("http_server_requests_seconds_sum", base, 0.1 + 6 * t);
  }
  return `${out.join("\n")}\n`;
}
