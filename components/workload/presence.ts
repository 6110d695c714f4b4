/**
 * The Workload's own alert: ScrapeTargetsMissing for the job of its ServiceMonitor
 * (prometheus-operator names it after the Service, i.e. the workload), so a
 * monitor that stops finding the app pages instead of silencing the application,
 * JVM and SLO alerts that read it.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { scrapePresenceGroup, toRuleFileObject } from "../../alerts/index";
import { RUNBOOK_BASE_URL } from "../monitoring/args";
import { prometheusRule, type PrometheusRuleSpec } from "../monitoring/monitors";
import type { Transform } from "../lib/transform";
import type { ResolvedWorkloadArgs } from "./args";

/** PrometheusRule `spec` of a workload's presence alert. Pure. */
export function workloadPresenceRuleSpec(name: string, a: ResolvedWorkloadArgs): PrometheusRuleSpec {
  const opts = { runbookBaseUrl: a.alerts?.runbookBaseUrl ?? RUNBOOK_BASE_URL, durations: a.alerts?.durations };
  const group = scrapePresenceGroup(`workload.${a.namespace}.${name}.scrapes`, [{ job: name, namespace: a.namespace, reads: `the application, JVM and SLO alerts and dashboards of ${name}` }], opts);
  return toRuleFileObject([group]);
}

/** Creates the presence PrometheusRule (through the labelled factory, so the platform's Prometheus loads it). */
export function workloadPresenceRule(
  name: string,
  a: ResolvedWorkloadArgs,
  labels: Readonly<Record<string, string>>,
  opts: pulumi.CustomResourceOptions,
  transform?: Transform<k8s.apiextensions.CustomResourceArgs>,
): k8s.apiextensions.CustomResource {
  return prometheusRule(`${name}-prometheusrule`, { name: `${name}-scrape`, namespace: a.namespace, labels, spec: workloadPresenceRuleSpec(name, a), transform }, opts);
}
