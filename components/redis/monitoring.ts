/**
 * Scraping and alerting of a Redis deployment: ServiceMonitors on the headless
 * Services (the redis_exporter sidecars, port `metrics`) and the Redis alert
 * rules of alerts/redis.ts.
 */
import { redisRuleGroups, type ExpectedScrape } from "../../alerts";
import { isAlertRule, type AlertOptions } from "../../alerts/types";
import { componentAlertOptions, componentRuleSpec } from "../lib/component-rules";
import type { RedisArgs, ResolvedRedisArgs } from "./args";
import { dataSelector, sentinelSelector } from "./spec";

type Obj = Record<string, unknown>;

const endpoint = { port: "metrics", path: "/metrics", interval: "30s", scrapeTimeout: "10s" };

export function dataServiceMonitorSpec(a: ResolvedRedisArgs): Obj {
  return { selector: { matchLabels: dataSelector(a) }, namespaceSelector: { matchNames: [a.namespace] }, endpoints: [endpoint] };
}

export function sentinelServiceMonitorSpec(a: ResolvedRedisArgs): Obj {
  return { selector: { matchLabels: sentinelSelector(a) }, namespaceSelector: { matchNames: [a.namespace] }, endpoints: [endpoint] };
}

/** Alert options for the Redis rules: only the `redis.*` overrides are passed on. */
export function redisAlertOptions(m: RedisArgs["monitoring"]): AlertOptions {
  return componentAlertOptions(m, "redis");
}

/**
 * The jobs of the ServiceMonitors (prometheus-operator names a ServiceMonitor's job after the
 * Service: the headless ones carry the `metrics` port): the Redis alerts and dashboard read them,
 * so each gets a ScrapeTargetsMissing alert (alerts/presence.ts).
 */
export function redisScrapes(a: ResolvedRedisArgs): ExpectedScrape[] {
  return [
    { job: a.headless, namespace: a.namespace, reads: "the Redis alerts (down, memory, evictions, replication, persistence) and dashboard" },
    ...(a.sentinel ? [{ job: a.sentinel.headless, namespace: a.namespace, reads: "the Sentinel alerts (primary status, quorum)" }] : []),
  ];
}

/** Alerts that read only the Sentinels' exporters: a standalone Redis has none to watch (no scrape produces their metrics). */
export const SENTINEL_ALERTS: readonly string[] = ["RedisSentinelPrimaryDown", "RedisSentinelQuorumLost"];

/**
 * PrometheusRule `spec` of the Redis alerts and the presence alerts of `scrapes`, each labelled
 * with the owning team; `sentinel: false` leaves out the alerts that read only Sentinel metrics.
 */
export function redisPrometheusRuleSpec(m: RedisArgs["monitoring"], scrapes: readonly ExpectedScrape[] = [], sentinel = true): Obj {
  const groups = redisRuleGroups(redisAlertOptions(m)).map((g) => ({ ...g, rules: g.rules.filter((r) => sentinel || !isAlertRule(r) || !SENTINEL_ALERTS.includes(r.alert)) }));
  return componentRuleSpec(groups, { group: "redis.scrapes", scrapes }, m, m.team ?? "platform");
}
