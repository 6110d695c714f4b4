/**
 * The Alertmanager configuration exactly as each stack renders it (the
 * kube-prometheus-stack release's `alertmanager.config` value) passes the real
 * `amtool check-config`, and `amtool config routes test` proves where each
 * severity and team case goes on that stack.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redact } from "../render/write";
import { renderStack } from "./harness";
import { TOOLS, makeTempDir, removeDir, requireProgram, run } from "./procs";

let dir: string;
let amtool: string;
const files = new Map<string, string>();
/** Labels of every alert the prod render's PostgreSQL PrometheusRule declares. */
let postgresAlerts: { alert: string; labels: Record<string, string> }[] = [];

beforeAll(async () => {
  amtool = requireProgram(TOOLS.amtool);
  dir = makeTempDir("rendered-am");
  for (const stack of ["local", "dev", "staging", "prod"]) {
    const rendered = await renderStack(stack);
    const release = rendered.recorder.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "kube-prometheus-stack");
    if (!release) throw new Error(`${stack}: no kube-prometheus-stack release rendered`);
    const values = redact(release.inputs).values as { alertmanager: { config: unknown } };
    const file = join(dir, `${stack}.yaml`);
    // The heartbeat's webhook reads its secret URL with `url_file`: Alertmanager >= 0.26 (the chart
    // runs v0.34.0, kube-prometheus-stack 88.5.3 values.yaml) loads it, this machine's amtool 0.25
    // doesn't. Everything else is checked as rendered; that one field becomes an inline URL.
    const text = yaml.dump(values.alertmanager.config);
    writeFileSync(file, text.replace(/^(\s+)url_file: \S+$/m, "$1url: http://127.0.0.1:1/heartbeat"));
    if (stack === "prod" || stack === "staging") expect(text).toMatch(/^\s+url_file: \/etc\/alertmanager\/secrets\/alertmanager-receivers\/heartbeat-url$/m);
    files.set(stack, file);
    if (stack === "prod") {
      const rule = rendered.recorder.resources.find((r) => r.inputs.kind === "PrometheusRule" && (r.inputs.metadata as { name: string }).name === "app-db-alerts");
      const groups = (redact(rule!.inputs).spec as { groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[] }).groups;
      postgresAlerts = groups.flatMap((g) => g.rules.filter((r) => r.alert).map((r) => ({ alert: r.alert!, labels: r.labels ?? {} })));
    }
  }
}, 120_000);
afterAll(() => removeDir(dir));

/** The receivers amtool resolves for an alert with these labels (comma-separated, in order). */
function routes(stack: string, labels: Record<string, string>, expected: string): { code: number; output: string } {
  const r = run(amtool, ["config", "routes", "test", `--config.file=${files.get(stack)!}`, `--verify.receivers=${expected}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  return { code: r.code, output: (r.stdout + r.stderr).trim() };
}

const svc = { namespace: "platform-x", service: "core-api" };

describe("rendered Alertmanager configuration", () => {
  it.each(["local", "dev", "staging", "prod"])("%s passes amtool check-config", (stack) => {
    const r = run(amtool, ["check-config", files.get(stack)!]);
    expect(r.stdout + r.stderr, r.stderr).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  const cases: [string, Record<string, string>, string][] = [
    // local: no receivers configured, everything routes nowhere
    ["local", { alertname: "ApplicationHighErrorRate", severity: "critical", ...svc }, "null"],
    ["local", { alertname: "ApplicationHighLatency", severity: "warning", ...svc }, "null"],
    // dev: chat only; a critical falls back to chat
    ["dev", { alertname: "ApplicationHighLatency", severity: "warning", ...svc }, "chat"],
    ["dev", { alertname: "ApplicationHighErrorRate", severity: "critical", ...svc }, "chat"],
    // staging: pager and chat, the Watchdog to the dead man's switch
    ["staging", { alertname: "ApplicationHighErrorRate", severity: "critical", ...svc }, "pager"],
    ["staging", { alertname: "ApplicationHighLatency", severity: "warning", ...svc }, "chat"],
    ["staging", { alertname: "Watchdog", severity: "none" }, "heartbeat"],
    // local and dev page nobody: no dead man's switch either
    ["local", { alertname: "Watchdog", severity: "none" }, "null"],
    ["dev", { alertname: "Watchdog", severity: "none" }, "null"],
    // prod: pager, chat + email copy for warnings, the database team's own routes, the Watchdog to the dead man's switch
    ["prod", { alertname: "ApplicationHighErrorRate", severity: "critical", ...svc }, "pager"],
    ["prod", { alertname: "ApplicationHighLatency", severity: "warning", ...svc }, "chat,email"],
    ["prod", { alertname: "PostgresBackupFailed", severity: "critical", team: "database", namespace: "platform-prod" }, "team-database-pager"],
    ["prod", { alertname: "PostgresReplicationLag", severity: "warning", team: "database", namespace: "platform-prod" }, "team-database-chat,email"],
    ["prod", { alertname: "Watchdog", severity: "none" }, "heartbeat"],
    ["prod", { alertname: "SomethingInformational", severity: "info" }, "null"],
  ];
  it.each(cases)("%s routes %j to %s", (stack, labels, expected) => {
    const r = routes(stack, labels, expected);
    expect(r.code, r.output).toBe(0);
  });

  it("every rendered PostgreSQL alert reaches the database team's receivers in prod", () => {
    expect(postgresAlerts.length).toBeGreaterThanOrEqual(8);
    for (const { alert, labels } of postgresAlerts) {
      expect(labels.team, alert).toBe("database");
      const expected = labels.severity === "critical" ? "team-database-pager" : "team-database-chat,email";
      const r = routes("prod", { alertname: alert, namespace: "platform-prod", ...labels }, expected);
      expect(r.code, `${alert}: ${r.output}`).toBe(0);
    }
  });

  it("a wrong expectation fails (the check can fail)", () => {
    expect(routes("prod", { alertname: "ApplicationHighErrorRate", severity: "critical", ...svc }, "chat").code).not.toBe(0);
    expect(routes("local", { alertname: "ApplicationHighErrorRate", severity: "critical", ...svc }, "pager").code).not.toBe(0);
  });
});
