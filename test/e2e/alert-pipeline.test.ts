/**
 * End to end on loopback: a fake Spring Boot app's 5xx ratio crosses 5%, the real
 * Prometheus fires the critical error-rate alert, the real Alertmanager routes it
 * with the rendered routing tree to the pager (PagerDuty Events API v2 on a local
 * sink, routing key read from the mounted secret file), nothing reaches chat, and
 * the resolve arrives once the ratio drops. A scrape target going down pages too,
 * and the Watchdog reaches the heartbeat. The rules are the real ones from
 * alerts/application.ts and alerts/monitoring.ts, rendered with test-sized windows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../procs";
import { type AlertPipeline, queryValue, startAlertPipeline } from "./pipeline";
import { CHAT_PATH, DOWN_ALERT, E2E_ROUTING, E2E_SECRETS, ERROR_ALERT, HEARTBEAT_PATH, PAGER_PATH, e2eRulesYaml, firstEvent } from "./scenario";

let p: AlertPipeline;

beforeAll(async () => {
  p = await startAlertPipeline({ rulesYaml: e2eRulesYaml(), routing: E2E_ROUTING, secrets: E2E_SECRETS });
});
afterAll(async () => {
  await p?.stop();
});

describe("alert pipeline: app → Prometheus → Alertmanager → pager", () => {
  it("pages on a 5xx ratio above 5%, never posts to chat, and sends the resolve", async () => {
    const diag = async (e: unknown) => new Error(`${String(e)}\n${await p.diagnose()}`);
    // Baseline: traffic is visible to Prometheus and the ratio is 0, so nothing pages.
    await waitFor("baseline request rate in Prometheus", async () => ((await queryValue(p.prometheus.url, "sum(rate(http_server_requests_seconds_count[5s]))")) ?? 0) > 0, 20_000, 250);
    expect(p.sink.on(PAGER_PATH)).toEqual([]);

    const flip = Date.now();
    p.app.setErrorRatio(0.5);
    const trigger = await waitFor("PagerDuty trigger", () => firstEvent(p.sink, PAGER_PATH, "trigger"), 40_000, 100).catch(async (e) => {
      throw await diag(e);
    });
    const body = trigger.body as { routing_key: string; dedup_key: string; payload: { summary: string; severity: string; custom_details: Record<string, string> } };
    expect(body.routing_key).toBe("e2e-routing-key"); // read from routing_key_file
    expect(body.payload.summary).toContain(ERROR_ALERT);
    expect(body.payload.severity).toBe("critical");
    expect(body.payload.custom_details).toMatchObject({
      namespace: "shop",
      service: "core-api",
      runbook_url: "https://runbooks.invalid/platform/application.md#applicationhigherrorrate",
    });
    expect(trigger.at - flip).toBeGreaterThan(0);

    const recover = Date.now();
    p.app.setErrorRatio(0);
    const resolve = await waitFor("PagerDuty resolve", () => firstEvent(p.sink, PAGER_PATH, "resolve", ERROR_ALERT), 40_000, 100).catch(async (e) => {
      throw await diag(e);
    });
    expect((resolve.body as { dedup_key: string }).dedup_key).toBe(body.dedup_key);
    expect(resolve.at).toBeGreaterThan(recover);

    // One page, one resolve, nothing in chat.
    expect(p.sink.on(PAGER_PATH).map((n) => (n.body as { event_action: string }).event_action)).toEqual(["trigger", "resolve"]);
    expect(p.sink.on(CHAT_PATH)).toEqual([]);
  });

  it("pages when the scrape target goes down, and resolves when it is back", async () => {
    const before = p.sink.on(PAGER_PATH).length;
    p.app.setHealthy(false);
    const trigger = await waitFor("target-down page", () => firstEvent(p.sink, PAGER_PATH, "trigger", DOWN_ALERT), 30_000, 100).catch(async (e) => {
      throw new Error(`${String(e)}\n${await p.diagnose()}`);
    });
    expect((trigger.body as { payload: { custom_details: Record<string, string> } }).payload.custom_details.runbook_url).toContain("#applicationtargetdown");
    p.app.setHealthy(true);
    await waitFor("target-down resolve", () => firstEvent(p.sink, PAGER_PATH, "resolve", DOWN_ALERT), 30_000, 100).catch(async (e) => {
      throw new Error(`${String(e)}\n${await p.diagnose()}`);
    });
    expect(p.sink.on(PAGER_PATH).length - before).toBe(2);
    expect(p.sink.on(CHAT_PATH)).toEqual([]);
  });

  it("delivers the Watchdog to the heartbeat receiver", async () => {
    const hb = await waitFor("heartbeat", () => p.sink.on(HEARTBEAT_PATH)[0], 20_000, 100);
    expect(hb.body).toMatchObject({ receiver: "heartbeat", status: "firing", commonLabels: { alertname: "Watchdog", severity: "none" } });
  });
});
