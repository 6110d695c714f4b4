/**
 * Pure functions of the Monitoring component: argument resolution and its
 * errors, the chart values, the rule objects, label-selector semantics, the
 * labelled-monitor builder and the stack-config → alert-routing mapping.
 */
import { describe, expect, it } from "vitest";
import { MONITORING_SELECTOR_LABEL } from "../lib/labels";
import { PlatformConfigError } from "../lib/errors";
import { loadStackConfig } from "../../stacks/config";
import { alertRouting, platformSlos } from "../../stacks/compose/monitoring";
import { readStackConfig, withConfig } from "../../test/harness";
import { resolveMonitoringArgs, RUNBOOK_BASE_URL, type MonitoringArgs } from "./args";
import { monitoringObjectArgs } from "./monitors";
import { ruleObjects } from "./rules";
import { isSelected, matchesLabelSelector } from "./selectors";
import { kubePrometheusStackValues, retentionSize } from "./values";
import { KUBE_PROMETHEUS_STACK, PROMETHEUS_OPERATOR_CRDS } from "./versions";
import { platformRuleGroups } from "../../alerts/index";

const base: MonitoringArgs = { instance: "test", domain: "example.com", grafana: { admin: { username: "admin", password: "pw" } } };
const L = { [MONITORING_SELECTOR_LABEL.key]: MONITORING_SELECTOR_LABEL.value };
const values = (a: MonitoringArgs) => kubePrometheusStackValues(resolveMonitoringArgs("m", a)) as Record<string, any>;

describe("resolveMonitoringArgs", () => {
  it("applies the documented defaults", () => {
    const r = resolveMonitoringArgs("m", base);
    expect(r.namespace).toBe("monitoring");
    expect(r.prometheus).toMatchObject({ replicas: 1, retention: "15d", storageSize: "50Gi" });
    expect(r.alertmanager).toMatchObject({ replicas: 1, secretKeys: [] });
    expect(r.grafana).toEqual({ host: "grafana.example.com", url: "https://grafana.example.com", persistence: true, storageSize: "10Gi", adminUsername: "admin" });
    expect(r.alerts.runbookBaseUrl).toBe(RUNBOOK_BASE_URL);
    expect(RUNBOOK_BASE_URL).toMatch(/^https:\/\/.+\/docs\/runbooks$/);
    expect(r.alerts.sloNamespace).toBe("monitoring");
    expect(r.charts).toEqual({ kubePrometheusStack: KUBE_PROMETHEUS_STACK, operatorCrds: PROMETHEUS_OPERATOR_CRDS });
    expect(r.timeoutSeconds).toBe(900);
  });

  it("pins exact chart versions whose operator versions agree", () => {
    expect(KUBE_PROMETHEUS_STACK).toMatchObject({ chart: "kube-prometheus-stack", version: "88.5.3", repo: "https://prometheus-community.github.io/helm-charts" });
    expect(PROMETHEUS_OPERATOR_CRDS).toMatchObject({ chart: "prometheus-operator-crds", version: "31.0.1" });
    expect(PROMETHEUS_OPERATOR_CRDS.operatorVersion).toBe(KUBE_PROMETHEUS_STACK.operatorVersion);
  });

  it.each<[string, MonitoringArgs, RegExp]>([
    ["replicas 0", { ...base, prometheus: { replicas: 0 } }, /Monitoring m: prometheus\.replicas must be an integer between 1 and 5, got 0/],
    ["alertmanager replicas 6", { ...base, alertmanager: { replicas: 6 } }, /alertmanager\.replicas must be an integer between 1 and 5, got 6/],
    ["bad retention", { ...base, prometheus: { retention: "2 days" } }, /prometheus\.retention must be a Prometheus duration/],
    ["bad storage", { ...base, prometheus: { storageSize: "lots" } }, /prometheus\.storageSize must be a storage quantity/],
    ["no memory limit", { ...base, prometheus: { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "" } } } }, /prometheus\.resources\.limits\.memory must be set/],
    ["bad domain", { ...base, domain: "Example.COM" }, /domain must be a lower-case DNS name/],
    ["bad namespace", { ...base, namespace: "Monitoring" }, /namespace must be a DNS-1123 label/],
    ["bad grafana storage", { ...base, grafana: { ...base.grafana, storageSize: "10 GB" } }, /grafana\.storageSize must be a storage quantity/],
    ["missing credential", { ...base, alertmanager: { routing: { pagerduty: {} } } }, /alertmanager\.credentials\["pagerduty-routing-key"\] is missing: a receiver reads it/],
    ["unused credential", { ...base, alertmanager: { credentials: { "slack-api-url": "x" } } }, /alertmanager\.credentials\["slack-api-url"\] is read by no receiver/],
    ["component-owned routing field", { ...base, alertmanager: { routing: { secretName: "x" } as never } }, /alertmanager\.routing\.secretName is set by the component/],
    ["unknown alert threshold", { ...base, alerts: { thresholds: { "app.nope": 1 } } }, /Monitoring m: alerts: unknown alert threshold key app\.nope/],
    ["bad SLO", { ...base, alerts: { slos: [{ service: "core-api", availability: 1.5 }] } }, /alerts: .*availability must be a number strictly between 0 and 1/],
    ["chart range", { ...base, charts: { kubePrometheusStack: { ...KUBE_PROMETHEUS_STACK, version: "88.x" } } }, /charts\.kubePrometheusStack\.version must be an exact chart version/],
    ["operator mismatch", { ...base, charts: { operatorCrds: { ...PROMETHEUS_OPERATOR_CRDS, operatorVersion: "v0.80.0" } } }, /operatorCrds\.operatorVersion must equal the operator of kube-prometheus-stack \(v0\.93\.1\)/],
    ["duplicate dashboard", { ...base, dashboards: [{ uid: "a", title: "A", tags: [], folder: "F", json: "{}" }, { uid: "a", title: "B", tags: [], folder: "F", json: "{}" }] }, /dashboards .* uid listed twice/],
  ])("rejects %s with an error naming the field", (_, args, message) => {
    expect(() => resolveMonitoringArgs("m", args)).toThrow(PlatformConfigError);
    expect(() => resolveMonitoringArgs("m", args)).toThrow(message);
  });

  it("never mutates its args", () => {
    const a: MonitoringArgs = Object.freeze({ ...base, alerts: Object.freeze({ thresholds: Object.freeze({}) }) });
    expect(() => resolveMonitoringArgs("m", a)).not.toThrow();
  });
});

