/**
 * The render is a contract: every stack renders, every object is schema-valid
 * with an explicit name and namespace, renders are byte-identical, no secret
 * value reaches a file, and each environment differs where its table says.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { renderFiles, isKubernetesObject, redact } from "../render/write";
import { PROFILES, type EnvironmentName } from "../stacks/environments";
import { readStackConfig, renderedObjects, renderStack, renderStackError, withConfig, type RunResult } from "./harness";
import { validateObject } from "./k8s-schema";

const STACKS = ["local", "dev", "staging", "prod", "pr-42"] as const;

/** Custom resources without a packaged schema, each checked structurally by its component's tests. */
const NO_SCHEMA_ALLOWED = new Set([
  "barmancloud.cnpg.io/v1/ObjectStore",
  // Gateway API and Envoy Gateway objects: validated against the pinned CRD schemas by egctl's own loader (test/edge-translate.test.ts).
  ...["GatewayClass", "Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "ReferenceGrant", "BackendTLSPolicy"].map((k) => `gateway.networking.k8s.io/v1/${k}`),
  ...["EnvoyProxy", "ClientTrafficPolicy", "BackendTrafficPolicy", "SecurityPolicy"].map((k) => `gateway.envoyproxy.io/v1alpha1/${k}`),
  // RabbitMQ operators' CRs: checked against the pinned types' field tables (components/rabbitmq/facts.test.ts).
  ...["RabbitmqCluster", "Vhost", "User", "Permission", "Exchange", "Queue", "Binding", "Policy"].map((k) => `rabbitmq.com/v1beta1/${k}`),
  // The Keycloak operator's CR: checked against the pinned operator's spec field table (components/keycloak/facts.test.ts).
  "k8s.keycloak.org/v2alpha1/Keycloak",
]);

/** Kinds that are not namespaced. */
const CLUSTER_SCOPED = new Set(["Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "ClusterIssuer", "StorageClass", "PriorityClass", "GatewayClass"]);

const runs = new Map<string, RunResult>();
beforeAll(async () => {
  for (const s of STACKS) runs.set(s, await renderStack(s));
}, 300_000);

function objects(stack: string): Record<string, unknown>[] {
  return runs.get(stack)!.recorder.resources.filter(isKubernetesObject).map((r) => redact(r.inputs));
}
function ofKind(stack: string, kind: string): Record<string, any>[] {
  return objects(stack).filter((o) => o.kind === kind) as Record<string, any>[];
}
function named(stack: string, kind: string, name: string): Record<string, any> {
  const o = ofKind(stack, kind).find((x) => x.metadata.name === name);
  if (!o) throw new Error(`${stack}: no ${kind} ${name}`);
  return o;
}

describe.each(STACKS)("stack %s", (stack) => {
  it("validates every Kubernetes object against the official schemas", async () => {
    const problems: string[] = [];
    for (const o of objects(stack)) {
      const r = await validateObject(o);
      const id = `${String(o.apiVersion)}/${String(o.kind)}`;
      if (r.status === "invalid") problems.push(`${id} ${(o.metadata as { name: string }).name}: ${r.error}`);
      if (r.status === "no-schema" && !NO_SCHEMA_ALLOWED.has(id)) problems.push(`${id}: no schema to validate against`);
    }
    expect(problems).toEqual([]);
    expect(objects(stack).length).toBeGreaterThan(10);
  });

  it("names every object explicitly and namespaces every namespaced one", () => {
    const ns = runs.get(stack)!.outputs.namespace;
    expect(ns).toBe(`platform-${stack}`);
    for (const o of objects(stack) as Record<string, any>[]) {
      expect(o.metadata?.name, `${o.kind} without a name`).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      if (!CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name} has no namespace`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it("creates every object after the Namespace it lives in, and every monitor after the monitoring CRDs", () => {
    const rec = runs.get(stack)!.recorder;
    const k8sObjects = rec.resources.filter(isKubernetesObject);
    const nsUrn = new Map(k8sObjects.filter((r) => r.inputs.kind === "Namespace").map((r) => [(r.inputs.metadata as { name: string }).name, r.urn]));
    const crds = rec.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && (r.inputs.name as string) === "prometheus-operator-crds").map((r) => r.urn);
    const missing: string[] = [];
    for (const r of k8sObjects) {
      const ns = (r.inputs.metadata as { namespace?: string }).namespace;
      const want = ns ? nsUrn.get(ns) : undefined;
      if (want && !r.dependencies.includes(want)) missing.push(`${String(r.inputs.kind)} ${r.name} does not wait for namespace ${ns}`);
      if (["ServiceMonitor", "PodMonitor", "PrometheusRule"].includes(String(r.inputs.kind))) {
        for (const c of crds) if (!r.dependencies.includes(c)) missing.push(`${String(r.inputs.kind)} ${r.name} does not wait for the CRDs`);
      }
    }
    expect(missing).toEqual([]);
    expect(crds.length).toBe(stack === "pr-42" ? 0 : 1);
  });

  it("makes every custom resource wait for the release that installs its CRDs and operator", () => {
    const rec = runs.get(stack)!.recorder;
    const releaseUrn = new Map(rec.byType("kubernetes:helm.sh/v3:Release").map((r) => [String(r.inputs.name), r.urn]));
    // API group → the Helm release that serves it (installed by this stack when it owns the cluster).
    const servedBy: Record<string, string> = {
      "postgresql.cnpg.io": "cnpg",
      "barmancloud.cnpg.io": "plugin-barman-cloud",
      "cert-manager.io": "cert-manager",
      "monitoring.coreos.com": "prometheus-operator-crds",
      "gateway.networking.k8s.io": "envoy-gateway-crds",
      "gateway.envoyproxy.io": "envoy-gateway-crds",
    };
    const problems: string[] = [];
    let checked = 0;
    for (const r of rec.resources.filter(isKubernetesObject)) {
      const group = String(r.inputs.apiVersion).split("/")[0]!;
      const release = servedBy[group];
      if (!release) continue;
      const urn = releaseUrn.get(release);
      if (!urn) {
        // Preview stacks use the cluster's operators: then none of them is installed here.
        if (releaseUrn.size > 0) problems.push(`${String(r.inputs.kind)} ${r.name}: release ${release} missing`);
        continue;
      }
      checked++;
      if (!r.dependencies.includes(urn)) problems.push(`${String(r.inputs.kind)} ${r.name} does not wait for ${release}`);
    }
    expect(problems).toEqual([]);
    if (stack !== "pr-42") expect(checked).toBeGreaterThan(10);
  });

  it("has the app tier: namespace, deployments, services, HPAs, PDBs, network policies, service monitors, secrets", () => {
    const ns = named(stack, "Namespace", `platform-${stack}`);
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(named(stack, "NetworkPolicy", "default-deny").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    for (const app of ["core-api", "web"]) {
      for (const kind of ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "HTTPRoute", "BackendTrafficPolicy"]) {
        expect(named(stack, kind, app).metadata.namespace).toBe(`platform-${stack}`);
      }
    }
    expect(ofKind(stack, "Secret").map((s) => s.metadata.name)).toEqual(
      expect.arrayContaining(["core-api-migrate", "core-api-app", "keycloak-db", "keycloak-admin", "redis", "rabbitmq", "nextauth", "jwt-signing-key", "grafana-admin", "data-encryption-key"]),
    );
  });

  it("keeps secret values out of every rendered file", () => {
    const run = runs.get(stack)!;
    const { files } = renderFiles(run);
    expect(run.recorder.generatedSecrets.length).toBeGreaterThanOrEqual(11);
    for (const [path, content] of files) {
      for (const secret of run.recorder.generatedSecrets) {
        expect(content.includes(secret), `${path} contains a generated secret`).toBe(false);
      }
    }
    for (const s of ofKind(stack, "Secret")) {
      for (const v of Object.values({ ...(s.stringData ?? {}), ...(s.data ?? {}) })) expect(v).toBe("<secret: redacted>");
    }
  });
});

describe("providers", () => {
  it.each(["dev", "staging", "prod"])("%s uses one explicit Kubernetes provider with the stack's context, never the ambient default", (stack) => {
    const rec = runs.get(stack)!.recorder;
    const providers = rec.byType("pulumi:providers:kubernetes");
    expect(providers).toHaveLength(1);
    expect(providers[0]!.inputs.context).toMatch(new RegExp(`cluster/platform-${stack}$`));
    const k8sResources = rec.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(k8sResources.length).toBeGreaterThan(10);
    for (const r of k8sResources) expect(r.provider, `${r.type} ${r.name}`).toMatch(/^urn:pulumi:.*::pulumi:providers:kubernetes::kubernetes::/);
  });
});

describe("environment differences come from the table", () => {
  it.each(STACKS)("%s: HPA bounds, replicas and resources match its profile", (stack) => {
    const env: EnvironmentName = stack === "pr-42" ? "preview" : (stack as EnvironmentName);
    for (const [app, key] of [["core-api", "coreApi"], ["web", "web"]] as const) {
      const want = PROFILES[env].workloads[key];
      const hpa = named(stack, "HorizontalPodAutoscaler", app);
      expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([want.autoscaling.minReplicas, want.autoscaling.maxReplicas]);
      expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(want.autoscaling.scaleDownStabilizationSeconds);
      const c = named(stack, "Deployment", app).spec.template.spec.containers[0];
      expect(c.resources).toEqual(want.resources);
    }
  });

  it.each(STACKS)("%s: PostgreSQL and monitoring sizes match its profile", (stack) => {
    const env: EnvironmentName = stack === "pr-42" ? "preview" : (stack as EnvironmentName);
    const p = PROFILES[env];
    const cluster = named(stack, "Cluster", "app-db");
    expect(cluster.spec.instances).toBe(p.postgres.instances);
    expect(cluster.spec.storage.size).toBe(p.postgres.storageSize);
    expect(cluster.spec.walStorage.size).toBe(p.postgres.walStorageSize);
    expect(cluster.spec.resources).toEqual(p.postgres.resources);
    expect(cluster.spec.postgresql.parameters.max_connections).toBe(String(p.postgres.maxConnections));
    expect(cluster.spec.postgresql.parameters.archive_timeout).toBe(`${p.postgres.archiveTimeoutSeconds}s`);
    expect(named(stack, "Pooler", "app-db-pooler-rw").spec.instances).toBe(p.postgres.pooler.instances);
    expect(named(stack, "ObjectStore", "app-db-backups").spec.retentionPolicy).toBe(`${p.postgres.backup.retentionDays}d`);
    expect(named(stack, "ScheduledBackup", "app-db-daily").spec.schedule).toBe(p.postgres.backup.schedule);
    const releases = runs.get(stack)!.recorder.byType("kubernetes:helm.sh/v3:Release").map((r) => redact(r.inputs) as Record<string, any>);
    const kps = releases.find((r) => r.name === "kube-prometheus-stack");
    if (!p.clusterServices) {
      expect(releases).toEqual([]);
      return;
    }
    const ps = kps!.values.prometheus.prometheusSpec;
    expect([ps.replicas, ps.retention]).toEqual([p.monitoring.prometheus.replicas, p.monitoring.prometheus.retention]);
    expect(ps.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe(p.monitoring.prometheus.storageSize);
    expect(kps!.values.alertmanager.alertmanagerSpec.replicas).toBe(p.monitoring.alertmanager.replicas);
  });

  it("prod differs from local in size, and uses pinned images and real TLS issuers", () => {
    expect(named("prod", "HorizontalPodAutoscaler", "core-api").spec.minReplicas).toBe(3);
    expect(named("local", "HorizontalPodAutoscaler", "core-api").spec.minReplicas).toBe(1);
    expect(named("prod", "Certificate", "edge-public").spec.issuerRef.name).toBe("letsencrypt-prod");
    expect(named("local", "Certificate", "edge-public").spec.issuerRef.name).toBe("selfsigned");
    expect(named("pr-42", "Certificate", "edge-public").spec.issuerRef.name).toBe("letsencrypt-staging");
    expect(named("prod", "HTTPRoute", "web").spec.hostnames).toEqual(["app.platform.example.com"]);
    expect(named("pr-42", "HTTPRoute", "web").spec.hostnames).toEqual(["app.pr-42.preview.platform.example.com"]);
    expect(named("prod", "Deployment", "core-api").spec.template.spec.containers[0].image).toBe("ghcr.io/example/core-api:1.4.2");
  });
});

describe("render determinism and secrecy", () => {
  it("two renders of the same stack are byte-identical", async () => {
    const again = renderFiles(await renderStack("prod"));
    const first = renderFiles(runs.get("prod")!);
    expect([...again.files.keys()]).toEqual([...first.files.keys()]);
    for (const [k, v] of first.files) expect(again.files.get(k), k).toBe(v);
  });

  it("never writes a secret config value", async () => {
    const base = readStackConfig("prod");
    const run = await renderStack("prod", withConfig(base, { pagerdutyRoutingKey: "pd-route-Zq8Xv3", slackWebhookUrl: "https://hooks.example/T0/B0/xyzzy42" }, ["platform:pagerdutyRoutingKey", "platform:slackWebhookUrl"]));
    for (const [path, content] of renderFiles(run).files) {
      expect(content.includes("pd-route-Zq8Xv3"), path).toBe(false);
      expect(content.includes("xyzzy42"), path).toBe(false);
    }
  });

  it("rotating one secret changes only that secret's keeper", async () => {
    const base = readStackConfig("prod");
    const rotated = await renderStack("prod", withConfig(base, { secrets: { rotation: { "core-api-migrate": 2 } } }));
    const keepers = (run: RunResult) =>
      Object.fromEntries(run.recorder.resources.filter((r) => r.type.startsWith("random:")).map((r) => [`${r.type}/${r.name}`, JSON.stringify(r.inputs.keepers)]));
    const before = keepers(runs.get("prod")!);
    const after = keepers(rotated);
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    expect(changed).toEqual(["random:index/randomPassword:RandomPassword/secrets-core-api-migrate"]);
  });
});

describe("runbook links", () => {
  it("every alert of every PrometheusRule links the stack's runbook base URL", async () => {
    const base = "https://git.example.com/acme/platform/-/blob/main/docs/runbooks";
    const run = await renderStack("prod", withConfig(readStackConfig("prod"), { monitoring: { alerts: { runbookBaseUrl: base } } }));
    const rules = renderedObjects(run, "PrometheusRule");
    const alerts = rules.flatMap((r) => r.spec.groups.flatMap((g: { rules: Record<string, any>[] }) => g.rules.filter((x) => x.alert)));
    expect(alerts.length).toBeGreaterThan(25);
    for (const a of alerts) expect(a.annotations.runbook_url, a.alert).toMatch(new RegExp(`^${base.replace(/[.]/g, "\\.")}/[a-z-]+\\.md#[a-z0-9-]+$`));
  });
});

describe("alert thresholds and windows from stack config", () => {
  it("reach the rendered PrometheusRule (test-sized values, as the e2e alert test uses)", async () => {
    const run = await renderStack(
      "local",
      withConfig(readStackConfig("local"), { monitoring: { alerts: { thresholds: { "app.errorRatio": 0.02 }, durations: { "app.errorRate.window": "10s", "app.errorRate.for": "3s" } } } }),
    );
    const rules = renderedObjects(run, "PrometheusRule");
    const alert = rules.flatMap((r) => r.spec.groups.flatMap((g: { rules: Record<string, any>[] }) => g.rules)).find((x) => x.alert === "ApplicationHighErrorRate");
    expect(alert).toBeDefined();
    expect(alert!.for).toBe("3s");
    expect(alert!.expr).toContain("[10s]");
    expect(alert!.expr).toMatch(/> 0\.02\b/);
  });

  it("reject an unknown key in stack config with the key named", async () => {
    const { error, registered } = await renderStackError("local", withConfig(readStackConfig("local"), { monitoring: { alerts: { thresholds: { "app.errorRatoi": 0.1 } } } }));
    expect(error.message).toMatch(/^stack "local": config "platform:monitoring\.alerts": unknown alert threshold key app\.errorRatoi \(value 0\.1\); known threshold keys: app\.errorRatio, /);
    expect(registered).toBe(0);
  });
});

describe("pod security", () => {
  it("is restricted by default and can be relaxed to baseline per stack", async () => {
    const ns = (run: RunResult) => redact(run.recorder.kind("Namespace").find((r) => (r.inputs.metadata as { name: string }).name === "platform-prod")!.inputs) as Record<string, any>;
    expect(ns(runs.get("prod")!).metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const relaxed = await renderStack("prod", withConfig(readStackConfig("prod"), { kubernetes: { context: "arn:aws:eks:eu-west-1:333333333333:cluster/platform-prod", podSecurity: "baseline" } }));
    expect(ns(relaxed).metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  });
});
