/**
 * Keycloak dashboard (uid `platform-keycloak`) for components/keycloak: servers answering,
 * logins and failed logins per realm, failures by error, token refreshes, response times of
 * the realm endpoints against the alert's line, and user sessions.
 *
 * Source: the servers' management port (`/metrics`) through the component's ServiceMonitor:
 * `keycloak_user_events_total{realm, event, error}` (tags limited to the realm),
 * `http_server_requests_seconds_*{uri}`, and Infinispan's `vendor_statistics_approximate_entries{cache}`.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, finalize, labelVariable, q, row, statPanel, steps, timeseriesPanel } from "./common";
import type { ResolvedDashboardOptions } from "./options";
import { m } from "./promql";

export const KEYCLOAK_DASHBOARD_UID = "platform-keycloak";

const NS = 'namespace=~"$namespace"';
const SRV = m(NS, 'container="keycloak"');
const EV = m(NS, 'realm=~"$realm"');
const LOGIN = m(EV, 'event="login"');
const R = "$__rate_interval";

export function keycloakDashboard(o: ResolvedDashboardOptions): Dashboard {
  const b = dashboard({
    uid: KEYCLOAK_DASHBOARD_UID,
    title: "Platform / Keycloak",
    description: "Keycloak servers, logins and failures by error, token refreshes, response times and sessions.",
    area: "keycloak",
  })
    .withVariable(labelVariable("namespace", "Namespace", "keycloak_user_events_total"))
    .withVariable(labelVariable("realm", "Realm", `keycloak_user_events_total{${NS}}`))

    .withRow(row("Summary"))
    .withPanel(statPanel({
      title: "Servers answering", description: "Keycloak pods whose management endpoint answers.",
      unit: "short", span: 6, queries: [q(`sum(up{${m(NS, 'container="keycloak", endpoint="management"')}}) or vector(0)`)],
    }))
    .withPanel(statPanel({
      title: "Logins per minute", description: "Successful logins in the selected realms.",
      unit: "short", span: 6, queries: [q(`sum(rate(keycloak_user_events_total{${m(LOGIN, 'error=""')}}[${R}])) * 60`)],
    }))
    .withPanel(statPanel({
      title: "Failed logins", description: "Share of logins that failed; the spike alert needs both a rate and a share.",
      unit: "percentunit", span: 6, thresholds: steps(0.3, 0.1),
      queries: [q(`sum(rate(keycloak_user_events_total{${m(LOGIN, 'error!=""')}}[${R}])) / sum(rate(keycloak_user_events_total{${LOGIN}}[${R}]))`)],
    }))
    .withPanel(statPanel({
      title: "User sessions", description: "Approximate entries of the sessions cache (per node; replicated entries counted on each owner).",
      unit: "short", span: 6, queries: [q(`max(vendor_statistics_approximate_entries{${m(NS, 'cache="sessions"')}})`)],
    }))

    .withRow(row("Logins"))
    .withPanel(timeseriesPanel({
      title: "Logins", description: "Successful and failed logins per second, per realm.",
      unit: "ops", span: 12, min: 0,
      queries: [
        q(`sum by (realm) (rate(keycloak_user_events_total{${m(LOGIN, 'error=""')}}[${R}]))`, "ok {{realm}}"),
        q(`sum by (realm) (rate(keycloak_user_events_total{${m(LOGIN, 'error!=""')}}[${R}]))`, "failed {{realm}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Failures by error", description: "Failed logins by Keycloak's error: invalid_user_credentials, user_not_found, user_temporarily_disabled (brute-force lockout), invalid_client_credentials.",
      unit: "ops", span: 12, min: 0,
      queries: [q(`sum by (error) (rate(keycloak_user_events_total{${m(EV, 'error!=""')}}[${R}]))`, "{{error}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Token exchanges and refreshes", description: "Authorization codes exchanged for tokens, refreshes and logouts per second.",
      unit: "ops", span: 24, min: 0,
      queries: [q(`sum by (event) (rate(keycloak_user_events_total{${m(EV, 'event=~"code_to_token|refresh_token|logout"')}}[${R}]))`, "{{event}}")],
    }))

    .withRow(row("Responses"))
    .withPanel(timeseriesPanel({
      title: "Response time p95 (realm endpoints)", description: `95th percentile of the public realm endpoints; KeycloakSlowResponses fires above ${o.keycloakLatencyP95Seconds} s.`,
      unit: "s", span: 12, min: 0, thresholds: steps(o.keycloakLatencyP95Seconds),
      queries: [q(`histogram_quantile(0.95, sum by (le, uri) (rate(http_server_requests_seconds_bucket{${m(SRV, 'uri=~"/realms/.*"')}}[${R}])))`, "{{uri}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Requests by status", description: "Requests per second by HTTP status.",
      unit: "reqps", span: 12, min: 0,
      queries: [q(`sum by (status) (rate(http_server_requests_seconds_count{${SRV}}[${R}]))`, "{{status}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "User sessions per node", description: "Approximate entries of the sessions cache per pod.",
      unit: "short", span: 24, min: 0,
      queries: [q(`max by (pod) (vendor_statistics_approximate_entries{${m(NS, 'cache="sessions"')}})`, "{{pod}}")],
    }));
  return finalize(b);
}
