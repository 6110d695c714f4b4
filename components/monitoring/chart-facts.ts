/**
 * Cross-object facts of the pinned charts that a render cannot show: which port
 * names the chart-installed Services carry, which scrape jobs kube-prometheus-stack
 * configures and which of its default rule groups read which jobs. Each was read
 * from the chart's source at the version recorded beside it; the tests compare
 * those versions with the pins, so a chart bump fails until the facts are re-read.
 */
import { CERT_MANAGER_CHART } from "../cluster-services/versions";
import { KUBE_PROMETHEUS_STACK } from "./versions";

/** A metrics port of a Service a chart installs, that a platform monitor points at. */
export interface ChartServicePort {
  /** Chart name and the exact version the fact was read from. */
  readonly chart: string;
  /** The exact chart version the fact was read from, e.g. "v1.21.0". */
  readonly version: string;
  /** Service name, for the release name the platform installs the chart under. */
  readonly service: string;
  /** Labels on that Service (what a ServiceMonitor selects it by). */
  readonly labels: Readonly<Record<string, string>>;
  /** The port's name: what `ServiceMonitor.spec.endpoints[].port` must say. */
  readonly port: string;
  /** The port's number. */
  readonly portNumber: number;
  /** Where in the chart's repository, at that version, the Service is defined. */
  readonly source: string;
}

/**
 * Every chart-installed Service a platform ServiceMonitor scrapes. One table:
 * the render test proves each such ServiceMonitor names one of these ports.
 */
export const CHART_SERVICE_PORTS = {
  /**
   * cert-manager v1.21.0 renders its controller metrics Service (when
   * `prometheus.enabled` and no PodMonitor) with port `http-metrics` 9402; before
   * v1.21 it was `tcp-prometheus-servicemonitor` (v1.20.0 has that name).
   */
  certManagerController: {
    chart: "cert-manager",
    version: "v1.21.0",
    service: "cert-manager",
    labels: { app: "cert-manager", "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": "controller" },
    port: "http-metrics",
    portNumber: 9402,
    source: "github.com/cert-manager/cert-manager v1.21.0 deploy/charts/cert-manager/templates/service.yaml",
  },
} as const satisfies Readonly<Record<string, ChartServicePort>>;

/** The pinned chart versions the CHART_SERVICE_PORTS entries must have been read from. */
export const PINNED_CHART_VERSIONS: Readonly<Record<string, string>> = {
  [CERT_MANAGER_CHART.chart]: CERT_MANAGER_CHART.version,
  [KUBE_PROMETHEUS_STACK.chart]: KUBE_PROMETHEUS_STACK.version,
};

/**
 * Where a cluster's components can be scraped from. `managed`: the provider runs
 * the control plane (EKS, GKE, AKS) and exposes no kube-controller-manager,
 * kube-scheduler or etcd endpoint, and its kube-proxy add-on serves metrics on
 * 127.0.0.1:10249 only (EKS resets `metricsBindAddress`); kind and k3d keep the same
 * components on localhost by default. `self-managed`: all of them are scrapeable.
 */
export type ControlPlane = "managed" | "self-managed";

/** A scrape job kube-prometheus-stack configures (through its own ServiceMonitors). */
export interface ChartScrape {
  /** The `job` label its targets get (release "kube-prometheus-stack", no name overrides). */
  readonly job: string;
  /** Values paths that must all be true for the chart to create it (chart defaults: `KPS_VALUE_DEFAULTS`). */
  readonly enabledBy: readonly string[];
  /** `metrics_path` of its endpoints, when more than one. */
  readonly metricsPaths?: readonly string[];
  /** Namespace of the Service its targets come from. @default - the release's namespace */
  readonly namespace?: string;
  /** `honorLabels: true`: the series keep their own namespace/pod/container labels (kube-state-metrics, cAdvisor). */
  readonly honorLabels?: boolean;
  /** Control planes on which its targets exist and answer. @default - both */
  readonly reachableOn?: readonly ControlPlane[];
  readonly source: string;
}

