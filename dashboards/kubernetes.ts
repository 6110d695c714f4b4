/**
 * Kubernetes workloads dashboard (uid `platform-kubernetes`): replicas against
 * the HPA's bounds, readiness and restarts, CPU and memory against requests and
 * limits, throttling and volume usage. Sources: kube-state-metrics (`kube_*`),
 * cAdvisor via the kubelet (`container_*`) and the kubelet's volume stats, as
 * kube-prometheus-stack scrapes them.
 *
 * `$workload` is a Deployment name; its pods are matched by the ReplicaSet
 * naming scheme `<deployment>-<hash>-<suffix>`, and its HPA through
 * `kube_horizontalpodautoscaler_info{scaletargetref_name}`, whatever the HPA is called.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, finalize, labelVariable, q, row, statPanel, steps, timeseriesPanel } from "./common";
import type { ResolvedDashboardOptions } from "./options";
import { m } from "./promql";

export const KUBERNETES_DASHBOARD_UID = "platform-kubernetes";

const NS = 'namespace=~"$namespace"';
const DEPLOY = m(NS, 'deployment=~"$workload"');
const PODS = m(NS, 'pod=~"($workload)-[a-z0-9]+-[a-z0-9]+"');
/** cAdvisor series of real containers (not the pod's pause container or the pod-level aggregate). */
const CONTAINERS = m(PODS, 'container!=""', 'container!="POD"');
const R = "$__rate_interval";

/** An HPA series relabelled with the Deployment it scales. */
function hpa(metric: string): string {
  return `${metric}{${NS}} * on (namespace, horizontalpodautoscaler) group_left (scaletargetref_name) kube_horizontalpodautoscaler_info{${m(NS, 'scaletargetref_kind="Deployment"', 'scaletargetref_name=~"$workload"')}}`;
}

function perPod(metric: string, extra: string): string {
  return `sum by (pod) (${metric}{${m(PODS, extra)}})`;
}