describe("kube-prometheus-stack values", () => {
  it("select every monitor kind on the platform label in every namespace, the chart's own objects included", () => {
    const v = values(base);
    const spec = v.prometheus.prometheusSpec;
    for (const kind of ["serviceMonitor", "podMonitor", "probe", "rule", "scrapeConfig"]) {
      expect(spec[`${kind}Selector`]).toEqual({ matchLabels: L });
      expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
      expect(spec[`${kind}NamespaceSelector`]).toEqual({});
    }
    expect(v.commonLabels).toEqual(L);
    expect(v["kube-state-metrics"].prometheus.monitor.additionalLabels).toEqual(L);
    expect(v["prometheus-node-exporter"].prometheus.monitor.additionalLabels).toEqual(L);
    expect(v.grafana.serviceMonitor.labels).toEqual(L);
  });

  it("leave CRDs to their own release and size Prometheus from the args", () => {
    const v = values({ ...base, prometheus: { replicas: 2, retention: "30d", storageSize: "200Gi", storageClassName: "gp3" } });
    expect(v.crds).toEqual({ enabled: false });
    const spec = v.prometheus.prometheusSpec;
    expect(spec).toMatchObject({ replicas: 2, retention: "30d", retentionSize: "174080MB" });
    expect(spec.storageSpec.volumeClaimTemplate.spec).toEqual({ storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "200Gi" } } });
    expect(v.prometheus.podDisruptionBudget.enabled).toBe(true);
    expect(values(base).prometheus.podDisruptionBudget.enabled).toBe(false);
  });

  it("caps the TSDB at 85% of its volume", () => {
    expect(retentionSize("10Gi")).toBe("8704MB");
    expect(retentionSize("5Gi")).toBe("4352MB");
  });

  it("mount the receivers' Secret only when a receiver reads one", () => {
    expect(values(base).alertmanager.alertmanagerSpec.secrets).toEqual([]);
    const v = values({ ...base, alertmanager: { replicas: 2, routing: { slack: { channel: "#a" } }, credentials: { "slack-api-url": "https://hooks.example/x" } } });
    expect(v.alertmanager.alertmanagerSpec).toMatchObject({ replicas: 2, secrets: ["alertmanager-receivers"] });
    expect(v.alertmanager.config.receivers.find((r: { name: string }) => r.name === "chat").slack_configs[0].api_url_file).toBe("/etc/alertmanager/secrets/alertmanager-receivers/slack-api-url");
    expect(JSON.stringify(v)).not.toContain("hooks.example");
  });

  it("give Grafana no chart Ingress when the platform's gateway routes to it", () => {
    expect(values({ ...base, ingress: false }).grafana.ingress).toEqual({ enabled: false });
  });

  it("give Grafana its admin from a Secret, dashboards from labelled ConfigMaps, and a TLS Ingress", () => {
    const g = values({ ...base, ingress: { className: "nginx", clusterIssuer: "letsencrypt-prod" } }).grafana;
    expect(g.admin).toEqual({ existingSecret: "grafana-admin", userKey: "username", passwordKey: "password" });
    expect(g.adminPassword).toBeUndefined();
    expect(g.sidecar.dashboards).toMatchObject({ enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "monitoring", folderAnnotation: "grafana_folder" });
    expect(g.ingress).toEqual({
      enabled: true,
      ingressClassName: "nginx",
      annotations: { "cert-manager.io/cluster-issuer": "letsencrypt-prod" },
      hosts: ["grafana.example.com"],
      path: "/",
      tls: [{ secretName: "grafana-tls", hosts: ["grafana.example.com"] }],
    });
    expect(g.persistence).toMatchObject({ enabled: true, size: "10Gi" });
    expect(g.deploymentStrategy.type).toBe("Recreate");
    const local = values({ ...base, grafana: { ...base.grafana, persistence: false } }).grafana;
    expect(local.persistence).toEqual({ enabled: false });
    expect(local.deploymentStrategy.type).toBe("RollingUpdate");
  });
});

