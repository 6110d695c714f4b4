/**
 * Cross-object facts of the pinned operators: names, ports and labels the
 * component relies on but does not create itself. Each is read from the pinned
 * upstream source (file and tag cited); components/rabbitmq/facts.test.ts checks
 * that the component's NetworkPolicy, ServiceMonitor, connection details and
 * operator handling use exactly these.
 */
import { OPERATORS_NAMESPACE } from "./versions";

export const OPERATOR_FACTS = {
  /** cluster-operator v2.22.3 internal/resource/service.go: ServiceSuffix "" → Service `<name>`. */
  clientService: (cluster: string) => cluster,
  /** internal/resource/headless_service.go: headlessServiceSuffix "nodes" → `<name>-nodes` (ports epmd 4369, cluster-rpc 25672). */
  headlessService: (cluster: string) => `${cluster}-nodes`,
  /** internal/resource/statefulset.go: stsSuffix "server" → StatefulSet `<name>-server`, pods `<name>-server-N`. */
  statefulSet: (cluster: string) => `${cluster}-server`,
  /** internal/resource/default_user_secret.go: DefaultUserSecretName "default-user" → `<name>-default-user` (administrator). */
  defaultUserSecret: (cluster: string) => `${cluster}-default-user`,
  /** internal/resource/erlang_cookie.go → `<name>-erlang-cookie`. */
  erlangCookieSecret: (cluster: string) => `${cluster}-erlang-cookie`,
  /**
   * internal/metadata/label.go `Label(name)`: the pods' labels. `LabelSelector(name)` (only
   * `app.kubernetes.io/name`) is the StatefulSet's and both Services' selector. The CR's own
   * `app.kubernetes.io/*` labels are NOT copied to children (`GetLabels` skips that prefix).
   */
  podLabels: (cluster: string) => ({ "app.kubernetes.io/name": cluster, "app.kubernetes.io/component": "rabbitmq", "app.kubernetes.io/part-of": "rabbitmq" }),
  podSelector: (cluster: string) => ({ "app.kubernetes.io/name": cluster }),
  /** Labels of Services `<name>` and `<name>-nodes` (metadata.GetLabels): what a ServiceMonitor selects on. */
  serviceLabels: (cluster: string) => ({ "app.kubernetes.io/name": cluster, "app.kubernetes.io/component": "rabbitmq", "app.kubernetes.io/part-of": "rabbitmq" }),
  /**
   * Status conditions Pulumi waits for: cluster-operator internal/status/status.go `AllReplicasReady`;
   * topology operator v1.20.1 api/v1beta1/conditions.go `Ready` (every topology kind).
   */
  conditions: { cluster: "AllReplicasReady", topology: "Ready" },
  /** Container name of the broker in the pod (statefulset.go). */
  container: "rabbitmq",
  /** internal/resource/service.go generateServicePortsMap: port names and numbers of Service `<name>`. */
  ports: {
    amqp: { name: "amqp", port: 5672 },
    amqps: { name: "amqps", port: 5671 },
    management: { name: "management", port: 15672 },
    managementTls: { name: "management-tls", port: 15671 },
    /** Without TLS the Service exposes 15692 `prometheus`; with TLS only 15691 `prometheus-tls` (never both). */
    prometheus: { name: "prometheus", port: 15692 },
    prometheusTls: { name: "prometheus-tls", port: 15691 },
    epmd: { name: "epmd", port: 4369 },
    clusterRpc: { name: "cluster-rpc", port: 25672 },
  },
  /** internal/resource/configmap.go operator defaults (overridable through additionalConfig). */
  defaults: { diskFreeLimitBytes: 2_000_000_000, partitionHandling: "pause_minority", uid: 999 },
  /** rabbitmq_plugins.go requiredPlugins: always enabled. */
  requiredPlugins: ["rabbitmq_peer_discovery_k8s", "rabbitmq_prometheus", "rabbitmq_management"],
  /** cmd/main.go defaultRabbitmqImage. */
  defaultImage: "rabbitmq:4.2.6-management",
  /** config/manager/manager.yaml: the cluster operator's Deployment pods. */
  clusterOperatorPods: { namespace: OPERATORS_NAMESPACE, labels: { "app.kubernetes.io/name": "rabbitmq-cluster-operator" } },
  /**
   * messaging-topology-operator v1.20.1 config/manager/manager.yaml (+ config/default namePrefix
   * `messaging-topology-`): the topology operator's pods. rabbitmqclient/cluster_reference.go
   * `managementURI`: it calls the management API through Service `<name>`'s port named
   * `management` (or `management-tls` with TLS) as the `<name>-default-user`.
   */
  topologyOperatorPods: { namespace: OPERATORS_NAMESPACE, labels: { "app.kubernetes.io/name": "messaging-topology-operator" } },
  /** api/v1beta1/user_types.go: keys of an importCredentialsSecret (`passwordHash` wins over `password`). */
  importCredentialsKeys: { username: "username", password: "password" },
  /** api/v1beta1: which topology kinds have `deletionPolicy` (delete|retain, default delete). */
  deletionPolicyKinds: ["Queue", "Vhost", "Federation", "Shovel"],
  /** api/v1beta1/policy_types.go applyTo enum. `classic_queues`/`quorum_queues`/`streams` need RabbitMQ 3.12+; the component uses `queues`. */
  policyApplyTo: ["queues", "classic_queues", "quorum_queues", "streams", "exchanges", "all"],
  /**
   * Both release manifests declare Namespace `rabbitmq-system`: cluster-operator's
   * config/namespace/base/namespace.yaml and the topology operator's config/manager/manager.yaml
   * (`system`, renamed by kustomize), with different labels.
   */
  sharedNamespace: OPERATORS_NAMESPACE,
} as const;

