/**
 * Scraping and alerting of a RabbitMQ deployment: a ServiceMonitor on the
 * operator's client Service (rabbitmq_prometheus, port `prometheus` 15692, or
 * `prometheus-tls` 15691 with TLS): `/metrics/per-object` for per-queue series
 * (`vhost`, `queue` labels) and `/metrics` for the node-level ones; and the
 * RabbitMQ alert rules of alerts/rabbitmq.ts.
 */
import { rabbitmqRuleGroups } from "../../alerts";
import type { ExpectedScrape } from "../../alerts/presence";
import type { AlertOptions } from "../../alerts/types";
import { componentAlertOptions, componentRuleSpec } from "../lib/component-rules";
import type { RabbitMqArgs, ResolvedRabbitMqArgs } from "./args";
import { OPERATOR_FACTS } from "./facts";

type Obj = Record<string, unknown>;

/** The per-object endpoint: rabbitmq_prometheus serves it whatever `return_per_object_metrics` says. */
export const METRICS_PATH = "/metrics/per-object";

/** Node-level endpoint (alarms, identity, runtime): aggregated, so it also has queue totals, dropped in favour of per-object. */
export const NODE_METRICS_PATH = "/metrics";

/**
 * Two endpoints on the same port: `/metrics/per-object` for the per-queue series (it has no
 * alarm metrics; checked on 3.10.8 in test/rabbitmq) and `/metrics` for everything else. Each
 * keeps only its share, and a `metrics_path` target label keeps their `up` series apart.
 */
export function brokerServiceMonitorSpec(a: ResolvedRabbitMqArgs): Obj {
  const p = OPERATOR_FACTS.ports;
  const base = a.tls
    ? {
        port: p.prometheusTls.name,
        scheme: "https",
        tlsConfig: { serverName: `${OPERATOR_FACTS.clientService(a.name)}.${a.namespace}.svc`, ca: { secret: { name: `${a.name}-tls`, key: "ca.crt" } } },
      }
    : { port: p.prometheus.name };
  const endpoint = (path: string, action: "keep" | "drop") => ({
    ...base,
    path,
    interval: "30s",
    scrapeTimeout: "15s",
    relabelings: [{ action: "replace", targetLabel: "metrics_path", replacement: path }],
    metricRelabelings: [{ action, sourceLabels: ["__name__"], regex: "rabbitmq_queue_.+" }],
  });
  return {
    // Both operator Services carry these labels; only `<name>` has the metrics port, so only it yields targets.
    selector: { matchLabels: OPERATOR_FACTS.serviceLabels(a.name) },
    namespaceSelector: { matchNames: [a.namespace] },
    endpoints: [endpoint(METRICS_PATH, "keep"), endpoint(NODE_METRICS_PATH, "drop")],
  };
}

export function rabbitmqAlertOptions(m: RabbitMqArgs["monitoring"]): AlertOptions {
  return componentAlertOptions(m, "rabbitmq");
}

/**
 * PrometheusRule `spec` of the RabbitMQ alerts, plus an absent-target alert for each of `scrapes`
 * (the broker's job: Service `<name>`, whose ServiceMonitor prometheus-operator names the job by).
 */
export function rabbitmqPrometheusRuleSpec(m: RabbitMqArgs["monitoring"], scrapes: readonly ExpectedScrape[] = []): Obj {
  return componentRuleSpec(rabbitmqRuleGroups(rabbitmqAlertOptions(m)), { group: "rabbitmq.scrapes", scrapes }, m, m.team ?? "platform");
}
