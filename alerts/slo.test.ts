/**
 * SLO rules: input validation, the shape of the generated rules, and promtool
 * unit tests of the recording rules (promql_expr_test) and of both burn-rate
 * alerts on each side of their thresholds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir } from "../test/procs";
import { BURN_RATES, SLO_WINDOWS, leLabel, sloRuleGroups, toRuleFileYaml, type AlertOptions, type WorkloadSlo } from "./index";
import { counter, promtool, series, unitTestGroups, writeUnitTestFiles, type DomainCases, type InputSeries } from "./promtool-harness";
import { isAlertRule } from "./types";

const OPTS: AlertOptions = { runbookBaseUrl: "https://runbooks.example.com/platform" };
const SLO: WorkloadSlo = { service: "core-api", namespace: "shop" };
const APP = { namespace: "shop", service: "core-api", pod: "core-api-1" };
const COUNT = "http_server_requests_seconds_count";
const BUCKET = "http_server_requests_seconds_bucket";
const get = (status: string, values: string) => series(COUNT, { ...APP, method: "GET", uri: "/orders", status }, values);
const getFast = (values: string) => series(BUCKET, { ...APP, method: "GET", uri: "/orders", status: "200", le: "0.2" }, values);
const post = (values: string) => series(COUNT, { ...APP, method: "POST", uri: "/orders", status: "201" }, values);
const postFast = (values: string) => series(BUCKET, { ...APP, method: "POST", uri: "/orders", status: "201", le: "0.5" }, values);
const alertLabels = (slo: string, objective: string, severity: string) => ({ namespace: "shop", service: "core-api", slo, objective, severity });

describe("sloRuleGroups validation", () => {
  it.each([
    [{ service: "core-api", availability: 1 }, /availability must be a number strictly between 0 and 1.*got 1/],
    [{ service: "core-api", availability: 0 }, /availability must be .*got 0/],
    [{ service: "core-api", availability: 99.9 }, /availability must be .*got 99.9/],
    [{ service: "core-api", latency: { reads: { thresholdSeconds: 0, objective: 0.95 } } }, /latency.reads.thresholdSeconds must be a number > 0.*got 0/],
    [{ service: "core-api", latency: { writes: { thresholdSeconds: 0.5, objective: 1.2 } } }, /latency.writes.objective must be .*got 1.2/],
    [{ service: "Core_API" }, /service must be a Kubernetes Service name.*"Core_API"/],
    [{ service: "core-api", namespace: "Shop!" }, /namespace must be .*"Shop!"/],
  ] as [WorkloadSlo, RegExp][])("rejects %j", (slo, message) => {
    expect(() => sloRuleGroups([slo], OPTS)).toThrow(message);
  });

  it("rejects the same service twice, and unknown slo.* duration keys", () => {
    expect(() => sloRuleGroups([SLO, SLO], OPTS)).toThrow(/overlaps another entry/);
    expect(() => sloRuleGroups([{ service: "web" }, { service: "web", namespace: "shop" }], OPTS)).toThrow(/overlaps/);
    expect(() => sloRuleGroups([SLO], { ...OPTS, durations: { "slo.pageFor": "1m" } })).toThrow(/unknown alert duration key slo.pageFor \(value "1m"\)/);
    expect(() => sloRuleGroups([SLO], { ...OPTS, durations: { "slo.page.for": "-1m" } })).toThrow(/slo.page.for .*got "-1m"/);
  });
});

describe("sloRuleGroups shape", () => {
  it("records every window for each SLI and alerts on both burn speeds", () => {
    const [group] = sloRuleGroups([SLO], OPTS);
    const records = group!.rules.filter((r) => !isAlertRule(r));
    expect(records).toHaveLength(3 * SLO_WINDOWS.length);
    const alerts = group!.rules.filter(isAlertRule);
    expect(alerts.map((a) => `${a.alert}/${a.labels.slo}/${a.labels.severity}`).sort()).toEqual([
      "SloErrorBudgetBurnFast/availability/critical",
      "SloErrorBudgetBurnFast/latency-reads/critical",
      "SloErrorBudgetBurnFast/latency-writes/critical",
      "SloErrorBudgetBurnSlow/availability/warning",
      "SloErrorBudgetBurnSlow/latency-reads/warning",
      "SloErrorBudgetBurnSlow/latency-writes/warning",
    ]);
    const fast = alerts.find((a) => a.alert === "SloErrorBudgetBurnFast" && a.labels.slo === "availability")!;
    expect(fast.expr).toContain('slo:error_ratio:rate1h{slo="availability", service="core-api", namespace="shop"} > 0.0144');
    expect(fast.expr).toContain("slo:error_ratio:rate30m{");
    expect(BURN_RATES.ticket.map((p) => p.factor)).toEqual([3, 1]);
  });

  it("honours custom objectives, thresholds and switched-off SLIs", () => {
    const [group] = sloRuleGroups(
      [{ service: "web", availability: 0.99, latency: { reads: { thresholdSeconds: 1, objective: 0.9 }, writes: false } }],
      OPTS,
    );
    const text = toRuleFileYaml([group!]);
    expect(text).toContain('le="1.0"');
    expect(text).not.toContain("latency-writes");
    const slow = group!.rules.filter(isAlertRule).find((a) => a.alert === "SloErrorBudgetBurnSlow" && a.labels.slo === "availability")!;
    expect(slow.expr).toContain("> 0.03"); // 3 x (1 - 0.99)
    expect(slow.expr).toContain("slo:error_ratio:rate3d{slo=\"availability\", service=\"web\"} > 0.01");
  });

  it("writes le labels as Micrometer and Prometheus 3 do", () => {
    expect([leLabel(0.2), leLabel(0.5), leLabel(1), leLabel(2.5), leLabel(10)]).toEqual(["0.2", "0.5", "1.0", "2.5", "10.0"]);
  });
});

/**
 * 1000 requests a minute, `errPerStep` of them 5xx during the first `errSteps`
 * steps of `step` minutes, then none. Counters start high so that rate()'s
 * zero-point extrapolation treats both series alike.
 */
