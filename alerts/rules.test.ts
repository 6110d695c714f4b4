/**
 * Rule structure: labels and annotations every alert must carry, runbook
 * anchors that exist, metrics that some exporter produces, stable YAML, and
 * option validation that names the offending key and value.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import {
  ALERT_DOMAINS,
  DEFAULT_DURATIONS,
  DEFAULT_THRESHOLDS,
  METRICS,
  applicationRuleGroups,
  metricNamesInExpr,
  platformRuleGroups,
  postgresRuleGroups,
  redisRuleGroups,
  rabbitmqRuleGroups,
  keycloakRuleGroups,
  resolveAlertOptions,
  scrapePresenceGroup,
  sloRuleGroups,
  toRuleFileYaml,
  validateAlertOptions,
  type AlertOptions,
  type AlertRule,
} from "./index";
import { isAlertRule } from "./types";

const BASE = "https://runbooks.example.com/platform";
const OPTS: AlertOptions = { runbookBaseUrl: BASE };
const RUNBOOKS = join(__dirname, "..", "docs", "runbooks");
const ALL_GROUPS = [
  ...platformRuleGroups(OPTS),
  ...postgresRuleGroups(OPTS),
  ...redisRuleGroups(OPTS),
  ...rabbitmqRuleGroups(OPTS),
  ...keycloakRuleGroups(OPTS),
  ...sloRuleGroups([{ service: "core-api" }], OPTS),
  scrapePresenceGroup("test.scrapes", [{ job: "core-api", namespace: "shop", reads: "the core-api alerts" }], OPTS),
];
const ALERTS = ALL_GROUPS.flatMap((g) => g.rules).filter(isAlertRule);

describe("every alert", () => {
  it.each(ALERTS.map((a) => [a.alert, a] as const))("%s has severity, summary, description and a runbook link", (_name, a: AlertRule) => {
    expect(["critical", "warning", "info", "none"]).toContain(a.labels.severity);
    expect(a.annotations.summary.length).toBeGreaterThan(10);
    expect(a.annotations.description.length).toBeGreaterThan(20);
    expect(a.annotations.runbook_url).toMatch(new RegExp(`^${BASE}/[a-z]+\\.md#${a.alert.toLowerCase()}$`));
  });

  it("links to a runbook section that exists, with meaning, impact, diagnosis and mitigation", () => {
    const missing: string[] = [];
    for (const a of ALERTS) {
      const [file, anchor] = a.annotations.runbook_url.slice(BASE.length + 1).split("#") as [string, string];
      const path = join(RUNBOOKS, file);
      if (!existsSync(path)) {
        missing.push(`${a.alert}: no ${file}`);
        continue;
      }
      const text = readFileSync(path, "utf8");
      const section = text.split(/^## /m).find((s) => s.split("\n")[0]!.trim().toLowerCase() === anchor);
      if (!section) {
        missing.push(`${a.alert}: no "## ${a.alert}" in ${file}`);
        continue;
      }
      for (const part of ["Meaning", "Impact", "Diagnosis", "Mitigation"]) {
        if (!section.includes(`**${part}**`)) missing.push(`${a.alert}: section lacks **${part}**`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("the Watchdog is the only severity none alert, and application errors page", () => {
    expect(ALERTS.filter((a) => a.labels.severity === "none").map((a) => a.alert)).toEqual(["Watchdog"]);
    expect(ALERTS.find((a) => a.alert === "ApplicationHighErrorRate")!.labels.severity).toBe("critical");
  });

  it("alert names are unique outside the SLO groups", () => {
    const names = ALERTS.filter((a) => !a.alert.startsWith("Slo")).map((a) => a.alert);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("metrics catalogue", () => {
  it("lists every metric any rule reads", () => {
    const used = new Set(ALL_GROUPS.flatMap((g) => g.rules).flatMap((r) => metricNamesInExpr(r.expr)));
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((m) => !(m in METRICS))).toEqual([]);
  });

  it("lists every recording rule output as produced by a recording rule", () => {
    const records = ALL_GROUPS.flatMap((g) => g.rules).flatMap((r) => ("record" in r ? [r.record] : []));
    for (const r of records) expect(METRICS[r]?.exporter, r).toBe("recording rule");
  });
});

describe("toRuleFileYaml", () => {
  it("is stable and keeps alert, expr, for, labels, annotations in that order", () => {
    const yaml = toRuleFileYaml(platformRuleGroups(OPTS));
    expect(toRuleFileYaml(platformRuleGroups(OPTS))).toBe(yaml);
    const doc = load(yaml) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
    const rule = doc.groups[0]!.rules[0]!;
    expect(Object.keys(rule)).toEqual(["alert", "expr", "for", "labels", "annotations"]);
    expect(Object.keys(rule.annotations as object)).toEqual(["description", "runbook_url", "summary"]);
  });

  it("refuses two groups with the same name", () => {
    const g = applicationRuleGroups(OPTS);
    expect(() => toRuleFileYaml([...g, ...g])).toThrow(/platform.application.*twice/);
  });
});

describe("alert options", () => {
  it("renders the end-to-end test's short window and for: into the error-rate alert", () => {
    const rule = applicationRuleGroups({ ...OPTS, durations: { "app.errorRate.window": "10s", "app.errorRate.for": "5s" } })[0]!.rules.find(
      (r) => isAlertRule(r) && r.alert === "ApplicationHighErrorRate",
    ) as AlertRule;
    expect(rule.expr).toContain("[10s]");
    expect(rule.expr).not.toContain("[5m]");
    expect(rule.for).toBe("5s");
    expect(DEFAULT_THRESHOLDS["app.errorRatio"]).toBe(0.05);
    expect(DEFAULT_DURATIONS["app.errorRate.window"]).toBe("5m");
  });

  it("a threshold override changes the expression", () => {
    const yaml = toRuleFileYaml(postgresRuleGroups({ ...OPTS, thresholds: { "pg.connectionsRatio": 0.75 } }));
    expect(yaml).toContain("> 0.75");
  });

  it.each([
    [{ thresholds: { "app.errorRatoi": 0.1 } }, /unknown alert threshold key app.errorRatoi \(value 0.1\)/],
    [{ thresholds: { "nosuch.key": 1 } }, /unknown alert threshold key nosuch.key \(value 1\)/],
    [{ durations: { "app.errorRate.windows": "1m" } }, /unknown alert duration key app.errorRate.windows \(value "1m"\)/],
    [{ selectors: { "app.target": "x=\"y\"" } }, /unknown alert selector key app.target/],
    [{ thresholds: { "app.errorRatio": -0.05 } }, /app.errorRatio must be a number > 0 and <= 1 .*got -0.05/],
    [{ thresholds: { "app.errorRatio": 5 } }, /app.errorRatio .*got 5/],
    [{ thresholds: { "pg.deadlocks": Number.NaN } }, /pg.deadlocks .*got null/],
    [{ durations: { "app.errorRate.window": "-5m" } }, /app.errorRate.window must be a non-zero Prometheus duration .*got "-5m"/],
    [{ durations: { "app.errorRate.window": "5 minutes" } }, /app.errorRate.window .*got "5 minutes"/],
    [{ durations: { "app.errorRate.window": "0s" } }, /app.errorRate.window .*got "0s"/],
    [{ durations: { "pg.backup.maxAge": "" } }, /pg.backup.maxAge .*got ""/],
    [{ selectors: { "app.targets": "{namespace=\"x\"}" } }, /app.targets must be PromQL label matchers without braces/],
    [{ runbookBaseUrl: "docs/runbooks" }, /runbookBaseUrl must be an absolute http\(s\) URL.*"docs\/runbooks"/],
  ] as [Partial<AlertOptions>, RegExp][])("rejects %j", (override, message) => {
    const opts = { ...OPTS, ...override } as AlertOptions;
    expect(() => validateAlertOptions(opts)).toThrow(message);
    expect(() => [...platformRuleGroups(opts), ...postgresRuleGroups(opts)]).toThrow(message);
  });

  it("accepts for: 0s, and resolves every documented key", () => {
    const r = resolveAlertOptions({ ...OPTS, durations: { "app.down.for": "0s" } });
    expect(r.durations["app.down.for"]).toBe("0s");
    const documented = Object.values(ALERT_DOMAINS).flatMap((d) => [...Object.keys(d.thresholds), ...Object.keys(d.durations)]);
    expect(Object.keys({ ...r.thresholds, ...r.durations }).sort()).toEqual(documented.sort());
    for (const k of documented) expect(k).toMatch(/^(app|jvm|k8s|cert|monitoring|pg|slo|redis|rabbitmq|keycloak)\.[a-zA-Z0-9.]+$/);
    const down = applicationRuleGroups({ ...OPTS, durations: { "app.down.for": "0s" } })[0]!.rules.find((x) => isAlertRule(x) && x.alert === "ApplicationTargetDown") as AlertRule;
    expect(down.for).toBeUndefined();
  });
});