describe("ruleObjects", () => {
  it("makes one PrometheusRule per platform domain in the monitoring namespace and the SLOs in theirs", () => {
    const r = resolveMonitoringArgs("m", { ...base, alerts: { slos: platformSlos("platform-prod"), sloNamespace: "platform-prod" } });
    const objs = ruleObjects(r);
    expect(objs.map((o) => `${o.namespace}/${o.name}`)).toEqual([
      "monitoring/platform-application",
      "monitoring/platform-jvm",
      "monitoring/platform-kubernetes",
      "monitoring/platform-certificates",
      "monitoring/platform-monitoring",
      "monitoring/platform-scrapes",
      "platform-prod/slo-core-api",
    ]);
    for (const o of objs) expect(o.groups).toHaveLength(1);
    const slo = (objs.at(-1)!.groups[0]!.rules as { expr: string }[]).map((r) => r.expr).join("\n");
    expect(slo).toContain('le="0.2"');
    expect(slo).toContain('le="0.5"');
    expect(slo).toContain('namespace="platform-prod"');
  });

  it("passes thresholds and durations through to the rules", () => {
    const r = resolveMonitoringArgs("m", { ...base, alerts: { thresholds: { "app.errorRatio": 0.02 }, durations: { "app.errorRate.for": "7m" } } });
    const app = JSON.stringify(ruleObjects(r)[0]!.groups);
    expect(app).toContain("0.02");
    expect(app).toContain('"for":"7m"');
  });
});

describe("label selectors", () => {
  it("follow Kubernetes semantics: {} matches all, null matches none, expressions", () => {
    expect(matchesLabelSelector({}, {})).toBe(true);
    expect(matchesLabelSelector(null, { a: "b" })).toBe(false);
    expect(matchesLabelSelector({ matchLabels: { a: "b" } }, { a: "b", c: "d" })).toBe(true);
    expect(matchesLabelSelector({ matchLabels: { a: "b" } }, { a: "c" })).toBe(false);
    expect(matchesLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: ["x", "y"] }] }, { a: "y" })).toBe(true);
    expect(matchesLabelSelector({ matchExpressions: [{ key: "a", operator: "NotIn", values: ["x"] }] }, { a: "x" })).toBe(false);
    expect(matchesLabelSelector({ matchExpressions: [{ key: "a", operator: "Exists" }] }, {})).toBe(false);
    expect(matchesLabelSelector({ matchExpressions: [{ key: "a", operator: "DoesNotExist" }] }, {})).toBe(true);
  });

  it("restrict a nil namespace selector to Prometheus' own namespace", () => {
    const obj = { namespace: "apps", labels: L };
    expect(isSelected({ selector: { matchLabels: L }, namespaceSelector: {} }, obj, "monitoring")).toBe(true);
    expect(isSelected({ selector: { matchLabels: L }, namespaceSelector: undefined }, obj, "monitoring")).toBe(false);
    expect(isSelected({ selector: { matchLabels: L }, namespaceSelector: { matchLabels: { team: "a" } } }, obj, "monitoring", { apps: { team: "a" } })).toBe(true);
    expect(isSelected({ selector: { matchLabels: L }, namespaceSelector: {} }, { namespace: "apps", labels: {} }, "monitoring")).toBe(false);
  });
});

