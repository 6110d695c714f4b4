/**
 * Redis / Valkey alerts, on the metrics of redis_exporter (v1.88, `redis_*`), run
 * as a sidecar of every data pod and every Sentinel and scraped through the
 * ServiceMonitors of components/redis (labels namespace, service, pod).
 *
 * - data pods: `redis_up`, `redis_instance_info{role, maxmemory_policy}`,
 *   `redis_memory_used_bytes` / `redis_memory_max_bytes`, `redis_evicted_keys_total`,
 *   `redis_rejected_connections_total`, `redis_master_link_up` (replicas),
 *   `redis_rdb_last_bgsave_status`, `redis_aof_last_write_status`, `redis_aof_last_bgrewrite_status`;
 * - Sentinels: `redis_sentinel_master_status{master_name, master_address, master_status}`
 *   (1 when "ok"), `redis_sentinel_master_ckquorum_status{master_name, message}` (1 when
 *   SENTINEL CKQUORUM succeeds: enough Sentinels reachable for the quorum and a majority).
 */
import { alertRule, num, resolveDomain, sel, type DomainSpec } from "./options";
import type { AlertOptions, RuleGroup } from "./types";

export const REDIS_SPEC = {
  prefix: "redis",
  runbook: "redis",
  thresholds: {
    "redis.memoryRatio": { default: 0.9, min: 0, max: 1, exclusiveMin: true, description: "used_memory / maxmemory (0.9 = 90%): evictions or, with noeviction, refused writes ahead" },
    "redis.evictionsPerSecond": {
      default: 0,
      min: 0,
      description: "evictions per second tolerated where eviction is not the design (noeviction, volatile-*, allkeys-random)",
    },
    "redis.cacheEvictionsPerSecond": {
      default: 100,
      min: 0,
      description: "evictions per second tolerated on a cache (allkeys-lru / allkeys-lfu), where evicting is normal",
    },
    "redis.rejectedConnections": { default: 0, min: 0, description: "connections refused (maxclients reached) tolerated within redis.rejected.window" },
  },
  durations: {
    "redis.down.for": { default: "2m", allowZero: true, description: "how long a server or Sentinel must be unreachable" },
    "redis.memory.for": { default: "5m", allowZero: true, description: "how long memory must stay above the threshold" },
    "redis.evictions.window": { default: "5m", description: "window of the eviction rate" },
    "redis.evictions.for": { default: "5m", allowZero: true, description: "how long evictions must go on" },
    "redis.rejected.window": { default: "5m", description: "window in which rejected connections are counted" },
    "redis.replication.for": { default: "2m", allowZero: true, description: "how long a replica's link to the primary must be down" },
    "redis.noPrimary.for": { default: "1m", allowZero: true, description: "how long a deployment must be without a primary, or with two" },
    "redis.quorum.for": { default: "1m", allowZero: true, description: "how long Sentinel's quorum check must fail" },
    "redis.persistence.for": { default: "1m", allowZero: true, description: "how long a failed RDB save or AOF write must persist" },
  },
  selectors: {
    "redis.targets": { default: `container="redis-exporter"`, description: "the `up` series of the redis_exporter sidecars" },
  },
} as const satisfies DomainSpec<string, string, string>;

const BY = "namespace, service, pod";

