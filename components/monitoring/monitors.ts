/**
 * ServiceMonitor, PodMonitor and PrometheusRule factories. Each one applies
 * `MONITORING_SELECTOR_LABEL` last (after any transform), so an object created
 * through them is always picked up by the platform's Prometheus, whose
 * selectors match exactly that label (see values.ts). Create every monitor and
 * rule through these.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { invalidArg } from "../lib/errors";
import { monitoringLabels } from "../lib/labels";

export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";

/** A scrape endpoint (the fields the platform uses; the CRD has more, all allowed). */
export interface ScrapeEndpoint {
  /** Named port of the Service (ServiceMonitor) or container (PodMonitor). */
  readonly port?: string;
  /** HTTP path of the metrics (prometheus-operator `path`). @default "/metrics" */
  readonly path?: string;
  /** Scrape interval, a Prometheus duration such as "30s" (prometheus-operator `interval`). @default - Prometheus' global scrape interval */
  readonly interval?: string;
  /** Scrape timeout, at most `interval` (prometheus-operator `scrapeTimeout`). @default - Prometheus' global scrape timeout */
  readonly scrapeTimeout?: string;
  /** Scheme of the scrape (prometheus-operator `scheme`). @default - Prometheus' default, "http" */
  readonly scheme?: "http" | "https";
  /** Any other field of the prometheus-operator endpoint, passed through unchanged. */
  readonly [field: string]: unknown;
}

/** A Kubernetes label selector (`matchLabels`, `matchExpressions`). */
export interface LabelSelector {
  /** Labels an object must all carry (Kubernetes `matchLabels`). */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** Set-based requirements that must all hold (Kubernetes `matchExpressions`). */
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; readonly values?: readonly string[] }[];
}

/** The spec of a prometheus-operator ServiceMonitor. */
export interface ServiceMonitorSpec {
  /** Which Services to scrape, by label (ServiceMonitor `spec.selector`). */
  readonly selector: LabelSelector;
  /** Namespaces the Services are looked up in (ServiceMonitor `spec.namespaceSelector`). @default - the monitor's own namespace */
  readonly namespaceSelector?: { readonly matchNames?: readonly string[]; readonly any?: boolean };
  /** Ports of the selected Services to scrape, at least one (ServiceMonitor `spec.endpoints`). */
  readonly endpoints: readonly ScrapeEndpoint[];
  /** Service label whose value becomes the `job` label (ServiceMonitor `spec.jobLabel`). @default - the Service's name */
  readonly jobLabel?: string;
  /** Any other ServiceMonitor spec field, passed through unchanged. */
  readonly [field: string]: unknown;
}

export interface PodMonitorSpec {
  readonly selector: LabelSelector;
  readonly namespaceSelector?: { readonly matchNames?: readonly string[]; readonly any?: boolean };
  readonly podMetricsEndpoints: readonly ScrapeEndpoint[];
  readonly jobLabel?: string;
  readonly [field: string]: unknown;
}

/** A Prometheus rule group as a PrometheusRule carries it (alerts/ `toRuleFileObject(...).groups`). */
export interface PrometheusRuleSpec {
  readonly groups: readonly Readonly<Record<string, unknown>>[];
}

/** Args of {@link serviceMonitor}: name, namespace, labels and spec of the object. */
export interface MonitorObjectArgs<Spec> {
  /** metadata.name. */
  readonly name: string;
  /** metadata.namespace. */
  readonly namespace: pulumi.Input<string>;
  /** Labels besides the monitoring selector label (added by the factory). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** metadata.annotations. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The object's spec, as the prometheus-operator CRD defines it. */
  readonly spec: Spec;
  /** Escape hatch on the object's args; the monitoring label is re-applied after it. */
  readonly transform?: (a: k8s.apiextensions.CustomResourceArgs) => k8s.apiextensions.CustomResourceArgs;
}

const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

type Kind = "ServiceMonitor" | "PodMonitor" | "PrometheusRule";

/**
 * The CustomResource args of a monitoring object, labelled. Pure: tests and
 * factories share it. Throws on a name Kubernetes would reject.
 */
export function monitoringObjectArgs<Spec>(kind: Kind, a: MonitorObjectArgs<Spec>): k8s.apiextensions.CustomResourceArgs {
  if (!OBJECT_NAME.test(a.name)) invalidArg(kind, "name", a.name, "must be a DNS-1123 subdomain (lower case, digits, '-', '.')");
  const base: k8s.apiextensions.CustomResourceArgs = {
    apiVersion: MONITORING_API_VERSION,
    kind,
    metadata: { name: a.name, namespace: a.namespace, labels: monitoringLabels({ ...(a.labels ?? {}) }), annotations: a.annotations ? { ...a.annotations } : undefined },
    spec: a.spec,
  };
  const t = a.transform ? a.transform(base) : base;
  const meta = (t.metadata ?? {}) as k8s.types.input.meta.v1.ObjectMeta;
  // Re-applied last: a transform can add labels, never drop the selector label.
  const labels = meta.labels as Record<string, string> | undefined;
  return { ...t, apiVersion: MONITORING_API_VERSION, kind, metadata: { ...meta, labels: monitoringLabels({ ...(labels ?? {}) }) } };
}

function create<Spec>(kind: Kind, resourceName: string, a: MonitorObjectArgs<Spec>, opts?: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(resourceName, monitoringObjectArgs(kind, a), opts);
}

/** A ServiceMonitor carrying the monitoring selector label. */
export function serviceMonitor(resourceName: string, a: MonitorObjectArgs<ServiceMonitorSpec>, opts?: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  if (a.spec.endpoints.length === 0) invalidArg("ServiceMonitor", `${a.name}.spec.endpoints`, [], "must list at least one endpoint");
  return create("ServiceMonitor", resourceName, a, opts);
}

/** A PodMonitor carrying the monitoring selector label. */
export function podMonitor(resourceName: string, a: MonitorObjectArgs<PodMonitorSpec>, opts?: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  if (a.spec.podMetricsEndpoints.length === 0) invalidArg("PodMonitor", `${a.name}.spec.podMetricsEndpoints`, [], "must list at least one endpoint");
  return create("PodMonitor", resourceName, a, opts);
}

/** A PrometheusRule carrying the monitoring selector label. */
export function prometheusRule(resourceName: string, a: MonitorObjectArgs<PrometheusRuleSpec>, opts?: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  if (a.spec.groups.length === 0) invalidArg("PrometheusRule", `${a.name}.spec.groups`, [], "must hold at least one rule group");
  return create("PrometheusRule", resourceName, a, opts);
}
