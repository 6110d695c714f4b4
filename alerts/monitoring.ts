/**
 * Alerts about the monitoring itself: Prometheus or Alertmanager gone, rule
 * evaluations failing, scrape targets down, and the always-firing `Watchdog`
 * that an external dead man's switch expects as a heartbeat.
 */
import { alertRule, num, resolveDomain, sel, type DomainSpec } from "./options";
import type { AlertOptions, RuleGroup } from "./types";

/** Thresholds, durations and selectors of the monitoring alerts, with their defaults. */
export const MONITORING_SPEC = {
  prefix: "monitoring",
  runbook: "monitoring",
  thresholds: {
    "monitoring.targetsDownRatio": {
      default: 0.1,
      min: 0,
      max: 1,
      description: "share of a job's targets that are down (0.1 = 10%)",
    },
  },
  durations: {
    "monitoring.prometheusDown.for": { default: "5m", allowZero: true, description: "how long no Prometheus target may be up" },
    "monitoring.alertmanagerDown.for": { default: "5m", allowZero: true, description: "how long no Alertmanager target may be up" },
    "monitoring.ruleFailures.window": { default: "5m", description: "window in which rule evaluation failures are counted" },
    "monitoring.ruleFailures.for": { default: "15m", allowZero: true, description: "how long rule evaluations must keep failing" },
    "monitoring.targetsDown.for": { default: "10m", allowZero: true, description: "how long the targets must stay down" },
    "monitoring.scrapeMissing.for": { default: "15m", allowZero: true, description: "how long a scrape job that alerts read may have no target at all (ScrapeTargetsMissing)" },
  },
  selectors: {
    "monitoring.prometheus": {
      default: 'job=~".*prometheus"',
      description: "the `up` series of the Prometheus servers (kube-prometheus-stack names the job <release>-prometheus)",
    },
    "monitoring.alertmanager": {
      default: 'job=~".*alertmanager"',
      description: "the `up` series of the Alertmanagers",
    },
  },
} as const satisfies DomainSpec<string, string, string>;

/** Alert rules about Prometheus, Alertmanager and scraping, plus the Watchdog heartbeat. */
export function monitoringRuleGroups(opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(MONITORING_SPEC, opts);
  const t = r.thresholds;
  const d = r.durations;
  const s = r.selectors;
  return [
    {
      name: "platform.monitoring",
      rules: [
        alertRule({
          alert: "Watchdog",
          expr: "vector(1)",
          severity: "none",
          summary: "Heartbeat: the alerting pipeline works",
          description: "This alert always fires. Alertmanager routes it to a dead man's switch; when the heartbeat stops, Prometheus, Alertmanager or the route between them is broken.",
          runbookUrl: r.runbookUrl("Watchdog"),
        }),
        alertRule({
          alert: "PrometheusDown",
          expr: `absent(up${sel(s["monitoring.prometheus"])} == 1)`,
          for: d["monitoring.prometheusDown.for"],
          severity: "critical",
          summary: "No Prometheus server is up",
          description: "No Prometheus target matching the monitoring.prometheus selector has been scraped successfully: metrics and alerts are not being collected.",
          runbookUrl: r.runbookUrl("PrometheusDown"),
        }),
        alertRule({
          alert: "AlertmanagerDown",
          expr: `absent(up${sel(s["monitoring.alertmanager"])} == 1)`,
          for: d["monitoring.alertmanagerDown.for"],
          severity: "critical",
          summary: "No Alertmanager is up",
          description: "No Alertmanager target matching the monitoring.alertmanager selector is up: alerts fire but nobody is notified.",
          runbookUrl: r.runbookUrl("AlertmanagerDown"),
        }),
        alertRule({
          alert: "PrometheusRuleEvaluationFailures",
          expr: `sum by (namespace, pod, rule_group) (increase(prometheus_rule_evaluation_failures_total[${d["monitoring.ruleFailures.window"]}])) > 0`,
          for: d["monitoring.ruleFailures.for"],
          severity: "warning",
          summary: "Prometheus {{ $labels.pod }} fails to evaluate rules",
          description: "{{ $value | printf \"%.0f\" }} evaluations of group {{ $labels.rule_group }} failed on {{ $labels.pod }}: the alerts in that group are blind.",
          runbookUrl: r.runbookUrl("PrometheusRuleEvaluationFailures"),
        }),
        alertRule({
          alert: "TargetDown",
          expr: `
  count by (namespace, job) (up == 0)
/
  count by (namespace, job) (up)
> ${num(t["monitoring.targetsDownRatio"])}`,
          for: d["monitoring.targetsDown.for"],
          severity: "warning",
          summary: "{{ $value | humanizePercentage }} of the {{ $labels.job }} targets are down",
          description: `{{ $value | humanizePercentage }} of the targets of job {{ $labels.job }} in {{ $labels.namespace }} cannot be scraped (threshold ${num(t["monitoring.targetsDownRatio"] * 100)}%).`,
          runbookUrl: r.runbookUrl("TargetDown"),
        }),
      ],
    },
  ];
}
