/**
 * The whole program, per stack, under the recording mocks: what `pulumi up`
 * would send for PostgreSQL and its cluster services, schema-validated.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { componentOf, isKubernetesObject, redact } from "../../render/write";
import { readStackConfig, renderedObjects, renderStack, renderStackError, withConfig, type RunResult } from "../../test/harness";
import { validateObject } from "../../test/k8s-schema";
import { checkObjectStore } from "./objectstore-schema";

type Any = Record<string, any>;
const MINE = new Set(["app-db", "cluster-services"]);

function objects(run: RunResult, kind: string): Any[] {
  return renderedObjects(run, kind) as Any[];
}

/** Every Kubernetes object of this component's kinds validates (ObjectStore by its own structural check). */
async function expectValid(run: RunResult): Promise<number> {
  const rec = run.recorder;
  let n = 0;
  for (const r of rec.resources) {
    if (!isKubernetesObject(r) || !MINE.has(componentOf(rec, r))) continue;
    const obj = redact(r.inputs);
    if (obj.kind === "ObjectStore") {
      expect(checkObjectStore(obj), `ObjectStore ${r.name}`).toEqual([]);
    } else {
      const res = await validateObject(obj);
      expect(res, `${String(obj.kind)} ${r.name}`).toEqual({ status: "valid" });
    }
    n++;
  }
  return n;
}

