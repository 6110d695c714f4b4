/**
 * The stack config schema. zod validates the merged settings (environment
 * profile + stack overrides) and reports the exact path of a bad value, which
 * `stacks/config.ts` turns into one line naming the stack, key, value and what
 * is allowed.
 */
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { isByteQuantity, isCpuQuantity, parseQuantity } from "@readiness/platform/validation";
import { REALM_LIMITS, type RealmLimitKey } from "@readiness/platform/validation";

const cpu = z.string().refine(isCpuQuantity, { message: 'must be a Kubernetes CPU quantity such as "250m" or "2"' });
const bytes = z.string().refine(isByteQuantity, { message: 'must be a Kubernetes memory/storage quantity such as "512Mi" or "10Gi"' });

const resources = z.strictObject({
  requests: z.strictObject({ cpu, memory: bytes }),
  limits: z.strictObject({ cpu: cpu.optional(), memory: bytes }),
});

const dnsName = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, {
    message: 'must be a lower-case DNS name such as "platform.example.com"',
  });

const k8sName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { message: "must be a DNS-1123 label (lower-case letters, digits, '-'; at most 63)" });

/** A six-field cron (seconds first), as CloudNativePG's ScheduledBackup expects. */
export const sixFieldCron = z.string().superRefine((v, ctx) => {
  const fields = v.trim().split(/\s+/);
  if (fields.length !== 6) {
    ctx.addIssue({ code: "custom", message: `must be a six-field cron with seconds first, e.g. "0 0 2 * * *" (has ${fields.length} fields)` });
    return;
  }
  try {
    CronExpressionParser.parse(v, { strict: false });
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `must be a valid cron expression (${(e as Error).message})` });
  }
});

const promDuration = z.string().regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, { message: 'must be a Prometheus duration such as "15d" or "12h"' });
const BACKUP_CODECS: readonly unknown[] = ["none", "gzip", "bzip2", "snappy"];
const CODEC_MESSAGE = "must be one of none, gzip, bzip2, snappy";
type BackupCodec = "none" | "gzip" | "bzip2" | "snappy";
/** `postgres.backup.compression`: one codec for base backups and WAL, or `{ data, wal }` (a union would only say "Invalid input"). */
const backupCompression = z.custom<BackupCodec | { data: BackupCodec; wal: BackupCodec }>(() => true).superRefine((v, ctx) => {
  if (typeof v === "string") {
    if (!BACKUP_CODECS.includes(v)) ctx.addIssue({ code: "custom", message: CODEC_MESSAGE });
    return;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    ctx.addIssue({ code: "custom", message: `${CODEC_MESSAGE}, or { data, wal } with one of them each` });
    return;
  }
  for (const [k, c] of Object.entries(v)) {
    if (k !== "data" && k !== "wal") ctx.addIssue({ code: "custom", path: [k], message: "unknown key; known keys: data, wal" });
    else if (!BACKUP_CODECS.includes(c)) ctx.addIssue({ code: "custom", path: [k], message: CODEC_MESSAGE });
  }
});

export const workloadSettings = z
  .strictObject({
    replicas: z.number().int().min(1, { message: "must be an integer >= 1" }).max(100),
    autoscaling: z.strictObject({
      enabled: z.boolean(),
      minReplicas: z.number().int().min(1, { message: "must be an integer >= 1" }),
      maxReplicas: z.number().int().min(1, { message: "must be an integer >= 1" }).max(500),
      targetCpuUtilization: z.number().int().min(1).max(100).optional(),
      targetMemoryUtilization: z.number().int().min(1).max(100).optional(),
      scaleDownStabilizationSeconds: z.number().int().min(0).max(3600),
    }),
    resources,
    /** JVM apps only (core-api): heap share of the memory limit, and whether a memory HPA target is wanted. */
    jvm: z.strictObject({ heapPercentage: z.number().min(25).max(75).optional(), allowMemoryAutoscaling: z.boolean().optional() }).optional(),
  })
  .superRefine((w, ctx) => {
    if (w.autoscaling.minReplicas > w.autoscaling.maxReplicas) {
      ctx.addIssue({
        code: "custom",
        path: ["autoscaling", "minReplicas"],
        message: `must be <= autoscaling.maxReplicas (${w.autoscaling.maxReplicas})`,
      });
    }
  });

