/**
 * RabbitMQ in the stacks: prod renders the 3-node cluster with required
 * anti-affinity, retained queues and vhosts, the operators from their pinned
 * release manifests, the topology CRs, PDB, NetworkPolicy, ServiceMonitor,
 * alerts and dashboard; local one node; previews no operators of their own;
 * core-api connects as its own user from its Secret; bad RabbitMQ config stops
 * with one line naming the stack, key and value, before any resource.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_OPERATOR_MANIFEST, TOPOLOGY_OPERATOR_MANIFEST } from "../components/rabbitmq/versions";
import { readStackConfig, renderedObjects, renderStack, renderStackError, withConfig, type RunResult } from "./harness";
import { allowed, type Endpoint, type NetworkPolicy } from "./netpol";

const named = (run: RunResult, kind: string, name: string) => {
  const o = renderedObjects(run, kind).find((x) => x.metadata.name === name);
  if (!o) throw new Error(`${run.stack}: no ${kind} ${name}`);
  return o;
};
const env = (run: RunResult, app: string): Record<string, any> =>
  Object.fromEntries((named(run, "Deployment", app).spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));
const rabbit = (run: RunResult) => renderedObjects(run).filter((o) => String(o.apiVersion).startsWith("rabbitmq.com/"));
/** The RabbitMQ operators' release manifests (the Keycloak operator's are ConfigFiles too: components/keycloak). */
const configFiles = (run: RunResult) => run.recorder.byType("kubernetes:yaml/v2:ConfigFile").filter((r) => String(r.inputs.file).includes("/rabbitmq/"));

let local: RunResult;
let prod: RunResult;
let preview: RunResult;
beforeAll(async () => {
  local = await renderStack("local");
  prod = await renderStack("prod");
  preview = await renderStack("pr-42");
}, 240_000);

