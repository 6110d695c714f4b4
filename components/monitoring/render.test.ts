/**
 * Monitoring in the whole program's render (prod, local, pr-42): the chart and
 * its values, the rules, the dashboards and the Alertmanager configuration;
 * every ServiceMonitor / PodMonitor / PrometheusRule of every component is
 * selected by the rendered Prometheus selectors; every rendered rule passes
 * `promtool check rules`; every monitoring object is schema-valid.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSecretValue } from "../../render/mocks";
import { isKubernetesObject, redact, SECRET_PLACEHOLDER } from "../../render/write";
import { TOOLS, makeTempDir, removeDir, requireProgram, run } from "../../test/procs";
import { renderStack, type RunResult } from "../../test/harness";
import { validateObject } from "../../test/k8s-schema";
import { isSelected, type ObjectSelection } from "./selectors";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const MONITOR_KINDS = { ServiceMonitor: "serviceMonitor", PodMonitor: "podMonitor", PrometheusRule: "rule" } as const;
type MonitorKind = keyof typeof MONITOR_KINDS;
type Obj = Record<string, any>;

const runs = new Map<string, RunResult>();
let tmp = "";
beforeAll(async () => {
  for (const s of ["prod", "local", "pr-42"]) runs.set(s, await renderStack(s));
  tmp = makeTempDir("monitoring-rules");
}, 300_000);
afterAll(() => {
  if (tmp) removeDir(tmp);
});

function objects(stack: string): Obj[] {
  return runs.get(stack)!.recorder.resources.filter(isKubernetesObject).map((r) => redact(r.inputs));
}
function ofKind(stack: string, kind: string): Obj[] {
  return objects(stack).filter((o) => o.kind === kind);
}
function release(stack: string, name: string): Obj | undefined {
  return runs.get(stack)!.recorder.byType(RELEASE).find((r) => r.inputs.name === name)?.inputs as Obj | undefined;
}
function kps(stack: string): Obj {
  const r = release(stack, "kube-prometheus-stack");
  if (!r) throw new Error(`${stack}: no kube-prometheus-stack release`);
  return r;
}
function monitors(stack: string): Obj[] {
  return objects(stack).filter((o) => o.kind in MONITOR_KINDS);
}

/** The Prometheus' selection for a kind, read from the rendered release values (not from constants). */
function selection(values: Obj, kind: MonitorKind): ObjectSelection {
  const spec = values.prometheus?.prometheusSpec ?? {};
  const k = MONITOR_KINDS[kind];
  return { selector: spec[`${k}Selector`], namespaceSelector: spec[`${k}NamespaceSelector`] };
}

/** Monitors the Prometheus of `releaseInputs` would ignore, as "Kind ns/name" strings. */
function unselected(releaseInputs: Obj, objs: readonly Obj[], namespaceLabels: Record<string, Record<string, string>>): string[] {
  return objs
    .filter((o) => !isSelected(selection(releaseInputs.values, o.kind as MonitorKind), { namespace: o.metadata.namespace, labels: o.metadata.labels }, releaseInputs.namespace, namespaceLabels))
    .map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
}

