/**
 * Args of the platform's gateway, resolved and validated once (pure).
 */
import { invalidArg } from "../lib/errors";
import { ENVOY_GATEWAY_NAMESPACE } from "./versions";

/**
 * Where the client address comes from:
 * - `proxy-protocol`: the load balancer prepends a PROXY header (AWS NLB with the
 *   AWS Load Balancer Controller); Envoy refuses connections without it.
 * - `x-forwarded-for`: an L7 load balancer in front appends the client to X-Forwarded-For;
 *   trust exactly `trustedHops` addresses from the right.
 * - `direct`: clients connect to Envoy themselves (kind, bare metal).
 */
export type ClientAddressArgs =
  | { readonly source: "direct" }
  | { readonly source: "proxy-protocol" }
  | { readonly source: "x-forwarded-for"; readonly trustedHops: number };

/** TLS of the edge: the cert-manager issuer and the certificates of the Gateway's HTTPS listeners. */
export interface EdgeTlsArgs {
  /** cert-manager ClusterIssuer that signs the listeners' certificates. */
  readonly clusterIssuer: string;
  /**
   * One wildcard certificate per listener domain instead of one naming every host. Needs an
   * issuer that solves DNS-01 (HTTP-01 cannot prove a wildcard).
   * @default false
   */
  readonly wildcard?: boolean;
}

/** The Envoy proxies Envoy Gateway runs for the Gateway: replicas and resources. */
export interface EnvoyFleetArgs {
  /** Envoy replicas; 2 or more keeps the edge up through a node drain (a PDB is added). @default 2 */
  readonly replicas?: number;
  /** CPU and memory of each Envoy container (EnvoyProxy `spec.provider.kubernetes.envoyDeployment.container.resources`). @default { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } } */
  readonly resources?: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu?: string; readonly memory: string } };
  /** How the Envoy Service is exposed. `aws-nlb`: an internet-facing NLB through the AWS Load Balancer Controller. @default "cluster-default" */
  readonly loadBalancer?: "aws-nlb" | "cluster-default";
}

/** Args of {@link EdgeGateway}: the stack's Gateway API Gateway on Envoy Gateway, its listeners, TLS and client policies. */
export interface EdgeGatewayArgs {
  /** Namespace of the Gateway, its certificates and policies (the stack's namespace). */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance). */
  readonly instance: string;
  /** Gateway name. @default "edge" */
  readonly name?: string;
  /** Public host names are `<name>.<publicDomain>`. */
  readonly publicDomain: string;
  /** Host names on the internal listener are `<name>.<internalDomain>`; omit for no internal listener. */
  readonly internalDomain?: string;
  /** Every host name each listener serves (their certificates name them; HTTP-01 proves each). */
  readonly hosts: { readonly public: readonly string[]; readonly internal?: readonly string[] };
  /** The cert-manager issuer of the listeners' certificates, and whether they are wildcards. */
  readonly tls: EdgeTlsArgs;
  /**
   * Where Envoy takes the client address from (Envoy Gateway ClientTrafficPolicy); rate limits and the internal listener
   * use it.
   */
  readonly clientAddress: ClientAddressArgs;
  /** Client addresses the internal listener accepts. @default private IPv4 ranges and IPv6 ULA */
  readonly internalClientCidrs?: readonly string[];
  /** Replicas, resources and load balancer of the Envoy fleet. @default {} - see EnvoyFleetArgs */
  readonly envoy?: EnvoyFleetArgs;
  /** Namespaces (by label) that may attach ListenerSets (previews). @default { "app.kubernetes.io/part-of": "platform" } */
  readonly attachableNamespaces?: Readonly<Record<string, string>>;
  /** Envoy Gateway controller namespace (where the data plane runs). @default "envoy-gateway-system" */
  readonly controllerNamespace?: string;
  /** Namespace Prometheus runs in. @default "monitoring" */
  readonly monitoringNamespace?: string;
}

/** {@link EdgeGatewayArgs} with every default applied, as {@link resolveEdgeGatewayArgs} returns them. */
export interface ResolvedEdgeGatewayArgs {
  /** Namespace of the Gateway, as given. */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance), as given. */
  readonly instance: string;
  /** Gateway name (default "edge"). */
  readonly name: string;
  /** Domain of the public listener, as given. */
  readonly publicDomain: string;
  /** Domain of the internal listener; undefined means no internal listener. */
  readonly internalDomain?: string;
  /** Host names per listener, deduplicated and sorted (`internal` default none). */
  readonly hosts: { readonly public: readonly string[]; readonly internal: readonly string[] };
  /** Issuer and `wildcard` (default false) of the listeners' certificates. */
  readonly tls: Required<EdgeTlsArgs>;
  /** Where the client address comes from, as given. */
  readonly clientAddress: ClientAddressArgs;
  /** Client addresses the internal listener accepts (default PRIVATE_CIDRS). */
  readonly internalClientCidrs: readonly string[];
  /**
   * The Envoy fleet: replicas (default 2), resources (default requests 100m/128Mi, memory limit 512Mi), load balancer
   * (default "cluster-default").
   */
  readonly envoy: Required<EnvoyFleetArgs>;
  /** Labels of the namespaces that may attach ListenerSets (default app.kubernetes.io/part-of=platform). */
  readonly attachableNamespaces: Readonly<Record<string, string>>;
  /** Envoy Gateway controller namespace (default "envoy-gateway-system"). */
  readonly controllerNamespace: string;
  /** Namespace Prometheus runs in (default "monitoring"). */
  readonly monitoringNamespace: string;
}

