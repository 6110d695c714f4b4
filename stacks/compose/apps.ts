import { selectorLabels } from "../../components/lib/labels";
import { nodeRedisEnv, springRedisEnv } from "../../components/redis/connection";
import { Workload, type Peer, type SecretRef } from "../../components/workload";
import type { DataParts, MonitoringParts, PlatformContext } from "./context";

export interface AppParts {
  readonly urls: Record<string, string>;
  readonly coreApi: Workload;
  readonly web: Workload;
}

/** The sample product: core-api (Spring Boot) and web (Next.js), images from stack config. */
export function composeApps(ctx: PlatformContext, data: DataParts, monitoring: MonitoringParts): AppParts {
  const { cfg, secrets } = ctx;
  const s = cfg.settings;
  const ns = cfg.namespace;
  const ref = (secret: string, key?: string): SecretRef => {
    const g = secrets.get(secret);
    return { secret: g.secretName, key: key ?? g.key };
  };
  const ingress = (host: string) => ({
    host,
    className: s.ingress.className,
    clusterIssuer: s.ingress.clusterIssuer,
    tls: s.ingress.tls,
    rateLimitPerMinute: s.ingress.rateLimitPerMinute,
  });
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
  });
  const db = data.coreApiDatabase;

  const apiDeps: Peer[] = db ? [{ podLabels: db.podLabels, ports: [db.port] }] : [];
  const apiEnv: Record<string, string> = {
    SPRING_PROFILES_ACTIVE: cfg.environment,
    JAVA_TOOL_OPTIONS: "-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp",
    MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE: "health,prometheus",
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED: "true",
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
  }
  // Redis: Spring's spring.data.redis.* (Sentinel nodes in HA), and egress to the Redis (and Sentinel) pods.
  const redisPeers: Peer[] = (data.redis?.peers ?? []).map((p) => ({ podLabels: p.podLabels, ports: p.ports }));
  if (data.redis) {
    const r = springRedisEnv(data.redis);
    Object.assign(apiEnv, r.env);
    Object.assign(apiSecretEnv, r.secretEnv);
    apiDeps.push(...redisPeers);
  }
  const webRedis = data.redis ? nodeRedisEnv(data.redis) : { env: {}, secretEnv: {} };
  const coreApi = new Workload(
    "core-api",
    {
      ...common("coreApi"),
      component: "api",
      port: 8080,
      metrics: { path: "/actuator/prometheus" },
      probes: { startup: "/actuator/health/liveness", liveness: "/actuator/health/liveness", readiness: "/actuator/health/readiness" },
      env: apiEnv,
      secretEnv: apiSecretEnv,
      ingress: ingress(`api.${s.domain}`),
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

  const web = new Workload(
    "web",
    {
      ...common("web"),
      component: "frontend",
      port: 3000,
      // prom-client's default registry served by the app's /api/metrics route.
      metrics: { path: "/api/metrics" },
      probes: { startup: "/api/health", liveness: "/api/health", readiness: "/api/health" },
      env: {
        NODE_ENV: "production",
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
      ingress: ingress(`app.${s.domain}`),
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
  if (data.redis) {
    const how = data.redis.mode === "sentinel" ? `Sentinel ${data.redis.masterName}` : `:${data.redis.port}`;
    ctx.topology.edges.push({ from: "core-api", to: "redis", label: `Lettuce, ${how}` }, { from: "web", to: "redis", label: `ioredis, ${how}` });
  }

  return { urls: { api: coreApi.url!, web: web.url! }, coreApi, web };
}
