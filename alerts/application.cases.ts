/** promtool unit-test scenarios for alerts/application.ts (default thresholds and durations). */
import { counter, gauge, series, type DomainCases } from "./promtool-harness";

const POD = { namespace: "shop", service: "core-api", pod: "core-api-1" };
const REQ = "http_server_requests_seconds_count";
const BUCKET = "http_server_requests_seconds_bucket";
const GET = { ...POD, method: "GET", uri: "/orders" };
const buckets = (v: { "0.5": string; "1.0": string; "2.0": string; "+Inf": string }) =>
  Object.entries(v).map(([le, values]) => series(BUCKET, { ...GET, le }, values));
const TARGET = { ...POD, job: "core-api", instance: "10.0.0.5:8080" };

export const applicationCases: DomainCases = {
  firing: [
    {
      alert: "ApplicationHighErrorRate",
      name: "10% of requests answered 500 during minutes 1-10",
      series: [
        series(REQ, { ...GET, status: "200" }, counter(1000, [31, 90])),
        series(REQ, { ...GET, status: "500" }, counter(100, [11, 10], [20, 0])),
      ],
      onset: 1,
      labels: { namespace: "shop", service: "core-api", severity: "critical" },
      annotations: {
        summary: "core-api answers too many requests with 5xx",
        description: "10% of the requests to core-api in shop failed with a 5xx status over the last 5m (threshold 5%).",
        runbook_url: "https://runbooks.example.com/platform/application.md#applicationhigherrorrate",
      },
      resolvedAt: 15,
    },
    {
      alert: "ApplicationHighLatency",
      name: "every request between 1 s and 2 s during minutes 1-15",
      value: 1.95,
      series: buckets({
        "0.5": counter(100, [16, 0], [15, 100]),
        "1.0": counter(100, [16, 0], [15, 100]),
        "2.0": counter(100, [31, 100]),
        "+Inf": counter(100, [31, 100]),
      }),
      onset: 1,
      labels: { namespace: "shop", service: "core-api", severity: "warning" },
      resolvedAt: 21,
    },
    {
      alert: "ApplicationTargetDown",
      name: "target down during minutes 1-11",
      series: [series("up", TARGET, gauge([1, 1], [11, 0], [10, 1]))],
      onset: 1,
      labels: { ...TARGET, severity: "critical" },
      resolvedAt: 12,
    },
  ],
  silent: [
    {
      alert: "ApplicationHighErrorRate",
      name: "4.9% errors, just below 5%",
      series: [
        series(REQ, { ...GET, status: "200" }, counter(1000, [21, 951])),
        series(REQ, { ...GET, status: "500" }, counter(100, [21, 49])),
      ],
      at: [1, 2, 5, 10, 20],
    },
    {
      alert: "ApplicationHighLatency",
      name: "p95 at 0.975 s, just below 1 s",
      series: buckets({
        "0.5": counter(100, [21, 0]),
        "1.0": counter(100, [21, 100]),
        "2.0": counter(100, [21, 100]),
        "+Inf": counter(100, [21, 100]),
      }),
      at: [1, 11, 20],
    },
    {
      alert: "ApplicationTargetDown",
      name: "targets up; a kube-system target down is not an application",
      series: [
        series("up", TARGET, gauge([21, 1])),
        series("up", { namespace: "kube-system", job: "kube-controller-manager", instance: "10.0.0.1:10257" }, gauge([21, 0])),
      ],
      at: [3, 20],
    },
  ],
};
