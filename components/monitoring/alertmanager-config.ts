/**
 * Alertmanager routing as code: a pure function from typed args to the
 * `alertmanager.yaml` that kube-prometheus-stack's Alertmanager loads.
 *
 * Routing (first match wins, top to bottom):
 * 1. `alertname="Watchdog"` → `heartbeat` (a webhook to a dead man's switch) or `null`.
 * 2. `severity=~"none|info"` → `null` (info alerts are for dashboards, not for people).
 * 3. One subtree per declared team (`team="<name>"`): critical → the team's pager
 *    (else the global one), warning → the team's chat (else the global one).
 * 4. `severity="critical"` → `pager`, with a shorter repeat interval.
 * 5. `severity="warning"` → `chat`.
 * 6. Anything else (no or unknown severity) → the root receiver.
 *
 * Email is the fallback: it is the root receiver (before chat) for alerts no route
 * takes, it takes a severity whose primary receiver is missing (critical: pager →
 * chat → email; warning: chat → email), and it gets a copy of the severities in
 * `email.alsoFor` (warnings by default, so "chat + email" holds for warnings).
 * With no receiver configured at all (local and preview stacks) every route ends
 * in the `null` receiver, which notifies nobody.
 *
 * Secrets never appear in the config: the PagerDuty routing keys, Slack webhook
 * URLs, SMTP password and heartbeat URL are read by Alertmanager from files
 * (`routing_key_file`, `api_url_file`, `auth_password_file`, `url_file`) that
 * kube-prometheus-stack mounts from a Kubernetes Secret listed in
 * `alertmanager.alertmanagerSpec.secrets`, at `/etc/alertmanager/secrets/<secret>/<key>`.
 * `alertmanagerSecretKeys(args)` lists the keys that Secret must hold.
 *
 * Alertmanager versions: PagerDuty `routing_key_file`, email `auth_password_file`
 * and Slack `api_url_file` load in 0.25 (the amtool on the test machine); webhook
 * `url_file` (the heartbeat) needs 0.26, and 0.28 fixed a crash with it, so the
 * secret heartbeat URL needs Alertmanager >= 0.28 (kube-prometheus-stack ships newer).
 */
import { dump } from "js-yaml";
import { PlatformConfigError } from "../lib/errors";

/** Default name of the Kubernetes Secret holding the receivers' credentials. */
export const DEFAULT_ALERTMANAGER_SECRET_NAME = "alertmanager-receivers";
/** Where kube-prometheus-stack mounts each Secret listed in `alertmanagerSpec.secrets`. */
export const ALERTMANAGER_SECRETS_MOUNT_ROOT = "/etc/alertmanager/secrets";
/** Label an alert rule may set to group different alerts into one inhibition family. */
export const ALERT_FAMILY_LABEL = "alert_family";
/** The name of the receiver that notifies nobody. */
export const NULL_RECEIVER = "null";

/** Default Secret keys, one per credential. */
export const DEFAULT_SECRET_KEYS = {
  pagerdutyRoutingKey: "pagerduty-routing-key",
  slackApiUrl: "slack-api-url",
  smtpAuthPassword: "smtp-auth-password",
  heartbeatUrl: "heartbeat-url",
} as const;

/** The PagerDuty receiver: critical alerts page through the Events API v2; the routing key stays in a Secret. */
export interface PagerDutyReceiverArgs {
  /** Secret key holding the PagerDuty Events API v2 integration (routing) key. @default "pagerduty-routing-key" */
  readonly routingKeySecretKey?: string;
  /**
   * Events API endpoint. Set it for EU accounts (`https://events.eu.pagerduty.com/v2/enqueue`);
   * tests point it at a loopback server.
   * @default - Alertmanager's default, https://events.pagerduty.com/v2/enqueue
   */
  readonly url?: string;
}

