/**
 * The rendered inhibition rules in a real Alertmanager: alerts are posted straight
 * to its API (no Prometheus needed). A critical suppresses the warning of the same
 * alert, and warnings of the same `alert_family`, for the same namespace+service;
 * a warning of another service still reaches chat.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir, waitFor } from "../procs";
import { type NotificationSink, startNotificationSink } from "./notification-sink";
import { type AlertmanagerHandle, startAlertmanager } from "./pipeline";
import { CHAT_PATH, E2E_ROUTING, E2E_SECRETS, PAGER_PATH } from "./scenario";

let dir: string;
let sink: NotificationSink;
let am: AlertmanagerHandle;

beforeAll(async () => {
  dir = makeTempDir("am-inhibit");
  sink = await startNotificationSink();
  am = await startAlertmanager(dir, E2E_ROUTING(sink), E2E_SECRETS(sink));
});
afterAll(async () => {
  await am?.daemon.stop();
  await sink?.close();
  removeDir(dir);
});

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

async function post(alerts: Record<string, string>[]): Promise<void> {
  const now = Date.now();
  const body = alerts.map((labels) => ({
    labels,
    annotations: { summary: labels.alertname ?? "" },
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + 10 * 60_000).toISOString(),
  }));
  const res = await fetch(`${am.url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

async function alerts(): Promise<AmAlert[]> {
  return (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as AmAlert[];
}

function slackTitles(): string[] {
  return sink.on(CHAT_PATH).flatMap((n) => ((n.body as { attachments?: { title?: string }[] }).attachments ?? []).map((a) => a.title ?? ""));
}

describe("inhibition in a real Alertmanager", () => {
  it("suppresses same-service warnings while a critical fires", async () => {
    const svc = { namespace: "shop", service: "core-api" };
    await post([{ alertname: "ApplicationHighErrorRate", severity: "critical", alert_family: "core-api-errors", ...svc }]);
    await post([
      { alertname: "ApplicationHighErrorRate", severity: "warning", ...svc }, // same alert, lower tier
      { alertname: "ApplicationHighLatency", severity: "warning", alert_family: "core-api-errors", ...svc }, // same family
      { alertname: "ApplicationHighLatency", severity: "warning", alert_family: "core-api-errors", namespace: "shop", service: "web" }, // other service
      { alertname: "ContainerMemoryHigh", severity: "warning", ...svc }, // unrelated alert of the same service, no family
    ]);

    const states = await waitFor(
      "inhibition marks",
      async () => {
        const a = await alerts();
        return a.filter((x) => x.status.state === "suppressed").length === 2 ? a : undefined;
      },
      15_000,
      200,
    );
    const state = (name: string, service: string, severity: string) =>
      states.find((a) => a.labels.alertname === name && a.labels.service === service && a.labels.severity === severity)?.status.state;
    expect(state("ApplicationHighErrorRate", "core-api", "warning")).toBe("suppressed");
    expect(state("ApplicationHighLatency", "core-api", "warning")).toBe("suppressed");
    expect(state("ApplicationHighLatency", "web", "warning")).toBe("active");
    expect(state("ContainerMemoryHigh", "core-api", "warning")).toBe("active");
    expect(state("ApplicationHighErrorRate", "core-api", "critical")).toBe("active");

    // Notifications: the critical pages; chat gets only the two warnings not inhibited.
    await waitFor("page", () => sink.on(PAGER_PATH).length > 0, 15_000, 100);
    await waitFor("two chat posts", () => slackTitles().length >= 2, 15_000, 100);
    await new Promise((r) => setTimeout(r, 2500)); // several group_intervals: nothing else may arrive
    const titles = slackTitles();
    expect(titles).toHaveLength(2);
    expect(titles.some((t) => t.includes("ApplicationHighLatency") && t.includes("shop/web"))).toBe(true);
    expect(titles.some((t) => t.includes("ContainerMemoryHigh") && t.includes("shop/core-api"))).toBe(true);
    expect(titles.some((t) => t.includes("ApplicationHighErrorRate"))).toBe(false);
  });
});
