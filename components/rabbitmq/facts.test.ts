/**
 * Cross-object facts: what the component renders must meet what the pinned
 * operators create (facts.ts, read from their sources). A change of a fact, or
 * of the component, that breaks the contract fails here.
 */
import { describe, expect, it } from "vitest";
import { resolveRabbitMqArgs } from "./args";
import { BASE } from "../../test/rabbitmq/fixtures";
import { CRD_ENUMS, CRD_SPEC_FIELDS, OPERATOR_FACTS } from "./facts";
import { brokerServiceMonitorSpec } from "./monitoring";
import { brokerPolicy } from "./network";
import { SHARED_NAMESPACE_LABELS, sharedNamespaceTransform } from "./operators";
import { rabbitMqConnections, springRabbitEnv } from "./rabbitmq";
import { rabbitmqClusterSpec, topology } from "./spec";
import { RABBITMQ_IMAGE } from "./versions";

const plain = resolveRabbitMqArgs("rabbitmq", BASE);
const tls = resolveRabbitMqArgs("rabbitmq", { ...BASE, tls: { issuer: { name: "selfsigned", kind: "ClusterIssuer" } } });

const ports = (rules: any[]) => rules.flatMap((r) => (r.ports ?? []).map((p: { port: number }) => p.port)).sort((a: number, b: number) => a - b);