export const PRIVATE_CIDRS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"] as const;

const C = "EdgeGateway";
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;
const CIDR = /^(([0-9]{1,3}\.){3}[0-9]{1,3}\/([0-9]|[12][0-9]|3[0-2])|[0-9a-f:]+::?[0-9a-f:]*\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))$/i;

/** A host under a listener domain: exactly one label more, or any depth (listener hostnames are suffix matches). */
export function underDomain(host: string, domain: string): boolean {
  return host.endsWith(`.${domain}`) && DOMAIN.test(host);
}

/** Resolves defaults and validates; throws an error that says what to change. */
export function resolveEdgeGatewayArgs(a: EdgeGatewayArgs): ResolvedEdgeGatewayArgs {
  const name = a.name ?? "edge";
  if (!LABEL.test(name)) invalidArg(C, "name", name, "must be a DNS-1123 label");
  if (!LABEL.test(a.namespace)) invalidArg(C, "namespace", a.namespace, "must be a DNS-1123 label");
  if (!DOMAIN.test(a.publicDomain)) invalidArg(C, "publicDomain", a.publicDomain, "must be a lower-case DNS name");
  if (a.internalDomain !== undefined) {
    if (!DOMAIN.test(a.internalDomain)) invalidArg(C, "internalDomain", a.internalDomain, "must be a lower-case DNS name");
    if (a.internalDomain === a.publicDomain) invalidArg(C, "internalDomain", a.internalDomain, "must differ from publicDomain (the listeners are told apart by host name)");
  }
  const internal = a.hosts.internal ?? [];
  if (internal.length > 0 && a.internalDomain === undefined) invalidArg(C, "hosts.internal", internal, "need internalDomain");
  for (const h of a.hosts.public) {
    if (!underDomain(h, a.publicDomain)) invalidArg(C, "hosts.public", h, `must end in .${a.publicDomain}`);
    if (a.internalDomain && underDomain(h, a.internalDomain)) invalidArg(C, "hosts.public", h, `lies under the internal domain ${a.internalDomain}; list it in hosts.internal`);
  }
  for (const h of internal) if (!underDomain(h, a.internalDomain!)) invalidArg(C, "hosts.internal", h, `must end in .${a.internalDomain}`);
  if (a.hosts.public.length === 0 && !a.tls.wildcard) invalidArg(C, "hosts.public", [], "must name at least one host (or use tls.wildcard)");
  if (!a.tls.clusterIssuer) invalidArg(C, "tls.clusterIssuer", a.tls.clusterIssuer, "must be set");
  if (a.clientAddress.source === "x-forwarded-for") {
    const n = a.clientAddress.trustedHops;
    if (!Number.isInteger(n) || n < 1 || n > 5) invalidArg(C, "clientAddress.trustedHops", n, "must be an integer between 1 and 5 (the number of proxies in front of Envoy)");
  }
  const cidrs = a.internalClientCidrs ?? PRIVATE_CIDRS;
  if (cidrs.length === 0) invalidArg(C, "internalClientCidrs", cidrs, "must list at least one CIDR (or drop the internal listener)");
  for (const c of cidrs) if (!CIDR.test(c)) invalidArg(C, "internalClientCidrs", c, "must be a CIDR such as 10.0.0.0/8");
  const replicas = a.envoy?.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 50) invalidArg(C, "envoy.replicas", replicas, "must be an integer between 1 and 50");
  const loadBalancer = a.envoy?.loadBalancer ?? "cluster-default";
  if (a.clientAddress.source === "proxy-protocol" && loadBalancer !== "aws-nlb") {
    invalidArg(C, "clientAddress.source", "proxy-protocol", `needs a load balancer that sends the PROXY header (envoy.loadBalancer "aws-nlb"), got envoy.loadBalancer "${loadBalancer}"`);
  }
  return {
    namespace: a.namespace,
    instance: a.instance,
    name,
    publicDomain: a.publicDomain,
    ...(a.internalDomain ? { internalDomain: a.internalDomain } : {}),
    hosts: { public: [...new Set(a.hosts.public)].sort(), internal: [...new Set(internal)].sort() },
    tls: { clusterIssuer: a.tls.clusterIssuer, wildcard: a.tls.wildcard ?? false },
    clientAddress: a.clientAddress,
    internalClientCidrs: cidrs,
    envoy: {
      replicas,
      resources: a.envoy?.resources ?? { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
      loadBalancer,
    },
    attachableNamespaces: a.attachableNamespaces ?? { "app.kubernetes.io/part-of": "platform" },
    controllerNamespace: a.controllerNamespace ?? ENVOY_GATEWAY_NAMESPACE,
    monitoringNamespace: a.monitoringNamespace ?? "monitoring",
  };
}