/** The Slack receiver: an incoming webhook whose URL stays in a Secret. */
export interface SlackReceiverArgs {
  /** Secret key holding the Slack incoming-webhook URL (the URL is the credential). @default "slack-api-url" */
  readonly apiUrlSecretKey?: string;
  /** Channel override, e.g. "#alerts"; app webhooks ignore it and post to their own channel. @default - the webhook's channel */
  readonly channel?: string;
}

/** The alert severities that are routed to receivers. */
export type RoutedSeverity = "critical" | "warning";

/** The email receiver: SMTP server, sender and recipients; the password stays in a Secret. */
export interface EmailReceiverArgs {
  /** Recipient address(es), comma-separated. @example "oncall@example.com" */
  readonly to: string;
  /** Sender address. @example "alertmanager@example.com" */
  readonly from: string;
  /** SMTP relay as host:port. @example "smtp.example.com:587" */
  readonly smarthost: string;
  /** SMTP user; when set, the password is read from `passwordSecretKey`. @default - no SMTP auth */
  readonly authUsername?: string;
  /** Secret key holding the SMTP password. @default "smtp-auth-password" */
  readonly passwordSecretKey?: string;
  /** Refuse to send without STARTTLS. @default true */
  readonly requireTls?: boolean;
  /** Severities that also get an email copy besides their primary receiver. @default ["warning"] */
  readonly alsoFor?: readonly RoutedSeverity[];
}

/** The heartbeat receiver: the always-firing Watchdog alert is sent to a dead man's switch, which alarms when it stops arriving. */
export interface HeartbeatReceiverArgs {
  /**
   * Secret key holding the heartbeat URL (dead man's switch URLs carry a token), read
   * through webhook `url_file` (Alertmanager >= 0.28). Ignored when `url` is set.
   * @default "heartbeat-url"
   */
  readonly urlSecretKey?: string;
  /**
   * A heartbeat URL that is NOT a credential (e.g. an in-cluster service), rendered
   * inline. Never put a tokenized URL here: it would land in the config Secret and state.
   * @default - read from `urlSecretKey`
   */
  readonly url?: string;
}

/** An Alertmanager route for one team: alerts whose team label names it go to the team's own receivers. */
export interface TeamRouteArgs {
  /** Team name, matched against the `teamLabel` of alerts; lower case, digits and dashes. @example "database" */
  readonly name: string;
  /** The team's own PagerDuty service. @default - the global `pagerduty` */
  readonly pagerduty?: { readonly routingKeySecretKey?: string };
  /** The team's own Slack webhook/channel. @default - the global `slack` */
  readonly slack?: { readonly apiUrlSecretKey?: string; readonly channel?: string };
}

/** Alertmanager's grouping and repeat timings. */
export interface AlertRoutingTimings {
  /** Wait before the first notification of a new group. @default "30s" */
  readonly groupWait?: string;
  /** Wait before notifying about changes in a group already notified. @default "5m" */
  readonly groupInterval?: string;
  /** Re-send interval of a still-firing group. @default "4h" */
  readonly repeatInterval?: string;
  /** Re-send interval of still-firing critical alerts. @default "1h" */
  readonly criticalRepeatInterval?: string;
  /** How often the Watchdog heartbeat is sent (group_interval and repeat_interval of its route). @default "1m" */
  readonly heartbeatInterval?: string;
  /** Alertmanager's `resolve_timeout` for alerts without an end time. @default "5m" */
  readonly resolveTimeout?: string;
}

