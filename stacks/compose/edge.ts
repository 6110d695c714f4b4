/**
 * The stack's edge, from `edge.*` and `ingress.*` config: Envoy Gateway and the
 * environment's Gateway on stacks that own their cluster, a ListenerSet on the
 * cluster's Gateway for previews, or nothing of its own in Ingress mode.
 */
import type * as pulumi from "@pulumi/pulumi";
import { EdgeGateway, EdgeListeners, ENVOY_GATEWAY_VERSION, EnvoyGatewayInstall, LISTENERS, ServiceRoutes, type ClientAddressArgs, type GatewayRef } from "@readiness/platform";
import type { IngressArgs } from "@readiness/platform";
import type { StackConfig } from "../config";
import type { MonitoringParts, PlatformContext } from "./context";

export interface EdgeInstallParts {
  /** Envoy Gateway's CRDs and controller, when this stack installs them. */
  readonly ready: pulumi.Resource[];
  /** What cert-manager needs to solve ACME through the gateway (cluster-services). */
  readonly certManager?: {
    readonly http01ParentRef: { readonly name: string; readonly namespace: string; readonly sectionName: string };
    readonly dns01?: { readonly route53: { readonly region: string; readonly hostedZoneId: string; readonly roleArn?: string } };
    readonly ready: pulumi.Resource[];
  };
}

export interface EdgeParts {
  /** Gateway mode: what routes attach to. */
  readonly gateway?: GatewayRef;
  /** Ingress mode: how a workload's Ingress is written. */
  readonly ingress?: (host: string) => IngressArgs;
  /** Routes wait for these. */
  readonly ready: pulumi.Resource[];
  /** Host name of an app on the public listener. */
  readonly publicHost: (app: string) => string;
  /** Host name of an admin surface (internal listener in gateway mode). */
  readonly internalHost: (app: string) => string;
}

/** Public and internal apps of the platform; with HTTP-01 their certificates name exactly these hosts. */
export const PUBLIC_APPS = ["api", "app", "auth"] as const;
export const INTERNAL_APPS = ["grafana", "auth-admin"] as const;

/** The Gateway's namespace: this stack's own, or the cluster's (previews). */
function gatewayNamespace(cfg: StackConfig): string {
  return cfg.settings.edge.gateway.namespace ?? cfg.namespace;
}

const internalDomain = (cfg: StackConfig) => cfg.settings.edge.internal.domain ?? `internal.${cfg.settings.domain}`;

/** Envoy Gateway on stacks that own their cluster and use the gateway. */
export function composeEdgeInstall(ctx: PlatformContext): EdgeInstallParts {
  const { cfg } = ctx;
  const e = cfg.settings.edge;
  if (e.mode !== "gateway" || !cfg.settings.clusterServices) return { ready: [] };
  const install = new EnvoyGatewayInstall("envoy-gateway", {}, { parent: ctx.parent });
  ctx.topology.nodes.push({ id: "envoy-gateway", label: `Envoy Gateway ${ENVOY_GATEWAY_VERSION}` });
  return {
    ready: [...install.ready],
    certManager: {
      http01ParentRef: { name: e.gateway.name, namespace: gatewayNamespace(cfg), sectionName: LISTENERS.http },
      ...(e.acme.solver === "dns01" && e.acme.route53 ? { dns01: { route53: e.acme.route53 } } : {}),
      ready: [install.crds],
    },
  };
}

function clientAddress(cfg: StackConfig): ClientAddressArgs {
  const c = cfg.settings.edge.clientAddress;
  return c.source === "x-forwarded-for" ? { source: c.source, trustedHops: c.trustedHops! } : { source: c.source };
}

