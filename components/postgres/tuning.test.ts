/**
 * PostgreSQL memory settings derived from the instance's memory, and Guaranteed
 * QoS for the instance pods by default (every container CloudNativePG 1.30.0 and
 * the Barman Cloud plugin v0.13.0 put in them has requests = limits).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseQuantity } from "../lib/quantities";
import { renderedObjects, renderStack, type RunResult } from "../../test/harness";
import { resolvePostgresClusterArgs, type PostgresClusterArgs } from "./args";
import { CNPG_INSTANCE_POD_CONTAINERS } from "./cnpg-facts";
import { memoryParameters } from "./tuning";

const MiB = 2 ** 20;
const kB = (v: string) => {
  const m = /^(\d+)(kB|MB|GB)$/.exec(v);
  if (!m) throw new Error(`not a PostgreSQL memory value: ${v}`);
  return Number(m[1]) * { kB: 1, MB: 1024, GB: 1024 * 1024 }[m[2] as "kB" | "MB" | "GB"];
};

describe("memoryParameters", () => {
  it("8Gi and 400 connections: a quarter for shared_buffers, three quarters of cache, work_mem from what's left", () => {
    expect(memoryParameters("8Gi", 400)).toEqual({ shared_buffers: "2048MB", effective_cache_size: "6144MB", work_mem: "5242kB", maintenance_work_mem: "512MB" });
  });

  it("512Mi and 100 connections", () => {
    expect(memoryParameters("512Mi", 100)).toEqual({ shared_buffers: "128MB", effective_cache_size: "384MB", work_mem: "1310kB", maintenance_work_mem: "32MB" });
  });

  it("keeps shared_buffers plus three sorts per connection within the memory, for any size", () => {
    for (const [mem, conns] of [["256Mi", 50], ["1Gi", 100], ["4Gi", 200], ["16Gi", 1000], ["64Gi", 2000]] as const) {
      const p = memoryParameters(mem, conns);
      const total = parseQuantity(mem)! / 1024;
      expect(kB(p.shared_buffers) + 3 * conns * kB(p.work_mem), mem).toBeLessThanOrEqual(total);
      expect(kB(p.effective_cache_size)).toBeLessThan(total);
      expect(kB(p.maintenance_work_mem)).toBeLessThanOrEqual(2 * 1024 * 1024);
      expect(kB(p.work_mem)).toBeGreaterThanOrEqual(64);
    }
  });
});

const args: PostgresClusterArgs = {
  namespace: "db",
  instance: "t",
  storageSize: "10Gi",
  walStorageSize: "2Gi",
  resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "2Gi" } },
  databases: [{ name: "app", owner: "app", passwordSecret: "app-db" }],
  objectStore: { kind: "in-cluster" },
  monitoring: { runbookBaseUrl: "https://x" },
};

describe("Guaranteed QoS by default", () => {
  it("fills the CPU limit from the request", () => {
    expect(resolvePostgresClusterArgs("db", args).resources).toEqual({ requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } });
  });

  it("refuses limits above the requests, naming the field, unless qos is burstable", () => {
    expect(() => resolvePostgresClusterArgs("db", { ...args, resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "8Gi" } } })).toThrow(
      /^PostgresCluster: resources\.limits\.cpu must equal resources\.requests\.cpu \(2\) for Guaranteed QoS .*qos: "burstable".*got "4"$/,
    );
    expect(() => resolvePostgresClusterArgs("db", { ...args, resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "2Gi" } } })).toThrow(/resources\.limits\.memory must equal resources\.requests\.memory \(1Gi\)/);
    expect(resolvePostgresClusterArgs("db", { ...args, qos: "burstable", resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "8Gi" } } }).resources.limits.cpu).toBe("4");
  });

  it("counts 2000m and 2 as equal", () => {
    expect(() => resolvePostgresClusterArgs("db", { ...args, resources: { requests: { cpu: "2", memory: "2048Mi" }, limits: { cpu: "2000m", memory: "2Gi" } } })).not.toThrow();
  });
});

/** A pod's QoS class, as the kubelet computes it (Guaranteed: every container, init and sidecar included, requests = limits for cpu and memory). */
function qosClass(containers: readonly { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[]): "Guaranteed" | "Burstable" | "BestEffort" {
  const set = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!set) return "BestEffort";
  const equal = containers.every((c) =>
    ["cpu", "memory"].every((r) => {
      const lim = c.resources?.limits?.[r];
      const req = c.resources?.requests?.[r] ?? lim;
      return lim !== undefined && parseQuantity(lim) === parseQuantity(req!);
    }),
  );
  return equal ? "Guaranteed" : "Burstable";
}

describe.each(["local", "prod"])("the %s render", (stack) => {
  let run: RunResult;
  let cluster: Record<string, any>;
  let store: Record<string, any>;
  beforeAll(async () => {
    run = await renderStack(stack);
    cluster = renderedObjects(run, "Cluster").find((c) => c.metadata.name === "app-db")!;
    store = renderedObjects(run, "ObjectStore")[0]!;
  }, 60_000);

  it("derives the memory parameters from the instance's memory limit and max_connections", () => {
    const p = cluster.spec.postgresql.parameters;
    const derived = memoryParameters(cluster.spec.resources.limits.memory, Number(p.max_connections));
    expect(p).toMatchObject(derived);
    expect(kB(p.shared_buffers) * 1024).toBe(Math.floor(parseQuantity(cluster.spec.resources.limits.memory)! / 4 / MiB) * MiB);
  });

  it("gives the instance pods Guaranteed QoS: postgres, its bootstrap init container and the Barman Cloud sidecar", () => {
    const containers = CNPG_INSTANCE_POD_CONTAINERS.map((c) => ({ name: c.name, resources: c.from === "Cluster" ? cluster.spec.resources : store.spec.instanceSidecarConfiguration?.resources }));
    expect(containers.map((c) => c.name)).toEqual(["bootstrap-controller", "plugin-barman-cloud", "postgres"]);
    expect(qosClass(containers)).toBe("Guaranteed");
    expect(qosClass([{ resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } } }])).toBe("Burstable");
  });
});