describe("render prod", () => {
  let run: RunResult;
  beforeAll(async () => {
    run = await renderStack("prod");
  });

  it("has the Cluster (3 instances), Pooler, ObjectStore 30d, ScheduledBackup, PodMonitor and PrometheusRule", () => {
    const [cluster] = objects(run, "Cluster");
    expect(cluster!.spec.instances).toBe(3);
    expect(cluster!.spec.affinity.podAntiAffinityType).toBe("required");
    expect(cluster!.spec.postgresql.parameters.archive_timeout).toBe("60s");
    expect(objects(run, "Pooler")[0]!.spec.instances).toBe(3);
    expect(objects(run, "ObjectStore")[0]!.spec.retentionPolicy).toBe("30d");
    expect(objects(run, "ScheduledBackup")[0]!.spec.method).toBe("plugin");
    expect(objects(run, "PodMonitor").map((p) => p.metadata.name)).toContain("app-db");
    expect(objects(run, "PrometheusRule").map((p) => p.metadata.name)).toContain("app-db-alerts");
  });

  it("has the S3 bucket with policy and lifecycle, and the IAM role", () => {
    const types = run.recorder.resources.map((r) => r.type);
    for (const t of [
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
    ]) {
      expect(types).toContain(t);
    }
  });

  it("installs cert-manager, CloudNativePG 1.30 and the Barman Cloud plugin, pinned, plugin after both", () => {
    const rel = run.recorder.byType("kubernetes:helm.sh/v3:Release");
    const byChart = Object.fromEntries(rel.map((r) => [r.inputs.chart, r]));
    expect(byChart["cloudnative-pg"]!.inputs).toMatchObject({ version: "0.29.0", namespace: "cnpg-system", createNamespace: true, atomic: true });
    expect(byChart["plugin-barman-cloud"]!.inputs).toMatchObject({ namespace: "cnpg-system" });
    expect((byChart["cert-manager"]!.inputs.values as Any).crds).toEqual({ enabled: true, keep: true });
    const plugin = byChart["plugin-barman-cloud"]!;
    expect(plugin.dependencies).toEqual(expect.arrayContaining([byChart["cert-manager"]!.urn, byChart["cloudnative-pg"]!.urn]));
    expect(objects(run, "ClusterIssuer").map((i) => i.metadata.name).sort()).toEqual(["letsencrypt-prod", "letsencrypt-staging", "selfsigned"]);
  });

  it("every custom resource of the database waits for the operators", () => {
    const rec = run.recorder;
    const releases = rec.byType("kubernetes:helm.sh/v3:Release").filter((r) => componentOf(rec, r) === "cluster-services").map((r) => r.urn);
    for (const r of rec.resources.filter((x) => isKubernetesObject(x) && String(x.inputs.apiVersion).startsWith("postgresql.cnpg.io"))) {
      expect(r.dependencies, r.name).toEqual(expect.arrayContaining(releases));
    }
  });

  it("apps serve as the runtime role through the pooler with TLS; Flyway migrates as the owner straight to the primary", () => {
    const api = objects(run, "Deployment").find((d) => d.metadata.name === "core-api")!;
    const env = api.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: Any }[];
    const val = (n: string) => env.find((e) => e.name === n)?.value;
    const ref = (n: string) => env.find((e) => e.name === n)?.valueFrom?.secretKeyRef;
    expect(val("SPRING_DATASOURCE_URL")).toBe("jdbc:postgresql://app-db-pooler-rw.platform-prod.svc.cluster.local:5432/core_api?sslmode=require");
    expect(ref("SPRING_DATASOURCE_USERNAME")).toEqual({ name: "core-api-app", key: "username" });
    expect(ref("SPRING_DATASOURCE_PASSWORD")).toEqual({ name: "core-api-app", key: "password" });
    expect(val("SPRING_FLYWAY_URL")).toBe("jdbc:postgresql://app-db-rw.platform-prod.svc.cluster.local:5432/core_api?sslmode=require");
    expect(ref("SPRING_FLYWAY_USER")).toEqual({ name: "core-api-migrate", key: "username" });
    expect(ref("SPRING_FLYWAY_PASSWORD")).toEqual({ name: "core-api-migrate", key: "password" });
    expect(run.outputs.connectionSecrets).toMatchObject({ "core-api-app": "core-api-app", "core-api-migrate": "core-api-migrate", "keycloak-db": "keycloak-db" });
  });

  it("renders both roles of core_api, their Secrets, the pooler refusing the owner, the grants Job and the direct path's NetworkPolicies", () => {
    const cluster = objects(run, "Cluster")[0]!;
    const roles = cluster.spec.managed.roles as Any[];
    expect(roles.map((r) => [r.name, r.passwordSecret.name])).toEqual([
      ["core_api", "core-api-migrate"],
      ["core_api_app", "core-api-app"],
      ["keycloak", "keycloak-db"],
    ]);
    expect(roles[1]).toMatchObject({ login: true, bypassrls: false, superuser: false, createdb: false, createrole: false });
    const secrets = objects(run, "Secret").map((x) => [x.metadata.name, x.type]);
    expect(secrets).toEqual(expect.arrayContaining([["core-api-migrate", "kubernetes.io/basic-auth"], ["core-api-app", "kubernetes.io/basic-auth"]]));
    expect(secrets.map(([n]) => n)).not.toContain("core-api-db");
    const pooler = objects(run, "Pooler")[0]!;
    expect(pooler.spec.pgbouncer.pg_hba).toEqual(["host all core_api,postgres 0.0.0.0/0 reject", "host all core_api,postgres ::/0 reject"]);
    const jobs = objects(run, "Job").filter((j) => j.metadata.name.startsWith("app-db-grants-"));
    expect(jobs).toHaveLength(1);
    const c = jobs[0]!.spec.template.spec.containers[0];
    const env = Object.fromEntries((c.env as Any[]).map((e) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(env).toMatchObject({ PGHOST: "app-db-rw.platform-prod.svc", PGDATABASE: "core_api", PGUSER: { name: "core-api-migrate", key: "username" }, PGSSLMODE: "verify-full" });
    expect(c.command.join(" ")).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE "core_api" IN SCHEMA "public" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "core_api_app";');
    expect(cluster.spec.enableSuperuserAccess).toBe(false);
    const pols = Object.fromEntries(objects(run, "NetworkPolicy").map((n) => [n.metadata.name, n.spec]));
    const direct = (pols["app-db-instances"].ingress as Any[]).find((r) => r.from.some((f: Any) => f.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "core-api"));
    expect(direct).toBeDefined();
    expect(direct!.ports).toEqual([{ protocol: "TCP", port: 5432 }]);
    // The grants Job, core-api's migrations, and Keycloak's servers (labels of the Keycloak operator: its one login is the owner).
    expect(direct!.from.map((f: Any) => f.podSelector.matchLabels["app.kubernetes.io/name"] ?? f.podSelector.matchLabels.app)).toEqual(["app-db-grants", "core-api", "keycloak"]);
    expect(pols["app-db-grants"].egress[1]).toMatchObject({ ports: [{ protocol: "TCP", port: 5432 }] });
  });

  it("validates against the schemas", async () => {
    expect(await expectValid(run)).toBeGreaterThan(12);
  });
});

describe("render local and pr-42", () => {
  it("local: in-cluster store, no AWS resources, valid", async () => {
    const run = await renderStack("local");
    expect(run.recorder.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(objects(run, "Deployment").map((d) => d.metadata.name)).toContain("app-db-object-store");
    expect(objects(run, "ObjectStore")[0]!.spec.configuration.endpointURL).toBe("http://app-db-object-store.platform-local.svc.cluster.local:7070");
    expect(objects(run, "Cluster")[0]!.spec.instances).toBe(1);
    expect(run.recorder.byType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).toEqual(
      expect.arrayContaining(["cert-manager", "cloudnative-pg", "plugin-barman-cloud"]),
    );
    await expectValid(run);
  });

  it("pr-42: uses the cluster's operators (none installed), in-cluster store, 3-day retention", async () => {
    const run = await renderStack("pr-42");
    const charts = run.recorder.byType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart);
    expect(charts).not.toContain("cloudnative-pg");
    expect(objects(run, "ObjectStore")[0]!.spec.retentionPolicy).toBe("3d");
    expect(objects(run, "Cluster")[0]!.metadata.namespace).toBe("platform-pr-42");
    await expectValid(run);
  });
});

describe("point-in-time restore from stack config", () => {
  it("renders a recovery cluster with a new name and server name", async () => {
    const target = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const run = await renderStack("prod", withConfig(readStackConfig("prod"), { postgres: { restore: { from: "app-db", targetTime: target } } }));
    const [cluster] = objects(run, "Cluster");
    expect(cluster!.metadata.name).toBe("app-db-r1");
    expect(cluster!.spec.bootstrap).toEqual({ recovery: { source: "app-db", recoveryTarget: { targetTime: target } } });
    expect(cluster!.spec.externalClusters[0].plugin.parameters).toEqual({ barmanObjectName: "app-db-backups", serverName: "app-db" });
    expect(cluster!.spec.plugins[0].parameters.serverName).toBe("app-db-r1");
    expect(cluster!.spec.plugins[0].parameters.serverName).not.toBe(cluster!.spec.externalClusters[0].plugin.parameters.serverName);
    expect(objects(run, "Pooler")[0]!.spec.cluster.name).toBe("app-db-r1");
    await expectValid(run);
  });

  it("a target outside the window fails naming the value and the window, before anything registers", async () => {
    const target = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const { error, registered } = await renderStackError("prod", withConfig(readStackConfig("prod"), { postgres: { restore: { from: "app-db", targetTime: target } } }));
    expect(error.message).toContain(`config "platform:postgres.restore.targetTime" is ${JSON.stringify(target)}`);
    expect(error.message).toMatch(/older than the retention window \S+ \.\. \S+ \(postgres\.backup\.retentionDays = 30\)/);
    expect(registered).toBe(0);
  });
});
