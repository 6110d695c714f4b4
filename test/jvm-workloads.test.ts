/**
 * The JVM app of every stack (core-api, Spring Boot) as rendered: its HPA scales on
 * CPU only, its memory request equals its limit, and its heap leaves room outside;
 * a stack config asking for a memory target is refused, naming the key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseQuantity } from "../components/lib/quantities";
import { readStackConfig, renderedObjects, renderStack, renderStackError, withConfig, type RunResult } from "./harness";

const MiB = 2 ** 20;

describe.each(["local", "staging", "prod", "pr-42"])("core-api in the %s render", (stack) => {
  let run: RunResult;
  beforeAll(async () => {
    run = await renderStack(stack);
  }, 60_000);

  it("scales on CPU only", () => {
    const hpa = renderedObjects(run, "HorizontalPodAutoscaler").find((h) => h.metadata.name === "core-api")!;
    expect(hpa.spec.metrics.map((m: { resource: { name: string } }) => m.resource.name)).toEqual(["cpu"]);
  });

  it("requests the memory it may use, and keeps the heap below it with room for the rest of the JVM", () => {
    const c = renderedObjects(run, "Deployment").find((d) => d.metadata.name === "core-api")!.spec.template.spec.containers[0];
    expect(c.resources.requests.memory).toBe(c.resources.limits.memory);
    const opts = c.env.find((e: { name: string }) => e.name === "JAVA_TOOL_OPTIONS").value as string;
    const heap = Number(/-XX:MaxRAMPercentage=([0-9.]+)/.exec(opts)![1]) / 100;
    expect(opts).not.toMatch(/-Xmx/);
    const limit = parseQuantity(c.resources.limits.memory)!;
    // The heap at its maximum fits in the request, and leaves at least 256Mi (and a quarter) outside it.
    expect(limit * (1 - heap)).toBeGreaterThanOrEqual(Math.max(256 * MiB, limit / 4));
  });
});

describe("stack config", () => {
  it("refuses a memory target on core-api, naming the key, with nothing registered", async () => {
    const { error, registered } = await renderStackError("prod", withConfig(readStackConfig("prod"), { workloads: { coreApi: { autoscaling: { targetMemoryUtilization: 80 } } } }));
    expect(error.message).toMatch(/^stack "prod": config "platform:workloads\.coreApi\.autoscaling\.targetMemoryUtilization" is 80: must be unset for a JVM workload: .*set workloads\.coreApi\.jvm\.allowMemoryAutoscaling: true$/);
    expect(registered).toBe(0);
  });

  it("takes one when asked", async () => {
    const run = await renderStack("prod", withConfig(readStackConfig("prod"), { workloads: { coreApi: { jvm: { allowMemoryAutoscaling: true }, autoscaling: { targetMemoryUtilization: 80 } } } }));
    const hpa = renderedObjects(run, "HorizontalPodAutoscaler").find((h) => h.metadata.name === "core-api")!;
    expect(hpa.spec.metrics.map((m: { resource: { name: string } }) => m.resource.name)).toEqual(["cpu", "memory"]);
  });
});