describe("prod: a 3-node cluster and its topology", () => {
  it("a RabbitmqCluster of 3 on the pinned 4.2 image, required anti-affinity, persistence, the disk limit within the volume", () => {
    const c = named(prod, "RabbitmqCluster", "rabbitmq");
    expect(c.spec).toMatchObject({ replicas: 3, image: "docker.io/library/rabbitmq:4.2.6-management", persistence: { storage: "50Gi" }, resources: { limits: { memory: "4Gi" } } });
    expect(c.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { "app.kubernetes.io/name": "rabbitmq" } } }]);
    expect(c.spec.rabbitmq.additionalConfig).toContain("disk_free_limit.absolute = 2000000000");
    expect(c.metadata.annotations["pulumi.com/waitFor"]).toBe("condition=AllReplicasReady");
    expect(named(prod, "PodDisruptionBudget", "rabbitmq").spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "rabbitmq" } } });
  });

  it("core-api's vhost, user (its generated Secret), permission, quorum work queues with DLX/DLQ, bindings and dead-letter policies; queues and vhosts retained", () => {
    // Object names of queue-derived CRs carry a short hash when the queue name had to be changed ("." is not DNS-1123 label-safe).
    const kinds = rabbit(prod).map((o) => `${o.kind}/${o.spec.name ?? String(o.metadata.name).replace(/-[0-9a-f]{8}$/, "")}`).sort();
    expect(kinds).toEqual(
      [
        "Binding/rabbitmq-core-api-binding-exports-dlq",
        "Binding/rabbitmq-core-api-binding-notifications-dlq",
        "Exchange/exports.dlx",
        "Exchange/notifications.dlx",
        "Permission/rabbitmq-core-api-permission",
        "Policy/exports-dead-letter",
        "Policy/notifications-dead-letter",
        "Queue/exports",
        "Queue/exports.dlq",
        "Queue/notifications",
        "Queue/notifications.dlq",
        "RabbitmqCluster/rabbitmq",
        "User/rabbitmq-core-api-user",
        "Vhost/core-api",
      ].sort(),
    );
    expect(named(prod, "User", "rabbitmq-core-api-user").spec).toEqual({ tags: [], importCredentialsSecret: { name: "rabbitmq" }, rabbitmqClusterReference: { name: "rabbitmq" } });
    for (const o of rabbit(prod).filter((x) => x.kind === "Queue" || x.kind === "Vhost")) expect(o.spec.deletionPolicy, o.metadata.name).toBe("retain");
    for (const o of rabbit(prod).filter((x) => x.kind === "Queue")) expect(o.spec).toMatchObject({ type: "quorum", durable: true });
    // Queue arguments never carry the dead-letter settings: those are policies, which can change.
    expect(rabbit(prod).filter((x) => x.kind === "Queue" && x.spec.arguments)).toEqual([]);
    expect(named(prod, "Policy", "rabbitmq-core-api-policy-notifications").spec.definition).toEqual({
      "dead-letter-exchange": "notifications.dlx",
      "dead-letter-routing-key": "notifications.dlq",
      "delivery-limit": 20,
      "dead-letter-strategy": "at-least-once",
      overflow: "reject-publish",
    });
  });

  it("the operators from their pinned release manifests; every RabbitMQ CR waits for both", () => {
    expect(configFiles(prod).map((r) => r.inputs.file).sort()).toEqual([CLUSTER_OPERATOR_MANIFEST, TOPOLOGY_OPERATOR_MANIFEST].sort());
    const urns = configFiles(prod).map((r) => r.urn);
    const certManager = prod.recorder.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "cert-manager")!;
    for (const r of configFiles(prod)) expect(r.dependencies).toContain(certManager.urn);
    const crs = prod.recorder.resources.filter((r) => r.type === "kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster" || String(r.inputs.apiVersion).startsWith("rabbitmq.com/"));
    expect(crs.length).toBe(14);
    for (const r of crs) for (const u of urns) expect(r.dependencies, r.name).toContain(u);
  });

  it("monitoring: the ServiceMonitor, the RabbitMQ alerts and the dashboard", () => {
    const sm = named(prod, "ServiceMonitor", "rabbitmq");
    expect(sm.spec.endpoints.map((e: { port: string; path: string }) => `${e.port} ${e.path}`)).toEqual(["prometheus /metrics/per-object", "prometheus /metrics"]);
    const alerts = named(prod, "PrometheusRule", "rabbitmq-alerts").spec.groups[0].rules.map((r: { alert: string }) => r.alert);
    expect(alerts).toEqual(["RabbitMQNodeDown", "RabbitMQNodesMissing", "RabbitMQMemoryAlarm", "RabbitMQDiskAlarm", "RabbitMQQueueGrowing", "RabbitMQDeadLetters", "RabbitMQQueueWithoutConsumers", "RabbitMQUnackedHigh"]);
    expect(renderedObjects(prod, "ConfigMap").filter((c) => Object.keys(c.data ?? {}).includes("platform-rabbitmq.json"))).toHaveLength(1);
  });
});

