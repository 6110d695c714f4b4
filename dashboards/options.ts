/**
 * What a stack may change about the dashboards. Red lines sit where the
 * matching alert fires: the thresholds come from the alert rules' own defaults
 * tables (alerts/), overridden by the same `thresholds`/`durations` the stack
 * gives the alerts; the SLO targets default to alerts/slo.ts's.
 */
import { DEFAULT_DURATIONS, DEFAULT_THRESHOLDS } from "../alerts/index";
import { SLO_DEFAULTS } from "../alerts/slo";

/** A latency objective: `objective` of requests complete within `thresholdSeconds`. */
export interface LatencyTarget {
  /** A histogram bucket bound of `http_server_requests_seconds` (see `management.metrics.distribution.slo`). */
  readonly thresholdSeconds: number;
  /** Share of requests that must be faster, in (0, 1). */
  readonly objective: number;
}

/** Options of the dashboards: the SLO targets drawn on them and the alert thresholds and durations they mark. */
export interface DashboardOptions {
  /**
   * Availability SLO drawn on the API dashboard: share of requests not answered 5xx.
   * @default 0.999 - alerts/slo.ts SLO_DEFAULTS.availability
   */
  readonly availabilityTarget?: number;
  /**
   * Latency SLO of reads (GET/HEAD).
   * @default { thresholdSeconds: 0.2, objective: 0.95 } - SLO_DEFAULTS.reads
   */
  readonly readLatency?: LatencyTarget;
  /**
   * Latency SLO of writes (POST/PUT/PATCH/DELETE).
   * @default { thresholdSeconds: 0.5, objective: 0.95 } - SLO_DEFAULTS.writes
   */
  readonly writeLatency?: LatencyTarget;
  /**
   * The stack's alert threshold overrides (`AlertOptions.thresholds`), so a
   * dashboard's red line moves with its alert. Unknown keys are an error.
   * @default {}
   * @example { "app.errorRatio": 0.02 }
   */
  readonly alertThresholds?: Readonly<Record<string, number>>;
  /**
   * The stack's alert duration overrides (`AlertOptions.durations`); the
   * dashboards read `pg.backup.maxAge` and `pg.walArchive.maxAge`.
   * @default {}
   */
  readonly alertDurations?: Readonly<Record<string, string>>;
}

export interface ResolvedDashboardOptions {
  readonly availabilityTarget: number;
  readonly readLatency: LatencyTarget;
  readonly writeLatency: LatencyTarget;
  /** `app.errorRatio`: 5xx ratio of the critical alert. */
  readonly errorRatioCritical: number;
  /** `app.latencyP95Seconds`: p95 of the latency warning. */
  readonly p95WarningSeconds: number;
  /** `jvm.heapUsedRatio`. */
  readonly heapUsedRatio: number;
  /** `jvm.gcTimeRatio`. */
  readonly gcTimeRatio: number;
  /** `k8s.memoryLimitRatio`. */
  readonly memoryLimitRatio: number;
  /** `k8s.volumeUsageRatio`. */
  readonly volumeUsageRatio: number;
  /** `pg.connectionsRatio`. */
  readonly connectionsRatio: number;
  /** `pg.replicationLagSeconds`. */
  readonly replicationLagSeconds: number;
  /** `pg.backup.maxAge`, in seconds. */
  readonly backupMaxAgeSeconds: number;
  /** `pg.walArchive.maxAge`, in seconds. */
  readonly walArchiveMaxAgeSeconds: number;
  /** `redis.memoryRatio`. */
  readonly redisMemoryRatio: number;
  /** `rabbitmq.queueDepth`. */
  readonly rabbitmqQueueDepth: number;
  /** `keycloak.latencyP95Seconds`. */
  readonly keycloakLatencyP95Seconds: number;
}

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration such as `5m`, `26h` or `1h30m`. */
export function durationSeconds(what: string, d: string): number {
  if (!/^([0-9]+(ms|[smhdwy]))+$/.test(d)) throw new Error(`${what} must be a Prometheus duration such as "5m" or "26h", got ${JSON.stringify(d)}`);
  let total = 0;
  for (const m of d.matchAll(/([0-9]+)(ms|[smhdwy])/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  return total;
}

function ratio(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v >= 1) {
    throw new Error(`${what} must be between 0 and 1 (exclusive), e.g. 0.999, got ${JSON.stringify(v)}`);
  }
  return v;
}

function positive(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new Error(`${what} must be a number > 0, got ${JSON.stringify(v)}`);
  return v;
}

function latency(what: string, v: LatencyTarget): LatencyTarget {
  return Object.freeze({ thresholdSeconds: positive(`${what}.thresholdSeconds`, v.thresholdSeconds), objective: ratio(`${what}.objective`, v.objective) });
}

function known<T>(what: string, given: Readonly<Record<string, T>> | undefined, defaults: Readonly<Record<string, T>>): Record<string, T> {
  for (const k of Object.keys(given ?? {})) {
    if (!(k in defaults)) throw new Error(`dashboards.${what} has unknown key ${JSON.stringify(k)}; known keys: ${Object.keys(defaults).sort().join(", ")}`);
  }
  return { ...defaults, ...given };
}

/** Resolves defaults once and rejects values a dashboard can't draw, naming the field. */
export function resolveDashboardOptions(opts: Readonly<DashboardOptions> = {}): ResolvedDashboardOptions {
  const t = known("alertThresholds", opts.alertThresholds, DEFAULT_THRESHOLDS);
  const d = known("alertDurations", opts.alertDurations, DEFAULT_DURATIONS);
  const th = (k: string, check: (what: string, v: unknown) => number) => check(`dashboards.alertThresholds["${k}"]`, t[k]);
  const du = (k: string) => durationSeconds(`dashboards.alertDurations["${k}"]`, d[k] ?? "");
  return Object.freeze({
    availabilityTarget: ratio("dashboards.availabilityTarget", opts.availabilityTarget ?? SLO_DEFAULTS.availability),
    readLatency: latency("dashboards.readLatency", opts.readLatency ?? SLO_DEFAULTS.reads),
    writeLatency: latency("dashboards.writeLatency", opts.writeLatency ?? SLO_DEFAULTS.writes),
    errorRatioCritical: th("app.errorRatio", ratio),
    p95WarningSeconds: th("app.latencyP95Seconds", positive),
    heapUsedRatio: th("jvm.heapUsedRatio", ratio),
    gcTimeRatio: th("jvm.gcTimeRatio", ratio),
    memoryLimitRatio: th("k8s.memoryLimitRatio", ratio),
    volumeUsageRatio: th("k8s.volumeUsageRatio", ratio),
    connectionsRatio: th("pg.connectionsRatio", ratio),
    replicationLagSeconds: th("pg.replicationLagSeconds", positive),
    backupMaxAgeSeconds: du("pg.backup.maxAge"),
    walArchiveMaxAgeSeconds: du("pg.walArchive.maxAge"),
    redisMemoryRatio: th("redis.memoryRatio", ratio),
    rabbitmqQueueDepth: th("rabbitmq.queueDepth", positive),
    keycloakLatencyP95Seconds: th("keycloak.latencyP95Seconds", positive),
  });
}
