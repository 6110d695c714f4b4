import type * as pulumi from "@pulumi/pulumi";
import { invalidArg } from "../lib/errors";
import type { ComponentMonitoringArgs } from "../lib/component-rules";
import { isByteQuantity, isCpuQuantity, parseQuantity } from "../lib/quantities";
import { OPERATOR_FACTS } from "./facts";
import { RABBITMQ_IMAGE } from "./versions";

/** CPU and memory requests and limits of each broker pod. */
export interface RabbitMqResources {
  /** Requested CPU (e.g. "500m") and memory (e.g. "1Gi"); memory at most `limits.memory` (Kubernetes `resources.requests`). */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** Kubernetes `resources.limits`: memory is required, at least "256Mi"; CPU is optional (none: no throttling). */
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** A work queue: a quorum queue with its own dead-letter exchange `<name>.dlx` and dead-letter queue `<name>.dlq`. */
export interface WorkQueueArgs {
  /** Queue name. @example "emails" */
  readonly name: string;
  /**
   * Deliveries before a message is dead-lettered (quorum queues count redeliveries after a
   * consumer crashes, or nacks with requeue). A Policy, so it can change later.
   * @default - the component's `deliveryLimit`
   */
  readonly deliveryLimit?: number;
  /** Dead-letter messages older than this (a Policy `message-ttl`). @default - none */
  readonly messageTtlMs?: number;
}

/** An application: its own vhost, user and permissions, and the work queues in that vhost. */
export interface RabbitMqAppArgs {
  /** App name: the vhost is named after it unless `vhost` says otherwise. @example "core-api" */
  readonly name: string;
  /** Name of the app's vhost (Messaging Topology Operator `Vhost.spec.name`); unique per app. @default - `name` */
  readonly vhost?: string;
  /** The app's user: a Secret with `username` and `password` keys (GeneratedSecrets' basic-auth Secrets are). */
  readonly user: { readonly username: string; readonly secretName: string; readonly password?: pulumi.Input<string> };
  /**
   * Permission regexes. The platform owns the topology, so apps may not declare or delete
   * (`configure` "^$") but may publish to and consume from everything in their vhost.
   * @default { configure: "^$", write: ".*", read: ".*" }
   */
  readonly permissions?: { readonly configure?: string; readonly write?: string; readonly read?: string };
  /** Work queues of the app. @default [] */
  readonly queues?: readonly WorkQueueArgs[];
  /** Pods of the app allowed to connect (NetworkPolicy). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Namespace of the app's pods (for the broker's NetworkPolicy). @default - the component's namespace */
  readonly namespace?: string;
}

/** TLS of the broker: the cert-manager issuer of its server certificate. */
export interface RabbitMqTlsArgs {
  /** cert-manager issuer of the server certificate (covers the Services and every pod). */
  readonly issuer: { readonly name: string; readonly kind: "Issuer" | "ClusterIssuer" };
}

/** Args of {@link RabbitMq}: a RabbitmqCluster (quorum queues) with its users, vhosts, work queues and dead-lettering, network policy and monitoring. */
export interface RabbitMqArgs {
  /** Namespace (must exist, with the platform's default-deny NetworkPolicy). */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance on what the component creates; the operator's children carry its own labels). */
  readonly instance: string;
  /** Name of the RabbitmqCluster: Services `<name>`, `<name>-nodes`, StatefulSet `<name>-server`. @default - the component's name */
  readonly name?: string;
  /** Broker image, pinned. @default RABBITMQ_IMAGE */
  readonly image?: string;
  /** Nodes. 1 or an odd number (quorum queues need a majority). Scale-down is refused by the operator. */
  readonly replicas: number;
  /** Data volume per node. At least 1Gi; shrinking is impossible. */
  readonly storageSize: string;
  /** StorageClass of the data volumes (RabbitmqCluster `spec.persistence.storageClassName`). @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** CPU and memory of each broker container (RabbitmqCluster `spec.resources`). */
  readonly resources: RabbitMqResources;
  /**
   * Free disk below which the broker blocks publishers (`disk_free_limit.absolute`). The
   * operator's default is 2 GB, more than a small volume holds.
   * @default - min(2 GB, 20% of storageSize)
   */
  readonly diskFreeLimitBytes?: number;
  /** Default delivery limit of the work queues. RabbitMQ 4.x defaults to 20 for quorum queues. @default 20 */
  readonly deliveryLimit?: number;
  /** The applications, each with its vhost. */
  readonly apps: readonly RabbitMqAppArgs[];
  /** `retain` keeps queues and vhosts (and their messages) in the broker when their CRs are deleted; use it in production. @default "delete" */
  readonly deletionPolicy?: "delete" | "retain";
  /** Pod anti-affinity across nodes. @default "preferred" */
  readonly antiAffinity?: "required" | "preferred";
  /** TLS for AMQP, management and metrics. @default - off */
  readonly tls?: RabbitMqTlsArgs;
  /** Kubernetes cluster domain. @default "cluster.local" */
  readonly clusterDomain?: string;
  /** Where the operators run (NetworkPolicy: they reach the management API). @default - the release manifests' rabbitmq-system */
  readonly operatorsNamespace?: string;
  /** Monitoring: the ServiceMonitor and the RabbitMQ PrometheusRule. */
  readonly monitoring: ComponentMonitoringArgs;
  /** Extra labels on what the component creates. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A work queue after defaults: its name, dead-letter exchange and queue, delivery limit and message TTL. */
export interface ResolvedWorkQueue {
  /** Queue name (a quorum queue). */
  readonly name: string;
  /** Its dead-letter exchange, `<name>.dlx`. */
  readonly deadLetterExchange: string;
  /** Its dead-letter queue, `<name>.dlq`. */
  readonly deadLetterQueue: string;
  /** Deliveries before a message is dead-lettered (default the component's `deliveryLimit`). */
  readonly deliveryLimit: number;
  /** Milliseconds after which a message is dead-lettered; undefined means no TTL. */
  readonly messageTtlMs?: number;
}

/** An application's RabbitMQ access after defaults: user, vhost, permissions, queues and the pods allowed to connect. */
export interface ResolvedApp {
  /** App name. */
  readonly name: string;
  /** The app's vhost (default `name`). */
  readonly vhost: string;
  /** The app's user and the Secret with its `username` and `password`. */
  readonly user: { readonly username: string; readonly secretName: string; readonly password?: pulumi.Input<string> };
  /** Permission regexes (default configure "^$", write ".*", read ".*"). */
  readonly permissions: { readonly configure: string; readonly write: string; readonly read: string };
  /** The app's work queues, defaults applied. */
  readonly queues: readonly ResolvedWorkQueue[];
  /** Labels of the app's pods, admitted by the broker's NetworkPolicy. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Namespace of the app's pods (default the component's). */
  readonly namespace: string;
}

/** {@link RabbitMqArgs} with every default applied, as {@link resolveRabbitMqArgs} returns them. */
export interface ResolvedRabbitMqArgs {
  /** Namespace, as given. */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance), as given. */
  readonly instance: string;
  /** Name of the RabbitmqCluster (default the component's name). */
  readonly name: string;
  /** Broker image, pinned (default RABBITMQ_IMAGE). */
  readonly image: string;
  /** Nodes: 1 or odd, up to 9. */
  readonly replicas: number;
  /** Data volume per node, as given. */
  readonly storageSize: string;
  /** StorageClass of the data volumes; undefined means the cluster's default. */
  readonly storageClass?: string;
  /** CPU and memory of each broker container, as given. */
  readonly resources: RabbitMqResources;
  /** RabbitMQ `disk_free_limit.absolute`, bytes (default min(2 GB, 20% of storageSize)). */
  readonly diskFreeLimitBytes: number;
  /** Default delivery limit of the work queues (default 20). */
  readonly deliveryLimit: number;
  /** The applications, defaults applied. */
  readonly apps: readonly ResolvedApp[];
  /** Topology objects' `deletionPolicy` (default "delete"). */
  readonly deletionPolicy: "delete" | "retain";
  /** Pod anti-affinity across nodes (default "preferred"). */
  readonly antiAffinity: "required" | "preferred";
  /** TLS settings; undefined means TLS off. */
  readonly tls?: RabbitMqTlsArgs;
  /** Kubernetes cluster domain (default "cluster.local"). */
  readonly clusterDomain: string;
  /** Namespace of the operators, admitted to the management API (default "rabbitmq-system"). */
  readonly operatorsNamespace: string;
  /** Namespace of Prometheus, admitted to the metrics port (default "monitoring"). */
  readonly monitoringNamespace: string;
  /** Extra labels on what the component creates (default none). */
  readonly labels: Readonly<Record<string, string>>;
  /** In-cluster host of the client Service. */
  readonly host: string;
}

const C = "RabbitMq";
const LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Queue, exchange and vhost names: printable, no spaces or slashes (they become CR names and URL paths). */
const OBJECT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

function intIn(field: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) invalidArg(C, field, v, `must be an integer between ${min} and ${max}`);
  return v;
}

