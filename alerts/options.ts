/**
 * Shared machinery of the alert domains: the shape of their documented
 * defaults tables, the resolution of `AlertOptions` overrides against them,
 * and small builders for rules. Pure functions only.
 */
import type { AlertOptions, AlertRule, Severity } from "./types";

/** One tunable threshold of a domain. */
export interface ThresholdSpec {
  /** Value used when the stack does not override it. */
  readonly default: number;
  /** What the number means, with its unit. */
  readonly description: string;
  /** Smallest allowed value. @default 0 */
  readonly min?: number;
  /** Largest allowed value. @default - no upper bound */
  readonly max?: number;
  /** Whether `min` itself is rejected (e.g. a ratio must be > 0). @default false */
  readonly exclusiveMin?: boolean;
}

/** One tunable duration (a `for:`, a rate window or an age) of a domain. */
export interface DurationSpec {
  /** Prometheus duration used when the stack does not override it, e.g. "5m". */
  readonly default: string;
  readonly description: string;
  /** Whether "0s" is allowed (only for `for:` values). @default false */
  readonly allowZero?: boolean;
}

/** A PromQL label-matcher list (without braces) choosing the series a domain looks at. */
export interface SelectorSpec {
  readonly default: string;
  readonly description: string;
}

/** Everything a domain module documents about itself. */
export interface DomainSpec<T extends string, D extends string, S extends string = never> {
  /** Key prefix of this domain's thresholds/durations/selectors, e.g. "app". */
  readonly prefix: string;
  /** Runbook file name without `.md` under docs/runbooks, e.g. "application". */
  readonly runbook: string;
  readonly thresholds: Readonly<Record<T, ThresholdSpec>>;
  readonly durations: Readonly<Record<D, DurationSpec>>;
  readonly selectors: Readonly<Record<S, SelectorSpec>>;
}

/** A domain's settings after defaults and overrides are merged and checked. */
export interface ResolvedDomain<T extends string, D extends string, S extends string> {
  readonly thresholds: Readonly<Record<T, number>>;
  readonly durations: Readonly<Record<D, string>>;
  readonly selectors: Readonly<Record<S, string>>;
  /** `${runbookBaseUrl}/<file>.md#<lowercased alert name>` */
  runbookUrl(alert: string): string;
}

const DURATION_RE = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { y: 31_536_000, w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1, ms: 0.001 };

/** True for a Prometheus 2.x/3.x duration literal such as "90s", "1h30m" or "0s". */
export function isPromDuration(value: string): boolean {
  return value === "0" || (value !== "" && DURATION_RE.test(value));
}

/** Seconds in a Prometheus duration; throws on anything else. */
export function durationSeconds(value: string): number {
  if (!isPromDuration(value)) throw new Error(`"${value}" is not a Prometheus duration (e.g. "30s", "5m", "1h30m")`);
  let total = 0;
  for (const m of value.matchAll(/([0-9]+)(ms|[ywdhms])/g)) total += Number(m[1]) * (UNIT_SECONDS[m[2]!] ?? 0);
  return total;
}

/** Throws unless `runbookBaseUrl` is an absolute http(s) URL; returns it without a trailing slash. */
export function checkRunbookBaseUrl(url: unknown): string {
  if (typeof url !== "string" || !/^https?:\/\/\S+$/.test(url)) {
    throw new Error(`runbookBaseUrl must be an absolute http(s) URL such as "https://git.example.com/platform/docs/runbooks", got ${JSON.stringify(url)}`);
  }
  return url.replace(/\/+$/, "");
}

function checkThreshold(key: string, spec: ThresholdSpec, value: unknown): number {
  const min = spec.min ?? 0;
  const bad =
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < min ||
    (spec.exclusiveMin === true && value === min) ||
    (spec.max !== undefined && value > spec.max);
  if (bad) {
    const range = `${spec.exclusiveMin ? ">" : ">="} ${min}${spec.max !== undefined ? ` and <= ${spec.max}` : ""}`;
    throw new Error(`alert threshold ${key} must be a number ${range} (${spec.description}), got ${JSON.stringify(value)}`);
  }
  return value as number;
}