export function redisAlertGroups(opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(REDIS_SPEC, opts);
  const t = r.thresholds;
  const d = r.durations;
  const ew = d["redis.evictions.window"];
  return [
    {
      name: "platform.redis",
      rules: [
        alertRule({
          alert: "RedisDown",
          expr: `
  max by (${BY}) (redis_up) == 0
or
  max by (${BY}) (up${sel(r.selectors["redis.targets"])}) == 0`,
          for: d["redis.down.for"],
          severity: "critical",
          summary: "Redis {{ $labels.namespace }}/{{ $labels.pod }} is down",
          description: "The exporter of {{ $labels.pod }} ({{ $labels.service }}) in {{ $labels.namespace }} cannot reach its Redis server or Sentinel, or the exporter itself cannot be scraped.",
          runbookUrl: r.runbookUrl("RedisDown"),
        }),
        alertRule({
          alert: "RedisMemoryHigh",
          expr: `
  max by (${BY}) (redis_memory_used_bytes)
/
  (max by (${BY}) (redis_memory_max_bytes) > 0)
> ${num(t["redis.memoryRatio"])}`,
          for: d["redis.memory.for"],
          severity: "warning",
          summary: "Redis {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of maxmemory",
          description: `{{ $labels.pod }} in {{ $labels.namespace }} uses {{ $value | humanizePercentage }} of its maxmemory (threshold ${num(t["redis.memoryRatio"] * 100)}%): at 100% it evicts keys or, with noeviction, refuses writes.`,
          runbookUrl: r.runbookUrl("RedisMemoryHigh"),
        }),
        alertRule({
          alert: "RedisEvictingKeys",
          expr: `
  (
    sum by (${BY}) (rate(redis_evicted_keys_total[${ew}])) > ${num(t["redis.evictionsPerSecond"])}
    and on (${BY}) max by (${BY}) (redis_instance_info{maxmemory_policy!~"allkeys-l[rf]u"})
  )
or
  (
    sum by (${BY}) (rate(redis_evicted_keys_total[${ew}])) > ${num(t["redis.cacheEvictionsPerSecond"])}
    and on (${BY}) max by (${BY}) (redis_instance_info{maxmemory_policy=~"allkeys-l[rf]u"})
  )`,
          for: d["redis.evictions.for"],
          severity: "warning",
          summary: 'Redis {{ $labels.namespace }}/{{ $labels.pod }} evicts {{ $value | printf "%.1f" }} keys/s',
          description: `{{ $labels.pod }} in {{ $labels.namespace }} has been evicting keys at maxmemory over ${ew}: data the applications wrote is being dropped (sessions, rate limits) or the cache is too small for its working set.`,
          runbookUrl: r.runbookUrl("RedisEvictingKeys"),
        }),
        alertRule({
          alert: "RedisRejectedConnections",
          expr: `sum by (${BY}) (increase(redis_rejected_connections_total[${d["redis.rejected.window"]}])) > ${num(t["redis.rejectedConnections"])}`,
          severity: "warning",
          summary: "Redis {{ $labels.namespace }}/{{ $labels.pod }} rejects connections",
          description: `{{ $labels.pod }} in {{ $labels.namespace }} refused {{ $value | printf "%.0f" }} connections in the last ${d["redis.rejected.window"]} (maxclients reached): clients see errors.`,
          runbookUrl: r.runbookUrl("RedisRejectedConnections"),
        }),
        alertRule({
          alert: "RedisReplicationBroken",
          expr: `max by (${BY}) (redis_master_link_up) == 0`,
          for: d["redis.replication.for"],
          severity: "warning",
          summary: "Replica {{ $labels.namespace }}/{{ $labels.pod }} lost its primary",
          description: "The replication link of {{ $labels.pod }} in {{ $labels.namespace }} to its primary is down: it serves stale data and cannot take over in a failover without losing writes.",
          runbookUrl: r.runbookUrl("RedisReplicationBroken"),
        }),
        alertRule({
          alert: "RedisNoPrimary",
          expr: `
  count by (namespace, service) (redis_instance_info{role=~"master|slave"})
unless on (namespace, service)
  count by (namespace, service) (redis_instance_info{role="master"})
or
  count by (namespace, service) (redis_instance_info{role="master"}) > 1`,
          for: d["redis.noPrimary.for"],
          severity: "critical",
          summary: "Redis {{ $labels.namespace }}/{{ $labels.service }} has no primary, or more than one",
          description: "The data pods behind {{ $labels.service }} in {{ $labels.namespace }} have no primary (writes fail everywhere) or more than one (split brain: writes to the wrong one will be lost when Sentinel converts it).",
          runbookUrl: r.runbookUrl("RedisNoPrimary"),
        }),
        alertRule({
          alert: "RedisSentinelPrimaryDown",
          expr: `min by (namespace, service, master_name) (redis_sentinel_master_status) == 0`,
          for: d["redis.noPrimary.for"],
          severity: "critical",
          summary: "Sentinel reports primary {{ $labels.master_name }} in {{ $labels.namespace }} not ok",
          description: "A Sentinel of {{ $labels.service }} in {{ $labels.namespace }} sees primary {{ $labels.master_name }} as down (sdown/odown) and no failover has replaced it yet.",
          runbookUrl: r.runbookUrl("RedisSentinelPrimaryDown"),
        }),
        alertRule({
          alert: "RedisSentinelQuorumLost",
          expr: `min by (namespace, service, master_name) (redis_sentinel_master_ckquorum_status) == 0`,
          for: d["redis.quorum.for"],
          severity: "critical",
          summary: "Sentinels of {{ $labels.master_name }} in {{ $labels.namespace }} cannot reach quorum",
          description: "SENTINEL CKQUORUM fails on a Sentinel of {{ $labels.service }} in {{ $labels.namespace }}: too few Sentinels are reachable to agree the primary is down or to authorise a failover. The next primary failure will not be handled.",
          runbookUrl: r.runbookUrl("RedisSentinelQuorumLost"),
        }),
        alertRule({
          alert: "RedisPersistenceFailing",
          expr: `
  min by (${BY}) (redis_rdb_last_bgsave_status) == 0
or
  min by (${BY}) (redis_aof_last_write_status) == 0
or
  min by (${BY}) (redis_aof_last_bgrewrite_status) == 0`,
          for: d["redis.persistence.for"],
          severity: "critical",
          summary: "Redis {{ $labels.namespace }}/{{ $labels.pod }} fails to persist its data",
          description: "The last RDB snapshot, AOF write or AOF rewrite of {{ $labels.pod }} in {{ $labels.namespace }} failed (volume full or read-only, fork failed): a restart would lose data, and with stop-writes-on-bgsave-error writes are refused.",
          runbookUrl: r.runbookUrl("RedisPersistenceFailing"),
        }),
      ],
    },
  ];
}
