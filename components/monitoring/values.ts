/**
 * kube-prometheus-stack values from resolved args. Pure, and free of secrets:
 * credentials reach Alertmanager and Grafana only through Kubernetes Secrets
 * the chart mounts or references by name.
 */
import { MONITORING_SELECTOR_LABEL } from "../lib/labels";
import { parseQuantity } from "../lib/quantities";
import { buildAlertmanagerConfig, DEFAULT_ALERTMANAGER_SECRET_NAME } from "./alertmanager-config";
import { GRAFANA_ADMIN_SECRET, GRAFANA_OAUTH_SECRET, type ResolvedMonitoringArgs } from "./args";
import { controlPlaneRuleSwitches, controlPlaneValues } from "./chart-facts";
import { rotationAnnotationsFor } from "../secrets/rotation";

/** Label and annotation the Grafana dashboard sidecar reads. */
export const DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;
export const DASHBOARD_FOLDER_ANNOTATION = "grafana_folder";

/** Share of the Prometheus volume the TSDB may fill before the oldest blocks go (`retentionSize`). */
export const RETENTION_SIZE_SHARE = 0.85;

const selectorLabel = { [MONITORING_SELECTOR_LABEL.key]: MONITORING_SELECTOR_LABEL.value };

/** The selector Prometheus applies to ServiceMonitors, PodMonitors, Probes, PrometheusRules and ScrapeConfigs. */
export function monitoringSelector(): { matchLabels: Record<string, string> } {
  return { matchLabels: { ...selectorLabel } };
}

/** `retentionSize` for a volume: RETENTION_SIZE_SHARE of it, in Prometheus' (base-2) MB. */
export function retentionSize(storageSize: string): string {
  const bytes = parseQuantity(storageSize);
  if (bytes === undefined) throw new Error(`retentionSize: ${storageSize} is not a quantity`);
  return `${Math.floor((bytes * RETENTION_SIZE_SHARE) / 2 ** 20)}MB`;
}

/** Values of the prometheus-operator-crds release: CRDs kept when the release is uninstalled. */
export function operatorCrdsValues(): Record<string, unknown> {
  return { crds: { annotations: { "helm.sh/resource-policy": "keep" } } };
}

const pdb = (replicas: number) => ({ enabled: replicas > 1, minAvailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" });

/** Every selector of the Prometheus: the platform label, in every namespace. */
function selectors(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kind of ["serviceMonitor", "podMonitor", "probe", "rule", "scrapeConfig"]) {
    out[`${kind}Selector`] = monitoringSelector();
    out[`${kind}SelectorNilUsesHelmValues`] = false;
    // {} = every namespace (a nil selector would mean only the monitoring namespace).
    out[`${kind}NamespaceSelector`] = {};
  }
  return out;
}

/**
 * `[auth.generic_oauth]` for a Keycloak realm: authorization code with PKCE, the realm's
 * endpoints, the `roles` claim mapped to Grafana roles (JMESPath; anyone else is a Viewer).
 */
export function genericOAuth(o: NonNullable<ResolvedMonitoringArgs["grafana"]["oauth"]>, grafanaUrl: string): Record<string, unknown> {
  const oidc = `${o.issuerUrl}/protocol/openid-connect`;
  return {
    enabled: true,
    name: o.name,
    client_id: o.clientId,
    // client_secret: GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET, from Secret grafana-oauth.
    scopes: "openid email profile",
    auth_url: `${oidc}/auth`,
    token_url: `${oidc}/token`,
    api_url: `${oidc}/userinfo`,
    signout_redirect_url: `${oidc}/logout?client_id=${encodeURIComponent(o.clientId)}&post_logout_redirect_uri=${encodeURIComponent(`${grafanaUrl}/login`)}`,
    use_pkce: true,
    use_refresh_token: true,
    allow_sign_up: true,
    login_attribute_path: "preferred_username",
    email_attribute_path: "email",
    name_attribute_path: "name",
    role_attribute_path: `contains(roles[*], '${o.roles.admin}') && 'Admin' || contains(roles[*], '${o.roles.editor}') && 'Editor' || 'Viewer'`,
    role_attribute_strict: false,
    allow_assign_grafana_admin: false,
  };
}

function grafanaValues(r: ResolvedMonitoringArgs): Record<string, unknown> {
  const g = r.grafana;
  const rotations = [g.adminRotation, g.oauth?.rotation].filter((x): x is { from: string; stamp: string } => x !== undefined);
  const annotations: Record<string, string> = {};
  if (r.ingress.tls && r.ingress.clusterIssuer) annotations["cert-manager.io/cluster-issuer"] = r.ingress.clusterIssuer;
  return {
    enabled: true,
    defaultDashboardsEnabled: true,
    admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "username", passwordKey: "password" },
    // Grafana reads the admin login (and the OAuth client secret) at start: a rotated one rolls its pods.
    ...(rotations.length > 0 ? { podAnnotations: rotationAnnotationsFor(rotations.map((x) => x.from), Object.fromEntries(rotations.map((x) => [x.from, x.stamp]))) } : {}),
    ...(g.oauth ? { envValueFrom: { GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: GRAFANA_OAUTH_SECRET, key: "client-secret" } } } } : {}),
    "grafana.ini": {
      server: { root_url: g.url },
      security: { cookie_secure: r.ingress.tls, disable_gravatar: true },
      users: { allow_sign_up: false },
      analytics: { reporting_enabled: false, check_for_updates: false },
      ...(g.oauth ? { "auth.generic_oauth": genericOAuth(g.oauth, g.url) } : {}),
    },
    persistence: g.persistence ? { enabled: true, type: "pvc", accessModes: ["ReadWriteOnce"], size: g.storageSize } : { enabled: false },
    // A ReadWriteOnce volume can't be mounted by the old and the new pod at once.
    deploymentStrategy: { type: g.persistence ? "Recreate" : "RollingUpdate" },
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
    ingress: r.ingress.enabled
      ? {
          enabled: true,
          ingressClassName: r.ingress.className,
          annotations,
          hosts: [g.host],
          path: "/",
          tls: r.ingress.tls ? [{ secretName: "grafana-tls", hosts: [g.host] }] : [],
        }
      : { enabled: false },
    sidecar: {
      dashboards: {
        enabled: true,
        label: DASHBOARD_LABEL.key,
        labelValue: DASHBOARD_LABEL.value,
        searchNamespace: r.namespace,
        folderAnnotation: DASHBOARD_FOLDER_ANNOTATION,
        provider: { foldersFromFilesStructure: true, allowUiUpdates: false },
      },
    },
    serviceMonitor: { enabled: true, labels: { ...selectorLabel } },
  };
}

