import type { GatewayRef } from "../edge/gateway-ref";
import { resolveRouteArgs, type RouteArgs } from "../edge/route-args";
import { invalidArg } from "../lib/errors";
import { isByteQuantity, isCpuQuantity } from "../lib/quantities";
import { applyJvm, type JvmArgs } from "./jvm";

/** The HTTP paths of the workload's startup, liveness and readiness probes. */
export interface ProbePaths {
  /** Startup probe path; the app gets `startupFailureThreshold` × 5 s to start. */
  readonly startup: string;
  /** Liveness probe path (HTTP GET on the serving port, every 10 s); 3 failures restart the container. */
  readonly liveness: string;
  /** Readiness probe path (HTTP GET on the serving port, every 5 s); 3 failures take the pod out of the Service. */
  readonly readiness: string;
}

/** A key of a Kubernetes Secret in the workload's namespace, read into an environment variable. */
export interface SecretRef {
  /** Name of a Kubernetes Secret in the workload's namespace. */
  readonly secret: string;
  /** The key inside it. */
  readonly key: string;
}

/** A peer this workload talks to (egress) — a pod selector in the same namespace, or a namespace. */
export interface Peer {
  /** Label selector of the peer pods. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Namespace of the peer (by name); the workload's own namespace when omitted. */
  readonly namespace?: string;
  /** TCP ports allowed. */
  readonly ports: readonly number[];
}

/** Horizontal Pod Autoscaler of a workload: replica range and CPU target. */
export interface AutoscalingArgs {
  /** Create the HorizontalPodAutoscaler (the Deployment then has no fixed replica count). @default false */
  readonly enabled?: boolean;
  /** Fewest replicas the autoscaler keeps. */
  readonly minReplicas: number;
  /** Most replicas the autoscaler scales to. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilisation (% of requests); omitted = not scaled on CPU (an enabled
   * autoscaler then needs a memory target).
   * @default - 70 for a JVM workload (`jvm`) that sets neither target, none otherwise
   */
  readonly targetCpuUtilization?: number;
  /** Target average memory utilisation (% of requests); omitted = not scaled on memory. */
  readonly targetMemoryUtilization?: number;
  /** Scale-down stabilization window. @default 300 */
  readonly scaleDownStabilizationSeconds?: number;
}

