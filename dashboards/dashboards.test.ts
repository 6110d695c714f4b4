import { describe, expect, it } from "vitest";
import {
  dashboardConfigMapData,
  dashboardQueries,
  type DashboardJson,
  platformDashboards,
  postgresDashboards,
  redisDashboards,
  rabbitmqDashboards,
  keycloakDashboards,
  resolveDashboardOptions,
  stableJson,
  substituteGrafanaVariables,
} from "./index";
import { DEFAULT_DURATIONS, DEFAULT_THRESHOLDS } from "../alerts/index";
import { SLO_DEFAULTS, sloRecordName } from "../alerts/slo";
import { dashboardPanels, GRAFANA_BUILTINS, grafanaVariables, variableQueryExpr } from "./inspect";
import { durationSeconds } from "./options";
import { formatNumber, leMatcher } from "./promql";

const all = (): DashboardJson[] => [...platformDashboards(), ...postgresDashboards(), ...redisDashboards(), ...rabbitmqDashboards(), ...keycloakDashboards()];

// The uids are a public contract (URLs, links, bookmarks): this list changes only on purpose.
const EXPECTED = {
  "platform-overview": "overview",
  "platform-api": "api",
  "platform-jvm": "jvm",
  "platform-kubernetes": "kubernetes",
  "platform-postgres": "postgres",
  "platform-redis": "redis",
  "platform-rabbitmq": "rabbitmq",
  "platform-keycloak": "keycloak",
} as const;

interface Panel {
  type: string;
  id: number;
  title?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { expr?: string; refId?: string; datasource?: { uid?: string } }[];
  gridPos?: { x: number; y: number; w: number; h: number };
  panels?: Panel[];
}
interface Model {
  uid: string;
  title: string;
  tags: string[];
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string; datasource?: { uid?: string } }[] };
}
const parse = (d: DashboardJson): Model => JSON.parse(d.json) as Model;

describe("dashboard identity", () => {
  it("has exactly the expected stable uids, each tagged platform + its area", () => {
    const ds = all();
    expect(ds.map((d) => d.uid).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const d of ds) {
      const area = EXPECTED[d.uid as keyof typeof EXPECTED];
      expect(d.tags).toEqual(["platform", area]);
      const m = parse(d);
      expect(m.uid).toBe(d.uid);
      expect(m.title).toBe(d.title);
      expect(m.tags).toEqual(d.tags);
      expect(d.title).toMatch(/^Platform \/ /);
      expect(d.folder).toBe("Platform");
    }
    expect(new Set(ds.map((d) => d.title)).size).toBe(ds.length);
  });

  it("splits PostgreSQL from the rest so a stack without a database can leave it out", () => {
    expect(platformDashboards().map((d) => d.uid)).not.toContain("platform-postgres");
    expect(postgresDashboards().map((d) => d.uid)).toEqual(["platform-postgres"]);
  });
});

describe("stable JSON", () => {
  it("is byte-identical across calls", () => {
    const a = all().map((d) => dashboardConfigMapData(d));
    const b = all().map((d) => dashboardConfigMapData(d));
    expect(a).toEqual(b);
    for (let i = 0; i < a.length; i++) expect(JSON.stringify(a[i])).toBe(JSON.stringify(b[i]));
  });

  it("has keys sorted at every level and stays within a ConfigMap's comfortable size", () => {
    for (const d of all()) {
      expect(stableJson(JSON.parse(d.json))).toBe(d.json);
      expect(d.json.length).toBeLessThan(256 * 1024);
    }
  });

  it("sorts keys, drops undefined and functions, and keeps array order", () => {
    expect(stableJson({ b: 1, a: { d: [3, undefined, 1], c: undefined, f: () => 1 } })).toBe('{"a":{"d":[3,1]},"b":1}');
    expect(() => stableJson({ x: Number.NaN })).toThrow(/NaN has no JSON form/);
  });

  it("keys the ConfigMap data by <uid>.json and rejects a uid that can't be a key", () => {
    const d = platformDashboards()[1]!;
    expect(Object.keys(dashboardConfigMapData(d))).toEqual(["platform-api.json"]);
    expect(dashboardConfigMapData(d)["platform-api.json"]).toBe(d.json);
    expect(() => dashboardConfigMapData({ uid: "bad/uid", json: "{}" })).toThrow(/dashboard uid must be .*got "bad\/uid"/);
  });
});

