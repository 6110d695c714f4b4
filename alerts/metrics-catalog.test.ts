import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { metricsDoc } from "../scripts/metrics-doc";
import { METRICS, metricNamesInExpr } from "./metrics-catalog";

describe("metricNamesInExpr", () => {
  it.each([
    ["up == 0", ["up"]],
    ['sum by (namespace, service) (rate(http_server_requests_seconds_count{status=~"5..", uri!="/x"}[5m]))', ["http_server_requests_seconds_count"]],
    ["histogram_quantile(0.95, sum by (le) (rate(a_bucket[5m]))) > 1", ["a_bucket"]],
    ["a / on (namespace, pod) group_left (node) b", ["a", "b"]],
    ["a unless ignoring (x) b or c and d", ["a", "b", "c", "d"]],
    ["count without (instance) (x) > bool 3", ["x"]],
    ["rate(x[5m] offset 1h) - rate(x[1h:5m])", ["x"]],
    ["sum(rate(y[5m] @ 1609746000))", ["y"]],
    ['label_replace(foo, "dst", "$1", "src", "(.+?)(-wal)?")', ["foo"]],
    ['{__name__="bar", job="x"}', ["bar"]],
    ["slo:error_ratio:rate1h{slo=\"availability\"} > 0.0144", ["slo:error_ratio:rate1h"]],
    ["time() - max(ts) > 93600 and vector(1)", ["ts"]],
    ["absent(up{job=~\".*prometheus\"} == 1)", ["up"]],
    ["1e3 * 0x1F + 1.5 - Inf", []],
    ['topk(3, sum by (app) (rate(req_total{x="sum(y)"}[1m])))', ["req_total"]],
    ["SUM BY (a) (m1) AND m2", ["m1", "m2"]],
  ])("%s", (expr, names) => {
    expect(metricNamesInExpr(expr)).toEqual(names);
  });
});

describe("METRICS", () => {
  it("names an exporter and a description for every entry; recording rules are marked as such", () => {
    for (const [name, info] of Object.entries(METRICS)) {
      expect(info.exporter, name).not.toBe("");
      expect(info.description, name).not.toBe("");
      if (name.includes(":")) expect(info.exporter, name).toBe("recording rule");
    }
  });
});

describe("docs/metrics.md", () => {
  it("is generated from the catalogue and up to date", () => {
    const doc = readFileSync(join(__dirname, "..", "docs", "metrics.md"), "utf8");
    expect(doc, "run: node --import tsx scripts/metrics-doc.ts").toBe(metricsDoc());
    for (const name of Object.keys(METRICS)) expect(doc).toContain(`\`${name}\``);
  });
});