/** CPU and memory requests and limits of the workload's container. */
export interface ResourcesArgs {
  /** What the scheduler reserves, as Kubernetes quantities (`"500m"`, `"1Gi"`). */
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  /** The most the container may use; memory above the limit is an OOM kill. */
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/**
 * The workload on the platform's gateway: an HTTPRoute (or GRPCRoute) per group of paths, with a
 * per-client-address rate limit, timeouts and WebSocket settings (see `ServiceRoutes`).
 */
export interface WorkloadRouteArgs extends Omit<RouteArgs, "namespace" | "service" | "labels" | "gateway"> {
  /** The gateway to attach to (`EdgeGateway.ref`, or `gatewayRefFor` for a cluster's gateway). */
  readonly gateway: GatewayRef;
}

/**
 * An Ingress, only for clusters that already run a maintained Ingress controller (for example the
 * AWS Load Balancer Controller). Rate limiting and client addresses are then the controller's job.
 */
export interface IngressArgs {
  /** Public host name. @example "api.platform.example.com" */
  readonly host: string;
  /** Path prefix the Ingress routes to the workload (`pathType: Prefix`). @default "/" */
  readonly path?: string;
  /** IngressClass of the cluster's controller. @example "alb" */
  readonly className: string;
  /** cert-manager ClusterIssuer for the TLS certificate (omit when the controller terminates TLS itself, e.g. ACM). */
  readonly clusterIssuer?: string;
  /** Serve HTTPS with the certificate in Secret `<name>-tls` (cert-manager issues it when `clusterIssuer` is set). @default true */
  readonly tls?: boolean;
  /** Controller-specific annotations (e.g. `alb.ingress.kubernetes.io/wafv2-acl-arn` for a WAF rate rule). */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Who the controller's traffic comes from, for the NetworkPolicy: its pods (namespace + labels), or the load
   * balancer's addresses when it targets pod IPs directly (ALB `target-type: ip`).
   */
  readonly from: { readonly namespace: string; readonly podLabels?: Readonly<Record<string, string>> } | { readonly cidrs: readonly string[] };
}

/** Args of {@link Workload}: an HTTP service's Deployment, Service, HPA, PDB, NetworkPolicy, ServiceMonitor and route, from its image, port, probes, env and resources. */
export interface WorkloadArgs {
  /** Namespace (must exist). */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance). */
  readonly instance: string;
  /** app.kubernetes.io/component. @example "api" */
  readonly component: string;
  /** Container image, pinned by tag or digest. */
  readonly image: string;
  /** HTTP port the container listens on. @default 8080 */
  readonly port?: number;
  /** Where Prometheus scrapes metrics; omit for no ServiceMonitor. */
  readonly metrics?: { readonly path: string; readonly port?: number; readonly interval?: string };
  /** HTTP paths of the startup, liveness and readiness probes. */
  readonly probes: ProbePaths;
  /** Startup probe failure threshold (× 5 s period). @default 30 */
  readonly startupFailureThreshold?: number;
  /** Plain, non-secret environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables read from Secrets by reference (never literal values). */
  readonly secretEnv?: Readonly<Record<string, SecretRef>>;
  /** Whole Secrets exposed as environment (`envFrom`). */
  readonly envFromSecrets?: readonly string[];
  /** Replicas when autoscaling is off. @default 1 */
  readonly replicas?: number;
  /** The HorizontalPodAutoscaler (autoscaling/v2). @default - off, `replicas` fixed */
  readonly autoscaling?: AutoscalingArgs;
  /** CPU and memory of the container; `limits.memory` is required; autoscaling targets are percentages of the requests. */
  readonly resources: ResourcesArgs;
  /** Extra writable paths (emptyDir) besides /tmp, since the root filesystem is read-only. */
  readonly writablePaths?: readonly string[];
  /** Run as this UID/GID. @default 10001 */
  readonly runAsUser?: number;
  /** Route the workload through the platform's gateway. */
  readonly route?: WorkloadRouteArgs;
  /** Or expose it through a maintained Ingress controller the cluster already runs (not both). */
  readonly ingress?: IngressArgs;
  /** Pods allowed to call this workload (same namespace unless set); the edge (gateway or ingress) always may. */
  readonly callers?: readonly Omit<Peer, "ports">[];
  /** What this workload calls (egress); DNS is always allowed. */
  readonly dependencies?: readonly Peer[];
  /**
   * Allow egress to any address on TCP 443, e.g. an OIDC issuer (Keycloak) reached
   * through its public host name for discovery and JWKS. Cluster-internal peers
   * belong in `dependencies` instead.
   * @default false
   */
  readonly egressHttps?: boolean;
  /** Namespace of Prometheus (allowed to scrape). @default "monitoring" */
  readonly monitoringNamespace?: string;
  /**
   * A PodDisruptionBudget with `maxUnavailable: 1`, which can never block a node drain.
   * @default true
   */
  readonly podDisruptionBudget?: boolean;
  /** Extra labels on every object (not in selectors), e.g. `{ team: "payments" }`. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The workload's own alert (ScrapeTargetsMissing for its metrics job, created with
   * `metrics`): its runbook base URL and duration overrides (`monitoring.scrapeMissing.for`).
   * @default { runbookBaseUrl: RUNBOOK_BASE_URL }
   */
  readonly alerts?: { readonly runbookBaseUrl?: string; readonly durations?: Readonly<Record<string, string>> };
  /**
   * Rotation counters of the Secrets the platform generates (`GeneratedSecrets.rotation`):
   * the pod template carries those of the Secrets it reads, so rotating one rolls this
   * workload exactly when it reads it.
   * @default {} - no rotation stamp
   */
  readonly secretRotation?: Readonly<Record<string, string>>;
  /**
   * A JVM application (Spring Boot, ...): CPU autoscaling (a memory target only when
   * asked), memory request = limit, heap at `heapPercentage` of the limit (jvm.ts).
   * @default - not a JVM
   */
  readonly jvm?: JvmArgs;
}

/** {@link WorkloadArgs} with every default applied, as {@link resolveWorkloadArgs} returns them. */
export interface ResolvedWorkloadArgs extends WorkloadArgs {
  /** HTTP port of the container (default 8080). */
  readonly port: number;
  /** Replicas when autoscaling is off (default 1). */
  readonly replicas: number;
  /**
   * Autoscaling, defaults applied: `enabled` false, min and max `replicas`, scale-down window 300 s; targets as given (a
   * JVM: CPU 70%).
   */
  readonly autoscaling: Required<Pick<AutoscalingArgs, "enabled" | "minReplicas" | "maxReplicas" | "scaleDownStabilizationSeconds">> &
    Pick<AutoscalingArgs, "targetCpuUtilization" | "targetMemoryUtilization">;
  /** Startup probe failure threshold, × 5 s (default 30). */
  readonly startupFailureThreshold: number;
  /** UID/GID the container runs as (default 10001). */
  readonly runAsUser: number;
  /** Namespace of Prometheus, allowed to scrape (default "monitoring"). */
  readonly monitoringNamespace: string;
  /** Whether the PodDisruptionBudget is created (default true). */
  readonly podDisruptionBudget: boolean;
}

