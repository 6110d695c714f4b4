import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOLS, makeTempDir, removeDir, requireProgram, run } from "../../test/procs";
import {
  ALERT_FAMILY_LABEL,
  type AlertRoutingArgs,
  alertmanagerConfigYaml,
  alertmanagerSecretKeys,
  buildAlertmanagerConfig,
  resolveAlertRoutingArgs,
} from "./alertmanager-config";

let dir: string;
let amtool: string;

beforeAll(() => {
  amtool = requireProgram(TOOLS.amtool);
  dir = makeTempDir("amcfg");
});
afterAll(() => removeDir(dir));

let seq = 0;
/** Writes the rendered config plus a dummy file for every secret key it expects; returns the config path. */
function writeConfig(args: AlertRoutingArgs): string {
  const sub = join(dir, `c${++seq}`);
  const secretsDir = join(sub, "secrets");
  run("mkdir", ["-p", secretsDir]);
  const withDir = { ...args, secretsDir };
  for (const k of alertmanagerSecretKeys(withDir)) writeFileSync(join(secretsDir, k.key), `dummy-${k.key}\n`, { mode: 0o600 });
  const file = join(sub, "alertmanager.yaml");
  writeFileSync(file, alertmanagerConfigYaml(withDir));
  return file;
}

function checkConfig(file: string) {
  return run(amtool, ["check-config", file]);
}

/** `amtool config routes test` with --verify.receivers; returns exit code and the receivers amtool resolved. */
function routesTest(file: string, expected: string, labels: Record<string, string>) {
  const r = run(amtool, [
    "config",
    "routes",
    "test",
    `--config.file=${file}`,
    `--verify.receivers=${expected}`,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  ]);
  return { code: r.code, resolved: r.stdout.trim().split("\n")[0] ?? "", output: r.stdout + r.stderr };
}

const FULL: AlertRoutingArgs = {
  pagerduty: {},
  slack: { channel: "#alerts" },
  email: { to: "oncall@example.com", from: "alertmanager@example.com", smarthost: "smtp.example.com:587", authUsername: "alertmanager" },
  heartbeat: { url: "http://heartbeat.monitoring.svc:8080/ping" },
  teams: [
    { name: "database", pagerduty: {}, slack: { channel: "#team-database" } },
    { name: "frontend", slack: {} },
  ],
};

type Case = readonly [name: string, labels: Record<string, string>, expected: string];

const routingCases: readonly (readonly [string, AlertRoutingArgs, readonly Case[]])[] = [
  [
    "full stack (pager, chat, email, heartbeat, teams)",
    FULL,
    [
      ["critical pages", { alertname: "ApplicationHighErrorRate", severity: "critical", namespace: "shop", service: "core-api" }, "pager"],
      ["warning goes to chat and an email copy", { alertname: "ApplicationHighLatency", severity: "warning" }, "chat,email"],
      ["team=database critical pages the team's service", { alertname: "PostgresBackupFailed", severity: "critical", team: "database" }, "team-database-pager"],
      ["team=database warning goes to the team's channel and email", { alertname: "PostgresPoolSaturated", severity: "warning", team: "database" }, "team-database-chat,email"],
      ["team without own pager falls back to the global pager", { alertname: "WebDown", severity: "critical", team: "frontend" }, "pager"],
      ["team with own chat", { alertname: "WebSlow", severity: "warning", team: "frontend" }, "team-frontend-chat,email"],
      ["undeclared team uses the global routes", { alertname: "X", severity: "critical", team: "payments" }, "pager"],
      ["Watchdog goes to the heartbeat", { alertname: "Watchdog", severity: "none" }, "heartbeat"],
      ["info notifies nobody", { alertname: "CPUThrottlingHigh", severity: "info" }, "null"],
      ["unknown severity falls back to email", { alertname: "Odd", severity: "page-me" }, "email"],
      ["no severity falls back to email", { alertname: "Odd" }, "email"],
      ["team alert without severity falls back to email", { alertname: "Odd", team: "database" }, "email"],
    ],
  ],
  [
    "unconfigured stack (local / preview)",
    {},
    [
      ["critical goes nowhere", { alertname: "A", severity: "critical" }, "null"],
      ["warning goes nowhere", { alertname: "A", severity: "warning" }, "null"],
      ["Watchdog goes nowhere", { alertname: "Watchdog", severity: "none" }, "null"],
      ["unrouted goes nowhere", { alertname: "A" }, "null"],
    ],
  ],
  [
    "chat only",
    { slack: {} },
    [
      ["critical goes to chat when there is no pager", { alertname: "A", severity: "critical" }, "chat"],
      ["warning goes to chat", { alertname: "A", severity: "warning" }, "chat"],
      ["unrouted goes to chat", { alertname: "A" }, "chat"],
    ],
  ],
  [
    "email only",
    { email: { to: "ops@example.com", from: "am@example.com", smarthost: "smtp.example.com:25", requireTls: false } },
    [
      ["critical goes to email", { alertname: "A", severity: "critical" }, "email"],
      ["warning goes to email once", { alertname: "A", severity: "warning" }, "email"],
    ],
  ],
  [
    "pager and chat, no email, Watchdog without heartbeat",
    { pagerduty: {}, slack: {} },
    [
      ["critical pages", { alertname: "A", severity: "critical" }, "pager"],
      ["warning goes to chat only", { alertname: "A", severity: "warning" }, "chat"],
      ["unrouted goes to chat", { alertname: "A" }, "chat"],
      ["Watchdog goes nowhere", { alertname: "Watchdog", severity: "none" }, "null"],
    ],
  ],
  [
    "email copy of critical too, custom team label",
    { ...FULL, teamLabel: "owner", email: { ...FULL.email!, alsoFor: ["critical", "warning"] } },
    [
      ["critical pages and emails", { alertname: "A", severity: "critical" }, "pager,email"],
      ["owner=database critical", { alertname: "A", severity: "critical", owner: "database" }, "team-database-pager,email"],
      ["team label is no longer `team`", { alertname: "A", severity: "critical", team: "database" }, "pager,email"],
    ],
  ],
];

