/**
 * The Monitoring component's args and their resolution: defaults applied once,
 * every value checked, errors that name the field to change. Pure.
 */
import type * as pulumi from "@pulumi/pulumi";
import { scrapePresenceGroup, validateAlertOptions, type ExpectedScrape, type WorkloadSlo, sloRuleGroups } from "../../alerts/index";
import type { DashboardJson } from "../../dashboards/index";
import { invalidArg, PlatformConfigError } from "../lib/errors";
import { isByteQuantity, isCpuQuantity } from "../lib/quantities";
import { alertmanagerSecretKeys, resolveAlertRoutingArgs, type AlertRoutingArgs } from "./alertmanager-config";
import type { ControlPlane } from "./chart-facts";
import { KUBE_PROMETHEUS_STACK, PROMETHEUS_OPERATOR_CRDS, type PinnedChart } from "./versions";

/** Where the runbooks live: docs/runbooks in the project repository. */
export const RUNBOOK_BASE_URL = "https://github.com/example/platform/blob/main/docs/runbooks";

/** Kubernetes namespace kube-prometheus-stack is installed into. */
export const MONITORING_NAMESPACE = "monitoring";

/** CPU and memory requests and limits of a container. */
export interface ResourceRequirements {
  /** Requested CPU (e.g. "500m") and memory (e.g. "2Gi"), reserved by the scheduler (Kubernetes `resources.requests`). */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /**
   * Kubernetes `resources.limits`: memory is required (the container is OOM-killed above it); CPU is optional (none: no
   * throttling).
   */
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** Prometheus: replicas, retention, storage and resources. */
export interface PrometheusArgs {
  /** Prometheus replicas (each scrapes everything: HA, not sharding). @default 1 */
  readonly replicas?: number;
  /** How long samples are kept. @default "15d" */
  readonly retention?: string;
  /**
   * Size of each replica's volume (volumeClaimTemplate). Caution: shrinking it
   * needs a new volume, i.e. losing the stored samples.
   * @default "50Gi"
   */
  readonly storageSize?: string;
  /** StorageClass of the volumes. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** CPU and memory of each Prometheus replica (`prometheusSpec.resources`). @default { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } } */
  readonly resources?: ResourceRequirements;
}

/** Alertmanager: replicas, alert routing and the receivers' credentials. */
export interface AlertmanagerArgs {
  /** Alertmanager replicas (clustered; they deduplicate notifications). @default 1 */
  readonly replicas?: number;
  /**
   * Routing and receivers (see alertmanager-config.ts); `secretName` and
   * `secretsDir` are the component's. @default {} - every alert goes to the null receiver
   */
  readonly routing?: Omit<AlertRoutingArgs, "secretName" | "secretsDir">;
  /**
   * The receivers' credentials by Secret key (`alertmanagerSecretKeys(routing)`
   * lists the keys needed), stored in a Kubernetes Secret mounted into
   * Alertmanager; always handled as Pulumi secrets.
   * @default {}
   * @example { "pagerduty-routing-key": cfg.requireSecret("pagerdutyRoutingKey") }
   */
  readonly credentials?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** Grafana: the admin login (and its rotation), host name and persistence. */
export interface GrafanaArgs {
  /**
   * Admin login; stored in a Secret Grafana reads (`admin.existingSecret`). `rotation`: the
   * generated secret the password comes from and its counter (`GeneratedSecrets.rotation`),
   * stamped on Grafana's pods so they restart with a rotated password (components/secrets/rotation.ts).
   */
  readonly admin: { readonly username: string; readonly password: pulumi.Input<string>; readonly rotation?: { readonly from: string; readonly stamp: string } };
  /** Public host name. @default - `grafana.${domain}` */
  readonly host?: string;
  /** Keep Grafana's database (users, preferences) on a volume. @default true */
  readonly persistence?: boolean;
  /** Volume size when persistent. @default "10Gi" */
  readonly storageSize?: string;
  /** Sign-in through an OpenID Connect provider (Keycloak): generic OAuth with PKCE. @default - off */
  readonly oauth?: GrafanaOAuthArgs;
}

/**
 * Grafana's generic OAuth against an OIDC issuer (a Keycloak realm). The client secret goes
 * into a Secret in Grafana's namespace (`GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET`), never into the values.
 */
export interface GrafanaOAuthArgs {
  /** Issuer URL, e.g. `https://auth.example.com/realms/platform`. */
  readonly issuerUrl: string;
  /** The realm's client for Grafana. */
  readonly clientId: string;
  /** Its secret (a generated one); stored in Secret grafana-oauth. */
  readonly clientSecret: pulumi.Input<string>;
  /** Rotation stamp of the generated secret (rolls Grafana's pods when it changes). */
  readonly rotation?: { readonly from: string; readonly stamp: string };
  /** Values of the `roles` claim mapped to Grafana's Admin and Editor roles (anyone else is a Viewer). */
  readonly roles: { readonly admin: string; readonly editor: string };
  /** Name on the login button. @default "Keycloak" */
  readonly name?: string;
}

/** An Ingress for Grafana, for clusters that use an ingress controller. */
export interface GrafanaIngressArgs {
  /** IngressClass of Grafana's Ingress (`ingressClassName`). @default "nginx" */
  readonly className?: string;
  /** cert-manager ClusterIssuer of the TLS certificate. @default - no certificate annotation */
  readonly clusterIssuer?: string;
  /** Serve HTTPS with a certificate in Secret grafana-tls; also makes Grafana's root URL https and its cookies secure. @default true */
  readonly tls?: boolean;
}

/** The platform's alert rules: runbook links, threshold and duration overrides, SLOs and the scrapes whose absence alerts. */
export interface AlertRulesArgs {
  /** Base URL of the runbooks every alert links. @default RUNBOOK_BASE_URL */
  readonly runbookBaseUrl?: string;
  /** Threshold overrides (keys documented in alerts/). @default {} */
  readonly thresholds?: Readonly<Record<string, number>>;
  /** Duration overrides (keys documented in alerts/). @default {} */
  readonly durations?: Readonly<Record<string, string>>;
  /** SLOs of workloads: recording rules and burn-rate alerts. @default [] */
  readonly slos?: readonly WorkloadSlo[];
  /** Namespace of the SLO PrometheusRule (the workloads' namespace, by convention). @default - the monitoring namespace */
  readonly sloNamespace?: string;
  /**
   * Scrape jobs, besides the chart's own, that the rules read and that must have
   * targets: each gets a `ScrapeTargetsMissing` alert (alerts/presence.ts).
   * @default []
   * @example [{ job: "cert-manager", namespace: "cert-manager", reads: "the certificate alerts" }]
   */
  readonly scrapes?: readonly ExpectedScrape[];
}

/** Args of {@link Monitoring}: kube-prometheus-stack (Prometheus, Alertmanager, Grafana), its alert rules, dashboards, SLOs and alert routing. */
export interface MonitoringArgs {
  /** The stack (app.kubernetes.io/instance). */
  readonly instance: string;
  /** Base DNS domain; Grafana is served at `grafana.<domain>`. @example "platform.example.com" */
  readonly domain: string;
  /** Namespace of the stack's monitoring. @default "monitoring" */
  readonly namespace?: string;
  /** Prometheus replicas, retention, storage and resources. @default {} - see PrometheusArgs */
  readonly prometheus?: PrometheusArgs;
  /** Alertmanager replicas, routing and receivers' credentials. @default {} - one replica, every alert to the null receiver */
  readonly alertmanager?: AlertmanagerArgs;
  /** Grafana's admin login, host name, persistence and optional OAuth sign-in. */
  readonly grafana: GrafanaArgs;
  /** Grafana's chart Ingress; `false` when something else routes to it (the platform's gateway). @default {} */
  readonly ingress?: GrafanaIngressArgs | false;
  /** The platform's alert rules: runbook links, overrides, SLOs and expected scrapes. @default {} */
  readonly alerts?: AlertRulesArgs;
  /** Dashboards provisioned as ConfigMaps for Grafana's sidecar. @default [] */
  readonly dashboards?: readonly DashboardJson[];
  /** Chart pins; override only to test an upgrade. @default { kubePrometheusStack: KUBE_PROMETHEUS_STACK, operatorCrds: PROMETHEUS_OPERATOR_CRDS } */
  readonly charts?: { readonly kubePrometheusStack?: PinnedChart; readonly operatorCrds?: PinnedChart };
  /** Helm timeout of the kube-prometheus-stack release, seconds. @default 900 */
  readonly timeoutSeconds?: number;
  /**
   * Who runs the cluster's control plane. `managed` (EKS, GKE, AKS; kind and k3d alike,
   * which keep them on localhost): the chart neither scrapes nor alerts on
   * kube-controller-manager, kube-scheduler, etcd and kube-proxy, which can't be
   * reached (their absent-target alerts would page forever). See chart-facts.ts.
   * @default "self-managed"
   */
  readonly controlPlane?: ControlPlane;
}

/** {@link MonitoringArgs} with every default applied, as {@link resolveMonitoringArgs} returns them. */
export interface ResolvedMonitoringArgs {
  /** The stack (app.kubernetes.io/instance), as given. */
  readonly instance: string;
  /** Namespace of the stack's monitoring (default "monitoring"). */
  readonly namespace: string;
  /** Base DNS domain, as given. */
  readonly domain: string;
  /** Prometheus settings, defaults applied (1 replica, "15d", "50Gi", requests 500m/2Gi, memory limit 4Gi). */
  readonly prometheus: Required<Omit<PrometheusArgs, "storageClassName">> & Pick<PrometheusArgs, "storageClassName">;
  /** Replicas (default 1), the routing, the Secret keys it reads and their credentials. */
  readonly alertmanager: {
    readonly replicas: number;
    readonly routing: AlertRoutingArgs;
    /** Secret keys the routing reads, in order. */
    readonly secretKeys: readonly string[];
    readonly credentials: Readonly<Record<string, pulumi.Input<string>>>;
  };
  /** Host (default `grafana.<domain>`), public URL, persistence (default true, "10Gi"), admin user and rotation, OAuth. */
  readonly grafana: {
    readonly host: string;
    readonly url: string;
    readonly persistence: boolean;
    readonly storageSize: string;
    readonly adminUsername: string;
    readonly adminRotation?: { readonly from: string; readonly stamp: string };
    readonly oauth?: Omit<GrafanaOAuthArgs, "clientSecret"> & { readonly name: string };
  };
  /** Grafana's chart Ingress: `enabled` is false for `ingress: false`; className "nginx" and tls true by default. */
  readonly ingress: { readonly enabled: boolean; readonly className: string; readonly clusterIssuer?: string; readonly tls: boolean };
  /** Alert rule options, defaults applied; `sloNamespace` defaults to `namespace`, `scrapes` adds the chart's jobs. */
  readonly alerts: {
    readonly runbookBaseUrl: string;
    readonly thresholds: Readonly<Record<string, number>>;
    readonly durations: Readonly<Record<string, string>>;
    readonly slos: readonly WorkloadSlo[];
    readonly sloNamespace: string;
    /** Every job with a ScrapeTargetsMissing alert: the chart's (kube-state-metrics, node-exporter, operator) and `alerts.scrapes`. */
    readonly scrapes: readonly ExpectedScrape[];
  };
  /** Dashboards provisioned for Grafana (default none), uids unique. */
  readonly dashboards: readonly DashboardJson[];
  /** Chart pins (default KUBE_PROMETHEUS_STACK and PROMETHEUS_OPERATOR_CRDS). */
  readonly charts: { readonly kubePrometheusStack: PinnedChart; readonly operatorCrds: PinnedChart };
  /** Helm timeout of the kube-prometheus-stack release, seconds (default 900; 60 to 3600). */
  readonly timeoutSeconds: number;
  /** Who runs the cluster's control plane (default "self-managed"). */
  readonly controlPlane: ControlPlane;
}

/** Secret Grafana reads its OAuth client secret from (key `client-secret`). */
export const GRAFANA_OAUTH_SECRET = "grafana-oauth";

function resolveGrafanaOAuth(c: string, o: GrafanaOAuthArgs): Omit<GrafanaOAuthArgs, "clientSecret"> & { name: string } {
  if (!/^https:\/\/[a-z0-9.-]+(:[0-9]+)?\/realms\/[A-Za-z0-9_-]+$/.test(o.issuerUrl)) invalidArg(c, "grafana.oauth.issuerUrl", o.issuerUrl, "must be an https Keycloak realm URL (https://<host>/realms/<realm>)");
  if (!/^[A-Za-z0-9_-]+$/.test(o.clientId)) invalidArg(c, "grafana.oauth.clientId", o.clientId, "must be a client id");
  const { clientSecret: _secret, ...rest } = o;
  return { ...rest, name: o.name ?? "Keycloak" };
}

/** Secret Grafana reads its admin login from. */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const PROM_DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+$/;

function checkResources(c: string, field: string, r: ResourceRequirements): ResourceRequirements {
  if (!isCpuQuantity(r.requests.cpu)) invalidArg(c, `${field}.requests.cpu`, r.requests.cpu, "is not a CPU quantity Kubernetes accepts");
  if (!isByteQuantity(r.requests.memory)) invalidArg(c, `${field}.requests.memory`, r.requests.memory, "is not a memory quantity Kubernetes accepts");
  if (r.limits.cpu !== undefined && !isCpuQuantity(r.limits.cpu)) invalidArg(c, `${field}.limits.cpu`, r.limits.cpu, "is not a CPU quantity Kubernetes accepts");
  if (!isByteQuantity(r.limits.memory)) invalidArg(c, `${field}.limits.memory`, r.limits.memory, "must be set to a memory quantity (Prometheus without a limit can starve its node)");
  return r;
}

function checkReplicas(c: string, field: string, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 5) invalidArg(c, field, n, "must be an integer between 1 and 5");
  return n;
}

/** Resolves defaults and validates; throws a PlatformConfigError that names the field. */
export function resolveMonitoringArgs(name: string, a: MonitoringArgs): ResolvedMonitoringArgs {
  const c = `Monitoring ${name}`;
  if (!a.instance) invalidArg(c, "instance", a.instance, "must be set");
  const namespace = a.namespace ?? MONITORING_NAMESPACE;
  if (!DNS_LABEL.test(namespace)) invalidArg(c, "namespace", namespace, "must be a DNS-1123 label");
  if (!DNS_NAME.test(a.domain)) invalidArg(c, "domain", a.domain, 'must be a lower-case DNS name such as "platform.example.com"');

  const p = a.prometheus ?? {};
  const prometheus = {
    replicas: checkReplicas(c, "prometheus.replicas", p.replicas ?? 1),
    retention: p.retention ?? "15d",
    storageSize: p.storageSize ?? "50Gi",
    storageClassName: p.storageClassName,
    resources: checkResources(c, "prometheus.resources", p.resources ?? { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } }),
  };
  if (!PROM_DURATION.test(prometheus.retention)) invalidArg(c, "prometheus.retention", prometheus.retention, 'must be a Prometheus duration such as "15d"');
  if (!isByteQuantity(prometheus.storageSize)) invalidArg(c, "prometheus.storageSize", prometheus.storageSize, 'must be a storage quantity such as "50Gi"');