const cidr = z.string().regex(/^(([0-9]{1,3}\.){3}[0-9]{1,3}\/([0-9]|[12][0-9]|3[0-2])|[0-9a-f:]+::?[0-9a-f:]*\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))$/i, { message: 'must be a CIDR such as "10.0.0.0/8"' });

/** The edge: Envoy Gateway (Gateway API) by default; an Ingress only for a cluster's own maintained controller. */
export const edgeSettings = z
  .strictObject({
    mode: z.enum(["gateway", "ingress"]),
    /** The Gateway: this stack's own (clusterServices) or the cluster's one it attaches to (previews). */
    gateway: z.strictObject({ name: k8sName, namespace: k8sName.optional() }),
    /** Where the client address comes from (what the per-client rate limit keys on). */
    clientAddress: z.strictObject({ source: z.enum(["direct", "proxy-protocol", "x-forwarded-for"]), trustedHops: z.number().int().min(1).max(5).optional() }),
    loadBalancer: z.enum(["aws-nlb", "cluster-default"]),
    envoyReplicas: z.number().int().min(1).max(50),
    /** The internal listener: host names under `<domain>`, reachable only from these client addresses. */
    internal: z.strictObject({ domain: dnsName.optional(), clientCidrs: z.array(cidr).min(1).optional() }),
    /** How ACME proves host names: HTTP-01 through the gateway, or DNS-01 in Route 53 (wildcard certificates). */
    acme: z.strictObject({
      solver: z.enum(["http01", "dns01"]),
      route53: z
        .strictObject({
          region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, { message: 'must be an AWS region such as "eu-west-1"' }),
          hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, { message: "must be a Route 53 hosted zone id" }),
          /** IAM role cert-manager's ServiceAccount assumes (IRSA) to write the TXT records. */
          roleArn: z.string().regex(/^arn:aws:iam::[0-9]{12}:role\/.+$/, { message: "must be an IAM role ARN" }).optional(),
        })
        .optional(),
    }),
    /** Ingress mode: where the controller's traffic comes from (its pods, or its load balancer's addresses). */
    ingressFrom: z.union([z.strictObject({ namespace: k8sName, podLabels: z.record(z.string(), z.string()).optional() }), z.strictObject({ cidrs: z.array(cidr).min(1) })]).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.clientAddress.source === "x-forwarded-for" && e.clientAddress.trustedHops === undefined) {
      ctx.addIssue({ code: "custom", path: ["clientAddress", "trustedHops"], message: "must be set with source x-forwarded-for (how many proxies sit in front of Envoy)" });
    }
    if (e.clientAddress.source === "proxy-protocol" && e.loadBalancer !== "aws-nlb") {
      ctx.addIssue({ code: "custom", path: ["clientAddress", "source"], message: 'proxy-protocol needs loadBalancer "aws-nlb" (the load balancer must send the PROXY header)' });
    }
    if (e.acme.solver === "dns01" && !e.acme.route53) ctx.addIssue({ code: "custom", path: ["acme", "route53"], message: "must be set with solver dns01" });
    if (e.mode === "ingress" && !e.ingressFrom) ctx.addIssue({ code: "custom", path: ["ingressFrom"], message: "must say where the Ingress controller's traffic comes from in ingress mode" });
  });

const imageRef = z.string().regex(/^[a-z0-9]+([._\-/:a-z0-9]*)(@sha256:[a-f0-9]{64})?$/i, { message: "must be an OCI image reference" });

const ipv4Cidr = z.string().regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/([0-9]|[12][0-9]|3[0-2])$/, { message: 'must be an IPv4 CIDR such as "10.0.0.0/16"' });

