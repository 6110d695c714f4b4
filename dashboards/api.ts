/**
 * API dashboard (uid `platform-api`): latency percentiles, traffic per endpoint
 * and per tenant, errors, SLO burn rate and the HikariCP connection pool of the
 * Spring Boot services.
 *
 * Needs, on the service side: the `http.server.requests` histogram
 * (`management.metrics.distribution.percentiles-histogram.http.server.requests=true`),
 * the latency targets as bucket bounds
 * (`management.metrics.distribution.slo.http.server.requests=200ms,500ms`),
 * and a `tenant` tag on `http.server.requests` (a tag contributor reading the
 * JWT's tenant claim; use a fixed value such as `none` for anonymous calls, so
 * the label's cardinality stays the number of tenants).
 *
 * The burn-rate panels read the SLO recording rules of alerts/slo.ts
 * (`slo:error_ratio:rate<window>{namespace, service, slo}`), so they show the
 * same numbers the burn-rate alerts evaluate.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, finalize, labelVariable, q, row, statPanel, steps, stepsLowIsBad, timeseriesPanel } from "./common";
import { BURN_RATES, SLO_WINDOWS, sloRecordName } from "../alerts/slo";
import type { ResolvedDashboardOptions } from "./options";
import {
  burnRate,
  formatNumber,
  HTTP_COUNT,
  httpErrorRate,
  httpErrorRatio,
  httpQuantile,
  httpRate,
  httpWithin,
  m,
  READS,
  WRITES,
} from "./promql";

export const API_DASHBOARD_UID = "platform-api";

const NS = 'namespace=~"$namespace"';
const SVC = m(NS, 'service=~"$service"');
/** Service, endpoint and tenant filters; actuator endpoints (probes, scrapes) excluded. */
const APP = m(SVC, 'uri=~"$uri"', 'uri!~"/actuator.*"', 'tenant=~"$tenant"');
const PAGE = BURN_RATES.page;

/** A recorded SLO error ratio of alerts/slo.ts, for the selected services. */
function recorded(window: string, slo: string): string {
  if (!(SLO_WINDOWS as readonly string[]).includes(window)) throw new Error(`no SLO recording rule for window ${window}; alerts/slo.ts records ${SLO_WINDOWS.join(", ")}`);
  return `${sloRecordName(window)}{${m(SVC, `slo="${slo}"`)}}`;
}

