import { describe, expect, it } from "vitest";
import { mockRuntime, settle } from "../../test/harness";
import { resolveWorkloadArgs, type WorkloadArgs } from "./args";
import { gatewayRefFor } from "../edge/gateway-ref";

const gateway = gatewayRefFor({ name: "edge", namespace: "apps", publicDomain: "example.com", internalDomain: "internal.example.com" });
import { Workload } from "./workload";

const base: WorkloadArgs = {
  namespace: "apps",
  instance: "test",
  component: "api",
  image: "ghcr.io/example/api:1.0.0",
  port: 8080,
  metrics: { path: "/actuator/prometheus", port: 8081 },
  probes: { startup: "/health/startup", liveness: "/health/live", readiness: "/health/ready" },
  env: { LOG_LEVEL: "info" },
  secretEnv: { DB_PASSWORD: { secret: "db", key: "password" } },
  autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70, targetMemoryUtilization: 80, scaleDownStabilizationSeconds: 120 },
  resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  route: { gateway, host: "api.example.com" },
  callers: [{ podLabels: { "app.kubernetes.io/name": "web" } }],
  dependencies: [{ podLabels: { "cnpg.io/poolerName": "db-pooler-rw" }, ports: [5432] }],
};

async function build(args: WorkloadArgs = base) {
  const rec = mockRuntime();
  const w = new Workload("api", args);
  await settle();
  const obj = (kind: string) => {
    const found = rec.kind(kind);
    return found.length === 1 ? (found[0]!.inputs as Record<string, any>) : undefined;
  };
  return { rec, w, obj };
}

describe("Workload validation", () => {
  const cases: [string, Partial<WorkloadArgs>, RegExp][] = [
    ["HPA min > max", { autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 2, targetCpuUtilization: 70 } }, /autoscaling\.minReplicas must be <= autoscaling\.maxReplicas \(2\), got 5/],
    ["CPU target without CPU request", { resources: { requests: { memory: "1Gi" }, limits: { memory: "1Gi" } } }, /resources\.requests\.cpu must be set when autoscaling on CPU/],
    ["memory target without memory request", { resources: { requests: { cpu: "1" }, limits: { memory: "1Gi" } } }, /resources\.requests\.memory must be set when autoscaling on memory/],
    ["no memory limit", { resources: { requests: { cpu: "1", memory: "1Gi" } } }, /resources\.limits\.memory must be set/],
    ["bad quantity", { resources: { requests: { cpu: "fast", memory: "1Gi" }, limits: { memory: "1Gi" } } }, /resources\.requests\.cpu is not a quantity Kubernetes accepts, got "fast"/],
    ["zero replicas", { replicas: 0, autoscaling: undefined }, /replicas must be an integer >= 1, got 0/],
    ["autoscaling without targets", { autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 2 } }, /autoscaling needs targetCpuUtilization and\/or targetMemoryUtilization/],
    ["same variable plain and secret", { env: { DB_PASSWORD: "x" } }, /secretEnv is also set in env/],
    ["bad port", { port: 70000 }, /port must be between 1 and 65535, got 70000/],
    ["metrics on the routed port", { metrics: { path: "/actuator/prometheus" } }, /metrics\.port must differ from port on an exposed workload.*got 8080/],
    ["route and ingress at once", { ingress: { host: "api.example.com", className: "alb", from: { cidrs: ["10.0.0.0/16"] } } }, /ingress cannot be set together with route/],
    ["route host outside the listener's domain", { route: { gateway, host: "api.example.org" } }, /Route api: host must end in \.example\.com/],
    ["internal route without an internal listener", { route: { gateway: gatewayRefFor({ name: "edge", namespace: "apps", publicDomain: "example.com" }), host: "api.example.com", listener: "internal" } }, /listener is not declared on this gateway/],
  ];
  for (const [what, change, expected] of cases) {
    it(what, () => {
      expect(() => resolveWorkloadArgs("api", { ...base, ...change })).toThrow(expected);
    });
  }
  it("names the workload in the error", () => {
    expect(() => resolveWorkloadArgs("api", { ...base, port: 0 })).toThrow(/^Workload api: port/);
  });
});

