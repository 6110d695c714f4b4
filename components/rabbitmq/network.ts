/**
 * NetworkPolicy of the RabbitMQ nodes, on top of the namespace's default-deny
 * (ingress and egress). In: the declared apps (AMQP), Prometheus (metrics), the
 * operators (management API), the other nodes (epmd, distribution). Out: the
 * other nodes, DNS, and the Kubernetes API (peer discovery). Pure.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedApp, ResolvedRabbitMqArgs } from "./args";
import { OPERATOR_FACTS } from "./facts";
import { amqpPort } from "./spec";

type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Egress = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const byName = (ns: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
const anywhere = [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }];
const dns: Egress = {
  to: [{ ...byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

function appPeer(a: ResolvedRabbitMqArgs, app: ResolvedApp): Peer {
  const pods = { podSelector: { matchLabels: { ...app.podLabels } } };
  return app.namespace !== a.namespace ? { ...byName(app.namespace), ...pods } : pods;
}

/** Ports of the broker's pods by purpose (TLS or not). */
export function brokerPorts(a: ResolvedRabbitMqArgs) {
  const p = OPERATOR_FACTS.ports;
  return {
    amqp: amqpPort(a).port,
    management: (a.tls ? p.managementTls : p.management).port,
    metrics: (a.tls ? p.prometheusTls : p.prometheus).port,
    interNode: [p.epmd.port, p.clusterRpc.port],
  };
}

export function brokerPolicy(a: ResolvedRabbitMqArgs): Spec {
  const ports = brokerPorts(a);
  const nodes = { podSelector: { matchLabels: OPERATOR_FACTS.podSelector(a.name) } };
  const operators = [OPERATOR_FACTS.clusterOperatorPods, OPERATOR_FACTS.topologyOperatorPods].map((o) => ({
    ...byName(a.operatorsNamespace),
    podSelector: { matchLabels: { ...o.labels } },
  }));
  const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [];
  if (a.apps.length > 0) ingress.push({ from: a.apps.map((app) => appPeer(a, app)), ports: tcp(ports.amqp) });
  ingress.push(
    { from: [byName(a.monitoringNamespace)], ports: tcp(ports.metrics) },
    { from: operators, ports: tcp(ports.management) },
    { from: [nodes], ports: tcp(...ports.interNode) },
  );
  return {
    podSelector: { matchLabels: OPERATOR_FACTS.podSelector(a.name) },
    policyTypes: ["Ingress", "Egress"],
    ingress,
    egress: [dns, { to: [nodes], ports: tcp(...ports.interNode) }, { to: anywhere, ports: tcp(443, 6443) }],
  };
}
