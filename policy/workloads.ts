/**
 * What runs pods in a stack, whatever component registered it: Deployments,
 * StatefulSets and DaemonSets the stack writes, and custom resources an
 * operator turns into pods (a CloudNativePG Cluster, a Pooler, ...). For the
 * latter the pods' shape is a fact of the pinned operator version, recorded
 * in OPERATOR_WORKLOADS with its source.
 *
 * A custom resource kind that is neither a workload nor in NOT_WORKLOADS is
 * "unclassified": `unclassifiedKinds` lists them and a test fails on any, so a
 * new component cannot slip past the policies by using a new kind.
 */
import { OPERATOR_FACTS } from "../components/rabbitmq/facts";
import { KEYCLOAK_FACTS } from "../components/keycloak/facts";
import { describe as describeObject, type KubeObject, type LabelSelector, isKubeObject, kubeObject, selects, type StackResource } from "./resources";

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly readinessProbe?: unknown;
  readonly livenessProbe?: unknown;
  readonly startupProbe?: unknown;
  readonly securityContext?: Record<string, any>;
  readonly env?: readonly { name: string; value?: string; valueFrom?: unknown }[];
  readonly ports?: readonly { name?: string; containerPort: number; hostPort?: number }[];
}

export interface PodShape {
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly Container[];
  readonly initContainers: readonly Container[];
  readonly securityContext?: Record<string, any>;
  readonly spec: Record<string, any>;
}

export interface Workload {
  readonly object: KubeObject;
  /** `Deployment platform-prod/core-api`. */
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** Desired replicas (the CR's instances for operator workloads). */
  readonly replicas: number;
  readonly pod: PodShape;
  /** Who writes the pod template: the stack, or an operator (whose guarantees are facts below). */
  readonly templateBy: "stack" | "operator";
  /** Operator guarantees, for operator workloads. */
  readonly operator?: OperatorFacts;
  /** A sample pod name, for matching `pod=~"..."` selectors. */
  readonly samplePod: string;
}

export interface OperatorFacts {
  /** The operator and version these facts were read from. */
  readonly source: string;
  /** The operator sets readiness/liveness probes itself. */
  readonly probes: { readiness: boolean; liveness: boolean };
  /** The operator's pods meet the Pod Security "restricted" profile. */
  readonly restricted: boolean;
  /** The operator creates PodDisruptionBudgets for the pods (when not disabled on the CR). */
  readonly pdb: (spec: any) => boolean;
  /** The pods' security contexts are the ones the CR's pod template sets (the policies check that template). */
  readonly securityFromTemplate?: boolean;
}

interface OperatorWorkloadKind {
  readonly group: string;
  readonly kind: string;
  readonly replicas: (spec: any) => number;
  readonly pod: (o: KubeObject) => PodShape;
  readonly facts: OperatorFacts;
  readonly samplePod: (o: KubeObject) => string;
  /** Services the operator creates for the object (what a ServiceMonitor of the stack selects). */
  readonly services?: (o: KubeObject) => KubeObject[];
}

/** The Services operators create for the stack's custom resources (OperatorWorkloadKind.services). */
export function operatorServices(objects: readonly KubeObject[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const o of objects) {
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0]! : "";
    const op = OPERATOR_WORKLOADS.find((k) => k.group === group && k.kind === o.kind);
    if (op?.services) out.push(...op.services(o));
  }
  return out;
}

const CNPG = "CloudNativePG v1.30.0";

/**
 * Operator-made pods. Facts read from the pinned upstream sources:
 * - CNPG Cluster (v1.30.0 `pkg/specs/pods.go`): one container `postgres` with startup,
 *   readiness and liveness probes, ports `postgresql` 5432, `metrics` 9187, `status` 8000;
 *   labels `cnpg.io/cluster`, `cnpg.io/podRole: instance` (`pkg/utils/labels_annotations.go`);
 *   restricted security context (`specs.GetSecurityContext`); pods named `<cluster>-<n>`.
 *   PDBs (`pkg/specs/poddisruptionbudget.go`, `internal/controller/cluster_create.go`): a
 *   primary PDB (minAvailable 1) always, a replicas PDB from 3 instances, unless `enablePDB: false`.
 * - CNPG Pooler (v1.30.0 `pkg/specs/pgbouncer/deployments.go`): a Deployment named after the
 *   Pooler, container `pgbouncer` (ports `pgbouncer` 5432, `metrics` 9127) with a TCP readiness
 *   probe and no liveness probe (the instance manager runs pgbouncer and exits with it), restricted
 *   security context; labels `cnpg.io/poolerName`, `cnpg.io/cluster`, `cnpg.io/podRole: pooler`
 *   plus the template's; no PDB.
 */
