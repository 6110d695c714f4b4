/**
 * NetworkPolicies of Keycloak, on top of the namespace's default-deny. Pure.
 *
 * Server pods — in: the gateway's Envoy pods and the app tier (8443), the realm Job (8443),
 * Prometheus (management 9000), peers (JGroups 7800/57800); out: PostgreSQL (5432), peers, DNS.
 * Realm Job pods — out: the server (8443) and DNS.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedKeycloakArgs } from "./args";
import { KEYCLOAK_FACTS, operatorLabels } from "./facts";
import { realmJobPodLabels } from "./spec";

type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const ns = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const DNS = {
  to: [{ namespaceSelector: ns("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

export function serverPolicy(a: ResolvedKeycloakArgs): Spec {
  const self = { podSelector: { matchLabels: operatorLabels(a.name) } };
  const p = KEYCLOAK_FACTS.ports;
  const j = KEYCLOAK_FACTS.jgroups;
  return {
    podSelector: { matchLabels: operatorLabels(a.name) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      { from: [{ namespaceSelector: ns(a.ingressFrom.gateway.namespace), podSelector: { matchLabels: { ...a.ingressFrom.gateway.podLabels } } }], ports: tcp(p.https.port) },
      ...(a.ingressFrom.apps.length > 0 ? [{ from: a.ingressFrom.apps.map((l) => ({ podSelector: { matchLabels: { ...l } } })), ports: tcp(p.https.port) }] : []),
      { from: [{ podSelector: { matchLabels: realmJobPodLabels(a) } }], ports: tcp(p.https.port) },
      { from: [{ namespaceSelector: ns(a.monitoringNamespace) }], ports: tcp(p.management.port) },
      { from: [self], ports: tcp(j.data, j.failureDetection) },
    ],
    egress: [{ to: [{ podSelector: { matchLabels: { ...a.database.podLabels } } }], ports: tcp(a.database.port) }, { to: [self], ports: tcp(j.data, j.failureDetection) }, DNS],
  };
}

export function realmJobPolicy(a: ResolvedKeycloakArgs): Spec {
  return {
    podSelector: { matchLabels: realmJobPodLabels(a) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [],
    egress: [{ to: [{ podSelector: { matchLabels: operatorLabels(a.name) } }], ports: tcp(KEYCLOAK_FACTS.ports.https.port) }, DNS],
  };
}
