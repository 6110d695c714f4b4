/**
 * Service level objectives per workload, turned into recording rules (error
 * ratios over every window the alerts need) and multi-window, multi-burn-rate
 * alerts: page on a fast burn of the error budget, ticket on a slow one.
 *
 * SLIs come from Micrometer's `http_server_requests_seconds_*`:
 * - availability: share of requests not answered 5xx;
 * - latency: share of reads (GET/HEAD) / writes (POST/PUT/PATCH/DELETE) faster
 *   than the threshold. The threshold must be a histogram bucket boundary:
 *   `management.metrics.distribution.slo.http.server.requests=200ms,500ms`.
 */
import { alertRule, num, resolveDomain, type DomainSpec } from "./options";
import type { AlertOptions, RecordingRule, Rule, RuleGroup } from "./types";

/** A latency objective: `objective` of the requests complete within `thresholdSeconds`. */
export interface LatencyObjective {
  /** Bucket boundary in seconds; must exist as a histogram `le` bucket. */
  readonly thresholdSeconds: number;
  /** Share of requests that must be faster, in (0, 1). */
  readonly objective: number;
}

/** The SLOs of one workload (one Kubernetes Service). */
export interface WorkloadSlo {
  /** `service` label of the workload's metrics (its Kubernetes Service name). */
  readonly service: string;
  /** Restricts the SLO to one namespace. @default - every namespace with that service */
  readonly namespace?: string;
  /** Share of requests not answered 5xx, in (0, 1); `false` turns this SLO off. @default 0.999 */
  readonly availability?: number | false;
  /** Latency objectives; `false` turns one off. */
  readonly latency?: {
    /** GET/HEAD requests. @default { thresholdSeconds: 0.2, objective: 0.95 } */
    readonly reads?: LatencyObjective | false;
    /** POST/PUT/PATCH/DELETE requests. @default { thresholdSeconds: 0.5, objective: 0.95 } */
    readonly writes?: LatencyObjective | false;
  };
}

/** The platform's default service-level objectives: 99.9 % availability, 95 % of reads under 200 ms and of writes under 500 ms. */
export const SLO_DEFAULTS = {
  availability: 0.999,
  reads: { thresholdSeconds: 0.2, objective: 0.95 },
  writes: { thresholdSeconds: 0.5, objective: 0.95 },
} as const;

/** Burn-rate pairs (Google SRE workbook, ch. 5): alert when both windows burn faster than `factor`. */
export const BURN_RATES = {
  page: [
    { long: "1h", short: "5m", factor: 14.4 },
    { long: "6h", short: "30m", factor: 6 },
  ],
  ticket: [
    { long: "1d", short: "2h", factor: 3 },
    { long: "3d", short: "6h", factor: 1 },
  ],
} as const;

/** Every window a recording rule is produced for. */
export const SLO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;

/** Name of the recorded error ratio for one window, e.g. `slo:error_ratio:rate5m`. */
export function sloRecordName(window: string): string {
  return `slo:error_ratio:rate${window}`;
}

/** Durations of the burn-rate alerts (keys of `AlertOptions.durations`), with their defaults. */
export const SLO_SPEC = {
  prefix: "slo",
  runbook: "slo",
  thresholds: {},
  durations: {
    "slo.page.for": { default: "2m", allowZero: true, description: "how long a fast burn must last before paging" },
    "slo.ticket.for": { default: "15m", allowZero: true, description: "how long a slow burn must last before a ticket" },
  },
  selectors: {},
} as const satisfies DomainSpec<never, string, never>;

const METHODS = { reads: "GET|HEAD", writes: "POST|PUT|PATCH|DELETE" } as const;
const LABEL_VALUE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An SLI after validation: the PromQL pieces for one objective. */
export interface ResolvedSli {
  /** Value of the `slo` label, e.g. "availability", "latency-reads". */
  readonly slo: string;
  readonly objective: number;
  readonly errorRatio: (window: string) => string;
}

/** `le` label text as Micrometer and Prometheus 3 write it (1 -> "1.0", 0.2 -> "0.2"). */
export function leLabel(seconds: number): string {
  return Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
}

