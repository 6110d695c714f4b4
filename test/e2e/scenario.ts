/**
 * The e2e scenario shared by the test and bench/alert-latency.ts: test-sized rule
 * windows, test-sized Alertmanager timings, and receivers pointed at the sink.
 * The pager and chat receivers are the production ones (pagerduty_configs and
 * slack_configs): only PagerDuty's `url` and the Slack webhook URL in the secret
 * file point at loopback, so the rendered routing tree is what gets exercised.
 */
import type { AlertRoutingArgs } from "../../components/monitoring/alertmanager-config";
import { APPLICATION_SPEC, applicationRuleGroups } from "../../alerts/application";
import { toRuleFileYaml } from "../../alerts";
import { monitoringRuleGroups } from "../../alerts/monitoring";
import { isAlertRule, type RuleGroup } from "../../alerts/types";
import type { Notification, NotificationSink } from "./notification-sink";

export const PAGER_PATH = "/v2/enqueue";
export const CHAT_PATH = "/slack/webhook";
export const HEARTBEAT_PATH = "/heartbeat";
export const ERROR_ALERT = "ApplicationHighErrorRate";
export const DOWN_ALERT = "ApplicationTargetDown";

/** Test-sized timings: the error-rate window, its `for:`, Alertmanager's group_wait. */
export const E2E_TIMING = { windowSeconds: 10, forSeconds: 3, downForSeconds: 2, groupWaitSeconds: 1, scrapeSeconds: 1, evalSeconds: 1 } as const;
/** Error-rate threshold the rule uses (its default: the users' 5%). */
export const ERROR_THRESHOLD: number = APPLICATION_SPEC.thresholds["app.errorRatio"].default;

export const E2E_ROUTING = (sink: NotificationSink): AlertRoutingArgs => ({
  pagerduty: { url: sink.url(PAGER_PATH) },
  slack: { channel: "#alerts" },
  heartbeat: { url: sink.url(HEARTBEAT_PATH) },
  timings: {
    groupWait: `${E2E_TIMING.groupWaitSeconds}s`,
    groupInterval: "1s",
    repeatInterval: "1h",
    criticalRepeatInterval: "1h",
    heartbeatInterval: "1h",
    resolveTimeout: "1m",
  },
});

export const E2E_SECRETS = (sink: NotificationSink): Readonly<Record<string, string>> => ({
  "pagerduty-routing-key": "e2e-routing-key",
  "slack-api-url": sink.url(CHAT_PATH),
});

const OPTIONS = {
  runbookBaseUrl: "https://runbooks.invalid/platform",
  durations: {
    "app.errorRate.window": `${E2E_TIMING.windowSeconds}s`,
    "app.errorRate.for": `${E2E_TIMING.forSeconds}s`,
    "app.down.for": `${E2E_TIMING.downForSeconds}s`,
  },
} as const;

/**
 * The rules Prometheus loads in the e2e: the real application rules
 * (alerts/application.ts) rendered with test-sized window and `for:`, plus the real
 * Watchdog from alerts/monitoring.ts (its neighbours there watch Prometheus'
 * own targets, which this loopback setup does not scrape).
 */
export function e2eRuleGroups(): RuleGroup[] {
  const watchdog = monitoringRuleGroups(OPTIONS).map((g) => ({ ...g, rules: g.rules.filter((r) => isAlertRule(r) && r.alert === "Watchdog") }));
  const groups = [...applicationRuleGroups(OPTIONS), ...watchdog];
  if (!groups.some((g) => g.rules.some((r) => isAlertRule(r) && r.alert === ERROR_ALERT))) throw new Error(`alerts/application.ts has no ${ERROR_ALERT} rule`);
  if (watchdog[0]?.rules.length !== 1) throw new Error("alerts/monitoring.ts has no Watchdog rule");
  return groups;
}

/** The rule file Prometheus loads in the e2e. */
export function e2eRulesYaml(): string {
  return toRuleFileYaml(e2eRuleGroups());
}

/** The first PagerDuty event with the given action (and summary text, when given), if any arrived. */
export function firstEvent(sink: NotificationSink, path: string, action: "trigger" | "resolve", summaryIncludes = ""): Notification | undefined {
  return sink.on(path).find((n) => {
    const b = n.body as { event_action?: string; payload?: { summary?: string } };
    return b.event_action === action && (b.payload?.summary ?? "").includes(summaryIncludes);
  });
}

/**
 * Theoretical minimum fault→page latency in seconds: the windowed ratio crosses the
 * threshold once `threshold / errorRatio` of the window holds errors, then the
 * alert must stay pending for `for:`, then Alertmanager waits group_wait. Scrape
 * and evaluation phase add between 0 and one interval each (returned separately).
 */
export function theoreticalPageLatency(errorRatio: number): { min: number; phase: number } {
  const crossing = (E2E_TIMING.windowSeconds * ERROR_THRESHOLD) / errorRatio;
  return { min: crossing + E2E_TIMING.forSeconds + E2E_TIMING.groupWaitSeconds, phase: E2E_TIMING.scrapeSeconds + E2E_TIMING.evalSeconds };
}
