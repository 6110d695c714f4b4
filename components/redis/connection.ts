/**
 * How an application reaches Redis, and the environment its client library
 * reads: Spring Boot (`spring.data.redis.*`, Lettuce) and Node (ioredis /
 * node-redis, through the platform's `REDIS_*` variables). The password is
 * always a Secret reference, never a value.
 */
export interface SecretKeyRef {
  /** Name of the Kubernetes Secret, in the application's namespace. */
  readonly secret: string;
  /** Data key within that Secret. */
  readonly key: string;
}

/** A Redis host and port. */
export interface RedisEndpoint {
  /** Host name, e.g. a Sentinel pod's FQDN. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

/** Connection details of a Redis deployment (in-cluster or ElastiCache). */
export interface RedisConnection {
  /** `standalone` (connect to `host`), `sentinel` (ask `sentinels` for `masterName`). */
  readonly mode: "standalone" | "sentinel";
  /** Host of the server (standalone): a Service name, or an ElastiCache primary endpoint. */
  readonly host?: string;
  /** A Secret key holding the host when it is only known at deploy time (ElastiCache). */
  readonly hostSecret?: SecretKeyRef;
  /** Port of the server (standalone), or of the data pods behind Sentinel. */
  readonly port: number;
  /** The Sentinels' host names and ports (mode "sentinel" only). */
  readonly sentinels?: readonly RedisEndpoint[];
  /** Name of the primary to ask the Sentinels for (mode "sentinel" only). */
  readonly masterName?: string;
  /** ACL user; absent for a token-only server (ElastiCache AUTH). */
  readonly username?: string;
  /** The Secret key holding the password (the `app` user's) or the AUTH token (ElastiCache). */
  readonly password: SecretKeyRef;
  /** Whether clients must use TLS. */
  readonly tls: boolean;
  /** Pods clients connect to, with their ports (for the clients' egress NetworkPolicy). */
  readonly peers: readonly { readonly podLabels: Readonly<Record<string, string>>; readonly ports: readonly number[] }[];
  /** CIDRs clients connect to outside the cluster (ElastiCache), for their egress NetworkPolicy. */
  readonly cidrs?: readonly string[];
}

/** Environment variables for an application container: plain values and values read from Secrets. */
export interface AppEnv {
  /** Plain environment variables, by name. */
  readonly env: Record<string, string>;
  /** Environment variables read from Secrets (`valueFrom.secretKeyRef`), by name. */
  readonly secretEnv: Record<string, SecretKeyRef>;
}

/** Spring Boot 3 (`spring.data.redis.*` as environment variables). */
export function springRedisEnv(c: RedisConnection): AppEnv {
  const env: Record<string, string> = { SPRING_DATA_REDIS_SSL_ENABLED: String(c.tls) };
  const secretEnv: Record<string, SecretKeyRef> = { SPRING_DATA_REDIS_PASSWORD: c.password };
  if (c.username) env.SPRING_DATA_REDIS_USERNAME = c.username;
  if (c.mode === "sentinel") {
    env.SPRING_DATA_REDIS_SENTINEL_MASTER = c.masterName!;
    env.SPRING_DATA_REDIS_SENTINEL_NODES = c.sentinels!.map((s) => `${s.host}:${s.port}`).join(",");
    if (c.username) env.SPRING_DATA_REDIS_SENTINEL_USERNAME = c.username;
    secretEnv.SPRING_DATA_REDIS_SENTINEL_PASSWORD = c.password;
  } else {
    if (c.host) env.SPRING_DATA_REDIS_HOST = c.host;
    if (c.hostSecret) secretEnv.SPRING_DATA_REDIS_HOST = c.hostSecret;
    env.SPRING_DATA_REDIS_PORT = String(c.port);
  }
  return { env, secretEnv };
}

/**
 * Node (ioredis / node-redis): `REDIS_HOST`/`REDIS_PORT`, or `REDIS_SENTINELS`
 * (`host:port,...`) and `REDIS_SENTINEL_MASTER`; `REDIS_USERNAME`, `REDIS_PASSWORD`
 * (also the Sentinels' credentials), `REDIS_TLS`. ioredis:
 * `new Redis({ sentinels, name, username, password, sentinelUsername: username, sentinelPassword: password })`.
 */
export function nodeRedisEnv(c: RedisConnection): AppEnv {
  const env: Record<string, string> = { REDIS_TLS: String(c.tls) };
  const secretEnv: Record<string, SecretKeyRef> = { REDIS_PASSWORD: c.password };
  if (c.username) env.REDIS_USERNAME = c.username;
  if (c.mode === "sentinel") {
    env.REDIS_SENTINELS = c.sentinels!.map((s) => `${s.host}:${s.port}`).join(",");
    env.REDIS_SENTINEL_MASTER = c.masterName!;
  } else {
    if (c.host) env.REDIS_HOST = c.host;
    if (c.hostSecret) secretEnv.REDIS_HOST = c.hostSecret;
    env.REDIS_PORT = String(c.port);
  }
  return { env, secretEnv };
}
