import * as pulumi from "@pulumi/pulumi";
import { SLO_DEFAULTS, type WorkloadSlo } from "@readiness/platform/alerts";
import { keycloakDashboards, platformDashboards, postgresDashboards, rabbitmqDashboards, redisDashboards } from "@readiness/platform/dashboards";
import {
  DEFAULT_SECRET_KEYS,
  KUBE_PROMETHEUS_STACK,
  MONITORING_NAMESPACE,
  Monitoring,
  serviceMonitor,
  type AlertRoutingArgs,
  type TeamRouteArgs,
} from "@readiness/platform";
import { CHART_SERVICE_PORTS } from "@readiness/platform";
import type { StackConfig } from "../config";
import type { ClusterParts, MonitoringParts, PlatformContext } from "./context";
import { adminHost } from "./edge";
import { publicAuthHost, REALM } from "./keycloak";
import { REALM_ROLES } from "@readiness/platform";

/** The SLOs the platform declares for its workloads (REQUIREMENTS.md: 99.9 %, reads p95 < 200 ms, writes < 500 ms). */
export function platformSlos(namespace: string): WorkloadSlo[] {
  return [{ service: "core-api", namespace, availability: SLO_DEFAULTS.availability, latency: { reads: SLO_DEFAULTS.reads, writes: SLO_DEFAULTS.writes } }];
}

/**
 * Alert routing from stack config. A receiver exists only when its settings
 * AND its secret are set; one without the other routes nowhere, with a warning
 * (staging and prod refuse to start without pager and chat: stacks/config.ts).
 */
export function alertRouting(cfg: StackConfig, warn: (msg: string) => void = () => undefined): { routing: AlertRoutingArgs; credentials: Record<string, pulumi.Input<string>> } {
  const a = cfg.settings.alerting;
  const sec = cfg.secrets;
  const credentials: Record<string, pulumi.Input<string>> = {};
  const routing: { -readonly [K in keyof AlertRoutingArgs]: AlertRoutingArgs[K] } = {};
  const pd = a.pagerduty?.enabled === true && sec.pagerdutyRoutingKey !== undefined;
  if (a.pagerduty?.enabled && !pd) warn("alerting.pagerduty.enabled is true but pagerdutyRoutingKey is not set: critical alerts won't page");
  if (pd) {
    routing.pagerduty = {};
    credentials[DEFAULT_SECRET_KEYS.pagerdutyRoutingKey] = pulumi.secret(sec.pagerdutyRoutingKey!);
  }
  const slack = a.slack !== undefined && sec.slackWebhookUrl !== undefined;
  if (a.slack && !slack) warn(`alerting.slack.channel is ${a.slack.channel} but slackWebhookUrl is not set: warnings won't reach chat`);
  if (slack) {
    routing.slack = { channel: a.slack!.channel };
    credentials[DEFAULT_SECRET_KEYS.slackApiUrl] = pulumi.secret(sec.slackWebhookUrl!);
  }
  if (a.email) {
    routing.email = { to: a.email.to, from: a.email.from, smarthost: a.email.smarthost, authUsername: a.email.username };
    if (a.email.username !== undefined) credentials[DEFAULT_SECRET_KEYS.smtpAuthPassword] = pulumi.secret(sec.smtpPassword!);
  }
  if (a.heartbeat?.enabled) {
    if (sec.heartbeatUrl === undefined) warn("alerting.heartbeat.enabled is true but heartbeatUrl is not set: no dead man's switch");
    else {
      routing.heartbeat = {};
      credentials[DEFAULT_SECRET_KEYS.heartbeatUrl] = pulumi.secret(sec.heartbeatUrl);
    }
  }
  // A team's own routes reuse the stack's pager and webhook (one credential each); the team picks the channel.
  const teams: TeamRouteArgs[] = Object.entries(a.teams ?? {})
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([name, t]) => ({
      name,
      ...(t.pagerduty && pd ? { pagerduty: { routingKeySecretKey: DEFAULT_SECRET_KEYS.pagerdutyRoutingKey } } : {}),
      ...(t.slackChannel && slack ? { slack: { apiUrlSecretKey: DEFAULT_SECRET_KEYS.slackApiUrl, channel: t.slackChannel } } : {}),
    }));
  if (teams.length > 0) routing.teams = teams;
  return { routing, credentials };
}

/**
 * Monitoring for the platform. Stacks that own their cluster (settings.clusterServices)
 * install kube-prometheus-stack; preview stacks use the cluster's, in "monitoring".
 */