function checkDuration(key: string, spec: DurationSpec, value: unknown): string {
  const ok = typeof value === "string" && isPromDuration(value) && (spec.allowZero === true || durationSeconds(value) > 0);
  if (!ok) {
    throw new Error(
      `alert duration ${key} must be a ${spec.allowZero ? "" : "non-zero "}Prometheus duration like "${spec.default}" (${spec.description}), got ${JSON.stringify(value)}`,
    );
  }
  return value as string;
}

function checkSelector(key: string, value: unknown): string {
  if (typeof value !== "string" || /[{}]/.test(value)) {
    throw new Error(`alert selector ${key} must be PromQL label matchers without braces, e.g. 'namespace="shop"', got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

function unknownKeyError(kind: string, key: string, value: unknown, known: readonly string[]): Error {
  return new Error(`unknown alert ${kind} key ${key} (value ${JSON.stringify(value)}); known ${kind} keys: ${known.join(", ") || "(none)"}`);
}

/** Checks the override maps against a set of known keys; used per domain and for the whole library. */
export function checkKnownKeys(
  opts: AlertOptions,
  known: { thresholds: readonly string[]; durations: readonly string[]; selectors: readonly string[] },
  onlyPrefix?: string,
): void {
  const sections = [
    ["threshold", opts.thresholds, known.thresholds],
    ["duration", opts.durations, known.durations],
    ["selector", opts.selectors, known.selectors],
  ] as const;
  for (const [kind, overrides, keys] of sections) {
    for (const [key, value] of Object.entries(overrides ?? {})) {
      if (onlyPrefix !== undefined && !key.startsWith(`${onlyPrefix}.`)) continue;
      if (!keys.includes(key)) throw unknownKeyError(kind, key, value, keys);
    }
  }
}

/**
 * Merges a domain's defaults with the overrides in `opts` and validates them.
 * Keys of other domains are left alone (see `validateAlertOptions` for the
 * whole-library check); an unknown key with this domain's prefix throws.
 */
export function resolveDomain<T extends string, D extends string, S extends string>(
  spec: DomainSpec<T, D, S>,
  opts: AlertOptions,
): ResolvedDomain<T, D, S> {
  const base = checkRunbookBaseUrl(opts.runbookBaseUrl);
  const tKeys = Object.keys(spec.thresholds) as T[];
  const dKeys = Object.keys(spec.durations) as D[];
  const sKeys = Object.keys(spec.selectors) as S[];
  checkKnownKeys(opts, { thresholds: tKeys, durations: dKeys, selectors: sKeys }, spec.prefix);
  const thresholds = {} as Record<T, number>;
  for (const k of tKeys) thresholds[k] = checkThreshold(k, spec.thresholds[k], opts.thresholds?.[k] ?? spec.thresholds[k].default);
  const durations = {} as Record<D, string>;
  for (const k of dKeys) durations[k] = checkDuration(k, spec.durations[k], opts.durations?.[k] ?? spec.durations[k].default);
  const selectors = {} as Record<S, string>;
  for (const k of sKeys) selectors[k] = checkSelector(k, opts.selectors?.[k] ?? spec.selectors[k].default);
  return {
    thresholds,
    durations,
    selectors,
    runbookUrl: (alert: string) => `${base}/${spec.runbook}.md#${alert.toLowerCase()}`,
  };
}

/** `{a, b}` from matcher lists, skipping empty ones; "" when nothing is left. */
export function sel(...matchers: readonly string[]): string {
  const parts = matchers.map((m) => m.trim()).filter((m) => m !== "");
  return parts.length === 0 ? "" : `{${parts.join(", ")}}`;
}

/** A number as PromQL text without binary-float noise (0.1 * 3 -> "0.3"). */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** Input of `alertRule`. */
export interface AlertSpec {
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration; "0s"/"0" or omitted means no `for:`. */
  readonly for?: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
  readonly runbookUrl: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Builds an `AlertRule` with the labels and annotations every platform alert carries. */
export function alertRule(s: AlertSpec): AlertRule {
  const hasFor = s.for !== undefined && durationSeconds(s.for) > 0;
  return {
    alert: s.alert,
    expr: s.expr.trim(),
    ...(hasFor ? { for: s.for } : {}),
    labels: { ...(s.labels ?? {}), severity: s.severity },
    annotations: { summary: s.summary, description: s.description, runbook_url: s.runbookUrl },
  };
}
