import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { serverCertificateSpec } from "../lib/certificates";
import { childDependsOn } from "../lib/deps";
import { invalidArg } from "../lib/errors";
import { standardLabels } from "../lib/labels";
import { applyTransform as apply, type Transform } from "../lib/transform";
import { prometheusRule, serviceMonitor, type PrometheusRuleSpec, type ServiceMonitorSpec } from "../monitoring/monitors";
import { resolveRabbitMqArgs, type RabbitMqArgs, type ResolvedRabbitMqArgs } from "./args";
import { OPERATOR_FACTS } from "./facts";
import { brokerServiceMonitorSpec, rabbitmqPrometheusRuleSpec } from "./monitoring";
import { brokerPolicy, brokerPorts } from "./network";
import { amqpPort, certificateDnsNames, RABBITMQ_API_VERSION, rabbitmqClusterSpec, tlsSecretName, topology } from "./spec";

import type { CustomResourceArgs as CR } from "../lib/transform";

/** How one application reaches its vhost. */
export interface RabbitMqConnection {
  /** In-cluster host of the broker's client Service. */
  readonly host: string;
  /** AMQP port: 5672, or 5671 (AMQPS) with TLS. */
  readonly port: number;
  /** The app's vhost. */
  readonly vhost: string;
  /** The app's user name. */
  readonly username: string;
  /** Secret with `username` and `password` (the app's own user, never the operator's default user). */
  readonly secretName: string;
  /** Whether clients must use TLS (AMQPS). */
  readonly tls: boolean;
  /** The broker's pods and AMQP port (for the app's egress NetworkPolicy). */
  readonly peers: readonly { readonly podLabels: Readonly<Record<string, string>>; readonly ports: readonly number[] }[];
  /** The app's work queues and their dead-letter queues. */
  readonly queues: readonly { readonly name: string; readonly deadLetterQueue: string }[];
}

/** Escape hatches of {@link RabbitMq}, one per child. */
export interface RabbitMqTransforms {
  /** The RabbitmqCluster. */
  readonly cluster?: Transform<CR>;
  /** Each topology object (Vhost, User, Permission, Exchange, Queue, Binding, Policy). */
  readonly topology?: Transform<CR>;
  /** The brokers' PodDisruptionBudget (`maxUnavailable: 1`). */
  readonly pdb?: Transform<k8s.policy.v1.PodDisruptionBudgetArgs>;
  /** The brokers' NetworkPolicy. */
  readonly networkPolicy?: Transform<k8s.networking.v1.NetworkPolicyArgs>;
  /** The ServiceMonitor; the monitoring label is re-applied after it. */
  readonly serviceMonitor?: Transform<CR>;
  /** The PrometheusRule with the RabbitMQ alerts; the monitoring label is re-applied after it. */
  readonly prometheusRule?: Transform<CR>;
  /** The cert-manager Certificate of the broker (with `tls`). */
  readonly certificate?: Transform<CR>;
}

/** {@link RabbitMqArgs} plus what the custom resources wait for and the escape hatches per child. */
export interface RabbitMqComponentArgs extends RabbitMqArgs {
  /** The operators (RabbitMqOperators.ready, or nothing when the cluster has its own). @default [] */
  readonly operatorsReady?: readonly pulumi.Resource[];
  /** prometheus-operator CRDs the ServiceMonitor and PrometheusRule wait for. @default [] */
  readonly monitoringCrdsReady?: readonly pulumi.Resource[];
  /** cert-manager (CRDs and controller) the Certificate waits for, with TLS on. @default [] */
  readonly certManagerReady?: readonly pulumi.Resource[];
  /** Escape hatch per child, applied to its args just before it is created. */
  readonly transform?: RabbitMqTransforms;
}

/**
 * A RabbitMQ cluster run by the RabbitMQ Cluster Operator, with its topology run
 * by the Messaging Topology Operator: per app a vhost, a user whose password is
 * the app's generated Secret, and permissions; work queues as quorum queues, each
 * with a dead-letter exchange and queue, dead-lettering and delivery limit as
 * Policies. Plus what the operators leave out: a PodDisruptionBudget, a
 * NetworkPolicy, a ServiceMonitor with per-queue metrics, and alert rules.
 */
export class RabbitMq extends pulumi.ComponentResource {
  /** The resolved args the component was built from. */
  public readonly args: ResolvedRabbitMqArgs;
  /** The RabbitmqCluster `<name>`; Pulumi waits for its ready condition. */
  public readonly cluster: k8s.apiextensions.CustomResource;
  /**
   * The topology objects: per app a Vhost, User and Permission; per work queue its Queue, dead-letter Exchange, Queue,
   * Binding and Policy.
   */
  public readonly topology: readonly k8s.apiextensions.CustomResource[];
  /** PodDisruptionBudget `<name>` (`maxUnavailable: 1`; the operator makes none). */
  public readonly pdb: k8s.policy.v1.PodDisruptionBudget;
  /** NetworkPolicy `<name>` of the brokers: the apps, the peers, the operators and Prometheus get in. */
  public readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
  /** ServiceMonitor of the brokers' metrics, per queue included. */
  public readonly serviceMonitor: k8s.apiextensions.CustomResource;
  /** PrometheusRule `<name>-alerts`; undefined when `monitoring.rules` is false. */
  public readonly prometheusRule?: k8s.apiextensions.CustomResource;
  /** cert-manager Certificate of the broker; undefined without `tls`. */
  public readonly certificate?: k8s.apiextensions.CustomResource;
  /** Connection details per app name. */
  public readonly connections: Readonly<Record<string, RabbitMqConnection>>;