export const OPERATOR_WORKLOADS: readonly OperatorWorkloadKind[] = [
  {
    group: "postgresql.cnpg.io",
    kind: "Cluster",
    replicas: (s) => Number(s.instances ?? 1),
    pod: (o) => ({
      labels: { ...(o.spec.inheritedMetadata?.labels ?? {}), "cnpg.io/cluster": o.name, "cnpg.io/podRole": "instance" },
      containers: [
        {
          name: "postgres",
          image: o.spec.imageName,
          resources: o.spec.resources,
          readinessProbe: "operator",
          livenessProbe: "operator",
          startupProbe: "operator",
          ports: [
            { name: "postgresql", containerPort: 5432 },
            { name: "metrics", containerPort: 9187 },
            { name: "status", containerPort: 8000 },
          ],
        },
      ],
      initContainers: [],
      spec: o.spec,
    }),
    facts: { source: CNPG, probes: { readiness: true, liveness: true }, restricted: true, pdb: (s) => s.enablePDB !== false },
    samplePod: (o) => `${o.name}-1`,
  },
  {
    group: "postgresql.cnpg.io",
    kind: "Pooler",
    replicas: (s) => Number(s.instances ?? 1),
    pod: (o) => {
      const tpl = (o.spec.template ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Container[] } };
      const own = (tpl.spec?.containers ?? []).find((c) => c.name === "pgbouncer");
      return {
        labels: {
          ...(tpl.metadata?.labels ?? {}),
          "cnpg.io/poolerName": o.name,
          "cnpg.io/cluster": String(o.spec.cluster?.name ?? ""),
          "cnpg.io/podRole": "pooler",
        },
        containers: [
          {
            ...(own ?? {}),
            name: "pgbouncer",
            readinessProbe: own?.readinessProbe ?? "operator",
            ports: [
              { name: "pgbouncer", containerPort: 5432 },
              { name: "metrics", containerPort: 9127 },
            ],
          },
        ],
        initContainers: [],
        spec: tpl.spec ?? {},
      };
    },
    facts: { source: CNPG, probes: { readiness: true, liveness: false }, restricted: true, pdb: () => false },
    samplePod: (o) => `${o.name}-6d5f8b7c9-x2x9k`,
  },
  {
    // cluster-operator v2.22.3 (components/rabbitmq/facts.ts): StatefulSet <name>-server, pods labelled metadata.Label(name),
    // container "rabbitmq" with the operator's TCP readiness probe and no liveness probe, uid 999, RuntimeDefault seccomp.
    group: "rabbitmq.com",
    kind: "RabbitmqCluster",
    replicas: (s) => Number(s.replicas ?? 1),
    pod: (o) => ({
      labels: { ...OPERATOR_FACTS.podLabels(o.name) },
      containers: [
        {
          name: OPERATOR_FACTS.container,
          resources: o.spec.resources,
          readinessProbe: "operator",
          ports: Object.values(OPERATOR_FACTS.ports).map((p) => ({ name: p.name, containerPort: p.port })),
        },
      ],
      initContainers: [],
      spec: o.spec,
    }),
    facts: { source: "RabbitMQ Cluster Operator v2.22.3 internal/resource/statefulset.go", probes: { readiness: true, liveness: false }, restricted: true, pdb: () => false },
    samplePod: (o) => `${OPERATOR_FACTS.statefulSet(o.name)}-0`,
    // Service <name> (internal/resource/service.go): the broker's client ports and its Prometheus port.
    services: (o) => {
      const p = OPERATOR_FACTS.ports;
      const ports = (o.spec.tls ? [p.amqps, p.managementTls, p.prometheusTls] : [p.amqp, p.management, p.prometheus]).map((x) => ({ name: x.name, port: x.port, targetPort: x.port }));
      const name = OPERATOR_FACTS.clientService(o.name);
      const labels = OPERATOR_FACTS.serviceLabels(o.name);
      const spec = { selector: OPERATOR_FACTS.podSelector(o.name), ports };
      return [{ resource: o.resource, apiVersion: "v1", kind: "Service", name, namespace: o.namespace, labels, annotations: {}, spec, obj: { apiVersion: "v1", kind: "Service", metadata: { name, namespace: o.namespace, labels }, spec } }];
    },
  },
  {
    // Keycloak operator 26.5.5 (components/keycloak/facts.ts): StatefulSet <name>, pods labelled app=keycloak,
    // app.kubernetes.io/managed-by=keycloak-operator, app.kubernetes.io/instance=<name> plus the podTemplate's labels;
    // container "keycloak" with the operator's startup/readiness/liveness probes on the management port
    // (KeycloakDeploymentDependentResource). The operator sets no security context of its own: the pod's
    // restrictions come from the CR's unsupported.podTemplate, which is what `pod` reads. No PDB.
    group: "k8s.keycloak.org",
    kind: "Keycloak",
    replicas: (s) => Number(s.instances ?? 1),
    pod: (o) => {
      const tpl = (o.spec.unsupported?.podTemplate ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: Record<string, any> };
      const own = ((tpl.spec?.containers ?? []) as Container[]).find((c) => c.name === KEYCLOAK_FACTS.container);
      const p = KEYCLOAK_FACTS.ports;
      return {
        labels: { ...(tpl.metadata?.labels ?? {}), ...KEYCLOAK_FACTS.podLabels(o.name) },
        containers: [
          {
            ...(own ?? {}),
            name: KEYCLOAK_FACTS.container,
            image: o.spec.image,
            resources: o.spec.resources,
            readinessProbe: "operator",
            livenessProbe: "operator",
            startupProbe: "operator",
            ports: [
              { name: p.https.name, containerPort: p.https.port },
              { name: p.management.name, containerPort: Number(o.spec.httpManagement?.port ?? p.management.port) },
            ],
          },
        ],
        initContainers: (tpl.spec?.initContainers ?? []) as Container[],
        securityContext: tpl.spec?.securityContext,
        spec: tpl.spec ?? {},
      };
    },
    facts: { source: "Keycloak operator 26.5.5 KeycloakDeploymentDependentResource", probes: { readiness: true, liveness: true }, restricted: false, pdb: () => false, securityFromTemplate: true },
    samplePod: (o) => `${KEYCLOAK_FACTS.statefulSet(o.name)}-0`,
    // Service <name>-service (KeycloakServiceDependentResource): https with TLS, management always.
    services: (o) => {
      const p = KEYCLOAK_FACTS.ports;
      const ports = [p.https, p.management].map((x) => ({ name: x.name, port: x.port, targetPort: x.port }));
      const name = KEYCLOAK_FACTS.service(o.name);
      const labels = KEYCLOAK_FACTS.podLabels(o.name);
      const spec = { selector: KEYCLOAK_FACTS.podLabels(o.name), ports };
      return [{ resource: o.resource, apiVersion: "v1", kind: "Service", name, namespace: o.namespace, labels, annotations: {}, spec, obj: { apiVersion: "v1", kind: "Service", metadata: { name, namespace: o.namespace, labels }, spec } }];
    },
  },
];

