/**
 * A small evaluator of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1),
 * so tests can ask of a rendered stack "may A reach B on port P?" the way the
 * API defines it: a pod selected by any policy of a direction is isolated for
 * it, and then only traffic some rule allows gets through; a connection needs
 * the source's egress and the destination's ingress.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PortSpec {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: PortSpec[];
}

export interface NetworkPolicy {
  metadata: { name: string; namespace: string };
  spec: { podSelector: LabelSelector; policyTypes?: ("Ingress" | "Egress")[]; ingress?: Rule[]; egress?: Rule[] };
}

/** A pod (or an endpoint outside the cluster, `external: true`). */
export interface Endpoint {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  /** Named container ports, for policies that name a port. */
  readonly ports?: Record<string, number>;
  readonly external?: boolean;
}

export function matches(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === "In" && !inValues) return false;
    if (e.operator === "NotIn" && inValues) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

const nsLabels = (ns: string): Record<string, string> => ({ "kubernetes.io/metadata.name": ns });

/** Whether `peer` (from a policy in `policyNs`) covers endpoint `e`. ipBlocks cover only endpoints outside the cluster here. */
function peerMatches(peer: Peer, policyNs: string, e: Endpoint): boolean {
  if (peer.ipBlock) return e.external === true && (peer.ipBlock.cidr === "0.0.0.0/0" || peer.ipBlock.cidr === "::/0");
  if (e.external) return false;
  if (peer.namespaceSelector) {
    if (!matches(peer.namespaceSelector, nsLabels(e.namespace!))) return false;
    return peer.podSelector ? matches(peer.podSelector, e.labels ?? {}) : true;
  }
  return e.namespace === policyNs && matches(peer.podSelector, e.labels ?? {});
}

function portMatches(ports: PortSpec[] | undefined, port: number, protocol: string, dst: Endpoint): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    const n = typeof p.port === "number" ? p.port : dst.ports?.[p.port];
    if (n === undefined) return false;
    return p.endPort ? port >= n && port <= p.endPort : port === n;
  });
}

function allowedIn(policies: NetworkPolicy[], dir: "Ingress" | "Egress", self: Endpoint, other: Endpoint, port: number, protocol: string, dst: Endpoint): boolean {
  if (self.external) return true; // nothing outside the cluster is policed here
  const selecting = policies.filter(
    (p) => p.metadata.namespace === self.namespace && matches(p.spec.podSelector, self.labels ?? {}) && (p.spec.policyTypes ?? ["Ingress"]).includes(dir),
  );
  if (selecting.length === 0) return true; // not isolated in this direction
  return selecting.some((p) =>
    (dir === "Ingress" ? p.spec.ingress : p.spec.egress)?.some((rule) => {
      const peers = dir === "Ingress" ? rule.from : rule.to;
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, p.metadata.namespace, other));
      return peerOk && portMatches(rule.ports, port, protocol, dst);
    }),
  );
}

/** May `src` open a connection to `dst` on `port`? */
export function allowed(policies: NetworkPolicy[], src: Endpoint, dst: Endpoint, port: number, protocol = "TCP"): boolean {
  return allowedIn(policies, "Egress", src, dst, port, protocol, dst) && allowedIn(policies, "Ingress", dst, src, port, protocol, dst);
}
