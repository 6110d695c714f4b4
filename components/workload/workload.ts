import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { selectorLabels, standardLabels } from "../lib/labels";
import { serviceMonitor } from "../monitoring/monitors";
import { resolveWorkloadArgs, type ResolvedWorkloadArgs, type WorkloadArgs } from "./args";
import { networkPolicySpec } from "./network";
import { ServiceRoutes } from "../edge/routes";
import { routeNamespace } from "./args";
import { workloadPresenceRule } from "./presence";
import { rotationAnnotations } from "../secrets/rotation";
import { applyTransform as apply, type Transform } from "../lib/transform";

/** Escape hatches of {@link Workload}, one per child. */
export interface WorkloadTransforms {
  /** The Deployment. */
  readonly deployment?: Transform<k8s.apps.v1.DeploymentArgs>;
  /** The Service. */
  readonly service?: Transform<k8s.core.v1.ServiceArgs>;
  /** The HorizontalPodAutoscaler (with `autoscaling.enabled`). */
  readonly hpa?: Transform<k8s.autoscaling.v2.HorizontalPodAutoscalerArgs>;
  /** The PodDisruptionBudget (with `podDisruptionBudget`). */
  readonly pdb?: Transform<k8s.policy.v1.PodDisruptionBudgetArgs>;
  /** The Ingress (with `ingress`). */
  readonly ingress?: Transform<k8s.networking.v1.IngressArgs>;
  /** Each HTTPRoute/GRPCRoute (with `route`). */
  readonly route?: Transform<k8s.apiextensions.CustomResourceArgs>;
  /** Each route's BackendTrafficPolicy (with `route`). */
  readonly routePolicy?: Transform<k8s.apiextensions.CustomResourceArgs>;
  /** The NetworkPolicy. */
  readonly networkPolicy?: Transform<k8s.networking.v1.NetworkPolicyArgs>;
  /** The ServiceMonitor (with `metrics`); the monitoring label is re-applied after it. */
  readonly serviceMonitor?: Transform<k8s.apiextensions.CustomResourceArgs>;
  /** The PrometheusRule with ScrapeTargetsMissing (with `metrics`); the monitoring label is re-applied after it. */
  readonly prometheusRule?: Transform<k8s.apiextensions.CustomResourceArgs>;
}

/** {@link WorkloadArgs} plus what the monitors wait for and the escape hatches per child. */
export interface WorkloadComponentArgs extends WorkloadArgs {
  /** What the ServiceMonitor waits for: the prometheus-operator CRDs, when this stack installs them. @default [] */
  readonly monitoringCrdsReady?: readonly pulumi.Resource[];
  /** What routes wait for: the gateway (and its CRDs), when this stack creates it. @default [] */
  readonly edgeReady?: readonly pulumi.Resource[];
  /** Escape hatch per child, applied to the args just before the child is created. */
  readonly transform?: WorkloadTransforms;
}

/**
 * The app tier: Deployment, Service, HPA (autoscaling/v2), a PDB that can never
 * block a drain, probes, restricted security context, topology spread,
 * zero-unavailable rollouts, ServiceMonitor, NetworkPolicy, and optional routes
 * on the platform's gateway (per-client rate limits, timeouts, WebSocket) or an
 * Ingress for a cluster's own maintained controller.
 */
export class Workload extends pulumi.ComponentResource {
  /** The resolved args the component was built from. */
  public readonly args: ResolvedWorkloadArgs;
  /** The Deployment `<name>`. */
  public readonly deployment: k8s.apps.v1.Deployment;
  /** The Service `<name>`: port 80 (`http`) to the container port, plus `metrics` when it differs. */
  public readonly service: k8s.core.v1.Service;
  /** ServiceAccount `<name>`, with no API token mounted. */
  public readonly serviceAccount: k8s.core.v1.ServiceAccount;
  /** HorizontalPodAutoscaler `<name>`; undefined unless `autoscaling.enabled`. */
  public readonly hpa?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
  /** PodDisruptionBudget `<name>` (`maxUnavailable: 1`); undefined when `podDisruptionBudget` is false. */
  public readonly pdb?: k8s.policy.v1.PodDisruptionBudget;
  /** Ingress `<name>`; undefined without `ingress`. */
  public readonly ingress?: k8s.networking.v1.Ingress;
  /** The routes on the platform's gateway; undefined without `route`. */
  public readonly routes?: ServiceRoutes;
  /** NetworkPolicy `<name>`: callers, the edge and Prometheus in; DNS, `dependencies` (and TCP 443 with `egressHttps`) out. */
  public readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
  /** ServiceMonitor `<name>`; undefined without `metrics`. */
  public readonly serviceMonitor?: k8s.apiextensions.CustomResource;
  /** ScrapeTargetsMissing for the ServiceMonitor's job (with `metrics`). */
  public readonly prometheusRule?: k8s.apiextensions.CustomResource;
  /** In-cluster URL of the Service. */
  public readonly internalUrl: string;
  /** Public URL when a route or an Ingress is declared. */
  public readonly url?: string;

