/**
 * The gateway's objects as plain data, from resolved args: pure, so tests
 * check them (and egctl translates them) without mocks.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedEdgeGatewayArgs } from "./args";
import { admitGateway, gatewayRefFor, LISTENERS, type GatewayRef } from "./gateway-ref";
import { ENVOY_GATEWAY_API, GATEWAY_API } from "./routes";
import type { ClientTrafficPolicySpec, EnvoyProxySpec, GatewayClassSpec, GatewaySpec, HTTPRouteSpec, Listener, ListenerSetSpec, Resource, SecurityPolicySpec } from "./types";
import { ACME_HTTP01_SOLVER, ENVOY_GATEWAY_CONTROLLER } from "./versions";

/** The GatewayClass (cluster-scoped) and its EnvoyProxy, named after the gateway's namespace so stacks never collide. */
export const gatewayClassName = (a: ResolvedEdgeGatewayArgs) => `${a.namespace}-${a.name}`;

export function edgeRef(a: ResolvedEdgeGatewayArgs): GatewayRef {
  return gatewayRefFor({ name: a.name, namespace: a.namespace, publicDomain: a.publicDomain, internalDomain: a.internalDomain, controllerNamespace: a.controllerNamespace });
}

export const TLS_SECRETS = { public: "edge-public-tls", internal: "edge-internal-tls" } as const;

export function gatewayClass(a: ResolvedEdgeGatewayArgs): Resource<"GatewayClass", GatewayClassSpec> {
  return {
    apiVersion: GATEWAY_API,
    kind: "GatewayClass",
    metadata: { name: gatewayClassName(a) },
    spec: {
      controllerName: ENVOY_GATEWAY_CONTROLLER,
      parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: gatewayClassName(a), namespace: a.controllerNamespace },
      description: `The platform's edge for ${a.namespace} (Envoy Gateway)`,
    },
  };
}

/** AWS Load Balancer Controller annotations: an internet-facing NLB to the Envoy pods' IPs, sending the PROXY header. */
export function awsNlbAnnotations(proxyProtocol: boolean): Record<string, string> {
  return {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
    ...(proxyProtocol ? { "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol": "*" } : {}),
  };
}

export function envoyProxy(a: ResolvedEdgeGatewayArgs, selector: Record<string, string>): Resource<"EnvoyProxy", EnvoyProxySpec> {
  const r = a.envoy.resources;
  const spread = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } });
  return {
    apiVersion: ENVOY_GATEWAY_API,
    kind: "EnvoyProxy",
    metadata: { name: gatewayClassName(a), namespace: a.controllerNamespace },
    spec: {
      provider: {
        type: "Kubernetes",
        kubernetes: {
          envoyDeployment: {
            replicas: a.envoy.replicas,
            pod: {
              // Envoy Gateway already hardens the containers (drop ALL, no privilege escalation, non-root);
              // the pod-level settings complete what Pod Security "restricted" asks for.
              securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
              topologySpreadConstraints: [spread("kubernetes.io/hostname"), spread("topology.kubernetes.io/zone")],
            },
            container: { resources: { requests: { ...r.requests }, limits: { ...r.limits } as Record<string, string> } },
          },
          envoyService:
            a.envoy.loadBalancer === "aws-nlb"
              ? { type: "LoadBalancer", externalTrafficPolicy: "Cluster", annotations: awsNlbAnnotations(a.clientAddress.source === "proxy-protocol") }
              : { type: "LoadBalancer" },
          ...(a.envoy.replicas > 1 ? { envoyPDB: { maxUnavailable: 1 } } : {}),
        },
      },
      telemetry: { metrics: { prometheus: { disable: false } } },
    },
  };
}

export function listeners(a: { publicDomain: string; internalDomain?: string }, withHttp: boolean): Listener[] {
  const https = (name: string, domain: string, secret: string): Listener => ({
    name,
    hostname: `*.${domain}`,
    port: 443,
    protocol: "HTTPS",
    tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: secret }] },
    // Only routes of the gateway's own namespace (a route to a Service elsewhere uses a ReferenceGrant there).
    allowedRoutes: { namespaces: { from: "Same" } },
  });
  return [
    // Plain HTTP serves only the redirect to HTTPS and cert-manager's HTTP-01 challenge routes, which
    // cert-manager creates in the namespace of each Certificate (previews' namespaces too): any
    // namespace's HTTPRoute may attach here, and gets plain HTTP only (no certificate, no TLS listener).
    ...(withHttp ? [{ name: LISTENERS.http, port: 80, protocol: "HTTP" as const, allowedRoutes: { namespaces: { from: "All" as const }, kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }] } }] : []),
    https(LISTENERS.public, a.publicDomain, TLS_SECRETS.public),
    ...(a.internalDomain ? [https(LISTENERS.internal, a.internalDomain, TLS_SECRETS.internal)] : []),
  ];
}

