/**
 * Scraping and alerting of a Redis deployment: ServiceMonitors on the headless
 * Services (the redis_exporter sidecars, port `metrics`) and the Redis alert
 * rules of alerts/redis.ts.
 */
import { redisRuleGroups, toRuleFileObject } from "../../alerts";
import { isAlertRule, type AlertOptions } from "../../alerts/types";
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
  const only = <T>(r: Readonly<Record<string, T>> | undefined) => Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => k.startsWith("redis.")));
  return { runbookBaseUrl: m.runbookBaseUrl, thresholds: only(m.thresholds), durations: only(m.durations) };
}

/** PrometheusRule `spec` of the Redis alerts, each labelled with the owning team. */
export function redisPrometheusRuleSpec(m: RedisArgs["monitoring"]): Obj {
  const team = m.team ?? "platform";
  const groups = redisRuleGroups(redisAlertOptions(m)).map((g) => ({
    ...g,
    rules: g.rules.map((r) => (isAlertRule(r) ? { ...r, labels: { ...r.labels, team } } : r)),
  }));
  return toRuleFileObject(groups);
}