/** Redis: in the cluster (standalone or Sentinel HA) or, on AWS, an ElastiCache replication group. */
export const redisSettings = z
  .strictObject({
    provider: z.enum(["in-cluster", "elasticache"]),
    flavor: z.enum(["redis", "valkey"]),
    mode: z.enum(["standalone", "sentinel"]),
    replicas: z.number().int().min(1).max(9),
    use: z.enum(["cache", "sessions"]),
    storageSize: bytes,
    resources,
    sentinel: z.strictObject({
      replicas: z.number().int().min(3).max(9),
      quorum: z.number().int().min(1).max(9).optional(),
      downAfterMilliseconds: z.number().int().min(500).max(600_000),
      failoverTimeoutMilliseconds: z.number().int().min(1000).max(3_600_000),
    }),
    tls: z.strictObject({ issuer: z.string().min(1), kind: z.enum(["Issuer", "ClusterIssuer"]) }).optional(),
    elasticache: z
      .strictObject({
        engine: z.enum(["valkey", "redis"]),
        engineVersion: z.string().regex(/^[0-9]+\.[0-9]+$/, { message: 'must be a major.minor version such as "8.0"' }),
        nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { message: 'must be an ElastiCache node type such as "cache.r7g.large"' }),
        replicas: z.number().int().min(1).max(5),
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { message: 'must be a VPC id such as "vpc-0abc1234"' }),
        subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: 'must be subnet ids such as "subnet-0abc1234"' })).min(2, { message: "must list subnets in at least two availability zones (Multi-AZ)" }),
        allowedCidrs: z.array(ipv4Cidr).min(1),
        snapshotRetentionDays: z.number().int().min(0).max(35),
      })
      .optional(),
  })
  .superRefine((r, ctx) => {
    if (r.mode === "standalone" && r.replicas !== 1) ctx.addIssue({ code: "custom", path: ["replicas"], message: 'must be 1 with mode "standalone" (use mode "sentinel" for replicas)' });
    if (r.mode === "sentinel" && r.replicas < 2) ctx.addIssue({ code: "custom", path: ["replicas"], message: 'must be at least 2 with mode "sentinel" (a primary and a replica to fail over to)' });
    if (r.sentinel.replicas % 2 === 0) ctx.addIssue({ code: "custom", path: ["sentinel", "replicas"], message: "must be odd, so a majority of Sentinels can authorise a failover" });
    if (r.sentinel.quorum !== undefined && r.sentinel.quorum > r.sentinel.replicas) {
      ctx.addIssue({ code: "custom", path: ["sentinel", "quorum"], message: `must be <= sentinel.replicas (${r.sentinel.replicas})` });
    }
    if (r.sentinel.failoverTimeoutMilliseconds < r.sentinel.downAfterMilliseconds) {
      ctx.addIssue({ code: "custom", path: ["sentinel", "failoverTimeoutMilliseconds"], message: `must be >= sentinel.downAfterMilliseconds (${r.sentinel.downAfterMilliseconds})` });
    }
    if (r.provider === "elasticache" && r.elasticache === undefined) {
      ctx.addIssue({ code: "custom", path: ["elasticache"], message: 'is missing: provider "elasticache" needs engine, engineVersion, nodeType, replicas, vpcId, subnetIds, allowedCidrs and snapshotRetentionDays' });
    }
  });

/** RabbitMQ: a RabbitmqCluster (cluster operator) with core-api's vhost, user and work queues (topology operator). */
export const rabbitmqSettings = z
  .strictObject({
    enabled: z.boolean(),
    replicas: z.number().int().min(1).max(9),
    storageSize: bytes,
    resources,
    /** Deliveries before a work-queue message is dead-lettered (RabbitMQ 4.x's own default is 20). */
    deliveryLimit: z.number().int().min(1).max(1000),
    /** core-api's work queues; each gets `<name>.dlx` and `<name>.dlq`. */
    queues: z.array(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$/, { message: 'must be a queue name of letters, digits, "_", "." or "-" (at most 120)' }).refine((q) => !/\.(dlx|dlq)$/.test(q) && !q.startsWith("amq."), {
        message: 'must not end in ".dlx"/".dlq" (the dead-letter names) nor start with "amq."',
      }),
    ),
    tls: z.strictObject({ issuer: z.string().min(1), kind: z.enum(["Issuer", "ClusterIssuer"]) }).optional(),
  })
  .superRefine((r, ctx) => {
    if ((parseQuantity(r.storageSize) ?? 0) < 2 ** 30) ctx.addIssue({ code: "custom", path: ["storageSize"], message: 'must be at least "1Gi"' });
    if ((parseQuantity(r.resources.limits.memory) ?? 0) < 256 * 2 ** 20) ctx.addIssue({ code: "custom", path: ["resources", "limits", "memory"], message: 'must be at least "256Mi"' });
    if (r.replicas > 1 && r.replicas % 2 === 0) ctx.addIssue({ code: "custom", path: ["replicas"], message: "must be 1 or odd (quorum queues need a majority of nodes)" });
    const seen = new Set<string>();
    r.queues.forEach((q, i) => {
      if (seen.has(q)) ctx.addIssue({ code: "custom", path: ["queues", i], message: "is listed twice" });
      seen.add(q);
    });
  });

