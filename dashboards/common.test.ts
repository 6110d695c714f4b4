import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { describe, expect, it } from "vitest";
import { PROMETHEUS, promTarget, q } from "./common";

// promTarget stands in for the foundation SDK's DataqueryBuilder (see its TSDoc): the JSON it
// builds, key order included, must be what the SDK's builder builds for the same query.
describe("promTarget", () => {
  const sdk = (expr: string, legend: string | undefined, instant: boolean) => {
    const b = new DataqueryBuilder().datasource(PROMETHEUS).expr(expr);
    if (legend !== undefined) b.legendFormat(legend);
    return JSON.stringify((instant ? b.instant() : b.range()).build());
  };
  for (const [legend, instant] of [[undefined, false], [undefined, true], ["{{pod}}", false], ["{{pod}}", true]] as const) {
    it(`builds what DataqueryBuilder builds (legend ${legend ?? "none"}, ${instant ? "instant" : "range"})`, () => {
      const expr = 'sum by (pod) (rate(http_server_requests_seconds_count{job="core-api"}[5m]))';
      expect(JSON.stringify(promTarget(q(expr, legend), instant).build())).toBe(sdk(expr, legend, instant));
    });
  }
  it("returns a fresh target per call", () => {
    expect(promTarget(q("up"), true).build()).not.toBe(promTarget(q("up"), true).build());
  });
});