const NAME = /^[a-z]([a-z0-9-]{0,40}[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where a workload's routes live: the namespace of the listener they attach to (its own when the gateway is there). */
export function routeNamespace(a: Pick<WorkloadArgs, "namespace" | "route">): string {
  const l = a.route ? a.route.gateway.listeners[a.route.listener ?? "public"] : undefined;
  return l?.parentRef.namespace ?? a.namespace;
}

/** Resolves defaults and validates; throws an error that says what to change. */
export function resolveWorkloadArgs(name: string, args: WorkloadArgs): ResolvedWorkloadArgs {
  const c = `Workload ${name}`;
  const a = applyJvm(c, args);
  if (!NAME.test(name)) invalidArg(c, "name", name, "must be a lower-case DNS label of at most 42 characters");
  if (!a.image) invalidArg(c, "image", a.image, "must be set");
  const port = a.port ?? 8080;
  if (!Number.isInteger(port) || port < 1 || port > 65535) invalidArg(c, "port", port, "must be between 1 and 65535");
  const replicas = a.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) invalidArg(c, "replicas", replicas, "must be an integer >= 1");
  const as = a.autoscaling;
  const autoscaling = {
    enabled: as?.enabled ?? false,
    minReplicas: as?.minReplicas ?? replicas,
    maxReplicas: as?.maxReplicas ?? replicas,
    targetCpuUtilization: as ? as.targetCpuUtilization : undefined,
    targetMemoryUtilization: as ? as.targetMemoryUtilization : undefined,
    scaleDownStabilizationSeconds: as?.scaleDownStabilizationSeconds ?? 300,
  };
  if (autoscaling.enabled) {
    if (autoscaling.minReplicas < 1) invalidArg(c, "autoscaling.minReplicas", autoscaling.minReplicas, "must be >= 1");
    if (autoscaling.minReplicas > autoscaling.maxReplicas) {
      invalidArg(c, "autoscaling.minReplicas", autoscaling.minReplicas, `must be <= autoscaling.maxReplicas (${autoscaling.maxReplicas})`);
    }
    if (autoscaling.targetCpuUtilization === undefined && autoscaling.targetMemoryUtilization === undefined) {
      invalidArg(c, "autoscaling", "no targets", "needs targetCpuUtilization and/or targetMemoryUtilization");
    }
    if (autoscaling.targetCpuUtilization !== undefined && !a.resources.requests?.cpu) {
      invalidArg(c, "resources.requests.cpu", undefined, "must be set when autoscaling on CPU (utilisation is a percentage of the request)");
    }
    if (autoscaling.targetMemoryUtilization !== undefined && !a.resources.requests?.memory) {
      invalidArg(c, "resources.requests.memory", undefined, "must be set when autoscaling on memory (utilisation is a percentage of the request)");
    }
  }
  for (const [k, v] of Object.entries({ ...a.resources.requests, ...prefixKeys("limits.", a.resources.limits) })) {
    if (v === undefined) continue;
    const ok = k.endsWith("cpu") ? isCpuQuantity(v) : isByteQuantity(v);
    if (!ok) invalidArg(c, `resources.${k.includes(".") ? k : `requests.${k}`}`, v, "is not a quantity Kubernetes accepts");
  }
  if (!a.resources.limits?.memory) invalidArg(c, "resources.limits.memory", undefined, "must be set (an unbounded container can starve its node)");
  for (const k of [...Object.keys(a.env ?? {}), ...Object.keys(a.secretEnv ?? {})]) {
    if (!ENV_NAME.test(k)) invalidArg(c, "env", k, "is not a valid environment variable name");
  }
  const dupe = Object.keys(a.env ?? {}).find((k) => a.secretEnv?.[k] !== undefined);
  if (dupe) invalidArg(c, "secretEnv", dupe, "is also set in env; a variable comes from one place");
  if (a.route && a.ingress) invalidArg(c, "ingress", a.ingress.host, "cannot be set together with route: a workload is exposed through one edge");
  if (a.route) resolveRouteArgs(name, { ...a.route, namespace: routeNamespace(a), service: { name, port: 80, namespace: a.namespace } });
  if (a.ingress && !a.ingress.className) invalidArg(c, "ingress.className", a.ingress.className, "must name the cluster's Ingress controller class");
  if (a.metrics && (a.metrics.port ?? port) === port && (a.route || a.ingress)) {
    invalidArg(c, "metrics.port", a.metrics.port ?? port, "must differ from port on an exposed workload: the edge routes the serving port, and metrics never go public");
  }
  for (const p of a.writablePaths ?? []) if (!p.startsWith("/")) invalidArg(c, "writablePaths", p, "must be absolute");
  return {
    ...a,
    port,
    replicas,
    autoscaling,
    startupFailureThreshold: a.startupFailureThreshold ?? 30,
    runAsUser: a.runAsUser ?? 10001,
    monitoringNamespace: a.monitoringNamespace ?? "monitoring",
    podDisruptionBudget: a.podDisruptionBudget ?? true,
  };
}

function prefixKeys(prefix: string, o: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(o ?? {})) out[prefix + k] = v;
  return out;
}
