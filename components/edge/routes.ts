/**
 * Routes from the gateway to any backend Service: an HTTPRoute per group of
 * paths (rate-limited or not) or a GRPCRoute, each with an Envoy Gateway
 * BackendTrafficPolicy carrying its per-client-address rate limit, timeouts
 * and WebSocket settings. `Workload` uses it; so can any component with a Service.
 *
 *   new ServiceRoutes("grafana", { gateway: edge.ref, namespace: "monitoring",
 *     service: { name: "grafana", port: 80 }, host: "grafana.internal.example.com", listener: "internal" });
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { applyTransform as apply, type Transform } from "../lib/transform";
import { resolveRouteArgs, type ResolvedRouteArgs, type RouteArgs } from "./route-args";
import type { BackendTrafficPolicySpec, GRPCRouteSpec, HTTPRouteSpec, Resource } from "./types";

export const GATEWAY_API = "gateway.networking.k8s.io/v1";
export const ENVOY_GATEWAY_API = "gateway.envoyproxy.io/v1alpha1";

export interface PlannedRoute {
  readonly route: Resource<"HTTPRoute", HTTPRouteSpec> | Resource<"GRPCRoute", GRPCRouteSpec>;
  readonly policy: Resource<"BackendTrafficPolicy", BackendTrafficPolicySpec>;
}

/** A ReferenceGrant in the backend's namespace letting the route's namespace reach its Service (only when they differ). */
export function referenceGrant(name: string, a: ResolvedRouteArgs): Resource<"ReferenceGrant", Record<string, unknown>> | undefined {
  if (a.service.namespace === a.namespace) return undefined;
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "ReferenceGrant",
    metadata: { name: `${a.namespace}-${name}`.slice(0, 63).replace(/-+$/, ""), namespace: a.service.namespace, labels: { ...a.labels } },
    spec: { from: [{ group: "gateway.networking.k8s.io", kind: a.grpc ? "GRPCRoute" : "HTTPRoute", namespace: a.namespace }], to: [{ group: "", kind: "Service", name: a.service.name }] },
  };
}

const seconds = (s: number) => `${s}s`;

/** Every client address (IPv4 and IPv6) gets its own bucket. */
export function perClientRateLimit(perMinute: number): NonNullable<BackendTrafficPolicySpec["rateLimit"]> {
  return {
    local: {
      rules: ["0.0.0.0/0", "::/0"].map((value) => ({ clientSelectors: [{ sourceCIDR: { type: "Distinct" as const, value } }], limit: { requests: perMinute, unit: "Minute" as const } })),
    },
  };
}

/** The routes and policies for resolved args. Pure. */
export function planRoutes(name: string, a: ResolvedRouteArgs): PlannedRoute[] {
  const parentRefs = [a.gateway.listeners[a.listener]!.parentRef];
  const backendRefs = [{ name: a.service.name, port: a.service.port, ...(a.service.namespace !== a.namespace ? { namespace: a.service.namespace } : {}) }];
  const meta = (n: string) => ({ name: n, namespace: a.namespace, labels: { ...a.labels } });
  const policy = (routeName: string, kind: "HTTPRoute" | "GRPCRoute", limited: boolean): PlannedRoute["policy"] => ({
    apiVersion: ENVOY_GATEWAY_API,
    kind: "BackendTrafficPolicy",
    metadata: meta(routeName),
    spec: {
      targetRefs: [{ group: "gateway.networking.k8s.io", kind, name: routeName }],
      ...(limited ? { rateLimit: perClientRateLimit(a.rateLimitPerMinute) } : {}),
      timeout: { http: { connectionIdleTimeout: seconds(a.idleSeconds), streamIdleTimeout: seconds(a.websocket ? a.websocket.idleTimeoutSeconds : a.idleSeconds) } },
      ...(a.websocket ? { httpUpgrade: [{ type: "websocket" }] } : {}),
    },
  });
  if (a.grpc) {
    return [
      {
        route: { apiVersion: GATEWAY_API, kind: "GRPCRoute", metadata: meta(name), spec: { parentRefs, hostnames: [a.host], rules: [{ backendRefs }] } },
        policy: policy(name, "GRPCRoute", true),
      },
    ];
  }
  const groups = [true, false].map((limited) => a.paths.filter((p) => p.rateLimit === limited)).filter((g) => g.length > 0);
  return groups.map((paths) => {
    const limited = paths[0]!.rateLimit;
    const routeName = groups.length > 1 && !limited ? `${name}-unlimited` : name;
    return {
      route: {
        apiVersion: GATEWAY_API,
        kind: "HTTPRoute",
        metadata: meta(routeName),
        spec: {
          parentRefs,
          hostnames: [a.host],
          rules: [{ matches: paths.map((p) => ({ path: { type: "PathPrefix", value: p.prefix } })), backendRefs, timeouts: { request: seconds(a.requestSeconds) } }],
        },
      },
      policy: policy(routeName, "HTTPRoute", limited),
    };
  });
}

