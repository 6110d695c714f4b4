/** promtool unit-test scenarios for alerts/presence.ts: one expected scrape, job core-api in namespace shop. */
import { series, type DomainCases } from "./promtool-harness";
import type { ExpectedScrape } from "./presence";

export const PRESENCE_SCRAPES: readonly ExpectedScrape[] = [{ job: "core-api", namespace: "shop", reads: "the core-api alerts" }];

const API = { namespace: "shop", job: "core-api", instance: "10.0.0.5:8080", pod: "core-api-1" };

export const presenceCases: DomainCases = {
  firing: [
    {
      alert: "ScrapeTargetsMissing",
      // The monitor stops matching at minute 6: Prometheus drops the target and writes a stale marker.
      name: "the core-api target vanishes at minute 6 and is discovered again at minute 30",
      series: [{ series: `up${labels(API)}`, values: "1x5 stale _x23 1x10" }],
      onset: 6,
      labels: { job: "core-api", namespace: "shop", severity: "critical" },
      resolvedAt: 30,
    },
  ],
  silent: [
    {
      alert: "ScrapeTargetsMissing",
      name: "the only target is down (up 0 is not absent); another job's target vanishes",
      series: [series("up", API, "0x30"), { series: `up${labels({ ...API, job: "web", pod: "web-1" })}`, values: "1 stale" }],
      at: [16, 30],
    },
    {
      alert: "ScrapeTargetsMissing",
      name: "gone for 14 minutes only (below for: 15m)",
      series: [{ series: `up${labels(API)}`, values: "1x5 stale _x13 1x10" }],
      at: [19, 20, 25],
    },
  ],
};

function labels(l: Readonly<Record<string, string>>): string {
  return `{${Object.entries(l).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")}}`;
}
