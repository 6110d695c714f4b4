/**
 * The Monitoring component under mocks: the inputs that matter (pinned
 * charts, per-environment sizes, secrets mounted and never in values, Grafana's
 * admin from a Secret, labelled dashboards and rules, CRDs installed first).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { isSecretValue } from "../../render/mocks";
import { mockRuntime, settle, type ResourceRecorder } from "../../test/harness";
import { MONITORING_SELECTOR_LABEL } from "../lib/labels";
import { Monitoring, type MonitoringComponentArgs } from "./monitoring";
import { podMonitor, prometheusRule, serviceMonitor } from "./monitors";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const PD_KEY = "pd-routing-key-literal-0123456789";
const SLACK_URL = "https://hooks.slack.example/services/T000/B000/literal";
const GRAFANA_PW = "grafana-password-literal-abc";

const dashboard = { uid: "platform-test", title: "Test", tags: ["platform", "test"], folder: "Platform", json: '{"uid":"platform-test"}' };

function prodArgs(): MonitoringComponentArgs {
  return {
    instance: "prod",
    domain: "platform.example.com",
    prometheus: { replicas: 2, retention: "30d", storageSize: "200Gi", resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } } },
    alertmanager: {
      replicas: 2,
      routing: { pagerduty: {}, slack: { channel: "#alerts" } },
      credentials: { "pagerduty-routing-key": pulumi.secret(PD_KEY), "slack-api-url": pulumi.secret(SLACK_URL) },
    },
    grafana: { admin: { username: "admin", password: pulumi.secret(GRAFANA_PW) }, persistence: true, storageSize: "10Gi" },
    ingress: { className: "nginx", clusterIssuer: "letsencrypt-prod", tls: true },
    alerts: { slos: [{ service: "core-api", namespace: "platform-prod" }], sloNamespace: "platform-prod" },
    dashboards: [dashboard],
  };
}

async function build(args: MonitoringComponentArgs, opts?: pulumi.ComponentResourceOptions): Promise<ResourceRecorder> {
  const rec = mockRuntime("prod");
  new Monitoring("monitoring", args, opts);
  await settle();
  return rec;
}

const urnOf = (rec: ResourceRecorder, type: string, name: string) => rec.get(type, name).urn;

describe("Monitoring component", () => {
  it("installs kube-prometheus-stack pinned, named, namespaced, atomic, with CRDs left to their own release", async () => {
    const rec = await build(prodArgs());
    const kps = rec.get(RELEASE, "monitoring-kube-prometheus-stack").inputs as Record<string, any>;
    expect(kps).toMatchObject({
      name: "kube-prometheus-stack",
      namespace: "monitoring",
      chart: "kube-prometheus-stack",
      version: "88.5.3",
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      createNamespace: false,
      atomic: true,
      skipCrds: true,
      timeout: 900,
    });
    expect(kps.values.crds).toEqual({ enabled: false });
    const crds = rec.get(RELEASE, "monitoring-crds").inputs as Record<string, any>;
    expect(crds).toMatchObject({ name: "prometheus-operator-crds", namespace: "monitoring", chart: "prometheus-operator-crds", version: "31.0.1", atomic: true, timeout: 300 });
    expect(crds.values.crds.annotations).toEqual({ "helm.sh/resource-policy": "keep" });
  });

  it("orders the CRDs first: the stack and every PrometheusRule depend on the CRD release", async () => {
    const rec = await build(prodArgs());
    const crdsUrn = urnOf(rec, RELEASE, "monitoring-crds");
    const kps = rec.get(RELEASE, "monitoring-kube-prometheus-stack");
    expect(kps.dependencies).toContain(crdsUrn);
    expect(kps.dependencies).toContain(urnOf(rec, "kubernetes:core/v1:Secret", "monitoring-grafana-admin"));
    expect(kps.dependencies).toContain(urnOf(rec, "kubernetes:core/v1:Secret", "monitoring-alertmanager-receivers"));
    expect(rec.get(RELEASE, "monitoring-crds").dependencies).toContain(urnOf(rec, "kubernetes:core/v1:Namespace", "monitoring-namespace"));
    const rules = rec.kind("PrometheusRule");
    expect(rules.length).toBe(7);
    for (const r of rules) expect(r.dependencies, r.name).toContain(crdsUrn);
    expect(crdsUrn.indexOf("Release")).toBeGreaterThan(0);
    expect(rec.get(RELEASE, "monitoring-crds").seq).toBeLessThan(kps.seq);
  });

  it("sizes Prometheus and Alertmanager from the args", async () => {
    const rec = await build(prodArgs());
    const v = (rec.get(RELEASE, "monitoring-kube-prometheus-stack").inputs as Record<string, any>).values;
    expect(v.prometheus.prometheusSpec).toMatchObject({ replicas: 2, retention: "30d" });
    expect(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("200Gi");
    expect(v.prometheus.prometheusSpec.resources).toEqual({ requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } });
    expect(v.alertmanager.alertmanagerSpec.replicas).toBe(2);
  });

  it("mounts the receivers' Secret, created from secret inputs only, and keeps every credential out of the values", async () => {
    const rec = await build(prodArgs());
    const secret = rec.get("kubernetes:core/v1:Secret", "monitoring-alertmanager-receivers").inputs as Record<string, any>;
    expect(secret.metadata).toMatchObject({ name: "alertmanager-receivers", namespace: "monitoring" });
    expect(isSecretValue(secret.stringData)).toBe(true);
    expect(Object.keys((secret.stringData as { value: object }).value).sort()).toEqual(["pagerduty-routing-key", "slack-api-url"]);
    const v = (rec.get(RELEASE, "monitoring-kube-prometheus-stack").inputs as Record<string, any>).values;
    expect(isSecretValue(v)).toBe(false);
    expect(v.alertmanager.alertmanagerSpec.secrets).toEqual(["alertmanager-receivers"]);
    const pager = v.alertmanager.config.receivers.find((r: { name: string }) => r.name === "pager");
    expect(pager.pagerduty_configs[0].routing_key_file).toBe("/etc/alertmanager/secrets/alertmanager-receivers/pagerduty-routing-key");
    const all = JSON.stringify(rec.get(RELEASE, "monitoring-kube-prometheus-stack").inputs);
    for (const literal of [PD_KEY, SLACK_URL, GRAFANA_PW]) expect(all).not.toContain(literal);
  });

  it("gives Grafana its admin login from a Secret it creates (existingSecret), never a password value", async () => {
    const rec = await build(prodArgs());
    const admin = rec.get("kubernetes:core/v1:Secret", "monitoring-grafana-admin").inputs as Record<string, any>;
    expect(admin.metadata).toMatchObject({ name: "grafana-admin", namespace: "monitoring" });
    expect(admin.type).toBe("kubernetes.io/basic-auth");
    expect(isSecretValue(admin.stringData)).toBe(true);
    const data = (admin.stringData as { value: Record<string, string> }).value;
    expect(data.username).toBe("admin");
    expect(data.password).toBe(GRAFANA_PW);
    const g = (rec.get(RELEASE, "monitoring-kube-prometheus-stack").inputs as Record<string, any>).values.grafana;
    expect(g.admin).toEqual({ existingSecret: admin.metadata.name, userKey: "username", passwordKey: "password" });
    expect(g.adminPassword).toBeUndefined();
    expect(g.ingress.hosts).toEqual(["grafana.platform.example.com"]);
    expect(g.ingress.annotations["cert-manager.io/cluster-issuer"]).toBe("letsencrypt-prod");
  });

  it("provisions each dashboard as a ConfigMap the sidecar picks up", async () => {
    const rec = await build(prodArgs());
    const cms = rec.kind("ConfigMap");
    expect(cms).toHaveLength(1);
    const cm = cms[0]!.inputs as Record<string, any>;
    expect(cm.metadata.name).toBe("dashboard-platform-test");
    expect(cm.metadata.namespace).toBe("monitoring");
    expect(cm.metadata.labels.grafana_dashboard).toBe("1");
    expect(cm.metadata.annotations.grafana_folder).toBe("Platform");
    expect(cm.data).toEqual({ "platform-test.json": dashboard.json });
    const sidecar = (rec.get(RELEASE, "monitoring-kube-prometheus-stack").inputs as Record<string, any>).values.grafana.sidecar.dashboards;
    expect(cm.metadata.labels[sidecar.label]).toBe(sidecar.labelValue);
    expect(sidecar.searchNamespace).toBe(cm.metadata.namespace);
  });

  it("labels every PrometheusRule for the Prometheus selector, SLO rules in the workloads' namespace", async () => {
    const rec = await build(prodArgs());
    const rules = rec.kind("PrometheusRule").map((r) => r.inputs as Record<string, any>);
    for (const r of rules) expect(r.metadata.labels[MONITORING_SELECTOR_LABEL.key]).toBe(MONITORING_SELECTOR_LABEL.value);
    expect(rules.filter((r) => r.metadata.namespace === "platform-prod").map((r) => r.metadata.name)).toEqual(["slo-core-api"]);
    expect(rules.filter((r) => r.metadata.namespace === "monitoring")).toHaveLength(6);
  });

  it("keeps the selector label through the prometheusRule transform", async () => {
    const rec = await build({
      ...prodArgs(),
      transform: { prometheusRule: (a) => ({ ...a, metadata: { ...(a.metadata as object), labels: { only: "this" } } }) },
    });
    for (const r of rec.kind("PrometheusRule")) {
      expect((r.inputs as Record<string, any>).metadata.labels).toEqual({ only: "this", [MONITORING_SELECTOR_LABEL.key]: MONITORING_SELECTOR_LABEL.value });
    }
  });

  it("creates no receivers' Secret and mounts nothing when nothing is routed", async () => {
    const rec = await build({ ...prodArgs(), alertmanager: { replicas: 1 } });
    expect(() => rec.get("kubernetes:core/v1:Secret", "monitoring-alertmanager-receivers")).toThrow(/no kubernetes:core\/v1:Secret named/);
    const v = (rec.get(RELEASE, "monitoring-kube-prometheus-stack").inputs as Record<string, any>).values;
    expect(v.alertmanager.alertmanagerSpec.secrets).toEqual([]);
    expect(v.alertmanager.config.receivers).toEqual([{ name: "null" }]);
  });

  it("forwards the component's dependsOn to every child", async () => {
    const rec = mockRuntime("prod");
    const ns = new k8s.core.v1.Namespace("stack-ns", { metadata: { name: "platform-prod" } });
    new Monitoring("monitoring", prodArgs(), { dependsOn: [ns] });
    await settle();
    const nsUrn = urnOf(rec, "kubernetes:core/v1:Namespace", "stack-ns");
    const children = rec.resources.filter((r) => r.custom && r.parent.includes("Monitoring"));
    expect(children.length).toBeGreaterThan(8);
    for (const c of children) expect(c.dependencies, c.name).toContain(nsUrn);
  });
});

describe("monitor factories", () => {
  it("label ServiceMonitors, PodMonitors and PrometheusRules by construction", async () => {
    const rec = mockRuntime("test");
    serviceMonitor("sm", { name: "api", namespace: "ns", spec: { selector: { matchLabels: { app: "api" } }, endpoints: [{ port: "http", path: "/metrics" }] } });
    podMonitor("pm", { name: "db", namespace: "ns", labels: { team: "db" }, spec: { selector: { matchLabels: { app: "db" } }, podMetricsEndpoints: [{ port: "metrics" }] } });
    prometheusRule("pr", { name: "rules", namespace: "ns", spec: { groups: [{ name: "g", rules: [{ record: "x", expr: "up" }] }] } });
    await settle();
    for (const kind of ["ServiceMonitor", "PodMonitor", "PrometheusRule"]) {
      const [r] = rec.kind(kind);
      expect((r!.inputs as Record<string, any>).metadata.labels[MONITORING_SELECTOR_LABEL.key], kind).toBe(MONITORING_SELECTOR_LABEL.value);
    }
    expect((rec.kind("PodMonitor")[0]!.inputs as Record<string, any>).metadata.labels.team).toBe("db");
    expect(() => serviceMonitor("bad", { name: "x", namespace: "ns", spec: { selector: {}, endpoints: [] } })).toThrow(/spec\.endpoints must list at least one endpoint/);
    expect(() => prometheusRule("bad", { name: "x", namespace: "ns", spec: { groups: [] } })).toThrow(/must hold at least one rule group/);
  });
});