describe("facts of cluster-operator v2.22.3 and messaging-topology-operator v1.20.1", () => {
  it("the broker image is the operator's default, from the 4.2 line", () => {
    expect(RABBITMQ_IMAGE).toBe(`docker.io/library/${OPERATOR_FACTS.defaultImage}`);
    expect(RABBITMQ_IMAGE).toMatch(/:4\.2\.\d+-management$/);
  });

  it("the NetworkPolicy selects the operator's pod labels and opens exactly the operator's ports", () => {
    for (const a of [plain, tls]) {
      const np = brokerPolicy(a) as any;
      // The selector must match the pods' labels (metadata.Label), not the component's own labels.
      const podLabels = OPERATOR_FACTS.podLabels(a.name);
      for (const [k, v] of Object.entries(np.podSelector.matchLabels)) expect(podLabels[k as keyof typeof podLabels]).toBe(v);
      const p = OPERATOR_FACTS.ports;
      const amqp = a.tls ? p.amqps.port : p.amqp.port;
      const mgmt = a.tls ? p.managementTls.port : p.management.port;
      const metrics = a.tls ? p.prometheusTls.port : p.prometheus.port;
      expect(ports(np.ingress)).toEqual([p.epmd.port, amqp, mgmt, metrics, p.clusterRpc.port].sort((x, y) => x - y));
      const opRule = np.ingress.find((r: any) => r.ports[0].port === mgmt);
      expect(opRule.from).toEqual(
        [OPERATOR_FACTS.clusterOperatorPods, OPERATOR_FACTS.topologyOperatorPods].map((o) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": o.namespace } }, podSelector: { matchLabels: o.labels } })),
      );
    }
  });

  it("the ServiceMonitor selects Service <name>'s labels and its metrics port by name (prometheus, or prometheus-tls with TLS)", () => {
    for (const [a, port, scheme] of [[plain, "prometheus", undefined], [tls, "prometheus-tls", "https"]] as const) {
      const sm = brokerServiceMonitorSpec(a) as any;
      expect(sm.selector.matchLabels).toEqual(OPERATOR_FACTS.serviceLabels(a.name));
      expect(sm.endpoints.map((e: any) => [e.port, e.path, e.scheme])).toEqual([
        [port, "/metrics/per-object", scheme],
        [port, "/metrics", scheme],
      ]);
    }
  });

  it("the PDB and the anti-affinity select the pods by the operator's selector label", () => {
    const spec = rabbitmqClusterSpec(plain) as any;
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels).toEqual(OPERATOR_FACTS.podSelector("rabbitmq"));
  });

  it("apps connect to Service <name> on the AMQP port, as their own user from their Secret's username/password keys", () => {
    const c = rabbitMqConnections(plain)["core-api"]!;
    expect(c.host).toBe(`${OPERATOR_FACTS.clientService("rabbitmq")}.shop.svc.cluster.local`);
    expect(c.port).toBe(OPERATOR_FACTS.ports.amqp.port);
    expect(rabbitMqConnections(tls)["core-api"]!.port).toBe(OPERATOR_FACTS.ports.amqps.port);
    const env = springRabbitEnv(c);
    expect(env.secretEnv).toEqual({
      SPRING_RABBITMQ_USERNAME: { secret: "rabbitmq", key: OPERATOR_FACTS.importCredentialsKeys.username },
      SPRING_RABBITMQ_PASSWORD: { secret: "rabbitmq", key: OPERATOR_FACTS.importCredentialsKeys.password },
    });
    expect(JSON.stringify(env)).not.toContain(OPERATOR_FACTS.defaultUserSecret("rabbitmq"));
  });

  it("every CR spec field exists in the pinned CRD types, enums hold, deletionPolicy only where the CRD has it", () => {
    const problems: string[] = [];
    const check = (kind: string, obj: Record<string, unknown>) => {
      for (const k of Object.keys(obj)) if (!CRD_SPEC_FIELDS[kind]!.includes(k)) problems.push(`${kind}.${k}`);
    };
    for (const a of [plain, tls]) {
      const c = rabbitmqClusterSpec(a) as Record<string, any>;
      check("RabbitmqCluster", c);
      for (const sub of ["tls", "rabbitmq", "persistence", "service"]) if (c[sub]) check(`RabbitmqCluster.${sub}`, c[sub]);
      expect((c.rabbitmq.additionalConfig as string).length).toBeLessThanOrEqual(100_000);
    }
    const objs = topology(resolveRabbitMqArgs("rabbitmq", { ...BASE, deletionPolicy: "retain" }));
    expect(new Set(objs.map((o) => o.kind))).toEqual(new Set(["Vhost", "User", "Permission", "Exchange", "Queue", "Binding", "Policy"]));
    for (const o of objs) {
      check(o.kind, { ...o.spec, rabbitmqClusterReference: {} });
      if (o.kind === "Permission") check("Permission.permissions", o.spec.permissions as Record<string, unknown>);
      for (const [k, v] of Object.entries(o.spec)) {
        const allowed = CRD_ENUMS[`${o.kind}.${k}`];
        if (allowed) for (const x of Array.isArray(v) ? v : [v]) if (!allowed.includes(x as string)) problems.push(`${o.kind}.${k}=${String(x)}`);
      }
      if ("deletionPolicy" in o.spec) {
        expect(OPERATOR_FACTS.deletionPolicyKinds).toContain(o.kind);
        expect(o.spec.deletionPolicy).toBe("retain");
      }
      expect(o.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(objs.filter((o) => o.kind === "Queue" || o.kind === "Vhost").every((o) => o.spec.deletionPolicy === "retain")).toBe(true);
    expect(problems).toEqual([]);
  });

  it("both manifests' Namespace gets the same labels and survives either ConfigFile's deletion; other objects are untouched", () => {
    const ns = (labels: Record<string, string>) => ({ custom: true, type: "kubernetes:core/v1:Namespace", name: "x", props: { apiVersion: "v1", kind: "Namespace", metadata: { name: "rabbitmq-system", labels } }, opts: {} });
    const fromCluster = sharedNamespaceTransform(ns({ "app.kubernetes.io/name": "rabbitmq-system", "app.kubernetes.io/component": "rabbitmq-operator", "app.kubernetes.io/part-of": "rabbitmq" }) as any) as any;
    const fromTopology = sharedNamespaceTransform(ns({ "control-plane": "controller-manager", "app.kubernetes.io/name": "messaging-topology-operator", "app.kubernetes.io/managed-by": "kustomize" }) as any) as any;
    expect(fromTopology.props).toEqual(fromCluster.props);
    expect(fromTopology.props.metadata.labels).toEqual(SHARED_NAMESPACE_LABELS);
    expect([fromCluster.opts.retainOnDelete, fromTopology.opts.retainOnDelete]).toEqual([true, true]);
    expect(sharedNamespaceTransform({ custom: true, type: "kubernetes:apps/v1:Deployment", name: "d", props: { metadata: { name: "rabbitmq-system" } }, opts: {} } as any)).toBeUndefined();
    expect(sharedNamespaceTransform({ custom: true, type: "kubernetes:core/v1:Namespace", name: "n", props: { metadata: { name: "other" } }, opts: {} } as any)).toBeUndefined();
  });
});