/** The full values of the kube-prometheus-stack release. */
export function kubePrometheusStackValues(r: ResolvedMonitoringArgs): Record<string, unknown> {
  const p = r.prometheus;
  const am = r.alertmanager;
  return {
    // The chart's own ServiceMonitors and PrometheusRules carry the platform label too.
    commonLabels: { ...selectorLabel },
    // CRDs come from the prometheus-operator-crds release (Helm never upgrades a chart's crds/).
    crds: { enabled: false },
    // The chart's mixin rules stay for what alerts/ doesn't cover (nodes, API server, etcd, kubelet),
    // but the groups whose alerts alerts/ defines under the same names (Watchdog, TargetDown,
    // KubePodCrashLooping, KubePodNotReady, KubeHpaMaxedOut, KubePersistentVolumeFillingUp) are
    // off, so one fault doesn't page twice with two different thresholds.
    // On a managed control plane (r.controlPlane) the chart's scrapes and rules of
    // kube-controller-manager, kube-scheduler, etcd and kube-proxy are off as well.
    defaultRules: { create: true, labels: { ...selectorLabel }, rules: { general: false, kubernetesApps: false, kubernetesStorage: false, ...controlPlaneRuleSwitches(r.controlPlane) } },
    ...controlPlaneValues(r.controlPlane),
    prometheus: {
      podDisruptionBudget: pdb(p.replicas),
      prometheusSpec: {
        replicas: p.replicas,
        retention: p.retention,
        retentionSize: retentionSize(p.storageSize),
        resources: p.resources,
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              ...(p.storageClassName ? { storageClassName: p.storageClassName } : {}),
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: p.storageSize } },
            },
          },
        },
        ...selectors(),
      },
    },
    alertmanager: {
      podDisruptionBudget: pdb(am.replicas),
      config: buildAlertmanagerConfig(am.routing),
      alertmanagerSpec: {
        replicas: am.replicas,
        // Mounted at /etc/alertmanager/secrets/<name>, where the config's *_file fields point.
        secrets: am.secretKeys.length > 0 ? [DEFAULT_ALERTMANAGER_SECRET_NAME] : [],
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      },
    },
    grafana: grafanaValues(r),
    "kube-state-metrics": { prometheus: { monitor: { enabled: true, additionalLabels: { ...selectorLabel } } } },
    "prometheus-node-exporter": { prometheus: { monitor: { enabled: true, additionalLabels: { ...selectorLabel } } } },
  };
}
