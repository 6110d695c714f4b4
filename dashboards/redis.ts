/**
 * Redis dashboard (uid `platform-redis`) for components/redis: health and role
 * of every data pod, memory against maxmemory (the alert's line), throughput and
 * hit ratio, clients, evictions and expiries, replication, persistence, and the
 * Sentinels' view of the primary and their quorum.
 *
 * Source: the redis_exporter sidecars (v1.88), scraped through the component's
 * ServiceMonitors: data pods behind `<name>-headless` (`$redis`), Sentinels
 * behind `<name>-sentinel-headless` (`$sentinel`).
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, finalize, labelVariable, q, row, statPanel, steps, timeseriesPanel } from "./common";
import type { ResolvedDashboardOptions } from "./options";
import { m } from "./promql";

export const REDIS_DASHBOARD_UID = "platform-redis";

const NS = 'namespace=~"$namespace"';
const DATA = m(NS, 'service=~"$redis"');
const SENT = m(NS, 'service=~"$sentinel"');
const R = "$__rate_interval";

export function redisDashboard(o: ResolvedDashboardOptions): Dashboard {
  const b = dashboard({
    uid: REDIS_DASHBOARD_UID,
    title: "Platform / Redis",
    description: "Redis / Valkey data pods and Sentinels: memory vs maxmemory, throughput, hit ratio, evictions, replication, persistence, quorum.",
    area: "redis",
  })
    .withVariable(labelVariable("namespace", "Namespace", "redis_up"))
    .withVariable(labelVariable("redis", "Redis", `redis_instance_info{${NS}, role=~"master|slave"}`, "service"))
    .withVariable(labelVariable("sentinel", "Sentinels", `redis_sentinel_master_status{${NS}}`, "service"))

    .withRow(row("Summary"))
    .withPanel(statPanel({
      title: "Servers up", description: "Data pods whose exporter reaches Redis.",
      unit: "short", span: 4, queries: [q(`sum(redis_up{${DATA}})`)],
    }))
    .withPanel(statPanel({
      title: "Primaries", description: "Data pods in role master: exactly 1 is healthy; 0 is an outage, 2 a split brain.",
      unit: "short", span: 4, queries: [q(`count(redis_instance_info{${m(DATA, 'role="master"')}}) or vector(0)`)],
    }))
    .withPanel(statPanel({
      title: "Memory used", description: `Highest used_memory / maxmemory; the warning alert fires above ${o.redisMemoryRatio * 100}%.`,
      unit: "percentunit", span: 4, decimals: 1, thresholds: steps(o.redisMemoryRatio, o.redisMemoryRatio * 0.8),
      queries: [q(`max(redis_memory_used_bytes{${DATA}} / (redis_memory_max_bytes{${DATA}} > 0))`)],
    }))
    .withPanel(statPanel({
      title: "Hit ratio", description: "Key lookups that found their key, over the rate window.",
      unit: "percentunit", span: 4, decimals: 1,
      queries: [q(`sum(rate(redis_keyspace_hits_total{${DATA}}[${R}])) / (sum(rate(redis_keyspace_hits_total{${DATA}}[${R}])) + sum(rate(redis_keyspace_misses_total{${DATA}}[${R}])))`)],
    }))
    .withPanel(statPanel({
      title: "Sentinels ok", description: "Sentinels that see the primary healthy (lowest over the Sentinels).",
      unit: "short", span: 4, queries: [q(`min(redis_sentinel_master_ok_sentinels{${SENT}})`)],
    }))
    .withPanel(statPanel({
      title: "Quorum reachable", description: "1 when SENTINEL CKQUORUM succeeds on every Sentinel.",
      unit: "bool_yes_no", span: 4, queries: [q(`min(redis_sentinel_master_ckquorum_status{${SENT}})`)],
    }))

    .withRow(row("Memory and keys"))
    .withPanel(timeseriesPanel({
      title: "Memory vs maxmemory", description: "used_memory per pod, and maxmemory (70% of the container limit by default).",
      unit: "bytes", span: 12, min: 0,
      queries: [q(`max by (pod) (redis_memory_used_bytes{${DATA}})`, "used {{pod}}"), q(`max(redis_memory_max_bytes{${DATA}})`, "maxmemory")],
    }))
    .withPanel(timeseriesPanel({
      title: "Evictions and expiries", description: "Keys evicted at maxmemory (data loss unless the instance is a cache) and keys expired by TTL, per second.",
      unit: "ops", span: 12, min: 0,
      queries: [
        q(`sum by (pod) (rate(redis_evicted_keys_total{${DATA}}[${R}]))`, "evicted {{pod}}"),
        q(`sum by (pod) (rate(redis_expired_keys_total{${DATA}}[${R}]))`, "expired {{pod}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Keys", description: "Keys per database on each pod.",
      unit: "short", span: 12, min: 0, queries: [q(`sum by (pod, db) (redis_db_keys{${DATA}})`, "{{pod}} {{db}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Fragmentation", description: "RSS over used_memory: above 1.5 memory is wasted, below 1 the pod swaps.",
      unit: "short", span: 12, thresholds: steps(1.5), queries: [q(`max by (pod) (redis_mem_fragmentation_ratio{${DATA}})`, "{{pod}}")],
    }))

    .withRow(row("Traffic"))
    .withPanel(timeseriesPanel({
      title: "Commands", description: "Commands processed per second per pod.",
      unit: "ops", span: 8, min: 0, queries: [q(`sum by (pod) (rate(redis_commands_processed_total{${DATA}}[${R}]))`, "{{pod}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Slowest commands", description: "Mean time per call of the five slowest commands.",
      unit: "s", span: 8, min: 0,
      queries: [q(`topk(5, sum by (cmd) (rate(redis_commands_duration_seconds_total{${DATA}}[${R}])) / sum by (cmd) (rate(redis_commands_total{${DATA}}[${R}])))`, "{{cmd}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Clients", description: "Connected and blocked clients, and connections refused at maxclients.",
      unit: "short", span: 8, min: 0,
      queries: [
        q(`sum by (pod) (redis_connected_clients{${DATA}})`, "connected {{pod}}"),
        q(`sum by (pod) (redis_blocked_clients{${DATA}})`, "blocked {{pod}}"),
        q(`sum by (pod) (increase(redis_rejected_connections_total{${DATA}}[${R}]))`, "rejected {{pod}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Network", description: "Bytes in and out per second (clients and replication).",
      unit: "Bps", span: 12, min: 0,
      queries: [
        q(`sum by (pod) (rate(redis_net_input_bytes_total{${DATA}}[${R}]))`, "in {{pod}}"),
        q(`sum by (pod) (rate(redis_net_output_bytes_total{${DATA}}[${R}]))`, "out {{pod}}"),
      ],
    }))

    .withRow(row("Replication and persistence"))
    .withPanel(timeseriesPanel({
      title: "Replicas and links", description: "Replicas connected to the primary, and each replica's link (1 up, 0 down).",
      unit: "short", span: 12, min: 0,
      queries: [q(`max by (pod) (redis_connected_slaves{${DATA}})`, "replicas of {{pod}}"), q(`max by (pod) (redis_master_link_up{${DATA}})`, "link {{pod}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Replica lag", description: "Seconds since each replica's last acknowledgement, as the primary sees it (min-replicas-max-lag refuses writes above 10 s).",
      unit: "s", span: 12, min: 0, thresholds: steps(10, 2),
      queries: [q(`max by (slave_ip) (redis_connected_slave_lag_seconds{${DATA}})`, "{{slave_ip}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Last RDB snapshot", description: "Age of the last successful RDB snapshot per pod.",
      unit: "s", span: 12, min: 0, queries: [q(`time() - max by (pod) (redis_rdb_last_save_timestamp_seconds{${DATA}})`, "{{pod}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Persistence status", description: "1 when the last RDB snapshot, AOF write and AOF rewrite succeeded; 0 pages.",
      unit: "short", span: 12, min: 0, max: 1,
      queries: [
        q(`min by (pod) (redis_rdb_last_bgsave_status{${DATA}})`, "rdb {{pod}}"),
        q(`min by (pod) (redis_aof_last_write_status{${DATA}})`, "aof write {{pod}}"),
        q(`min by (pod) (redis_aof_last_bgrewrite_status{${DATA}})`, "aof rewrite {{pod}}"),
      ],
    }))

    .withRow(row("Sentinel"))
    .withPanel(timeseriesPanel({
      title: "Primary as the Sentinels see it", description: "1 when a Sentinel sees the primary ok; the address shows which pod is primary.",
      unit: "short", span: 12, min: 0, max: 1, queries: [q(`min by (master_name, master_address) (redis_sentinel_master_status{${SENT}})`, "{{master_name}} {{master_address}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Healthy Sentinels and replicas", description: "Sentinels and replicas not in s_down/o_down, per Sentinel.",
      unit: "short", span: 12, min: 0,
      queries: [
        q(`min by (pod) (redis_sentinel_master_ok_sentinels{${SENT}})`, "sentinels ({{pod}})"),
        q(`min by (pod) (redis_sentinel_master_ok_slaves{${SENT}})`, "replicas ({{pod}})"),
      ],
    }));
  return finalize(b);
}