/** A default rule group of kube-prometheus-stack that holds alerts. */
export interface ChartRuleGroup {
  /** `defaultRules.rules.<key>` and the rule file's group name(s). */
  readonly key: string;
  readonly groups: readonly string[];
  /** Values paths that must all be true for the chart to render it. */
  readonly enabledBy: readonly string[];
  readonly alerts: readonly string[];
  /** Jobs the alerts read (directly, or through the recording rules they use); a regex when `/.../`. */
  readonly jobs: readonly string[];
  /** Alerts of the group that fire when a job's targets vanish, by the job they watch. */
  readonly absentAlerts?: Readonly<Record<string, string>>;
}

const KPS = "github.com/prometheus-community/helm-charts kube-prometheus-stack-88.5.3 charts/kube-prometheus-stack";
const RULES = `${KPS}/templates/prometheus/rules-1.14`;

/**
 * kube-prometheus-stack 88.5.3 (`defaultRules`, the `kube*` component switches and the
 * job names of `templates/_helpers.tpl`: fullname "kube-prometheus-stack" for the release
 * of that name; `kube-prometheus-stack-<component>.name` defaults).
 */
export const KPS_FACTS = {
  chart: "kube-prometheus-stack",
  version: "88.5.3",
  /** Defaults (values.yaml) of every path an `enabledBy` names. */
  valueDefaults: {
    "defaultRules.create": true,
    "kubernetesServiceMonitors.enabled": true,
    "kubeApiServer.enabled": true,
    "kubeApiServer.serviceMonitor.enabled": true,
    "kubelet.enabled": true,
    "kubelet.serviceMonitor.enabled": true,
    "kubeControllerManager.enabled": true,
    "kubeControllerManager.serviceMonitor.enabled": true,
    "coreDns.enabled": true,
    "coreDns.serviceMonitor.enabled": true,
    "kubeEtcd.enabled": true,
    "kubeEtcd.serviceMonitor.enabled": true,
    "kubeScheduler.enabled": true,
    "kubeScheduler.serviceMonitor.enabled": true,
    "kubeProxy.enabled": true,
    "kubeProxy.serviceMonitor.enabled": true,
    "kubeStateMetrics.enabled": true,
    "kube-state-metrics.prometheus.monitor.enabled": true,
    "nodeExporter.enabled": true,
    "prometheus-node-exporter.prometheus.monitor.enabled": true,
    "prometheus.enabled": true,
    "prometheus.serviceMonitor.selfMonitor": true,
    "alertmanager.enabled": true,
    "alertmanager.serviceMonitor.selfMonitor": true,
    "prometheusOperator.enabled": true,
    "prometheusOperator.serviceMonitor.selfMonitor": true,
    "windowsMonitoring.enabled": false,
    "defaultRules.rules.alertmanager": true,
    "defaultRules.rules.configReloaders": true,
    "defaultRules.rules.etcd": true,
    "defaultRules.rules.general": true,
    "defaultRules.rules.kubeApiserverSlos": true,
    "defaultRules.rules.kubeControllerManager": true,
    "defaultRules.rules.kubeProxy": true,
    "defaultRules.rules.kubeSchedulerAlerting": true,
    "defaultRules.rules.kubeStateMetrics": true,
    "defaultRules.rules.kubernetesApps": true,
    "defaultRules.rules.kubernetesResources": true,
    "defaultRules.rules.kubernetesStorage": true,
    "defaultRules.rules.kubernetesSystem": true,
    "defaultRules.rules.network": true,
    "defaultRules.rules.nodeExporterAlerting": true,
    "defaultRules.rules.prometheus": true,
    "defaultRules.rules.prometheusOperator": true,
  } as Readonly<Record<string, boolean>>,
  scrapes: [
    { job: "apiserver", namespace: "default", enabledBy: ["kubeApiServer.enabled", "kubeApiServer.serviceMonitor.enabled", "kubernetesServiceMonitors.enabled"], source: `${KPS}/templates/exporters/kube-api-server/servicemonitor.yaml` },
    {
      job: "kubelet",
      enabledBy: ["kubelet.enabled", "kubelet.serviceMonitor.enabled", "kubernetesServiceMonitors.enabled"],
      metricsPaths: ["/metrics", "/metrics/cadvisor", "/metrics/probes"],
      namespace: "kube-system",
      honorLabels: true,
      source: `${KPS}/templates/exporters/kubelet/servicemonitor.yaml (jobLabel k8s-app: kubelet)`,
    },
    {
      job: "kube-controller-manager",
      namespace: "kube-system",
      enabledBy: ["kubeControllerManager.enabled", "kubeControllerManager.serviceMonitor.enabled", "kubernetesServiceMonitors.enabled"],
      reachableOn: ["self-managed"],
      source: `${KPS}/templates/exporters/kube-controller-manager/{service,servicemonitor}.yaml (jobLabel: kube-controller-manager)`,
    },
    { job: "coredns", namespace: "kube-system", enabledBy: ["coreDns.enabled", "coreDns.serviceMonitor.enabled", "kubernetesServiceMonitors.enabled"], source: `${KPS}/templates/exporters/core-dns/{service,servicemonitor}.yaml (jobLabel: coredns)` },
    {
      job: "kube-etcd",
      namespace: "kube-system",
      enabledBy: ["kubeEtcd.enabled", "kubeEtcd.serviceMonitor.enabled", "kubernetesServiceMonitors.enabled"],
      reachableOn: ["self-managed"],
      source: `${KPS}/templates/exporters/kube-etcd/{service,servicemonitor}.yaml (jobLabel: kube-etcd)`,
    },
    {
      job: "kube-scheduler",
      namespace: "kube-system",
      enabledBy: ["kubeScheduler.enabled", "kubeScheduler.serviceMonitor.enabled", "kubernetesServiceMonitors.enabled"],
      reachableOn: ["self-managed"],
      source: `${KPS}/templates/exporters/kube-scheduler/{service,servicemonitor}.yaml (jobLabel: kube-scheduler)`,
    },
    {
      job: "kube-proxy",
      namespace: "kube-system",
      enabledBy: ["kubeProxy.enabled", "kubeProxy.serviceMonitor.enabled", "kubernetesServiceMonitors.enabled"],
      reachableOn: ["self-managed"],
      source: `${KPS}/templates/exporters/kube-proxy/{service,servicemonitor}.yaml (jobLabel: kube-proxy)`,
    },
    { job: "kube-state-metrics", enabledBy: ["kubeStateMetrics.enabled", "kube-state-metrics.prometheus.monitor.enabled"], honorLabels: true, source: "kube-state-metrics chart 8.4.0 templates/servicemonitor.yaml (jobLabel app.kubernetes.io/name)" },
    { job: "node-exporter", enabledBy: ["nodeExporter.enabled", "prometheus-node-exporter.prometheus.monitor.enabled"], source: `${KPS}/values.yaml prometheus-node-exporter.podLabels.jobLabel: node-exporter` },
    { job: "kube-prometheus-stack-prometheus", enabledBy: ["prometheus.enabled", "prometheus.serviceMonitor.selfMonitor"], source: `${KPS}/templates/prometheus/servicemonitor.yaml (Service name)` },
    { job: "kube-prometheus-stack-alertmanager", enabledBy: ["alertmanager.enabled", "alertmanager.serviceMonitor.selfMonitor"], source: `${KPS}/templates/alertmanager/servicemonitor.yaml (Service name)` },
    { job: "kube-prometheus-stack-operator", enabledBy: ["prometheusOperator.enabled", "prometheusOperator.serviceMonitor.selfMonitor"], source: `${KPS}/templates/prometheus-operator/servicemonitor.yaml (Service name)` },
  ] as readonly ChartScrape[],
  ruleGroups: [
    { key: "alertmanager", groups: ["alertmanager.rules"], enabledBy: ["defaultRules.create", "defaultRules.rules.alertmanager"], alerts: ["AlertmanagerFailedReload", "AlertmanagerMembersInconsistent", "AlertmanagerFailedToSendAlerts", "AlertmanagerClusterFailedToSendAlerts", "AlertmanagerConfigInconsistent", "AlertmanagerClusterDown", "AlertmanagerClusterCrashlooping", "AlertmanagerClusterFailedPeers"], jobs: ["kube-prometheus-stack-alertmanager"] },
    { key: "configReloaders", groups: ["config-reloaders"], enabledBy: ["defaultRules.create", "defaultRules.rules.configReloaders"], alerts: ["ConfigReloaderSidecarErrors"], jobs: ["kube-prometheus-stack-prometheus", "kube-prometheus-stack-alertmanager"] },
    { key: "etcd", groups: ["etcd"], enabledBy: ["defaultRules.create", "kubeEtcd.enabled", "defaultRules.rules.etcd"], alerts: ["etcdMembersDown", "etcdInsufficientMembers", "etcdNoLeader", "etcdHighNumberOfLeaderChanges", "etcdHighNumberOfFailedGRPCRequests", "etcdGRPCRequestsSlow", "etcdMemberCommunicationSlow", "etcdHighNumberOfFailedProposals", "etcdHighFsyncDurations", "etcdHighCommitDurations", "etcdDatabaseQuotaLowSpace", "etcdExcessiveDatabaseGrowth", "etcdDatabaseHighFragmentationRatio"], jobs: ["/.*etcd.*/"] },
    { key: "general", groups: ["general.rules"], enabledBy: ["defaultRules.create", "defaultRules.rules.general"], alerts: ["TargetDown", "Watchdog", "InfoInhibitor"], jobs: [] },
    { key: "kubeApiserverSlos", groups: ["kube-apiserver-slos"], enabledBy: ["defaultRules.create", "kubeApiServer.enabled", "defaultRules.rules.kubeApiserverSlos"], alerts: ["KubeAPIErrorBudgetBurn"], jobs: ["apiserver"] },
    { key: "kubeStateMetrics", groups: ["kube-state-metrics"], enabledBy: ["defaultRules.create", "defaultRules.rules.kubeStateMetrics"], alerts: ["KubeStateMetricsListErrors", "KubeStateMetricsWatchErrors", "KubeStateMetricsShardingMismatch", "KubeStateMetricsShardsMissing"], jobs: ["kube-state-metrics"] },
    { key: "kubernetesApps", groups: ["kubernetes-apps"], enabledBy: ["defaultRules.create", "defaultRules.rules.kubernetesApps"], alerts: ["KubePodCrashLooping", "KubePodNotReady", "KubeDeploymentGenerationMismatch", "KubeDeploymentReplicasMismatch", "KubeDeploymentRolloutStuck", "KubeStatefulSetReplicasMismatch", "KubeStatefulSetGenerationMismatch", "KubeStatefulSetUpdateNotRolledOut", "KubeDaemonSetRolloutStuck", "KubeContainerWaiting", "KubeDaemonSetNotScheduled", "KubeDaemonSetMisScheduled", "KubeJobNotCompleted", "KubeJobFailed", "KubeHpaReplicasMismatch", "KubeHpaMaxedOut", "KubePdbNotEnoughHealthyPods"], jobs: ["kube-state-metrics"] },
    { key: "kubernetesResources", groups: ["kubernetes-resources"], enabledBy: ["defaultRules.create", "defaultRules.rules.kubernetesResources"], alerts: ["KubeCPUOvercommit", "KubeMemoryOvercommit", "KubeCPUQuotaOvercommit", "KubeMemoryQuotaOvercommit", "KubeQuotaAlmostFull", "KubeQuotaFullyUsed", "KubeQuotaExceeded", "CPUThrottlingHigh"], jobs: ["kube-state-metrics", "kubelet"] },
    { key: "kubernetesStorage", groups: ["kubernetes-storage"], enabledBy: ["defaultRules.create", "defaultRules.rules.kubernetesStorage"], alerts: ["KubePersistentVolumeFillingUp", "KubePersistentVolumeInodesFillingUp", "KubePersistentVolumeErrors"], jobs: ["kube-state-metrics", "kubelet"] },
    {
      key: "kubernetesSystem",
      groups: ["kubernetes-system", "kubernetes-system-apiserver", "kubernetes-system-kubelet"],
      enabledBy: ["defaultRules.create", "defaultRules.rules.kubernetesSystem"],
      alerts: ["KubeVersionMismatch", "KubeClientErrors", "KubeClientCertificateExpiration", "KubeAggregatedAPIErrors", "KubeAggregatedAPIDown", "KubeAPIDown", "KubeAPIInstanceUnreachable", "KubeAPITerminatedRequests", "KubeNodeNotReady", "KubeNodePressure", "KubeNodeUnreachable", "KubeletTooManyPods", "KubeNodeReadinessFlapping", "KubeNodeEviction", "KubeletPlegDurationHigh", "KubeletPodStartUpLatencyHigh", "KubeletClientCertificateExpiration", "KubeletServerCertificateExpiration", "KubeletClientCertificateRenewalErrors", "KubeletServerCertificateRenewalErrors", "KubeletInstanceUnreachable", "KubeletDown"],
      jobs: ["apiserver", "kube-state-metrics", "kubelet"],
      // KubeAPIDown: absent(up{job="apiserver"}); KubeletDown: nodes known to kube-state-metrics, no kubelet target up.
      absentAlerts: { apiserver: "KubeAPIDown", kubelet: "KubeletDown" },
    },
    { key: "kubeControllerManager", groups: ["kubernetes-system-controller-manager"], enabledBy: ["defaultRules.create", "kubeControllerManager.enabled", "defaultRules.rules.kubeControllerManager"], alerts: ["KubeControllerManagerDown", "KubeControllerManagerInstanceUnreachable"], jobs: ["kube-controller-manager"], absentAlerts: { "kube-controller-manager": "KubeControllerManagerDown" } },
    { key: "kubeProxy", groups: ["kubernetes-system-kube-proxy"], enabledBy: ["defaultRules.create", "kubeProxy.enabled", "defaultRules.rules.kubeProxy"], alerts: ["KubeProxyDown", "KubeProxyInstanceUnreachable"], jobs: ["kube-proxy"], absentAlerts: { "kube-proxy": "KubeProxyDown" } },
    { key: "kubeSchedulerAlerting", groups: ["kubernetes-system-scheduler"], enabledBy: ["defaultRules.create", "kubeScheduler.enabled", "defaultRules.rules.kubeSchedulerAlerting"], alerts: ["KubeSchedulerDown", "KubeSchedulerInstanceUnreachable"], jobs: ["kube-scheduler"], absentAlerts: { "kube-scheduler": "KubeSchedulerDown" } },
    { key: "nodeExporterAlerting", groups: ["node-exporter"], enabledBy: ["defaultRules.create", "defaultRules.rules.nodeExporterAlerting"], alerts: ["NodeFilesystemSpaceFillingUp", "NodeFilesystemAlmostOutOfSpace", "NodeFilesystemFilesFillingUp", "NodeFilesystemAlmostOutOfFiles", "NodeNetworkReceiveErrs", "NodeNetworkTransmitErrs", "NodeHighNumberConntrackEntriesUsed", "NodeTextFileCollectorScrapeError", "NodeClockSkewDetected", "NodeClockNotSynchronising", "NodeRAIDDegraded", "NodeRAIDDiskFailure", "NodeFileDescriptorLimit", "NodeCPUHighUsage", "NodeSystemSaturation", "NodeMemoryMajorPagesFaults", "NodeMemoryHighUtilization", "NodeDiskIOSaturation", "NodeSystemdServiceFailed", "NodeSystemdServiceCrashlooping", "NodeBondingDegraded"], jobs: ["node-exporter"] },
    { key: "network", groups: ["node-network"], enabledBy: ["defaultRules.create", "defaultRules.rules.network"], alerts: ["NodeNetworkInterfaceFlapping"], jobs: ["node-exporter"] },
    { key: "prometheusOperator", groups: ["prometheus-operator"], enabledBy: ["defaultRules.create", "defaultRules.rules.prometheusOperator"], alerts: ["PrometheusOperatorListErrors", "PrometheusOperatorWatchErrors", "PrometheusOperatorSyncFailed", "PrometheusOperatorReconcileErrors", "PrometheusOperatorStatusUpdateErrors", "PrometheusOperatorNodeLookupErrors", "PrometheusOperatorNotReady", "PrometheusOperatorRejectedResources"], jobs: ["kube-prometheus-stack-operator"] },
    { key: "prometheus", groups: ["prometheus"], enabledBy: ["defaultRules.create", "defaultRules.rules.prometheus"], alerts: ["PrometheusBadConfig", "PrometheusSDRefreshFailure", "PrometheusKubernetesListWatchFailures", "PrometheusNotificationQueueRunningFull", "PrometheusErrorSendingAlertsToSomeAlertmanagers", "PrometheusNotConnectedToAlertmanagers", "PrometheusTSDBReloadsFailing", "PrometheusTSDBCompactionsFailing", "PrometheusNotIngestingSamples", "PrometheusDuplicateTimestamps", "PrometheusOutOfOrderTimestamps", "PrometheusRemoteStorageFailures", "PrometheusRemoteWriteBehind", "PrometheusRemoteWriteDesiredShards", "PrometheusRuleFailures", "PrometheusMissingRuleEvaluations", "PrometheusTargetLimitHit", "PrometheusLabelLimitHit", "PrometheusScrapeBodySizeLimitHit", "PrometheusScrapeSampleLimitHit", "PrometheusTargetSyncFailure", "PrometheusHighQueryLoad", "PrometheusErrorSendingAlertsToAnyAlertmanager"], jobs: ["kube-prometheus-stack-prometheus"] },
  ] as readonly ChartRuleGroup[],
  sources: { rules: RULES, values: `${KPS}/values.yaml`, helpers: `${KPS}/templates/_helpers.tpl` },
} as const;