describe("amtool check-config and routes test", () => {
  for (const [title, args, cases] of routingCases) {
    describe(title, () => {
      let file: string;
      beforeAll(() => {
        file = writeConfig(args);
      });
      it("passes amtool check-config", () => {
        const r = checkConfig(file);
        expect(r.stdout + r.stderr).toContain("SUCCESS");
        expect(r.code).toBe(0);
      });
      it.each(cases)("%s", (_name, labels, expected) => {
        const r = routesTest(file, expected, labels);
        expect(r.resolved, r.output).toBe(expected);
        expect(r.code, r.output).toBe(0);
      });
    });
  }

  it("fails when the expected receiver is wrong (the check can fail)", () => {
    const file = writeConfig(FULL);
    const r = routesTest(file, "chat", { alertname: "ApplicationHighErrorRate", severity: "critical" });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("Expected receivers did not match");
  });

  it("amtool rejects a broken config (check-config can fail)", () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, alertmanagerConfigYaml(FULL).replace("receiver: pager", "receiver: pagr"));
    const r = checkConfig(file);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('undefined receiver "pagr"');
  });

  it("secret heartbeat URL uses url_file, which this amtool (0.25) is too old for: the only error", () => {
    const file = writeConfig({ ...FULL, heartbeat: {} });
    const r = checkConfig(file);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/field url_file not found/);
    // Everything else in that config loads: with the heartbeat receiver made inline it passes.
    const patched = join(dir, "patched.yaml");
    const text = alertmanagerConfigYaml({ ...FULL, heartbeat: {}, secretsDir: "/s" });
    expect(text).toContain("url_file: /s/heartbeat-url");
    writeFileSync(patched, text.replace("url_file: /s/heartbeat-url", "url: http://127.0.0.1:1/hb"));
    expect(checkConfig(patched).code).toBe(0);
  });
});