function regex(field: string, v: string): string {
  try {
    new RegExp(v);
  } catch {
    invalidArg(C, field, v, "must be a regular expression");
  }
  return v;
}

/** Resolves defaults and validates; pure. Throws an error naming the field and value. */
export function resolveRabbitMqArgs(componentName: string, a: RabbitMqArgs): ResolvedRabbitMqArgs {
  const name = a.name ?? componentName;
  if (!LABEL.test(name) || name.length > 40) invalidArg(C, "name", name, "must be a DNS-1123 label of at most 40 characters, starting with a letter");
  const replicas = intIn("replicas", a.replicas, 1, 9);
  if (replicas > 1 && replicas % 2 === 0) invalidArg(C, "replicas", replicas, "must be 1 or odd (quorum queues and pause_minority need a majority of nodes)");
  if (!isByteQuantity(a.storageSize) || parseQuantity(a.storageSize)! < 2 ** 30) invalidArg(C, "storageSize", a.storageSize, 'must be a Kubernetes quantity of at least "1Gi"');
  const r = a.resources;
  for (const [f, v] of [["requests.memory", r.requests.memory], ["limits.memory", r.limits.memory]] as const) {
    if (!isByteQuantity(v)) invalidArg(C, `resources.${f}`, v, 'must be a Kubernetes quantity such as "1Gi"');
  }
  if (!isCpuQuantity(r.requests.cpu)) invalidArg(C, "resources.requests.cpu", r.requests.cpu, 'must be a CPU quantity such as "500m"');
  if (r.limits.cpu !== undefined && !isCpuQuantity(r.limits.cpu)) invalidArg(C, "resources.limits.cpu", r.limits.cpu, 'must be a CPU quantity such as "2"');
  if (parseQuantity(r.limits.memory)! < 256 * 2 ** 20) invalidArg(C, "resources.limits.memory", r.limits.memory, 'must be at least "256Mi"');
  if (parseQuantity(r.requests.memory)! > parseQuantity(r.limits.memory)!) invalidArg(C, "resources.requests.memory", r.requests.memory, `must not exceed limits.memory (${r.limits.memory})`);
  const storage = parseQuantity(a.storageSize)!;
  const diskFreeLimitBytes = a.diskFreeLimitBytes ?? Math.min(OPERATOR_FACTS.defaults.diskFreeLimitBytes, Math.floor(storage * 0.2));
  if (!Number.isInteger(diskFreeLimitBytes) || diskFreeLimitBytes < 50_000_000 || diskFreeLimitBytes >= storage) {
    invalidArg(C, "diskFreeLimitBytes", diskFreeLimitBytes, `must be an integer of at least 50000000 and below storageSize (${storage} bytes)`);
  }
  const deliveryLimit = intIn("deliveryLimit", a.deliveryLimit ?? 20, 1, 1000);
  const image = a.image ?? RABBITMQ_IMAGE;
  if (!/:[A-Za-z0-9._-]+$|@sha256:[a-f0-9]{64}$/.test(image) || /:latest$/.test(image)) invalidArg(C, "image", image, "must be pinned to a tag (not latest) or a digest");
  const clusterDomain = a.clusterDomain ?? "cluster.local";
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(clusterDomain)) invalidArg(C, "clusterDomain", clusterDomain, "must be a DNS name");
  const deletionPolicy = a.deletionPolicy ?? "delete";
  if (deletionPolicy !== "delete" && deletionPolicy !== "retain") invalidArg(C, "deletionPolicy", deletionPolicy, 'must be "delete" or "retain"');
  const antiAffinity = a.antiAffinity ?? "preferred";
  if (antiAffinity !== "required" && antiAffinity !== "preferred") invalidArg(C, "antiAffinity", antiAffinity, 'must be "required" or "preferred"');

  const vhosts = new Set<string>();
  const users = new Set<string>();
  const apps = a.apps.map((app, i): ResolvedApp => {
    const f = `apps[${i}]`;
    if (!LABEL.test(app.name)) invalidArg(C, `${f}.name`, app.name, "must be a DNS-1123 label");
    const vhost = app.vhost ?? app.name;
    if (!OBJECT.test(vhost)) invalidArg(C, `${f}.vhost`, vhost, 'must be 1-128 of letters, digits, "_", "." or "-"');
    if (vhosts.has(vhost)) invalidArg(C, `${f}.vhost`, vhost, "is used by another app (each app gets its own vhost)");
    vhosts.add(vhost);
    if (!USER.test(app.user.username) || app.user.username === "guest") invalidArg(C, `${f}.user.username`, app.user.username, 'must be a user name of letters, digits, "_", "." or "-" (not "guest")');
    if (users.has(app.user.username)) invalidArg(C, `${f}.user.username`, app.user.username, "is used by another app");
    users.add(app.user.username);
    if (!LABEL.test(app.user.secretName)) invalidArg(C, `${f}.user.secretName`, app.user.secretName, "must be the name of a Secret");
    if (app.user.secretName === OPERATOR_FACTS.defaultUserSecret(name)) invalidArg(C, `${f}.user.secretName`, app.user.secretName, "is the operator's default (administrator) user, which is for operators only");
    if (Object.keys(app.podLabels).length === 0) invalidArg(C, `${f}.podLabels`, app.podLabels, "must select some pods (an empty selector would admit every pod)");
    const p = app.permissions ?? {};
    const permissions = {
      configure: regex(`${f}.permissions.configure`, p.configure ?? "^$"),
      write: regex(`${f}.permissions.write`, p.write ?? ".*"),
      read: regex(`${f}.permissions.read`, p.read ?? ".*"),
    };
    const names = new Set<string>();
    const queues = (app.queues ?? []).map((q, j): ResolvedWorkQueue => {
      const qf = `${f}.queues[${j}]`;
      if (!OBJECT.test(q.name) || q.name.length > 120 || /\.(dlx|dlq)$/.test(q.name) || q.name.startsWith("amq.")) {
        invalidArg(C, `${qf}.name`, q.name, 'must be 1-120 of letters, digits, "_", "." or "-", not start with "amq." nor end in ".dlx"/".dlq"');
      }
      if (names.has(q.name)) invalidArg(C, `${qf}.name`, q.name, `is declared twice in vhost ${vhost}`);
      names.add(q.name);
      const limit = intIn(`${qf}.deliveryLimit`, q.deliveryLimit ?? deliveryLimit, 1, 1000);
      if (q.messageTtlMs !== undefined) intIn(`${qf}.messageTtlMs`, q.messageTtlMs, 1000, 2 ** 31 - 1);
      return { name: q.name, deadLetterExchange: `${q.name}.dlx`, deadLetterQueue: `${q.name}.dlq`, deliveryLimit: limit, ...(q.messageTtlMs !== undefined ? { messageTtlMs: q.messageTtlMs } : {}) };
    });
    return { name: app.name, vhost, user: app.user, permissions, queues, podLabels: app.podLabels, namespace: app.namespace ?? a.namespace };
  });

  return {
    namespace: a.namespace,
    instance: a.instance,
    name,
    image,
    replicas,
    storageSize: a.storageSize,
    ...(a.storageClass ? { storageClass: a.storageClass } : {}),
    resources: a.resources,
    diskFreeLimitBytes,
    deliveryLimit,
    apps,
    deletionPolicy,
    antiAffinity,
    ...(a.tls ? { tls: a.tls } : {}),
    clusterDomain,
    operatorsNamespace: a.operatorsNamespace ?? OPERATOR_FACTS.clusterOperatorPods.namespace,
    monitoringNamespace: a.monitoring.namespace ?? "monitoring",
    labels: a.labels ?? {},
    host: `${OPERATOR_FACTS.clientService(name)}.${a.namespace}.svc.${clusterDomain}`,
  };
}
