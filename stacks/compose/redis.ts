import type * as pulumi from "@pulumi/pulumi";
import { selectorLabels } from "@readiness/platform";
import { MONITORING_NAMESPACE } from "@readiness/platform";
import { Redis, resolveRedisArgs, type RedisArgs, type RedisConnection, type RedisUserSecret } from "@readiness/platform";
import { ElastiCacheRedis, resolveElastiCacheArgs, type ElastiCacheArgs } from "@readiness/platform";
import { PLATFORM_SECRETS } from "@readiness/platform";
import type { StackConfig } from "../config";
import { componentMonitoring, type ClusterParts, type MonitoringParts, type PlatformContext } from "./context";

/** The apps allowed to reach Redis (NetworkPolicy): nothing else in the namespace may. */
export const REDIS_CLIENT_APPS = ["core-api", "web"] as const;

/** The generated secrets of the Redis users: `redis` (app) and `redis-admin`. */
export const REDIS_USER_SECRETS = { app: "redis", admin: "redis-admin" } as const;

function username(secret: string): string {
  const spec = PLATFORM_SECRETS.find((s) => s.name === secret)?.spec;
  if (!spec || spec.kind !== "password" || !spec.username) throw new Error(`secrets catalogue: ${secret} must be a password with a username`);
  return spec.username;
}

/**
 * The Redis args of a stack (in-cluster provider), from config alone; the passwords
 * are given (GeneratedSecrets outputs, or placeholders for the preflight). Pure.
 */
export function redisArgs(
  cfg: StackConfig,
  passwords: { app: pulumi.Input<string>; admin: pulumi.Input<string> },
  monitoringNamespace: string = MONITORING_NAMESPACE,
): RedisArgs {
  const s = cfg.settings;
  const r = s.redis;
  const user = (role: "app" | "admin"): RedisUserSecret => ({ username: username(REDIS_USER_SECRETS[role]), secretName: REDIS_USER_SECRETS[role], key: "password", password: passwords[role] });
  return {
    namespace: cfg.namespace,
    instance: cfg.stack,
    name: "redis",
    flavor: r.flavor,
    mode: r.mode,
    replicas: r.replicas,
    use: r.use,
    storageSize: r.storageSize,
    resources: r.resources,
    ...(r.mode === "sentinel" ? { sentinel: { ...r.sentinel } } : {}),
    ...(r.tls ? { tls: { issuer: { name: r.tls.issuer, kind: r.tls.kind } } } : {}),
    users: { app: user("app"), admin: user("admin") },
    clients: REDIS_CLIENT_APPS.map((app) => ({ podLabels: selectorLabels({ name: app, instance: cfg.stack }) })),
    antiAffinity: cfg.environment === "prod" ? "required" : "preferred",
    monitoring: componentMonitoring(cfg, monitoringNamespace),
  };
}

/** The ElastiCache args of a stack (provider elasticache). Pure. */
export function elastiCacheArgs(cfg: StackConfig, authToken: pulumi.Input<string>, tokenSecret: string): ElastiCacheArgs {
  const e = cfg.settings.redis.elasticache!;
  return {
    namespace: cfg.namespace,
    instance: cfg.stack,
    name: "redis",
    engine: e.engine,
    engineVersion: e.engineVersion,
    nodeType: e.nodeType,
    replicas: e.replicas,
    vpcId: e.vpcId,
    subnetIds: e.subnetIds,
    allowedCidrs: e.allowedCidrs,
    snapshotRetentionDays: e.snapshotRetentionDays,
    maxmemoryPolicy: cfg.settings.redis.use === "cache" ? "allkeys-lru" : "noeviction",
    authToken: { secretName: tokenSecret, key: "password", value: authToken },
    clients: REDIS_CLIENT_APPS.map((app) => ({ podLabels: selectorLabels({ name: app, instance: cfg.stack }) })),
    deletionProtection: cfg.environment !== "local" && cfg.environment !== "preview",
  };
}

/** Checks the Redis args a stack's config produces; throws the component's one-line error. */
export function preflightRedis(cfg: StackConfig): void {
  if (cfg.settings.redis.provider === "elasticache") resolveElastiCacheArgs("redis", elastiCacheArgs(cfg, "placeholder", "redis-elasticache-auth"));
  else resolveRedisArgs("redis", redisArgs(cfg, { app: "placeholder", admin: "placeholder" }));
}

export interface RedisParts {
  readonly connection: RedisConnection;
  /** What the apps wait for. */
  readonly ready: pulumi.Resource[];
}

/** The stack's Redis: in the cluster, or an ElastiCache replication group on AWS. */
export function composeRedis(ctx: PlatformContext, cluster: ClusterParts, monitoring: MonitoringParts): RedisParts {
  const { cfg, secrets } = ctx;
  const r = cfg.settings.redis;
  const { nodes, edges } = ctx.topology;
  const opts = { parent: ctx.parent, dependsOn: [ctx.namespace.namespace, ctx.namespace.defaultDeny, secrets] };
  if (r.provider === "elasticache") {
    const token = secrets.get("redis-elasticache-auth");
    const ec = new ElastiCacheRedis("redis", elastiCacheArgs(cfg, token.value, token.secretName), opts);
    const e = r.elasticache!;
    nodes.push({ id: "redis", label: `ElastiCache ${e.engine} ${e.engineVersion} (${e.nodeType}, 1 + ${e.replicas} replicas, Multi-AZ)` });
    edges.push({ from: "redis", to: "secrets", label: "AUTH token" });
    return { connection: ec.connection, ready: [ec] };
  }
  const app = secrets.get(REDIS_USER_SECRETS.app);
  const admin = secrets.get(REDIS_USER_SECRETS.admin);
  const redis = new Redis(
    "redis",
    {
      ...redisArgs(cfg, { app: app.value, admin: admin.value }, monitoring.monitoringNamespace),
      monitoringCrdsReady: monitoring.crdsReady,
      certManagerReady: cluster.ready,
      secretRotation: secrets.rotation,
    },
    opts,
  );
  const a = redis.args;
  const shape = a.mode === "sentinel" ? `primary + ${a.replicas - 1} replicas, ${a.sentinel!.replicas} Sentinels (quorum ${a.sentinel!.quorum})` : "standalone";
  nodes.push({ id: "redis", label: `${a.flavor === "redis" ? "Redis" : "Valkey"} ${a.image.split(":").pop()} (${shape}, ${a.maxmemoryPolicy})` });
  edges.push({ from: "redis", to: "secrets", label: "ACL passwords" });
  return { connection: redis.connection, ready: [redis] };
}
