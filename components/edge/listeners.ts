/**
 * What a stack that attaches to a cluster's gateway (a preview) brings of its
 * own: a ListenerSet in its namespace with an HTTPS listener for its host names
 * and the certificate for them, and the NetworkPolicy that lets the cluster's
 * gateway reach cert-manager's HTTP-01 solvers in this namespace.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { invalidArg } from "../lib/errors";
import { standardLabels } from "../lib/labels";
import { applyTransform as apply, type Transform } from "../lib/transform";
import { underDomain } from "./args";
import { gatewayRefFor, type GatewayRef } from "./gateway-ref";
import { certificateSpec, listenerSet, solverNetworkPolicySpec, TLS_SECRETS } from "./gateway-spec";

import type { CustomResourceArgs as CR } from "../lib/transform";

/** Args of {@link EdgeListeners}: the cluster's Gateway to attach to, the domain and host names, and the issuer of their certificate. */
export interface EdgeListenersArgs {
  /** This stack's namespace: the ListenerSet, its certificate and the solver NetworkPolicy go here. */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance). */
  readonly instance: string;
  /** The cluster's Gateway. */
  readonly gateway: { readonly name: string; readonly namespace: string };
  /** This stack's host names are `<name>.<domain>`. */
  readonly domain: string;
  /** Host names of the HTTPS listener (and of its certificate); each must end in `.<domain>`. */
  readonly hosts: readonly string[];
  /** cert-manager ClusterIssuer of the listener's certificate. */
  readonly clusterIssuer: string;
  /** Namespace of the Envoy Gateway controller (and so of the data plane). @default "envoy-gateway-system" */
  readonly controllerNamespace?: string;
  /** Escape hatches for the ListenerSet, its Certificate and the solver NetworkPolicy. */
  readonly transform?: { readonly listenerSet?: Transform<CR>; readonly certificate?: Transform<CR>; readonly solverNetworkPolicy?: Transform<k8s.networking.v1.NetworkPolicyArgs> };
}

/** A program's own listeners on a shared Gateway (a ListenerSet with its certificate), for programs that attach to the cluster's Gateway instead of creating one. */
export class EdgeListeners extends pulumi.ComponentResource {
  /** What routes attach to: this stack's ListenerSet on the cluster's Gateway. */
  public readonly ref: GatewayRef;
  /** Routes wait for these: the ListenerSet and its Certificate. */
  public readonly ready: readonly pulumi.Resource[];

  constructor(name: string, args: EdgeListenersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:edge:Listeners", name, {}, opts);
    for (const h of args.hosts) if (!underDomain(h, args.domain)) invalidArg("EdgeListeners", "hosts", h, `must end in .${args.domain}`);
    const lsName = "edge";
    this.ref = gatewayRefFor({ ...args.gateway, publicDomain: args.domain, listenerSet: { name: lsName, namespace: args.namespace }, controllerNamespace: args.controllerNamespace });
    const labels = standardLabels({ name: lsName, instance: args.instance, component: "edge" });
    const t = args.transform ?? {};
    const cert = new k8s.apiextensions.CustomResource(
      `${name}-certificate`,
      apply(t.certificate, { apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: `${lsName}-public`, namespace: args.namespace, labels }, spec: certificateSpec(args.hosts, args.domain, false, TLS_SECRETS.public, args.clusterIssuer) }),
      { parent: this, dependsOn: childDependsOn(opts?.dependsOn) },
    );
    const ls = new k8s.apiextensions.CustomResource(`${name}-listenerset`, apply(t.listenerSet, listenerSet(lsName, args.namespace, args.gateway, args.domain, labels) as unknown as CR), { parent: this, dependsOn: childDependsOn(opts?.dependsOn) });
    const np: k8s.networking.v1.NetworkPolicyArgs = { metadata: { name: "acme-http01-solver", namespace: args.namespace, labels }, spec: solverNetworkPolicySpec(this.ref) };
    new k8s.networking.v1.NetworkPolicy(`${name}-solver-networkpolicy`, apply(t.solverNetworkPolicy, np), { parent: this, dependsOn: childDependsOn(opts?.dependsOn) });
    this.ready = [ls, cert];
    this.registerOutputs({});
  }
}
