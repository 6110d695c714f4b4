/** promtool unit-test scenarios for alerts/keycloak.ts (default thresholds and durations). Labels as the Keycloak component's ServiceMonitor produces them. */
import { counter, gauge, series, type DomainCases } from "./promtool-harness";

const NS = "shop";
const target = (n: number) => ({
  namespace: NS,
  service: "keycloak-service",
  pod: `keycloak-${n}`,
  job: "keycloak-service",
  instance: `10.0.2.${n + 1}:9000`,
  container: "keycloak",
  endpoint: "management",
});
const login = (n: number, error: string) => ({ ...target(n), realm: "platform", event: "login", error });
const bucket = (le: string, uri = "/realms/{realm}/protocol/{protocol}/token") => ({ ...target(0), method: "POST", outcome: "SUCCESS", status: "200", uri, le });
/** Buckets of a histogram whose requests all take `seconds` (counts per minute). */
const histogram = (seconds: number, perMinute: number, minutes: number, uri?: string) =>
  ["0.1", "0.5", "1", "2.5", "+Inf"].map((le) => series("http_server_requests_seconds_bucket", bucket(le, uri), le === "+Inf" || Number(le) >= seconds ? counter(10, [minutes, perMinute]) : counter(1, [minutes, 0])));

export const keycloakCases: DomainCases = {
  firing: [
    {
      alert: "KeycloakDown",
      name: "a server's management endpoint unreachable during minutes 1-10",
      series: [series("up", target(1), gauge([1, 1], [10, 0], [10, 1])), series("up", target(0), gauge([21, 1]))],
      onset: 1,
      labels: { namespace: NS, service: "keycloak-service", pod: "keycloak-1", severity: "critical" },
      resolvedAt: 11,
    },
    {
      alert: "KeycloakLoginFailureSpike",
      name: "60 failed logins a minute (1/s) against 30 successes, minutes 1-30",
      value: 1,
      series: [
        series("keycloak_user_events_total", login(0, "invalid_user_credentials"), counter(5, [1, 0], [30, 60], [30, 0])),
        series("keycloak_user_events_total", login(0, ""), counter(100, [61, 30])),
      ],
      onset: 3,
      labels: { namespace: NS, realm: "platform", severity: "warning" },
      resolvedAt: 40,
    },
    {
      alert: "KeycloakSlowResponses",
      name: "token requests taking 2 s during minutes 1-40",
      // Every request in the (1, 2.5] bucket: histogram_quantile interpolates 1 + 0.95 × 1.5.
      value: 2.425,
      series: histogram(2, 60, 41),
      onset: 1,
      labels: { namespace: NS, service: "keycloak-service", severity: "warning" },
      resolvedAt: 50,
    },
  ],
  silent: [
    {
      alert: "KeycloakDown",
      name: "one failed minute, shorter than for: 2m",
      series: [series("up", target(0), gauge([1, 1], [1, 0], [19, 1]))],
      at: [1, 2, 3, 4],
    },
    {
      alert: "KeycloakLoginFailureSpike",
      name: "1/s failures but only 10 % of logins (busy realm); 0.2/s failures at 50 % (quiet realm)",
      series: [
        series("keycloak_user_events_total", login(0, "invalid_user_credentials"), counter(5, [41, 60])),
        series("keycloak_user_events_total", login(0, ""), counter(100, [41, 540])),
        series("keycloak_user_events_total", { ...login(0, "invalid_user_credentials"), realm: "quiet" }, counter(5, [41, 12])),
        series("keycloak_user_events_total", { ...login(0, ""), realm: "quiet" }, counter(5, [41, 12])),
      ],
      at: [16, 30, 40],
    },
    {
      alert: "KeycloakSlowResponses",
      name: "token requests at 0.4 s; slow requests on the admin API only",
      series: [...histogram(0.4, 60, 41), ...histogram(2, 60, 41, "/admin/realms/{realm}/users")],
      at: [16, 30, 40],
    },
  ],
};
