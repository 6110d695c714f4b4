/**
 * NetworkPolicies of a Redis deployment, on top of the namespace's default-deny
 * (ingress and egress): only the declared clients, Prometheus, the Sentinels and
 * the data pods themselves get in. Pure: returns the specs.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { RedisClient, ResolvedRedisArgs } from "./args";
import { dataSelector, EXPORTER_PORT, sentinelSelector } from "./spec";

type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Egress = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const byName = (ns: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
const dns: Egress = {
  to: [{ ...byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

function clientPeer(a: ResolvedRedisArgs, c: RedisClient): Peer {
  const pods = { podSelector: { matchLabels: { ...c.podLabels } } };
  return c.namespace && c.namespace !== a.namespace ? { ...byName(c.namespace), ...pods } : pods;
}

/** Data pods: clients, peers and Sentinels on the Redis port; Prometheus on the exporter's. Out: peers, Sentinels, DNS. */
export function dataPolicy(a: ResolvedRedisArgs): Spec {
  const data = { podSelector: { matchLabels: dataSelector(a) } };
  const sentinels = a.sentinel ? [{ podSelector: { matchLabels: sentinelSelector(a) } }] : [];
  const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [];
  if (a.clients.length > 0) ingress.push({ from: a.clients.map((c) => clientPeer(a, c)), ports: tcp(a.port) });
  ingress.push({ from: [byName(a.monitoringNamespace)], ports: tcp(EXPORTER_PORT) });
  const egress: Egress[] = [dns];
  if (a.mode === "sentinel") {
    // Replication between the data pods; Sentinels monitor and reconfigure them; start.sh asks the Sentinels and the peers.
    ingress.push({ from: [data, ...sentinels], ports: tcp(a.port) });
    egress.push({ to: [data], ports: tcp(a.port) }, { to: sentinels, ports: tcp(a.sentinelPort) });
  }
  return { podSelector: { matchLabels: dataSelector(a) }, policyTypes: ["Ingress", "Egress"], ingress, egress };
}

/** Sentinels: clients, peers and data pods (start.sh) on the Sentinel port; Prometheus on the exporter's. Out: data pods, peers, DNS. */
export function sentinelPolicy(a: ResolvedRedisArgs): Spec {
  const data = { podSelector: { matchLabels: dataSelector(a) } };
  const sentinels = { podSelector: { matchLabels: sentinelSelector(a) } };
  const from = [...a.clients.map((c) => clientPeer(a, c)), sentinels, data];
  return {
    podSelector: { matchLabels: sentinelSelector(a) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      { from, ports: tcp(a.sentinelPort) },
      { from: [byName(a.monitoringNamespace)], ports: tcp(EXPORTER_PORT) },
    ],
    egress: [dns, { to: [data], ports: tcp(a.port) }, { to: [sentinels], ports: tcp(a.sentinelPort) }],
  };
}
