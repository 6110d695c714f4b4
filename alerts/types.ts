/**
 * Prometheus rule files as typed data. Every domain module in `alerts/`
 * (and the component-specific ones beside it) returns `RuleGroup`s built from
 * these types; the Monitoring component turns them into PrometheusRule objects
 * and the tests hand them to promtool.
 */

/**
 * `critical` pages, `warning` goes to chat, `info` is for dashboards only.
 * `none` marks the always-firing `Watchdog` heartbeat: Alertmanager routes it to
 * a dead-man's-switch receiver, never to a human.
 */
export type Severity = "critical" | "warning" | "info" | "none";

/** A Prometheus alerting rule, as it is written in a rule file. */
export interface AlertRule {
  /** Alert name (Prometheus `alert:`), e.g. "RedisDown"; its lower-cased form is the runbook anchor. */
  readonly alert: string;
  /** PromQL expression (`expr:`); every series it returns is a firing alert. */
  readonly expr: string;
  /** Prometheus duration, e.g. "5m"; omitted means the alert fires on the first evaluation. */
  readonly for?: string;
  /** Labels added to the alert (`labels:`); `severity` decides how Alertmanager routes it. */
  readonly labels: Readonly<{ severity: Severity } & Record<string, string>>;
  /** Annotations (`annotations:`): one-line summary, description, and the runbook link. */
  readonly annotations: Readonly<{ summary: string; description: string; runbook_url: string } & Record<string, string>>;
}

/** A Prometheus recording rule, as it is written in a rule file. */
export interface RecordingRule {
  /** Name of the series the rule writes (Prometheus `record:`), e.g. "slo:error_ratio:rate5m". */
  readonly record: string;
  /** PromQL expression (`expr:`) whose result is stored under `record`. */
  readonly expr: string;
  /** Labels added to every recorded series (`labels:`); none when omitted. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One rule of a group: alerting or recording. */
export type Rule = AlertRule | RecordingRule;

/** A Prometheus rule group: rules evaluated together at one interval. */
export interface RuleGroup {
  /** Group name (Prometheus `name:`), unique within a rule file. */
  readonly name: string;
  /** Evaluation interval of the group, e.g. "30s"; the Prometheus default when omitted. */
  readonly interval?: string;
  /** The rules of the group (`rules:`), evaluated in order. */
  readonly rules: readonly Rule[];
}

/**
 * What a stack may change about the rules. Keys of `thresholds` and `durations`
 * are documented by each domain module (`<domain>.<name>`, e.g.
 * `app.errorRatio`, `app.errorRate.window`); an unknown key is an error that
 * names the key, so a typo in stack config never silently keeps a default.
 */
export interface AlertOptions {
  /** Base URL of the runbooks; each rule links `${runbookBaseUrl}/<file>.md#<anchor>`. */
  readonly runbookBaseUrl: string;
  /** Threshold overrides by key. @default {} */
  readonly thresholds?: Readonly<Record<string, number>>;
  /**
   * Duration overrides by key: windows and `for:` values. Tests render
   * test-sized values (seconds instead of minutes) through this.
   * @default {}
   */
  readonly durations?: Readonly<Record<string, string>>;
  /**
   * PromQL label matchers (without braces) that choose which series a domain
   * looks at, by key, e.g. `{ "app.targets": 'namespace=~"shop|web"' }`.
   * Keys are documented by each domain module; unknown keys are errors.
   * @default {}
   */
  readonly selectors?: Readonly<Record<string, string>>;
}

export function isAlertRule(rule: Rule): rule is AlertRule {
  return (rule as AlertRule).alert !== undefined;
}
