import type * as k8s from "@pulumi/kubernetes";
import { gatewayPeer } from "../edge/gateway-ref";
import type { ResolvedWorkloadArgs } from "./args";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

const byName = (ns: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });

/**
 * Ingress: the edge (the gateway's Envoy pods, or the Ingress controller) and declared
 * callers on the HTTP port, Prometheus on the metrics port. Egress: DNS, and the
 * declared dependencies. The namespace's default-deny policy blocks everything else.
 */
export function networkPolicySpec(a: ResolvedWorkloadArgs, selector: Record<string, string>, metricsPort: number): NetworkPolicySpec {
  const httpPort = [{ protocol: "TCP", port: a.port }];
  const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [];
  if (a.route) ingress.push({ from: [gatewayPeer(a.route.gateway)], ports: httpPort });
  if (a.ingress) {
    const f = a.ingress.from;
    const peers = "cidrs" in f ? f.cidrs.map((cidr) => ({ ipBlock: { cidr } })) : [{ ...byName(f.namespace), ...(f.podLabels ? { podSelector: { matchLabels: { ...f.podLabels } } } : {}) }];
    ingress.push({ from: peers, ports: httpPort });
  }
  for (const c of a.callers ?? []) {
    const peer = c.namespace
      ? { ...byName(c.namespace), ...(c.podLabels ? { podSelector: { matchLabels: { ...c.podLabels } } } : {}) }
      : { podSelector: { matchLabels: { ...(c.podLabels ?? {}) } } };
    ingress.push({ from: [peer], ports: httpPort });
  }
  if (a.metrics) ingress.push({ from: [byName(a.monitoringNamespace)], ports: [{ protocol: "TCP", port: metricsPort }] });

  const egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = [
    {
      to: [{ ...byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ],
    },
  ];
  for (const d of a.dependencies ?? []) {
    const peer = d.namespace
      ? { ...byName(d.namespace), ...(d.podLabels ? { podSelector: { matchLabels: { ...d.podLabels } } } : {}) }
      : { podSelector: { matchLabels: { ...(d.podLabels ?? {}) } } };
    egress.push({ to: [peer], ports: d.ports.map((port) => ({ protocol: "TCP", port })) });
  }
  if (a.egressHttps) {
    egress.push({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: [{ protocol: "TCP", port: 443 }] });
  }
  return { podSelector: { matchLabels: selector }, policyTypes: ["Ingress", "Egress"], ingress, egress };
}