/** Custom resource kinds (group/kind) that never run pods of their own. Append when a component adds a kind. */
export const NOT_WORKLOADS: readonly string[] = [
  "postgresql.cnpg.io/Database",
  "postgresql.cnpg.io/ScheduledBackup",
  "postgresql.cnpg.io/Backup",
  "barmancloud.cnpg.io/ObjectStore",
  // Messaging-topology objects: API calls to the broker, no pods.
  "rabbitmq.com/Vhost",
  "rabbitmq.com/User",
  "rabbitmq.com/Permission",
  "rabbitmq.com/Exchange",
  "rabbitmq.com/Queue",
  "rabbitmq.com/Binding",
  "rabbitmq.com/Policy",
  "monitoring.coreos.com/ServiceMonitor",
  "monitoring.coreos.com/PodMonitor",
  "monitoring.coreos.com/PrometheusRule",
  "monitoring.coreos.com/Probe",
  "monitoring.coreos.com/ScrapeConfig",
  "monitoring.coreos.com/AlertmanagerConfig",
  "cert-manager.io/ClusterIssuer",
  "cert-manager.io/Issuer",
  "cert-manager.io/Certificate",
  "gateway.networking.k8s.io/Gateway",
  "gateway.networking.k8s.io/GatewayClass",
  "gateway.networking.k8s.io/HTTPRoute",
  "gateway.networking.k8s.io/GRPCRoute",
  "gateway.networking.k8s.io/ListenerSet",
  "gateway.networking.k8s.io/TLSRoute",
  "gateway.networking.k8s.io/ReferenceGrant",
  // Gateway API's policy for re-encrypting to a backend: configuration of the gateway's Envoy, no pods.
  "gateway.networking.k8s.io/BackendTLSPolicy",
  // The operator's one-shot import (the platform uses keycloak-config-cli instead): listed so a render with one is classified.
  "k8s.keycloak.org/KeycloakRealmImport",
  "gateway.envoyproxy.io/BackendTrafficPolicy",
  "gateway.envoyproxy.io/ClientTrafficPolicy",
  "gateway.envoyproxy.io/SecurityPolicy",
  "gateway.envoyproxy.io/EnvoyProxy",
];

