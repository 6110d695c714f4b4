/**
 * Turns a stack's raw Pulumi config into validated, typed settings, or stops
 * with one line naming the stack, the key, the value and what is allowed.
 * Pure: the caller passes the raw config map (as `pulumi.runtime.allConfig()`
 * returns it), the secret keys and the clock, so tests call it without mocks.
 */
import { validateAlertOptions } from "@readiness/platform/alerts";
import { PlatformConfigError } from "@readiness/platform/validation";
import { restoreTargetProblem } from "@readiness/platform/validation";
import { jvmProblems } from "@readiness/platform/validation";
import { ENVIRONMENTS, POLICIES, PREVIEW_STACK, PROFILES, type EnvironmentName } from "./environments";
import { platformSettings, type PlatformSettings } from "./schema";
import { PLATFORM_SECRETS, suppliedValueProblem } from "@readiness/platform/validation";

export const PROJECT = "platform";

/** Config keys that hold secrets: set with `pulumi config set --secret`, never plain. */
export const SECRET_KEYS = ["pagerdutyRoutingKey", "slackWebhookUrl", "smtpPassword", "heartbeatUrl"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/**
 * The secret config key holding values to use instead of generated secrets, by name (every
 * name of the secrets catalogue, plus the in-cluster backup store's two credentials):
 * `pulumi config set --secret --path 'platform:suppliedSecrets.redis' <value>`.
 */
export const SUPPLIED_SECRETS_KEY = "suppliedSecrets";
/** Names under `platform:suppliedSecrets` for the in-cluster backup store's root credentials (both or neither). */
export const STORE_CREDENTIAL_NAMES = { accessKeyId: "object-store-access-key", secretAccessKey: "object-store-secret-key" } as const;

export interface StackConfig {
  readonly stack: string;
  readonly environment: EnvironmentName;
  /** The namespace every namespaced object of this stack goes into. */
  readonly namespace: string;
  readonly settings: PlatformSettings;
  readonly policies: (typeof POLICIES)[EnvironmentName];
  /** Secret config values (alert receivers' keys), by key; absent when not set. */
  readonly secrets: Readonly<Partial<Record<SecretKey, string>>>;
  /** `platform:suppliedSecrets`: values to use instead of generating, by secret name (checked). @default {} */
  readonly suppliedSecrets: Readonly<Record<string, string>>;
}

export interface RawConfig {
  /** `platform:<key>` → value as Pulumi passes it (objects and numbers JSON-encoded). */
  readonly values: Readonly<Record<string, string>>;
  /** Keys (`platform:<key>`) whose value is secret. */
  readonly secretKeys: readonly string[];
}

function fail(stack: string, key: string, value: unknown, problem: string): never {
  const shown = value === undefined ? "" : ` is ${JSON.stringify(value)}:`;
  throw new PlatformConfigError(`stack "${stack}": config "${PROJECT}:${key}"${shown || ":"} ${problem}`);
}

function parseValue(v: string): unknown {
  const t = v.trim();
  if (/^[[{]/.test(t) || /^-?[0-9.]+(e[0-9]+)?$/i.test(t) || t === "true" || t === "false" || t === "null") {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge where `override` wins; arrays and scalars replace. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isPlainObject(cur)) cur = cur[String(p)];
    else return undefined;
  }
  return cur;
}

/** An image is pinned when it has a tag other than `latest`, or a digest. */
export function isPinnedImage(ref: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(ref)) return true;
  const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag.length > 0 && tag !== "latest";
}

/** Resolves the environment of a stack: preview names imply it, other stacks must declare it. */
export function environmentOf(stack: string, values: Readonly<Record<string, string>>): EnvironmentName {
  const raw = values[`${PROJECT}:environment`];
  if (PREVIEW_STACK.test(stack)) {
    if (raw !== undefined && raw !== "preview") fail(stack, "environment", raw, "preview stacks (pr-<n>, preview-<name>) always use the preview profile");
    return "preview";
  }
  if (raw === undefined) {
    fail(stack, "environment", undefined, `is missing: set it to one of local, dev, staging, prod, or name the stack pr-<number> / preview-<name>`);
  }
  if (!(ENVIRONMENTS as readonly string[]).includes(raw) || raw === "preview") {
    fail(stack, "environment", raw, `unknown environment; allowed: local, dev, staging, prod`);
  }
  return raw as EnvironmentName;
}

export interface LoadOptions {
  /** The clock used for time-relative checks (restore targets). @default - Date.now() */
  readonly now?: Date;
}

/**
 * Validates the stack's config and merges it over its environment's profile.
 * Throws a `PlatformConfigError` (one line, no stack trace) on the first problem.
 */
export function loadStackConfig(stack: string, raw: RawConfig, opts: LoadOptions = {}): StackConfig {
  const environment = environmentOf(stack, raw.values);
  const policies = POLICIES[environment];
  const overrides: Record<string, unknown> = {};
  const secrets: Partial<Record<SecretKey, string>> = {};
  let suppliedSecrets: Record<string, string> = {};
  const known = new Set(Object.keys(platformSettings.shape));

  for (const [fullKey, value] of Object.entries(raw.values).sort(([a], [b]) => a.localeCompare(b))) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    const key = fullKey.slice(PROJECT.length + 1);
    if ((SECRET_KEYS as readonly string[]).includes(key)) {
      if (!raw.secretKeys.includes(fullKey)) {
        fail(stack, key, "<plain text>", `must be set as a secret: pulumi config set --secret ${PROJECT}:${key} <value>`);
      }
      if (value.trim() === "") fail(stack, key, undefined, "is empty");
      secrets[key as SecretKey] = value;
      continue;
    }
    if (key === "environment") continue;
    if (key === SUPPLIED_SECRETS_KEY) {
      suppliedSecrets = parseSuppliedSecrets(stack, value, raw.secretKeys.includes(fullKey));
      continue;
    }
    if (!known.has(key)) {
      fail(stack, key, parseValue(value), `unknown key; known keys: ${[...known, ...SECRET_KEYS, SUPPLIED_SECRETS_KEY].sort().join(", ")}`);
    }
    overrides[key] = parseValue(value);
  }

  const profile = PROFILES[environment];
  const merged = deepMerge(
    {
      ...profile,
      environment,
      kubernetes: {},
      images: { coreApi: "ghcr.io/example/core-api:latest", web: "ghcr.io/example/web:latest" },
      secrets: { rotation: {} },
    },
    overrides,
  ) as Record<string, unknown>;
  if (environment === "preview") {
    // Every preview stack gets its own host names under the preview domain.
    merged.domain = overrides.domain ?? `${stack}.${profile.domain}`;
  }

  const parsed = platformSettings.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      const keys = (issue as { keys?: string[] }).keys ?? [];
      const at = [...path, keys[0] ?? ""].join(".");
      fail(stack, at, valueAt(merged, [...issue.path, keys[0] ?? ""]), "unknown key");
    }
    fail(stack, path.join("."), valueAt(merged, issue.path), issue.message.replace(/^Invalid input: /, ""));
  }
  const settings = parsed.data;

  if (policies.requirePinnedImages) {
    for (const [app, ref] of Object.entries(settings.images)) {
      if (!isPinnedImage(ref)) fail(stack, `images.${app}`, ref, `${environment} needs a pinned image: a tag other than "latest", or a digest`);
    }
  }
  if (policies.requireKubeContext && !settings.kubernetes.context) {
    fail(stack, "kubernetes.context", undefined, `is missing: ${environment} never uses the ambient kubeconfig context; name the cluster's context`);
  }
  if (policies.objectStore === "s3" && !settings.aws) {
    fail(stack, "aws", undefined, `is missing: ${environment} keeps backups in S3 and needs aws.region, aws.oidcProviderArn and aws.oidcProviderUrl`);
  }
  if (settings.redis.provider === "elasticache" && !settings.aws) {
    fail(stack, "redis.provider", "elasticache", "needs platform:aws (the replication group runs in the stack's AWS account); use in-cluster where there is no AWS account");
  }
  if (policies.requireAlertReceivers) {
    for (const key of ["pagerdutyRoutingKey", "slackWebhookUrl"] as const) {
      if (secrets[key] === undefined) fail(stack, key, undefined, `is missing: ${environment} pages on-call; set it with pulumi config set --secret ${PROJECT}:${key} <value>`);
    }
  }
  // core-api is Spring Boot: the JVM rules of components/workload/jvm.ts, named as stack keys.
  for (const p of jvmProblems({ ...settings.workloads.coreApi, jvm: settings.workloads.coreApi.jvm ?? {} })) {
    fail(stack, `workloads.coreApi.${p.field}`, p.value, p.message.replace("jvm.allowMemoryAutoscaling", "workloads.coreApi.jvm.allowMemoryAutoscaling"));
  }
  if (settings.workloads.web.jvm) fail(stack, "workloads.web.jvm", settings.workloads.web.jvm, "web is a Node.js app, not a JVM: remove it");
  if (policies.requireHeartbeat) {
    // Without a dead man's switch, a dead Prometheus or Alertmanager pages nobody.
    const hb = settings.alerting.heartbeat?.enabled;
    if (hb !== true) fail(stack, "alerting.heartbeat.enabled", hb, `${environment} pages on-call, so the Watchdog must reach a dead man's switch; set it to true`);
    if (secrets.heartbeatUrl === undefined) {
      fail(stack, "heartbeatUrl", undefined, `is missing: ${environment} pages on-call, so it needs a dead man's switch for the Watchdog; set it with pulumi config set --secret ${PROJECT}:heartbeatUrl <url>`);
    }
  }
  if (settings.alerting.email && secrets.smtpPassword === undefined && settings.alerting.email.username) {
    fail(stack, "smtpPassword", undefined, "is missing: alerting.email.username is set, so the SMTP password is needed (as a secret)");
  }
  if (settings.postgres.restore) checkRestoreTarget(stack, settings, opts.now ?? new Date());
  const alerts = settings.monitoring.alerts;
  try {
    validateAlertOptions({ runbookBaseUrl: alerts.runbookBaseUrl ?? "https://example.invalid/runbooks", thresholds: alerts.thresholds, durations: alerts.durations });
  } catch (e) {
    fail(stack, "monitoring.alerts", undefined, (e as Error).message);
  }

  const namespace = settings.kubernetes.namespace ?? `${PROJECT}-${stack}`;
  if (namespace.length > 63) fail(stack, "kubernetes.namespace", namespace, "must be at most 63 characters");
  return { stack, environment, namespace, settings, policies, secrets, suppliedSecrets };
}

