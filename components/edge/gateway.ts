/**
 * The platform's edge on Gateway API: one Envoy Gateway `Gateway` per
 * environment with an HTTP listener (redirect + ACME HTTP-01), a public HTTPS
 * listener and an optional internal one (client addresses restricted), their
 * cert-manager certificates, the client-address and timeout policy, the Envoy
 * fleet's shape (restricted, resourced, spread, PDB), its metrics, and the
 * NetworkPolicy that lets the gateway, and only the gateway, reach
 * cert-manager's HTTP-01 solvers. `ref` is what routes and policies attach to.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { standardLabels } from "../lib/labels";
import { applyTransform as apply, type Transform } from "../lib/transform";
import { podMonitor } from "../monitoring/monitors";
import { resolveEdgeGatewayArgs, type EdgeGatewayArgs, type ResolvedEdgeGatewayArgs } from "./args";
import type { GatewayRef } from "./gateway-ref";
import { certificateSpec, clientTrafficPolicy, edgeRef, envoyProxy, gateway, gatewayClass, httpsRedirect, internalOnly, solverNetworkPolicySpec, TLS_SECRETS } from "./gateway-spec";
import { ENVOY_METRICS_PORT } from "./versions";

import type { CustomResourceArgs as CR } from "../lib/transform";

/** {@link EdgeGatewayArgs} plus what the component's children wait for and the escape hatches per child. */
export interface EdgeGatewayComponentArgs extends EdgeGatewayArgs {
  /** What the gateway's objects wait for: the Envoy Gateway CRDs/controller and cert-manager, when this stack installs them. */
  readonly crdsReady?: readonly pulumi.Resource[];
  /** What the PodMonitor waits for (the prometheus-operator CRDs). */
  readonly monitoringCrdsReady?: readonly pulumi.Resource[];
  /** Escape hatch per child, applied to its args just before it is created. */
  readonly transform?: {
    readonly gatewayClass?: Transform<CR>;
    readonly envoyProxy?: Transform<CR>;
    readonly gateway?: Transform<CR>;
    readonly redirect?: Transform<CR>;
    readonly clientTrafficPolicy?: Transform<CR>;
    readonly internalPolicy?: Transform<CR>;
    readonly certificate?: Transform<CR>;
    readonly solverNetworkPolicy?: Transform<k8s.networking.v1.NetworkPolicyArgs>;
    readonly podMonitor?: Transform<CR>;
  };
}

/** The stack's Gateway (Gateway API on Envoy Gateway): GatewayClass, EnvoyProxy, the Gateway and its HTTP-to-HTTPS redirect, client-traffic and internal-only policies, certificates, the ACME solver's NetworkPolicy and the Envoy PodMonitor. */
export class EdgeGateway extends pulumi.ComponentResource {
  /** The resolved args the component was built from. */
  public readonly args: ResolvedEdgeGatewayArgs;
  /** What a component needs to attach a route and admit the gateway's pods. */
  public readonly ref: GatewayRef;
  /** The Gateway API Gateway `<name>`, with its http, https and (with `internalDomain`) https-internal listeners. */
  public readonly gateway: k8s.apiextensions.CustomResource;
  /** The cert-manager Certificates of the public and (with `internalDomain`) internal listeners. */
  public readonly certificates: k8s.apiextensions.CustomResource[] = [];
  /** Routes and policies wait for these (the Gateway and what it needs). */
  public readonly ready: readonly pulumi.Resource[];

  constructor(name: string, args: EdgeGatewayComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:edge:Gateway", name, {}, opts);
    const a = resolveEdgeGatewayArgs(args);
    this.args = a;
    this.ref = edgeRef(a);
    const t = args.transform ?? {};
    const labels = standardLabels({ name: a.name, instance: a.instance, component: "edge" });
    const deps = [...(args.crdsReady ?? [])];
    const on = (...extra: pulumi.Resource[]) => childDependsOn(opts?.dependsOn, ...deps, ...extra);
    const cr = (resName: string, obj: unknown, tr: Transform<CR> | undefined, extra: pulumi.Resource[] = []) =>
      new k8s.apiextensions.CustomResource(resName, apply(tr, obj as CR), { parent: this, dependsOn: on(...extra) });

    const proxy = cr(`${name}-envoyproxy`, envoyProxy(a, { ...this.ref.dataPlane.podLabels }), t.envoyProxy);
    const cls = cr(`${name}-gatewayclass`, gatewayClass(a), t.gatewayClass, [proxy]);

    const certs: pulumi.Resource[] = [];
    const cert = (kind: "public" | "internal", hosts: readonly string[], domain: string) => {
      const c = cr(
        `${name}-certificate-${kind}`,
        { apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: `${a.name}-${kind}`, namespace: a.namespace, labels }, spec: certificateSpec(hosts, domain, a.tls.wildcard, TLS_SECRETS[kind], a.tls.clusterIssuer) },
        t.certificate,
      );
      this.certificates.push(c);
      certs.push(c);
    };
    cert("public", a.hosts.public, a.publicDomain);
    if (a.internalDomain) cert("internal", a.hosts.internal, a.internalDomain);

    this.gateway = cr(`${name}-gateway`, gateway(a, labels), t.gateway, [cls]);
    cr(`${name}-https-redirect`, httpsRedirect(a, labels), t.redirect, [this.gateway]);
    cr(`${name}-clienttrafficpolicy`, clientTrafficPolicy(a, labels), t.clientTrafficPolicy, [this.gateway]);
    if (a.internalDomain) cr(`${name}-internal-securitypolicy`, internalOnly(a, labels), t.internalPolicy, [this.gateway]);

    const npArgs: k8s.networking.v1.NetworkPolicyArgs = { metadata: { name: "acme-http01-solver", namespace: a.namespace, labels }, spec: solverNetworkPolicySpec(this.ref) };
    new k8s.networking.v1.NetworkPolicy(`${name}-solver-networkpolicy`, apply(t.solverNetworkPolicy, npArgs), { parent: this, dependsOn: on() });

    podMonitor(
      `${name}-podmonitor`,
      {
        name: `envoy-${a.namespace}-${a.name}`,
        namespace: a.controllerNamespace,
        labels,
        spec: {
          selector: { matchLabels: { ...this.ref.dataPlane.podLabels } },
          namespaceSelector: { matchNames: [a.controllerNamespace] },
          podMetricsEndpoints: [{ port: ENVOY_METRICS_PORT.name, path: ENVOY_METRICS_PORT.path, interval: "30s" }],
        },
        transform: t.podMonitor,
      },
      { parent: this, dependsOn: on(...(args.monitoringCrdsReady ?? [])) },
    );

    this.ready = [this.gateway, ...certs];
    this.registerOutputs({ gateway: a.name, namespace: a.namespace });
  }
}