/** Built-in kinds that run pods from a template the stack writes. */
const POD_CONTROLLERS = ["Deployment", "StatefulSet", "DaemonSet"];

function podFromTemplate(tpl: any): PodShape {
  const spec = (tpl?.spec ?? {}) as Record<string, any>;
  return {
    labels: tpl?.metadata?.labels ?? {},
    containers: (spec.containers ?? []) as Container[],
    initContainers: (spec.initContainers ?? []) as Container[],
    securityContext: spec.securityContext,
    spec,
  };
}

export function kubeObjects(resources: readonly StackResource[]): KubeObject[] {
  return resources.filter(isKubeObject).map(kubeObject);
}

/** Every workload of a stack, built-in and operator-made. */
export function workloads(resources: readonly StackResource[]): Workload[] {
  const out: Workload[] = [];
  for (const o of kubeObjects(resources)) {
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0]! : "";
    if ((group === "apps" || group === "") && POD_CONTROLLERS.includes(o.kind)) {
      const replicas = o.kind === "DaemonSet" ? 1 : Number(o.spec.replicas ?? 1);
      const samplePod = o.kind === "StatefulSet" ? `${o.name}-0` : o.kind === "DaemonSet" ? `${o.name}-x2x9k` : `${o.name}-6d5f8b7c9-x2x9k`;
      out.push({ object: o, id: describeObject(o), kind: o.kind, name: o.name, namespace: o.namespace, replicas, pod: podFromTemplate(o.spec.template), templateBy: "stack", samplePod });
      continue;
    }
    const op = OPERATOR_WORKLOADS.find((k) => k.group === group && k.kind === o.kind);
    if (op) {
      out.push({ object: o, id: describeObject(o), kind: o.kind, name: o.name, namespace: o.namespace, replicas: op.replicas(o.spec), pod: op.pod(o), templateBy: "operator", operator: op.facts, samplePod: op.samplePod(o) });
    }
  }
  return out;
}

/** Custom resource kinds of a stack that are neither known workloads nor known non-workloads. */
export function unclassifiedKinds(resources: readonly StackResource[]): string[] {
  const seen = new Set<string>();
  for (const o of kubeObjects(resources)) {
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0]! : "";
    const builtIn = !group.includes(".") || (group.endsWith(".k8s.io") && group !== "gateway.networking.k8s.io");
    if (builtIn) continue;
    const key = `${group}/${o.kind}`;
    if (OPERATOR_WORKLOADS.some((k) => k.group === group && k.kind === o.kind) || NOT_WORKLOADS.includes(key)) continue;
    seen.add(key);
  }
  return [...seen].sort();
}

/** The HPA targeting a workload, if any. */
export function hpaFor(w: Workload, objects: readonly KubeObject[]): KubeObject | undefined {
  return objects.find(
    (o) => o.kind === "HorizontalPodAutoscaler" && o.namespace === w.namespace && o.spec.scaleTargetRef?.kind === w.kind && o.spec.scaleTargetRef?.name === w.name,
  );
}

/** Replicas a workload runs at least (the HPA's minimum when autoscaled). */
export function minReplicas(w: Workload, objects: readonly KubeObject[]): number {
  const hpa = hpaFor(w, objects);
  return hpa ? Number(hpa.spec.minReplicas ?? 1) : w.replicas;
}

/** Objects of a kind in the workload's namespace whose selector (at `path`) selects its pods. */
export function selecting(w: Workload, objects: readonly KubeObject[], kind: string, selectorOf: (o: KubeObject) => LabelSelector | undefined): KubeObject[] {
  return objects.filter((o) => o.kind === kind && o.namespace === w.namespace && selects(selectorOf(o), w.pod.labels));
}