/** An integer within the realm hardening policy's limits (components/keycloak/realm.ts REALM_LIMITS). */
const policyInt = (k: RealmLimitKey, unit: string) => {
  const { min, max } = REALM_LIMITS[k];
  const msg = `must be an integer between ${min} and ${max}${unit} (the platform's hardening policy)`;
  return z.number({ message: msg }).int({ message: msg }).min(min, { message: msg }).max(max, { message: msg });
};

/** Keycloak: the operator's Keycloak CR and the platform realm, applied by keycloak-config-cli. */
export const keycloakSettings = z
  .strictObject({
    enabled: z.boolean(),
    /** Server pods; 2+ cluster their caches. */
    instances: z.number().int().min(1).max(9),
    resources,
    /** Connections per pod to PostgreSQL (its own pool; direct to the primary). */
    dbPoolMaxSize: z.number().int().min(2).max(200),
    realm: z.strictObject({
      sslRequired: z.enum(["external", "all"]),
      accessTokenLifespanSeconds: policyInt("accessTokenLifespanSeconds", " seconds"),
      ssoSessionIdleTimeoutSeconds: policyInt("ssoSessionIdleTimeoutSeconds", " seconds"),
      ssoSessionMaxLifespanSeconds: policyInt("ssoSessionMaxLifespanSeconds", " seconds"),
      password: z.strictObject({ minLength: policyInt("passwordMinLength", " characters"), history: policyInt("passwordHistory", " passwords") }),
      bruteForce: z.strictObject({
        failureFactor: policyInt("bruteForceFailureFactor", " failures"),
        waitIncrementSeconds: policyInt("bruteForceWaitIncrementSeconds", " seconds"),
        maxWaitSeconds: policyInt("bruteForceMaxWaitSeconds", " seconds"),
        maxDeltaTimeSeconds: policyInt("bruteForceMaxDeltaTimeSeconds", " seconds"),
        quickLoginCheckMilliSeconds: policyInt("bruteForceQuickLoginCheckMilliSeconds", " ms"),
        minimumQuickLoginWaitSeconds: policyInt("bruteForceMinimumQuickLoginWaitSeconds", " seconds"),
      }),
      events: z.strictObject({ expirationSeconds: policyInt("eventsExpirationSeconds", " seconds") }),
    }),
  })
  .superRefine((k, ctx) => {
    if ((parseQuantity(k.resources.limits.memory) ?? 0) < 2 ** 30) ctx.addIssue({ code: "custom", path: ["resources", "limits", "memory"], message: 'must be at least "1Gi"' });
    if (k.realm.ssoSessionIdleTimeoutSeconds > k.realm.ssoSessionMaxLifespanSeconds) ctx.addIssue({ code: "custom", path: ["realm", "ssoSessionIdleTimeoutSeconds"], message: `must not exceed realm.ssoSessionMaxLifespanSeconds (${k.realm.ssoSessionMaxLifespanSeconds})` });
    if (k.realm.bruteForce.maxWaitSeconds < k.realm.bruteForce.waitIncrementSeconds) ctx.addIssue({ code: "custom", path: ["realm", "bruteForce", "maxWaitSeconds"], message: `must be at least realm.bruteForce.waitIncrementSeconds (${k.realm.bruteForce.waitIncrementSeconds})` });
  });

