/**
 * Keycloak alerts, on the server's own Micrometer metrics (management port 9000 `/metrics`,
 * `metrics-enabled`), scraped by the Keycloak component's ServiceMonitor on the operator's
 * Service `<name>-service` (target labels namespace, service, pod, container="keycloak",
 * endpoint="management"). Names as Keycloak 26.5.5 serves them (checked by test/keycloak):
 *
 * - `keycloak_user_events_total{realm, event, error}` (`event-metrics-user-enabled`, tags limited
 *   to `realm`): `error=""` is a success, anything else a failure reason;
 * - `http_server_requests_seconds_bucket{method, outcome, status, uri, le}`
 *   (`http-metrics-histograms-enabled`), `uri` a route template such as `/realms/{realm}/protocol/{protocol}/auth`.
 */
import { alertRule, num, resolveDomain, sel, type DomainSpec } from "./options";
import type { AlertOptions, RuleGroup } from "./types";

export const KEYCLOAK_SPEC = {
  prefix: "keycloak",
  runbook: "keycloak",
  thresholds: {
    "keycloak.loginFailuresPerSecond": { default: 0.5, min: 0, description: "failed logins per second in a realm above which (with the ratio) the spike alerts" },
    "keycloak.loginFailureRatio": { default: 0.3, min: 0, max: 1, description: "share of logins failing in a realm above which (with the rate) the spike alerts" },
    "keycloak.latencyP95Seconds": { default: 1, min: 0, description: "p95 response time of the public realm endpoints above which Keycloak is slow" },
  },
  durations: {
    "keycloak.down.for": { default: "2m", allowZero: true, description: "how long a server's management endpoint must be unreachable" },
    "keycloak.loginFailures.window": { default: "5m", description: "window of the login failure rate" },
    "keycloak.loginFailures.for": { default: "10m", allowZero: true, description: "how long the failure spike must last" },
    "keycloak.latency.window": { default: "5m", description: "window of the response-time quantile" },
    "keycloak.latency.for": { default: "10m", allowZero: true, description: "how long responses must stay slow" },
  },
  selectors: {
    "keycloak.targets": { default: `container="keycloak", endpoint="management"`, description: "the `up` series of the Keycloak servers' management endpoints" },
  },
} as const satisfies DomainSpec<string, string, string>;

export function keycloakAlertGroups(opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(KEYCLOAK_SPEC, opts);
  const t = r.thresholds;
  const d = r.durations;
  const fw = d["keycloak.loginFailures.window"];
  const failures = `sum by (namespace, realm) (rate(keycloak_user_events_total{event="login", error!=""}[${fw}]))`;
  const logins = `sum by (namespace, realm) (rate(keycloak_user_events_total{event="login"}[${fw}]))`;
  return [
    {
      name: "platform.keycloak",
      rules: [
        alertRule({
          alert: "KeycloakDown",
          expr: `max by (namespace, service, pod) (up${sel(r.selectors["keycloak.targets"])}) == 0`,
          for: d["keycloak.down.for"],
          severity: "critical",
          summary: "Keycloak server {{ $labels.namespace }}/{{ $labels.pod }} is down",
          description: "Prometheus cannot scrape the management endpoint of {{ $labels.pod }} ({{ $labels.service }}) in {{ $labels.namespace }}: the server is stopped, starting (rebuilding, migrating) or its pod is gone. Logins it served fail over to the other instances; with none left nobody can sign in.",
          runbookUrl: r.runbookUrl("KeycloakDown"),
        }),
        alertRule({
          alert: "KeycloakLoginFailureSpike",
          expr: `
  ${failures} > ${num(t["keycloak.loginFailuresPerSecond"])}
and
  (${failures} / ${logins}) > ${num(t["keycloak.loginFailureRatio"])}`,
          for: d["keycloak.loginFailures.for"],
          severity: "warning",
          summary: `Keycloak realm {{ $labels.realm }} in {{ $labels.namespace }}: {{ $value | printf "%.2f" }} failed logins per second`,
          description: `More than ${num(t["keycloak.loginFailuresPerSecond"])} logins per second fail in realm {{ $labels.realm }} ({{ $labels.namespace }}), over ${num(t["keycloak.loginFailureRatio"] * 100)} % of all logins, for ${fw}: credential stuffing or a broken client. Brute-force detection locks the attacked accounts; the dashboard shows the errors.`,
          runbookUrl: r.runbookUrl("KeycloakLoginFailureSpike"),
        }),
        alertRule({
          alert: "KeycloakSlowResponses",
          expr: `histogram_quantile(0.95, sum by (namespace, service, le) (rate(http_server_requests_seconds_bucket{container="keycloak", uri=~"/realms/.*"}[${d["keycloak.latency.window"]}]))) > ${num(t["keycloak.latencyP95Seconds"])}`,
          for: d["keycloak.latency.for"],
          severity: "warning",
          summary: "Keycloak {{ $labels.namespace }}/{{ $labels.service }}: p95 of realm endpoints is {{ $value | humanizeDuration }}",
          description: `The 95th percentile of Keycloak's public realm endpoints (login pages, token, userinfo, certs) in {{ $labels.namespace }} is above ${num(t["keycloak.latencyP95Seconds"])} s: the database is slow, the pods are CPU-starved (password hashing) or caches are rebalancing.`,
          runbookUrl: r.runbookUrl("KeycloakSlowResponses"),
        }),
      ],
    },
  ];
}