/** Where alerts go: the pager for critical alerts, chat for warnings, email, a heartbeat (dead man's switch) and per-team routes. */
export interface AlertRoutingArgs {
  /** Critical alerts page here. @default - no pager: critical goes to chat, else email, else nowhere */
  readonly pagerduty?: PagerDutyReceiverArgs;
  /** Warnings go here. @default - no chat: warnings go to email, else nowhere */
  readonly slack?: SlackReceiverArgs;
  /** Fallback and copy receiver. @default - no email */
  readonly email?: EmailReceiverArgs;
  /** Where the always-firing Watchdog alert goes. @default - the null receiver */
  readonly heartbeat?: HeartbeatReceiverArgs;
  /** Teams with their own routes. @default [] */
  readonly teams?: readonly TeamRouteArgs[];
  /** Alert label naming the owning team. @default "team" */
  readonly teamLabel?: string;
  /** Labels that group alerts into one notification. @default ["alertname", "namespace", "service"] */
  readonly groupBy?: readonly string[];
  /** Grouping and repeat timings; tests pass seconds. @default - see AlertRoutingTimings */
  readonly timings?: AlertRoutingTimings;
  /** Kubernetes Secret holding the receivers' credentials. @default "alertmanager-receivers" */
  readonly secretName?: string;
  /** Directory where that Secret is mounted; tests pass a temp dir. @default - /etc/alertmanager/secrets/<secretName> */
  readonly secretsDir?: string;
}

/** Args with every default applied. */
export interface ResolvedAlertRoutingArgs {
  /** `pagerduty` with `routingKeySecretKey` defaulted ("pagerduty-routing-key"); absent when no pager is configured. */
  readonly pagerduty?: Required<Pick<PagerDutyReceiverArgs, "routingKeySecretKey">> & PagerDutyReceiverArgs;
  /** `slack` with `apiUrlSecretKey` defaulted ("slack-api-url"); absent when no chat is configured. */
  readonly slack?: Required<Pick<SlackReceiverArgs, "apiUrlSecretKey">> & SlackReceiverArgs;
  /** `email` with `passwordSecretKey`, `requireTls` and `alsoFor` defaulted; absent when no email is configured. */
  readonly email?: Required<Omit<EmailReceiverArgs, "authUsername">> & EmailReceiverArgs;
  /** Either `url` or `urlSecretKey` (default "heartbeat-url"); absent: the Watchdog goes to the null receiver. */
  readonly heartbeat?: { readonly urlSecretKey?: string; readonly url?: string };
  /** Team routes; a team's keys default to `team-<name>-pagerduty-routing-key` and `team-<name>-slack-api-url`. */
  readonly teams: readonly {
    readonly name: string;
    readonly pagerduty?: { readonly routingKeySecretKey: string };
    readonly slack?: { readonly apiUrlSecretKey: string; readonly channel?: string };
  }[];
  /** Alert label naming the owning team (default "team"). */
  readonly teamLabel: string;
  /** Labels that group alerts into one notification (default alertname, namespace, service). */
  readonly groupBy: readonly string[];
  /** Every timing, defaults applied (see {@link AlertRoutingTimings}). */
  readonly timings: Required<AlertRoutingTimings>;
  /** Name of the Secret holding the receivers' credentials (default "alertmanager-receivers"). */
  readonly secretName: string;
  /**
   * Absolute directory the config's `*_file` paths point into, no trailing slash (default
   * /etc/alertmanager/secrets/<secretName>).
   */
  readonly secretsDir: string;
}

// ---- the rendered config (the subset of alertmanager.yaml this module writes) ----

