/**
 * Every secret the platform generates, with length and alphabet fitted to
 * where it ends up. Passwords that land in connection URLs (postgresql://,
 * redis://, amqp://) or JDBC strings are alphanumeric so they never need
 * escaping; keys are random bytes, base64-encoded.
 */
export type SecretAlphabet =
  /** Letters and digits: safe in URLs, JDBC strings, env files. */
  | "url-safe"
  /** Letters, digits and a conservative symbol set, for interactive logins. */
  | "login";

/** A generated password: length, alphabet and the username stored beside it. */
export interface PasswordSpec {
  /** Discriminator: a generated password. */
  readonly kind: "password";
  /** Length in characters, 16 to 128. */
  readonly length: number;
  /** Characters the password is drawn from (at least 2 each of upper, lower and digits; "login" also 2 symbols). */
  readonly alphabet: SecretAlphabet;
  /** When set, the Secret is `kubernetes.io/basic-auth` with this username. */
  readonly username?: string;
}

/** A generated random key of a number of bytes. */
export interface KeySpec {
  /** Discriminator: random bytes. */
  readonly kind: "key";
  /** Key size in bytes; stored base64-encoded. */
  readonly bytes: number;
}

/** One secret `GeneratedSecrets` generates: its Secret's name, description, data key and what to generate. */
export interface SecretSpec {
  /** The Kubernetes Secret's name and the id used to look it up. */
  readonly name: string;
  /** What it is for (written as an annotation on the Secret). */
  readonly description: string;
  /** The data key the value is stored under (basic-auth secrets use `password`). @default "password" or "key" */
  readonly dataKey?: string;
  /** What to generate: a password or a key. */
  readonly spec: PasswordSpec | KeySpec;
  /**
   * Names this secret had before: its Pulumi resources keep them as aliases (so a rename
   * neither regenerates the value nor rotates it), and a `rotation` entry under a former
   * name still applies.
   */
  readonly formerNames?: readonly string[];
}

/** The symbols allowed in "login" passwords: no quotes, backslashes, `$` or spaces that shells and YAML mangle. */
export const LOGIN_SYMBOLS = "!#%*+-=?@^_~";

/** The secrets listed in REQUIREMENTS.md. */
export const PLATFORM_SECRETS: readonly SecretSpec[] = [
  {
    name: "core-api-migrate",
    description: "PostgreSQL owner of the core-api database: Flyway migrations only, directly to the primary",
    spec: { kind: "password", length: 32, alphabet: "url-safe", username: "core_api" },
    formerNames: ["core-api-db"],
  },
  { name: "core-api-app", description: "PostgreSQL runtime role of core-api (through the pooler, bound by row-level security)", spec: { kind: "password", length: 32, alphabet: "url-safe", username: "core_api_app" } },
  { name: "keycloak-db", description: "PostgreSQL owner of the keycloak database", spec: { kind: "password", length: 32, alphabet: "url-safe", username: "keycloak" } },
  { name: "keycloak-admin", description: "Keycloak bootstrap admin", spec: { kind: "password", length: 24, alphabet: "login", username: "admin" } },
  { name: "keycloak-admin-client", description: "Keycloak master-realm service client of the realm Job (the second admin credential: either one rotates while the other logs in)", dataKey: "client-secret", spec: { kind: "password", length: 40, alphabet: "url-safe" } },
  { name: "keycloak-client-core-api", description: "Keycloak OIDC client secret of core-api", dataKey: "client-secret", spec: { kind: "password", length: 40, alphabet: "url-safe" } },
  { name: "keycloak-client-web", description: "Keycloak OIDC client secret of web (NextAuth)", dataKey: "client-secret", spec: { kind: "password", length: 40, alphabet: "url-safe" } },
  { name: "keycloak-client-grafana", description: "Keycloak OIDC client secret of Grafana (generic OAuth)", dataKey: "client-secret", spec: { kind: "password", length: 40, alphabet: "url-safe" } },
  { name: "redis", description: "Redis ACL password of the application user", spec: { kind: "password", length: 32, alphabet: "url-safe", username: "app" } },
  { name: "rabbitmq", description: "RabbitMQ password of the application user", spec: { kind: "password", length: 32, alphabet: "url-safe", username: "app" } },
  { name: "nextauth", description: "NextAuth session encryption secret (NEXTAUTH_SECRET)", dataKey: "secret", spec: { kind: "key", bytes: 32 } },
  { name: "jwt-signing-key", description: "HMAC-SHA512 key for service-issued JWTs", dataKey: "key", spec: { kind: "key", bytes: 64 } },
  { name: "grafana-admin", description: "Grafana admin login", spec: { kind: "password", length: 24, alphabet: "login", username: "admin" } },
  { name: "data-encryption-key", description: "AES-256 data-encryption key for application-level encryption", dataKey: "key", spec: { kind: "key", bytes: 32 } },
  { name: "redis-admin", description: "Redis ACL password of the admin user (probes, exporter, Sentinel, replication, operators)", spec: { kind: "password", length: 32, alphabet: "url-safe", username: "admin" } },
  { name: "redis-elasticache-auth", description: "AUTH token of the ElastiCache replication group (stacks with redis.provider elasticache)", spec: { kind: "password", length: 64, alphabet: "url-safe" } },
];

export function dataKeyOf(s: SecretSpec): string {
  return s.dataKey ?? (s.spec.kind === "key" ? "key" : "password");
}

/**
 * Why `value` can't stand in for the generated secret `s` (see `GeneratedSecretsArgs.supplied`),
 * or undefined when it can: a password needs at least 16 characters of its alphabet ("url-safe":
 * letters and digits only, since it lands in connection URLs; "login": those and
 * `LOGIN_SYMBOLS`); a key must be base64 of exactly its number of bytes.
 */
export function suppliedValueProblem(s: SecretSpec, value: string): string | undefined {
  if (s.spec.kind === "key") {
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0 ? Buffer.from(value, "base64").length : -1;
    return bytes === s.spec.bytes ? undefined : `must be base64 of exactly ${s.spec.bytes} bytes (e.g. openssl rand -base64 ${s.spec.bytes})`;
  }
  const symbols = s.spec.alphabet === "login" ? LOGIN_SYMBOLS : "";
  const allowed = new RegExp(`^[A-Za-z0-9${symbols.replace(/[-\\^\]]/g, "\\$&")}]+$`);
  const what = s.spec.alphabet === "login" ? `letters, digits and ${LOGIN_SYMBOLS}` : "letters and digits (it lands in connection URLs)";
  if (value.length < 16) return `must be at least 16 characters of ${what}`;
  if (!allowed.test(value)) return `must contain only ${what}`;
  return undefined;
}
