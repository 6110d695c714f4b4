/** promtool unit-test scenarios for alerts/jvm.ts (default thresholds and durations). */
import { counter, gauge, series, type DomainCases } from "./promtool-harness";

const POD = { namespace: "shop", service: "core-api", pod: "core-api-1" };
const OLD = { ...POD, area: "heap", id: "G1 Old Gen" };
const EDEN = { ...POD, area: "heap", id: "G1 Eden Space" };
const MINOR = { ...POD, action: "end of minor GC", cause: "G1 Evacuation Pause", gc: "G1 Young Generation" };
const MAJOR = { ...POD, action: "end of major GC", cause: "G1 Compaction Pause", gc: "G1 Old Generation" };
const FIRING = { ...POD, severity: "warning" };

export const jvmCases: DomainCases = {
  firing: [
    {
      alert: "JvmHeapUsageHigh",
      name: "950 of 1000 bytes used until minute 20",
      value: 0.95,
      series: [
        series("jvm_memory_used_bytes", OLD, gauge([21, 800], [10, 500])),
        series("jvm_memory_used_bytes", EDEN, gauge([31, 150])),
        series("jvm_memory_max_bytes", OLD, gauge([31, 1000])),
        series("jvm_memory_max_bytes", EDEN, gauge([31, -1])),
      ],
      onset: 0,
      labels: FIRING,
      resolvedAt: 21,
    },
    {
      alert: "JvmGcTimeHigh",
      name: "25% of the time in GC during minutes 1-20",
      value: 0.25,
      series: [series("jvm_gc_pause_seconds_sum", MINOR, counter(10, [21, 15], [15, 0]))],
      // rate() extrapolates the first samples over the 5m window: above the threshold from minute 2.
      onset: 2,
      labels: FIRING,
      resolvedAt: 26,
    },
    {
      alert: "JvmMajorGcFrequent",
      name: "3 major GCs per minute during minutes 1-20",
      value: 3,
      series: [series("jvm_gc_pause_seconds_count", MAJOR, counter(5, [21, 3], [15, 0]))],
      // rate() extrapolates the first samples over the 5m window: above the threshold from minute 3.
      onset: 3,
      labels: FIRING,
      resolvedAt: 26,
    },
  ],
  silent: [
    {
      alert: "JvmHeapUsageHigh",
      name: "89.9% heap used; a full non-heap pool does not count",
      series: [
        series("jvm_memory_used_bytes", OLD, gauge([21, 800])),
        series("jvm_memory_used_bytes", EDEN, gauge([21, 99])),
        series("jvm_memory_max_bytes", OLD, gauge([21, 1000])),
        series("jvm_memory_max_bytes", EDEN, gauge([21, -1])),
        series("jvm_memory_used_bytes", { ...POD, area: "nonheap", id: "Metaspace" }, gauge([21, 5000])),
        series("jvm_memory_max_bytes", { ...POD, area: "nonheap", id: "Metaspace" }, gauge([21, 5000])),
      ],
      at: [10, 20],
    },
    {
      alert: "JvmGcTimeHigh",
      name: "9.8% of the time in GC, just below 10%",
      series: [series("jvm_gc_pause_seconds_sum", MINOR, counter(10, [31, 5.9]))],
      at: [11, 30],
    },
    {
      alert: "JvmMajorGcFrequent",
      name: "1.9 major GCs per minute; many minor GCs do not count",
      series: [
        series("jvm_gc_pause_seconds_count", MAJOR, counter(5, [31, 1.9])),
        series("jvm_gc_pause_seconds_count", MINOR, counter(1000, [31, 60])),
      ],
      at: [11, 30],
    },
  ],
};
