import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { dashboardConfigMapData } from "../../dashboards/index";
import { standardLabels } from "../lib/labels";
import { buildAlertmanagerConfig, DEFAULT_ALERTMANAGER_SECRET_NAME, type AlertmanagerConfig } from "./alertmanager-config";
import { GRAFANA_ADMIN_SECRET, GRAFANA_OAUTH_SECRET, resolveMonitoringArgs, type MonitoringArgs, type ResolvedMonitoringArgs } from "./args";
import { prometheusRule } from "./monitors";
import { ruleObjects } from "./rules";
import { DASHBOARD_FOLDER_ANNOTATION, DASHBOARD_LABEL, kubePrometheusStackValues, operatorCrdsValues } from "./values";
import { pinnedReleaseArgs } from "../lib/helm";
import { applyTransform as apply, type Transform } from "../lib/transform";
import { derivedFromAnnotations } from "../secrets/rotation";

/** Escape hatches of {@link Monitoring}, one per child. */
export interface MonitoringTransforms {
  /** The monitoring Namespace. */
  readonly namespace?: Transform<k8s.core.v1.NamespaceArgs>;
  /** The prometheus-operator-crds Helm release. */
  readonly crdsRelease?: Transform<k8s.helm.v3.ReleaseArgs>;
  /** The kube-prometheus-stack values, before they go into the release. */
  readonly values?: Transform<Record<string, unknown>>;
  /** The kube-prometheus-stack Helm release (to change its values, prefer `values`). */
  readonly release?: Transform<k8s.helm.v3.ReleaseArgs>;
  /** Secret grafana-admin with Grafana's admin login. */
  readonly grafanaAdminSecret?: Transform<k8s.core.v1.SecretArgs>;
  /** The Secret with Grafana's OAuth client secret. */
  readonly grafanaOAuthSecret?: Transform<k8s.core.v1.SecretArgs>;
  /** Secret alertmanager-receivers with the receivers' credentials (created only when a receiver reads one). */
  readonly receiversSecret?: Transform<k8s.core.v1.SecretArgs>;
  /** Each dashboard's ConfigMap. */
  readonly dashboard?: Transform<k8s.core.v1.ConfigMapArgs>;
  /** Each PrometheusRule's args; the monitoring selector label is re-applied after it. */
  readonly prometheusRule?: Transform<k8s.apiextensions.CustomResourceArgs>;
}

/** {@link MonitoringArgs} plus the escape hatches per child. */
export interface MonitoringComponentArgs extends MonitoringArgs {
  /** Escape hatch per child, applied to the args just before the child is created. */
  readonly transform?: MonitoringTransforms;
}