describe("panels and queries", () => {
  it("gives every panel at least one non-empty query, a unit, the $datasource and unique ids/refIds", () => {
    for (const d of all()) {
      const m = parse(d);
      const panels = dashboardPanels(m) as Panel[];
      expect(panels.length).toBeGreaterThan(5);
      const ids = new Set<number>();
      for (const p of m.panels) ids.add(p.id);
      expect(ids.size).toBe(m.panels.length);
      for (const p of panels) {
        const where = `${d.uid} / ${p.title}`;
        expect(p.targets?.length ?? 0, where).toBeGreaterThan(0);
        expect(p.datasource, where).toEqual({ type: "prometheus", uid: "${datasource}" });
        expect(p.fieldConfig?.defaults?.unit, where).toMatch(/\S/);
        const refIds = p.targets!.map((t) => t.refId);
        expect(new Set(refIds).size, where).toBe(refIds.length);
        for (const t of p.targets!) {
          expect(t.expr?.trim() ?? "", where).not.toBe("");
          expect(t.datasource?.uid, where).toBe("${datasource}");
        }
        expect(p.gridPos!.x + p.gridPos!.w, where).toBeLessThanOrEqual(24);
      }
    }
  });

  it("declares a Prometheus $datasource and a $namespace variable on every dashboard", () => {
    for (const d of all()) {
      const vars = parse(d).templating.list;
      expect(vars.find((v) => v.name === "datasource")).toMatchObject({ type: "datasource", query: "prometheus" });
      expect(vars.find((v) => v.name === "namespace")).toMatchObject({ type: "query" });
      for (const v of vars.filter((x) => x.type === "query")) expect(v.datasource?.uid).toBe("${datasource}");
    }
  });

  it("uses only variables the dashboard declares (or Grafana's built-ins)", () => {
    for (const d of all()) {
      const declared = new Set([...parse(d).templating.list.map((v) => v.name), ...Object.keys(GRAFANA_BUILTINS)]);
      for (const query of dashboardQueries(d.json)) {
        for (const name of grafanaVariables(query.expr)) expect(declared.has(name), `${d.uid} / ${query.source}: $${name}`).toBe(true);
      }
    }
  });

  it("filters every panel query by namespace, except the cluster-wide alert counts", () => {
    for (const d of all()) {
      for (const query of dashboardQueries(d.json).filter((x) => x.panelId > 0)) {
        if (query.expr.includes("ALERTS{")) continue;
        expect(query.expr, `${d.uid} / ${query.source}`).toContain('namespace=~"$namespace"');
      }
    }
  });

  it("finds the queries of the API dashboard with their panels and variables", () => {
    const qs = dashboardQueries(platformDashboards()[1]!.json);
    expect(qs.filter((x) => x.panelId === 0).map((x) => x.source)).toEqual(["variable namespace", "variable service", "variable uri", "variable tenant"]);
    const p99 = qs.find((x) => x.source === "Latency p50 / p95 / p99" && x.refId === "C");
    expect(p99?.expr).toMatch(/^histogram_quantile\(0\.99, sum by \(le\) \(rate\(http_server_requests_seconds_bucket\{/);
    expect(qs.some((x) => /sum by \(tenant\) \(rate\(http_server_requests_seconds_count/.test(x.expr))).toBe(true);
    expect(qs.some((x) => /sum by \(method, uri\)/.test(x.expr))).toBe(true);
  });
});

describe("options", () => {
  it("takes its defaults from the alert rules and SLOs, so red lines sit where alerts fire", () => {
    const o = resolveDashboardOptions();
    expect(o).toEqual({
      availabilityTarget: SLO_DEFAULTS.availability,
      readLatency: SLO_DEFAULTS.reads,
      writeLatency: SLO_DEFAULTS.writes,
      errorRatioCritical: DEFAULT_THRESHOLDS["app.errorRatio"],
      p95WarningSeconds: DEFAULT_THRESHOLDS["app.latencyP95Seconds"],
      heapUsedRatio: DEFAULT_THRESHOLDS["jvm.heapUsedRatio"],
      gcTimeRatio: DEFAULT_THRESHOLDS["jvm.gcTimeRatio"],
      memoryLimitRatio: DEFAULT_THRESHOLDS["k8s.memoryLimitRatio"],
      volumeUsageRatio: DEFAULT_THRESHOLDS["k8s.volumeUsageRatio"],
      connectionsRatio: DEFAULT_THRESHOLDS["pg.connectionsRatio"],
      replicationLagSeconds: DEFAULT_THRESHOLDS["pg.replicationLagSeconds"],
      backupMaxAgeSeconds: durationSeconds("x", DEFAULT_DURATIONS["pg.backup.maxAge"]!),
      walArchiveMaxAgeSeconds: durationSeconds("x", DEFAULT_DURATIONS["pg.walArchive.maxAge"]!),
      redisMemoryRatio: DEFAULT_THRESHOLDS["redis.memoryRatio"],
      rabbitmqQueueDepth: DEFAULT_THRESHOLDS["rabbitmq.queueDepth"],
      keycloakLatencyP95Seconds: DEFAULT_THRESHOLDS["keycloak.latencyP95Seconds"],
    });
    // The REQUIREMENTS.md figures, as the alerts resolve them today.
    expect([o.errorRatioCritical, o.p95WarningSeconds, o.memoryLimitRatio, o.volumeUsageRatio, o.readLatency.thresholdSeconds, o.writeLatency.thresholdSeconds]).toEqual([0.05, 1, 0.85, 0.8, 0.2, 0.5]);
  });

  it("rejects bad values and unknown keys with a message naming the field", () => {
    expect(() => resolveDashboardOptions({ availabilityTarget: 1 })).toThrow("dashboards.availabilityTarget must be between 0 and 1 (exclusive), e.g. 0.999, got 1");
    expect(() => resolveDashboardOptions({ readLatency: { thresholdSeconds: 0, objective: 0.9 } })).toThrow("dashboards.readLatency.thresholdSeconds must be a number > 0, got 0");
    expect(() => resolveDashboardOptions({ alertThresholds: { "app.errorRatoi": 0.1 } })).toThrow(/dashboards.alertThresholds has unknown key "app.errorRatoi"; known keys: .*app.errorRatio/);
    expect(() => resolveDashboardOptions({ alertThresholds: { "app.errorRatio": 2 } })).toThrow('dashboards.alertThresholds["app.errorRatio"] must be between 0 and 1 (exclusive), e.g. 0.999, got 2');
    expect(() => resolveDashboardOptions({ alertDurations: { "pg.backup.maxAge": "1 day" } })).toThrow('dashboards.alertDurations["pg.backup.maxAge"] must be a Prometheus duration such as "5m" or "26h", got "1 day"');
  });

  it("parses Prometheus durations", () => {
    expect(durationSeconds("x", "26h")).toBe(93600);
    expect(durationSeconds("x", "1h30m")).toBe(5400);
    expect(durationSeconds("x", "500ms")).toBe(0.5);
  });

  it("draws the configured targets into the queries and thresholds", () => {
    const api = (o: Parameters<typeof platformDashboards>[0]) => platformDashboards(o).find((d) => d.uid === "platform-api")!.json;
    const custom = api({ availabilityTarget: 0.99, readLatency: { thresholdSeconds: 0.3, objective: 0.9 }, alertThresholds: { "app.errorRatio": 0.1 } });
    expect(custom).toContain('le=\\"0.3\\"');
    expect(custom).toContain('slo=\\"availability\\"} / 0.01');
    expect(custom).toContain('slo=\\"latency-reads\\"} / 0.1');
    expect(custom).toContain('"color":"red","value":0.1}');
    const dflt = api({});
    expect(dflt).toContain('le=\\"0.2\\"');
    expect(dflt).toContain('slo=\\"availability\\"} / 0.001');
    const pg = postgresDashboards({ alertDurations: { "pg.backup.maxAge": "2d" } })[0]!.json;
    expect(pg).toContain('"color":"red","value":172800}');
  });

  it("reads the SLO recording rules of alerts/slo.ts for burn rates", () => {
    const api = platformDashboards().find((d) => d.uid === "platform-api")!;
    const exprs = dashboardQueries(api.json).map((x) => x.expr);
    for (const w of ["5m", "1h", "6h", "3d"]) expect(exprs.some((e) => e.startsWith(`${sloRecordName(w)}{`))).toBe(true);
  });
});

describe("helpers", () => {
  it("substitutes Grafana variables in every syntax and refuses unknown ones", () => {
    const v = { namespace: "(a|b)", cluster: "pg" };
    expect(substituteGrafanaVariables('x{namespace=~"$namespace"}[$__rate_interval]', v)).toBe('x{namespace=~"(a|b)"}[5m]');
    expect(substituteGrafanaVariables('x{pod=~"${cluster}-[0-9]+"} [[cluster]] ${cluster:regex}', v)).toBe('x{pod=~"pg-[0-9]+"} pg pg');
    expect(substituteGrafanaVariables('label_replace(x, "c", "$1", "pod", "(.+)-[0-9]+$")', v)).toBe('label_replace(x, "c", "$1", "pod", "(.+)-[0-9]+$")');
    expect(() => substituteGrafanaVariables('x{a=~"$nope"}', v)).toThrow("no value for Grafana variable $nope");
  });

  it("extracts the selector of label_values() variable queries", () => {
    expect(variableQueryExpr('label_values(up{job="a"}, namespace)')).toBe('up{job="a"}');
    expect(variableQueryExpr("query_result(sum(up))")).toBe("sum(up)");
    expect(variableQueryExpr("label_values(namespace)")).toBeUndefined();
    expect(() => variableQueryExpr("metrics(.*)")).toThrow(/unsupported variable query/);
  });

  it("matches whole-number bucket bounds in both Prometheus 2 and 3 spellings", () => {
    expect(leMatcher(0.2)).toBe('le="0.2"');
    expect(leMatcher(1)).toBe('le=~"1|1\\\\.0"');
    expect(formatNumber(1 - 0.999)).toBe("0.001");
  });
});