/** The stack's gateway (or its attachment to the cluster's), after cert-manager and the monitoring CRDs. */
export function composeEdge(ctx: PlatformContext, install: EdgeInstallParts, clusterReady: pulumi.Resource[], monitoring: MonitoringParts): EdgeParts {
  const { cfg } = ctx;
  const s = cfg.settings;
  const e = s.edge;
  const publicHost = (app: string) => `${app}.${s.domain}`;
  if (e.mode === "ingress") {
    const from = e.ingressFrom!;
    return {
      ready: [],
      publicHost,
      internalHost: publicHost,
      ingress: (host) => ({ host, className: s.ingress.className ?? "", clusterIssuer: s.ingress.clusterIssuer, tls: s.ingress.tls, from }),
    };
  }
  const internalHost = (app: string) => `${app}.${internalDomain(cfg)}`;
  const opts = { parent: ctx.parent, dependsOn: [ctx.namespace.namespace] };
  if (s.clusterServices) {
    const edge = new EdgeGateway(
      "edge",
      {
        namespace: cfg.namespace,
        instance: cfg.stack,
        name: e.gateway.name,
        publicDomain: s.domain,
        internalDomain: internalDomain(cfg),
        hosts: { public: PUBLIC_APPS.map(publicHost), internal: INTERNAL_APPS.map(internalHost) },
        tls: { clusterIssuer: s.ingress.clusterIssuer, wildcard: e.acme.solver === "dns01" },
        clientAddress: clientAddress(cfg),
        ...(e.internal.clientCidrs ? { internalClientCidrs: e.internal.clientCidrs } : {}),
        envoy: { replicas: e.envoyReplicas, loadBalancer: e.loadBalancer },
        monitoringNamespace: monitoring.monitoringNamespace,
        crdsReady: [...install.ready, ...clusterReady],
        monitoringCrdsReady: monitoring.crdsReady,
      },
      opts,
    );
    ctx.topology.nodes.push({ id: "edge", label: `Gateway ${e.gateway.name} (Envoy Gateway, ${e.envoyReplicas}x)` });
    ctx.topology.edges.push({ from: "edge", to: "namespace", label: "HTTPRoutes, rate limits" });
    return { gateway: edge.ref, ready: [...install.ready, ...edge.ready], publicHost, internalHost };
  }
  const listeners = new EdgeListeners(
    "edge",
    {
      namespace: cfg.namespace,
      instance: cfg.stack,
      gateway: { name: e.gateway.name, namespace: gatewayNamespace(cfg) },
      domain: s.domain,
      hosts: PUBLIC_APPS.map(publicHost),
      clusterIssuer: s.ingress.clusterIssuer,
    },
    opts,
  );
  ctx.topology.nodes.push({ id: "edge", label: `ListenerSet on the cluster's Gateway ${gatewayNamespace(cfg)}/${e.gateway.name}` });
  ctx.topology.edges.push({ from: "edge", to: "namespace", label: "HTTPRoutes, rate limits" });
  return { gateway: listeners.ref, ready: [...listeners.ready], publicHost, internalHost: publicHost };
}

/** Host name of an admin surface: on the internal listener's domain in gateway mode (clusterServices stacks). */
export function adminHost(cfg: StackConfig, app: string): string {
  return cfg.settings.edge.mode === "gateway" && cfg.settings.clusterServices ? `${app}.${internalDomain(cfg)}` : `${app}.${cfg.settings.domain}`;
}

/**
 * kube-prometheus-stack's Grafana Service: `<release>-grafana`, port 80 (the grafana chart's
 * `grafana.fullname` for release "kube-prometheus-stack"; service.port 80 → container 3000).
 */
export const GRAFANA_SERVICE = { name: "kube-prometheus-stack-grafana", port: 80 } as const;

/** Admin surfaces on the internal listener: never routed publicly. */
export function routeAdminSurfaces(ctx: PlatformContext, edge: EdgeParts, monitoring: MonitoringParts): void {
  if (!edge.gateway?.listeners.internal || monitoring.urls.grafana === undefined) return;
  new ServiceRoutes(
    "grafana",
    {
      gateway: edge.gateway,
      // The route lives with the gateway; a ReferenceGrant in the monitoring namespace lets it reach Grafana.
      namespace: edge.gateway.gateway.namespace,
      service: { ...GRAFANA_SERVICE, namespace: monitoring.monitoringNamespace },
      host: edge.internalHost("grafana"),
      listener: "internal",
      // Grafana's live features use a WebSocket (/api/live/ws); the listener admits internal clients only, unlimited.
      websocket: true,
      paths: [{ prefix: "/", rateLimit: false }],
      labels: { "app.kubernetes.io/part-of": "platform", "app.kubernetes.io/managed-by": "pulumi" },
      dependsOn: [...edge.ready, ...(monitoring.ready ?? [])],
    },
    { parent: ctx.parent, dependsOn: [ctx.namespace.namespace] },
  );
  ctx.topology.edges.push({ from: "edge", to: "grafana", label: "internal listener" });
}