export function apiDashboard(o: ResolvedDashboardOptions): Dashboard {
  const budget = formatNumber(1 - o.availabilityTarget);
  const b = dashboard({
    uid: API_DASHBOARD_UID,
    title: "Platform / API",
    description: "HTTP latency, traffic, errors and SLO of the Spring Boot services (Micrometer http_server_requests).",
    area: "api",
  })
    .withVariable(labelVariable("namespace", "Namespace", HTTP_COUNT))
    .withVariable(labelVariable("service", "Service", `${HTTP_COUNT}{${NS}}`))
    .withVariable(labelVariable("uri", "Endpoint", `${HTTP_COUNT}{${SVC}}`))
    .withVariable(labelVariable("tenant", "Tenant", `${HTTP_COUNT}{${SVC}}`))

    .withRow(row("Summary"))
    .withPanel(statPanel({
      title: "Request rate", description: "Requests per second over the rate window.",
      unit: "reqps", span: 6, queries: [q(httpRate(APP))],
    }))
    .withPanel(statPanel({
      title: "5xx ratio", description: `Share of requests answered 5xx; the critical alert fires above ${o.errorRatioCritical * 100}% for 5 minutes.`,
      unit: "percentunit", span: 6, decimals: 2, queries: [q(httpErrorRatio(APP))],
      thresholds: steps(o.errorRatioCritical, o.errorRatioCritical / 5),
    }))
    .withPanel(statPanel({
      title: "p95 latency", description: `95th percentile of request duration; the warning alert fires above ${o.p95WarningSeconds} s for 10 minutes.`,
      unit: "s", span: 6, queries: [q(httpQuantile(0.95, APP))],
      thresholds: steps(o.p95WarningSeconds, o.writeLatency.thresholdSeconds),
    }))
    .withPanel(statPanel({
      title: "Availability (time range)", description: `Share of non-5xx requests over the dashboard's time range; SLO ${o.availabilityTarget * 100}%.`,
      unit: "percentunit", span: 6, decimals: 3,
      queries: [q(`1 - (${httpErrorRatio(APP, [], "$__range")})`)],
      thresholds: stepsLowIsBad(o.availabilityTarget),
    }))

    .withRow(row("Latency"))
    .withPanel(timeseriesPanel({
      title: "Latency p50 / p95 / p99", description: "Request duration percentiles of the selected services, endpoints and tenants.",
      unit: "s", span: 12, thresholds: steps(o.p95WarningSeconds),
      queries: [q(httpQuantile(0.5, APP), "p50"), q(httpQuantile(0.95, APP), "p95"), q(httpQuantile(0.99, APP), "p99")],
    }))
    .withPanel(timeseriesPanel({
      title: "p95 latency per endpoint", description: "95th percentile per uri template.",
      unit: "s", span: 12, thresholds: steps(o.p95WarningSeconds),
      queries: [q(httpQuantile(0.95, APP, ["uri"]), "{{uri}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Requests within latency target", description: `Reads (GET/HEAD) within ${o.readLatency.thresholdSeconds} s (objective ${o.readLatency.objective * 100}%) and writes within ${o.writeLatency.thresholdSeconds} s (objective ${o.writeLatency.objective * 100}%). Each threshold must be a histogram bucket bound (management.metrics.distribution.slo).`,
      unit: "percentunit", span: 12, max: 1, thresholds: stepsLowIsBad(Math.min(o.readLatency.objective, o.writeLatency.objective)),
      queries: [
        q(httpWithin(o.readLatency.thresholdSeconds, m(APP, READS)), `reads <= ${o.readLatency.thresholdSeconds}s`),
        q(httpWithin(o.writeLatency.thresholdSeconds, m(APP, WRITES)), `writes <= ${o.writeLatency.thresholdSeconds}s`),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "p95 latency per tenant", description: "95th percentile per tenant: spots one tenant's heavy queries.",
      unit: "s", span: 12, thresholds: steps(o.p95WarningSeconds),
      queries: [q(httpQuantile(0.95, APP, ["tenant"]), "{{tenant}}")],
    }))

    .withRow(row("Traffic"))
    .withPanel(timeseriesPanel({
      title: "Requests per endpoint", description: "Requests per second per uri template and method.",
      unit: "reqps", span: 12, queries: [q(httpRate(APP, ["method", "uri"]), "{{method}} {{uri}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Requests per tenant", description: "Requests per second per tenant.",
      unit: "reqps", span: 12, stack: true, queries: [q(httpRate(APP, ["tenant"]), "{{tenant}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Requests per status", description: "Requests per second per HTTP status code.",
      unit: "reqps", span: 24, stack: true, queries: [q(httpRate(APP, ["status"]), "{{status}}")],
    }))

    .withRow(row("Errors"))
    .withPanel(timeseriesPanel({
      title: "5xx ratio per service", description: "Share of requests answered 5xx, per service.",
      unit: "percentunit", span: 12, thresholds: steps(o.errorRatioCritical),
      queries: [q(httpErrorRatio(APP, ["service"]), "{{service}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "5xx per endpoint", description: "5xx answers per second per uri template and exception.",
      unit: "reqps", span: 12, queries: [q(httpErrorRate(APP, ["uri", "exception"]), "{{uri}} {{exception}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Errors per tenant", description: "4xx and 5xx answers per second per tenant.",
      unit: "reqps", span: 12,
      queries: [
        q(httpErrorRate(APP, ["tenant"]), "5xx {{tenant}}"),
        q(httpRate(m(APP, 'status=~"4.."'), ["tenant"]), "4xx {{tenant}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Client errors (4xx)", description: "4xx answers per second per status: 401/403 point at Keycloak tokens, 429 at rate limits.",
      unit: "reqps", span: 12, stack: true, queries: [q(httpRate(m(APP, 'status=~"4.."'), ["status"]), "{{status}}")],
    }))

    .withRow(row("SLO"))
    .withPanel(timeseriesPanel({
      title: "Availability burn rate", description: `Recorded 5xx ratio (${sloRecordName("<window>")}, alerts/slo.ts) over the error budget (${budget}). Pages when 1 h and 5 m both burn faster than ${PAGE[0].factor}, or 6 h and 30 m faster than ${PAGE[1].factor}; 1 spends the budget exactly in 30 days. Only services with a declared SLO have these series.`,
      unit: "x", span: 12, thresholds: steps(PAGE[0].factor, PAGE[1].factor),
      queries: ["5m", "1h", "6h", "3d"].map((w) => q(`${recorded(w, "availability")} / ${budget}`, `{{service}} ${w}`)),
    }))
    .withPanel(timeseriesPanel({
      title: "Latency burn rate", description: `Recorded share of reads slower than ${o.readLatency.thresholdSeconds} s and writes slower than ${o.writeLatency.thresholdSeconds} s, over their error budgets.`,
      unit: "x", span: 12, thresholds: steps(PAGE[0].factor, PAGE[1].factor),
      queries: (["reads", "writes"] as const).flatMap((kind) =>
        ["1h", "6h"].map((w) => q(`${recorded(w, `latency-${kind}`)} / ${formatNumber(1 - (kind === "reads" ? o.readLatency : o.writeLatency).objective)}`, `{{service}} ${kind} ${w}`)),
      ),
    }))
    .withPanel(statPanel({
      title: "Error budget left (30 d)", description: `Share of the 30-day availability error budget (${budget} of requests) not yet spent, computed from the raw counters; below 0 the SLO is broken.`,
      unit: "percentunit", span: 24, decimals: 1, thresholds: stepsLowIsBad(0, 0.25),
      queries: [q(`1 - ${burnRate(SVC, o.availabilityTarget, "30d", ["service"])}`, "{{service}}")],
    }))

    .withRow(row("Database connection pool (HikariCP)"))
    .withPanel(timeseriesPanel({
      title: "Pool usage", description: `Active connections over the pool maximum; red from ${o.connectionsRatio * 100}%.`,
      unit: "percentunit", span: 12, max: 1, thresholds: steps(o.connectionsRatio, o.connectionsRatio * 0.8),
      queries: [q(`sum by (service, pool) (hikaricp_connections_active{${SVC}}) / sum by (service, pool) (hikaricp_connections_max{${SVC}})`, "{{service}} {{pool}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Pending threads and timeouts", description: "Threads waiting for a connection, and connection timeouts per second (pool exhaustion).",
      unit: "short", span: 12,
      queries: [
        q(`sum by (service, pool) (hikaricp_connections_pending{${SVC}})`, "pending {{service}} {{pool}}"),
        q(`sum by (service, pool) (rate(hikaricp_connections_timeout_total{${SVC}}[$__rate_interval]))`, "timeouts/s {{service}} {{pool}}"),
      ],
    }));
  return finalize(b);
}