describe("local and previews", () => {
  it("local: one node, queues and vhosts deleted with their CRs, a 20% disk limit on the 2Gi volume", () => {
    const c = named(local, "RabbitmqCluster", "rabbitmq");
    expect(c.spec.replicas).toBe(1);
    expect(c.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(c.spec.rabbitmq.additionalConfig).toContain(`disk_free_limit.absolute = ${Math.floor(2 * 2 ** 30 * 0.2)}`);
    for (const o of rabbit(local).filter((x) => x.kind === "Queue" || x.kind === "Vhost")) expect(o.spec.deletionPolicy).toBe("delete");
    expect(configFiles(local)).toHaveLength(2);
  });

  it("a preview: one node, and the cluster's operators (none of its own)", () => {
    expect(named(preview, "RabbitmqCluster", "rabbitmq").spec.replicas).toBe(1);
    expect(configFiles(preview)).toEqual([]);
  });
});

describe("core-api connects as its own user", () => {
  it.each(["local", "prod"])("%s: spring.rabbitmq.* with the vhost, and username/password from Secret rabbitmq; never the operator's default user", (stack) => {
    const run = stack === "prod" ? prod : local;
    expect(env(run, "core-api")).toMatchObject({
      SPRING_RABBITMQ_HOST: `rabbitmq.platform-${stack}.svc.cluster.local`,
      SPRING_RABBITMQ_PORT: "5672",
      SPRING_RABBITMQ_VIRTUAL_HOST: "core-api",
      SPRING_RABBITMQ_USERNAME: { secretKeyRef: { name: "rabbitmq", key: "username" } },
      SPRING_RABBITMQ_PASSWORD: { secretKeyRef: { name: "rabbitmq", key: "password" } },
    });
    for (const d of renderedObjects(run, "Deployment")) expect(JSON.stringify(d)).not.toContain("rabbitmq-default-user");
    expect(run.outputs.connectionSecrets).toMatchObject({ rabbitmq: "rabbitmq" });
  });

  it.each(["prod", "local"])("%s network: core-api reaches AMQP; web and strangers don't; Prometheus the metrics; operators the management API; nodes each other", (stack) => {
    const run = stack === "prod" ? prod : local;
    const policies = renderedObjects(run, "NetworkPolicy") as NetworkPolicy[];
    const ns = `platform-${stack}`;
    const pod = (name: string): Endpoint => ({ name, namespace: ns, labels: named(run, "Deployment", name).spec.template.metadata.labels });
    // The labels cluster-operator v2.22.3 gives the broker's pods (internal/metadata/label.go).
    const node: Endpoint = { name: "rabbitmq-server-0", namespace: ns, labels: { "app.kubernetes.io/name": "rabbitmq", "app.kubernetes.io/component": "rabbitmq", "app.kubernetes.io/part-of": "rabbitmq" } };
    const peer: Endpoint = { ...node, name: "rabbitmq-server-1" };
    const prometheus: Endpoint = { name: "prometheus", namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } };
    const topologyOperator: Endpoint = { name: "mto", namespace: "rabbitmq-system", labels: { "app.kubernetes.io/name": "messaging-topology-operator" } };
    const debug: Endpoint = { name: "debug", namespace: ns, labels: { run: "debug" } };
    expect(allowed(policies, pod("core-api"), node, 5672)).toBe(true);
    expect(allowed(policies, pod("web"), node, 5672)).toBe(false);
    expect(allowed(policies, debug, node, 5672)).toBe(false);
    expect(allowed(policies, prometheus, node, 15692)).toBe(true);
    expect(allowed(policies, prometheus, node, 5672)).toBe(false);
    expect(allowed(policies, topologyOperator, node, 15672)).toBe(true);
    expect(allowed(policies, debug, node, 15672)).toBe(false);
    expect(allowed(policies, node, peer, 25672)).toBe(true);
    expect(allowed(policies, node, peer, 4369)).toBe(true);
  });
});

describe("rotating core-api's RabbitMQ password", () => {
  it("rolls core-api (its pod template's rotation stamp changes) and leaves web alone", async () => {
    const rotated = await renderStack("local", withConfig(readStackConfig("local"), { secrets: { rotation: { rabbitmq: 2 } } }));
    const ann = (run: RunResult, app: string) => named(run, "Deployment", app).spec.template.metadata.annotations ?? {};
    expect(ann(rotated, "core-api")).not.toEqual(ann(local, "core-api"));
    expect(ann(rotated, "web")).toEqual(ann(local, "web"));
  }, 120_000);
});

describe("bad RabbitMQ config", () => {
  it.each([
    [{ replicas: 2 }, 'config "platform:rabbitmq.replicas" is 2: must be 1 or odd'],
    [{ queues: ["jobs.dlq"] }, 'config "platform:rabbitmq.queues.0" is "jobs.dlq": must not end in ".dlx"/".dlq"'],
    [{ queues: ["a", "a"] }, 'config "platform:rabbitmq.queues.1" is "a": is listed twice'],
    [{ storageSize: "512Mi" }, 'config "platform:rabbitmq.storageSize" is "512Mi": must be at least "1Gi"'],
    [{ resources: { requests: { cpu: "1", memory: "128Mi" }, limits: { memory: "128Mi" } } }, 'config "platform:rabbitmq.resources.limits.memory" is "128Mi": must be at least "256Mi"'],
  ])("%j stops with one line naming the stack, key and value, before any resource", async (change, msg) => {
    const { error, registered } = await renderStackError("prod", withConfig(readStackConfig("prod"), { rabbitmq: change }));
    expect(error.message).toContain('stack "prod"');
    expect(error.message).toContain(msg);
    expect(error.message.split("\n")).toHaveLength(1);
    expect(registered).toBe(0);
  });
});
