/**
 * A dead man's switch wherever on-call is paged (staging, prod): the stack config
 * refuses to start without the heartbeat receiver, naming the key, and the
 * committed stack files carry it (as an offline-render placeholder secret).
 */
import { describe, expect, it } from "vitest";
import { loadStackConfig } from "../stacks/config";
import { POLICIES } from "../stacks/environments";
import { readStackConfig, renderStackError, withConfig } from "./harness";

describe.each(["staging", "prod"])("%s requires the heartbeat receiver", (stack) => {
  const base = readStackConfig(stack);
  const alerting = JSON.parse(base.values["platform:alerting"]!) as Record<string, unknown>;

  it("the committed stack file has it, so the stack renders", () => {
    const cfg = loadStackConfig(stack, base);
    expect(cfg.settings.alerting.heartbeat).toEqual({ enabled: true });
    expect(cfg.secrets.heartbeatUrl).toBeDefined();
    expect(base.secretKeys).toContain("platform:heartbeatUrl");
  });

  it("without the heartbeat URL: one line naming platform:heartbeatUrl, nothing registered", async () => {
    const { error, registered } = await renderStackError(stack, withConfig(base, { heartbeatUrl: undefined }));
    expect(error.message).toBe(
      `stack "${stack}": config "platform:heartbeatUrl": is missing: ${stack} pages on-call, so it needs a dead man's switch for the Watchdog; set it with pulumi config set --secret platform:heartbeatUrl <url>`,
    );
    expect(registered).toBe(0);
  });

  it("with the heartbeat turned off: names platform:alerting.heartbeat.enabled", async () => {
    const { error, registered } = await renderStackError(stack, withConfig(base, { alerting: { ...alerting, heartbeat: { enabled: false } } }));
    expect(error.message).toBe(`stack "${stack}": config "platform:alerting.heartbeat.enabled" is false: ${stack} pages on-call, so the Watchdog must reach a dead man's switch; set it to true`);
    expect(registered).toBe(0);
  });
});

describe("where the heartbeat is required", () => {
  it("exactly where alert receivers are", () => {
    for (const p of Object.values(POLICIES)) expect(p.requireHeartbeat).toBe(p.requireAlertReceivers);
    expect(Object.entries(POLICIES).filter(([, p]) => p.requireHeartbeat).map(([e]) => e)).toEqual(["staging", "prod"]);
  });
});
