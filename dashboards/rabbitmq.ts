/**
 * RabbitMQ dashboard (uid `platform-rabbitmq`) for components/rabbitmq: nodes
 * and alarms, queue depth (ready and unacknowledged) against the alert's line,
 * consumers, publish / deliver / acknowledge rates, per-queue publish rates,
 * dead letters by reason and the messages waiting in the DLQs (`<queue>.dlq`),
 * connections and channels.
 *
 * Source: the brokers' rabbitmq_prometheus plugin through the component's
 * ServiceMonitor: per-queue series (`vhost`, `queue`) from `/metrics/per-object`,
 * node-level and global counters from `/metrics`.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, finalize, labelVariable, q, row, statPanel, steps, timeseriesPanel } from "./common";
import type { ResolvedDashboardOptions } from "./options";
import { m } from "./promql";

export const RABBITMQ_DASHBOARD_UID = "platform-rabbitmq";

const NS = 'namespace=~"$namespace"';
const Q = m(NS, 'vhost=~"$vhost"');
const WORK = m(Q, 'queue!~".+[.]dlq"');
const DLQ = m(Q, 'queue=~".+[.]dlq"');
const R = "$__rate_interval";

export function rabbitmqDashboard(o: ResolvedDashboardOptions): Dashboard {
  const b = dashboard({
    uid: RABBITMQ_DASHBOARD_UID,
    title: "Platform / RabbitMQ",
    description: "RabbitMQ nodes, alarms, queue depth, consumers, publish/deliver rates, dead letters and DLQs.",
    area: "rabbitmq",
  })
    .withVariable(labelVariable("namespace", "Namespace", "rabbitmq_identity_info"))
    .withVariable(labelVariable("vhost", "Vhost", `rabbitmq_queue_messages_ready{${NS}}`))

    .withRow(row("Summary"))
    .withPanel(statPanel({
      title: "Nodes answering", description: "Nodes whose metrics endpoint answers (compare with the StatefulSet's replicas).",
      unit: "short", span: 4, queries: [q(`count(rabbitmq_identity_info{${NS}}) or vector(0)`)],
    }))
    .withPanel(statPanel({
      title: "Alarms", description: "Nodes in a memory or disk alarm: publishers are blocked cluster-wide while any is on.",
      unit: "short", span: 4, thresholds: steps(1), queries: [q(`sum(rabbitmq_alarms_memory_used_watermark{${NS}}) + sum(rabbitmq_alarms_free_disk_space_watermark{${NS}})`)],
    }))
    .withPanel(statPanel({
      title: "Ready messages", description: `Messages waiting in the work queues; a queue alerts above ${o.rabbitmqQueueDepth} while it grows.`,
      unit: "short", span: 4, thresholds: steps(o.rabbitmqQueueDepth, o.rabbitmqQueueDepth / 2), queries: [q(`sum(rabbitmq_queue_messages_ready{${WORK}})`)],
    }))
    .withPanel(statPanel({
      title: "Dead letters waiting", description: "Messages in the dead-letter queues: work that was rejected, exceeded its delivery limit or expired.",
      unit: "short", span: 4, thresholds: steps(1), queries: [q(`sum(rabbitmq_queue_messages{${DLQ}}) or vector(0)`)],
    }))
    .withPanel(statPanel({
      title: "Consumers", description: "Consumers on the work queues.",
      unit: "short", span: 4, queries: [q(`sum(rabbitmq_queue_consumers{${WORK}})`)],
    }))
    .withPanel(statPanel({
      title: "Connections", description: "Client connections over all nodes.",
      unit: "short", span: 4, queries: [q(`sum(rabbitmq_connections{${NS}})`)],
    }))

    .withRow(row("Queues"))
    .withPanel(timeseriesPanel({
      title: "Queue depth", description: "Ready messages per work queue.",
      unit: "short", span: 12, min: 0, thresholds: steps(o.rabbitmqQueueDepth),
      queries: [q(`sum by (vhost, queue) (rabbitmq_queue_messages_ready{${WORK}})`, "{{vhost}}/{{queue}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Unacknowledged", description: "Messages delivered to consumers and not yet acknowledged, per queue.",
      unit: "short", span: 12, min: 0,
      queries: [q(`sum by (vhost, queue) (rabbitmq_queue_messages_unacked{${Q}})`, "{{vhost}}/{{queue}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Consumers per queue", description: "0 on a queue with ready messages means nobody processes it.",
      unit: "short", span: 12, min: 0,
      queries: [q(`sum by (vhost, queue) (rabbitmq_queue_consumers{${WORK}})`, "{{vhost}}/{{queue}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Dead-letter queues", description: "Messages waiting in each `<queue>.dlq`.",
      unit: "short", span: 12, min: 0, thresholds: steps(1),
      queries: [q(`sum by (vhost, queue) (rabbitmq_queue_messages{${DLQ}})`, "{{vhost}}/{{queue}}")],
    }))

    .withRow(row("Traffic"))
    .withPanel(timeseriesPanel({
      title: "Published, delivered, acknowledged", description: "Messages per second over all nodes.",
      unit: "ops", span: 12, min: 0,
      queries: [
        q(`sum(rate(rabbitmq_global_messages_received_total{${NS}}[${R}]))`, "published"),
        q(`sum(rate(rabbitmq_global_messages_delivered_total{${NS}}[${R}]))`, "delivered"),
        q(`sum(rate(rabbitmq_global_messages_acknowledged_total{${NS}}[${R}]))`, "acknowledged"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Publish rate per queue", description: "Messages per second routed into each queue.",
      unit: "ops", span: 12, min: 0,
      queries: [q(`sum by (queue_vhost, queue) (rate(rabbitmq_queue_messages_published_total{${m(NS, 'queue_vhost=~"$vhost"')}}[${R}]))`, "{{queue_vhost}}/{{queue}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Dead-lettered", description: "Messages dead-lettered per second, by reason: rejected without requeue, over the delivery limit, expired, over max length.",
      unit: "ops", span: 24, min: 0,
      queries: [
        q(`sum(rate(rabbitmq_global_messages_dead_lettered_rejected_total{${NS}}[${R}]))`, "rejected"),
        q(`sum(rate(rabbitmq_global_messages_dead_lettered_delivery_limit_total{${NS}}[${R}]))`, "delivery limit"),
        q(`sum(rate(rabbitmq_global_messages_dead_lettered_expired_total{${NS}}[${R}]))`, "expired"),
        q(`sum(rate(rabbitmq_global_messages_dead_lettered_maxlen_total{${NS}}[${R}]))`, "max length"),
      ],
    }))

    .withRow(row("Nodes"))
    .withPanel(timeseriesPanel({
      title: "Alarms per node", description: "1 while a node's memory or disk alarm blocks publishers.",
      unit: "short", span: 12, min: 0, max: 1,
      queries: [
        q(`max by (pod) (rabbitmq_alarms_memory_used_watermark{${NS}})`, "memory {{pod}}"),
        q(`max by (pod) (rabbitmq_alarms_free_disk_space_watermark{${NS}})`, "disk {{pod}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Connections and channels", description: "Per node.",
      unit: "short", span: 12, min: 0,
      queries: [q(`sum by (pod) (rabbitmq_connections{${NS}})`, "connections {{pod}}"), q(`sum by (pod) (rabbitmq_channels{${NS}})`, "channels {{pod}}")],
    }));
  return finalize(b);
}
