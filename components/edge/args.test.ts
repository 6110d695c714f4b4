import { describe, expect, it } from "vitest";
import { resolveEdgeGatewayArgs, type EdgeGatewayArgs } from "./args";
import { gatewayRefFor } from "./gateway-ref";
import { clientTrafficPolicy, envoyProxy, gateway, internalOnly, solverNetworkPolicySpec, certificateSpec, edgeRef } from "./gateway-spec";
import { resolveRouteArgs, type RouteArgs } from "./route-args";
import { planRoutes, referenceGrant } from "./routes";
import { envoyGatewayReleases } from "./install";

const base: EdgeGatewayArgs = {
  namespace: "platform-prod",
  instance: "prod",
  publicDomain: "example.com",
  internalDomain: "internal.example.com",
  hosts: { public: ["api.example.com", "app.example.com"], internal: ["grafana.internal.example.com"] },
  tls: { clusterIssuer: "letsencrypt-prod" },
  clientAddress: { source: "proxy-protocol" },
  envoy: { loadBalancer: "aws-nlb", replicas: 3 },
};

describe("EdgeGateway args", () => {
  const cases: [string, Partial<EdgeGatewayArgs>, RegExp][] = [
    ["a host outside the public domain", { hosts: { public: ["api.example.org"] } }, /hosts\.public must end in \.example\.com, got "api\.example\.org"/],
    ["an internal host listed as public", { hosts: { public: ["grafana.internal.example.com"] } }, /lies under the internal domain internal\.example\.com/],
    ["internal hosts without an internal domain", { internalDomain: undefined }, /hosts\.internal need internalDomain/],
    ["proxy protocol without a load balancer that sends it", { envoy: { loadBalancer: "cluster-default" } }, /clientAddress\.source needs a load balancer that sends the PROXY header/],
    ["zero trusted hops", { clientAddress: { source: "x-forwarded-for", trustedHops: 0 } }, /clientAddress\.trustedHops must be an integer between 1 and 5 .*got 0/],
    ["a bad internal CIDR", { internalClientCidrs: ["10.0.0.0/33"] }, /internalClientCidrs must be a CIDR/],
    ["same public and internal domain", { internalDomain: "example.com" }, /internalDomain must differ from publicDomain/],
  ];
  for (const [what, change, expected] of cases) it(`rejects ${what}`, () => expect(() => resolveEdgeGatewayArgs({ ...base, ...change })).toThrow(expected));

  it("defaults: gateway 'edge', 2 Envoy replicas, private client ranges on the internal listener", () => {
    const a = resolveEdgeGatewayArgs({ ...base, envoy: { loadBalancer: "aws-nlb" } });
    expect(a.name).toBe("edge");
    expect(a.envoy.replicas).toBe(2);
    expect(a.internalClientCidrs).toEqual(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]);
  });
});

