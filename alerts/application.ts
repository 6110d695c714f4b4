/**
 * RED alerts for Spring Boot services (Actuator + Micrometer), aggregated per
 * `namespace, service`: 5xx error ratio, p95 latency and scrape-target health.
 *
 * The latency alert needs histogram buckets: set
 * `management.metrics.distribution.percentiles-histogram.http.server.requests=true`
 * (or SLO boundaries) in the application.
 */
import { alertRule, resolveDomain, sel, num, type DomainSpec } from "./options";
import type { AlertOptions, RuleGroup } from "./types";

/** Thresholds, durations and selectors of the application alerts, with their defaults. */
export const APPLICATION_SPEC = {
  prefix: "app",
  runbook: "application",
  thresholds: {
    "app.errorRatio": {
      default: 0.05,
      min: 0,
      max: 1,
      exclusiveMin: true,
      description: "share of requests answered 5xx over app.errorRate.window (0.05 = 5%)",
    },
    "app.latencyP95Seconds": {
      default: 1,
      min: 0,
      exclusiveMin: true,
      description: "p95 request duration in seconds over app.latency.window",
    },
  },
  durations: {
    "app.errorRate.window": { default: "5m", description: "rate window of the 5xx ratio" },
    "app.errorRate.for": { default: "1m", allowZero: true, description: "how long the 5xx ratio must stay high before paging" },
    "app.latency.window": { default: "5m", description: "rate window of the p95 latency" },
    "app.latency.for": { default: "10m", allowZero: true, description: "how long p95 must stay high" },
    "app.down.for": { default: "2m", allowZero: true, description: "how long a target must be down before paging" },
  },
  selectors: {
    "app.targets": {
      default: 'namespace!~"kube-system|monitoring|cert-manager|cnpg-system", container!="postgres"',
      description: "which scrape targets and request metrics belong to the applications",
    },
  },
} as const satisfies DomainSpec<string, string, string>;

/** Alert and recording rules for the applications' request rate, errors and duration. */
export function applicationRuleGroups(opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(APPLICATION_SPEC, opts);
  const t = r.thresholds;
  const d = r.durations;
  const app = r.selectors["app.targets"];
  const errWin = d["app.errorRate.window"];
  const latWin = d["app.latency.window"];
  const requests = (extra: string) => `http_server_requests_seconds_count${sel(app, extra)}`;

  return [
    {
      name: "platform.application",
      rules: [
        alertRule({
          alert: "ApplicationHighErrorRate",
          expr: `
  sum by (namespace, service) (rate(${requests('status=~"5.."')}[${errWin}]))
/
  sum by (namespace, service) (rate(${requests("")}[${errWin}]))
> ${num(t["app.errorRatio"])}`,
          for: d["app.errorRate.for"],
          severity: "critical",
          summary: "{{ $labels.service }} answers too many requests with 5xx",
          description: `{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} in {{ $labels.namespace }} failed with a 5xx status over the last ${errWin} (threshold ${num(t["app.errorRatio"] * 100)}%).`,
          runbookUrl: r.runbookUrl("ApplicationHighErrorRate"),
        }),
        alertRule({
          alert: "ApplicationHighLatency",
          expr: `
histogram_quantile(0.95,
  sum by (namespace, service, le) (rate(http_server_requests_seconds_bucket${sel(app)}[${latWin}]))
) > ${num(t["app.latencyP95Seconds"])}`,
          for: d["app.latency.for"],
          severity: "warning",
          summary: `{{ $labels.service }} p95 latency is above ${num(t["app.latencyP95Seconds"])}s`,
          description: `95th percentile request duration of {{ $labels.service }} in {{ $labels.namespace }} is {{ $value | humanizeDuration }} over the last ${latWin} (threshold ${num(t["app.latencyP95Seconds"])}s).`,
          runbookUrl: r.runbookUrl("ApplicationHighLatency"),
        }),
        alertRule({
          alert: "ApplicationTargetDown",
          expr: `up${sel(app)} == 0`,
          for: d["app.down.for"],
          severity: "critical",
          summary: "{{ $labels.job }} target {{ $labels.instance }} is down",
          description: "Prometheus cannot scrape {{ $labels.instance }} ({{ $labels.job }}, pod {{ $labels.pod }}) in {{ $labels.namespace }}: the process is down, not listening, or its health endpoint fails.",
          runbookUrl: r.runbookUrl("ApplicationTargetDown"),
        }),
      ],
    },
  ];
}