  const am = a.alertmanager ?? {};
  const routing: AlertRoutingArgs = { ...(am.routing ?? {}) };
  for (const forbidden of ["secretName", "secretsDir"] as const) {
    if ((routing as Record<string, unknown>)[forbidden] !== undefined) invalidArg(c, `alertmanager.routing.${forbidden}`, (routing as Record<string, unknown>)[forbidden], "is set by the component; leave it out");
  }
  resolveAlertRoutingArgs(routing);
  const secretKeys = alertmanagerSecretKeys(routing).map((k) => k.key);
  const credentials = am.credentials ?? {};
  for (const k of secretKeys) {
    if (credentials[k] === undefined) invalidArg(c, `alertmanager.credentials["${k}"]`, undefined, "is missing: a receiver reads it");
  }
  for (const k of Object.keys(credentials)) {
    if (!secretKeys.includes(k)) invalidArg(c, `alertmanager.credentials["${k}"]`, "<secret>", `is read by no receiver; the routing reads: ${secretKeys.join(", ") || "(nothing)"}`);
  }

  const g = a.grafana;
  if (!g.admin.username) invalidArg(c, "grafana.admin.username", g.admin.username, "must be set");
  const host = g.host ?? `grafana.${a.domain}`;
  if (!DNS_NAME.test(host)) invalidArg(c, "grafana.host", host, "must be a lower-case DNS name");
  const storageSize = g.storageSize ?? "10Gi";
  if (!isByteQuantity(storageSize)) invalidArg(c, "grafana.storageSize", storageSize, 'must be a storage quantity such as "10Gi"');
  const ing = a.ingress === false ? undefined : a.ingress;
  const ingress = { enabled: a.ingress !== false, className: ing?.className ?? "nginx", clusterIssuer: ing?.clusterIssuer, tls: ing?.tls ?? true };