describe("the gateway's objects", () => {
  const a = resolveEdgeGatewayArgs(base);
  const ref = edgeRef(a);

  it("one Gateway: HTTP for redirects and ACME, a public and an internal HTTPS listener with cert-manager secrets", () => {
    const gw = gateway(a, {});
    expect(gw.spec.gatewayClassName).toBe("platform-prod-edge");
    expect(gw.spec.listeners.map((l) => [l.name, l.port, l.protocol, l.hostname, l.tls?.certificateRefs[0]?.name])).toEqual([
      ["http", 80, "HTTP", undefined, undefined],
      ["https", 443, "HTTPS", "*.example.com", "edge-public-tls"],
      ["https-internal", 443, "HTTPS", "*.internal.example.com", "edge-internal-tls"],
    ]);
    expect(gw.spec.allowedListeners).toEqual({ namespaces: { from: "Selector", selector: { matchLabels: { "app.kubernetes.io/part-of": "platform" } } } });
  });

  it("certificates name every host (HTTP-01), or one wildcard per domain (DNS-01)", () => {
    expect(certificateSpec(a.hosts.public, a.publicDomain, false, "s", "letsencrypt-prod")).toMatchObject({ dnsNames: ["api.example.com", "app.example.com"], secretName: "s", issuerRef: { kind: "ClusterIssuer", name: "letsencrypt-prod" } });
    expect(certificateSpec(a.hosts.public, a.publicDomain, true, "s", "x").dnsNames).toEqual(["*.example.com"]);
  });

  it("the Envoy fleet: replicas, PDB, spread, resources, and the NLB that sends the PROXY header", () => {
    const p = envoyProxy(a, ref.dataPlane.podLabels as Record<string, string>).spec.provider.kubernetes;
    expect(p.envoyDeployment?.replicas).toBe(3);
    expect(p.envoyPDB).toEqual({ maxUnavailable: 1 });
    expect(p.envoyDeployment?.pod?.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(p.envoyService?.annotations?.["service.beta.kubernetes.io/aws-load-balancer-proxy-protocol"]).toBe("*");
    expect(clientTrafficPolicy(a, {}).spec.proxyProtocol).toEqual({});
    const one = resolveEdgeGatewayArgs({ ...base, envoy: { loadBalancer: "aws-nlb", replicas: 1 } });
    expect(envoyProxy(one, {}).spec.provider.kubernetes.envoyPDB).toBeUndefined();
  });

  it("client address from trusted X-Forwarded-For hops, or the peer itself", () => {
    const xff = resolveEdgeGatewayArgs({ ...base, clientAddress: { source: "x-forwarded-for", trustedHops: 2 }, envoy: {} });
    expect(clientTrafficPolicy(xff, {}).spec).toMatchObject({ clientIPDetection: { xForwardedFor: { numTrustedHops: 2 } } });
    expect(clientTrafficPolicy(xff, {}).spec.proxyProtocol).toBeUndefined();
    const direct = resolveEdgeGatewayArgs({ ...base, clientAddress: { source: "direct" }, envoy: {} });
    expect(clientTrafficPolicy(direct, {}).spec.clientIPDetection).toBeUndefined();
  });

  it("the internal listener denies every client outside the internal ranges", () => {
    const sp = internalOnly(a, {}).spec;
    expect(sp.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", sectionName: "https-internal" }]);
    expect(sp.authorization.defaultAction).toBe("Deny");
  });

  it("admits exactly the Envoy pods of this Gateway to cert-manager's solvers on 8089", () => {
    const np = solverNetworkPolicySpec(ref);
    expect(np.podSelector).toEqual({ matchLabels: { "acme.cert-manager.io/http01-solver": "true" } });
    expect(np.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } }, podSelector: { matchLabels: ref.dataPlane.podLabels } }],
        ports: [{ protocol: "TCP", port: 8089 }],
      },
    ]);
  });

  it("installs the standard-channel CRDs from gateway-crds-helm and the controller without its experimental bundle", () => {
    const r = envoyGatewayReleases();
    expect(r.crds).toMatchObject({ chart: "oci://docker.io/envoyproxy/gateway-crds-helm", version: "v1.9.1", values: { crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } } } });
    expect(r.crds.repositoryOpts).toBeUndefined();
    expect(r.controller).toMatchObject({ chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.9.1", values: { crds: { enabled: false } } });
    expect(() => envoyGatewayReleases({ charts: { controller: { chart: "gateway-helm", version: "latest", repo: "oci://x", appVersion: "" } } })).toThrow(/charts\.controller\.version must be a pinned/);
  });
});

