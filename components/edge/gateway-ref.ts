/**
 * The contract between the edge and everything it routes to: what a component
 * needs to attach a route to the platform's gateway and to admit the gateway's
 * data-plane pods in its NetworkPolicy. Built by `EdgeGateway` (stacks that own
 * the cluster) or by `gatewayRefFor` (stacks that attach to a cluster's gateway).
 */
import type * as k8s from "@pulumi/kubernetes";
import { ENVOY_GATEWAY_NAMESPACE, envoyDataPlaneLabels } from "./versions";
import type { ParentReference } from "./types";

/** Which of the gateway's listeners a route attaches to. */
export type ListenerKind = "public" | "internal";

/** One listener of a Gateway (or ListenerSet) that routes attach to, with the host names it serves. */
export interface GatewayListenerRef {
  /** The parent a route names (a Gateway listener, or a ListenerSet's listener for attached stacks). */
  readonly parentRef: ParentReference;
  /** Host names this listener serves: `*.<domain>` suffix match, so every route host must end in `.<domain>`. */
  readonly domain: string;
}

/** What a component needs to attach routes to a Gateway and let the Gateway's Envoy pods reach its pods: from {@link EdgeGateway.ref}, {@link EdgeListeners.ref} or {@link gatewayRefFor}. */
export interface GatewayRef {
  /** The Gateway whose Envoy fleet carries the traffic. */
  readonly gateway: { readonly name: string; readonly namespace: string };
  /** The listener for internet traffic, and (when declared) the one restricted to internal client addresses. */
  readonly listeners: { readonly public: GatewayListenerRef; readonly internal?: GatewayListenerRef };
  /** The Envoy data-plane pods (Envoy Gateway v1.9.1, ControllerNamespace deploy mode): whom a NetworkPolicy admits. */
  readonly dataPlane: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

/** Where a Gateway created by another program (or stack) is: its name, namespace and domains, for {@link gatewayRefFor}. */
export interface GatewayRefArgs {
  /** Name of the Gateway. */
  readonly name: string;
  /** Namespace of the Gateway. */
  readonly namespace: string;
  /** Domain of its public listener; route hosts must end in `.<publicDomain>`. */
  readonly publicDomain: string;
  /** Domain of its internal listener; omit when the Gateway has none. */
  readonly internalDomain?: string;
  /** Attach through this stack's own ListenerSet (previews) instead of the Gateway's listeners. */
  readonly listenerSet?: { readonly name: string; readonly namespace: string };
  /** Namespace of the Envoy Gateway controller (and so of the data plane). @default "envoy-gateway-system" */
  readonly controllerNamespace?: string;
}

/** Listener names on the platform's Gateway (and on a preview's ListenerSet). */
export const LISTENERS = { http: "http", public: "https", internal: "https-internal" } as const;

/** The GatewayRef of a platform gateway, from its name and domains. Pure. */
export function gatewayRefFor(a: GatewayRefArgs): GatewayRef {
  const gw = { name: a.name, namespace: a.namespace };
  const parent = (sectionName: string): ParentReference =>
    a.listenerSet
      ? { group: "gateway.networking.k8s.io", kind: "ListenerSet", name: a.listenerSet.name, namespace: a.listenerSet.namespace, sectionName }
      : { group: "gateway.networking.k8s.io", kind: "Gateway", name: a.name, namespace: a.namespace, sectionName };
  return {
    gateway: gw,
    listeners: {
      public: { parentRef: parent(LISTENERS.public), domain: a.publicDomain },
      ...(a.internalDomain ? { internal: { parentRef: parent(LISTENERS.internal), domain: a.internalDomain } } : {}),
    },
    dataPlane: { namespace: a.controllerNamespace ?? ENVOY_GATEWAY_NAMESPACE, podLabels: envoyDataPlaneLabels(gw) },
  };
}

/** The NetworkPolicy peer that is exactly the gateway's Envoy pods (never a whole namespace). */
export function gatewayPeer(ref: GatewayRef): k8s.types.input.networking.v1.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ref.dataPlane.namespace } },
    podSelector: { matchLabels: { ...ref.dataPlane.podLabels } },
  };
}

/** A NetworkPolicy ingress rule admitting the gateway's Envoy pods to `ports` (TCP). */
export function admitGateway(ref: GatewayRef, ports: readonly number[]): k8s.types.input.networking.v1.NetworkPolicyIngressRule {
  return { from: [gatewayPeer(ref)], ports: ports.map((port) => ({ protocol: "TCP", port })) };
}