/** An Alertmanager route as it is written in its configuration file. */
export interface AmRoute {
  /** Receiver of the alerts this route takes (Alertmanager `route.receiver`); the parent's when omitted. */
  receiver?: string;
  /** Label matchers an alert must all satisfy, e.g. `severity="critical"` (`route.matchers`). */
  matchers?: string[];
  /** Labels that group alerts into one notification (`route.group_by`); the parent's when omitted. */
  group_by?: string[];
  /** Wait before the first notification of a new group, e.g. "30s" (`route.group_wait`). */
  group_wait?: string;
  /** Wait before notifying about new alerts in a group already notified (`route.group_interval`). */
  group_interval?: string;
  /** Re-send interval of a still-firing group (`route.repeat_interval`). */
  repeat_interval?: string;
  /** Keep trying the following sibling routes after this one matched (`route.continue`); Alertmanager's default is false. */
  continue?: boolean;
  /** Child routes, tried top to bottom (`route.routes`). */
  routes?: AmRoute[];
}
/** An Alertmanager inhibit rule as it is written in its configuration file. */
export interface AmInhibitRule {
  /** Matchers of the alert that mutes others while it fires (`inhibit_rules[].source_matchers`). */
  source_matchers: string[];
  /** Matchers of the alerts it mutes (`inhibit_rules[].target_matchers`). */
  target_matchers: string[];
  /** Labels whose values source and target must share for the rule to apply (`inhibit_rules[].equal`). */
  equal: string[];
}
/** An Alertmanager receiver as it is written in its configuration file. */
export interface AmReceiver {
  /** Receiver name routes refer to (`receivers[].name`); a receiver without configs notifies nobody. */
  name: string;
  /** PagerDuty notifiers (`pagerduty_configs`), as written in alertmanager.yaml. */
  pagerduty_configs?: Record<string, unknown>[];
  /** Slack notifiers (`slack_configs`), as written in alertmanager.yaml. */
  slack_configs?: Record<string, unknown>[];
  /** Email notifiers (`email_configs`), as written in alertmanager.yaml. */
  email_configs?: Record<string, unknown>[];
  /** Webhook notifiers (`webhook_configs`; the heartbeat), as written in alertmanager.yaml. */
  webhook_configs?: Record<string, unknown>[];
}
/** The Alertmanager configuration {@link Monitoring} writes, as an object. */
export interface AlertmanagerConfig {
  /** Alertmanager's `global:` section; only `resolve_timeout` (from `timings.resolveTimeout`) is set. */
  global: { resolve_timeout: string };
  /** The root route (`route:`): its receiver is the fallback, its child routes take Watchdog, info, each team, critical and warning, in that order. */
  route: AmRoute;
  /**
   * `inhibit_rules:` a critical alert mutes the warning of the same alert, or of the same `alert_family`, on the same
   * namespace and service.
   */
  inhibit_rules: AmInhibitRule[];
  /** `receivers:` the null receiver and one per configured pager, chat, email, heartbeat and team receiver. */
  receivers: AmReceiver[];
}

/** One key of the receivers' Secret and the config field that reads it. */
export interface AlertmanagerSecretKey {
  readonly key: string;
  readonly receiver: string;
  readonly field: "routing_key_file" | "api_url_file" | "auth_password_file" | "url_file";
  readonly description: string;
}

// ---- validation and defaults ----

const DURATION = /^(?:\d+(?:ms|[smhdwy]))+$/;
const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const HOST_PORT = /^[^\s:]+:\d{1,5}$/;

function fail(field: string, expected: string, value: unknown): never {
  throw new PlatformConfigError(`alerting: ${field} ${expected}, got ${JSON.stringify(value)}`);
}
function duration(field: string, value: string): string {
  if (!DURATION.test(value) || /^0+(ms|[smhdwy])$/.test(value)) fail(field, 'must be a non-zero Alertmanager duration such as "30s" or "4h"', value);
  return value;
}
function secretKey(field: string, value: string): string {
  if (!SECRET_KEY.test(value)) fail(field, "must be a valid Kubernetes Secret key (letters, digits, '-', '_', '.')", value);
  return value;
}
function httpUrl(field: string, value: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(value)) fail(field, "must be an http(s) URL", value);
  return value;
}

