/**
 * RabbitMQ alerts, on the metrics of the broker's own rabbitmq_prometheus plugin
 * (always enabled by the cluster operator), scraped by the RabbitMq component's
 * ServiceMonitor at `/metrics/per-object` on Service `<name>` (labels namespace,
 * service, pod, container="rabbitmq", endpoint="prometheus"; per queue also
 * `vhost` and `queue`):
 *
 * - `rabbitmq_identity_info{rabbitmq_node, rabbitmq_cluster}`: 1 per answering node;
 * - `rabbitmq_alarms_memory_used_watermark`, `rabbitmq_alarms_free_disk_space_watermark`:
 *   1 while the node blocks publishers;
 * - `rabbitmq_queue_messages_ready`, `rabbitmq_queue_messages_unacked`, `rabbitmq_queue_messages`,
 *   `rabbitmq_queue_consumers` per queue (reported by the node of the queue's leader).
 *
 * Dead-letter queues are the component's `<queue>.dlq`.
 */
import { alertRule, num, resolveDomain, sel, type DomainSpec } from "./options";
import type { AlertOptions, RuleGroup } from "./types";

export const RABBITMQ_SPEC = {
  prefix: "rabbitmq",
  runbook: "rabbitmq",
  thresholds: {
    "rabbitmq.queueDepth": { default: 1000, min: 0, description: "ready messages in a work queue above which a still-growing queue alerts" },
    "rabbitmq.deadLetters": { default: 0, min: 0, description: "messages in a dead-letter queue (`<queue>.dlq`) tolerated" },
    "rabbitmq.unacked": { default: 1000, min: 0, description: "messages delivered but not yet acknowledged, per queue" },
  },
  durations: {
    "rabbitmq.down.for": { default: "2m", allowZero: true, description: "how long a node's metrics endpoint must be unreachable" },
    "rabbitmq.nodesMissing.for": { default: "5m", allowZero: true, description: "how long fewer nodes than the StatefulSet's replicas must answer (node not running, paused minority)" },
    "rabbitmq.queueGrowing.window": { default: "15m", description: "window over which a deep queue must have grown" },
    "rabbitmq.queueGrowing.for": { default: "15m", allowZero: true, description: "how long a deep queue must keep growing" },
    "rabbitmq.deadLetters.for": { default: "5m", allowZero: true, description: "how long messages must sit in a dead-letter queue" },
    "rabbitmq.noConsumers.for": { default: "10m", allowZero: true, description: "how long a work queue with ready messages must have no consumer" },
    "rabbitmq.unacked.for": { default: "15m", allowZero: true, description: "how long unacknowledged messages must stay above the threshold" },
    "rabbitmq.alarm.for": { default: "1m", allowZero: true, description: "how long a memory or disk alarm must last" },
  },
  selectors: {
    "rabbitmq.targets": { default: `container="rabbitmq", endpoint=~"prometheus(-tls)?"`, description: "the `up` series of the brokers' rabbitmq_prometheus endpoints" },
  },
} as const satisfies DomainSpec<string, string, string>;

const NODE = "namespace, service, pod";
const QUEUE = "namespace, vhost, queue";
const DLQ = `queue=~".+[.]dlq"`;
const WORK = `queue!~".+[.]dlq"`;