/**
 * `platform:suppliedSecrets`: a secret JSON object of non-empty strings, each name a secret of
 * the catalogue (value checked against its spec) or one of the store's two credentials. Errors
 * never show a value.
 */
function parseSuppliedSecrets(stack: string, raw: string, isSecret: boolean): Record<string, string> {
  const key = SUPPLIED_SECRETS_KEY;
  if (!isSecret) fail(stack, key, "<plain text>", `must be set as a secret: pulumi config set --secret --path '${PROJECT}:${key}.<name>' <value>`);
  const v = parseValue(raw);
  if (!isPlainObject(v)) fail(stack, key, "<secret>", "must be an object of secret name to value");
  const storeNames: readonly string[] = Object.values(STORE_CREDENTIAL_NAMES);
  const known = [...PLATFORM_SECRETS.map((p) => p.name), ...storeNames];
  for (const [name, value] of Object.entries(v)) {
    if (!known.includes(name)) fail(stack, `${key}.${name}`, "<secret>", `names no generated secret; known: ${known.join(", ")}`);
    if (typeof value !== "string" || value === "") fail(stack, `${key}.${name}`, "<secret>", "must be a non-empty string");
    const spec = PLATFORM_SECRETS.find((p) => p.name === name);
    const problem = spec ? suppliedValueProblem(spec, value) : value.length < 16 ? "must be at least 16 characters" : undefined;
    if (problem) fail(stack, `${key}.${name}`, "<secret>", problem);
  }
  const store = storeNames.filter((n) => n in v);
  if (store.length === 1) fail(stack, `${key}.${storeNames.find((n) => !(n in v))}`, undefined, `is missing: the store's credentials are supplied both or neither (${store[0]} is set)`);
  return v as Record<string, string>;
}

/** A restore target must lie inside the backup retention window and not in the future. */
function checkRestoreTarget(stack: string, settings: PlatformSettings, now: Date): void {
  const t = settings.postgres.restore!.targetTime;
  if (t === undefined) return;
  const problem = restoreTargetProblem(t, settings.postgres.backup.retentionDays, now, "postgres.backup.retentionDays");
  if (problem) fail(stack, "postgres.restore.targetTime", t, problem);
}

/** The running program's raw config and which keys are secret, as the Pulumi engine passed them. */
export function readRawConfig(): RawConfig {
  // `isConfigSecret` is public at runtime but marked internal in the SDK's typings.
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    allConfig(): Record<string, string>;
    isConfigSecret(k: string): boolean;
  };
  const values = runtimeConfig.allConfig();
  return { values, secretKeys: Object.keys(values).filter((k) => runtimeConfig.isConfigSecret(k)) };
}
