/**
 * The RabbitMQ Cluster Operator and the Messaging Topology Operator, installed
 * from their pinned release manifests (yaml/v2 ConfigFile with the release URL:
 * nothing copied into the repository). Both need cert-manager (their webhooks'
 * certificates); the topology operator also needs the cluster operator's CRD.
 *
 * Both manifests declare Namespace `rabbitmq-system`, with different labels.
 * Left alone, two Pulumi resources would fight over its labels on every update
 * (server-side apply conflicts), and deleting either ConfigFile would delete the
 * namespace the other operator runs in. `sharedNamespaceTransform` gives both
 * copies the same content (the cluster operator's labels) and `retainOnDelete`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { invalidArg } from "../lib/errors";
import { CLUSTER_OPERATOR_MANIFEST, CLUSTER_OPERATOR_VERSION, OPERATORS_NAMESPACE, TOPOLOGY_OPERATOR_MANIFEST, TOPOLOGY_OPERATOR_VERSION } from "./versions";

/** Labels of cluster-operator v2.22.3 config/namespace/base/namespace.yaml: what both copies of the Namespace get. */
export const SHARED_NAMESPACE_LABELS = {
  "app.kubernetes.io/name": OPERATORS_NAMESPACE,
  "app.kubernetes.io/component": "rabbitmq-operator",
  "app.kubernetes.io/part-of": "rabbitmq",
} as const;

/** For a ConfigFile's children: the shared Namespace gets identical content and is never deleted with the ConfigFile. */
export const sharedNamespaceTransform: pulumi.ResourceTransform = (args) => {
  if (args.type !== "kubernetes:core/v1:Namespace") return undefined;
  const props = args.props as { metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> } };
  if (props.metadata?.name !== OPERATORS_NAMESPACE) return undefined;
  return {
    props: { ...props, metadata: { ...props.metadata, labels: { ...SHARED_NAMESPACE_LABELS } } },
    opts: { ...args.opts, retainOnDelete: true },
  };
};

/** Args of {@link RabbitMqOperators}: what the operators wait for (cert-manager) and their pinned manifests. */
export interface RabbitMqOperatorsArgs {
  /** cert-manager (CRDs and controller) both operators' webhook certificates wait for. */
  readonly certManagerReady?: readonly pulumi.Resource[];
  /** Manifest overrides (a newer patch release): must name a pinned release. @default - versions.ts */
  readonly manifests?: { readonly clusterOperator?: string; readonly topologyOperator?: string };
}

const RELEASE = /^https:\/\/github\.com\/rabbitmq\/(cluster-operator|messaging-topology-operator)\/releases\/download\/v[0-9]+\.[0-9]+\.[0-9]+\/[a-z-]+\.ya?ml$/;

export function resolveOperatorManifests(a: RabbitMqOperatorsArgs = {}): { clusterOperator: string; topologyOperator: string } {
  const m = { clusterOperator: a.manifests?.clusterOperator ?? CLUSTER_OPERATOR_MANIFEST, topologyOperator: a.manifests?.topologyOperator ?? TOPOLOGY_OPERATOR_MANIFEST };
  for (const [k, v] of Object.entries(m)) if (!RELEASE.test(v)) invalidArg("RabbitMqOperators", `manifests.${k}`, v, "must be a pinned GitHub release asset URL of the RabbitMQ operators (…/releases/download/vX.Y.Z/<file>.yml)");
  return m;
}

/** Both operators; `ready` is what every RabbitmqCluster and topology CR must wait for. */
export class RabbitMqOperators extends pulumi.ComponentResource {
  /** The RabbitMQ Cluster Operator, from its pinned release manifest. */
  public readonly clusterOperator: k8s.yaml.v2.ConfigFile;
  /** The Messaging Topology Operator, from its pinned release manifest (after the cluster operator). */
  public readonly topologyOperator: k8s.yaml.v2.ConfigFile;
  /** What every RabbitmqCluster and topology object must wait for: both operators. */
  public readonly ready: readonly pulumi.Resource[];
  /** Versions of the two operators' release manifests. */
  public readonly versions = { clusterOperator: CLUSTER_OPERATOR_VERSION, topologyOperator: TOPOLOGY_OPERATOR_VERSION };

  constructor(name: string, args: RabbitMqOperatorsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:RabbitMqOperators", name, {}, opts);
    const m = resolveOperatorManifests(args);
    const certManager = args.certManagerReady ?? [];
    this.clusterOperator = new k8s.yaml.v2.ConfigFile(
      `${name}-cluster-operator`,
      { file: m.clusterOperator },
      { parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...certManager), transforms: [sharedNamespaceTransform] },
    );
    this.topologyOperator = new k8s.yaml.v2.ConfigFile(
      `${name}-topology-operator`,
      { file: m.topologyOperator },
      { parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...certManager, this.clusterOperator), transforms: [sharedNamespaceTransform] },
    );
    this.ready = [this.clusterOperator, this.topologyOperator];
    this.registerOutputs({ clusterOperator: m.clusterOperator, topologyOperator: m.topologyOperator });
  }
}
