/**
 * Test support: promtool unit tests written as TypeScript data. A case says
 * which series to feed, when the expression becomes true and which labels the
 * alert carries; the harness reads the alert's `for:` from the rendered rules
 * and asserts both sides of it (silent one evaluation before, firing at it),
 * silence before the onset, and the resolution. All times are minutes, and
 * series and rules are evaluated every minute.
 */
import { dump } from "js-yaml";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TOOLS, requireProgram, run, type RunResult } from "../test/procs";
import { durationSeconds } from "./options";
import { isAlertRule, type AlertRule, type RuleGroup } from "./types";

export interface InputSeries {
  /** e.g. `up{job="api", instance="a:8080"}` */
  readonly series: string;
  /** promtool expanding notation, e.g. "1x10 0x5" */
  readonly values: string;
}

/** The alert must fire: silent before `onset`, pending until `for:` elapses, firing, then resolved. */
export interface FiringCase {
  readonly alert: string;
  /** What the scenario shows, e.g. "10% 5xx". */
  readonly name: string;
  readonly series: readonly InputSeries[];
  /** Minute of the first evaluation at which the expression is true. */
  readonly onset: number;
  /** Every label of the firing alert, severity included. */
  readonly labels: Readonly<Record<string, string>>;
  /** `$value` of the alert when it fires, for the annotation templates. */
  readonly value?: number;
  /** Literal annotations, instead of rendering the rule's templates. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Sampling and evaluation interval in minutes. @default 1 */
  readonly step?: number;
  /** Minute at which the alert must have resolved. @default - not checked (always-firing alerts) */
  readonly resolvedAt?: number;
}

/** The alert must stay silent (a value just below its threshold, or excluded series). */
export interface SilentCase {
  readonly alert: string;
  readonly name: string;
  readonly series: readonly InputSeries[];
  /** Minutes at which no alert may be firing. */
  readonly at: readonly number[];
  /** Sampling and evaluation interval in minutes. @default 1 */
  readonly step?: number;
}

export interface DomainCases {
  readonly firing: readonly FiringCase[];
  readonly silent: readonly SilentCase[];
}

export interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: readonly { labels: string; value: number }[];
}

/** `steps` gauge values per segment: gauge([10, 1], [5, 0]) is 1 for minutes 0-9, 0 for 10-14. */
export function gauge(...segments: readonly (readonly [steps: number, value: number])[]): string {
  return segments
    .filter(([n]) => n >= 1)
    .map(([n, v]) => `${v}x${n - 1}`)
    .join(" ");
}

/**
 * A counter starting at `start` (keep it > 0, as real counters seen mid-life
 * are) that grows by `perMinute` during each segment of `steps` samples.
 */
export function counter(start: number, ...segments: readonly (readonly [steps: number, perMinute: number])[]): string {
  const parts: string[] = [];
  let last = start;
  segments.forEach(([n, r], idx) => {
    if (n < 1) return;
    const first = idx === 0 ? start : last + r;
    parts.push(`${fmt(first)}+${fmt(r)}x${n - 1}`);
    last = first + r * (n - 1);
  });
  return parts.join(" ");
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(12)));
}

function alertRules(groups: readonly RuleGroup[], alert: string): AlertRule[] {
  const rules = groups.flatMap((g) => g.rules).filter(isAlertRule).filter((r) => r.alert === alert);
  if (rules.length === 0) throw new Error(`no alert rule named ${alert}`);
  return rules;
}

function forMinutes(groups: readonly RuleGroup[], alert: string): number {
  const fors = new Set(alertRules(groups, alert).map((r) => (r.for === undefined ? 0 : durationSeconds(r.for) / 60)));
  if (fors.size !== 1) throw new Error(`alert ${alert} has rules with different for: values`);
  return [...fors][0]!;
}

/** The rule whose static labels all appear in the expected labels. */
function ruleFor(groups: readonly RuleGroup[], c: FiringCase): AlertRule {
  const rule = alertRules(groups, c.alert).find((r) => Object.entries(r.labels).every(([k, v]) => c.labels[k] === v));
  if (!rule) throw new Error(`${c.alert}: no rule carries the expected labels ${JSON.stringify(c.labels)}`);
  return rule;
}

/** Go's %.4g as Prometheus' humanize functions print it. */
function g4(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(4)))));
  if (exp < -4 || exp >= 4) {
    const [m, e] = v.toExponential(3).split("e");
    const mant = String(Number(m));
    const n = Number(e);
    return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  return String(Number(v.toPrecision(4)));
}