/** Args of {@link ServiceRoutes}: a {@link RouteArgs} plus what the routes wait for and the escape hatches per child. */
export interface ServiceRoutesArgs extends RouteArgs {
  /** What the routes wait for (the backend Service; the gateway's CRDs when this stack installs them). */
  readonly dependsOn?: readonly pulumi.Resource[];
  /** Escape hatches: `route` for each HTTPRoute/GRPCRoute, `policy` for each BackendTrafficPolicy. */
  readonly transform?: {
    readonly route?: Transform<k8s.apiextensions.CustomResourceArgs>;
    readonly policy?: Transform<k8s.apiextensions.CustomResourceArgs>;
  };
}

/** HTTPRoute(s) or a GRPCRoute to one Service, each with its BackendTrafficPolicy. */
export class ServiceRoutes extends pulumi.ComponentResource {
  /** The resolved args the routes were built from. */
  public readonly args: ResolvedRouteArgs;
  /** The HTTPRoute(s) (one per group of rate-limited or unlimited paths) or the GRPCRoute. */
  public readonly routes: k8s.apiextensions.CustomResource[] = [];
  /** One Envoy Gateway BackendTrafficPolicy per route: rate limit, timeouts, WebSocket upgrade. */
  public readonly policies: k8s.apiextensions.CustomResource[] = [];
  /** `https://<host>`. */
  public readonly url: string;

  constructor(name: string, args: ServiceRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:edge:ServiceRoutes", name, {}, opts);
    const a = resolveRouteArgs(name, args);
    this.args = a;
    const grant = referenceGrant(name, a);
    const grantRes = grant
      ? new k8s.apiextensions.CustomResource(`${name}-referencegrant`, grant as unknown as k8s.apiextensions.CustomResourceArgs, { parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...(args.dependsOn ?? [])) })
      : undefined;
    for (const p of planRoutes(name, a)) {
      const suffix = p.route.metadata.name === name ? "" : p.route.metadata.name.slice(name.length);
      const route = new k8s.apiextensions.CustomResource(`${name}${suffix}-${p.route.kind.toLowerCase()}`, apply(args.transform?.route, p.route as unknown as k8s.apiextensions.CustomResourceArgs), {
        parent: this,
        dependsOn: childDependsOn(opts?.dependsOn, grantRes, ...(args.dependsOn ?? [])),
      });
      this.routes.push(route);
      this.policies.push(
        new k8s.apiextensions.CustomResource(`${name}${suffix}-backendtrafficpolicy`, apply(args.transform?.policy, p.policy as unknown as k8s.apiextensions.CustomResourceArgs), {
          parent: this,
          dependsOn: childDependsOn(opts?.dependsOn, route, ...(args.dependsOn ?? [])),
        }),
      );
    }
    this.url = `https://${a.host}`;
    this.registerOutputs({ url: this.url });
  }
}