function namespaceLabels(stack: string): Record<string, Record<string, string>> {
  return Object.fromEntries(ofKind(stack, "Namespace").map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
}

describe("prod render", () => {
  it("installs kube-prometheus-stack 88.5.3 after the prometheus-operator CRDs, with prod's sizes", () => {
    const r = kps("prod");
    expect(r).toMatchObject({ chart: "kube-prometheus-stack", version: "88.5.3", namespace: "monitoring", atomic: true });
    expect((r.repositoryOpts as Obj).repo).toBe("https://prometheus-community.github.io/helm-charts");
    expect(release("prod", "prometheus-operator-crds")).toMatchObject({ chart: "prometheus-operator-crds", version: "31.0.1" });
    const v = r.values;
    expect(v.crds.enabled).toBe(false);
    expect(v.prometheus.prometheusSpec).toMatchObject({ replicas: 2, retention: "30d" });
    expect(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("200Gi");
    expect(v.alertmanager.alertmanagerSpec.replicas).toBe(2);
    expect(v.grafana.persistence).toMatchObject({ enabled: true, size: "10Gi" });
    const rec = runs.get("prod")!.recorder;
    const crdsUrn = rec.byType(RELEASE).find((x) => x.inputs.name === "prometheus-operator-crds")!.urn;
    expect(rec.byType(RELEASE).find((x) => x.inputs.name === "kube-prometheus-stack")!.dependencies).toContain(crdsUrn);
  });

  it("routes critical to PagerDuty, warnings to Slack, email as fallback, credentials from the mounted Secret", () => {
    const am = kps("prod").values.alertmanager;
    const receivers = am.config.receivers.map((x: Obj) => x.name);
    expect(receivers).toEqual(expect.arrayContaining(["null", "pager", "chat", "email", "heartbeat", "team-database-pager", "team-database-chat"]));
    expect(am.config.route.routes).toEqual(expect.arrayContaining([expect.objectContaining({ receiver: "pager", matchers: ['severity="critical"'] })]));
    expect(am.alertmanagerSpec.secrets).toEqual(["alertmanager-receivers"]);
    const secret = ofKind("prod", "Secret").find((s) => s.metadata.name === "alertmanager-receivers" && s.metadata.namespace === "monitoring")!;
    expect(secret.stringData).toEqual({ "heartbeat-url": SECRET_PLACEHOLDER, "pagerduty-routing-key": SECRET_PLACEHOLDER, "slack-api-url": SECRET_PLACEHOLDER, "smtp-auth-password": SECRET_PLACEHOLDER });
    for (const file of JSON.stringify(am.config).match(/\/etc\/alertmanager\/secrets\/[^"]+/g) ?? []) {
      expect(Object.keys(secret.stringData).map((k) => `/etc/alertmanager/secrets/alertmanager-receivers/${k}`)).toContain(file);
    }
  });

  it("puts no secret in any Helm release's values", () => {
    const run0 = runs.get("prod")!;
    for (const r of run0.recorder.byType(RELEASE)) {
      expect(isSecretValue(r.inputs.values)).toBe(false);
      const text = JSON.stringify(redact(r.inputs));
      expect(text).not.toContain(SECRET_PLACEHOLDER);
      expect(text).not.toContain("<secure");
      for (const s of run0.recorder.generatedSecrets) expect(text).not.toContain(s);
    }
  });

  it("has one PrometheusRule per platform domain and the core-api SLO rules", () => {
    const rules = ofKind("prod", "PrometheusRule").filter((r) => r.metadata.labels["app.kubernetes.io/name"] === "prometheus-rules");
    expect(rules.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual(
      ["platform-application", "platform-certificates", "platform-jvm", "platform-kubernetes", "platform-monitoring", "platform-scrapes"].map((n) => `monitoring/${n}`).concat("platform-prod/slo-core-api").sort(),
    );
  });

  it("provisions the dashboards as labelled ConfigMaps and serves Grafana over TLS", () => {
    const cms = ofKind("prod", "ConfigMap").filter((c) => c.metadata.labels?.grafana_dashboard === "1");
    expect(cms.map((c) => c.metadata.name).sort()).toEqual(["dashboard-platform-api", "dashboard-platform-jvm", "dashboard-platform-keycloak", "dashboard-platform-kubernetes", "dashboard-platform-overview", "dashboard-platform-postgres", "dashboard-platform-rabbitmq", "dashboard-platform-redis"]);
    for (const c of cms) {
      expect(c.metadata.namespace).toBe("monitoring");
      expect(c.metadata.annotations.grafana_folder).toBe("Platform");
      const [key, json] = Object.entries(c.data as Record<string, string>)[0]!;
      expect(JSON.parse(json).uid).toBe(key.replace(/\.json$/, ""));
    }
    // On the gateway's internal listener, never through a public route or a chart Ingress.
    expect((runs.get("prod")!.outputs.urls as Obj).grafana).toBe("https://grafana.internal.platform.example.com");
    expect(kps("prod").values.grafana.ingress).toEqual({ enabled: false });

  });
});

describe("local render", () => {
  it("is lighter: one replica, short retention, small volume, no Grafana volume, alerts to nobody", () => {
    const v = kps("local").values;
    expect(v.prometheus.prometheusSpec).toMatchObject({ replicas: 1, retention: "2d" });
    expect(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("5Gi");
    expect(v.alertmanager.alertmanagerSpec.replicas).toBe(1);
    expect(v.grafana.persistence).toEqual({ enabled: false });
    expect(v.alertmanager.config.receivers).toEqual([{ name: "null" }]);
    expect(v.alertmanager.alertmanagerSpec.secrets).toEqual([]);
    expect(ofKind("local", "Secret").some((s) => s.metadata.name === "alertmanager-receivers")).toBe(false);
    expect((runs.get("local")!.outputs.urls as Obj).grafana).toBe("https://grafana.internal.platform.localhost");
  });
});

describe("preview render (pr-42)", () => {
  it("uses the cluster's monitoring: no release, no monitoring namespace, no Grafana URL", () => {
    expect(runs.get("pr-42")!.recorder.byType(RELEASE).filter((r) => String(r.inputs.chart).includes("prometheus"))).toEqual([]);
    expect(ofKind("pr-42", "Namespace").map((n) => n.metadata.name)).not.toContain("monitoring");
    expect((runs.get("pr-42")!.outputs.urls as Obj).grafana).toBeUndefined();
    expect(ofKind("pr-42", "ServiceMonitor").length).toBeGreaterThan(0);
  });
});

describe("every monitor is selected by the rendered Prometheus", () => {
  it.each(["prod", "local"])("%s: every ServiceMonitor, PodMonitor and PrometheusRule of every component", (stack) => {
    const all = monitors(stack);
    expect(all.filter((o) => o.kind === "ServiceMonitor").length).toBeGreaterThanOrEqual(2);
    expect(all.filter((o) => o.kind === "PrometheusRule").length).toBeGreaterThanOrEqual(6);
    expect(unselected(kps(stack), all, namespaceLabels(stack))).toEqual([]);
  });

  it("pr-42: its monitors are selected by a cluster Prometheus this library installed (prod's values)", () => {
    expect(unselected(kps("prod"), monitors("pr-42"), namespaceLabels("pr-42"))).toEqual([]);
  });

  it("prod: every monitor waits for the prometheus-operator CRDs (MonitoringParts.crdsReady)", () => {
    const rec = runs.get("prod")!.recorder;
    const crdsUrn = rec.byType(RELEASE).find((x) => x.inputs.name === "prometheus-operator-crds")!.urn;
    const early = rec.resources.filter((r) => isKubernetesObject(r) && String(r.inputs.kind) in MONITOR_KINDS && !r.dependencies.includes(crdsUrn)).map((r) => `${String(r.inputs.kind)} ${r.name}`);
    expect(early).toEqual([]);
  });

  it("a monitor without the label is not selected (so dropping the label fails the test above)", () => {
    for (const kind of Object.keys(MONITOR_KINDS)) {
      const one = monitors("prod").find((o) => o.kind === kind);
      if (!one) continue;
      const copy = structuredClone(one);
      copy.metadata.labels = Object.fromEntries(Object.entries(copy.metadata.labels as Record<string, string>).filter(([k]) => k !== "platform.dev/monitoring"));
      expect(unselected(kps("prod"), [copy], namespaceLabels("prod"))).toEqual([`${kind} ${copy.metadata.namespace}/${copy.metadata.name}`]);
    }
    const sm = monitors("prod").find((o) => o.kind === "ServiceMonitor")!;
    const withNilNamespaces = structuredClone(kps("prod"));
    delete withNilNamespaces.values.prometheus.prometheusSpec.serviceMonitorNamespaceSelector;
    expect(unselected(withNilNamespaces, [sm], namespaceLabels("prod"))).toHaveLength(1);
  });
});

describe("rendered rules pass promtool", () => {
  function check(rules: readonly Obj[], tag: string): ReturnType<typeof run> {
    const files = rules.map((r, i) => {
      const f = join(tmp, `${tag}-${i}-${r.metadata.name}.yaml`);
      writeFileSync(f, yaml.dump({ groups: r.spec.groups }, { lineWidth: -1, noRefs: true }));
      return f;
    });
    return run(requireProgram(TOOLS.promtool), ["check", "rules", ...files]);
  }

  it("every rule in every rendered PrometheusRule (prod)", () => {
    const rules = ofKind("prod", "PrometheusRule");
    expect(rules.length).toBeGreaterThanOrEqual(6);
    const r = check(rules, "prod");
    expect(r.stderr + r.stdout).not.toMatch(/FAILED/);
    expect(r.code).toBe(0);
    const found = [...(r.stdout + r.stderr).matchAll(/SUCCESS: (\d+) rules found/g)].reduce((n, m) => n + Number(m[1]), 0);
    const declared = rules.reduce((n, x) => n + (x.spec.groups as Obj[]).reduce((k, g) => k + (g.rules as Obj[]).length, 0), 0);
    expect(found).toBe(declared);
  });

  it("a rendered rule with a broken expression fails the same check", () => {
    const broken = structuredClone(ofKind("prod", "PrometheusRule")[0]!);
    broken.spec.groups[0].rules[0].expr = "rate(up)";
    const r = check([broken], "broken");
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/FAILED/);
  });
});

describe("schema", () => {
  it.each(["prod", "local", "pr-42"])("%s: every monitoring object and every monitor is valid", async (stack) => {
    const rec = runs.get(stack)!.recorder;
    const mine = rec.resources.filter((r) => isKubernetesObject(r) && rec.ancestors(r).some((a) => a.type === "platform:monitoring:Monitoring")).map((r) => redact(r.inputs));
    const id = (o: Obj) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
    const mineIds = new Set(mine.map(id));
    const toCheck = [...mine, ...monitors(stack).filter((m) => !mineIds.has(id(m)))];
    if (stack !== "pr-42") expect(mine.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const o of toCheck) {
      const res = await validateObject(o);
      if (res.status !== "valid") problems.push(`${o.kind} ${o.metadata.name}: ${res.status === "invalid" ? res.error : "no schema"}`);
    }
    expect(problems).toEqual([]);
  });
});
