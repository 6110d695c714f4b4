/**
 * Example program: the users' realtime app (Express + Socket.io with the Redis
 * adapter, app/server.mjs) hosted with the platform's components — a Workload,
 * a PostgresCluster and a Redis (standalone, or with Sentinel on a `prod` stack).
 *
 * The app is public through the platform's gateway (Envoy Gateway on the
 * stack's `platform-<stack>` Gateway `edge`): its own ListenerSet and
 * certificate for `chat.<domain>`, and a WebSocket route (upgrade allowed, no
 * request deadline, a one-hour idle timeout). See README.md.
 *
 *   pulumi up -s dev     # in examples/realtime, with the Pulumi CLI and a cluster
 */
import * as pulumi from "@pulumi/pulumi";
import { EdgeListeners, GeneratedSecrets, PlatformNamespace, PostgresCluster, Redis, Workload, nodeRedisEnv, type RedisArgs, type SecretSpec } from "../../components";
import { selectorLabels } from "../../components/lib/labels";

export const APP = "chat";

/**
 * Where the example attaches at the edge: the platform stack's Gateway (`edge` in
 * `platform-<stack>`, which admits ListenerSets from the platform's namespaces) and the
 * example's own domain under it, so its host name and certificate are its own.
 */
export function realtimeEdge(stack: string): { gateway: { name: string; namespace: string }; domain: string; host: string; clusterIssuer: string } {
  const domain = stack === "prod" ? "realtime.platform.example.com" : `realtime.${stack}.platform.example.com`;
  return { gateway: { name: "edge", namespace: `platform-${stack}` }, domain, host: `${APP}.${domain}`, clusterIssuer: stack === "prod" ? "letsencrypt-prod" : "letsencrypt-staging" };
}
const RUNBOOKS = "https://github.com/example/platform/blob/main/docs/runbooks";

/** What this program generates: the database owner and the two Redis users. */
export const REALTIME_SECRETS: readonly SecretSpec[] = [
  { name: "chat-db", description: "PostgreSQL owner of the chat database", spec: { kind: "password", length: 32, alphabet: "url-safe", username: "chat" } },
  { name: "redis", description: "Redis ACL password of the application user", spec: { kind: "password", length: 32, alphabet: "url-safe", username: "app" } },
  { name: "redis-admin", description: "Redis ACL password of the admin user", spec: { kind: "password", length: 32, alphabet: "url-safe", username: "admin" } },
];

/** The Redis of the example: Socket.io fan-out and sessions (noeviction); Sentinel HA on prod. Pure. */
export function realtimeRedisArgs(stack: string, namespace: string, passwords: { app: pulumi.Input<string>; admin: pulumi.Input<string> }): RedisArgs {
  const prod = stack === "prod";
  return {
    namespace,
    instance: stack,
    name: "redis",
    mode: prod ? "sentinel" : "standalone",
    use: "sessions",
    storageSize: prod ? "4Gi" : "1Gi",
    resources: prod ? { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "1Gi" } } : { requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "256Mi" } },
    ...(prod ? { sentinel: { downAfterMilliseconds: 5000 } } : {}),
    users: {
      app: { username: "app", secretName: "redis", password: passwords.app },
      admin: { username: "admin", secretName: "redis-admin", password: passwords.admin },
    },
    clients: [{ podLabels: selectorLabels({ name: APP, instance: stack }) }],
    monitoring: { runbookBaseUrl: RUNBOOKS },
  };
}

export default async function main(): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  const prod = stack === "prod";
  const ns = new PlatformNamespace("namespace", { name: `realtime-${stack}`, instance: stack });
  const secrets = new GeneratedSecrets("secrets", { namespace: ns.name, instance: stack, secrets: REALTIME_SECRETS }, { dependsOn: [ns.namespace] });
  const deps = { dependsOn: [ns.namespace, ns.defaultDeny, secrets] };

  const db = new PostgresCluster(
    "chat-db",
    {
      namespace: `realtime-${stack}`,
      instance: stack,
      instances: prod ? 3 : 1,
      storageSize: prod ? "20Gi" : "2Gi",
      walStorageSize: prod ? "4Gi" : "1Gi",
      // Guaranteed QoS (limits = requests), the component's default for database pods.
      resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "250m", memory: "1Gi" } },
      databases: [{ name: "chat", owner: "chat", passwordSecret: "chat-db" }],
      objectStore: { kind: "in-cluster" },
      monitoring: { runbookBaseUrl: RUNBOOKS },
      deletionProtection: prod,
    },
    deps,
  );

  const redis = new Redis("redis", realtimeRedisArgs(stack, `realtime-${stack}`, { app: secrets.get("redis").value, admin: secrets.get("redis-admin").value }), deps);
  const r = nodeRedisEnv(redis.connection);

  const edge = realtimeEdge(stack);
  const listeners = new EdgeListeners(
    "edge",
    { namespace: `realtime-${stack}`, instance: stack, gateway: edge.gateway, domain: edge.domain, hosts: [edge.host], clusterIssuer: edge.clusterIssuer },
    { dependsOn: [ns.namespace] },
  );

  const chat = new Workload(
    APP,
    {
      namespace: `realtime-${stack}`,
      instance: stack,
      component: "realtime",
      image: "ghcr.io/example/chat:1.0.0",
      port: 3000,
      probes: { startup: "/healthz", liveness: "/healthz", readiness: "/healthz" },
      env: { ...r.env, PGHOST: db.host, PGPORT: String(db.port), PGDATABASE: "chat", PGSSLMODE: "require" },
      secretEnv: { ...r.secretEnv, PGUSER: { secret: "chat-db", key: "username" }, PGPASSWORD: { secret: "chat-db", key: "password" } },
      autoscaling: { enabled: true, minReplicas: prod ? 3 : 1, maxReplicas: prod ? 12 : 2, targetCpuUtilization: 70 },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
      // Socket.io over WebSocket only: the upgrade passes, no request deadline, an hour of idle.
      route: { gateway: listeners.ref, host: edge.host, websocket: { idleTimeoutSeconds: 3600 } },
      dependencies: [...redis.connection.peers.map((p) => ({ podLabels: p.podLabels, ports: p.ports })), { podLabels: db.poolerPodLabels, ports: [db.port] }],
    },
    { dependsOn: [ns.namespace, db, redis, ...listeners.ready] },
  );

  return { namespace: ns.name, url: `https://${edge.host}`, chat: chat.internalUrl, redis: redis.connection.mode, database: db.host };
}
