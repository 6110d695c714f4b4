/**
 * JVM dashboard (uid `platform-jvm`): heap and non-heap per memory pool, GC
 * pauses and allocation, threads, CPU. Metric names are Micrometer's JVM
 * binders as Spring Boot Actuator registers them by default
 * (`jvm_memory_*`, `jvm_gc_*`, `jvm_threads_*`, `process_*`).
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, finalize, labelVariable, q, row, statPanel, steps, timeseriesPanel } from "./common";
import type { ResolvedDashboardOptions } from "./options";
import { m } from "./promql";

export const JVM_DASHBOARD_UID = "platform-jvm";

const NS = 'namespace=~"$namespace"';
const SVC = m(NS, 'service=~"$service"');
const POD = m(SVC, 'pod=~"$pod"');
const HEAP = m(POD, 'area="heap"');
const NONHEAP = m(POD, 'area="nonheap"');
const R = "$__rate_interval";

/**
 * Heap maximum per pod. G1's young pools report max = -1 (no own limit), so
 * only positive maxima are summed: the old generation's max is the heap limit.
 */
const HEAP_MAX_BY_POD = `sum by (pod) (jvm_memory_max_bytes{${HEAP}} > 0)`;
const HEAP_USED_BY_POD = `sum by (pod) (jvm_memory_used_bytes{${HEAP}})`;

export function jvmDashboard(o: ResolvedDashboardOptions): Dashboard {
  const b = dashboard({
    uid: JVM_DASHBOARD_UID,
    title: "Platform / JVM",
    description: "Heap, garbage collection, threads and CPU of the JVM services (Micrometer JVM metrics).",
    area: "jvm",
  })
    .withVariable(labelVariable("namespace", "Namespace", "jvm_memory_used_bytes"))
    .withVariable(labelVariable("service", "Service", `jvm_memory_used_bytes{${NS}}`))
    .withVariable(labelVariable("pod", "Pod", `jvm_memory_used_bytes{${SVC}}`))

    .withRow(row("Summary"))
    .withPanel(statPanel({
      title: "Heap used (max pod)", description: "Highest heap usage over heap maximum among the selected pods.",
      unit: "percentunit", span: 6, decimals: 1, thresholds: steps(o.heapUsedRatio, o.heapUsedRatio * 0.9),
      queries: [q(`max(${HEAP_USED_BY_POD} / ${HEAP_MAX_BY_POD})`)],
    }))
    .withPanel(statPanel({
      title: "Time in GC", description: "Share of wall time spent in GC pauses, worst pod; frequent or long GC raises the warning alert.",
      unit: "percentunit", span: 6, decimals: 2, thresholds: steps(o.gcTimeRatio, o.gcTimeRatio / 2),
      queries: [q(`max(sum by (pod) (rate(jvm_gc_pause_seconds_sum{${POD}}[${R}])))`)],
    }))
    .withPanel(statPanel({
      title: "Live threads", description: "Live threads summed over the selected pods.",
      unit: "short", span: 6, queries: [q(`sum(jvm_threads_live_threads{${POD}})`)],
    }))
    .withPanel(statPanel({
      title: "Uptime (youngest pod)", description: "Time since the most recently started JVM began: a small value means a restart.",
      unit: "dtdurations", span: 6, thresholds: [{ value: null, color: "orange" }, { value: 600, color: "green" }],
      queries: [q(`min(process_uptime_seconds{${POD}})`)],
    }))

    .withRow(row("Memory"))
    .withPanel(timeseriesPanel({
      title: "Heap used vs max", description: "Heap in use and heap maximum per pod.",
      unit: "bytes", span: 12, min: 0,
      queries: [q(HEAP_USED_BY_POD, "used {{pod}}"), q(HEAP_MAX_BY_POD, "max {{pod}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Heap per pool", description: "Used bytes per heap pool (Eden, Survivor, Old Gen).",
      unit: "bytes", span: 12, min: 0, stack: true,
      queries: [q(`sum by (id) (jvm_memory_used_bytes{${HEAP}})`, "{{id}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Non-heap per pool", description: "Used bytes per non-heap pool (Metaspace, code cache); Metaspace growing without bound means a class-loader leak.",
      unit: "bytes", span: 12, min: 0,
      queries: [
        q(`sum by (id) (jvm_memory_used_bytes{${NONHEAP}})`, "used {{id}}"),
        q(`sum by (id) (jvm_memory_committed_bytes{${NONHEAP}})`, "committed {{id}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Old generation after GC", description: "Live data after the last major collection over its maximum: a steady climb is a leak.",
      unit: "percentunit", span: 12, max: 1, thresholds: steps(o.heapUsedRatio, o.heapUsedRatio * 0.9),
      queries: [q(`max by (pod) (jvm_gc_live_data_size_bytes{${POD}} / jvm_gc_max_data_size_bytes{${POD}})`, "{{pod}}")],
    }))

    .withRow(row("Garbage collection"))
    .withPanel(timeseriesPanel({
      title: "GC pause time", description: "Seconds of pause per second, per pod and collector action (minor/major).",
      unit: "percentunit", span: 12, thresholds: steps(o.gcTimeRatio, o.gcTimeRatio / 2),
      queries: [q(`sum by (pod, action) (rate(jvm_gc_pause_seconds_sum{${POD}}[${R}]))`, "{{pod}} {{action}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "GC count", description: "Collections per second, per action and cause.",
      unit: "ops", span: 12,
      queries: [q(`sum by (action, cause) (rate(jvm_gc_pause_seconds_count{${POD}}[${R}]))`, "{{action}} ({{cause}})")],
    }))
    .withPanel(timeseriesPanel({
      title: "Longest GC pause", description: "Longest pause in the last export window, per pod.",
      unit: "s", span: 12, thresholds: steps(1, 0.5),
      queries: [q(`max by (pod) (jvm_gc_pause_seconds_max{${POD}})`, "{{pod}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Allocation and promotion", description: "Bytes allocated in the young generation and promoted to the old one, per second.",
      unit: "Bps", span: 12,
      queries: [
        q(`sum by (pod) (rate(jvm_gc_memory_allocated_bytes_total{${POD}}[${R}]))`, "allocated {{pod}}"),
        q(`sum by (pod) (rate(jvm_gc_memory_promoted_bytes_total{${POD}}[${R}]))`, "promoted {{pod}}"),
      ],
    }))

    .withRow(row("Threads and CPU"))
    .withPanel(timeseriesPanel({
      title: "Threads", description: "Live, daemon and peak threads per pod.",
      unit: "short", span: 8,
      queries: [
        q(`sum by (pod) (jvm_threads_live_threads{${POD}})`, "live {{pod}}"),
        q(`sum by (pod) (jvm_threads_daemon_threads{${POD}})`, "daemon {{pod}}"),
        q(`sum by (pod) (jvm_threads_peak_threads{${POD}})`, "peak {{pod}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Thread states", description: "Threads per state; many BLOCKED or WAITING threads point at lock or pool contention.",
      unit: "short", span: 8, stack: true,
      queries: [q(`sum by (state) (jvm_threads_states_threads{${POD}})`, "{{state}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "CPU", description: "CPU used by the JVM process, as a share of the CPUs it sees.",
      unit: "percentunit", span: 8, min: 0,
      queries: [q(`max by (pod) (process_cpu_usage{${POD}})`, "{{pod}}")],
    }));
  return finalize(b);
}
