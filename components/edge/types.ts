/**
 * TypeScript shapes of the Gateway API (v1.6.1, standard channel) and Envoy
 * Gateway (v1.9.1, gateway.envoyproxy.io/v1alpha1) fields this library writes,
 * read from their Go API packages (sigs.k8s.io/gateway-api/apis/v1,
 * github.com/envoyproxy/gateway/api/v1alpha1). Written here because no
 * well-kept typed package covers both at these versions
 * (@kubernetes-models/gateway-api 2.0.0 predates the v1 ListenerSet, and
 * nothing types Envoy Gateway's policies). Only fields the library sets are
 * declared; the CRD schemas themselves are checked by egctl's loader in test/edge.
 */

/** A Gateway API duration (GEP-2257), e.g. "30s", "1h", "0s" = disabled. */
export type Duration = string;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Gateway API `parentRef`: the Gateway or ListenerSet (and its listener) a route attaches to. */
export interface ParentReference {
  /** API group of the parent (Gateway API `parentRefs[].group`). */
  readonly group?: "gateway.networking.k8s.io";
  /** Kind of the parent (`parentRefs[].kind`); Gateway API's default is "Gateway". */
  readonly kind?: "Gateway" | "ListenerSet";
  /** Name of the Gateway or ListenerSet (`parentRefs[].name`). */
  readonly name: string;
  /** Namespace of the parent (`parentRefs[].namespace`); the route's own when omitted. */
  readonly namespace?: string;
  /** Listener name within the parent (`parentRefs[].sectionName`); every listener when omitted. */
  readonly sectionName?: string;
}

export interface LocalPolicyTargetReference {
  readonly group: "gateway.networking.k8s.io";
  readonly kind: "Gateway" | "HTTPRoute" | "GRPCRoute" | "ListenerSet";
  readonly name: string;
  readonly sectionName?: string;
}

export interface RouteNamespaces {
  readonly from: "All" | "Same" | "Selector" | "None";
  readonly selector?: { readonly matchLabels: Readonly<Record<string, string>> };
}

export interface GatewayTlsConfig {
  readonly mode?: "Terminate";
  readonly certificateRefs: readonly { readonly kind?: "Secret"; readonly group?: ""; readonly name: string; readonly namespace?: string }[];
}

export interface Listener {
  readonly name: string;
  readonly hostname?: string;
  readonly port: number;
  readonly protocol: "HTTP" | "HTTPS";
  readonly tls?: GatewayTlsConfig;
  readonly allowedRoutes?: { readonly namespaces?: RouteNamespaces; readonly kinds?: readonly { readonly group?: string; readonly kind: string }[] };
}

export interface GatewaySpec {
  readonly gatewayClassName: string;
  readonly listeners: readonly Listener[];
  /** Which namespaces may attach ListenerSets (standard since Gateway API v1.5). */
  readonly allowedListeners?: { readonly namespaces: RouteNamespaces };
  readonly infrastructure?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
}

export interface ListenerSetSpec {
  readonly parentRef: { readonly group?: "gateway.networking.k8s.io"; readonly kind?: "Gateway"; readonly name: string; readonly namespace?: string };
  readonly listeners: readonly Listener[];
}

export interface GatewayClassSpec {
  readonly controllerName: string;
  readonly parametersRef?: { readonly group: "gateway.envoyproxy.io"; readonly kind: "EnvoyProxy"; readonly name: string; readonly namespace: string };
  readonly description?: string;
}

export interface HTTPPathMatch {
  readonly type: "PathPrefix" | "Exact";
  readonly value: string;
}

export interface BackendRef {
  readonly group?: "";
  readonly kind?: "Service";
  readonly name: string;
  readonly namespace?: string;
  readonly port: number;
  readonly weight?: number;
}

export interface HTTPRouteFilter {
  readonly type: "RequestRedirect";
  readonly requestRedirect: { readonly scheme: "https"; readonly statusCode: 301 | 302 };
}