  constructor(name: string, args: WorkloadComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:app:Workload", name, {}, opts);
    const a = resolveWorkloadArgs(name, args);
    this.args = a;
    const t = args.transform;
    const ns = a.namespace;
    const child = (...own: (pulumi.Resource | undefined)[]): pulumi.CustomResourceOptions => ({ parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...own) });
    const labels = { ...a.labels, ...standardLabels({ name, instance: a.instance, component: a.component }) };
    const selector = selectorLabels({ name, instance: a.instance });
    const metricsPort = a.metrics?.port ?? a.port;
    const separateMetricsPort = a.metrics !== undefined && metricsPort !== a.port;

    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-serviceaccount`,
      { metadata: { name, namespace: ns, labels }, automountServiceAccountToken: false },
      child(),
    );

    const writable = ["/tmp", ...(a.writablePaths ?? [])];
    const volumes = writable.map((_, i) => ({ name: `writable-${i}`, emptyDir: { sizeLimit: "256Mi" } }));
    const volumeMounts = writable.map((p, i) => ({ name: `writable-${i}`, mountPath: p }));
    const env = [
      ...Object.entries(a.env ?? {})
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([n, value]) => ({ name: n, value })),
      ...Object.entries(a.secretEnv ?? {})
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([n, ref]) => ({ name: n, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } })),
    ];
    const probe = (path: string, extra: Record<string, number>) => ({ httpGet: { path, port: "http" }, ...extra });
    const ports = [{ name: "http", containerPort: a.port, protocol: "TCP" }];
    if (separateMetricsPort) ports.push({ name: "metrics", containerPort: metricsPort, protocol: "TCP" });

    // Roll exactly when a generated secret this pod reads is rotated (components/secrets/rotation.ts).
    const rotation = rotationAnnotations({ containers: [{ env, envFrom: (a.envFromSecrets ?? []).map((s) => ({ secretRef: { name: s } })) }], volumes }, a.secretRotation ?? {});
    const deploymentArgs: k8s.apps.v1.DeploymentArgs = {
      metadata: { name, namespace: ns, labels },
      spec: {
        // With an HPA the replica count is the HPA's; setting it here would reset it on every update.
        replicas: a.autoscaling.enabled ? undefined : a.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels, ...(Object.keys(rotation).length > 0 ? { annotations: rotation } : {}) },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 45,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: a.runAsUser,
              runAsGroup: a.runAsUser,
              fsGroup: a.runAsUser,
              seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } },
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } },
            ],
            containers: [
              {
                name,
                image: a.image,
                imagePullPolicy: "IfNotPresent",
                ports,
                env,
                envFrom: (a.envFromSecrets ?? []).map((s) => ({ secretRef: { name: s } })),
                resources: {
                  requests: a.resources.requests,
                  limits: a.resources.limits,
                },
                startupProbe: probe(a.probes.startup, { periodSeconds: 5, failureThreshold: a.startupFailureThreshold, timeoutSeconds: 3 }),
                livenessProbe: probe(a.probes.liveness, { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 }),
                readinessProbe: probe(a.probes.readiness, { periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 }),
                // Give endpoints time to drop the pod before the app stops accepting requests.
                lifecycle: { preStop: { sleep: { seconds: 10 } } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMounts,
              },
            ],
            volumes,
          },
        },
      },
    };
    this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, apply(t?.deployment, deploymentArgs), child(this.serviceAccount));

    const servicePorts = [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }];
    if (separateMetricsPort) servicePorts.push({ name: "metrics", port: metricsPort, targetPort: "metrics", protocol: "TCP" });
    const serviceArgs: k8s.core.v1.ServiceArgs = {
      metadata: { name, namespace: ns, labels },
      spec: { type: "ClusterIP", selector, ports: servicePorts },
    };
    this.service = new k8s.core.v1.Service(`${name}-service`, apply(t?.service, serviceArgs), child());
    this.internalUrl = `http://${name}.${ns}.svc.cluster.local`;

