/**
 * The control-plane harness itself: kube-apiserver with RBAC, kwok nodes labelled with hostnames
 * and zones, the controller-manager and scheduler turning a Deployment spread across zones into
 * Available pods on those nodes, and a StatefulSet's PVC binding to a PersistentVolume made up
 * front. Skips (reported as skipped) when the toolchain is not built.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../procs";
import { DEFAULT_NODES, startControlPlane, type ControlPlane } from "./control-plane";
import { describeFailure, type KubeObject } from "./kube";
import { controlPlanePrograms } from "./toolchain";

const { programs, missing } = controlPlanePrograms();
if (missing && process.env.PLATFORM_ENGINE === "1") throw new Error(`PLATFORM_ENGINE=1 but ${missing}`);
if (missing) console.warn(`test/engine/control-plane: skipped: ${missing}`);

const NS = "harness";

describe.skipIf(missing !== undefined)("the engine tests' control plane", () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane(programs!, { controllers: true, persistentVolumes: 2 });
  }, 600_000);
  afterAll(async () => {
    await cp?.stop();
  });

  const must = async (o: KubeObject) => {
    const r = await cp.client.apply(o);
    if (r.status >= 300) throw new Error(describeFailure(o, r));
  };

  it("serves Kubernetes v1.36.3 with RBAC: an unauthenticated request is refused", async () => {
    const v = await cp.client.request("GET", "/version");
    expect(v.body.gitVersion).toBe("v1.36.3");
    const { request } = await import("node:https");
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL("/api/v1/namespaces", cp.client.server);
      request(url, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect([401, 403]).toContain(status);
  });

  it("registers the kwok nodes Ready, with hostname and zone labels", async () => {
    const r = await cp.client.request("GET", "/api/v1/nodes");
    const nodes = r.body.items as Array<{ metadata: { name: string; labels: Record<string, string> } }>;
    expect(Object.fromEntries(nodes.map((n) => [n.metadata.labels["kubernetes.io/hostname"], n.metadata.labels["topology.kubernetes.io/zone"]]))).toEqual(DEFAULT_NODES);
  });

  it("schedules a zone-spread Deployment onto the kwok nodes and it becomes Available", async () => {
    await must({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
    await waitFor("the default ServiceAccount", async () => (await cp.client.request("GET", `/api/v1/namespaces/${NS}/serviceaccounts/default`)).status === 200, 60_000);
    await must({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "spread", namespace: NS },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "spread" } },
        template: {
          metadata: { labels: { app: "spread" } },
          spec: {
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "spread" } } }],
            containers: [{ name: "c", image: "registry.invalid/never-pulled:1" }],
          },
        },
      },
    });
    const dep = await waitFor(
      "Deployment spread Available",
      async () => {
        const r = await cp.client.request("GET", `/apis/apps/v1/namespaces/${NS}/deployments/spread`);
        return r.body?.status?.availableReplicas === 3 ? r.body : undefined;
      },
      180_000,
      1000,
    );
    expect(dep.status.conditions.find((c: { type: string }) => c.type === "Available").status).toBe("True");
    const pods = (await cp.client.request("GET", `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dspread`)).body.items as Array<{ spec: { nodeName: string } }>;
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(Object.keys(DEFAULT_NODES)));
  }, 300_000);

  it("binds a StatefulSet's PVC to a PersistentVolume made up front", async () => {
    await must({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db", namespace: NS },
      spec: {
        replicas: 1,
        serviceName: "db",
        selector: { matchLabels: { app: "db" } },
        template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "c", image: "registry.invalid/never-pulled:1", volumeMounts: [{ name: "data", mountPath: "/data" }] }] } },
        volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
      },
    });
    const pvc = await waitFor(
      "PVC data-db-0 Bound",
      async () => {
        const r = await cp.client.request("GET", `/api/v1/namespaces/${NS}/persistentvolumeclaims/data-db-0`);
        return r.body?.status?.phase === "Bound" ? r.body : undefined;
      },
      180_000,
      1000,
    );
    expect(pvc.spec.volumeName).toMatch(/^pv-\d$/);
    await waitFor(
      "StatefulSet db ready",
      async () => (await cp.client.request("GET", `/apis/apps/v1/namespaces/${NS}/statefulsets/db`)).body?.status?.readyReplicas === 1,
      180_000,
      1000,
    );
  }, 400_000);

  it("completes a Job: kwok ends the pods a Job owns with exit 0 (kwok-stages.yaml), the Job controller marks it Complete", async () => {
    await must({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "once", namespace: NS },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "registry.invalid/never-pulled:1" }] } } },
    });
    const job = await waitFor(
      "Job once Complete",
      async () => {
        const r = await cp.client.request("GET", `/apis/batch/v1/namespaces/${NS}/jobs/once`);
        return (r.body?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Complete" && c.status === "True") ? r.body : undefined;
      },
      180_000,
      1000,
    );
    expect(job.status.succeeded).toBe(1);
    // A Deployment's pods are not Job pods: they keep running (checked above by availableReplicas).
    const spread = (await cp.client.request("GET", `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dspread`)).body.items as Array<{ status: { phase: string } }>;
    expect(spread.map((p) => p.status.phase)).toEqual(["Running", "Running", "Running"]);
  }, 300_000);
});