export interface HTTPRouteRule {
  readonly name?: string;
  readonly matches?: readonly { readonly path: HTTPPathMatch }[];
  readonly filters?: readonly HTTPRouteFilter[];
  readonly backendRefs?: readonly BackendRef[];
  /** `request`: the whole exchange; `backendRequest`: one try against a backend. */
  readonly timeouts?: { readonly request?: Duration; readonly backendRequest?: Duration };
}

export interface HTTPRouteSpec {
  readonly parentRefs: readonly ParentReference[];
  readonly hostnames?: readonly string[];
  readonly rules: readonly HTTPRouteRule[];
}

export interface GRPCRouteSpec {
  readonly parentRefs: readonly ParentReference[];
  readonly hostnames?: readonly string[];
  readonly rules: readonly { readonly name?: string; readonly backendRefs: readonly BackendRef[] }[];
}

// ---- Envoy Gateway (gateway.envoyproxy.io/v1alpha1) ----

export interface RateLimitRule {
  readonly clientSelectors?: readonly {
    /** `Distinct`: each address in the CIDR gets its own bucket. */
    readonly sourceCIDR?: { readonly type: "Distinct" | "Exact"; readonly value: string };
  }[];
  readonly limit: { readonly requests: number; readonly unit: "Second" | "Minute" | "Hour" | "Day" };
}

export interface BackendTrafficPolicySpec {
  readonly targetRefs: readonly LocalPolicyTargetReference[];
  /** `local`: enforced by each Envoy replica on its own (no shared store). */
  readonly rateLimit?: { readonly local: { readonly rules: readonly RateLimitRule[] } };
  readonly timeout?: { readonly http?: { readonly requestTimeout?: Duration; readonly connectionIdleTimeout?: Duration; readonly streamIdleTimeout?: Duration } };
  readonly httpUpgrade?: readonly { readonly type: string }[];
}

export interface ClientTrafficPolicySpec {
  readonly targetRefs: readonly LocalPolicyTargetReference[];
  /** Expect the PROXY protocol header from the load balancer (required unless `optional`). */
  readonly proxyProtocol?: { readonly optional?: boolean };
  readonly clientIPDetection?: { readonly xForwardedFor?: { readonly numTrustedHops?: number; readonly trustedCIDRs?: readonly string[] } };
  readonly timeout?: { readonly http?: { readonly requestHeadersReceivedTimeout?: Duration; readonly idleTimeout?: Duration } };
  readonly headers?: { readonly enableEnvoyHeaders?: boolean };
}

export interface SecurityPolicySpec {
  readonly targetRefs: readonly LocalPolicyTargetReference[];
  readonly authorization: {
    readonly defaultAction: "Allow" | "Deny";
    readonly rules: readonly { readonly name?: string; readonly action: "Allow" | "Deny"; readonly principal: { readonly clientCIDRs: readonly string[] } }[];
  };
}

export interface EnvoyProxySpec {
  readonly provider: {
    readonly type: "Kubernetes";
    readonly kubernetes: {
      readonly envoyDeployment?: {
        readonly replicas?: number;
        readonly pod?: {
          readonly labels?: Readonly<Record<string, string>>;
          readonly securityContext?: Record<string, unknown>;
          readonly topologySpreadConstraints?: readonly Record<string, unknown>[];
        };
        readonly container?: { readonly resources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> } };
      };
      readonly envoyService?: { readonly type?: "LoadBalancer" | "ClusterIP" | "NodePort"; readonly annotations?: Readonly<Record<string, string>>; readonly externalTrafficPolicy?: "Local" | "Cluster" };
      readonly envoyPDB?: { readonly minAvailable?: number; readonly maxUnavailable?: number };
    };
  };
  readonly telemetry?: { readonly metrics?: { readonly prometheus?: { readonly disable?: boolean } } };
}

/** A typed custom resource as the library writes it. */
export interface Resource<K extends string, S> {
  readonly apiVersion: string;
  readonly kind: K;
  readonly metadata: ObjectMeta;
  readonly spec: S;
}
