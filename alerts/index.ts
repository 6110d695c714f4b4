/**
 * Prometheus alert and recording rules as typed code.
 *
 * - `platformRuleGroups(opts)`: application, JVM, Kubernetes, certificates, monitoring;
 * - `postgresRuleGroups(opts)`: CloudNativePG + Barman Cloud plugin;
 * - `sloRuleGroups(slos, opts)`: per-workload SLO recording rules and burn-rate alerts;
 * - `toRuleFileYaml(groups)`: a Prometheus rule file (what promtool and Prometheus load).
 */
import { dump } from "js-yaml";
import { APPLICATION_SPEC, applicationRuleGroups } from "./application";
import { CERTIFICATES_SPEC, certificateRuleGroups } from "./certificates";
import { JVM_SPEC, jvmRuleGroups } from "./jvm";
import { KUBERNETES_SPEC, kubernetesRuleGroups } from "./kubernetes";
import { MONITORING_SPEC, monitoringRuleGroups } from "./monitoring";
import { checkKnownKeys, checkRunbookBaseUrl, resolveDomain, type DomainSpec } from "./options";
import { POSTGRES_SPEC, postgresAlertGroups } from "./postgres";
import { REDIS_SPEC, redisAlertGroups } from "./redis";
import { RABBITMQ_SPEC, rabbitmqAlertGroups } from "./rabbitmq";
import { KEYCLOAK_SPEC, keycloakAlertGroups } from "./keycloak";
import { SLO_SPEC } from "./slo";
import { isAlertRule, type AlertOptions, type Rule, type RuleGroup } from "./types";

export * from "./types";
export { APPLICATION_SPEC, applicationRuleGroups } from "./application";
export { JVM_SPEC, jvmRuleGroups } from "./jvm";
export { KUBERNETES_SPEC, kubernetesRuleGroups } from "./kubernetes";
export { CERTIFICATES_SPEC, certificateRuleGroups } from "./certificates";
export { MONITORING_SPEC, monitoringRuleGroups } from "./monitoring";
export { scrapePresenceGroup, type ExpectedScrape } from "./presence";
export { POSTGRES_SPEC, postgresAlertGroups } from "./postgres";
export { REDIS_SPEC, redisAlertGroups } from "./redis";
export { RABBITMQ_SPEC, rabbitmqAlertGroups } from "./rabbitmq";
export { KEYCLOAK_SPEC, keycloakAlertGroups } from "./keycloak";
export {
  SLO_SPEC,
  SLO_DEFAULTS,
  SLO_WINDOWS,
  BURN_RATES,
  sloRuleGroups,
  sloRecordName,
  leLabel,
  resolveSlis,
  type WorkloadSlo,
  type LatencyObjective,
} from "./slo";
export { METRICS, metricNamesInExpr, type MetricInfo } from "./metrics-catalog";
export {
  durationSeconds,
  isPromDuration,
  type DomainSpec,
  type ThresholdSpec,
  type DurationSpec,
  type SelectorSpec,
} from "./options";

/** Every domain's documented tables, keyed by domain file name. */
export const ALERT_DOMAINS = {
  application: APPLICATION_SPEC,
  jvm: JVM_SPEC,
  kubernetes: KUBERNETES_SPEC,
  certificates: CERTIFICATES_SPEC,
  monitoring: MONITORING_SPEC,
  postgres: POSTGRES_SPEC,
  slo: SLO_SPEC,
  redis: REDIS_SPEC,
  rabbitmq: RABBITMQ_SPEC,
  keycloak: KEYCLOAK_SPEC,
} as const;

type AnySpec = DomainSpec<string, string, string>;
const SPECS = Object.values(ALERT_DOMAINS) as readonly AnySpec[];

/** The default value of every threshold key, for documentation and stack-config schemas. */
export const DEFAULT_THRESHOLDS: Readonly<Record<string, number>> = Object.fromEntries(
  SPECS.flatMap((s) => Object.entries(s.thresholds).map(([k, v]) => [k, v.default])),
);
/** The default value of every duration key. */
export const DEFAULT_DURATIONS: Readonly<Record<string, string>> = Object.fromEntries(
  SPECS.flatMap((s) => Object.entries(s.durations).map(([k, v]) => [k, v.default])),
);