function humanizeDuration(v: number): string {
  if (v === 0) return "0s";
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? "-" : "";
    const a = Math.abs(v);
    const d = Math.trunc(a);
    const [days, hours, minutes, seconds] = [Math.trunc(d / 86400), Math.trunc(d / 3600) % 24, Math.trunc(d / 60) % 60, d % 60];
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(a)}s`;
  }
  let prefix = "";
  let x = v;
  for (const p of ["m", "u", "n", "p"]) {
    if (Math.abs(x) >= 1) break;
    prefix = p;
    x *= 1000;
  }
  return `${g4(x)}${prefix}s`;
}

/**
 * Renders the template subset the platform's annotations use:
 * `{{ $labels.x }}`, `{{ $value }}` and `{{ $value | humanizePercentage |
 * humanizeDuration | printf "%.Nf" }}`. Anything else throws.
 */
export function renderAnnotation(template: string, labels: Readonly<Record<string, string>>, value: number | undefined): string {
  return template.replace(/\{\{(.*?)\}\}/g, (_, body: string) => {
    const expr = body.trim();
    const label = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(expr);
    if (label) return labels[label[1]!] ?? "";
    const m = /^\$value(?:\s*\|\s*(humanizePercentage|humanizeDuration|printf\s+"%\.(\d)f"))?$/.exec(expr);
    if (!m) throw new Error(`renderAnnotation: unsupported template {{${body}}}`);
    if (value === undefined) throw new Error(`template {{${body}}} needs the case's value`);
    if (m[1] === undefined) return String(value);
    if (m[1] === "humanizePercentage") return `${g4(value * 100)}%`;
    if (m[1] === "humanizeDuration") return humanizeDuration(value);
    return value.toFixed(Number(m[2]));
  });
}

/** promtool test groups for a domain's cases, by step (minutes). */
export function unitTestGroups(groups: readonly RuleGroup[], cases: DomainCases): Map<number, Record<string, unknown>[]> {
  const byStep = new Map<number, Record<string, unknown>[]>();
  const add = (step: number, t: Record<string, unknown>) => byStep.set(step, [...(byStep.get(step) ?? []), t]);
  for (const c of cases.firing) {
    const step = c.step ?? 1;
    const fireAt = c.onset + Math.ceil(forMinutes(groups, c.alert) / step) * step;
    const checks: Record<string, unknown>[] = [];
    const none = (t: number) => checks.push({ eval_time: `${t}m`, alertname: c.alert, exp_alerts: [] });
    if (c.onset >= step) none(c.onset - step);
    if (fireAt > c.onset) none(fireAt - step);
    const annotations =
      c.annotations ??
      Object.fromEntries(Object.entries(ruleFor(groups, c).annotations).map(([k, v]) => [k, renderAnnotation(v, c.labels, c.value)]));
    checks.push({ eval_time: `${fireAt}m`, alertname: c.alert, exp_alerts: [{ exp_labels: c.labels, exp_annotations: annotations }] });
    if (c.resolvedAt !== undefined) none(c.resolvedAt);
    add(step, { name: `${c.alert} fires: ${c.name}`, interval: `${step}m`, input_series: c.series, alert_rule_test: checks });
  }
  for (const c of cases.silent) {
    const step = c.step ?? 1;
    forMinutes(groups, c.alert); // the alert must exist
    add(step, {
      name: `${c.alert} silent: ${c.name}`,
      interval: `${step}m`,
      input_series: c.series,
      alert_rule_test: c.at.map((t) => ({ eval_time: `${t}m`, alertname: c.alert, exp_alerts: [] })),
    });
  }
  return byStep;
}

/**
 * Writes `<name>.rules.yml` and one `<name>.<step>m.test.yml` per step into
 * `dir` (extra promql_expr_test groups go to the 1-minute file); returns the
 * test files' paths, for one promtool invocation.
 */
export function writeUnitTestFiles(
  dir: string,
  name: string,
  rulesYaml: string,
  tests: ReadonlyMap<number, readonly Record<string, unknown>[]>,
): string[] {
  writeFileSync(join(dir, `${name}.rules.yml`), rulesYaml);
  return [...tests.entries()].map(([step, groups]) => {
    const file = join(dir, `${name}.${step}m.test.yml`);
    const doc = { rule_files: [`${name}.rules.yml`], evaluation_interval: `${step}m`, tests: groups };
    writeFileSync(file, dump(doc, { lineWidth: -1, noRefs: true }));
    return file;
  });
}

/** Runs promtool with `args` in `cwd`; a missing promtool fails the test. */
export function promtool(args: readonly string[], cwd: string): RunResult {
  return run(requireProgram(TOOLS.promtool), args, { cwd });
}

/** Alert names with neither a firing nor a silent case, for coverage checks. */
export function uncoveredAlerts(groups: readonly RuleGroup[], cases: DomainCases, alwaysFiring: readonly string[] = []): string[] {
  const names = new Set(groups.flatMap((g) => g.rules).filter(isAlertRule).map((r) => r.alert));
  const missing: string[] = [];
  for (const n of names) {
    const fires = cases.firing.some((c) => c.alert === n && (c.resolvedAt !== undefined || alwaysFiring.includes(n)));
    const silent = cases.silent.some((c) => c.alert === n) || alwaysFiring.includes(n);
    if (!fires || !silent) missing.push(n);
  }
  return missing;
}

/** An input series from a metric name, labels and promtool values. */
export function series(metric: string, labels: Readonly<Record<string, string>>, values: string): InputSeries {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ");
  return { series: `${metric}{${l}}`, values };
}
