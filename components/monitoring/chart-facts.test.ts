/** The control-plane switch of the kube-prometheus-stack values, checked against the chart facts. */
import { describe, expect, it } from "vitest";
import { resolveMonitoringArgs, type MonitoringArgs } from "./args";
import { enabledIn, KPS_FACTS } from "./chart-facts";
import { kubePrometheusStackValues } from "./values";

const base: MonitoringArgs = { instance: "test", domain: "example.com", grafana: { admin: { username: "admin", password: "pw" } } };
const values = (a: MonitoringArgs) => kubePrometheusStackValues(resolveMonitoringArgs("m", a)) as Record<string, any>;
const CONTROL_PLANE_JOBS = ["kube-controller-manager", "kube-etcd", "kube-scheduler", "kube-proxy"];

describe("control plane", () => {
  it("managed: the chart neither scrapes nor alerts on kube-controller-manager, kube-scheduler, etcd, kube-proxy", () => {
    const v = values({ ...base, controlPlane: "managed" });
    const scraped = KPS_FACTS.scrapes.filter((s) => enabledIn(v, s.enabledBy)).map((s) => s.job);
    for (const job of CONTROL_PLANE_JOBS) expect(scraped).not.toContain(job);
    expect(scraped).toEqual(expect.arrayContaining(["apiserver", "kubelet", "kube-state-metrics", "node-exporter", "coredns"]));
    const groups = KPS_FACTS.ruleGroups.filter((g) => enabledIn(v, g.enabledBy)).map((g) => g.key);
    for (const key of ["etcd", "kubeControllerManager", "kubeProxy", "kubeSchedulerAlerting"]) expect(groups).not.toContain(key);
    expect(groups).toEqual(expect.arrayContaining(["kubernetesSystem", "kubeStateMetrics", "prometheus", "alertmanager"]));
  });

  it("self-managed (the default): the chart's control-plane scrapes and rules stay on", () => {
    for (const v of [values(base), values({ ...base, controlPlane: "self-managed" })]) {
      const scraped = KPS_FACTS.scrapes.filter((s) => enabledIn(v, s.enabledBy)).map((s) => s.job);
      for (const job of CONTROL_PLANE_JOBS) expect(scraped).toContain(job);
    }
  });

  it("rejects anything else, naming the field", () => {
    expect(() => resolveMonitoringArgs("m", { ...base, controlPlane: "eks" as never })).toThrow(/^Monitoring m: controlPlane must be "managed" or "self-managed", got "eks"$/);
  });

  it("knows every chart default a switch reads", () => {
    expect(() => enabledIn({}, ["nosuch.enabled"])).toThrow(/no default for nosuch.enabled/);
  });
});
