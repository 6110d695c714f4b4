/**
 * JVM workloads: the heap never shrinks back, so memory utilisation never falls and
 * an HPA on memory sits at maxReplicas. A JVM workload scales on CPU unless asked,
 * gets memory request = limit and a heap fraction that leaves room for what lives
 * outside the heap.
 */
import { describe, expect, it } from "vitest";
import { parseQuantity } from "../lib/quantities";
import { resolveWorkloadArgs, type WorkloadArgs } from "./args";
import { JVM_MIN_NON_HEAP_BYTES } from "./jvm";

const api: WorkloadArgs = {
  namespace: "apps",
  instance: "t",
  component: "api",
  image: "ghcr.io/example/api:1.0.0",
  probes: { startup: "/s", liveness: "/l", readiness: "/r" },
  jvm: {},
  autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6 },
  resources: { requests: { cpu: "500m" }, limits: { memory: "1536Mi" } },
  env: { JAVA_TOOL_OPTIONS: "-Djava.io.tmpdir=/tmp" },
};

describe("JVM workloads", () => {
  it("scale on CPU by default, with memory request = limit and a 60% heap", () => {
    const r = resolveWorkloadArgs("api", api);
    expect(r.autoscaling).toMatchObject({ targetCpuUtilization: 70, targetMemoryUtilization: undefined });
    expect(r.resources).toEqual({ requests: { cpu: "500m", memory: "1536Mi" }, limits: { memory: "1536Mi" } });
    expect(r.env?.JAVA_TOOL_OPTIONS).toBe("-XX:MaxRAMPercentage=60.0 -Djava.io.tmpdir=/tmp");
  });

  it("refuse a memory target unless asked, naming the key", () => {
    const withMemory = { ...api, autoscaling: { ...api.autoscaling!, targetCpuUtilization: 70, targetMemoryUtilization: 80 } };
    expect(() => resolveWorkloadArgs("api", withMemory)).toThrow(
      /^Workload api: autoscaling\.targetMemoryUtilization must be unset for a JVM workload: the heap grows to its maximum and is not given back, so memory utilisation never falls and the HPA stays at maxReplicas; scale on CPU, or set jvm\.allowMemoryAutoscaling: true, got 80$/,
    );
    expect(resolveWorkloadArgs("api", { ...withMemory, jvm: { allowMemoryAutoscaling: true } }).autoscaling.targetMemoryUtilization).toBe(80);
  });

  it("refuse a memory request below the limit, naming the key", () => {
    expect(() => resolveWorkloadArgs("api", { ...api, resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1536Mi" } } })).toThrow(
      /^Workload api: resources\.requests\.memory must equal resources\.limits\.memory \(1536Mi\) for a JVM workload/,
    );
  });

  it("refuse a heap that leaves too little outside it, and heap flags set by hand", () => {
    expect(() => resolveWorkloadArgs("api", { ...api, jvm: { heapPercentage: 85 } })).toThrow(/^Workload api: jvm\.heapPercentage must be between 25 and 75/);
    expect(() => resolveWorkloadArgs("api", { ...api, jvm: { heapPercentage: 75 }, resources: { requests: { cpu: "1" }, limits: { memory: "768Mi" } } })).toThrow(
      /^Workload api: jvm\.heapPercentage leaves 192Mi of the 768Mi limit outside the heap; metaspace, threads, code cache and direct buffers need at least 256Mi/,
    );
    expect(() => resolveWorkloadArgs("api", { ...api, env: { JAVA_TOOL_OPTIONS: "-Xmx1g" } })).toThrow(/^Workload api: env\.JAVA_TOOL_OPTIONS sets the heap size \(-Xmx1g\); set jvm\.heapPercentage instead/);
  });

  it("leave non-JVM workloads as they were", () => {
    const r = resolveWorkloadArgs("web", { ...api, jvm: undefined, autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 70, targetMemoryUtilization: 80 }, resources: { requests: { cpu: "1", memory: "256Mi" }, limits: { memory: "512Mi" } } });
    expect(r.autoscaling.targetMemoryUtilization).toBe(80);
    expect(r.env?.JAVA_TOOL_OPTIONS).toBe("-Djava.io.tmpdir=/tmp");
  });

  it("the default heap leaves the floor outside it from 640Mi up", () => {
    expect(parseQuantity("640Mi")! * 0.4).toBeGreaterThanOrEqual(JVM_MIN_NON_HEAP_BYTES);
  });
});