export const platformSettings = z.strictObject({
  environment: z.enum(["local", "preview", "dev", "staging", "prod"]),
  /** Whether this stack installs the cluster-wide services (operators, monitoring) or uses the cluster's. */
  clusterServices: z.boolean(),
  /**
   * Who runs the cluster's control plane: "managed" (EKS and the like; kind and k3d keep it on
   * localhost too) is never scraped or alerted on; "self-managed" clusters are.
   */
  controlPlane: z.enum(["managed", "self-managed"]),
  domain: dnsName,
  kubernetes: z.strictObject({
    context: z.string().min(1).optional(),
    kubeconfig: z.string().min(1).optional(),
    namespace: k8sName.optional(),
    /** Pod Security Admission level of the stack's namespace. @default "restricted" */
    podSecurity: z.enum(["restricted", "baseline"]).optional(),
  }),
  aws: z
    .strictObject({
      region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, { message: 'must be an AWS region such as "eu-west-1"' }),
      oidcProviderArn: z.string().regex(/^arn:aws:iam::[0-9]{12}:oidc-provider\/.+$/, { message: "must be the EKS cluster's IAM OIDC provider ARN" }),
      oidcProviderUrl: z.string().regex(/^[a-z0-9.-]+\/id\/[A-Za-z0-9]+$/, { message: 'must be the issuer host/path without https://, e.g. "oidc.eks.eu-west-1.amazonaws.com/id/ABC123"' }),
    })
    .optional(),
  images: z.strictObject({ coreApi: imageRef, web: imageRef }),
  ingress: z.strictObject({
    /** IngressClass of the cluster's own maintained controller; read only when edge.mode is "ingress". */
    className: z.string().min(1).optional(),
    clusterIssuer: z.string().min(1),
    /** Requests per minute per client address on API routes (edge.mode "gateway"). */
    rateLimitPerMinute: z.number().int().min(1).max(100_000),
    tls: z.boolean(),
  }),
  edge: edgeSettings,
  workloads: z.strictObject({ coreApi: workloadSettings, web: workloadSettings }),
  postgres: z.strictObject({
    instances: z.number().int().min(1, { message: "must be an integer >= 1" }).max(9),
    storageSize: bytes,
    walStorageSize: bytes,
    resources,
    maxConnections: z.number().int().min(10).max(10_000),
    archiveTimeoutSeconds: z.number().int().min(10).max(3600),
    superuserAccess: z.boolean(),
    pooler: z.strictObject({
      instances: z.number().int().min(1).max(20),
      poolMode: z.enum(["session", "transaction"]),
      defaultPoolSize: z.number().int().min(1).max(1000),
      maxClientConnections: z.number().int().min(1).max(100_000),
    }),
    backup: z.strictObject({
      retentionDays: z.number().int().min(1, { message: "must be between 1 and 3650 days" }).max(3650, { message: "must be between 1 and 3650 days" }),
      schedule: sixFieldCron,
      // One codec for base backups and WAL, or each; defaults (environments.ts) follow bench/pitr: docs/postgres.md.
      compression: backupCompression,
      jobs: z.number().int().min(1).max(8),
      objectLock: z.boolean(),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "must be a valid S3 bucket name" }).optional(),
    }),
    restore: z
      .strictObject({
        from: k8sName,
        targetTime: z.string().optional(),
        generation: z.number().int().min(1).max(999).optional(),
      })
      .optional(),
  }),
  monitoring: z.strictObject({
    prometheus: z.strictObject({
      replicas: z.number().int().min(1).max(5),
      retention: promDuration,
      storageSize: bytes,
      resources,
    }),
    alertmanager: z.strictObject({ replicas: z.number().int().min(1).max(5) }),
    grafana: z.strictObject({ persistence: z.boolean(), storageSize: bytes }),
    alerts: z.strictObject({
      thresholds: z.record(z.string(), z.number()),
      durations: z.record(z.string(), promDuration),
      /** Where every alert's runbook link points (this repository's docs/runbooks, or your fork's). */
      runbookBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
    }),
  }),
  alerting: z.strictObject({
    slack: z.strictObject({ channel: z.string().regex(/^#[a-z0-9_-]+$/, { message: 'must be a channel such as "#alerts"' }) }).optional(),
    pagerduty: z.strictObject({ enabled: z.boolean() }).optional(),
    email: z
      .strictObject({
        to: z.email(),
        from: z.email(),
        smarthost: z.string().regex(/^[a-z0-9.-]+:[0-9]+$/, { message: 'must be host:port, e.g. "smtp.example.com:587"' }),
        username: z.string().optional(),
      })
      .optional(),
    heartbeat: z.strictObject({ enabled: z.boolean() }).optional(),
    teams: z
      .record(
        k8sName,
        z.strictObject({ slackChannel: z.string().regex(/^#[a-z0-9_-]+$/).optional(), pagerduty: z.boolean().optional() }),
      )
      .optional(),
  }),
  redis: redisSettings,
  rabbitmq: rabbitmqSettings,
  keycloak: keycloakSettings,
  secrets: z.strictObject({
    /** Bump a secret's value to regenerate exactly that secret. */
    rotation: z.record(z.string(), z.union([z.number().int().min(0), z.string().min(1)])),
  }),
});

export type PlatformSettings = z.infer<typeof platformSettings>;
export type WorkloadSettings = z.infer<typeof workloadSettings>;