export function rabbitmqAlertGroups(opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(RABBITMQ_SPEC, opts);
  const t = r.thresholds;
  const d = r.durations;
  return [
    {
      name: "platform.rabbitmq",
      rules: [
        alertRule({
          alert: "RabbitMQNodeDown",
          expr: `max by (${NODE}) (up${sel(r.selectors["rabbitmq.targets"])}) == 0`,
          for: d["rabbitmq.down.for"],
          severity: "critical",
          summary: "RabbitMQ node {{ $labels.namespace }}/{{ $labels.pod }} is down",
          description: "Prometheus cannot scrape the rabbitmq_prometheus endpoint of {{ $labels.pod }} ({{ $labels.service }}) in {{ $labels.namespace }}: the node is stopped, paused (pause_minority after a partition) or its pod is gone. Its quorum queue replicas are unavailable.",
          runbookUrl: r.runbookUrl("RabbitMQNodeDown"),
        }),
        alertRule({
          alert: "RabbitMQNodesMissing",
          expr: `
  max by (namespace, statefulset) (kube_statefulset_replicas{statefulset=~".+-server"})
>
  count by (namespace, statefulset) (label_replace(rabbitmq_identity_info, "statefulset", "$1", "pod", "(.+)-[0-9]+"))`,
          for: d["rabbitmq.nodesMissing.for"],
          severity: "critical",
          summary: "RabbitMQ {{ $labels.namespace }}/{{ $labels.statefulset }}: fewer nodes answer than its {{ $value }} replicas",
          description: "Fewer RabbitMQ nodes of {{ $labels.statefulset }} in {{ $labels.namespace }} report metrics than the StatefulSet has replicas: a node is not running, or a network partition paused the minority (cluster_partition_handling = pause_minority). Quorum queues with a majority elsewhere keep working; a second loss stops them.",
          runbookUrl: r.runbookUrl("RabbitMQNodesMissing"),
        }),
        alertRule({
          alert: "RabbitMQMemoryAlarm",
          expr: `max by (${NODE}) (rabbitmq_alarms_memory_used_watermark) == 1`,
          for: d["rabbitmq.alarm.for"],
          severity: "critical",
          summary: "RabbitMQ {{ $labels.namespace }}/{{ $labels.pod }} is in a memory alarm: publishers are blocked",
          description: "{{ $labels.pod }} in {{ $labels.namespace }} passed its memory high watermark: every connection that publishes is blocked cluster-wide until memory drops.",
          runbookUrl: r.runbookUrl("RabbitMQMemoryAlarm"),
        }),
        alertRule({
          alert: "RabbitMQDiskAlarm",
          expr: `max by (${NODE}) (rabbitmq_alarms_free_disk_space_watermark) == 1`,
          for: d["rabbitmq.alarm.for"],
          severity: "critical",
          summary: "RabbitMQ {{ $labels.namespace }}/{{ $labels.pod }} is in a disk alarm: publishers are blocked",
          description: "Free disk of {{ $labels.pod }} in {{ $labels.namespace }} is below disk_free_limit: every connection that publishes is blocked cluster-wide until space is freed.",
          runbookUrl: r.runbookUrl("RabbitMQDiskAlarm"),
        }),
        alertRule({
          alert: "RabbitMQQueueGrowing",
          expr: `
  sum by (${QUEUE}) (rabbitmq_queue_messages_ready{${WORK}}) > ${num(t["rabbitmq.queueDepth"])}
and
  sum by (${QUEUE}) (delta(rabbitmq_queue_messages_ready{${WORK}}[${d["rabbitmq.queueGrowing.window"]}])) > 0`,
          for: d["rabbitmq.queueGrowing.for"],
          severity: "warning",
          summary: "Queue {{ $labels.vhost }}/{{ $labels.queue }} in {{ $labels.namespace }} holds {{ $value }} ready messages and keeps growing",
          description: `Ready messages in {{ $labels.queue }} (vhost {{ $labels.vhost }}, {{ $labels.namespace }}) are above ${num(t["rabbitmq.queueDepth"])} and grew over the last ${d["rabbitmq.queueGrowing.window"]}: consumers are slower than publishers.`,
          runbookUrl: r.runbookUrl("RabbitMQQueueGrowing"),
        }),
        alertRule({
          alert: "RabbitMQDeadLetters",
          expr: `sum by (${QUEUE}) (rabbitmq_queue_messages{${DLQ}}) > ${num(t["rabbitmq.deadLetters"])}`,
          for: d["rabbitmq.deadLetters.for"],
          severity: "warning",
          summary: "Dead-letter queue {{ $labels.vhost }}/{{ $labels.queue }} in {{ $labels.namespace }} holds {{ $value }} messages",
          description: "Messages were rejected, exceeded their delivery limit or expired and now wait in {{ $labels.queue }} (vhost {{ $labels.vhost }}, {{ $labels.namespace }}) for someone to inspect, replay or drop them.",
          runbookUrl: r.runbookUrl("RabbitMQDeadLetters"),
        }),
        alertRule({
          alert: "RabbitMQQueueWithoutConsumers",
          expr: `
  max by (${QUEUE}) (rabbitmq_queue_consumers{${WORK}}) == 0
and on (${QUEUE})
  sum by (${QUEUE}) (rabbitmq_queue_messages_ready{${WORK}}) > 0`,
          for: d["rabbitmq.noConsumers.for"],
          severity: "warning",
          summary: "Work queue {{ $labels.vhost }}/{{ $labels.queue }} in {{ $labels.namespace }} has messages and no consumer",
          description: "{{ $labels.queue }} (vhost {{ $labels.vhost }}, {{ $labels.namespace }}) has ready messages but no consumer: the workers are down, crashed or lost their connection.",
          runbookUrl: r.runbookUrl("RabbitMQQueueWithoutConsumers"),
        }),
        alertRule({
          alert: "RabbitMQUnackedHigh",
          expr: `sum by (${QUEUE}) (rabbitmq_queue_messages_unacked) > ${num(t["rabbitmq.unacked"])}`,
          for: d["rabbitmq.unacked.for"],
          severity: "warning",
          summary: "Queue {{ $labels.vhost }}/{{ $labels.queue }} in {{ $labels.namespace }} has {{ $value }} unacknowledged messages",
          description: `More than ${num(t["rabbitmq.unacked"])} messages of {{ $labels.queue }} (vhost {{ $labels.vhost }}, {{ $labels.namespace }}) are delivered but unacknowledged: consumers are stuck, or their prefetch is unbounded.`,
          runbookUrl: r.runbookUrl("RabbitMQUnackedHigh"),
        }),
      ],
    },
  ];
}