/** Applies defaults and validates; throws a PlatformConfigError naming the field to change. */
export function resolveAlertRoutingArgs(args: AlertRoutingArgs = {}): ResolvedAlertRoutingArgs {
  const secretName = args.secretName ?? DEFAULT_ALERTMANAGER_SECRET_NAME;
  if (!NAME.test(secretName) || secretName.length > 253) fail("secretName", "must be a Kubernetes object name", secretName);
  const t = args.timings ?? {};
  const timings: Required<AlertRoutingTimings> = {
    groupWait: t.groupWait === "0s" ? "0s" : duration("timings.groupWait", t.groupWait ?? "30s"),
    groupInterval: duration("timings.groupInterval", t.groupInterval ?? "5m"),
    repeatInterval: duration("timings.repeatInterval", t.repeatInterval ?? "4h"),
    criticalRepeatInterval: duration("timings.criticalRepeatInterval", t.criticalRepeatInterval ?? "1h"),
    heartbeatInterval: duration("timings.heartbeatInterval", t.heartbeatInterval ?? "1m"),
    resolveTimeout: duration("timings.resolveTimeout", t.resolveTimeout ?? "5m"),
  };
  const groupBy = [...(args.groupBy ?? ["alertname", "namespace", "service"])];
  groupBy.forEach((l, i) => LABEL.test(l) || fail(`groupBy[${i}]`, "must be a label name", l));
  const teamLabel = args.teamLabel ?? "team";
  if (!LABEL.test(teamLabel)) fail("teamLabel", "must be a label name", teamLabel);

  const pagerduty = args.pagerduty && {
    ...args.pagerduty,
    routingKeySecretKey: secretKey("pagerduty.routingKeySecretKey", args.pagerduty.routingKeySecretKey ?? DEFAULT_SECRET_KEYS.pagerdutyRoutingKey),
    ...(args.pagerduty.url !== undefined ? { url: httpUrl("pagerduty.url", args.pagerduty.url) } : {}),
  };
  const slack = args.slack && {
    ...args.slack,
    apiUrlSecretKey: secretKey("slack.apiUrlSecretKey", args.slack.apiUrlSecretKey ?? DEFAULT_SECRET_KEYS.slackApiUrl),
  };
  let email: ResolvedAlertRoutingArgs["email"];
  if (args.email) {
    const e = args.email;
    for (const f of ["to", "from", "smarthost"] as const) {
      if (!e[f]) fail(`email.${f}`, "is required when email is configured", e[f]);
    }
    if (!HOST_PORT.test(e.smarthost)) fail("email.smarthost", 'must be "host:port" of the SMTP relay', e.smarthost);
    const alsoFor = [...(e.alsoFor ?? ["warning"])];
    alsoFor.forEach((s, i) => (s === "critical" || s === "warning") || fail(`email.alsoFor[${i}]`, 'must be "critical" or "warning"', s));
    email = {
      ...e,
      passwordSecretKey: secretKey("email.passwordSecretKey", e.passwordSecretKey ?? DEFAULT_SECRET_KEYS.smtpAuthPassword),
      requireTls: e.requireTls ?? true,
      alsoFor,
    };
  }
  let heartbeat: ResolvedAlertRoutingArgs["heartbeat"];
  if (args.heartbeat) {
    const h = args.heartbeat;
    if (h.url !== undefined && h.urlSecretKey !== undefined) fail("heartbeat", "takes either url or urlSecretKey, not both", h);
    heartbeat = h.url !== undefined
      ? { url: httpUrl("heartbeat.url", h.url) }
      : { urlSecretKey: secretKey("heartbeat.urlSecretKey", h.urlSecretKey ?? DEFAULT_SECRET_KEYS.heartbeatUrl) };
  }
  const seen = new Set<string>();
  const teams = (args.teams ?? []).map((team, i) => {
    if (!NAME.test(team.name) || team.name.length > 40) fail(`teams[${i}].name`, "must be lower case letters, digits and dashes (max 40)", team.name);
    if (seen.has(team.name)) fail(`teams[${i}].name`, "is declared twice", team.name);
    seen.add(team.name);
    return {
      name: team.name,
      ...(team.pagerduty && {
        pagerduty: {
          routingKeySecretKey: secretKey(`teams[${i}].pagerduty.routingKeySecretKey`, team.pagerduty.routingKeySecretKey ?? `team-${team.name}-${DEFAULT_SECRET_KEYS.pagerdutyRoutingKey}`),
        },
      }),
      ...(team.slack && {
        slack: {
          ...team.slack,
          apiUrlSecretKey: secretKey(`teams[${i}].slack.apiUrlSecretKey`, team.slack.apiUrlSecretKey ?? `team-${team.name}-${DEFAULT_SECRET_KEYS.slackApiUrl}`),
        },
      }),
    };
  });
  const secretsDir = (args.secretsDir ?? `${ALERTMANAGER_SECRETS_MOUNT_ROOT}/${secretName}`).replace(/\/+$/, "");
  if (!secretsDir.startsWith("/")) fail("secretsDir", "must be an absolute path", secretsDir);
  return { pagerduty, slack, email, heartbeat, teams, teamLabel, groupBy, timings, secretName, secretsDir };
}

