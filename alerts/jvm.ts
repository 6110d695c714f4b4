/**
 * JVM alerts from Micrometer's `jvm_*` meters (Spring Boot Actuator), per pod:
 * heap nearly full, too much time in GC, frequent major (old-generation) GCs.
 */
import { alertRule, num, resolveDomain, type DomainSpec } from "./options";
import type { AlertOptions, RuleGroup } from "./types";

/** Thresholds and durations of the JVM alerts, with their defaults. */
export const JVM_SPEC = {
  prefix: "jvm",
  runbook: "jvm",
  thresholds: {
    "jvm.heapUsedRatio": {
      default: 0.9,
      min: 0,
      max: 1,
      exclusiveMin: true,
      description: "used heap / max heap (0.9 = 90%)",
    },
    "jvm.gcTimeRatio": {
      default: 0.1,
      min: 0,
      max: 1,
      exclusiveMin: true,
      description: "share of wall-clock time spent in GC pauses over jvm.gc.window (0.1 = 10%)",
    },
    "jvm.majorGcPerMinute": {
      default: 2,
      min: 0,
      exclusiveMin: true,
      description: "major (old-generation) GC pauses per minute over jvm.gc.window",
    },
  },
  durations: {
    "jvm.heap.for": { default: "10m", allowZero: true, description: "how long the heap must stay nearly full" },
    "jvm.gc.window": { default: "5m", description: "rate window of the GC alerts" },
    "jvm.gcTime.for": { default: "10m", allowZero: true, description: "how long GC time must stay high" },
    "jvm.majorGc.for": { default: "10m", allowZero: true, description: "how long major GCs must stay frequent" },
  },
  selectors: {},
} as const satisfies DomainSpec<string, string, never>;

const BY = "namespace, service, pod";

/** Alert rules for JVM heap and garbage collection. */
export function jvmRuleGroups(opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(JVM_SPEC, opts);
  const t = r.thresholds;
  const d = r.durations;
  const win = d["jvm.gc.window"];
  return [
    {
      name: "platform.jvm",
      rules: [
        alertRule({
          alert: "JvmHeapUsageHigh",
          // Pools without a limit report max = -1 (G1 eden/survivor); only the
          // bounded pools give the heap's maximum.
          expr: `
  sum by (${BY}) (jvm_memory_used_bytes{area="heap"})
/
  sum by (${BY}) (jvm_memory_max_bytes{area="heap"} > 0)
> ${num(t["jvm.heapUsedRatio"])}`,
          for: d["jvm.heap.for"],
          severity: "warning",
          summary: "{{ $labels.pod }} heap is {{ $value | humanizePercentage }} full",
          description: `The JVM of {{ $labels.pod }} ({{ $labels.service }}, {{ $labels.namespace }}) uses {{ $value | humanizePercentage }} of its maximum heap (threshold ${num(t["jvm.heapUsedRatio"] * 100)}%); an OutOfMemoryError or GC thrashing follows.`,
          runbookUrl: r.runbookUrl("JvmHeapUsageHigh"),
        }),
        alertRule({
          alert: "JvmGcTimeHigh",
          expr: `sum by (${BY}) (rate(jvm_gc_pause_seconds_sum[${win}])) > ${num(t["jvm.gcTimeRatio"])}`,
          for: d["jvm.gcTime.for"],
          severity: "warning",
          summary: "{{ $labels.pod }} spends {{ $value | humanizePercentage }} of its time in GC",
          description: `{{ $labels.pod }} ({{ $labels.service }}, {{ $labels.namespace }}) spent {{ $value | humanizePercentage }} of the last ${win} in GC pauses (threshold ${num(t["jvm.gcTimeRatio"] * 100)}%).`,
          runbookUrl: r.runbookUrl("JvmGcTimeHigh"),
        }),
        alertRule({
          alert: "JvmMajorGcFrequent",
          expr: `sum by (${BY}) (rate(jvm_gc_pause_seconds_count{action="end of major GC"}[${win}])) * 60 > ${num(t["jvm.majorGcPerMinute"])}`,
          for: d["jvm.majorGc.for"],
          severity: "warning",
          summary: "{{ $labels.pod }} runs {{ $value | printf \"%.1f\" }} major GCs per minute",
          description: `{{ $labels.pod }} ({{ $labels.service }}, {{ $labels.namespace }}) ran {{ $value | printf "%.1f" }} major (full) GCs per minute over the last ${win} (threshold ${num(t["jvm.majorGcPerMinute"])}); the old generation is filling up.`,
          runbookUrl: r.runbookUrl("JvmMajorGcFrequent"),
        }),
      ],
    },
  ];
}