function checkRatio(what: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new Error(`${what} must be a number strictly between 0 and 1 (e.g. 0.999), got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkLatency(what: string, v: LatencyObjective): LatencyObjective {
  if (typeof v.thresholdSeconds !== "number" || !Number.isFinite(v.thresholdSeconds) || v.thresholdSeconds <= 0) {
    throw new Error(`${what}.thresholdSeconds must be a number > 0 (a histogram bucket boundary, e.g. 0.2), got ${JSON.stringify(v.thresholdSeconds)}`);
  }
  return { thresholdSeconds: v.thresholdSeconds, objective: checkRatio(`${what}.objective`, v.objective) };
}

/** Validates one workload's SLOs and returns its SLIs. */
export function resolveSlis(s: WorkloadSlo): ResolvedSli[] {
  const id = `slo ${JSON.stringify(s.service)}`;
  if (typeof s.service !== "string" || !LABEL_VALUE_RE.test(s.service)) {
    throw new Error(`slo service must be a Kubernetes Service name (lowercase letters, digits, '-'), got ${JSON.stringify(s.service)}`);
  }
  if (s.namespace !== undefined && !LABEL_VALUE_RE.test(s.namespace)) {
    throw new Error(`${id}: namespace must be a Kubernetes namespace name, got ${JSON.stringify(s.namespace)}`);
  }
  const base = [`service="${s.service}"`, ...(s.namespace !== undefined ? [`namespace="${s.namespace}"`] : [])].join(", ");
  const count = (extra: string, w: string) =>
    `sum by (namespace, service) (rate(http_server_requests_seconds_count{${base}${extra}}[${w}]))`;
  const slis: ResolvedSli[] = [];
  if (s.availability !== false) {
    const objective = checkRatio(`${id}: availability`, s.availability ?? SLO_DEFAULTS.availability);
    slis.push({
      slo: "availability",
      objective,
      // With no 5xx series yet, record 0 rather than nothing.
      errorRatio: (w) => `(${count(', status=~"5.."', w)} or ${count("", w)} * 0) / ${count("", w)}`,
    });
  }
  for (const kind of ["reads", "writes"] as const) {
    const given = s.latency?.[kind];
    if (given === false) continue;
    const v = checkLatency(`${id}: latency.${kind}`, given ?? SLO_DEFAULTS[kind]);
    const m = `, method=~"${METHODS[kind]}"`;
    const fast = (w: string) =>
      `sum by (namespace, service) (rate(http_server_requests_seconds_bucket{${base}${m}, le="${leLabel(v.thresholdSeconds)}"}[${w}]))`;
    slis.push({ slo: `latency-${kind}`, objective: v.objective, errorRatio: (w) => `1 - ${fast(w)} / ${count(m, w)}` });
  }
  return slis;
}

function burnExpr(sli: ResolvedSli, match: string, pairs: readonly { long: string; short: string; factor: number }[]): string {
  const budget = 1 - sli.objective;
  return pairs
    .map((p) => {
      const limit = num(p.factor * budget);
      return `(\n  ${sloRecordName(p.long)}{${match}} > ${limit}\nand\n  ${sloRecordName(p.short)}{${match}} > ${limit}\n)`;
    })
    .join("\nor\n");
}

/**
 * One rule group per workload: recording rules for every SLI and window, then
 * the burn-rate alerts `SloErrorBudgetBurnFast` (critical) and
 * `SloErrorBudgetBurnSlow` (warning) reading them.
 */
export function sloRuleGroups(slos: readonly WorkloadSlo[], opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(SLO_SPEC, opts);
  const fors = { page: r.durations["slo.page.for"], ticket: r.durations["slo.ticket.for"] };
  const seen = new Map<string, Set<string>>();
  return slos.map((s) => {
    const slis = resolveSlis(s);
    const namespaces = seen.get(s.service) ?? new Set<string>();
    const ns = s.namespace ?? "*";
    if (namespaces.has(ns) || (namespaces.size > 0 && (ns === "*" || namespaces.has("*")))) {
      throw new Error(`slo for service ${JSON.stringify(s.service)} overlaps another entry for the same service (namespace ${s.namespace ?? "(any)"}); merge them or give each a distinct namespace`);
    }
    seen.set(s.service, namespaces.add(ns));
    // Static service/namespace labels keep rules of different workloads distinct
    // (promtool's duplicate-rule lint) and equal the labels the expressions keep.
    const owner = { service: s.service, ...(s.namespace !== undefined ? { namespace: s.namespace } : {}) };
    const rules: Rule[] = [];
    for (const sli of slis) {
      for (const w of SLO_WINDOWS) {
        const rec: RecordingRule = { record: sloRecordName(w), expr: sli.errorRatio(w), labels: { ...owner, slo: sli.slo } };
        rules.push(rec);
      }
    }
    for (const sli of slis) {
      const match = [`slo="${sli.slo}"`, `service="${s.service}"`, ...(s.namespace !== undefined ? [`namespace="${s.namespace}"`] : [])].join(", ");
      const objectivePct = num(sli.objective * 100);
      const common = { labels: { ...owner, slo: sli.slo, objective: num(sli.objective) } };
      rules.push(
        alertRule({
          ...common,
          alert: "SloErrorBudgetBurnFast",
          expr: burnExpr(sli, match, BURN_RATES.page),
          for: fors.page,
          severity: "critical",
          summary: `{{ $labels.service }} burns its ${sli.slo} error budget fast`,
          description: `{{ $labels.service }} in {{ $labels.namespace }} misses its ${sli.slo} objective of ${objectivePct}%: the error ratio is {{ $value | humanizePercentage }}, which spends a 30-day error budget in about two days or less.`,
          runbookUrl: r.runbookUrl("SloErrorBudgetBurnFast"),
        }),
        alertRule({
          ...common,
          alert: "SloErrorBudgetBurnSlow",
          expr: burnExpr(sli, match, BURN_RATES.ticket),
          for: fors.ticket,
          severity: "warning",
          summary: `{{ $labels.service }} burns its ${sli.slo} error budget steadily`,
          description: `{{ $labels.service }} in {{ $labels.namespace }} misses its ${sli.slo} objective of ${objectivePct}%: the error ratio is {{ $value | humanizePercentage }}, which spends the 30-day error budget before the month is over.`,
          runbookUrl: r.runbookUrl("SloErrorBudgetBurnSlow"),
        }),
      );
    }
    return { name: `platform.slo.${s.namespace ?? "all"}.${s.service}`, rules };
  });
}
