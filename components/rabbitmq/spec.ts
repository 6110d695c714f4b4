/**
 * The RabbitmqCluster and the messaging-topology objects of a RabbitMQ
 * deployment as plain data, built from resolved args: pure, so tests (and the
 * real-broker test's definitions translation) read them without mocks.
 */
import { createHash } from "node:crypto";
import type { ResolvedApp, ResolvedRabbitMqArgs, ResolvedWorkQueue } from "./args";
import { OPERATOR_FACTS } from "./facts";

export const RABBITMQ_API_VERSION = "rabbitmq.com/v1beta1";

export type TopologyKind = "Vhost" | "User" | "Permission" | "Exchange" | "Queue" | "Binding" | "Policy";

/** One messaging-topology-operator object: kind, metadata.name and spec (without rabbitmqClusterReference). */
export interface TopologyObject {
  readonly kind: TopologyKind;
  readonly name: string;
  /** The app it belongs to. */
  readonly app: string;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** A Kubernetes object name from parts: lower-case DNS-1123, with a short hash when the parts had to be changed. */
export function objectName(...parts: string[]): string {
  const raw = parts.join("-");
  let n = raw.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  if (n !== raw || n.length > 200) n = `${n.slice(0, 200)}-${createHash("sha256").update(raw).digest("hex").slice(0, 8)}`;
  return n;
}

/** Anchored regex of exactly one queue name (for a Policy's `pattern`). */
export function exactPattern(queue: string): string {
  return `^${queue.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
}

/** Policy definition of a work queue: dead-lettering and the delivery limit (queue arguments can never change; policies can). */
export function workQueuePolicyDefinition(q: ResolvedWorkQueue): Record<string, string | number> {
  return {
    "dead-letter-exchange": q.deadLetterExchange,
    "dead-letter-routing-key": q.deadLetterQueue,
    "delivery-limit": q.deliveryLimit,
    // Quorum queues re-publish dead letters with confirms (none lost if the DLQ is briefly unavailable); needs reject-publish.
    "dead-letter-strategy": "at-least-once",
    overflow: "reject-publish",
    ...(q.messageTtlMs !== undefined ? { "message-ttl": q.messageTtlMs } : {}),
  };
}

/** The topology of one app: vhost, user, permission, and per work queue the queue, its DLX, DLQ, binding and policy. */
export function appTopology(a: ResolvedRabbitMqArgs, app: ResolvedApp): TopologyObject[] {
  const v = app.vhost;
  const n = (...p: string[]) => objectName(a.name, app.name, ...p);
  const retain = a.deletionPolicy === "retain" ? { deletionPolicy: "retain" } : { deletionPolicy: "delete" };
  const out: TopologyObject[] = [
    { kind: "Vhost", name: n("vhost"), app: app.name, spec: { name: v, defaultQueueType: "quorum", tags: [app.name], ...retain } },
    { kind: "User", name: n("user"), app: app.name, spec: { tags: [], importCredentialsSecret: { name: app.user.secretName } } },
    {
      kind: "Permission",
      name: n("permission"),
      app: app.name,
      spec: { vhost: v, userReference: { name: n("user") }, permissions: { ...app.permissions } },
    },
  ];
  for (const q of app.queues) {
    out.push(
      { kind: "Exchange", name: n("exchange", q.deadLetterExchange), app: app.name, spec: { name: q.deadLetterExchange, vhost: v, type: "direct", durable: true, autoDelete: false } },
      { kind: "Queue", name: n("queue", q.deadLetterQueue), app: app.name, spec: { name: q.deadLetterQueue, vhost: v, type: "quorum", durable: true, autoDelete: false, ...retain } },
      {
        kind: "Binding",
        name: n("binding", q.deadLetterQueue),
        app: app.name,
        spec: { vhost: v, source: q.deadLetterExchange, destination: q.deadLetterQueue, destinationType: "queue", routingKey: q.deadLetterQueue },
      },
      { kind: "Queue", name: n("queue", q.name), app: app.name, spec: { name: q.name, vhost: v, type: "quorum", durable: true, autoDelete: false, ...retain } },
      {
        kind: "Policy",
        name: n("policy", q.name),
        app: app.name,
        // applyTo "queues": "quorum_queues" needs 3.12+, and the pattern names exactly one quorum queue anyway.
        spec: { name: `${q.name}-dead-letter`, vhost: v, pattern: exactPattern(q.name), applyTo: "queues", priority: 10, definition: workQueuePolicyDefinition(q) },
      },
    );
  }
  return out;
}

/** Every topology object of the deployment. */
export function topology(a: ResolvedRabbitMqArgs): TopologyObject[] {
  return a.apps.flatMap((app) => appTopology(a, app));
}

/** Names of the cert-manager Certificate / Secret of the server certificate. */
export const tlsSecretName = (a: ResolvedRabbitMqArgs) => `${a.name}-tls`;

/** DNS names the server certificate covers: the client Service and every node by its headless name. */
export function certificateDnsNames(a: ResolvedRabbitMqArgs): string[] {
  const ns = a.namespace;
  const svc = (s: string) => [s, `${s}.${ns}`, `${s}.${ns}.svc`, `${s}.${ns}.svc.${a.clusterDomain}`];
  const nodes = OPERATOR_FACTS.headlessService(a.name);
  return [...svc(OPERATOR_FACTS.clientService(a.name)), `*.${nodes}.${ns}`, `*.${nodes}.${ns}.svc`, `*.${nodes}.${ns}.svc.${a.clusterDomain}`];
}

/** rabbitmq.conf lines the component adds (`spec.rabbitmq.additionalConfig`; they win over the operator's defaults). */
export function additionalConfig(a: ResolvedRabbitMqArgs): string {
  return [
    // The operator's default (2 GB) exceeds small volumes: the broker would block publishers from the start.
    `disk_free_limit.absolute = ${a.diskFreeLimitBytes}`,
    // Guest may only log in from localhost (also the default); with the operator there is no guest user at all.
    "loopback_users.guest = true",
    // /metrics stays aggregated (cheap); the ServiceMonitor scrapes /metrics/per-object for queue-level series.
    "prometheus.return_per_object_metrics = false",
    "",
  ].join("\n");
}

/** `spec` of the RabbitmqCluster. */
export function rabbitmqClusterSpec(a: ResolvedRabbitMqArgs): Record<string, unknown> {
  const term = { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: OPERATOR_FACTS.podSelector(a.name) } };
  return {
    replicas: a.replicas,
    image: a.image,
    resources: a.resources,
    persistence: { storage: a.storageSize, ...(a.storageClass ? { storageClassName: a.storageClass } : {}) },
    rabbitmq: { additionalConfig: additionalConfig(a) },
    // One node per Kubernetes node (preferred or required); the operator adds the zone spread
    // (statefulset.go defaultTopologySpreadConstraints: topology.kubernetes.io/zone, maxSkew 1).
    affinity: {
      podAntiAffinity:
        a.antiAffinity === "required"
          ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
          : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    },
    service: { type: "ClusterIP" },
    ...(a.tls ? { tls: { secretName: tlsSecretName(a), disableNonTLSListeners: true } } : {}),
  };
}

/** The AMQP port apps use. */
export function amqpPort(a: ResolvedRabbitMqArgs): { name: string; port: number } {
  return a.tls ? OPERATOR_FACTS.ports.amqps : OPERATOR_FACTS.ports.amqp;
}