describe("routes to any Service", () => {
  const gw = gatewayRefFor({ name: "edge", namespace: "platform-prod", publicDomain: "example.com", internalDomain: "internal.example.com" });
  const route: RouteArgs = { gateway: gw, namespace: "platform-prod", service: { name: "shop", port: 80 }, host: "shop.example.com" };

  it("lives in the listener's namespace; a backend elsewhere gets a ReferenceGrant there", () => {
    expect(() => resolveRouteArgs("shop", { ...route, namespace: "shop" })).toThrow(/namespace must be platform-prod, the namespace of the listener/);
    const a = resolveRouteArgs("shop", { ...route, service: { name: "shop", port: 80, namespace: "shop" } });
    expect(planRoutes("shop", a)[0]!.route.spec.rules[0]!.backendRefs).toEqual([{ name: "shop", port: 80, namespace: "shop" }]);
    expect(referenceGrant("shop", a)).toMatchObject({
      kind: "ReferenceGrant",
      metadata: { namespace: "shop" },
      spec: { from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "platform-prod" }], to: [{ group: "", kind: "Service", name: "shop" }] },
    });
    expect(referenceGrant("shop", resolveRouteArgs("shop", route))).toBeUndefined();
  });

  it("one rate-limited HTTPRoute by default, 100 req/min per client address (IPv4 and IPv6), 30 s request timeout", () => {
    const [p, ...rest] = planRoutes("shop", resolveRouteArgs("shop", route));
    expect(rest).toEqual([]);
    expect(p!.route.spec.rules).toEqual([{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "shop", port: 80 }], timeouts: { request: "30s" } }]);
    expect(p!.policy.spec.rateLimit?.local.rules.map((r) => [r.clientSelectors![0]!.sourceCIDR, r.limit])).toEqual([
      [{ type: "Distinct", value: "0.0.0.0/0" }, { requests: 100, unit: "Minute" }],
      [{ type: "Distinct", value: "::/0" }, { requests: 100, unit: "Minute" }],
    ]);
  });

  it("splits limited and unlimited paths into their own routes (the limit is per route)", () => {
    const plan = planRoutes("web", resolveRouteArgs("web", { ...route, paths: [{ prefix: "/api" }, { prefix: "/", rateLimit: false }], rateLimitPerMinute: 600 }));
    expect(plan.map((p) => [p.route.metadata.name, p.policy.spec.targetRefs[0]!.name, p.policy.spec.rateLimit?.local.rules[0]!.limit.requests])).toEqual([
      ["web", "web", 600],
      ["web-unlimited", "web-unlimited", undefined],
    ]);
  });

  it("websocket: upgrade allowed, no request deadline, a long stream idle timeout", () => {
    const [p] = planRoutes("chat", resolveRouteArgs("chat", { ...route, websocket: { idleTimeoutSeconds: 7200 } }));
    expect(p!.policy.spec.httpUpgrade).toEqual([{ type: "websocket" }]);
    expect(p!.policy.spec.timeout?.http?.streamIdleTimeout).toBe("7200s");
    expect((p!.route.spec.rules[0] as { timeouts?: unknown }).timeouts).toEqual({ request: "0s" });
    expect(() => resolveRouteArgs("chat", { ...route, websocket: true, timeouts: { requestSeconds: 30 } })).toThrow(/must be 0 on a websocket route/);
  });

  it("gRPC: a GRPCRoute with its policy", () => {
    const [p] = planRoutes("rpc", resolveRouteArgs("rpc", { ...route, grpc: true }));
    expect(p!.route.kind).toBe("GRPCRoute");
    expect(p!.policy.spec.targetRefs[0]).toMatchObject({ kind: "GRPCRoute", name: "rpc" });
  });

  it("attaches to the internal listener when asked, and checks the host against its domain", () => {
    const [p] = planRoutes("grafana", resolveRouteArgs("grafana", { ...route, host: "grafana.internal.example.com", listener: "internal" }));
    expect(p!.route.spec.parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "platform-prod", sectionName: "https-internal" }]);
    expect(() => resolveRouteArgs("grafana", { ...route, host: "grafana.example.com", listener: "internal" })).toThrow(/must end in \.internal\.example\.com/);
    expect(() => resolveRouteArgs("x", { ...route, paths: [{ prefix: "api" }] })).toThrow(/paths\.prefix must be an absolute path/);
  });

  it("attaches a preview's routes to its ListenerSet", () => {
    const ref = gatewayRefFor({ name: "edge", namespace: "platform-dev", publicDomain: "pr-1.preview.example.com", listenerSet: { name: "edge", namespace: "platform-pr-1" } });
    expect(() => resolveRouteArgs("web", { gateway: ref, namespace: "platform-pr-1", service: { name: "web", port: 80 }, host: "app.pr-1.preview.example.com" })).not.toThrow();
    expect(ref.listeners.public.parentRef).toEqual({ group: "gateway.networking.k8s.io", kind: "ListenerSet", name: "edge", namespace: "platform-pr-1", sectionName: "https" });
    expect(ref.dataPlane.podLabels["gateway.envoyproxy.io/owning-gateway-namespace"]).toBe("platform-dev");
  });
});