export function kubernetesDashboard(o: ResolvedDashboardOptions): Dashboard {
  const b = dashboard({
    uid: KUBERNETES_DASHBOARD_UID,
    title: "Platform / Kubernetes workloads",
    description: "Replicas vs HPA bounds, restarts, CPU and memory vs requests and limits (kube-state-metrics and cAdvisor).",
    area: "kubernetes",
  })
    .withVariable(labelVariable("namespace", "Namespace", "kube_deployment_spec_replicas"))
    .withVariable(labelVariable("workload", "Deployment", `kube_deployment_spec_replicas{${NS}}`, "deployment"))

    .withRow(row("Replicas"))
    .withPanel(statPanel({
      title: "Unavailable replicas", description: "Replicas the Deployments want but that are not available.",
      unit: "short", span: 6, thresholds: steps(1),
      queries: [q(`sum(kube_deployment_spec_replicas{${DEPLOY}}) - sum(kube_deployment_status_replicas_available{${DEPLOY}})`)],
    }))
    .withPanel(statPanel({
      title: "Restarts (time range)", description: "Container restarts over the dashboard's time range.",
      unit: "short", span: 6, thresholds: steps(5, 1),
      queries: [q(`sum(increase(kube_pod_container_status_restarts_total{${PODS}}[$__range]))`)],
    }))
    .withPanel(statPanel({
      title: "OOM-killed containers", description: "Containers whose last termination was an out-of-memory kill.",
      unit: "short", span: 6, thresholds: steps(1),
      queries: [q(`sum(kube_pod_container_status_last_terminated_reason{${m(PODS, 'reason="OOMKilled"')}})`)],
    }))
    .withPanel(statPanel({
      title: "HPAs at max", description: "Autoscalers running at their maximum: they can't absorb more load.",
      unit: "short", span: 6, thresholds: steps(1),
      queries: [q(`count((${hpa("kube_horizontalpodautoscaler_status_current_replicas")}) >= on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas{${NS}}) or vector(0)`)],
    }))
    .withPanel(timeseriesPanel({
      title: "Replicas vs HPA bounds", description: "Current and desired replicas of each HPA, with its min and max.",
      unit: "short", span: 12, min: 0,
      queries: [
        q(hpa("kube_horizontalpodautoscaler_status_current_replicas"), "current {{scaletargetref_name}}"),
        q(hpa("kube_horizontalpodautoscaler_status_desired_replicas"), "desired {{scaletargetref_name}}"),
        q(hpa("kube_horizontalpodautoscaler_spec_min_replicas"), "min {{scaletargetref_name}}"),
        q(hpa("kube_horizontalpodautoscaler_spec_max_replicas"), "max {{scaletargetref_name}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Deployment replicas", description: "Desired, available and updated replicas per Deployment (a rollout shows as updated < desired).",
      unit: "short", span: 12, min: 0,
      queries: [
        q(`sum by (deployment) (kube_deployment_spec_replicas{${DEPLOY}})`, "desired {{deployment}}"),
        q(`sum by (deployment) (kube_deployment_status_replicas_available{${DEPLOY}})`, "available {{deployment}}"),
        q(`sum by (deployment) (kube_deployment_status_replicas_updated{${DEPLOY}})`, "updated {{deployment}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Pods not ready", description: "Pods whose Ready condition is false.",
      unit: "short", span: 12, min: 0, thresholds: steps(1),
      queries: [q(`sum by (pod) (kube_pod_status_ready{${m(PODS, 'condition="false"')}})`, "{{pod}}")],
    }))
    .withPanel(timeseriesPanel({
      title: "Container restarts", description: "Restarts per container over the rate window.",
      unit: "short", span: 12, min: 0,
      queries: [q(`sum by (pod, container) (increase(kube_pod_container_status_restarts_total{${PODS}}[${R}]))`, "{{pod}}/{{container}}")],
    }))

    .withRow(row("CPU"))
    .withPanel(timeseriesPanel({
      title: "CPU usage vs requests and limits", description: "Cores used per pod, with the pod's requests and limits.",
      unit: "short", span: 12, min: 0,
      queries: [
        q(`sum by (pod) (rate(container_cpu_usage_seconds_total{${CONTAINERS}}[${R}]))`, "used {{pod}}"),
        q(perPod("kube_pod_container_resource_requests", 'resource="cpu"'), "request {{pod}}"),
        q(perPod("kube_pod_container_resource_limits", 'resource="cpu"'), "limit {{pod}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "CPU throttling", description: "Share of CFS periods in which the container was throttled by its CPU limit.",
      unit: "percentunit", span: 12, max: 1, thresholds: steps(0.25, 0.1),
      queries: [q(`sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{${CONTAINERS}}[${R}])) / sum by (pod) (rate(container_cpu_cfs_periods_total{${CONTAINERS}}[${R}]))`, "{{pod}}")],
    }))

    .withRow(row("Memory"))
    .withPanel(timeseriesPanel({
      title: "Memory usage vs requests and limits", description: "Working set per pod (what the OOM killer counts), with the pod's requests and limits.",
      unit: "bytes", span: 12, min: 0,
      queries: [
        q(`sum by (pod) (container_memory_working_set_bytes{${CONTAINERS}})`, "working set {{pod}}"),
        q(perPod("kube_pod_container_resource_requests", 'resource="memory"'), "request {{pod}}"),
        q(perPod("kube_pod_container_resource_limits", 'resource="memory"'), "limit {{pod}}"),
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Memory of limit", description: `Working set over the memory limit per container; the warning alert fires above ${o.memoryLimitRatio * 100}%.`,
      unit: "percentunit", span: 12, max: 1, thresholds: steps(o.memoryLimitRatio, o.memoryLimitRatio * 0.8),
      queries: [q(`sum by (pod, container) (container_memory_working_set_bytes{${CONTAINERS}}) / sum by (pod, container) (kube_pod_container_resource_limits{${m(PODS, 'resource="memory"')}})`, "{{pod}}/{{container}}")],
    }))

    .withRow(row("Volumes"))
    .withPanel(timeseriesPanel({
      title: "Volume usage", description: `Used over capacity per PersistentVolumeClaim in the namespace; the warning alert fires above ${o.volumeUsageRatio * 100}%.`,
      unit: "percentunit", span: 24, max: 1, thresholds: steps(o.volumeUsageRatio, o.volumeUsageRatio * 0.85),
      queries: [q(`max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${NS}} / kubelet_volume_stats_capacity_bytes{${NS}})`, "{{persistentvolumeclaim}}")],
    }));
  return finalize(b);
}
