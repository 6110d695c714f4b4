/** promtool unit-test scenarios for alerts/rabbitmq.ts (default thresholds and durations). Labels as the RabbitMq component's ServiceMonitor produces them. */
import { gauge, series, type DomainCases } from "./promtool-harness";

const NS = "shop";
const target = (n: number, path = "/metrics") => ({
  namespace: NS,
  service: "rabbitmq",
  pod: `rabbitmq-server-${n}`,
  job: "rabbitmq",
  instance: `10.0.1.${n + 1}:15692`,
  container: "rabbitmq",
  endpoint: "prometheus",
  metrics_path: path,
});
const q = (queue: string, n = 0) => ({ ...target(n, "/metrics/per-object"), vhost: "core-api", queue });
const identity = (n: number) => ({ ...target(n), rabbitmq_node: `rabbit@rabbitmq-server-${n}.rabbitmq-nodes.${NS}`, rabbitmq_cluster: "rabbitmq" });
const sts = { namespace: NS, statefulset: "rabbitmq-server", job: "kube-state-metrics", instance: "ksm:8080" };
const atNode = (n: number, severity: string) => ({ namespace: NS, service: "rabbitmq", pod: `rabbitmq-server-${n}`, severity });
const atQueue = (queue: string, severity: string) => ({ namespace: NS, vhost: "core-api", queue, severity });

