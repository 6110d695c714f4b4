/**
 * Which PrometheusRule objects the Monitoring component creates, as data. Pure.
 *
 * - One per platform domain group (application, JVM, Kubernetes, certificates,
 *   monitoring) in the monitoring namespace: they watch every namespace.
 * - One per workload SLO in `alerts.sloNamespace` (the workloads' namespace):
 *   they belong to the stack whose workloads they measure.
 */
import { platformRuleGroups, scrapePresenceGroup, sloRuleGroups, toRuleFileObject, type RuleGroup } from "../../alerts/index";
import type { ResolvedMonitoringArgs } from "./args";

export interface RuleObject {
  /** metadata.name, e.g. "platform-application". */
  readonly name: string;
  readonly namespace: string;
  /** "platform" or "slo" (the app.kubernetes.io/component label is `rules-<domain>`). */
  readonly domain: string;
  /** `spec.groups`, exactly as a Prometheus rule file holds them. */
  readonly groups: Record<string, unknown>[];
}

/** `platform.application` -> `platform-application`, `platform.slo.ns.core-api` -> `slo-core-api` (with the namespace elsewhere). */
export function ruleObjectName(group: RuleGroup, domain: "platform" | "slo"): string {
  if (domain === "slo") return `slo-${group.name.split(".").pop()!}`;
  return group.name.replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
}

export function ruleObjects(r: ResolvedMonitoringArgs): RuleObject[] {
  const opts = { runbookBaseUrl: r.alerts.runbookBaseUrl, thresholds: r.alerts.thresholds, durations: r.alerts.durations };
  const out: RuleObject[] = [];
  for (const g of [...platformRuleGroups(opts), scrapePresenceGroup("platform.scrapes", r.alerts.scrapes, opts)]) {
    out.push({ name: ruleObjectName(g, "platform"), namespace: r.namespace, domain: "platform", groups: toRuleFileObject([g]).groups });
  }
  for (const g of sloRuleGroups(r.alerts.slos, opts)) {
    out.push({ name: ruleObjectName(g, "slo"), namespace: r.alerts.sloNamespace, domain: "slo", groups: toRuleFileObject([g]).groups });
  }
  const seen = new Set<string>();
  for (const o of out) {
    const id = `${o.namespace}/${o.name}`;
    if (seen.has(id)) throw new Error(`two rule groups map to the PrometheusRule ${id}; give them distinct names`);
    seen.add(id);
  }
  return out;
}