/**
 * Spec fields of the pinned CRDs (Go `json` tags of the API types): no schema
 * package covers rabbitmq.com, so facts.test.ts checks every rendered object
 * against these. RabbitmqCluster: cluster-operator v2.22.3 api/v1beta1/rabbitmqcluster_types.go;
 * the rest: messaging-topology-operator v1.20.1 api/v1beta1/<kind>_types.go.
 */
export const CRD_SPEC_FIELDS: Readonly<Record<string, readonly string[]>> = {
  RabbitmqCluster: ["replicas", "image", "imagePullSecrets", "service", "persistence", "resources", "affinity", "tolerations", "rabbitmq", "tls", "override", "skipPostDeploySteps", "autoEnableAllFeatureFlags", "terminationGracePeriodSeconds", "delayStartSeconds", "secretBackend"],
  "RabbitmqCluster.tls": ["secretName", "caSecretName", "disableNonTLSListeners"],
  "RabbitmqCluster.rabbitmq": ["additionalPlugins", "additionalConfig", "advancedConfig", "envConfig", "erlangInetConfig"],
  "RabbitmqCluster.persistence": ["storageClassName", "storage", "emptyDir"],
  "RabbitmqCluster.service": ["type", "annotations", "ipFamilyPolicy", "labels"],
  Vhost: ["name", "tracing", "tags", "defaultQueueType", "rabbitmqClusterReference", "deletionPolicy", "limits"],
  User: ["tags", "rabbitmqClusterReference", "importCredentialsSecret", "limits"],
  Permission: ["user", "userReference", "vhost", "permissions", "rabbitmqClusterReference"],
  "Permission.permissions": ["configure", "write", "read"],
  Exchange: ["name", "vhost", "type", "durable", "autoDelete", "arguments", "rabbitmqClusterReference"],
  Queue: ["name", "vhost", "type", "durable", "autoDelete", "deleteIfEmpty", "deleteIfUnused", "arguments", "rabbitmqClusterReference", "deletionPolicy"],
  Binding: ["vhost", "source", "destination", "destinationType", "routingKey", "arguments", "rabbitmqClusterReference"],
  Policy: ["name", "vhost", "pattern", "applyTo", "priority", "definition", "rabbitmqClusterReference"],
};

/** Enums of those types (kubebuilder validation markers). */
export const CRD_ENUMS: Readonly<Record<string, readonly string[]>> = {
  "Vhost.defaultQueueType": ["quorum", "classic", "stream"],
  "Vhost.deletionPolicy": ["delete", "retain"],
  "Queue.deletionPolicy": ["delete", "retain"],
  "Binding.destinationType": ["exchange", "queue"],
  "Policy.applyTo": ["queues", "classic_queues", "quorum_queues", "streams", "exchanges", "all"],
  "User.tags": ["management", "policymaker", "monitoring", "administrator"],
};