/**
 * Prometheus, Alertmanager and Grafana through kube-prometheus-stack, with the
 * prometheus-operator CRDs as their own Helm release (installed and upgraded
 * first), the platform's alert rules as PrometheusRules, and its dashboards as
 * ConfigMaps for Grafana's sidecar. Receivers' credentials and the Grafana
 * admin login live in Secrets, never in the chart's values.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** The resolved args the component was built from. */
  public readonly args: ResolvedMonitoringArgs;
  /** Namespace everything but the SLO rules lives in. */
  public readonly namespaceName: string;
  /** The monitoring Namespace. */
  public readonly namespace: k8s.core.v1.Namespace;
  /** The prometheus-operator CRDs; every ServiceMonitor/PodMonitor/PrometheusRule must wait for it. */
  public readonly crdsRelease: k8s.helm.v3.Release;
  /** The kube-prometheus-stack Helm release (Prometheus, Alertmanager, Grafana). */
  public readonly release: k8s.helm.v3.Release;
  /** Secret grafana-admin (type kubernetes.io/basic-auth) holding Grafana's admin login. */
  public readonly grafanaAdminSecret: k8s.core.v1.Secret;
  /** Secret alertmanager-receivers with the receivers' credentials; undefined when no receiver reads one. */
  public readonly receiversSecret?: k8s.core.v1.Secret;
  /** One ConfigMap per dashboard (`dashboard-<uid>`), which Grafana's sidecar loads. */
  public readonly dashboards: k8s.core.v1.ConfigMap[];
  /** The PrometheusRules carrying the platform's alert, recording and SLO rules. */
  public readonly prometheusRules: k8s.apiextensions.CustomResource[];
  /** The Alertmanager configuration the release carries (file paths, no secrets). */
  public readonly alertmanagerConfig: AlertmanagerConfig;
  /** Public Grafana URL. */
  public readonly grafanaUrl: string;
  /** What monitoring objects must depend on (`[crdsRelease]`). */
  public readonly crdsReady: pulumi.Resource[];

  constructor(name: string, args: MonitoringComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:monitoring:Monitoring", name, {}, opts);
    const r = resolveMonitoringArgs(name, args);
    this.args = r;
    const t = args.transform;
    const ns = r.namespace;
    const deps = (...own: pulumi.Resource[]) => childDependsOn(opts?.dependsOn, ...own);
    this.namespaceName = ns;
    const labels = (component: string, n = "monitoring") => standardLabels({ name: n, instance: r.instance, component });

    // Our own Namespace (not Helm's createNamespace): the Secrets and ConfigMaps
    // below must exist before the chart's pods start, and the atomic install waits for those pods.
    const nsArgs: k8s.core.v1.NamespaceArgs = {
      metadata: {
        name: ns,
        labels: {
          ...labels("namespace"),
          // node-exporter needs hostNetwork/hostPID/hostPath: the restricted levels would reject it.
          "pod-security.kubernetes.io/enforce": "privileged",
        },
      },
    };
    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, apply(t?.namespace, nsArgs), { parent: this, dependsOn: deps() });

    const crds = r.charts.operatorCrds;
    const crdsArgs = pinnedReleaseArgs(crds, { name: "prometheus-operator-crds", namespace: ns, createNamespace: false, timeoutSeconds: 300, maxHistory: 10, values: operatorCrdsValues() });
    // Uninstalling CRDs deletes every ServiceMonitor and PrometheusRule in the cluster: never on `pulumi destroy`.
    this.crdsRelease = new k8s.helm.v3.Release(`${name}-crds`, apply(t?.crdsRelease, crdsArgs), { parent: this, dependsOn: deps(this.namespace), retainOnDelete: true });
    this.crdsReady = [this.crdsRelease];

    const adminArgs: k8s.core.v1.SecretArgs = {
      metadata: { name: GRAFANA_ADMIN_SECRET, namespace: ns, labels: labels("secret", "grafana"), annotations: derivedFromAnnotations(r.grafana.adminRotation ? [r.grafana.adminRotation.from] : []) },
      type: "kubernetes.io/basic-auth",
      stringData: { username: r.grafana.adminUsername, password: pulumi.secret(args.grafana.admin.password) },
    };
    this.grafanaAdminSecret = new k8s.core.v1.Secret(`${name}-grafana-admin`, apply(t?.grafanaAdminSecret, adminArgs), { parent: this, dependsOn: deps(this.namespace) });
    const secrets: pulumi.Resource[] = [this.grafanaAdminSecret];
    if (r.grafana.oauth && args.grafana.oauth) {
      const oauthArgs: k8s.core.v1.SecretArgs = {
        metadata: { name: GRAFANA_OAUTH_SECRET, namespace: ns, labels: labels("secret", "grafana"), annotations: derivedFromAnnotations(r.grafana.oauth.rotation ? [r.grafana.oauth.rotation.from] : []) },
        type: "Opaque",
        stringData: { "client-secret": pulumi.secret(args.grafana.oauth.clientSecret) },
      };
      secrets.push(new k8s.core.v1.Secret(`${name}-grafana-oauth`, apply(t?.grafanaOAuthSecret, oauthArgs), { parent: this, dependsOn: deps(this.namespace) }));
    }

    if (r.alertmanager.secretKeys.length > 0) {
      const stringData: Record<string, pulumi.Input<string>> = {};
      for (const k of r.alertmanager.secretKeys) stringData[k] = pulumi.secret(r.alertmanager.credentials[k]!);
      const recvArgs: k8s.core.v1.SecretArgs = {
        metadata: { name: DEFAULT_ALERTMANAGER_SECRET_NAME, namespace: ns, labels: labels("secret", "alertmanager") },
        type: "Opaque",
        stringData,
      };
      this.receiversSecret = new k8s.core.v1.Secret(`${name}-alertmanager-receivers`, apply(t?.receiversSecret, recvArgs), { parent: this, dependsOn: deps(this.namespace) });
      secrets.push(this.receiversSecret);
    }

    this.dashboards = r.dashboards.map((d) => {
      const cmArgs: k8s.core.v1.ConfigMapArgs = {
        metadata: {
          name: `dashboard-${d.uid}`.toLowerCase(),
          namespace: ns,
          labels: { ...labels("dashboard", "grafana"), [DASHBOARD_LABEL.key]: DASHBOARD_LABEL.value },
          annotations: { [DASHBOARD_FOLDER_ANNOTATION]: d.folder, "platform.dev/dashboard-title": d.title },
        },
        data: dashboardConfigMapData(d),
      };
      return new k8s.core.v1.ConfigMap(`${name}-dashboard-${d.uid}`, apply(t?.dashboard, cmArgs), { parent: this, dependsOn: deps(this.namespace) });
    });

    this.alertmanagerConfig = buildAlertmanagerConfig(r.alertmanager.routing);
    const kps = r.charts.kubePrometheusStack;
    const releaseArgs = pinnedReleaseArgs(kps, {
      name: "kube-prometheus-stack",
      namespace: ns,
      createNamespace: false,
      skipCrds: true,
      timeoutSeconds: r.timeoutSeconds,
      maxHistory: 10,
      values: apply(t?.values, kubePrometheusStackValues(r)),
    });
    this.release = new k8s.helm.v3.Release(`${name}-kube-prometheus-stack`, apply(t?.release, releaseArgs), {
      parent: this,
      dependsOn: deps(this.namespace, this.crdsRelease, ...secrets),
    });

    this.prometheusRules = ruleObjects(r).map((o) =>
      prometheusRule(
        `${name}-rules-${o.namespace === ns ? "" : `${o.namespace}-`}${o.name}`,
        {
          name: o.name,
          namespace: o.namespace,
          labels: labels(`rules-${o.domain}`, "prometheus-rules"),
          annotations: { "platform.dev/runbooks": r.alerts.runbookBaseUrl },
          spec: { groups: o.groups },
          transform: t?.prometheusRule,
        },
        { parent: this, dependsOn: deps(this.crdsRelease, ...(o.namespace === ns ? [this.namespace] : [])) },
      ),
    );

    this.grafanaUrl = r.grafana.url;
    this.registerOutputs({ namespace: ns, grafanaUrl: this.grafanaUrl });
  }
}
