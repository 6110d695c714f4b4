/** The Workload's ScrapeTargetsMissing rule: for its own metrics job, only when it is scraped. */
import { describe, expect, it } from "vitest";
import { mockRuntime, settle } from "../../test/harness";
import { Workload } from "./workload";
import type { WorkloadArgs } from "./args";

const base: WorkloadArgs = {
  namespace: "apps",
  instance: "test",
  component: "api",
  image: "ghcr.io/example/api:1.0.0",
  metrics: { path: "/actuator/prometheus" },
  probes: { startup: "/s", liveness: "/l", readiness: "/r" },
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "256Mi" } },
};

async function rules(args: WorkloadArgs): Promise<Record<string, any>[]> {
  const rec = mockRuntime();
  new Workload("api", args);
  await settle();
  return rec.kind("PrometheusRule").map((r) => r.inputs as Record<string, any>);
}

describe("Workload scrape presence", () => {
  it("pages when its ServiceMonitor's job has no target: absent(up{job=<name>, namespace=<ns>})", async () => {
    const [rule] = await rules({ ...base, alerts: { runbookBaseUrl: "https://runbooks.example.com", durations: { "monitoring.scrapeMissing.for": "20m" } } });
    expect(rule!.metadata).toMatchObject({ name: "api-scrape", namespace: "apps" });
    expect(rule!.metadata.labels["platform.dev/monitoring"]).toBe("platform");
    const [alert] = rule!.spec.groups[0].rules;
    expect(alert).toMatchObject({ alert: "ScrapeTargetsMissing", expr: 'absent(up{job="api", namespace="apps"})', for: "20m", labels: { severity: "critical", job: "api", namespace: "apps" } });
    expect(alert.annotations.runbook_url).toBe("https://runbooks.example.com/monitoring.md#scrapetargetsmissing");
  });

  it("has none without metrics", async () => {
    expect(await rules({ ...base, metrics: undefined })).toEqual([]);
  });
});