  const al = a.alerts ?? {};
  const alerts = {
    runbookBaseUrl: al.runbookBaseUrl ?? RUNBOOK_BASE_URL,
    thresholds: { ...(al.thresholds ?? {}) },
    durations: { ...(al.durations ?? {}) },
    slos: [...(al.slos ?? [])],
    sloNamespace: al.sloNamespace ?? namespace,
    scrapes: [...chartScrapes(namespace), ...(al.scrapes ?? [])],
  };
  if (!DNS_LABEL.test(alerts.sloNamespace)) invalidArg(c, "alerts.sloNamespace", alerts.sloNamespace, "must be a DNS-1123 label");
  try {
    validateAlertOptions(alerts);
    sloRuleGroups(alerts.slos, alerts);
    scrapePresenceGroup("platform.scrapes", alerts.scrapes, alerts);
  } catch (e) {
    if (e instanceof PlatformConfigError) throw e;
    throw new PlatformConfigError(`${c}: alerts: ${(e as Error).message}`);
  }

  const uids = new Set<string>();
  for (const d of a.dashboards ?? []) {
    if (uids.has(d.uid)) invalidArg(c, "dashboards", d.uid, "is a dashboard uid listed twice");
    uids.add(d.uid);
  }

  const charts = {
    kubePrometheusStack: a.charts?.kubePrometheusStack ?? KUBE_PROMETHEUS_STACK,
    operatorCrds: a.charts?.operatorCrds ?? PROMETHEUS_OPERATOR_CRDS,
  };
  for (const [k, v] of Object.entries(charts)) {
    if (!VERSION.test(v.version)) invalidArg(c, `charts.${k}.version`, v.version, "must be an exact chart version (x.y.z), never a range");
  }
  if (charts.kubePrometheusStack.operatorVersion !== charts.operatorCrds.operatorVersion) {
    invalidArg(c, "charts.operatorCrds.operatorVersion", charts.operatorCrds.operatorVersion, `must equal the operator of kube-prometheus-stack (${charts.kubePrometheusStack.operatorVersion})`);
  }
  const controlPlane = a.controlPlane ?? "self-managed";
  if (controlPlane !== "managed" && controlPlane !== "self-managed") invalidArg(c, "controlPlane", controlPlane, 'must be "managed" or "self-managed"');
  const timeoutSeconds = a.timeoutSeconds ?? 900;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60 || timeoutSeconds > 3600) invalidArg(c, "timeoutSeconds", timeoutSeconds, "must be an integer between 60 and 3600");

  return {
    instance: a.instance,
    namespace,
    domain: a.domain,
    prometheus,
    alertmanager: { replicas: checkReplicas(c, "alertmanager.replicas", am.replicas ?? 1), routing, secretKeys, credentials },
    grafana: {
      host,
      url: `${ingress.tls ? "https" : "http"}://${host}`,
      persistence: g.persistence ?? true,
      storageSize,
      adminUsername: g.admin.username,
      adminRotation: g.admin.rotation,
      ...(g.oauth ? { oauth: resolveGrafanaOAuth(c, g.oauth) } : {}),
    },
    ingress,
    alerts,
    dashboards: [...(a.dashboards ?? [])],
    charts,
    timeoutSeconds,
    controlPlane,
  };
}

/**
 * Jobs of the chart that its own default rules (and the platform's) read, with no
 * absent-target alert of their own (kube-state-metrics, node-exporter, the operator;
 * Prometheus and Alertmanager have PrometheusDown/AlertmanagerDown, the API server and
 * kubelet the chart's KubeAPIDown/KubeletDown). Jobs as chart-facts.ts records them.
 */
function chartScrapes(namespace: string): ExpectedScrape[] {
  return [
    { job: "kube-state-metrics", namespace, reads: "every Kubernetes workload alert (crash loops, HPAs, PDBs, pods not ready, jobs, rollouts, volumes) and the Kubernetes dashboard" },
    { job: "node-exporter", namespace, reads: "the chart's node alerts (disk, memory, clock, network)" },
    { job: "kube-prometheus-stack-operator", namespace, reads: "the chart's prometheus-operator alerts (rejected ServiceMonitors and PrometheusRules)" },
  ];
}