export function gateway(a: ResolvedEdgeGatewayArgs, labels: Record<string, string>): Resource<"Gateway", GatewaySpec> {
  return {
    apiVersion: GATEWAY_API,
    kind: "Gateway",
    metadata: { name: a.name, namespace: a.namespace, labels },
    spec: {
      gatewayClassName: gatewayClassName(a),
      listeners: listeners(a, true),
      // Preview stacks bring their listeners (host names and certificates) in a ListenerSet of their own namespace.
      allowedListeners: { namespaces: { from: "Selector", selector: { matchLabels: { ...a.attachableNamespaces } } } },
    },
  };
}

export function httpsRedirect(a: ResolvedEdgeGatewayArgs, labels: Record<string, string>): Resource<"HTTPRoute", HTTPRouteSpec> {
  return {
    apiVersion: GATEWAY_API,
    kind: "HTTPRoute",
    metadata: { name: `${a.name}-https-redirect`, namespace: a.namespace, labels },
    spec: {
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: a.name, namespace: a.namespace, sectionName: LISTENERS.http }],
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    },
  };
}

export function clientTrafficPolicy(a: ResolvedEdgeGatewayArgs, labels: Record<string, string>): Resource<"ClientTrafficPolicy", ClientTrafficPolicySpec> {
  const c = a.clientAddress;
  return {
    apiVersion: ENVOY_GATEWAY_API,
    kind: "ClientTrafficPolicy",
    metadata: { name: a.name, namespace: a.namespace, labels },
    spec: {
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: a.name }],
      ...(c.source === "proxy-protocol" ? { proxyProtocol: {} } : {}),
      ...(c.source === "x-forwarded-for" ? { clientIPDetection: { xForwardedFor: { numTrustedHops: c.trustedHops } } } : {}),
      // Headers within 10 s (a slow-loris guard); an idle keep-alive connection closes after an hour.
      timeout: { http: { requestHeadersReceivedTimeout: "10s", idleTimeout: "3600s" } },
      headers: { enableEnvoyHeaders: false },
    },
  };
}

export function internalOnly(a: ResolvedEdgeGatewayArgs, labels: Record<string, string>): Resource<"SecurityPolicy", SecurityPolicySpec> {
  return {
    apiVersion: ENVOY_GATEWAY_API,
    kind: "SecurityPolicy",
    metadata: { name: `${a.name}-internal`, namespace: a.namespace, labels },
    spec: {
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: a.name, sectionName: LISTENERS.internal }],
      authorization: { defaultAction: "Deny", rules: [{ name: "internal-clients", action: "Allow", principal: { clientCIDRs: [...a.internalClientCidrs] } }] },
    },
  };
}

/** cert-manager Certificate `spec` for one listener's host names. */
export function certificateSpec(hosts: readonly string[], domain: string, wildcard: boolean, secretName: string, clusterIssuer: string): Record<string, unknown> {
  return {
    secretName,
    dnsNames: wildcard ? [`*.${domain}`] : [...hosts],
    issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: clusterIssuer },
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    // Renew a third of the way before expiry (Let's Encrypt: 90 days, so ~30 days ahead).
    renewBefore: "720h",
  };
}

/** A ListenerSet that attaches a stack's own host names (and certificates) to a cluster's gateway. */
export function listenerSet(name: string, namespace: string, gw: { name: string; namespace: string }, publicDomain: string, labels: Record<string, string>): Resource<"ListenerSet", ListenerSetSpec> {
  return {
    apiVersion: GATEWAY_API,
    kind: "ListenerSet",
    metadata: { name, namespace, labels },
    spec: { parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: gw.name, namespace: gw.namespace }, listeners: listeners({ publicDomain }, false) },
  };
}

/** Admits exactly the gateway's Envoy pods to cert-manager's HTTP-01 solver pods (cert-manager v1.21.0), nothing else. */
export function solverNetworkPolicySpec(ref: GatewayRef): k8s.types.input.networking.v1.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: { ...ACME_HTTP01_SOLVER.labels } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [admitGateway(ref, [ACME_HTTP01_SOLVER.port])],
    egress: [],
  };
}
