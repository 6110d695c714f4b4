/**
 * Every query of every dashboard goes to a real Prometheus (the Debian
 * 2.42 binary, on 127.0.0.1 with an empty TSDB in a temp dir): Grafana's
 * variables are filled with the values Grafana would send, once as a
 * multi-value selection and once as "All", and `/api/v1/query` must answer
 * HTTP 200 with status "success". Bad PromQL (syntax or types) answers 400/422.
 *
 * The same Prometheus scrapes a fixture exposition (fixture-metrics.ts) every
 * second, labelled like the real exporters: every query must also return data
 * for the fixture's namespace/service/cluster, which catches a wrong metric
 * name, label or join that valid syntax alone would not.
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Daemon, freePort, makeTempDir, removeDir, requireProgram, startDaemon, TOOLS, waitFor } from "../test/procs";
import { FIXTURE, fixtureExposition } from "./fixture-metrics";
import { type DashboardQuery, dashboardQueries, platformDashboards, postgresDashboards, rabbitmqDashboards, keycloakDashboards, redisDashboards, substituteGrafanaVariables } from "./index";

/** A multi-value selection, formatted as Grafana formats it for Prometheus regex matchers. */
const SELECTED: Record<string, string> = {
  namespace: `(${FIXTURE.namespace}|default)`,
  service: `(${FIXTURE.service}|web)`,
  uri: `(${FIXTURE.uri}|/api/v1/orders/{id})`,
  tenant: `(${FIXTURE.tenant}|globex)`,
  pod: `(${FIXTURE.pod})`,
  workload: `(${FIXTURE.deployment})`,
  cluster: `(${FIXTURE.cluster})`,
  redis: `(${FIXTURE.redisService})`,
  sentinel: `(${FIXTURE.sentinelService})`,
  vhost: `(${FIXTURE.vhost})`,
  realm: `(${FIXTURE.realm}|master)`,
};
const ALL: Record<string, string> = Object.fromEntries(Object.keys(SELECTED).map((k) => [k, ".*"]));

interface Outcome {
  readonly httpStatus: number;
  readonly status: string;
  readonly error?: string;
  /** Number of series (or 1 for a scalar) in the answer. */
  readonly results: number;
}

let dir = "";
let prom: Daemon | undefined;
let exporter: Server | undefined;
let base = "";

async function check(promql: string): Promise<Outcome> {
  const res = await fetch(`${base}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: promql }).toString(),
  });
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
  const result = body.data?.result;
  const results = Array.isArray(result) ? result.length : result === undefined ? 0 : 1;
  return { httpStatus: res.status, status: body.status, error: body.error, results };
}

/**
 * Checks many queries, a few at a time, and returns the ones Prometheus
 * refused (or, with `needData`, the ones that returned nothing).
 */
async function refused(queries: readonly { label: string; promql: string }[], needData = false): Promise<string[]> {
  const bad: string[] = [];
  const queue = [...queries];
  const workers = Array.from({ length: 8 }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const r = await check(item.promql);
      if (r.httpStatus !== 200 || r.status !== "success") bad.push(`${item.label}: HTTP ${r.httpStatus} ${r.error ?? r.status}\n  ${item.promql}`);
      else if (needData && r.results === 0) bad.push(`${item.label}: no data\n  ${item.promql}`);
    }
  });
  await Promise.all(workers);
  return bad.sort();
}

function substituted(qs: readonly DashboardQuery[], values: Record<string, string>, tag: string) {
  return qs.map((x) => ({ label: `${x.dashboard} / ${x.source} ${x.refId} (${tag})`, promql: substituteGrafanaVariables(x.expr, values) }));
}

beforeAll(async () => {
  requireProgram(TOOLS.prometheus);
  dir = makeTempDir("dash-prom");
  const started = Date.now();
  exporter = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(fixtureExposition((Date.now() - started) / 1000, Math.floor(Date.now() / 1000)));
  });
  const exporterPort = await freePort();
  await new Promise<void>((resolve) => exporter!.listen(exporterPort, "127.0.0.1", resolve));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "scrape_configs:",
      "  - job_name: fixture",
      "    honor_labels: true",
      "    static_configs:",
      `      - targets: ["127.0.0.1:${exporterPort}"]`,
      "",
    ].join("\n"),
  );
  prom = startDaemon(
    TOOLS.prometheus,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { logFile: join(dir, "prometheus.log"), cwd: dir },
  );
  await waitFor("prometheus ready", async () => (await fetch(`${base}/-/ready`)).ok, 30_000);
});

afterAll(async () => {
  try {
    await prom?.stop();
    await new Promise<void>((resolve) => (exporter ? exporter.close(() => resolve()) : resolve()));
  } finally {
    if (dir) removeDir(dir);
  }
});

const dashboards = [...platformDashboards(), ...postgresDashboards(), ...redisDashboards(), ...rabbitmqDashboards(), ...keycloakDashboards()];

describe("every dashboard query is valid PromQL for a real Prometheus", () => {
  for (const d of dashboards) {
    it(`${d.uid}: all queries accepted, with selected values and with "All"`, async () => {
      const qs = dashboardQueries(d.json);
      expect(qs.length).toBeGreaterThan(5);
      const bad = await refused([...substituted(qs, SELECTED, "selected"), ...substituted(qs, ALL, "All")]);
      expect(bad).toEqual([]);
    });
  }
});

describe("every dashboard query returns data for realistic series", () => {
  beforeAll(async () => {
    // rate() and increase() need two samples of every counter.
    await waitFor("two scrapes of the fixture", async () => (await check("min(count_over_time(up[5m])) >= 3")).results > 0, 30_000, 250);
  });

  for (const d of dashboards) {
    it(`${d.uid}: every panel and variable query has data`, async () => {
      const bad = await refused(substituted(dashboardQueries(d.json), SELECTED, "fixture"), true);
      expect(bad).toEqual([]);
    });
  }
});

describe("the checker itself", () => {
  it("rejects broken PromQL with 400/422, the way it would reject a broken dashboard", async () => {
    for (const promql of [
      "rate(http_server_requests_seconds_count)", // type error: rate needs a range vector
      'sum(rate(http_server_requests_seconds_count{namespace=~"x"}[5m])', // unbalanced parenthesis
      "histogram_quantile(0.95, http_server_requests_seconds_bucket[5m])", // range vector where an instant vector is needed
      'up{namespace=~"$namespace"}[$__rate_interval]', // Grafana variables left unsubstituted
    ]) {
      const r = await check(promql);
      expect([400, 422], promql).toContain(r.httpStatus);
      expect(r.status).toBe("error");
    }
  });

  it("reports a broken query hidden in a real dashboard", async () => {
    const qs = dashboardQueries(dashboards[0]!.json);
    const broken: DashboardQuery = { ...qs[qs.length - 1]!, expr: qs[qs.length - 1]!.expr.replace(/\)$/, "") };
    const bad = await refused(substituted([qs[1]!, broken], SELECTED, "mutated"));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toContain(broken.source);
  });

  it("accepts a valid query (so a pass above is not an artefact of a dead server)", async () => {
    expect(await check("vector(1)")).toEqual({ httpStatus: 200, status: "success", error: undefined, results: 1 });
    expect((await check('absent_metric_that_nobody_exports{namespace="x"}')).results).toBe(0);
  });
});
