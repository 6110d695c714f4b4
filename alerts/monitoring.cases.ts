/** promtool unit-test scenarios for alerts/monitoring.ts (default thresholds and durations). */
import { counter, gauge, series, type DomainCases } from "./promtool-harness";

const PROM = { namespace: "monitoring", job: "kube-prometheus-stack-prometheus", instance: "10.0.0.9:9090", pod: "prometheus-0" };
const AM = { namespace: "monitoring", job: "kube-prometheus-stack-alertmanager", instance: "10.0.0.8:9093", pod: "alertmanager-0" };
const RULES = { namespace: "monitoring", pod: "prometheus-0", job: "kube-prometheus-stack-prometheus", rule_group: "/etc/prometheus/rules/platform.yaml;platform.application" };
const REDIS = { namespace: "shop", job: "redis-exporter" };

export const monitoringCases: DomainCases = {
  firing: [
    {
      alert: "Watchdog",
      name: "always",
      series: [series("up", PROM, gauge([11, 1]))],
      onset: 0,
      labels: { severity: "none" },
    },
    {
      alert: "PrometheusDown",
      name: "the only Prometheus target down during minutes 6-19",
      series: [series("up", PROM, gauge([6, 1], [14, 0], [10, 1]))],
      onset: 6,
      labels: { severity: "critical" },
      resolvedAt: 20,
    },
    {
      alert: "AlertmanagerDown",
      name: "the only Alertmanager target down during minutes 6-19",
      series: [series("up", AM, gauge([6, 1], [14, 0], [10, 1]))],
      onset: 6,
      labels: { severity: "critical" },
      resolvedAt: 20,
    },
    {
      alert: "PrometheusRuleEvaluationFailures",
      name: "one failure per minute during minutes 1-25",
      value: 5,
      series: [series("prometheus_rule_evaluation_failures_total", RULES, counter(3, [26, 1], [15, 0]))],
      onset: 1,
      labels: { namespace: "monitoring", pod: "prometheus-0", rule_group: RULES.rule_group, severity: "warning" },
      resolvedAt: 31,
    },
    {
      alert: "TargetDown",
      name: "1 of 2 redis-exporter targets down during minutes 1-20",
      value: 0.5,
      series: [
        series("up", { ...REDIS, instance: "a:9121" }, gauge([31, 1])),
        series("up", { ...REDIS, instance: "b:9121" }, gauge([1, 1], [20, 0], [10, 1])),
      ],
      onset: 1,
      labels: { namespace: "shop", job: "redis-exporter", severity: "warning" },
      resolvedAt: 21,
    },
  ],
  silent: [
    {
      alert: "PrometheusDown",
      name: "one of two Prometheus replicas down; the operator job does not count",
      series: [
        series("up", PROM, gauge([21, 1])),
        series("up", { ...PROM, instance: "10.0.0.10:9090", pod: "prometheus-1" }, gauge([21, 0])),
        series("up", { namespace: "monitoring", job: "kube-prometheus-stack-operator", instance: "10.0.0.7:8080" }, gauge([21, 0])),
      ],
      at: [11, 20],
    },
    {
      alert: "AlertmanagerDown",
      name: "one of two Alertmanagers down",
      series: [series("up", AM, gauge([21, 1])), series("up", { ...AM, instance: "10.0.0.11:9093", pod: "alertmanager-1" }, gauge([21, 0]))],
      at: [11, 20],
    },
    {
      alert: "PrometheusRuleEvaluationFailures",
      name: "no new failures",
      series: [series("prometheus_rule_evaluation_failures_total", RULES, gauge([31, 3]))],
      at: [16, 30],
    },
    {
      alert: "TargetDown",
      name: "1 of 10 rabbitmq targets down: 10%, not above it",
      series: Array.from({ length: 10 }, (_, i) =>
        series("up", { namespace: "shop", job: "rabbitmq", instance: `r${i}:15692` }, gauge([21, i === 0 ? 0 : 1])),
      ),
      at: [11, 20],
    },
  ],
};
