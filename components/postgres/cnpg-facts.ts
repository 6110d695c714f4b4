/**
 * What CloudNativePG itself puts on the objects it creates: the labels it owns
 * on instance pods, pooler pods and PVCs, and the container ports PodMonitors
 * and NetworkPolicies name. The component and the tests read these from here,
 * so one table says what the operator does, and a version bump means re-reading it.
 *
 * Read from the sources of CloudNativePG v1.30.0 (the operator CNPG_CHART ships;
 * `git show v1.30.0:<path>` in github.com/cloudnative-pg/cloudnative-pg):
 * - pkg/specs/pods.go `buildInstance` (instance pod labels) and `createClusterPodSpec`
 *   (container "postgres", ports postgresql 5432, metrics 9187, status 8000);
 * - pkg/specs/pgbouncer/deployments.go `Deployment` (pooler pod labels, container
 *   "pgbouncer", ports pgbouncer 5432 and metrics 9127);
 * - pkg/reconciler/persistentvolumeclaim/metadata.go `newLabelReconciler` (PVC labels it
 *   re-sets on every reconcile, after the inherited ones: an inherited value for one of
 *   them never sticks, so the PVC is patched again on every reconcile);
 * - pkg/utils/labels_annotations.go (label names; ManagerName "cloudnative-pg",
 *   AppName "postgresql", DatabaseComponentName "database", PoolerComponentName "pooler");
 * - pkg/management/url/url.go (PostgresMetricsPort 9187, PgBouncerMetricsPort 9127).
 */

/** The operator version these facts were read from. */
export const CNPG_FACTS_VERSION = "1.30.0";

/** Labels of an instance pod of Cluster `cluster` (pods.go `buildInstance`), the version label aside. */
export function cnpgInstancePodLabels(cluster: string, podName = `${cluster}-1`): Record<string, string> {
  return {
    "cnpg.io/cluster": cluster,
    "cnpg.io/instanceName": podName,
    "cnpg.io/podRole": "instance",
    "app.kubernetes.io/name": "postgresql",
    "app.kubernetes.io/instance": cluster,
    "app.kubernetes.io/component": "database",
    "app.kubernetes.io/managed-by": "cloudnative-pg",
  };
}

/**
 * Labels of a PgBouncer pod of Pooler `pooler` for Cluster `cluster`
 * (pgbouncer/deployments.go: `WithLabel` over the Pooler's own template labels).
 * Note `cnpg.io/cluster`: a selector on that label alone also selects the poolers.
 */
export function cnpgPoolerPodLabels(pooler: string, cluster: string): Record<string, string> {
  return {
    "cnpg.io/poolerName": pooler,
    "cnpg.io/cluster": cluster,
    "cnpg.io/podRole": "pooler",
    "app.kubernetes.io/name": "postgresql",
    "app.kubernetes.io/instance": cluster,
    "app.kubernetes.io/component": "pooler",
    "app.kubernetes.io/managed-by": "cloudnative-pg",
  };
}

/** Labels CloudNativePG sets on the PVCs of an instance, every reconcile (metadata.go `newLabelReconciler`). */
export const CNPG_PVC_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/managed-by": "cloudnative-pg",
  "app.kubernetes.io/name": "postgresql",
  "app.kubernetes.io/component": "database",
};

/**
 * Label keys CloudNativePG owns on the pods, PVCs, Services and Jobs it creates:
 * `Cluster.spec.inheritedMetadata.labels` must hold none of them (pods.go, jobs.go,
 * services.go and the PVC reconciler set every one; `app.kubernetes.io/version`
 * carries the PostgreSQL major version). Besides these, every `cnpg.io/*` key and `role`.
 */
export const CNPG_OWNED_LABEL_KEYS: readonly string[] = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/version",
  "app.kubernetes.io/component",
  "app.kubernetes.io/managed-by",
  "role",
];

/** Whether CloudNativePG owns label `key` on the objects it creates. */
export function isCnpgOwnedLabel(key: string): boolean {
  return CNPG_OWNED_LABEL_KEYS.includes(key) || key.startsWith("cnpg.io/");
}

/** Container ports of the pods the operator creates, by name (pods.go, pgbouncer/deployments.go, url.go). */
export const CNPG_POD_PORTS = {
  instance: { container: "postgres", ports: { postgresql: 5432, metrics: 9187, status: 8000 } },
  pooler: { container: "pgbouncer", ports: { pgbouncer: 5432, metrics: 9127 } },
} as const;

/**
 * The containers of an instance pod and where their resources come from: CloudNativePG
 * 1.30.0 gives the postgres container and the bootstrap-controller init container
 * `Cluster.spec.resources` (pods.go `createClusterPodSpec`, containers.go
 * `createBootstrapContainer`); the Barman Cloud plugin v0.13.0 injects its sidecar
 * "plugin-barman-cloud" with `ObjectStore.spec.instanceSidecarConfiguration.resources`
 * (github.com/cloudnative-pg/plugin-barman-cloud v0.13.0 internal/cnpgi/operator/lifecycle.go).
 * For Guaranteed QoS every one of them needs requests = limits.
 */
export const CNPG_INSTANCE_POD_CONTAINERS: readonly { readonly name: string; readonly from: "Cluster" | "ObjectStore" }[] = [
  { name: "bootstrap-controller", from: "Cluster" },
  { name: "plugin-barman-cloud", from: "ObjectStore" },
  { name: "postgres", from: "Cluster" },
];
