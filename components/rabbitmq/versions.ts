/**
 * Pinned versions of the RabbitMQ pieces. Bump deliberately, one at a time, and
 * re-read facts.ts against the new tag: the component relies on names and ports
 * the operators create.
 */

/**
 * RabbitMQ Cluster Operator v2.22.3 (git tag v2.22.3, commit 03e0b49c, 2026-07-17).
 * Its release workflow (.github/workflows/build-test-publish.yml) attaches
 * `cluster-operator.yml`, built by `make generate-installation-manifest` from
 * config/installation (Namespace rabbitmq-system, CRD, RBAC, Deployment, webhook,
 * and cert-manager Issuer + Certificate for the webhook: it needs cert-manager too).
 */
export const CLUSTER_OPERATOR_VERSION = "v2.22.3";
export const CLUSTER_OPERATOR_MANIFEST = `https://github.com/rabbitmq/cluster-operator/releases/download/${CLUSTER_OPERATOR_VERSION}/cluster-operator.yml`;

/**
 * RabbitMQ Messaging Topology Operator v1.20.1 (git tag v1.20.1, commit bf34d845,
 * 2026-08-07). Its release workflow attaches `messaging-topology-operator-with-certmanager.yaml`
 * (Makefile `generate-manifests`: config/installation, webhooks served with a
 * cert-manager Certificate; needs cert-manager).
 */
export const TOPOLOGY_OPERATOR_VERSION = "v1.20.1";
export const TOPOLOGY_OPERATOR_MANIFEST = `https://github.com/rabbitmq/messaging-topology-operator/releases/download/${TOPOLOGY_OPERATOR_VERSION}/messaging-topology-operator-with-certmanager.yaml`;

/**
 * The broker image: the one cluster-operator v2.22.3 defaults to
 * (cmd/main.go `defaultRabbitmqImage = "rabbitmq:4.2.6-management"`), the Docker
 * official image on the 4.2 line. Not 4.3 until the operator ships it as default:
 * 4.3 removes Mnesia and the partition-handling keys the operator still writes
 * (internal/resource/configmap.go `cluster_partition_handling = pause_minority`),
 * and 4.3 can only be reached from 4.2.
 */
export const RABBITMQ_IMAGE = "docker.io/library/rabbitmq:4.2.6-management";

/** Namespace both release manifests install into (kustomize `namespace:` of each config/installation). */
export const OPERATORS_NAMESPACE = "rabbitmq-system";