describe("Workload objects", () => {
  it("runs restricted: non-root, no escalation, no capabilities, seccomp, read-only root with writable /tmp", async () => {
    const { obj } = await build();
    const pod = obj("Deployment")!.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    const c = pod.containers[0];
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c.volumeMounts).toContainEqual({ name: "writable-0", mountPath: "/tmp" });
    expect(pod.volumes).toContainEqual({ name: "writable-0", emptyDir: { sizeLimit: "256Mi" } });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("probes, resources, zero-unavailable rollout and topology spread", async () => {
    const { obj } = await build();
    const spec = obj("Deployment")!.spec;
    expect(spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(spec.replicas).toBeUndefined(); // the HPA owns the count
    const c = spec.template.spec.containers[0];
    expect(c.startupProbe.httpGet.path).toBe("/health/startup");
    expect(c.livenessProbe.httpGet.path).toBe("/health/live");
    expect(c.readinessProbe.httpGet.path).toBe("/health/ready");
    expect(c.resources).toEqual(base.resources);
    expect(spec.template.spec.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey)).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    expect(spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "test" });
  });

  it("passes secrets by reference only", async () => {
    const { obj } = await build();
    const env = obj("Deployment")!.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
    expect(env).toContainEqual({ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } });
    expect(env.find((e) => e.name === "DB_PASSWORD")!.value).toBeUndefined();
  });

  it("HPA autoscaling/v2 on CPU and memory with scale-down stabilization", async () => {
    const { obj } = await build();
    const hpa = obj("HorizontalPodAutoscaler")!;
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(6);
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([["cpu", 70], ["memory", 80]]);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(120);
  });

  it("PDB can never block a drain", async () => {
    const { obj } = await build();
    expect(obj("PodDisruptionBudget")!.spec).toMatchObject({ maxUnavailable: 1 });
    expect(obj("PodDisruptionBudget")!.spec.minAvailable).toBeUndefined();
  });

  it("ServiceMonitor carries the monitoring selector label and scrapes the metrics path", async () => {
    const { obj } = await build();
    const sm = obj("ServiceMonitor")!;
    expect(sm.metadata.labels["platform.dev/monitoring"]).toBe("platform");
    expect(sm.spec.endpoints[0]).toMatchObject({ port: "metrics", path: "/actuator/prometheus" });
  });

  it("NetworkPolicy: in from the gateway's Envoy pods, callers and Prometheus (metrics port only); out to DNS and declared dependencies", async () => {
    const { obj } = await build();
    const np = obj("NetworkPolicy")!.spec;
    expect(np.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(np.ingress[0]).toEqual({
      from: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } },
          podSelector: { matchLabels: { ...gateway.dataPlane.podLabels } },
        },
      ],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
    expect(gateway.dataPlane.podLabels).toMatchObject({ "gateway.envoyproxy.io/owning-gateway-name": "edge", "gateway.envoyproxy.io/owning-gateway-namespace": "apps" });
    const froms = np.ingress.map((r: any) => r.from[0]);
    expect(froms).toContainEqual({ podSelector: { matchLabels: { "app.kubernetes.io/name": "web" } } });
    expect(np.ingress.at(-1)).toEqual({ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 8081 }] });
    expect(np.egress[0].ports).toEqual([{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
    expect(np.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: { "cnpg.io/poolerName": "db-pooler-rw" } } }], ports: [{ protocol: "TCP", port: 5432 }] });
    expect(np.egress).toHaveLength(2);
  });

  it("opens egress to HTTPS anywhere only when asked (an OIDC issuer behind the public ingress)", async () => {
    const { obj } = await build({ ...base, egressHttps: true });
    const egress = obj("NetworkPolicy")!.spec.egress;
    expect(egress).toHaveLength(3);
    expect(egress[2]).toEqual({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: [{ protocol: "TCP", port: 443 }] });
  });

  it("an HTTPRoute on the public listener with a per-client-address limit (100 req/min by default) and timeouts", async () => {
    const { rec, w } = await build();
    const route = rec.kind("HTTPRoute")[0]!.inputs as Record<string, any>;
    expect(route.metadata).toMatchObject({ name: "api", namespace: "apps" });
    expect(route.spec.parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "apps", sectionName: "https" }]);
    expect(route.spec.hostnames).toEqual(["api.example.com"]);
    expect(route.spec.rules[0]).toEqual({ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "api", port: 80 }], timeouts: { request: "30s" } });
    const btp = rec.kind("BackendTrafficPolicy")[0]!.inputs as Record<string, any>;
    expect(btp.spec.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "api" }]);
    expect(btp.spec.rateLimit.local.rules[0]).toEqual({ clientSelectors: [{ sourceCIDR: { type: "Distinct", value: "0.0.0.0/0" } }], limit: { requests: 100, unit: "Minute" } });
    expect(rec.kind("Ingress")).toHaveLength(0);
    expect(w.url).toBe("https://api.example.com");
  });

  it("Ingress mode, for a cluster's own maintained controller: its class, cert-manager TLS, the controller admitted, no nginx annotations", async () => {
    const { obj, rec, w } = await build({
      ...base,
      route: undefined,
      ingress: { host: "api.example.com", className: "alb", clusterIssuer: "letsencrypt-prod", from: { cidrs: ["10.0.0.0/16"] }, annotations: { "alb.ingress.kubernetes.io/target-type": "ip" } },
    });
    const ing = obj("Ingress")!;
    expect(ing.spec.ingressClassName).toBe("alb");
    expect(ing.metadata.annotations).toEqual({ "alb.ingress.kubernetes.io/target-type": "ip", "cert-manager.io/cluster-issuer": "letsencrypt-prod" });
    expect(ing.spec.tls).toEqual([{ hosts: ["api.example.com"], secretName: "api-tls" }]);
    expect(JSON.stringify(ing)).not.toContain("nginx");
    expect(obj("NetworkPolicy")!.spec.ingress[0]).toEqual({ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: 8080 }] });
    expect(rec.kind("HTTPRoute")).toHaveLength(0);
    expect(w.url).toBe("https://api.example.com");
  });

  it("fixed replicas without autoscaling; transforms reach the child", async () => {
    const { obj } = await build({
      ...base,
      autoscaling: undefined,
      replicas: 2,
      route: undefined,
      transform: { deployment: (a: any) => ({ ...a, metadata: { ...a.metadata, annotations: { patched: "yes" } } }) },
    } as WorkloadArgs);
    expect(obj("HorizontalPodAutoscaler")).toBeUndefined();
    expect(obj("Ingress")).toBeUndefined();
    expect(obj("Deployment")!.spec.replicas).toBe(2);
    expect(obj("Deployment")!.metadata.annotations).toEqual({ patched: "yes" });
  });
});