describe("buildAlertmanagerConfig", () => {
  it("groups by alertname, namespace, service with a shorter repeat for critical", () => {
    const c = buildAlertmanagerConfig(FULL);
    expect(c.route.group_by).toEqual(["alertname", "namespace", "service"]);
    expect(c.route).toMatchObject({ group_wait: "30s", group_interval: "5m", repeat_interval: "4h" });
    const critical = c.route.routes!.find((r) => r.receiver === "pager");
    expect(critical).toMatchObject({ matchers: ['severity="critical"'], repeat_interval: "1h" });
  });

  it("inhibits a warning while a critical fires for the same namespace and service", () => {
    const c = buildAlertmanagerConfig({});
    expect(c.inhibit_rules).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["alertname", "namespace", "service"] },
      {
        source_matchers: ['severity="critical"', `${ALERT_FAMILY_LABEL}=~".+"`],
        target_matchers: ['severity="warning"'],
        equal: [ALERT_FAMILY_LABEL, "namespace", "service"],
      },
    ]);
  });

  it("takes test-sized timings", () => {
    const c = buildAlertmanagerConfig({ timings: { groupWait: "1s", groupInterval: "1s", repeatInterval: "1m", criticalRepeatInterval: "30s", heartbeatInterval: "2s", resolveTimeout: "10s" } });
    expect(c.route).toMatchObject({ group_wait: "1s", group_interval: "1s", repeat_interval: "1m" });
    expect(c.global.resolve_timeout).toBe("10s");
    expect(c.route.routes![0]).toMatchObject({ matchers: ['alertname="Watchdog"'], group_interval: "2s", repeat_interval: "2s" });
  });

  it("references every secret by file under the mounted Secret, never inline", () => {
    const yaml = alertmanagerConfigYaml({ ...FULL, heartbeat: {}, secretName: "am-secrets" });
    const base = "/etc/alertmanager/secrets/am-secrets";
    for (const line of [
      `routing_key_file: ${base}/pagerduty-routing-key`,
      `api_url_file: ${base}/slack-api-url`,
      `auth_password_file: ${base}/smtp-auth-password`,
      `url_file: ${base}/heartbeat-url`,
      `routing_key_file: ${base}/team-database-pagerduty-routing-key`,
      `api_url_file: ${base}/team-database-slack-api-url`,
      `api_url_file: ${base}/team-frontend-slack-api-url`,
    ]) {
      expect(yaml).toContain(line);
    }
    expect(yaml).not.toMatch(/\b(routing_key|service_key|api_url|auth_password|url):/);
    const parsed = load(yaml) as { receivers: unknown[] };
    expect(parsed.receivers).toHaveLength(8);
  });

  it("renders byte-identical YAML for the same args", () => {
    expect(alertmanagerConfigYaml(FULL)).toBe(alertmanagerConfigYaml(structuredClone(FULL)));
  });

  it("lists the Secret keys the config reads", () => {
    expect(alertmanagerSecretKeys({ ...FULL, heartbeat: {} }).map((k) => `${k.key}:${k.field}`)).toEqual([
      "pagerduty-routing-key:routing_key_file",
      "slack-api-url:api_url_file",
      "smtp-auth-password:auth_password_file",
      "heartbeat-url:url_file",
      "team-database-pagerduty-routing-key:routing_key_file",
      "team-database-slack-api-url:api_url_file",
      "team-frontend-slack-api-url:api_url_file",
    ]);
    expect(alertmanagerSecretKeys({})).toEqual([]);
    // No SMTP user: no password key; inline (non-secret) heartbeat: no key.
    expect(alertmanagerSecretKeys({ email: { to: "a@b.c", from: "c@d.e", smarthost: "h:25" }, heartbeat: { url: "http://h/p" } })).toEqual([]);
  });
});

describe("resolveAlertRoutingArgs", () => {
  it("applies the defaults", () => {
    const r = resolveAlertRoutingArgs({});
    expect(r).toMatchObject({
      teamLabel: "team",
      groupBy: ["alertname", "namespace", "service"],
      secretName: "alertmanager-receivers",
      secretsDir: "/etc/alertmanager/secrets/alertmanager-receivers",
      timings: { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h", criticalRepeatInterval: "1h", heartbeatInterval: "1m", resolveTimeout: "5m" },
      teams: [],
    });
    expect(r.pagerduty).toBeUndefined();
    expect(resolveAlertRoutingArgs({ email: { to: "a@b.c", from: "c@d.e", smarthost: "h:25" } }).email).toMatchObject({ requireTls: true, alsoFor: ["warning"], passwordSecretKey: "smtp-auth-password" });
  });

  it.each<[string, AlertRoutingArgs, string]>([
    ["email without smarthost", { email: { to: "a@b.c", from: "c@d.e", smarthost: "" } }, "email.smarthost is required"],
    ["smarthost without port", { email: { to: "a@b.c", from: "c@d.e", smarthost: "smtp.example.com" } }, 'email.smarthost must be "host:port"'],
    ["email without to", { email: { to: "", from: "c@d.e", smarthost: "h:25" } }, "email.to is required"],
    ["bad alsoFor", { email: { to: "a", from: "b", smarthost: "h:25", alsoFor: ["info" as "warning"] } }, "email.alsoFor[0]"],
    ["bad duration", { timings: { groupWait: "30 s" } }, "timings.groupWait must be a non-zero Alertmanager duration"],
    ["zero repeat", { timings: { repeatInterval: "0s" } }, "timings.repeatInterval"],
    ["bad team name", { teams: [{ name: "Data Base" }] }, "teams[0].name must be lower case"],
    ["duplicate team", { teams: [{ name: "db" }, { name: "db" }] }, "teams[1].name is declared twice"],
    ["bad secret key", { pagerduty: { routingKeySecretKey: "a/b" } }, "pagerduty.routingKeySecretKey must be a valid Kubernetes Secret key"],
    ["bad pagerduty url", { pagerduty: { url: "events.pagerduty.com" } }, "pagerduty.url must be an http(s) URL"],
    ["heartbeat url and key", { heartbeat: { url: "http://h/p", urlSecretKey: "k" } }, "heartbeat takes either url or urlSecretKey"],
    ["bad group label", { groupBy: ["alertname", "name-space"] }, "groupBy[1] must be a label name"],
    ["relative secretsDir", { secretsDir: "secrets" }, "secretsDir must be an absolute path"],
  ])("rejects %s", (_n, args, message) => {
    expect(() => resolveAlertRoutingArgs(args)).toThrow(message);
  });
});
