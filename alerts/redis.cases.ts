/** promtool unit-test scenarios for alerts/redis.ts (default thresholds and durations). Labels as the ServiceMonitors of components/redis produce them. */
import { counter, gauge, series, type DomainCases } from "./promtool-harness";

const NS = "shop";
const SVC = "redis-headless";
const pod = (n: number) => ({ namespace: NS, service: SVC, pod: `redis-${n}`, job: SVC, instance: `10.0.0.${n + 1}:9121`, container: "redis-exporter", endpoint: "metrics" });
const SENTINEL = { namespace: NS, service: "redis-sentinel-headless", pod: "redis-sentinel-0", job: "redis-sentinel-headless", container: "redis-exporter", endpoint: "metrics" };
const at = (n: number, severity: string) => ({ namespace: NS, service: SVC, pod: `redis-${n}`, severity });
const info = (n: number, role: string, policy: string) => ({ ...pod(n), role, maxmemory_policy: policy, redis_version: "8.10.1", redis_mode: "standalone" });

export const redisCases: DomainCases = {
  firing: [
    {
      alert: "RedisDown",
      name: "the exporter cannot reach Redis during minutes 1-10",
      series: [series("redis_up", pod(0), gauge([1, 1], [10, 0], [10, 1])), series("up", pod(0), gauge([21, 1]))],
      onset: 1,
      labels: at(0, "critical"),
      resolvedAt: 11,
    },
    {
      alert: "RedisDown",
      name: "the exporter itself cannot be scraped during minutes 1-10",
      series: [series("redis_up", pod(1), "1 stale _x9 1x9"), series("up", pod(1), gauge([1, 1], [10, 0], [10, 1]))],
      onset: 1,
      labels: at(1, "critical"),
      resolvedAt: 11,
    },
    {
      alert: "RedisMemoryHigh",
      name: "95% of maxmemory until minute 20",
      value: 0.95,
      series: [series("redis_memory_used_bytes", pod(0), gauge([21, 95], [10, 50])), series("redis_memory_max_bytes", pod(0), gauge([31, 100]))],
      onset: 0,
      labels: at(0, "warning"),
      resolvedAt: 21,
    },
    {
      alert: "RedisEvictingKeys",
      name: "1 eviction/s under volatile-lru (evicting was not the design) until minute 20",
      value: 1,
      series: [series("redis_evicted_keys_total", pod(0), counter(1000, [21, 60], [20, 0])), series("redis_instance_info", info(0, "master", "volatile-lru"), gauge([41, 1]))],
      onset: 1,
      labels: at(0, "warning"),
      resolvedAt: 26,
    },
    {
      alert: "RedisEvictingKeys",
      name: "a cache (allkeys-lru) evicting 200 keys/s until minute 20",
      value: 200,
      series: [series("redis_evicted_keys_total", pod(1), counter(1000, [21, 12_000], [20, 0])), series("redis_instance_info", info(1, "master", "allkeys-lru"), gauge([41, 1]))],
      // rate() over 5m of a counter that starts at minute 0 only passes 100/s at minute 3 (2 and 3 samples in the window).
      onset: 3,
      labels: at(1, "warning"),
      resolvedAt: 26,
    },
    {
      alert: "RedisRejectedConnections",
      name: "one connection refused at minute 6",
      value: 1,
      series: [series("redis_rejected_connections_total", pod(0), counter(10, [6, 0], [1, 1], [24, 0]))],
      onset: 6,
      labels: at(0, "warning"),
      resolvedAt: 11,
    },
    {
      alert: "RedisReplicationBroken",
      name: "replica's link down during minutes 1-10",
      series: [series("redis_master_link_up", { ...pod(1), master_host: "redis-0.redis-headless.shop.svc.cluster.local", master_port: "6379" }, gauge([1, 1], [10, 0], [10, 1]))],
      onset: 1,
      labels: at(1, "warning"),
      resolvedAt: 11,
    },
    {
      alert: "RedisNoPrimary",
      name: "primary gone and no replica promoted during minutes 3-10",
      series: [
        series("redis_instance_info", info(0, "master", "noeviction"), "1x2 stale"),
        series("redis_instance_info", info(0, "slave", "noeviction"), "_x3 1x17"),
        series("redis_instance_info", info(1, "slave", "noeviction"), "1x10 stale"),
        series("redis_instance_info", info(1, "master", "noeviction"), "_x11 1x9"),
      ],
      onset: 3,
      labels: { namespace: NS, service: SVC, severity: "critical" },
      resolvedAt: 11,
    },
    {
      alert: "RedisNoPrimary",
      name: "two primaries (split brain) during minutes 1-10",
      series: [
        series("redis_instance_info", info(0, "master", "noeviction"), gauge([21, 1])),
        series("redis_instance_info", info(1, "slave", "noeviction"), "1 stale _x9 1x9"),
        series("redis_instance_info", info(1, "master", "noeviction"), "_ 1x9 stale"),
      ],
      onset: 1,
      labels: { namespace: NS, service: SVC, severity: "critical" },
      resolvedAt: 11,
    },
    {
      alert: "RedisSentinelPrimaryDown",
      name: "Sentinel sees the primary odown during minutes 1-5",
      series: [
        series("redis_sentinel_master_status", { ...SENTINEL, master_name: "mymaster", master_address: "redis-0:6379", master_status: "ok" }, "1 stale _x4 1x14"),
        series("redis_sentinel_master_status", { ...SENTINEL, master_name: "mymaster", master_address: "redis-0:6379", master_status: "odown" }, "_ 0x4 stale"),
      ],
      onset: 1,
      labels: { namespace: NS, service: "redis-sentinel-headless", master_name: "mymaster", severity: "critical" },
      resolvedAt: 6,
    },
    {
      alert: "RedisSentinelQuorumLost",
      name: "CKQUORUM fails during minutes 1-10",
      series: [
        series("redis_sentinel_master_ckquorum_status", { ...SENTINEL, master_name: "mymaster", message: "OK 3 usable Sentinels. Quorum and failover authorization can be reached" }, "1 stale _x9 1x9"),
        series("redis_sentinel_master_ckquorum_status", { ...SENTINEL, master_name: "mymaster", message: "NOQUORUM 1 usable Sentinels" }, "_ 0x9 stale"),
      ],
      onset: 1,
      labels: { namespace: NS, service: "redis-sentinel-headless", master_name: "mymaster", severity: "critical" },
      resolvedAt: 11,
    },
    {
      alert: "RedisPersistenceFailing",
      name: "RDB snapshot failing during minutes 1-10",
      series: [series("redis_rdb_last_bgsave_status", pod(0), gauge([1, 1], [10, 0], [10, 1])), series("redis_aof_last_write_status", pod(0), gauge([21, 1]))],
      onset: 1,
      labels: at(0, "critical"),
      resolvedAt: 11,
    },
    {
      alert: "RedisPersistenceFailing",
      name: "AOF writes failing during minutes 1-10",
      series: [series("redis_rdb_last_bgsave_status", pod(1), gauge([21, 1])), series("redis_aof_last_write_status", pod(1), gauge([1, 1], [10, 0], [10, 1]))],
      onset: 1,
      labels: at(1, "critical"),
      resolvedAt: 11,
    },
  ],
  silent: [
    {
      alert: "RedisDown",
      name: "one failed minute, shorter than for: 2m",
      series: [series("redis_up", pod(0), gauge([1, 1], [1, 0], [19, 1])), series("up", pod(0), gauge([21, 1]))],
      at: [1, 2, 3, 4],
    },
    {
      alert: "RedisMemoryHigh",
      name: "exactly 90% of maxmemory; and no maxmemory (0) at all",
      series: [
        series("redis_memory_used_bytes", pod(0), gauge([21, 90])),
        series("redis_memory_max_bytes", pod(0), gauge([21, 100])),
        series("redis_memory_used_bytes", pod(1), gauge([21, 95])),
        series("redis_memory_max_bytes", pod(1), gauge([21, 0])),
      ],
      at: [6, 20],
    },
    {
      alert: "RedisEvictingKeys",
      name: "a cache evicting 60 keys/s (below 100/s); noeviction with no evictions",
      series: [
        series("redis_evicted_keys_total", pod(0), counter(1000, [21, 3600])),
        series("redis_instance_info", info(0, "master", "allkeys-lru"), gauge([21, 1])),
        series("redis_evicted_keys_total", pod(1), gauge([21, 0])),
        series("redis_instance_info", info(1, "master", "noeviction"), gauge([21, 1])),
      ],
      at: [6, 10, 20],
    },
    {
      alert: "RedisRejectedConnections",
      name: "no connection refused",
      series: [series("redis_rejected_connections_total", pod(0), gauge([21, 10]))],
      at: [5, 10, 20],
    },
    {
      alert: "RedisReplicationBroken",
      name: "link down for one minute, shorter than for: 2m",
      series: [series("redis_master_link_up", { ...pod(1), master_host: "redis-0", master_port: "6379" }, gauge([1, 1], [1, 0], [19, 1]))],
      at: [1, 2, 3],
    },
    {
      alert: "RedisNoPrimary",
      name: "one primary and two replicas",
      series: [
        series("redis_instance_info", info(0, "master", "noeviction"), gauge([21, 1])),
        series("redis_instance_info", info(1, "slave", "noeviction"), gauge([21, 1])),
        series("redis_instance_info", info(2, "slave", "noeviction"), gauge([21, 1])),
      ],
      at: [2, 10, 20],
    },
    {
      alert: "RedisSentinelPrimaryDown",
      name: "primary ok",
      series: [series("redis_sentinel_master_status", { ...SENTINEL, master_name: "mymaster", master_address: "redis-0:6379", master_status: "ok" }, gauge([21, 1]))],
      at: [2, 10],
    },
    {
      alert: "RedisSentinelQuorumLost",
      name: "quorum reachable",
      series: [series("redis_sentinel_master_ckquorum_status", { ...SENTINEL, master_name: "mymaster", message: "OK 3 usable Sentinels" }, gauge([21, 1]))],
      at: [2, 10],
    },
    {
      alert: "RedisPersistenceFailing",
      name: "every save and write succeeds",
      series: [series("redis_rdb_last_bgsave_status", pod(0), gauge([21, 1])), series("redis_aof_last_write_status", pod(0), gauge([21, 1])), series("redis_aof_last_bgrewrite_status", pod(0), gauge([21, 1]))],
      at: [2, 10, 20],
    },
  ],
};
