/**
 * The environment table: every difference between local, preview, dev, staging
 * and prod lives here, in one typed place. A stack file (`stacks/Pulumi.<stack>.yaml`)
 * picks an environment and may override any of these values; the merged result
 * is validated by `stacks/schema.ts` before a single resource is registered.
 */
import type { PlatformSettings } from "./schema";

export const ENVIRONMENTS = ["local", "preview", "dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** Stack names that get the preview profile without a stack file of their own. */
export const PREVIEW_STACK = /^(pr-[1-9][0-9]{0,8}|preview-[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?)$/;

type Profile = Omit<PlatformSettings, "environment" | "images" | "kubernetes" | "aws" | "secrets">;

const smallApp = {
  replicas: 1,
  autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 70, targetMemoryUtilization: 80, scaleDownStabilizationSeconds: 60 },
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
};

/** core-api is a JVM (Spring Boot): CPU scaling only, memory request = limit (components/workload/jvm.ts). */
function jvmApp<T extends { autoscaling: { targetMemoryUtilization?: number }; resources: { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } } }>(w: T): T {
  const { targetMemoryUtilization: _memory, ...autoscaling } = w.autoscaling;
  return { ...w, autoscaling, resources: { ...w.resources, requests: { ...w.resources.requests, memory: w.resources.limits.memory } } };
}

const local: Profile = {
  domain: "platform.localhost",
  clusterServices: true,
  // kind and k3d bind kube-controller-manager, kube-scheduler, etcd and kube-proxy metrics to
  // localhost (kubeadm and k3s defaults): for Prometheus that is a managed control plane.
  controlPlane: "managed",
  ingress: { clusterIssuer: "selfsigned", rateLimitPerMinute: 100, tls: true },
  // kind: clients reach Envoy directly (cloud-provider-kind or a port-forward), no load balancer in front.
  edge: {
    mode: "gateway",
    gateway: { name: "edge" },
    clientAddress: { source: "direct" },
    loadBalancer: "cluster-default",
    envoyReplicas: 1,
    internal: {},
    acme: { solver: "http01" },
  },
  workloads: {
    coreApi: jvmApp({ ...smallApp, resources: { requests: { cpu: "250m", memory: "768Mi" }, limits: { cpu: "1", memory: "768Mi" } } }),
    web: smallApp,
  },
  postgres: {
    instances: 1,
    storageSize: "2Gi",
    walStorageSize: "1Gi",
    // Guaranteed QoS (limits = requests) for database pods; PostgreSQL's memory settings follow the limit.
    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "500m", memory: "1Gi" } },
    maxConnections: 100,
    archiveTimeoutSeconds: 300,
    superuserAccess: false,
    pooler: { instances: 1, poolMode: "transaction", defaultPoolSize: 10, maxClientConnections: 200 },
    backup: { retentionDays: 7, schedule: "0 0 2 * * *", compression: { data: "none", wal: "gzip" }, jobs: 2, objectLock: false },
  },
  monitoring: {
    prometheus: { replicas: 1, retention: "2d", storageSize: "5Gi", resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } } },
    alertmanager: { replicas: 1 },
    grafana: { persistence: false, storageSize: "1Gi" },
    alerts: { thresholds: {}, durations: {} },
  },
  alerting: {},
  redis: {
    provider: "in-cluster",
    flavor: "redis",
    mode: "standalone",
    replicas: 1,
    use: "sessions",
    storageSize: "1Gi",
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    sentinel: { replicas: 3, downAfterMilliseconds: 10_000, failoverTimeoutMilliseconds: 180_000 },
  },
  rabbitmq: {
    enabled: true,
    replicas: 1,
    storageSize: "2Gi",
    resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    deliveryLimit: 20,
    queues: ["notifications", "exports"],
  },
};

const preview: Profile = {
  ...local,
  domain: "preview.platform.example.com",
  clusterServices: false,
  ingress: { ...local.ingress, clusterIssuer: "letsencrypt-staging" },
  // Previews attach to the gateway of the cluster they run on (the dev stack's, by default).
  edge: { ...local.edge, gateway: { name: "edge", namespace: "platform-dev" } },
  postgres: {
    ...local.postgres,
    storageSize: "1Gi",
    // Smallest footprint: many previews share the dev cluster.
    resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "250m", memory: "512Mi" } },
    backup: { ...local.postgres.backup, retentionDays: 3 },
  },
  redis: { ...local.redis, storageSize: "512Mi" },
  rabbitmq: { ...local.rabbitmq, storageSize: "1Gi" },
};

// EKS: an internet-facing NLB (AWS Load Balancer Controller) sends the PROXY header with the client address.
const eksEdge: Profile["edge"] = { ...local.edge, clientAddress: { source: "proxy-protocol" }, loadBalancer: "aws-nlb", envoyReplicas: 2 };