// ---- rendering ----

const SLACK_TITLE = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.namespace }}/{{ .CommonLabels.service }}';
const SLACK_TEXT =
  '{{ range .Alerts }}*{{ .Labels.severity }}* {{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ end }}';

function pagerReceiver(name: string, dir: string, key: string, url: string | undefined): AmReceiver {
  return {
    name,
    pagerduty_configs: [
      {
        routing_key_file: `${dir}/${key}`,
        ...(url !== undefined ? { url } : {}),
        severity: "critical",
        send_resolved: true,
        details: { runbook_url: "{{ .CommonAnnotations.runbook_url }}", namespace: "{{ .CommonLabels.namespace }}", service: "{{ .CommonLabels.service }}" },
      },
    ],
  };
}
function chatReceiver(name: string, dir: string, key: string, channel: string | undefined): AmReceiver {
  return {
    name,
    slack_configs: [
      { api_url_file: `${dir}/${key}`, ...(channel !== undefined ? { channel } : {}), send_resolved: true, title: SLACK_TITLE, text: SLACK_TEXT },
    ],
  };
}

interface SeverityTargets {
  readonly critical: string;
  readonly warning: string;
}

/** critical/warning routes for one level of the tree, with the email copies. */
function severityRoutes(r: ResolvedAlertRoutingArgs, to: SeverityTargets): AmRoute[] {
  const routes: AmRoute[] = [];
  for (const sev of ["critical", "warning"] as const) {
    const primary = to[sev];
    const timing = sev === "critical" ? { repeat_interval: r.timings.criticalRepeatInterval } : {};
    const copy = r.email !== undefined && r.email.alsoFor.includes(sev) && primary !== "email";
    routes.push({ receiver: primary, matchers: [`severity="${sev}"`], ...timing, ...(copy ? { continue: true } : {}) });
    if (copy) routes.push({ receiver: "email", matchers: [`severity="${sev}"`], ...timing });
  }
  return routes;
}