export function composeMonitoring(ctx: PlatformContext, cluster: ClusterParts): MonitoringParts {
  const { cfg } = ctx;
  const s = cfg.settings;
  if (!s.clusterServices) {
    ctx.topology.nodes.push({ id: "monitoring", label: "cluster monitoring (not managed by this stack)" });
    ctx.topology.edges.push({ from: "monitoring", to: "namespace", label: "scrapes ServiceMonitors / PodMonitors" });
    return { urls: {}, monitoringNamespace: MONITORING_NAMESPACE, crdsReady: [] };
  }
  const m = s.monitoring;
  const { routing, credentials } = alertRouting(cfg, (msg) => void pulumi.log.warn(`stack ${cfg.stack}: ${msg}`));
  const admin = ctx.secrets.get("grafana-admin");
  const dashboardOpts = { alertThresholds: m.alerts.thresholds, alertDurations: m.alerts.durations };
  const monitoring = new Monitoring(
    "monitoring",
    {
      instance: cfg.stack,
      domain: s.domain,
      namespace: MONITORING_NAMESPACE,
      prometheus: { replicas: m.prometheus.replicas, retention: m.prometheus.retention, storageSize: m.prometheus.storageSize, resources: m.prometheus.resources },
      alertmanager: { replicas: m.alertmanager.replicas, routing, credentials },
      grafana: {
        admin: { username: admin.username ?? "admin", password: admin.value, rotation: { from: "grafana-admin", stamp: ctx.secrets.rotation["grafana-admin"]! } },
        persistence: m.grafana.persistence,
        storageSize: m.grafana.storageSize,
        host: adminHost(cfg, "grafana"),
        // Sign-in through the stack's Keycloak realm (client "grafana", components/keycloak/realm.ts).
        ...(s.keycloak.enabled
          ? {
              oauth: {
                issuerUrl: `https://${publicAuthHost(cfg)}/realms/${REALM}`,
                clientId: "grafana",
                clientSecret: ctx.secrets.get("keycloak-client-grafana").value,
                rotation: { from: "keycloak-client-grafana", stamp: ctx.secrets.rotation["keycloak-client-grafana"]! },
                roles: { admin: REALM_ROLES.grafanaAdmin, editor: REALM_ROLES.grafanaEditor },
              },
            }
          : {}),
      },
      // Gateway mode: Grafana goes on the gateway's internal listener (stacks/compose/edge.ts), not through a chart Ingress.
      ingress: s.edge.mode === "gateway" ? false : { className: s.ingress.className, clusterIssuer: s.ingress.clusterIssuer, tls: s.ingress.tls },
      alerts: {
        runbookBaseUrl: m.alerts.runbookBaseUrl,
        thresholds: m.alerts.thresholds,
        durations: m.alerts.durations,
        slos: platformSlos(cfg.namespace),
        sloNamespace: cfg.namespace,
        scrapes: cluster.certManagerNamespace ? [{ job: CHART_SERVICE_PORTS.certManagerController.service, namespace: cluster.certManagerNamespace, reads: "the certificate alerts (expiry, not ready)" }] : [],
      },
      controlPlane: s.controlPlane,
      dashboards: [...platformDashboards(dashboardOpts), ...postgresDashboards(dashboardOpts), ...(s.redis.provider === "in-cluster" ? redisDashboards(dashboardOpts) : []), ...(s.rabbitmq.enabled ? rabbitmqDashboards(dashboardOpts) : []), ...(s.keycloak.enabled ? keycloakDashboards(dashboardOpts) : [])],
    },
    // Only the SLO rules need the stack's namespace. Not cluster.ready: nothing here needs an
    // operator of cluster-services (cert-manager issues Grafana's certificate whenever it is up).
    { parent: ctx.parent, dependsOn: [ctx.namespace.namespace] },
  );

  // cert-manager's controller metrics feed the certificate alerts; its chart's own ServiceMonitor
  // would be created before the monitoring CRDs exist, so the platform declares it here.
  if (cluster.certManagerNamespace) {
    // The Service and port as cert-manager's pinned chart renders them (chart-facts.ts).
    const svc = CHART_SERVICE_PORTS.certManagerController;
    const certManager = { "app.kubernetes.io/name": svc.labels["app.kubernetes.io/name"], "app.kubernetes.io/instance": svc.labels["app.kubernetes.io/instance"], "app.kubernetes.io/component": svc.labels["app.kubernetes.io/component"] };
    serviceMonitor(
      "cert-manager-servicemonitor",
      {
        name: "cert-manager",
        namespace: cluster.certManagerNamespace,
        labels: { "app.kubernetes.io/part-of": "platform", "app.kubernetes.io/managed-by": "pulumi" },
        spec: { selector: { matchLabels: certManager }, namespaceSelector: { matchNames: [cluster.certManagerNamespace] }, endpoints: [{ port: svc.port, path: "/metrics", interval: "60s" }] },
      },
      { parent: ctx.parent, dependsOn: [...monitoring.crdsReady, ...cluster.ready] },
    );
  }

  const t = ctx.topology;
  t.nodes.push({ id: "monitoring", label: `kube-prometheus-stack ${KUBE_PROMETHEUS_STACK.version} (Prometheus)` });
  t.nodes.push({ id: "alertmanager", label: "Alertmanager" });
  t.nodes.push({ id: "grafana", label: `Grafana ${monitoring.grafanaUrl}` });
  t.edges.push({ from: "monitoring", to: "namespace", label: "scrapes ServiceMonitors / PodMonitors, evaluates PrometheusRules" });
  t.edges.push({ from: "monitoring", to: "alertmanager", label: "alerts" });
  t.edges.push({ from: "grafana", to: "monitoring", label: "PromQL" });
  if (routing.pagerduty) {
    t.nodes.push({ id: "pagerduty", label: "PagerDuty" });
    t.edges.push({ from: "alertmanager", to: "pagerduty", label: "critical" });
  }
  if (routing.slack) {
    t.nodes.push({ id: "slack", label: `Slack ${routing.slack.channel ?? ""}`.trim() });
    t.edges.push({ from: "alertmanager", to: "slack", label: "warning" });
  }
  if (routing.email) {
    t.nodes.push({ id: "email", label: `email ${routing.email.to}` });
    t.edges.push({ from: "alertmanager", to: "email", label: "fallback + warning copy" });
  }
  return { urls: { grafana: monitoring.grafanaUrl }, monitoringNamespace: monitoring.namespaceName, crdsReady: monitoring.crdsReady, ready: [monitoring.namespace, monitoring] };
}
