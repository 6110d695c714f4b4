import { selectorLabels } from "@readiness/platform";
import { nodeRedisEnv, springRedisEnv } from "@readiness/platform";
import { springRabbitEnv } from "@readiness/platform";
import { Workload, type Peer, type SecretRef } from "@readiness/platform";
import type { DataParts, MonitoringParts, PlatformContext } from "./context";
import type { EdgeParts } from "./edge";

export interface AppParts {
  readonly urls: Record<string, string>;
  readonly coreApi: Workload;
  readonly web: Workload;
}

/** Spring Boot's management server (actuator: health groups, /actuator/prometheus). */
export const CORE_API_MANAGEMENT_PORT = 8081;
/** web's metrics listener (prom-client), separate from the Next.js server. */
export const WEB_METRICS_PORT = 9464;

/** The sample product: core-api (Spring Boot) and web (Next.js), images from stack config. */
export function composeApps(ctx: PlatformContext, data: DataParts, monitoring: MonitoringParts, edge: EdgeParts): AppParts {
  const { cfg, secrets } = ctx;
  const s = cfg.settings;
  const ns = cfg.namespace;
  const ref = (secret: string, key?: string): SecretRef => {
    const g = secrets.get(secret);
    return { secret: g.secretName, key: key ?? g.key };
  };
  /** The app on the stack's edge: routes on the gateway (per-client limits on `paths` marked so), or an Ingress. */
  const expose = (app: string, paths?: { prefix: string; rateLimit?: boolean }[]) =>
    edge.gateway
      ? { route: { gateway: edge.gateway, host: edge.publicHost(app), rateLimitPerMinute: s.ingress.rateLimitPerMinute, ...(paths ? { paths } : {}) }, edgeReady: edge.ready }
      : { ingress: edge.ingress!(edge.publicHost(app)) };
  const opts = { parent: ctx.parent, dependsOn: [ctx.namespace.namespace, ...data.ready] };
  /** What every app of the stack shares: where it runs, who scrapes it, its size from the environment table. */
  const common = (app: "coreApi" | "web") => ({
    namespace: ns,
    instance: cfg.stack,
    image: s.images[app],
    replicas: s.workloads[app].replicas,
    autoscaling: s.workloads[app].autoscaling,
    resources: s.workloads[app].resources,
    monitoringNamespace: monitoring.monitoringNamespace,
    monitoringCrdsReady: monitoring.crdsReady,
    alerts: { runbookBaseUrl: s.monitoring.alerts.runbookBaseUrl, durations: s.monitoring.alerts.durations },
    // Rotating a secret an app reads rolls that app (components/secrets/rotation.ts).
    secretRotation: secrets.rotation,
  });
  const db = data.coreApiDatabase;

  const apiDeps: Peer[] = db ? [{ podLabels: db.podLabels, ports: [db.port] }, ...(db.migration ? [{ podLabels: db.migration.podLabels, ports: [db.migration.port] }] : [])] : [];
  const apiEnv: Record<string, string> = {
    SPRING_PROFILES_ACTIVE: cfg.environment,
    // The heap share of the memory limit comes from `jvm` below (components/workload/jvm.ts).
    JAVA_TOOL_OPTIONS: "-Djava.io.tmpdir=/tmp",
    MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE: "health,prometheus",
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED: "true",
    // Actuator on its own port, which only Prometheus may reach and no route leads to; the
    // liveness/readiness groups are also served on the main port (/livez, /readyz) for the probes.
    MANAGEMENT_SERVER_PORT: String(CORE_API_MANAGEMENT_PORT),
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ADD_ADDITIONAL_PATHS: "true",
    // Histogram buckets at the SLO thresholds, so latency SLOs are exact.
    MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILES_HISTOGRAM_HTTP_SERVER_REQUESTS: "true",
    MANAGEMENT_METRICS_DISTRIBUTION_SLO_HTTP_SERVER_REQUESTS: "200ms,500ms,1s",
    SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI: `https://auth.${s.domain}/realms/platform`,
  };
  const apiSecretEnv: Record<string, SecretRef> = {
    JWT_SIGNING_KEY: ref("jwt-signing-key"),
    DATA_ENCRYPTION_KEY: ref("data-encryption-key"),
  };
  if (db) {
    apiEnv.SPRING_DATASOURCE_URL = `jdbc:postgresql://${db.host}:${db.port}/${db.database}?sslmode=require`;
    apiSecretEnv.SPRING_DATASOURCE_USERNAME = { secret: db.secretName, key: "username" };
    apiSecretEnv.SPRING_DATASOURCE_PASSWORD = { secret: db.secretName, key: "password" };
    if (db.migration) {
      // Flyway as the owner, straight to the primary (PgBouncer's transaction pooling breaks its locks and session state).
      apiEnv.SPRING_FLYWAY_URL = `jdbc:postgresql://${db.migration.host}:${db.migration.port}/${db.database}?sslmode=require`;
      apiSecretEnv.SPRING_FLYWAY_USER = { secret: db.migration.secretName, key: "username" };
      apiSecretEnv.SPRING_FLYWAY_PASSWORD = { secret: db.migration.secretName, key: "password" };
    }
  }
  // Redis: Spring's spring.data.redis.* (Sentinel nodes in HA), and egress to the Redis (and Sentinel) pods.
  const redisPeers: Peer[] = (data.redis?.peers ?? []).map((p) => ({ podLabels: p.podLabels, ports: p.ports }));
  if (data.redis) {
    const r = springRedisEnv(data.redis);
    Object.assign(apiEnv, r.env);
    Object.assign(apiSecretEnv, r.secretEnv);
    apiDeps.push(...redisPeers);
  }
  // RabbitMQ: spring.rabbitmq.* with core-api's own vhost and user (its Secret), never the operator's default user.
  if (data.rabbitmq) {
    const r = springRabbitEnv(data.rabbitmq);
    Object.assign(apiEnv, r.env);
    Object.assign(apiSecretEnv, r.secretEnv);
    apiDeps.push(...data.rabbitmq.peers.map((p) => ({ podLabels: p.podLabels, ports: p.ports })));
  }
  const webRedis = data.redis ? nodeRedisEnv(data.redis) : { env: {}, secretEnv: {} };
  const coreApi = new Workload(
    "core-api",
    {
      ...common("coreApi"),
      component: "api",
      // Spring Boot: CPU autoscaling, memory request = limit, heap 60% of the limit.
      jvm: s.workloads.coreApi.jvm ?? {},
      port: 8080,
      metrics: { path: "/actuator/prometheus", port: CORE_API_MANAGEMENT_PORT },
      probes: { startup: "/livez", liveness: "/livez", readiness: "/readyz" },
      env: apiEnv,
      secretEnv: apiSecretEnv,
      // All of core-api is API: every path is rate limited per client address.
      ...expose("api"),
      callers: [{ podLabels: selectorLabels({ name: "web", instance: cfg.stack }) }],
      dependencies: apiDeps,
      // JWKS of the Keycloak realm, fetched from its public issuer URL.
      egressHttps: true,
      labels: { team: "core" },
    },
    opts,
  );
  ctx.topology.nodes.push({ id: "core-api", label: "core-api (Spring Boot)" });
  ctx.topology.edges.push({ from: "core-api", to: "secrets", label: "secretKeyRef" });
  if (db) ctx.topology.edges.push({ from: "core-api", to: db.node, label: `postgres :${db.port}` });
  if (db?.migration) ctx.topology.edges.push({ from: "core-api", to: "app-db", label: `Flyway as owner :${db.migration.port}` });

  const web = new Workload(
    "web",
    {
      ...common("web"),
      component: "frontend",
      port: 3000,
      // prom-client's default registry on its own listener (METRICS_PORT), never on the routed port.
      metrics: { path: "/metrics", port: WEB_METRICS_PORT },
      probes: { startup: "/api/health", liveness: "/api/health", readiness: "/api/health" },
      env: {
        NODE_ENV: "production",
        METRICS_PORT: String(WEB_METRICS_PORT),
        NEXTAUTH_URL: `https://app.${s.domain}`,
        API_URL: coreApi.internalUrl,
        KEYCLOAK_ISSUER: `https://auth.${s.domain}/realms/platform`,
        KEYCLOAK_CLIENT_ID: "web",
        ...webRedis.env,
      },
      secretEnv: {
        NEXTAUTH_SECRET: ref("nextauth"),
        KEYCLOAK_CLIENT_SECRET: ref("keycloak-client-web"),
        ...webRedis.secretEnv,
      },
      writablePaths: ["/app/.next/cache"],
      // API routes are rate limited per client address; pages and static assets (a page load fetches dozens) are not.
      ...expose("app", [{ prefix: "/api" }, { prefix: "/", rateLimit: false }]),
      dependencies: [{ podLabels: selectorLabels({ name: "core-api", instance: cfg.stack }), ports: [8080] }, ...redisPeers],
      // NextAuth talks OIDC to the Keycloak issuer through its public URL.
      egressHttps: true,
      labels: { team: "web" },
    },
    opts,
  );
  ctx.topology.nodes.push({ id: "web", label: "web (Next.js)" });
  ctx.topology.edges.push({ from: "web", to: "core-api", label: "HTTP :8080" });
  ctx.topology.edges.push({ from: "web", to: "secrets", label: "secretKeyRef" });
  if (data.rabbitmq) ctx.topology.edges.push({ from: "core-api", to: "rabbitmq", label: `AMQP :${data.rabbitmq.port}, vhost ${data.rabbitmq.vhost}` });
  if (data.redis) {
    const how = data.redis.mode === "sentinel" ? `Sentinel ${data.redis.masterName}` : `:${data.redis.port}`;
    ctx.topology.edges.push({ from: "core-api", to: "redis", label: `Lettuce, ${how}` }, { from: "web", to: "redis", label: `ioredis, ${how}` });
  }

  return { urls: { api: coreApi.url!, web: web.url! }, coreApi, web };
}