export const rabbitmqCases: DomainCases = {
  firing: [
    {
      alert: "RabbitMQNodeDown",
      name: "a node's metrics endpoint unreachable during minutes 1-10",
      series: [series("up", target(1), gauge([1, 1], [10, 0], [10, 1])), series("up", target(0), gauge([21, 1]))],
      onset: 1,
      labels: atNode(1, "critical"),
      resolvedAt: 11,
    },
    {
      alert: "RabbitMQNodesMissing",
      name: "2 of 3 nodes answer during minutes 1-10",
      value: 3,
      series: [
        series("kube_statefulset_replicas", sts, gauge([21, 3])),
        series("rabbitmq_identity_info", identity(0), gauge([21, 1])),
        series("rabbitmq_identity_info", identity(1), gauge([21, 1])),
        series("rabbitmq_identity_info", identity(2), "1 stale _x9 1x9"),
      ],
      onset: 1,
      labels: { namespace: NS, statefulset: "rabbitmq-server", severity: "critical" },
      resolvedAt: 11,
    },
    {
      alert: "RabbitMQMemoryAlarm",
      name: "memory alarm during minutes 1-10",
      series: [series("rabbitmq_alarms_memory_used_watermark", target(0), gauge([1, 0], [10, 1], [10, 0]))],
      onset: 1,
      labels: atNode(0, "critical"),
      resolvedAt: 11,
    },
    {
      alert: "RabbitMQDiskAlarm",
      name: "disk alarm during minutes 1-10",
      series: [series("rabbitmq_alarms_free_disk_space_watermark", target(2), gauge([1, 0], [10, 1], [10, 0]))],
      onset: 1,
      labels: atNode(2, "critical"),
      resolvedAt: 11,
    },
    {
      alert: "RabbitMQQueueGrowing",
      name: "1000 ready messages growing by 10/min until minute 29, then flat",
      value: 1160,
      series: [series("rabbitmq_queue_messages_ready", q("notifications"), "1000+10x29 1290x40")],
      onset: 1,
      labels: atQueue("notifications", "warning"),
      resolvedAt: 50,
    },
    {
      alert: "RabbitMQDeadLetters",
      name: "two messages in the DLQ during minutes 1-10",
      value: 2,
      series: [series("rabbitmq_queue_messages", q("notifications.dlq"), gauge([1, 0], [10, 2], [10, 0])), series("rabbitmq_queue_messages", q("notifications"), gauge([21, 7]))],
      onset: 1,
      labels: atQueue("notifications.dlq", "warning"),
      resolvedAt: 11,
    },
    {
      alert: "RabbitMQQueueWithoutConsumers",
      name: "ready messages and no consumer during minutes 1-20",
      series: [series("rabbitmq_queue_consumers", q("exports"), gauge([1, 1], [20, 0], [10, 2])), series("rabbitmq_queue_messages_ready", q("exports"), gauge([31, 5]))],
      onset: 1,
      labels: atQueue("exports", "warning"),
      resolvedAt: 22,
    },
    {
      alert: "RabbitMQUnackedHigh",
      name: "1500 unacknowledged messages during minutes 1-20",
      value: 1500,
      series: [series("rabbitmq_queue_messages_unacked", q("exports"), gauge([1, 10], [20, 1500], [10, 10]))],
      onset: 1,
      labels: atQueue("exports", "warning"),
      resolvedAt: 22,
    },
  ],
  silent: [
    {
      alert: "RabbitMQNodeDown",
      name: "one failed minute, shorter than for: 2m",
      series: [series("up", target(0), gauge([1, 1], [1, 0], [19, 1]))],
      at: [1, 2, 3, 4],
    },
    {
      alert: "RabbitMQNodesMissing",
      name: "every node of a 3-replica StatefulSet answers; another StatefulSet with no RabbitMQ node",
      series: [
        series("kube_statefulset_replicas", sts, gauge([21, 3])),
        series("kube_statefulset_replicas", { ...sts, statefulset: "web-server" }, gauge([21, 2])),
        ...[0, 1, 2].map((n) => series("rabbitmq_identity_info", identity(n), gauge([21, 1]))),
      ],
      at: [6, 20],
    },
    {
      alert: "RabbitMQMemoryAlarm",
      name: "no alarm; and a single minute of alarm (shorter than for: 1m)",
      series: [series("rabbitmq_alarms_memory_used_watermark", target(0), gauge([21, 0])), series("rabbitmq_alarms_memory_used_watermark", target(1), gauge([1, 0], [1, 1], [19, 0]))],
      at: [1, 2, 3, 10],
    },
    {
      alert: "RabbitMQDiskAlarm",
      name: "no alarm; and a single minute of alarm (shorter than for: 1m)",
      series: [series("rabbitmq_alarms_free_disk_space_watermark", target(0), gauge([21, 0])), series("rabbitmq_alarms_free_disk_space_watermark", target(1), gauge([1, 0], [1, 1], [19, 0]))],
      at: [1, 2, 3, 10],
    },
    {
      alert: "RabbitMQQueueGrowing",
      name: "5000 ready messages but not growing; a growing queue below 1000; a growing DLQ",
      series: [
        series("rabbitmq_queue_messages_ready", q("notifications"), gauge([41, 5000])),
        series("rabbitmq_queue_messages_ready", q("exports"), "100+10x40"),
        series("rabbitmq_queue_messages_ready", q("exports.dlq"), "2000+10x40"),
      ],
      at: [16, 20, 40],
    },
    {
      alert: "RabbitMQDeadLetters",
      name: "an empty DLQ next to a busy work queue",
      series: [series("rabbitmq_queue_messages", q("notifications.dlq"), gauge([21, 0])), series("rabbitmq_queue_messages", q("notifications"), gauge([21, 500]))],
      at: [6, 20],
    },
    {
      alert: "RabbitMQQueueWithoutConsumers",
      name: "an empty work queue without consumers; a DLQ with messages and no consumer",
      series: [
        series("rabbitmq_queue_consumers", q("exports"), gauge([31, 0])),
        series("rabbitmq_queue_messages_ready", q("exports"), gauge([31, 0])),
        series("rabbitmq_queue_consumers", q("exports.dlq"), gauge([31, 0])),
        series("rabbitmq_queue_messages_ready", q("exports.dlq"), gauge([31, 3])),
      ],
      at: [11, 20, 30],
    },
    {
      alert: "RabbitMQUnackedHigh",
      name: "exactly 1000 unacknowledged messages",
      series: [series("rabbitmq_queue_messages_unacked", q("exports"), gauge([31, 1000]))],
      at: [16, 30],
    },
  ],
};