const dev: Profile = {
  ...local,
  domain: "dev.platform.example.com",
  clusterServices: true,
  // EKS (dev, staging, prod): AWS runs the control plane and exposes none of its components.
  controlPlane: "managed",
  ingress: { ...local.ingress, clusterIssuer: "letsencrypt-staging" },
  edge: eksEdge,
  workloads: {
    coreApi: jvmApp({ ...local.workloads.coreApi, autoscaling: { ...smallApp.autoscaling, enabled: true, minReplicas: 1, maxReplicas: 3 } }),
    web: { ...smallApp, autoscaling: { ...smallApp.autoscaling, enabled: true, minReplicas: 1, maxReplicas: 3 } },
  },
  postgres: { ...local.postgres, storageSize: "10Gi", walStorageSize: "2Gi", backup: { ...local.postgres.backup, retentionDays: 14 } },
  monitoring: { ...local.monitoring, prometheus: { ...local.monitoring.prometheus, retention: "7d", storageSize: "20Gi" }, grafana: { persistence: true, storageSize: "2Gi" } },
  redis: { ...local.redis, storageSize: "2Gi" },
  rabbitmq: { ...local.rabbitmq, storageSize: "5Gi" },
};

const bigApp = {
  replicas: 3,
  autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 12, targetCpuUtilization: 70, targetMemoryUtilization: 80, scaleDownStabilizationSeconds: 300 },
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "1536Mi" } },
};

const staging: Profile = {
  ...dev,
  domain: "staging.platform.example.com",
  ingress: { ...local.ingress, clusterIssuer: "letsencrypt-prod" },
  workloads: {
    coreApi: jvmApp({ ...bigApp, replicas: 2, autoscaling: { ...bigApp.autoscaling, minReplicas: 2, maxReplicas: 6 } }),
    web: { ...bigApp, replicas: 2, autoscaling: { ...bigApp.autoscaling, minReplicas: 2, maxReplicas: 4 }, resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } } },
  },
  postgres: { ...dev.postgres, instances: 2, storageSize: "50Gi", walStorageSize: "10Gi", backup: { ...dev.postgres.backup, retentionDays: 30 } },
  monitoring: { ...dev.monitoring, prometheus: { ...dev.monitoring.prometheus, retention: "15d", storageSize: "50Gi" } },
  // On-call is paged from here on (POLICIES.requireHeartbeat): the Watchdog goes to a dead man's switch.
  alerting: { heartbeat: { enabled: true } },
  // Production-shaped: a primary, two replicas and three Sentinels.
  redis: { ...dev.redis, mode: "sentinel", replicas: 3, storageSize: "4Gi", resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } } },
  // Production-shaped: three nodes, so quorum queues survive losing one.
  rabbitmq: { ...dev.rabbitmq, replicas: 3, storageSize: "20Gi", resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } } },
};

const prod: Profile = {
  ...staging,
  domain: "platform.example.com",
  edge: { ...eksEdge, envoyReplicas: 3 },
  workloads: {
    coreApi: jvmApp(bigApp),
    web: { ...bigApp, autoscaling: { ...bigApp.autoscaling, maxReplicas: 8 }, resources: { requests: { cpu: "250m", memory: "384Mi" }, limits: { cpu: "1", memory: "768Mi" } } },
  },
  postgres: {
    ...staging.postgres,
    instances: 3,
    storageSize: "100Gi",
    walStorageSize: "20Gi",
    resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "2", memory: "8Gi" } },
    maxConnections: 400,
    archiveTimeoutSeconds: 60,
    pooler: { instances: 3, poolMode: "transaction", defaultPoolSize: 50, maxClientConnections: 2000 },
    backup: { ...staging.postgres.backup, retentionDays: 30, objectLock: true },
  },
  monitoring: {
    ...staging.monitoring,
    prometheus: { replicas: 2, retention: "30d", storageSize: "200Gi", resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } } },
    alertmanager: { replicas: 2 },
    grafana: { persistence: true, storageSize: "10Gi" },
  },
  redis: {
    ...staging.redis,
    storageSize: "10Gi",
    resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  },
  rabbitmq: { ...staging.rabbitmq, replicas: 3, storageSize: "50Gi", resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } } },
};

/** Defaults per environment, before the stack file's overrides. */
export const PROFILES: Readonly<Record<EnvironmentName, Profile>> = { local, preview, dev, staging, prod };

/** Environment-wide policies that are not overridable per stack. */
export const POLICIES: Readonly<
  Record<
    EnvironmentName,
    {
      requirePinnedImages: boolean;
      requireAlertReceivers: boolean;
      /** A dead man's switch for the Watchdog (alerting.heartbeat + heartbeatUrl): wherever on-call is paged. */
      requireHeartbeat: boolean;
      requireKubeContext: boolean;
      objectStore: "s3" | "in-cluster";
    }
  >
> = {
  local: { requirePinnedImages: false, requireAlertReceivers: false, requireHeartbeat: false, requireKubeContext: false, objectStore: "in-cluster" },
  preview: { requirePinnedImages: false, requireAlertReceivers: false, requireHeartbeat: false, requireKubeContext: false, objectStore: "in-cluster" },
  dev: { requirePinnedImages: false, requireAlertReceivers: false, requireHeartbeat: false, requireKubeContext: true, objectStore: "s3" },
  staging: { requirePinnedImages: true, requireAlertReceivers: true, requireHeartbeat: true, requireKubeContext: true, objectStore: "s3" },
  prod: { requirePinnedImages: true, requireAlertReceivers: true, requireHeartbeat: true, requireKubeContext: true, objectStore: "s3" },
};
