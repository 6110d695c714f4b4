import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { invalidArg } from "../lib/errors";
import { PART_OF, MANAGED_BY } from "../lib/labels";

/** Args of {@link PlatformNamespace}: the namespace's name, the stack and its Pod Security level. */
export interface PlatformNamespaceArgs {
  /** The namespace's name. @example "platform-prod" */
  readonly name: string;
  /** The stack this namespace belongs to (app.kubernetes.io/instance). */
  readonly instance: string;
  /**
   * Pod Security Admission level enforced, audited and warned on.
   * @default "restricted"
   */
  readonly podSecurity?: "restricted" | "baseline";
  /** Escape hatch per child. */
  readonly transform?: {
    readonly namespace?: (a: k8s.core.v1.NamespaceArgs) => k8s.core.v1.NamespaceArgs;
    readonly defaultDeny?: (a: k8s.networking.v1.NetworkPolicyArgs) => k8s.networking.v1.NetworkPolicyArgs;
  };
}

const DNS_1123 = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The environment's namespace: Pod Security Admission `restricted` (enforce,
 * audit, warn) and a default-deny NetworkPolicy for ingress and egress, so
 * every workload must declare whom it talks to.
 */
export class PlatformNamespace extends pulumi.ComponentResource {
  /** The namespace's name. */
  public readonly name: string;
  /** The Namespace, with the Pod Security Admission labels. */
  public readonly namespace: k8s.core.v1.Namespace;
  /** NetworkPolicy `default-deny`: no ingress and no egress for any pod unless another policy allows it. */
  public readonly defaultDeny: k8s.networking.v1.NetworkPolicy;

  constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:core:Namespace", name, {}, opts);
    if (!DNS_1123.test(args.name)) invalidArg("PlatformNamespace", "name", args.name, "must be a DNS-1123 label");
    const level = args.podSecurity ?? "restricted";
    this.name = args.name;
    const labels = {
      "app.kubernetes.io/part-of": PART_OF,
      "app.kubernetes.io/managed-by": MANAGED_BY,
      "app.kubernetes.io/instance": args.instance,
      "pod-security.kubernetes.io/enforce": level,
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/audit": level,
      "pod-security.kubernetes.io/warn": level,
    };
    const nsArgs: k8s.core.v1.NamespaceArgs = { metadata: { name: args.name, labels } };
    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, args.transform?.namespace?.(nsArgs) ?? nsArgs, { parent: this });
    const denyArgs: k8s.networking.v1.NetworkPolicyArgs = {
      metadata: { name: "default-deny", namespace: args.name, labels: { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": MANAGED_BY } },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    };
    this.defaultDeny = new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, args.transform?.defaultDeny?.(denyArgs) ?? denyArgs, {
      parent: this,
      dependsOn: [this.namespace],
    });
    this.registerOutputs({ name: this.name });
  }
}
