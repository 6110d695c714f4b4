/**
 * Rules and dashboard queries must load on this machine's promtool (2.42, checked
 * by the promtool tests) AND on current Prometheus. Current Prometheus can't be
 * installed here, so every expression is parsed with the PromQL grammar current
 * Prometheus ships for its own UI (@prometheus-io/lezer-promql, published from the
 * prometheus/prometheus repository): a syntax error or 3.x-incompatible
 * construct shows up as an error node.
 */
import { describe, expect, it } from "vitest";
import { platformRuleGroups, postgresRuleGroups, sloRuleGroups, SLO_DEFAULTS } from "../alerts/index";
import type { RuleGroup } from "../alerts/types";
import { dashboardQueries, platformDashboards, postgresDashboards, substituteGrafanaVariables } from "../dashboards/index";

type Parser = { parse(input: string): { iterate(spec: { enter(node: { type: { isError: boolean }; from: number }): void }): void } };

async function promqlParser(): Promise<Parser> {
  const mod = (await import("@prometheus-io/lezer-promql")) as unknown as { parser: Parser };
  return mod.parser;
}

/** Positions of syntax errors in `expr` under the current PromQL grammar (empty when it parses). */
function syntaxErrors(parser: Parser, expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

function ruleExprs(groups: readonly RuleGroup[]): [string, string][] {
  return groups.flatMap((g) => g.rules.map((r) => [`${g.name}/${"alert" in r ? r.alert : r.record}`, r.expr] as [string, string]));
}

const opts = { runbookBaseUrl: "https://example.com/runbooks" };

describe("current Prometheus PromQL grammar", () => {
  it("parses every alert and recording rule", async () => {
    const parser = await promqlParser();
    const exprs = ruleExprs([
      ...platformRuleGroups(opts),
      ...postgresRuleGroups(opts),
      ...sloRuleGroups([{ service: "core-api", namespace: "platform-prod", availability: SLO_DEFAULTS.availability, latency: { reads: SLO_DEFAULTS.reads, writes: SLO_DEFAULTS.writes } }], opts),
    ]);
    expect(exprs.length).toBeGreaterThan(40);
    const bad = exprs.filter(([, e]) => syntaxErrors(parser, e).length > 0).map(([n, e]) => `${n}: ${e}`);
    expect(bad).toEqual([]);
  });

  it("parses every dashboard query, with Grafana's variables filled in", async () => {
    const parser = await promqlParser();
    const queries = [...platformDashboards(), ...postgresDashboards()].flatMap((d) => dashboardQueries(d.json));
    expect(queries.length).toBeGreaterThan(30);
    // Every dashboard variable is a regex matcher: "All" (.*) is a value each must accept.
    const variables = (expr: string) =>
      Object.fromEntries([...expr.matchAll(/\$\{?(\w+)|\[\[(\w+)\]\]/g)].map((m) => m[1] ?? m[2]!).filter((n) => !n.startsWith("__")).map((n) => [n, ".*"]));
    const bad = queries
      .map((q) => ({ q, expr: substituteGrafanaVariables(q.expr, variables(q.expr)) }))
      .filter(({ expr }) => syntaxErrors(parser, expr).length > 0)
      .map(({ q, expr }) => `${q.dashboard}/${q.source}: ${expr}`);
    expect(bad).toEqual([]);
  });

  it("reports broken expressions (the check can fail)", async () => {
    const parser = await promqlParser();
    expect(syntaxErrors(parser, 'sum by (namespace) (rate(http_server_requests_seconds_count{status=~"5.."}[5m]))')).toEqual([]);
    expect(syntaxErrors(parser, "sum(rate(x[5m])").length).toBeGreaterThan(0);
    expect(syntaxErrors(parser, "rate(x[5m]) >").length).toBeGreaterThan(0);
    expect(syntaxErrors(parser, "x{a=}").length).toBeGreaterThan(0);
    // Prometheus 2 accepts holt_winters; Prometheus 3 removed it: the grammar knows.
    expect(syntaxErrors(parser, "holt_winters(x[5m], 0.5, 0.5)").length).toBeGreaterThan(0);
  });
});