  constructor(name: string, args: RabbitMqComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:RabbitMq", name, {}, opts);
    const a = resolveRabbitMqArgs(name, args);
    this.args = a;
    const t = args.transform ?? {};
    const ns = a.namespace;
    const labels = { ...a.labels, ...standardLabels({ name: a.name, instance: a.instance, component: "message-broker" }) };
    const child = (...own: (pulumi.Resource | undefined)[]): pulumi.CustomResourceOptions => ({ parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...own) });
    const operators = args.operatorsReady ?? [];

    if (a.tls) {
      this.certificate = new k8s.apiextensions.CustomResource(
        `${name}-certificate`,
        apply(t.certificate, {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: { name: tlsSecretName(a), namespace: ns, labels },
          spec: serverCertificateSpec({ secretName: tlsSecretName(a), issuer: a.tls.issuer, dnsNames: certificateDnsNames(a) }),
        }),
        child(...(args.certManagerReady ?? [])),
      );
    }

    this.cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      apply(t.cluster, { apiVersion: RABBITMQ_API_VERSION, kind: "RabbitmqCluster",
        // Pulumi waits for the operator's condition (internal/status/status.go), so the apps start after the broker.
        metadata: { name: a.name, namespace: ns, labels, annotations: { "pulumi.com/waitFor": `condition=${OPERATOR_FACTS.conditions.cluster}` } },
        spec: rabbitmqClusterSpec(a) }),
      child(...operators, this.certificate),
    );

    // The operator creates no PodDisruptionBudget: one node at a time keeps quorum queues' majority.
    this.pdb = new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      apply(t.pdb, {
        metadata: { name: a.name, namespace: ns, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: OPERATOR_FACTS.podSelector(a.name) } },
      }),
      child(),
    );

    this.topology = topology(a).map(
      (o) =>
        new k8s.apiextensions.CustomResource(
          `${name}-${o.name.startsWith(`${a.name}-`) ? o.name.slice(a.name.length + 1) : o.name}`,
          apply(t.topology, {
            apiVersion: RABBITMQ_API_VERSION,
            kind: o.kind,
            metadata: { name: o.name, namespace: ns, labels: { ...labels, "platform.dev/app": o.app }, annotations: { "pulumi.com/waitFor": `condition=${OPERATOR_FACTS.conditions.topology}` } },
            spec: { ...o.spec, rabbitmqClusterReference: { name: a.name } },
          }),
          child(...operators, this.cluster),
        ),
    );

    this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
      `${name}-networkpolicy`,
      apply(t.networkPolicy, { metadata: { name: a.name, namespace: ns, labels }, spec: brokerPolicy(a) }),
      child(),
    );

    const monOpts = child(...(args.monitoringCrdsReady ?? []));
    this.serviceMonitor = serviceMonitor(
      `${name}-servicemonitor`,
      { name: a.name, namespace: ns, labels, spec: brokerServiceMonitorSpec(a) as ServiceMonitorSpec, transform: t.serviceMonitor },
      monOpts,
    );
    if (args.monitoring.rules ?? true) {
      let spec: Record<string, unknown>;
      try {
        spec = rabbitmqPrometheusRuleSpec(args.monitoring, [{ job: OPERATOR_FACTS.clientService(a.name), namespace: ns, reads: "the RabbitMQ alerts and dashboard" }]);
      } catch (e) {
        throw invalidArg("RabbitMq", "monitoring", "alert options", `are invalid: ${(e as Error).message}`);
      }
      this.prometheusRule = prometheusRule(
        `${name}-prometheusrule`,
        { name: `${a.name}-alerts`, namespace: ns, labels, spec: spec as unknown as PrometheusRuleSpec, transform: t.prometheusRule },
        monOpts,
      );
    }

    this.connections = rabbitMqConnections(a);
    this.registerOutputs({ host: a.host, vhosts: a.apps.map((app) => app.vhost), secrets: a.apps.map((app) => app.user.secretName) });
  }
}

/** Connection details of every app (pure). */
export function rabbitMqConnections(a: ResolvedRabbitMqArgs): Record<string, RabbitMqConnection> {
  const port = amqpPort(a).port;
  return Object.fromEntries(
    a.apps.map((app) => [
      app.name,
      {
        host: a.host,
        port,
        vhost: app.vhost,
        username: app.user.username,
        secretName: app.user.secretName,
        tls: a.tls !== undefined,
        peers: [{ podLabels: OPERATOR_FACTS.podSelector(a.name), ports: [brokerPorts(a).amqp] }],
        queues: app.queues.map((q) => ({ name: q.name, deadLetterQueue: q.deadLetterQueue })),
      },
    ]),
  );
}

/**
 * Spring Boot 3 (`spring.rabbitmq.*`): host, port, vhost, TLS from values, the user
 * and password from the app's Secret. Never the operator's default user.
 */
export function springRabbitEnv(c: RabbitMqConnection): { env: Record<string, string>; secretEnv: Record<string, { secret: string; key: string }> } {
  return {
    env: { SPRING_RABBITMQ_HOST: c.host, SPRING_RABBITMQ_PORT: String(c.port), SPRING_RABBITMQ_VIRTUAL_HOST: c.vhost, SPRING_RABBITMQ_SSL_ENABLED: String(c.tls) },
    secretEnv: {
      SPRING_RABBITMQ_USERNAME: { secret: c.secretName, key: OPERATOR_FACTS.importCredentialsKeys.username },
      SPRING_RABBITMQ_PASSWORD: { secret: c.secretName, key: OPERATOR_FACTS.importCredentialsKeys.password },
    },
  };
}
