/**
 * The NetworkPolicies of a rendered stack, taken together with the namespace's
 * default-deny: who may talk to whom. Pods of Deployments carry their rendered
 * template labels; CloudNativePG's pods carry the labels the operator sets.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { renderedObjects, renderStack, type RunResult } from "./harness";
import { allowed, matches, type Endpoint, type NetworkPolicy } from "./netpol";
import { envoyDataPlaneLabels, ENVOY_GATEWAY_NAMESPACE } from "../components/edge/versions";
import { CNPG_POD_PORTS, cnpgInstancePodLabels, cnpgPoolerPodLabels } from "../components/postgres/cnpg-facts";

const objects = renderedObjects;

function deploymentPod(run: RunResult, name: string, ports: Record<string, number>): Endpoint {
  const d = objects(run, "Deployment").find((x) => x.metadata.name === name);
  if (!d) throw new Error(`${run.stack}: no Deployment ${name}`);
  return { name, namespace: d.metadata.namespace, labels: d.spec.template.metadata.labels, ports };
}

function jobPod(run: RunResult, prefix: string): Endpoint {
  const j = objects(run, "Job").find((x) => x.metadata.name.startsWith(prefix));
  if (!j) throw new Error(`${run.stack}: no Job ${prefix}*`);
  return { name: j.metadata.name, namespace: j.metadata.namespace, labels: j.spec.template.metadata.labels, ports: {} };
}

describe("evaluator", () => {
  const deny: NetworkPolicy = { metadata: { name: "deny", namespace: "a" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } };
  const x: Endpoint = { name: "x", namespace: "a", labels: { app: "x" }, ports: { http: 80 } };
  const y: Endpoint = { name: "y", namespace: "a", labels: { app: "y" }, ports: { http: 80 } };
  it("allows everything without policies and nothing under default-deny", () => {
    expect(allowed([], x, y, 80)).toBe(true);
    expect(allowed([deny], x, y, 80)).toBe(false);
  });
  it("needs both the source's egress and the destination's ingress", () => {
    const inY: NetworkPolicy = { metadata: { name: "in", namespace: "a" }, spec: { podSelector: { matchLabels: { app: "y" } }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { app: "x" } } }], ports: [{ port: "http" }] }] } };
    const outX: NetworkPolicy = { metadata: { name: "out", namespace: "a" }, spec: { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: { matchLabels: { app: "y" } } }], ports: [{ port: 80 }] }] } };
    expect(allowed([deny, inY], x, y, 80)).toBe(false);
    expect(allowed([deny, inY, outX], x, y, 80)).toBe(true);
    expect(allowed([deny, inY, outX], x, y, 81)).toBe(false);
    expect(allowed([deny, inY, outX], y, x, 80)).toBe(false);
  });
  it("evaluates matchExpressions", () => {
    expect(matches({ matchExpressions: [{ key: "a", operator: "In", values: ["1", "2"] }] }, { a: "2" })).toBe(true);
    expect(matches({ matchExpressions: [{ key: "a", operator: "NotIn", values: ["1"] }] }, { a: "1" })).toBe(false);
    expect(matches({ matchExpressions: [{ key: "a", operator: "DoesNotExist" }] }, {})).toBe(true);
  });
});

describe.each(["prod", "local"])("network policies of the %s render", (stack) => {
  let run: RunResult;
  let policies: NetworkPolicy[];
  let ns: string;
  let pod: Record<string, Endpoint>;
  beforeAll(async () => {
    run = await renderStack(stack);
    policies = objects(run, "NetworkPolicy") as NetworkPolicy[];
    ns = run.outputs.namespace as string;
    pod = {
      coreApi: deploymentPod(run, "core-api", { http: 8080, metrics: 8081 }),
      web: deploymentPod(run, "web", { http: 3000, metrics: 9464 }),
      // The labels CloudNativePG 1.30.0 puts on its pods (cnpg-facts.ts), not the ones we select by.
      pooler: { name: "pooler", namespace: ns, labels: cnpgPoolerPodLabels("app-db-pooler-rw", "app-db"), ports: CNPG_POD_PORTS.pooler.ports },
      primary: { name: "app-db-1", namespace: ns, labels: { ...cnpgInstancePodLabels("app-db", "app-db-1"), "cnpg.io/instanceRole": "primary", role: "primary" }, ports: CNPG_POD_PORTS.instance.ports },
      replica: { name: "app-db-2", namespace: ns, labels: { ...cnpgInstancePodLabels("app-db", "app-db-2"), "cnpg.io/instanceRole": "replica", role: "replica" }, ports: CNPG_POD_PORTS.instance.ports },
      debug: { name: "debug", namespace: ns, labels: { run: "debug" } },
      // A pod of the grants Job, labelled as its template labels it.
      grants: jobPod(run, "app-db-grants-"),
      // An Envoy pod of this stack's Gateway, labelled as Envoy Gateway v1.9.1 labels its data plane.
      edge: { name: "envoy-edge", namespace: ENVOY_GATEWAY_NAMESPACE, labels: envoyDataPlaneLabels({ name: "edge", namespace: ns }) },
      // An Envoy pod of some other Gateway in the cluster, and any other pod of the controller's namespace.
      otherEnvoy: { name: "envoy-other", namespace: ENVOY_GATEWAY_NAMESPACE, labels: envoyDataPlaneLabels({ name: "edge", namespace: "someone-else" }) },
      egController: { name: "envoy-gateway", namespace: ENVOY_GATEWAY_NAMESPACE, labels: { "app.kubernetes.io/name": "gateway-helm", "control-plane": "envoy-gateway" } },
      ingressNginx: { name: "ingress-nginx", namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx" } },
      prometheus: { name: "prometheus", namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } },
      operator: { name: "cnpg-operator", namespace: "cnpg-system", labels: { "app.kubernetes.io/name": "cloudnative-pg" } },
      dns: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      internet: { name: "internet", external: true },
      // cert-manager v1.21.0 pkg/issuer/acme/http/pod.go: solver pods carry this label and listen on 8089.
      solver: { name: "cm-acme-http-solver-x7k2p", namespace: ns, labels: { "acme.cert-manager.io/http01-solver": "true" }, ports: { http: 8089 } },
    };
  }, 60_000);

  const may = (from: string, to: string, port: number, protocol = "TCP") => allowed(policies, pod[from]!, pod[to]!, port, protocol);

  it("lets only the gateway's Envoy pods reach the public apps, on their serving port only", () => {
    expect(may("edge", "coreApi", 8080)).toBe(true);
    expect(may("edge", "web", 3000)).toBe(true);
    expect(may("edge", "pooler", 5432)).toBe(false);
    expect(may("edge", "primary", 5432)).toBe(false);
    for (const p of ["otherEnvoy", "egController", "ingressNginx", "prometheus", "operator", "debug"]) {
      expect(may(p, "coreApi", 8080), `${p} → core-api`).toBe(false);
      expect(may(p, "web", 3000), `${p} → web`).toBe(false);
    }
  });

  it("7.4: lets nothing but Prometheus reach a management or metrics port", () => {
    for (const p of ["edge", "otherEnvoy", "web", "debug", "ingressNginx", "operator"]) {
      expect(may(p, "coreApi", 8081), `${p} → core-api management`).toBe(false);
      expect(may(p, "web", 9464), `${p} → web metrics`).toBe(false);
    }
    expect(may("prometheus", "coreApi", 8081)).toBe(true);
    expect(may("prometheus", "web", 9464)).toBe(true);
    expect(may("prometheus", "coreApi", 8080)).toBe(false);
    expect(may("prometheus", "web", 3000)).toBe(false);
  });

  it("lets web call core-api, core-api reach the pooler, and the primary directly for its migrations (the pooler refuses the owner)", () => {
    expect(may("web", "coreApi", 8080)).toBe(true);
    expect(may("coreApi", "web", 3000)).toBe(false);
    expect(may("coreApi", "pooler", 5432)).toBe(true);
    expect(may("coreApi", "primary", 5432)).toBe(true);
    expect(may("coreApi", "primary", 8000)).toBe(false);
    expect(may("web", "pooler", 5432)).toBe(false);
    expect(may("web", "primary", 5432)).toBe(false);
    expect(may("pooler", "primary", 5432)).toBe(true);
  });

  it("lets the grants Job reach the primary on 5432 and nothing else", () => {
    expect(may("grants", "primary", 5432)).toBe(true);
    expect(may("grants", "dns", 53, "UDP")).toBe(true);
    for (const p of ["pooler", "coreApi", "web"]) expect(may("grants", p, 5432), p).toBe(false);
    expect(may("grants", "internet", 443)).toBe(false);
    for (const p of ["coreApi", "web", "debug", "pooler"]) expect(may(p, "grants", 5432), p).toBe(false);
  });

  it("lets CloudNativePG run the cluster: operator → instances, replication, status", () => {
    expect(may("operator", "primary", 8000)).toBe(true);
    expect(may("replica", "primary", 5432)).toBe(true);
    expect(may("primary", "replica", 8000)).toBe(true);
    expect(may("primary", "coreApi", 8080)).toBe(false);
  });

  it("lets Prometheus scrape every metrics port", () => {
    expect(may("prometheus", "coreApi", 8081)).toBe(true);
    expect(may("prometheus", "web", 9464)).toBe(true);
    expect(may("prometheus", "primary", 9187)).toBe(true);
    expect(may("prometheus", "pooler", 9127)).toBe(true);
    expect(may("prometheus", "primary", 5432)).toBe(false);
  });

  it("7.1: admits the edge to cert-manager's HTTP-01 solver pods on 8089, and nothing else", () => {
    expect(may("edge", "solver", 8089)).toBe(true);
    expect(may("edge", "solver", 8080)).toBe(false);
    for (const p of ["coreApi", "web", "pooler", "primary", "debug", "prometheus", "operator", "otherEnvoy", "egController", "ingressNginx"]) expect(may(p, "solver", 8089), p).toBe(false);
  });

  it("allows DNS from every platform pod, and nothing for a pod nobody declared", () => {
    for (const p of ["coreApi", "web", "pooler", "primary"]) expect(may(p, "dns", 53, "UDP"), p).toBe(true);
    expect(may("debug", "dns", 53, "UDP")).toBe(false);
    expect(may("debug", "coreApi", 8080)).toBe(false);
    expect(may("debug", "pooler", 5432)).toBe(false);
    expect(may("debug", "internet", 443)).toBe(false);
  });

  it("keeps the PgBouncer pods (labelled cnpg.io/cluster too) out of the instances' policy: no store, no status port", () => {
    const instances = policies.find((p) => p.metadata.name === "app-db-instances")!;
    expect(matches(instances.spec.podSelector, pod.primary!.labels ?? {})).toBe(true);
    expect(matches(instances.spec.podSelector, pod.pooler!.labels ?? {})).toBe(false);
    expect(may("pooler", "primary", 8000)).toBe(false);
    expect(may("pooler", "primary", 5432)).toBe(true);
    expect(may("pooler", "replica", 5432)).toBe(true);
    if (stack === "prod") {
      // S3 is reached on 443 like the API server (which every CloudNativePG pod needs), so on AWS the
      // store is closed by IAM: the backup role trusts the Cluster's service account only; the poolers
      // run as their own (CloudNativePG 1.30.0 Pooler.GetServiceAccountName: the Pooler's name).
      const role = run.recorder.byType("aws:iam/role:Role").find((r) => String(r.name).endsWith("-backup-role"))!;
      const subjects = JSON.stringify(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Condition.StringEquals);
      expect(subjects).toContain(`system:serviceaccount:${ns}:app-db"`);
      expect(subjects).not.toContain("app-db-pooler-rw");
      return;
    }
    const store = objects(run, "Deployment").find((d) => d.metadata.labels?.["app.kubernetes.io/component"] === "object-store")!;
    const storePod: Endpoint = { name: "store", namespace: ns, labels: store.spec.template.metadata.labels, ports: {} };
    const port = store.spec.template.spec.containers[0].ports[0].containerPort as number;
    expect(allowed(policies, pod.pooler!, storePod, port)).toBe(false);
    expect(allowed(policies, pod.primary!, storePod, port)).toBe(true);
  });

  it("sends backups off-site: instances reach object storage", () => {
    if (stack === "prod") {
      expect(may("primary", "internet", 443)).toBe(true);
      return;
    }
    const store = objects(run, "Deployment").find((d) => d.metadata.labels?.["app.kubernetes.io/component"] === "object-store");
    expect(store, "the in-cluster object store").toBeDefined();
    const port = store!.spec.template.spec.containers[0].ports[0].containerPort as number;
    const storePod: Endpoint = { name: "store", namespace: ns, labels: store!.spec.template.metadata.labels, ports: {} };
    expect(allowed(policies, pod.primary!, storePod, port)).toBe(true);
    expect(allowed(policies, pod.coreApi!, storePod, port)).toBe(false);
    expect(allowed(policies, pod.web!, storePod, port)).toBe(false);
  });
});