/**
 * Throws on the first unknown key or bad value anywhere in `opts`, naming the
 * key and the value; returns `opts` unchanged. Stacks call it while reading config.
 */
export function validateAlertOptions(opts: AlertOptions): AlertOptions {
  checkRunbookBaseUrl(opts.runbookBaseUrl);
  checkKnownKeys(opts, {
    thresholds: SPECS.flatMap((s) => Object.keys(s.thresholds)),
    durations: SPECS.flatMap((s) => Object.keys(s.durations)),
    selectors: SPECS.flatMap((s) => Object.keys(s.selectors)),
  });
  for (const spec of SPECS) resolveDomain(spec, opts);
  return opts;
}

/**
 * Resolved thresholds, durations and selectors of every domain (defaults merged
 * with overrides), after `validateAlertOptions`.
 */
export function resolveAlertOptions(opts: AlertOptions): {
  thresholds: Record<string, number>;
  durations: Record<string, string>;
  selectors: Record<string, string>;
} {
  validateAlertOptions(opts);
  const out = { thresholds: {}, durations: {}, selectors: {} } as {
    thresholds: Record<string, number>;
    durations: Record<string, string>;
    selectors: Record<string, string>;
  };
  for (const spec of SPECS) {
    const r = resolveDomain(spec, opts);
    Object.assign(out.thresholds, r.thresholds);
    Object.assign(out.durations, r.durations);
    Object.assign(out.selectors, r.selectors);
  }
  return out;
}

/** Application, JVM, Kubernetes, certificate and monitoring rules. */
export function platformRuleGroups(opts: AlertOptions): RuleGroup[] {
  validateAlertOptions(opts);
  return [
    ...applicationRuleGroups(opts),
    ...jvmRuleGroups(opts),
    ...kubernetesRuleGroups(opts),
    ...certificateRuleGroups(opts),
    ...monitoringRuleGroups(opts),
  ];
}

/** CloudNativePG and Barman Cloud plugin rules. */
export function postgresRuleGroups(opts: AlertOptions): RuleGroup[] {
  validateAlertOptions(opts);
  return postgresAlertGroups(opts);
}

/** Redis / Valkey rules (redis_exporter on the data pods and Sentinels). */
export function redisRuleGroups(opts: AlertOptions): RuleGroup[] {
  validateAlertOptions(opts);
  return redisAlertGroups(opts);
}

/** RabbitMQ rules (the brokers' rabbitmq_prometheus endpoints). */
export function rabbitmqRuleGroups(opts: AlertOptions): RuleGroup[] {
  validateAlertOptions(opts);
  return rabbitmqAlertGroups(opts);
}

/** Keycloak rules (the servers' management endpoints). */
export function keycloakRuleGroups(opts: AlertOptions): RuleGroup[] {
  validateAlertOptions(opts);
  return keycloakAlertGroups(opts);
}

function sortedRecord(r: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (r === undefined) return undefined;
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]!]));
}

function ruleToPlain(rule: Rule): Record<string, unknown> {
  if (isAlertRule(rule)) {
    return {
      alert: rule.alert,
      expr: rule.expr,
      ...(rule.for !== undefined ? { for: rule.for } : {}),
      labels: sortedRecord(rule.labels),
      annotations: sortedRecord(rule.annotations),
    };
  }
  return { record: rule.record, expr: rule.expr, ...(rule.labels ? { labels: sortedRecord(rule.labels) } : {}) };
}

/** The `{ groups: [...] }` object of a rule file (also the `spec` of a PrometheusRule). */
export function toRuleFileObject(groups: readonly RuleGroup[]): { groups: Record<string, unknown>[] } {
  const names = new Set<string>();
  for (const g of groups) {
    if (names.has(g.name)) throw new Error(`rule group name ${JSON.stringify(g.name)} appears twice; group names must be unique in a rule file`);
    names.add(g.name);
  }
  return {
    groups: groups.map((g) => ({
      name: g.name,
      ...(g.interval !== undefined ? { interval: g.interval } : {}),
      rules: g.rules.map(ruleToPlain),
    })),
  };
}

/** A Prometheus rule file as YAML, with a stable key order. */
export function toRuleFileYaml(groups: readonly RuleGroup[]): string {
  return dump(toRuleFileObject(groups), { lineWidth: -1, noRefs: true, quotingType: '"' });
}