/** The value at a dotted path of a values object (`a.b.c`), with dashes allowed in keys. */
export function valueAt(values: Readonly<Record<string, unknown>>, path: string): unknown {
  let cur: unknown = values;
  for (const k of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Whether every path is true in `values`, falling back to the chart's defaults. */
export function enabledIn(values: Readonly<Record<string, unknown>>, paths: readonly string[]): boolean {
  return paths.every((p) => {
    const v = valueAt(values, p);
    const d = KPS_FACTS.valueDefaults[p];
    if (d === undefined) throw new Error(`KPS_FACTS.valueDefaults has no default for ${p}: read it from the chart's values.yaml`);
    return Boolean(v === undefined ? d : v);
  });
}

/**
 * The kube-prometheus-stack values for a control plane: on a managed one, the
 * chart neither scrapes nor alerts on what the provider doesn't expose.
 */
export function controlPlaneValues(controlPlane: ControlPlane): Record<string, unknown> {
  if (controlPlane === "self-managed") return {};
  const off = { enabled: false };
  return { kubeControllerManager: off, kubeScheduler: off, kubeEtcd: off, kubeProxy: off };
}

/** The `defaultRules.rules` switches that go with `controlPlaneValues`. */
export function controlPlaneRuleSwitches(controlPlane: ControlPlane): Record<string, boolean> {
  if (controlPlane === "self-managed") return {};
  return { kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, etcd: false, kubeProxy: false };
}