    if (a.autoscaling.enabled) {
      const metrics: k8s.types.input.autoscaling.v2.MetricSpec[] = [];
      if (a.autoscaling.targetCpuUtilization !== undefined) {
        metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.autoscaling.targetCpuUtilization } } });
      }
      if (a.autoscaling.targetMemoryUtilization !== undefined) {
        metrics.push({ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: a.autoscaling.targetMemoryUtilization } } });
      }
      const hpaArgs: k8s.autoscaling.v2.HorizontalPodAutoscalerArgs = {
        metadata: { name, namespace: ns, labels },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
          minReplicas: a.autoscaling.minReplicas,
          maxReplicas: a.autoscaling.maxReplicas,
          metrics,
          behavior: {
            scaleDown: {
              stabilizationWindowSeconds: a.autoscaling.scaleDownStabilizationSeconds,
              policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
            },
            scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Percent", value: 100, periodSeconds: 30 }] },
          },
        },
      };
      this.hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, apply(t?.hpa, hpaArgs), child(this.deployment));
    }

    // maxUnavailable: 1 always lets a drain evict a pod, whatever the replica count, so this PDB can never
    // block a node drain; with several replicas it keeps all but one serving during voluntary disruptions.
    if (a.podDisruptionBudget) {
      const pdbArgs: k8s.policy.v1.PodDisruptionBudgetArgs = {
        metadata: { name, namespace: ns, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
      };
      this.pdb = new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, apply(t?.pdb, pdbArgs), child());
    }

    if (a.metrics) {
      // Through the labelled factory, so the platform's Prometheus always selects it; and after the
      // prometheus-operator CRDs (a component's dependsOn does not reach its children).
      this.serviceMonitor = serviceMonitor(
        `${name}-servicemonitor`,
        {
          name,
          namespace: ns,
          labels,
          spec: {
            selector: { matchLabels: selector },
            namespaceSelector: { matchNames: [ns] },
            endpoints: [{ port: separateMetricsPort ? "metrics" : "http", path: a.metrics.path, interval: a.metrics.interval ?? "30s", scrapeTimeout: "10s" }],
          },
          transform: t?.serviceMonitor,
        },
        child(...(args.monitoringCrdsReady ?? [])),
      );
      this.prometheusRule = workloadPresenceRule(name, a, labels, child(...(args.monitoringCrdsReady ?? [])), t?.prometheusRule);
    }

    const npArgs: k8s.networking.v1.NetworkPolicyArgs = {
      metadata: { name, namespace: ns, labels },
      spec: networkPolicySpec(a, selector, metricsPort),
    };
    this.networkPolicy = new k8s.networking.v1.NetworkPolicy(`${name}-networkpolicy`, apply(t?.networkPolicy, npArgs), child());

    if (a.route) {
      const { gateway, ...route } = a.route;
      this.routes = new ServiceRoutes(
        name,
        {
          ...route,
          gateway,
          // The route lives with the listener it attaches to; a ReferenceGrant here lets it reach this Service when that is elsewhere.
          namespace: routeNamespace(a),
          service: { name, port: 80, namespace: ns },
          labels,
          transform: { route: t?.route, policy: t?.routePolicy },
          dependsOn: [this.service, ...(args.edgeReady ?? [])],
        },
        { parent: this, dependsOn: opts?.dependsOn },
      );
      this.url = this.routes.url;
    }

    if (a.ingress) {
      const ing = a.ingress;
      const tls = ing.tls ?? true;
      const annotations: Record<string, string> = { ...(ing.annotations ?? {}) };
      if (tls && ing.clusterIssuer) annotations["cert-manager.io/cluster-issuer"] = ing.clusterIssuer;
      const ingressArgs: k8s.networking.v1.IngressArgs = {
        metadata: { name, namespace: ns, labels, annotations },
        spec: {
          ingressClassName: ing.className,
          tls: tls ? [{ hosts: [ing.host], secretName: `${name}-tls` }] : undefined,
          rules: [
            {
              host: ing.host,
              http: { paths: [{ path: ing.path ?? "/", pathType: "Prefix", backend: { service: { name, port: { name: "http" } } } }] },
            },
          ],
        },
      };
      this.ingress = new k8s.networking.v1.Ingress(`${name}-ingress`, apply(t?.ingress, ingressArgs), child(this.service));
      this.url = `${tls ? "https" : "http"}://${ing.host}${ing.path && ing.path !== "/" ? ing.path : ""}`;
    }

    this.registerOutputs({ internalUrl: this.internalUrl, url: this.url });
  }
}
