/**
 * NetworkPolicies of a PostgreSQL cluster, on top of the namespace's default-deny
 * (ingress and egress). Pure: returns the specs.
 */
import type * as k8s from "@pulumi/kubernetes";
import { OBJECT_STORE_PORT, type ResolvedPostgresClusterArgs } from "./args";
import { poolerSelector } from "./spec";
import { grantsPodLabels, splitDatabases } from "./tenancy";

type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Ingress = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
type Egress = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

/** Instance manager's status port (operator → instances, instance ↔ instance). */
export const STATUS_PORT = 8000;
export const POSTGRES_PORT = 5432;
/** Metrics of the instances (exporter and Barman Cloud plugin). */
export const INSTANCE_METRICS_PORT = 9187;
/** Metrics of the PgBouncer pods. */
export const POOLER_METRICS_PORT = 9127;

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const byName = (ns: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
const anywhere = [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }];

/**
 * Every pod of the covered clusters (instances, and the initdb/recovery/join jobs),
 * but not the PgBouncer pods: CloudNativePG 1.30.0 labels those `cnpg.io/cluster` too
 * (cnpg-facts.ts), with `cnpg.io/podRole: pooler`; they get poolerPolicy only.
 */
export function clusterPods(a: ResolvedPostgresClusterArgs) {
  return {
    matchExpressions: [
      { key: "cnpg.io/cluster", operator: "In", values: [...a.coveredClusters] },
      { key: "cnpg.io/podRole", operator: "NotIn", values: ["pooler"] },
    ],
  };
}

/** The in-cluster store's pod labels. */
export function storeSelector(a: ResolvedPostgresClusterArgs): Record<string, string> {
  return { "app.kubernetes.io/name": a.storeName, "app.kubernetes.io/instance": a.instance };
}

const dns: Egress = {
  to: [{ ...byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/** The Kubernetes API: its Service (443) and the endpoints behind it (6443 on most distributions). */
const apiServer: Egress = { to: anywhere, ports: tcp(443, 6443) };

/** Instances and jobs: operator, peers, pooler, Prometheus in; peers, API, DNS, object store out. */
export function instancesPolicy(a: ResolvedPostgresClusterArgs): Spec {
  const self = { podSelector: clusterPods(a) };
  const ingress: Ingress[] = [
    { from: [byName(a.operatorNamespace)], ports: tcp(STATUS_PORT, POSTGRES_PORT) },
    { from: [self], ports: tcp(POSTGRES_PORT, STATUS_PORT) },
    { from: [{ podSelector: { matchLabels: poolerSelector(a.pooler.name) } }], ports: tcp(POSTGRES_PORT) },
    { from: [byName(a.monitoringNamespace)], ports: tcp(INSTANCE_METRICS_PORT) },
  ];
  // Straight to the primary, bypassing PgBouncer: the grants Job and the apps' migrations (as the owner).
  const direct = [...(splitDatabases(a).length > 0 ? [grantsPodLabels(a)] : []), ...a.directClients];
  if (direct.length > 0) ingress.push({ from: direct.map((l) => ({ podSelector: { matchLabels: { ...l } } })), ports: tcp(POSTGRES_PORT) });
  const store: Egress =
    a.objectStore.kind === "in-cluster"
      ? { to: [{ podSelector: { matchLabels: storeSelector(a) } }], ports: tcp(OBJECT_STORE_PORT) }
      : { to: anywhere, ports: tcp(443) };
  const egress: Egress[] = [dns, { to: [self], ports: tcp(POSTGRES_PORT, STATUS_PORT) }, apiServer, store];
  return { podSelector: clusterPods(a), policyTypes: ["Ingress", "Egress"], ingress, egress };
}

/** PgBouncer: apps in the namespace and Prometheus in; the primary, API and DNS out. */
export function poolerPolicy(a: ResolvedPostgresClusterArgs): Spec {
  return {
    podSelector: { matchLabels: poolerSelector(a.pooler.name) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      { from: [{ podSelector: {} }], ports: tcp(POSTGRES_PORT) },
      { from: [byName(a.monitoringNamespace)], ports: tcp(POOLER_METRICS_PORT) },
    ],
    egress: [dns, { to: [{ podSelector: clusterPods(a) }], ports: tcp(POSTGRES_PORT) }, apiServer],
  };
}

/** The grants Job: nothing in; the instances (5432) and DNS out. */
export function grantsPolicy(a: ResolvedPostgresClusterArgs): Spec {
  return {
    podSelector: { matchLabels: grantsPodLabels(a) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [],
    egress: [dns, { to: [{ podSelector: clusterPods(a) }], ports: tcp(POSTGRES_PORT) }],
  };
}

/** In-cluster object store: only the clusters' pods may reach it; it calls nobody. */
export function storePolicy(a: ResolvedPostgresClusterArgs): Spec {
  return {
    podSelector: { matchLabels: storeSelector(a) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from: [{ podSelector: clusterPods(a) }], ports: tcp(OBJECT_STORE_PORT) }],
    egress: [],
  };
}
