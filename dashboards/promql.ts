/**
 * PromQL fragments shared by the dashboards. Spring Boot's Micrometer registry
 * exports `http_server_requests_seconds` (a histogram once
 * `management.metrics.distribution.percentiles-histogram.http.server.requests=true`)
 * with the tags method, uri, status, outcome, exception, plus `tenant`, which
 * core-api adds with a `WebMvcTagsContributor`/`ObservationFilter` from the
 * tenant of the JWT. The ServiceMonitor adds `namespace`, `service`, `pod`.
 */

export const HTTP_COUNT = "http_server_requests_seconds_count";
export const HTTP_BUCKET = "http_server_requests_seconds_bucket";

/** Grafana's rate window; the test substitutes a real duration. */
export const RATE = "$__rate_interval";

/** Joins label matchers, dropping empty ones: `m('a="1"', "", 'b=~"x"')` gives `a="1", b=~"x"`. */
export function m(...matchers: readonly string[]): string {
  return matchers.filter((x) => x !== "").join(", ");
}

/** `sum by (a, b) (expr)`, or `sum(expr)` without labels. */
export function sumBy(by: readonly string[], expr: string): string {
  return by.length === 0 ? `sum(${expr})` : `sum by (${by.join(", ")}) (${expr})`;
}

/** Requests per second. */
export function httpRate(matchers: string, by: readonly string[] = [], window: string = RATE): string {
  return sumBy(by, `rate(${HTTP_COUNT}{${matchers}}[${window}])`);
}

/** 5xx answers per second. */
export function httpErrorRate(matchers: string, by: readonly string[] = [], window: string = RATE): string {
  return httpRate(m(matchers, 'status=~"5.."'), by, window);
}

/** Share of requests answered 5xx (0..1). */
export function httpErrorRatio(matchers: string, by: readonly string[] = [], window: string = RATE): string {
  return `${httpErrorRate(matchers, by, window)} / ${httpRate(matchers, by, window)}`;
}

/** The q-quantile of request duration in seconds, from the histogram buckets. */
export function httpQuantile(quantile: number, matchers: string, by: readonly string[] = []): string {
  return `histogram_quantile(${quantile}, ${sumBy(["le", ...by], `rate(${HTTP_BUCKET}{${matchers}}[${RATE}])`)})`;
}

/**
 * Matcher for one histogram bucket bound. Prometheus 3 normalises `le` of
 * classic histograms to a float string (`1` becomes `1.0`), Prometheus 2 keeps
 * what the exporter wrote (Micrometer writes `1.0`, other clients `1`), so a
 * whole number matches both spellings.
 */
export function leMatcher(seconds: number): string {
  if (Number.isInteger(seconds)) return `le=~"${seconds}|${seconds}\\\\.0"`;
  return `le="${String(seconds)}"`;
}

/** Share of requests that finished within `seconds` (needs `seconds` to be a bucket bound). */
export function httpWithin(seconds: number, matchers: string, by: readonly string[] = []): string {
  return `${sumBy(by, `rate(${HTTP_BUCKET}{${m(matchers, leMatcher(seconds))}}[${RATE}])`)} / ${httpRate(matchers, by)}`;
}

/** Reads and writes, by HTTP method. */
export const READS = 'method=~"GET|HEAD"';
export const WRITES = 'method=~"POST|PUT|PATCH|DELETE"';

/**
 * Error-budget burn rate over `window`: the 5xx ratio divided by the budget
 * (1 - target). 1 spends the budget exactly over the SLO period; 14.4 over 1 h
 * spends 2% of a 30-day budget (the classic page threshold).
 */
export function burnRate(matchers: string, target: number, window: string, by: readonly string[] = []): string {
  return `(${httpErrorRatio(matchers, by, window)}) / ${formatNumber(1 - target)}`;
}

/** A number as PromQL literal without float noise (1 - 0.999 = 0.0010000000000000009). */
export function formatNumber(n: number): string {
  return String(Number(n.toPrecision(12)));
}
