import type * as pulumi from "@pulumi/pulumi";
import { selectorLabels } from "@readiness/platform";
import { MONITORING_NAMESPACE } from "@readiness/platform";
import { RabbitMq, RabbitMqOperators, resolveRabbitMqArgs, type RabbitMqArgs, type RabbitMqConnection } from "@readiness/platform";
import { PLATFORM_SECRETS } from "@readiness/platform";
import type { StackConfig } from "../config";
import { componentMonitoring, type ClusterParts, type MonitoringParts, type PlatformContext } from "./context";

/** The generated secret of core-api's RabbitMQ user (basic-auth: `username`, `password`). */
export const RABBITMQ_USER_SECRET = "rabbitmq";

function username(secret: string): string {
  const spec = PLATFORM_SECRETS.find((s) => s.name === secret)?.spec;
  if (!spec || spec.kind !== "password" || !spec.username) throw new Error(`secrets catalogue: ${secret} must be a password with a username`);
  return spec.username;
}

/** The RabbitMq args of a stack, from config alone. Pure. */
export function rabbitMqArgs(cfg: StackConfig, monitoringNamespace: string = MONITORING_NAMESPACE): RabbitMqArgs {
  const s = cfg.settings;
  const r = s.rabbitmq;
  const prodLike = cfg.environment === "prod" || cfg.environment === "staging";
  return {
    namespace: cfg.namespace,
    instance: cfg.stack,
    name: "rabbitmq",
    replicas: r.replicas,
    storageSize: r.storageSize,
    resources: r.resources,
    deliveryLimit: r.deliveryLimit,
    ...(r.tls ? { tls: { issuer: { name: r.tls.issuer, kind: r.tls.kind } } } : {}),
    apps: [
      {
        name: "core-api",
        user: { username: username(RABBITMQ_USER_SECRET), secretName: RABBITMQ_USER_SECRET },
        queues: r.queues.map((name) => ({ name })),
        podLabels: selectorLabels({ name: "core-api", instance: cfg.stack }),
      },
    ],
    // Queues and vhosts (and the messages in them) outlive their CRs where losing them costs.
    deletionPolicy: prodLike ? "retain" : "delete",
    antiAffinity: cfg.environment === "prod" ? "required" : "preferred",
    monitoring: componentMonitoring(cfg, monitoringNamespace),
  };
}

/** Checks the RabbitMq args a stack's config produces; throws the component's one-line error. */
export function preflightRabbitMq(cfg: StackConfig): void {
  if (cfg.settings.rabbitmq.enabled) resolveRabbitMqArgs("rabbitmq", rabbitMqArgs(cfg));
}

export interface RabbitMqParts {
  /** core-api's connection details. */
  readonly connection: RabbitMqConnection;
  readonly ready: pulumi.Resource[];
}

/** The stack's RabbitMQ (and, in stacks that own their cluster, the two operators). */
export function composeRabbitMq(ctx: PlatformContext, cluster: ClusterParts, monitoring: MonitoringParts): RabbitMqParts | undefined {
  const { cfg, secrets } = ctx;
  if (!cfg.settings.rabbitmq.enabled) return undefined;
  const { nodes, edges } = ctx.topology;
  let operatorsReady: pulumi.Resource[] = [];
  if (cfg.settings.clusterServices) {
    const ops = new RabbitMqOperators("rabbitmq-operators", { certManagerReady: cluster.ready }, { parent: ctx.parent });
    operatorsReady = [...ops.ready];
    nodes.push({ id: "rabbitmq-operators", label: `RabbitMQ cluster operator ${ops.versions.clusterOperator} + topology operator ${ops.versions.topologyOperator}` });
    if (cluster.ready.length > 0) edges.push({ from: "rabbitmq-operators", to: "cert-manager", label: "webhook certificates" });
  }
  const userSecret = secrets.get(RABBITMQ_USER_SECRET);
  const broker = new RabbitMq(
    "rabbitmq",
    { ...rabbitMqArgs(cfg, monitoring.monitoringNamespace), operatorsReady, monitoringCrdsReady: monitoring.crdsReady, certManagerReady: cluster.ready },
    { parent: ctx.parent, dependsOn: [ctx.namespace.namespace, ctx.namespace.defaultDeny, userSecret.secret] },
  );
  const a = broker.args;
  nodes.push({ id: "rabbitmq", label: `RabbitMQ ${a.image.split(":").pop()} (${a.replicas} node${a.replicas > 1 ? "s" : ""}, quorum queues)` });
  if (operatorsReady.length > 0) edges.push({ from: "rabbitmq-operators", to: "rabbitmq", label: "reconciles" });
  edges.push({ from: "rabbitmq", to: "secrets", label: "importCredentialsSecret" });
  return { connection: broker.connections["core-api"]!, ready: [broker] };
}