function traffic(errPerStep: number, errSteps: number, steps: number, step = 1): InputSeries[] {
  return [
    get("200", counter(10_000_000, [steps, (1000 - errPerStep / step) * step])),
    get("500", counter(1_000_000, [errSteps + 1, errPerStep], [steps - errSteps - 1, 0])),
  ];
}

const cases: DomainCases = {
  firing: [
    {
      alert: "SloErrorBudgetBurnFast",
      name: "availability: 10% errors during minutes 1-20",
      series: traffic(100, 20, 61),
      onset: 1,
      value: 0.1,
      labels: alertLabels("availability", "0.999", "critical"),
      resolvedAt: 50,
    },
    {
      alert: "SloErrorBudgetBurnFast",
      name: "reads: 80% slower than 200 ms during minutes 1-20",
      series: [get("200", counter(10_000_000, [61, 1000])), getFast(counter(5_000_000, [21, 200], [40, 1000])), post(counter(1_000_000, [61, 100])), postFast(counter(1_000_000, [61, 100]))],
      onset: 1,
      value: 0.8,
      labels: alertLabels("latency-reads", "0.95", "critical"),
      resolvedAt: 45,
    },
    {
      alert: "SloErrorBudgetBurnSlow",
      name: "availability: 0.4% errors during minutes 10-300 (10-minute steps)",
      step: 10,
      series: traffic(40, 30, 61, 10),
      onset: 10,
      value: 0.004,
      labels: alertLabels("availability", "0.999", "warning"),
      resolvedAt: 600,
    },
  ],
  silent: [
    {
      alert: "SloErrorBudgetBurnFast",
      name: "availability: 0.59% errors, just below 6 x 0.1%",
      series: traffic(5.9, 60, 61),
      at: [3, 30, 60],
    },
    {
      alert: "SloErrorBudgetBurnFast",
      name: "reads: 29% slow, just below 6 x 5%",
      series: [get("200", counter(10_000_000, [61, 1000])), getFast(counter(5_000_000, [61, 710]))],
      at: [3, 30, 60],
    },
    {
      alert: "SloErrorBudgetBurnSlow",
      name: "availability: 0.09% errors, just below 1 x 0.1%",
      step: 10,
      series: traffic(9, 60, 61, 10),
      at: [30, 300, 600],
    },
  ],
};

/**
 * promql_expr_test of the recorded ratios: 100 of 1100 requests fail (9.09%),
 * 780 of 1000 reads are slower than 200 ms, 25 of 100 writes slower than 500 ms.
 */
function recordingTests(): Record<string, unknown>[] {
  const sample = (slo: string, value: number) => ({ labels: `{namespace="shop", service="core-api", slo="${slo}"}`, value });
  return [
    {
      name: "recorded error ratios over every window",
      interval: "1m",
      input_series: [
        ...traffic(100, 30, 31),
        getFast(counter(5_000_000, [31, 220])),
        post(counter(1_000_000, [31, 100])),
        postFast(counter(1_000_000, [31, 75])),
      ],
      promql_expr_test: SLO_WINDOWS.flatMap((w) => [
        { expr: `round(slo:error_ratio:rate${w}{slo="availability"} * 10000)`, eval_time: "30m", exp_samples: [sample("availability", 909)] },
        { expr: `round(slo:error_ratio:rate${w}{slo="latency-reads"} * 10000)`, eval_time: "30m", exp_samples: [sample("latency-reads", 7800)] },
        { expr: `round(slo:error_ratio:rate${w}{slo="latency-writes"} * 10000)`, eval_time: "30m", exp_samples: [sample("latency-writes", 2500)] },
      ]),
    },
    {
      name: "availability is recorded as 0 while no 5xx series exists",
      interval: "1m",
      input_series: [get("200", counter(10_000_000, [11, 1000]))],
      promql_expr_test: [
        {
          expr: 'slo:error_ratio:rate5m{slo="availability"}',
          eval_time: "10m",
          exp_samples: [{ labels: 'slo:error_ratio:rate5m{namespace="shop", service="core-api", slo="availability"}', value: 0 }],
        },
      ],
    },
  ];
}

let dir = "";
beforeAll(() => {
  dir = makeTempDir("alerts-slo");
});
afterAll(() => removeDir(dir));

describe("promtool test rules: slo", () => {
  it("recording rules and burn-rate alerts pass their unit tests", () => {
    const groups = sloRuleGroups([SLO], OPTS);
    const tests = unitTestGroups(groups, cases);
    tests.set(1, [...(tests.get(1) ?? []), ...recordingTests()]);
    const files = writeUnitTestFiles(dir, "slo", toRuleFileYaml(groups), tests);
    const r = promtool(["test", "rules", ...files], dir);
    expect(r.code, `promtool exited ${r.code}\n${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout.match(/SUCCESS/g)?.length).toBe(files.length);
  });
});
