/**
 * JVM workloads (`WorkloadArgs.jvm`). A JVM grows its heap towards the maximum and
 * does not give it back, so container memory stays high after a burst: an HPA on
 * memory then never scales down, and a memory request below the limit lets the
 * node overcommit memory the pod will use. So a JVM workload:
 * - scales on CPU (70% by default) and refuses a memory target unless
 *   `jvm.allowMemoryAutoscaling` says so;
 * - requests the memory it may use (request = limit; a missing request is the limit);
 * - sizes the heap as a share of the limit (`-XX:MaxRAMPercentage`, 60% by default)
 *   that leaves room for what lives outside it: metaspace, thread stacks, code cache,
 *   direct buffers, GC structures.
 * Pure; resolveWorkloadArgs applies it first.
 */
import { invalidArg } from "../lib/errors";
import { parseQuantity } from "../lib/quantities";
import type { AutoscalingArgs, ResourcesArgs } from "./args";

/** A JVM workload: heap as a share of the memory limit, so the container's limit holds heap and non-heap memory. */
export interface JvmArgs {
  /**
   * Maximum heap as a percentage of the memory limit (`-XX:MaxRAMPercentage`). 25..75,
   * and it must leave at least 256Mi outside the heap.
   * @default 60
   */
  readonly heapPercentage?: number;
  /** Allow `autoscaling.targetMemoryUtilization` (it rarely scales down a JVM). @default false */
  readonly allowMemoryAutoscaling?: boolean;
}

export const JVM_DEFAULT_HEAP_PERCENTAGE = 60;
/** Memory a Spring Boot-sized JVM needs outside the heap, at the least. */
export const JVM_MIN_NON_HEAP_BYTES = 256 * 2 ** 20;
/** CPU target of a JVM workload's HPA when none is given. */
export const JVM_DEFAULT_CPU_TARGET = 70;

/** What a JVM workload's args must satisfy, as stack-config-friendly problems (field relative to the workload). */
export interface JvmProblem {
  /** The field, relative to the workload's args (e.g. `jvm.heapPercentage`). */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;
  /** What is wrong with it. */
  readonly message: string;
}

/** The part of a workload's args {@link jvmProblems} checks. */
export interface JvmInput {
  /** The JVM settings; without them nothing is checked. */
  readonly jvm?: JvmArgs;
  /** The autoscaler (a JVM workload scales on CPU, not memory, unless `jvm.allowMemoryAutoscaling`). */
  readonly autoscaling?: AutoscalingArgs;
  /** Requests and limits, which the heap is a share of. */
  readonly resources: ResourcesArgs;
  /** The container's environment (its `JAVA_TOOL_OPTIONS` must not set the heap size itself). */
  readonly env?: Readonly<Record<string, string>>;
}

const mi = (bytes: number) => `${Math.floor(bytes / 2 ** 20)}Mi`;

/** The problems of a JVM workload's args; empty when fine (or when `jvm` is unset). */
export function jvmProblems(a: JvmInput): JvmProblem[] {
  if (!a.jvm) return [];
  const out: JvmProblem[] = [];
  const heap = a.jvm.heapPercentage ?? JVM_DEFAULT_HEAP_PERCENTAGE;
  if (!Number.isFinite(heap) || heap < 25 || heap > 75) out.push({ field: "jvm.heapPercentage", value: heap, message: "must be between 25 and 75 (percent of the memory limit)" });
  const limit = a.resources.limits?.memory;
  const limitBytes = limit === undefined ? undefined : parseQuantity(limit);
  if (limitBytes !== undefined && out.length === 0) {
    const outside = limitBytes * (1 - heap / 100);
    if (outside < JVM_MIN_NON_HEAP_BYTES) {
      out.push({ field: "jvm.heapPercentage", value: heap, message: `leaves ${mi(outside)} of the ${limit} limit outside the heap; metaspace, threads, code cache and direct buffers need at least ${mi(JVM_MIN_NON_HEAP_BYTES)}: lower it or raise resources.limits.memory` });
    }
  }
  const request = a.resources.requests?.memory;
  if (request !== undefined && limitBytes !== undefined && parseQuantity(request) !== limitBytes) {
    out.push({ field: "resources.requests.memory", value: request, message: `must equal resources.limits.memory (${limit}) for a JVM workload: its heap grows to the maximum and stays, so a lower request lets the node overcommit memory the pod will use` });
  }
  if (a.autoscaling?.enabled && a.autoscaling.targetMemoryUtilization !== undefined && !a.jvm.allowMemoryAutoscaling) {
    out.push({
      field: "autoscaling.targetMemoryUtilization",
      value: a.autoscaling.targetMemoryUtilization,
      message: "must be unset for a JVM workload: the heap grows to its maximum and is not given back, so memory utilisation never falls and the HPA stays at maxReplicas; scale on CPU, or set jvm.allowMemoryAutoscaling: true",
    });
  }
  const opts = a.env?.JAVA_TOOL_OPTIONS ?? "";
  const heapFlag = /(^|\s)(-Xmx\S+|-XX:(Max|Initial|Min)RAMPercentage=\S+|-XX:MaxHeapSize=\S+)/.exec(opts);
  if (heapFlag) out.push({ field: "env.JAVA_TOOL_OPTIONS", value: opts, message: `sets the heap size (${heapFlag[2]}); set jvm.heapPercentage instead` });
  return out;
}

/** The args of a JVM workload with its defaults applied; throws (naming the field) on the first problem. Others pass through. */
export function applyJvm<T extends JvmInput>(component: string, a: T): T {
  if (!a.jvm) return a;
  const [p] = jvmProblems(a);
  if (p) invalidArg(component, p.field, p.value, p.message);
  const heap = a.jvm.heapPercentage ?? JVM_DEFAULT_HEAP_PERCENTAGE;
  const as = a.autoscaling;
  const autoscaling =
    as && as.targetCpuUtilization === undefined && as.targetMemoryUtilization === undefined ? { ...as, targetCpuUtilization: JVM_DEFAULT_CPU_TARGET } : as;
  const limit = a.resources.limits?.memory;
  const resources = limit !== undefined ? { ...a.resources, requests: { ...a.resources.requests, memory: a.resources.requests?.memory ?? limit } } : a.resources;
  const opts = [`-XX:MaxRAMPercentage=${heap.toFixed(1)}`, a.env?.JAVA_TOOL_OPTIONS].filter((x) => x !== undefined && x !== "").join(" ");
  return { ...a, autoscaling, resources, env: { ...a.env, JAVA_TOOL_OPTIONS: opts } };
}