/** The full Alertmanager config as a plain object (secrets referenced by file path only). */
export function buildAlertmanagerConfig(args: AlertRoutingArgs = {}): AlertmanagerConfig {
  const r = resolveAlertRoutingArgs(args);
  const dir = r.secretsDir;
  const receivers: AmReceiver[] = [{ name: NULL_RECEIVER }];
  if (r.pagerduty) receivers.push(pagerReceiver("pager", dir, r.pagerduty.routingKeySecretKey, r.pagerduty.url));
  if (r.slack) receivers.push(chatReceiver("chat", dir, r.slack.apiUrlSecretKey, r.slack.channel));
  if (r.email) {
    const e = r.email;
    receivers.push({
      name: "email",
      email_configs: [
        {
          to: e.to,
          from: e.from,
          smarthost: e.smarthost,
          require_tls: e.requireTls,
          ...(e.authUsername !== undefined ? { auth_username: e.authUsername, auth_password_file: `${dir}/${e.passwordSecretKey}` } : {}),
          send_resolved: true,
        },
      ],
    });
  }
  if (r.heartbeat) {
    const target = r.heartbeat.url !== undefined ? { url: r.heartbeat.url } : { url_file: `${dir}/${r.heartbeat.urlSecretKey}` };
    receivers.push({ name: "heartbeat", webhook_configs: [{ ...target, send_resolved: false }] });
  }

  const fallback = r.email ? "email" : r.slack ? "chat" : NULL_RECEIVER;
  const global: SeverityTargets = {
    critical: r.pagerduty ? "pager" : r.slack ? "chat" : fallback,
    warning: r.slack ? "chat" : fallback,
  };
  const routes: AmRoute[] = [
    {
      receiver: r.heartbeat ? "heartbeat" : NULL_RECEIVER,
      matchers: ['alertname="Watchdog"'],
      group_wait: "0s",
      group_interval: r.timings.heartbeatInterval,
      repeat_interval: r.timings.heartbeatInterval,
    },
    { receiver: NULL_RECEIVER, matchers: ['severity=~"none|info"'] },
  ];
  for (const team of r.teams) {
    const pager = team.pagerduty ? `team-${team.name}-pager` : global.critical;
    const chat = team.slack ? `team-${team.name}-chat` : global.warning;
    if (team.pagerduty) receivers.push(pagerReceiver(pager, dir, team.pagerduty.routingKeySecretKey, r.pagerduty?.url));
    if (team.slack) receivers.push(chatReceiver(chat, dir, team.slack.apiUrlSecretKey, team.slack.channel));
    routes.push({
      receiver: r.email ? "email" : chat,
      matchers: [`${r.teamLabel}="${team.name}"`],
      routes: severityRoutes(r, { critical: pager, warning: chat }),
    });
  }
  routes.push(...severityRoutes(r, global));

  return {
    global: { resolve_timeout: r.timings.resolveTimeout },
    route: {
      receiver: fallback,
      group_by: [...r.groupBy],
      group_wait: r.timings.groupWait,
      group_interval: r.timings.groupInterval,
      repeat_interval: r.timings.repeatInterval,
      routes,
    },
    inhibit_rules: [
      // The same alert at two severities (e.g. a disk at 80% and at 95%): page only.
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["alertname", "namespace", "service"] },
      // Different alerts of one declared family (e.g. error rate critical, latency warning).
      {
        source_matchers: ['severity="critical"', `${ALERT_FAMILY_LABEL}=~".+"`],
        target_matchers: ['severity="warning"'],
        equal: [ALERT_FAMILY_LABEL, "namespace", "service"],
      },
    ],
    receivers,
  };
}

/** The config as YAML, byte-for-byte stable for the same args. */
export function alertmanagerConfigYaml(args: AlertRoutingArgs = {}): string {
  return dump(buildAlertmanagerConfig(args), { noRefs: true, lineWidth: -1, quotingType: '"' });
}

/** The keys the receivers' Secret must hold (empty when nothing reads a secret). */
export function alertmanagerSecretKeys(args: AlertRoutingArgs = {}): readonly AlertmanagerSecretKey[] {
  const r = resolveAlertRoutingArgs(args);
  const keys: AlertmanagerSecretKey[] = [];
  if (r.pagerduty) keys.push({ key: r.pagerduty.routingKeySecretKey, receiver: "pager", field: "routing_key_file", description: "PagerDuty Events API v2 integration key" });
  if (r.slack) keys.push({ key: r.slack.apiUrlSecretKey, receiver: "chat", field: "api_url_file", description: "Slack incoming-webhook URL" });
  if (r.email?.authUsername !== undefined) keys.push({ key: r.email.passwordSecretKey, receiver: "email", field: "auth_password_file", description: "SMTP password" });
  if (r.heartbeat?.urlSecretKey !== undefined) keys.push({ key: r.heartbeat.urlSecretKey, receiver: "heartbeat", field: "url_file", description: "dead man's switch URL for the Watchdog heartbeat" });
  for (const t of r.teams) {
    if (t.pagerduty) keys.push({ key: t.pagerduty.routingKeySecretKey, receiver: `team-${t.name}-pager`, field: "routing_key_file", description: `PagerDuty integration key of team ${t.name}` });
    if (t.slack) keys.push({ key: t.slack.apiUrlSecretKey, receiver: `team-${t.name}-chat`, field: "api_url_file", description: `Slack webhook URL of team ${t.name}` });
  }
  const seen = new Set<string>();
  return keys.filter((k) => (seen.has(k.key) ? false : (seen.add(k.key), true)));
}