describe("monitoringObjectArgs", () => {
  it("always carries the selector label, even after a transform that drops labels", () => {
    const a = monitoringObjectArgs("ServiceMonitor", {
      name: "x",
      namespace: "ns",
      labels: { team: "a" },
      spec: { selector: { matchLabels: { app: "x" } }, endpoints: [{ port: "http" }] },
      transform: (t) => ({ ...t, metadata: { ...(t.metadata as object), labels: { other: "1" } } }),
    });
    expect((a.metadata as { labels: Record<string, string> }).labels).toEqual({ other: "1", ...L });
    expect(a.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(a.kind).toBe("ServiceMonitor");
  });

  it("rejects names Kubernetes would reject", () => {
    expect(() => monitoringObjectArgs("PodMonitor", { name: "Bad_Name", namespace: "ns", spec: {} })).toThrow(/PodMonitor: name must be a DNS-1123 subdomain/);
  });
});

describe("alert routing from stack config", () => {
  it("prod: pager, chat, email and the database team, each credential a Pulumi secret", () => {
    const cfg = loadStackConfig("prod", readStackConfig("prod"));
    const { routing, credentials } = alertRouting(cfg);
    expect(routing.pagerduty).toEqual({});
    expect(routing.slack).toEqual({ channel: "#platform-alerts" });
    expect(routing.email).toMatchObject({ to: "oncall@example.com", authUsername: "alertmanager@example.com" });
    expect(routing.teams).toEqual([
      { name: "database", pagerduty: { routingKeySecretKey: "pagerduty-routing-key" }, slack: { apiUrlSecretKey: "slack-api-url", channel: "#dba-alerts" } },
    ]);
    expect(routing.heartbeat).toEqual({});
    expect(Object.keys(credentials).sort()).toEqual(["heartbeat-url", "pagerduty-routing-key", "slack-api-url", "smtp-auth-password"]);
  });

  it("a channel without its webhook routes nowhere and warns", () => {
    const cfg = loadStackConfig("dev", withConfig(readStackConfig("dev"), { slackWebhookUrl: undefined }));
    const warnings: string[] = [];
    const { routing, credentials } = alertRouting(cfg, (m) => warnings.push(m));
    expect(routing).toEqual({});
    expect(credentials).toEqual({});
    expect(warnings.join("\n")).toMatch(/slackWebhookUrl is not set/);
  });

  it("local: no receivers at all", () => {
    const cfg = loadStackConfig("local", withConfig(readStackConfig("local"), {}));
    expect(alertRouting(cfg)).toEqual({ routing: {}, credentials: {} });
  });
});

describe("chart default rules", () => {
  it("turns off the mixin groups whose alert names alerts/ defines, and keeps the rest", () => {
    const ours = new Set(platformRuleGroups({ runbookBaseUrl: "https://x" }).flatMap((g) => g.rules.map((r) => ("alert" in r ? r.alert : ""))));
    // Alert names of the chart's groups we turn off, which alerts/ defines itself.
    for (const name of ["Watchdog", "TargetDown", "KubePodCrashLooping", "KubePodNotReady", "KubeHpaMaxedOut", "KubePersistentVolumeFillingUp"]) expect(ours.has(name), name).toBe(true);
    const dr = values(base).defaultRules;
    expect(dr.create).toBe(true);
    expect(dr.rules).toEqual({ general: false, kubernetesApps: false, kubernetesStorage: false });
    expect(dr.labels).toEqual(L);
  });
});
