/**
 * Recommended Kubernetes labels (app.kubernetes.io/*). Selectors use only the
 * stable subset (name + instance): never a version, never anything that changes
 * on upgrade, because a Deployment's selector is immutable.
 */
export const PART_OF = "platform";
export const MANAGED_BY = "pulumi";

/** What {@link standardLabels} are made of: the app's name, the stack (instance) and the component. */
export interface LabelArgs {
  /** app.kubernetes.io/name, e.g. "core-api". */
  readonly name: string;
  /** app.kubernetes.io/instance: distinguishes several installs of one app; the stack's name by convention. */
  readonly instance: string;
  /** app.kubernetes.io/component, e.g. "api", "database". */
  readonly component: string;
}

/** The recommended `app.kubernetes.io/*` labels (name, instance, component, part-of, managed-by) of an object the platform creates. */
export function standardLabels(a: LabelArgs): Record<string, string> {
  return {
    "app.kubernetes.io/name": a.name,
    "app.kubernetes.io/instance": a.instance,
    "app.kubernetes.io/component": a.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/** The labels that select an app's pods (`app.kubernetes.io/name` and `app.kubernetes.io/instance`): stable for the life of a Deployment or StatefulSet. */
export function selectorLabels(a: Pick<LabelArgs, "name" | "instance">): Record<string, string> {
  return {
    "app.kubernetes.io/name": a.name,
    "app.kubernetes.io/instance": a.instance,
  };
}

/**
 * The label kube-prometheus-stack's Prometheus selects ServiceMonitors,
 * PodMonitors and PrometheusRules on. Every monitor the library creates carries
 * it (see `monitoringLabels`), and the Monitoring component configures the
 * chart's selectors with exactly this label, so a monitor can't be ignored.
 */
export const MONITORING_SELECTOR_LABEL = { key: "platform.dev/monitoring", value: "platform" } as const;

export function monitoringLabels(base: Record<string, string>): Record<string, string> {
  return { ...base, [MONITORING_SELECTOR_LABEL.key]: MONITORING_SELECTOR_LABEL.value };
}
