/**
 * Composes the platform for one stack: hands the validated settings to the
 * components as typed Args. Components never read config themselves.
 */
import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformConfigError } from "@readiness/platform";
import { GeneratedSecrets } from "@readiness/platform";
import { PlatformNamespace } from "@readiness/platform";
import { STORE_CREDENTIAL_NAMES, type StackConfig } from "./config";
import { composeApps } from "./compose/apps";
import { composeClusterServices } from "./compose/cluster-services";
import { composeData, preflightData } from "./compose/data";
import { composeMonitoring } from "./compose/monitoring";
import { composeRedis, preflightRedis } from "./compose/redis";
import { composeRabbitMq, preflightRabbitMq } from "./compose/rabbitmq";
import { composeKeycloak, preflightKeycloak } from "./compose/keycloak";
import { composeEdge, composeEdgeInstall, routeAdminSurfaces } from "./compose/edge";
import type { PlatformContext, Topology } from "./compose/context";

export interface PlatformOutputs {
  readonly namespace: string;
  readonly urls: Record<string, string>;
  /** Names of the Kubernetes Secrets holding connection details, by purpose. */
  readonly connectionSecrets: Record<string, string>;
  /** Components and their connections, for the render's diagram. */
  readonly topology: Topology;
}

/** `platform:suppliedSecrets` minus the store's credentials (which go to the PostgreSQL component). */
function suppliedCatalogSecrets(cfg: StackConfig): Record<string, string> {
  const store: readonly string[] = Object.values(STORE_CREDENTIAL_NAMES);
  return Object.fromEntries(Object.entries(cfg.suppliedSecrets).filter(([k]) => !store.includes(k)));
}

export class Platform extends pulumi.ComponentResource {
  public readonly outputs: PlatformOutputs;

  constructor(name: string, cfg: StackConfig, opts?: pulumi.ComponentResourceOptions) {
    super("platform:index:Platform", name, {}, opts);
    const s = cfg.settings;
    const topology: Topology = { nodes: [], edges: [] };
    const ns = new PlatformNamespace("namespace", { name: cfg.namespace, instance: cfg.stack, podSecurity: s.kubernetes.podSecurity }, { parent: this });
    topology.nodes.push({ id: "namespace", label: `Namespace ${cfg.namespace}` });
    const secrets = new GeneratedSecrets(
      "secrets",
      { namespace: ns.name, instance: cfg.stack, rotation: s.secrets.rotation, supplied: suppliedCatalogSecrets(cfg) },
      { parent: this, dependsOn: [ns.namespace] },
    );
    topology.nodes.push({ id: "secrets", label: "GeneratedSecrets" });
    const ctx: PlatformContext = { cfg, parent: this, namespace: ns, secrets, topology };

    const edgeInstall = composeEdgeInstall(ctx);
    const cluster = composeClusterServices(ctx, edgeInstall);
    const monitoring = composeMonitoring(ctx, cluster);
    const edge = composeEdge(ctx, edgeInstall, cluster.ready, monitoring);
    routeAdminSurfaces(ctx, edge, monitoring);
    const data = composeData(ctx, cluster, monitoring);
    const redis = composeRedis(ctx, cluster, monitoring);
    const rabbitmq = composeRabbitMq(ctx, cluster, monitoring);
    composeKeycloak(ctx, cluster, monitoring, edge, data.ready);
    const apps = composeApps(
      ctx,
      { ...data, redis: redis.connection, ...(rabbitmq ? { rabbitmq: rabbitmq.connection } : {}), ready: [...data.ready, ...redis.ready, ...(rabbitmq?.ready ?? [])] },
      monitoring,
      edge,
    );

    this.outputs = {
      namespace: cfg.namespace,
      urls: { ...apps.urls, ...monitoring.urls },
      connectionSecrets: { ...data.connectionSecrets, ...(rabbitmq ? { rabbitmq: rabbitmq.connection.secretName } : {}) },
      topology,
    };
    this.registerOutputs({ namespace: this.outputs.namespace, urls: this.outputs.urls });
  }
}

/** Runs the components' pure arg checks; their errors name the stack too. */
export function preflight(cfg: StackConfig): void {
  try {
    preflightData(cfg);
    preflightRedis(cfg);
    preflightRabbitMq(cfg);
    preflightKeycloak(cfg);
  } catch (e) {
    if (e instanceof PlatformConfigError) throw new PlatformConfigError(`stack "${cfg.stack}": ${e.message}`);
    throw e;
  }
}

/** The explicit providers of a stack: never the ambient default Kubernetes context in staging/prod. */
export function stackProviders(cfg: StackConfig): pulumi.ProviderResource[] {
  const kube = new k8s.Provider("kubernetes", {
    context: cfg.settings.kubernetes.context,
    kubeconfig: cfg.settings.kubernetes.kubeconfig,
    enableServerSideApply: true,
    deleteUnreachable: cfg.environment === "preview" || cfg.environment === "local",
  });
  const providers: pulumi.ProviderResource[] = [kube];
  if (cfg.settings.aws) {
    providers.push(
      // @pulumi/aws loads only here, in stacks with AWS resources (it costs about a second).
      new ((require("@pulumi/aws") as typeof aws).Provider)("aws", {
        region: cfg.settings.aws.region as aws.Region,
        defaultTags: { tags: { "platform:stack": cfg.stack, "platform:environment": cfg.environment, "managed-by": "pulumi" } },
      }),
    );
  }
  return providers;
}

export function buildPlatform(cfg: StackConfig): PlatformOutputs {
  // Everything that can still be wrong with config-driven component args is checked before
  // the first resource (the providers) registers; the stack schema covers the rest.
  preflight(cfg);
  const providers = stackProviders(cfg);
  return new Platform("platform", cfg, { providers }).outputs;
}
