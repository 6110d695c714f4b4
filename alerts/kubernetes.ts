/**
 * Workload alerts from kube-state-metrics, cAdvisor and the kubelet: crash
 * loops, HPAs pinned at their maximum, unhealthy PDBs, pods that stay not
 * ready, containers near their memory limit, volumes filling up, failed Jobs,
 * stuck rollouts, failed volumes and claims nobody binds. (The chart's
 * kubernetesApps and kubernetesStorage groups are off: these replace them.)
 */
import { alertRule, num, resolveDomain, type DomainSpec } from "./options";
import type { AlertOptions, RuleGroup } from "./types";

/** Thresholds and durations of the Kubernetes alerts, with their defaults. */
export const KUBERNETES_SPEC = {
  prefix: "k8s",
  runbook: "kubernetes",
  thresholds: {
    "k8s.memoryLimitRatio": {
      default: 0.85,
      min: 0,
      max: 1,
      exclusiveMin: true,
      description: "container working set / memory limit (0.85 = 85%)",
    },
    "k8s.volumeUsageRatio": {
      default: 0.8,
      min: 0,
      max: 1,
      exclusiveMin: true,
      description: "used bytes / capacity of a PersistentVolumeClaim (0.8 = 80%)",
    },
  },
  durations: {
    "k8s.crashLoop.for": { default: "15m", allowZero: true, description: "how long a container must keep crash looping" },
    "k8s.hpaMaxed.for": { default: "15m", allowZero: true, description: "how long an HPA must sit at max replicas" },
    "k8s.pdb.for": { default: "15m", allowZero: true, description: "how long a PDB must have fewer healthy pods than desired" },
    "k8s.podNotReady.for": { default: "15m", allowZero: true, description: "how long a pod must stay not ready" },
    "k8s.memory.for": { default: "15m", allowZero: true, description: "how long memory must stay near the limit" },
    "k8s.volume.for": { default: "5m", allowZero: true, description: "how long a volume must stay above the usage threshold" },
    "k8s.jobFailed.for": { default: "5m", allowZero: true, description: "how long a Job must stay failed" },
    "k8s.rolloutStuck.for": { default: "15m", allowZero: true, description: "how long a Deployment must report Progressing=False (after its progressDeadlineSeconds)" },
    "k8s.pvError.for": { default: "5m", allowZero: true, description: "how long a PersistentVolume must stay Failed or Pending" },
    "k8s.pvcPending.for": { default: "15m", allowZero: true, description: "how long a PersistentVolumeClaim may stay Pending" },
  },
  selectors: {},
} as const satisfies DomainSpec<string, string, never>;

/** Alert rules for Kubernetes workloads and volumes. */
export function kubernetesRuleGroups(opts: AlertOptions): RuleGroup[] {
  const r = resolveDomain(KUBERNETES_SPEC, opts);
  const t = r.thresholds;
  const d = r.durations;
  return [
    {
      name: "platform.kubernetes",
      rules: [
        alertRule({
          alert: "KubePodCrashLooping",
          expr: `max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m])) >= 1`,
          for: d["k8s.crashLoop.for"],
          severity: "warning",
          summary: "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is crash looping",
          description: "Container {{ $labels.container }} of pod {{ $labels.pod }} in {{ $labels.namespace }} keeps restarting (CrashLoopBackOff).",
          runbookUrl: r.runbookUrl("KubePodCrashLooping"),
        }),
        alertRule({
          alert: "KubeHpaMaxedOut",
          expr: `
  max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas)
>=
  max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas)
and on (namespace, horizontalpodautoscaler)
  max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas)
>
  max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_min_replicas)`,
          for: d["k8s.hpaMaxed.for"],
          severity: "warning",
          summary: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is at its maximum replicas",
          description: "HPA {{ $labels.horizontalpodautoscaler }} in {{ $labels.namespace }} has run at its maximum of {{ $value }} replicas for a while: it cannot absorb more load.",
          runbookUrl: r.runbookUrl("KubeHpaMaxedOut"),
        }),
        alertRule({
          alert: "KubePdbUnhealthy",
          expr: `
  max by (namespace, poddisruptionbudget) (kube_poddisruptionbudget_status_current_healthy)
<
  max by (namespace, poddisruptionbudget) (kube_poddisruptionbudget_status_desired_healthy)`,
          for: d["k8s.pdb.for"],
          severity: "warning",
          summary: "PDB {{ $labels.namespace }}/{{ $labels.poddisruptionbudget }} has fewer healthy pods than desired",
          description: "PodDisruptionBudget {{ $labels.poddisruptionbudget }} in {{ $labels.namespace }} has only {{ $value }} healthy pods, fewer than it requires: node drains are blocked and one more failure loses capacity.",
          runbookUrl: r.runbookUrl("KubePdbUnhealthy"),
        }),
        alertRule({
          alert: "KubePodNotReady",
          expr: `
  max by (namespace, pod) (kube_pod_status_ready{condition="false"}) == 1
unless on (namespace, pod)
  max by (namespace, pod) (kube_pod_status_phase{phase="Succeeded"}) == 1`,
          for: d["k8s.podNotReady.for"],
          severity: "warning",
          summary: "{{ $labels.namespace }}/{{ $labels.pod }} is not ready",
          description: "Pod {{ $labels.pod }} in {{ $labels.namespace }} has not been ready for a while: it receives no traffic.",
          runbookUrl: r.runbookUrl("KubePodNotReady"),
        }),
        alertRule({
          alert: "KubeContainerMemoryNearLimit",
          expr: `
  sum by (namespace, pod, container) (container_memory_working_set_bytes{container!="", container!="POD", image!=""})
/
  sum by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"})
> ${num(t["k8s.memoryLimitRatio"])}`,
          for: d["k8s.memory.for"],
          severity: "warning",
          summary: "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) uses {{ $value | humanizePercentage }} of its memory limit",
          description: `Container {{ $labels.container }} of {{ $labels.pod }} in {{ $labels.namespace }} uses {{ $value | humanizePercentage }} of its memory limit (threshold ${num(t["k8s.memoryLimitRatio"] * 100)}%); the kernel OOM-kills it at 100%.`,
          runbookUrl: r.runbookUrl("KubeContainerMemoryNearLimit"),
        }),
        alertRule({
          alert: "KubePersistentVolumeFillingUp",
          expr: `
  max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes)
/
  max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes)
> ${num(t["k8s.volumeUsageRatio"])}`,
          for: d["k8s.volume.for"],
          severity: "warning",
          summary: "PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full",
          description: `Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is {{ $value | humanizePercentage }} full (threshold ${num(t["k8s.volumeUsageRatio"] * 100)}%).`,
          runbookUrl: r.runbookUrl("KubePersistentVolumeFillingUp"),
        }),
        alertRule({
          alert: "KubeJobFailed",
          expr: `max by (namespace, job_name) (kube_job_failed{condition="true"}) == 1`,
          for: d["k8s.jobFailed.for"],
          severity: "warning",
          summary: "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed",
          description: "Job {{ $labels.job_name }} in {{ $labels.namespace }} has failed (backoffLimit or activeDeadlineSeconds reached): whatever it does (a migration, a CloudNativePG initdb or join) did not happen. The alert clears when the Job is deleted or succeeds.",
          runbookUrl: r.runbookUrl("KubeJobFailed"),
        }),
        alertRule({
          alert: "KubeDeploymentRolloutStuck",
          expr: `max by (namespace, deployment) (kube_deployment_status_condition{condition="Progressing", status="false"}) == 1`,
          for: d["k8s.rolloutStuck.for"],
          severity: "warning",
          summary: "Rollout of {{ $labels.namespace }}/{{ $labels.deployment }} is stuck",
          description: "Deployment {{ $labels.deployment }} in {{ $labels.namespace }} has not made progress within its progressDeadlineSeconds: the new pods don't become ready (image, config, probes, quota, scheduling), and the old version keeps serving.",
          runbookUrl: r.runbookUrl("KubeDeploymentRolloutStuck"),
        }),
        alertRule({
          alert: "KubePersistentVolumeErrors",
          expr: `max by (persistentvolume, phase) (kube_persistentvolume_status_phase{phase=~"Failed|Pending"}) == 1`,
          for: d["k8s.pvError.for"],
          severity: "warning",
          summary: "PersistentVolume {{ $labels.persistentvolume }} is {{ $labels.phase }}",
          description: "PersistentVolume {{ $labels.persistentvolume }} is in phase {{ $labels.phase }}: its reclaim failed or it cannot be made available, and the data or capacity behind it is stuck.",
          runbookUrl: r.runbookUrl("KubePersistentVolumeErrors"),
        }),
        alertRule({
          alert: "KubePersistentVolumeClaimPending",
          expr: `max by (namespace, persistentvolumeclaim) (kube_persistentvolumeclaim_status_phase{phase="Pending"}) == 1`,
          for: d["k8s.pvcPending.for"],
          severity: "warning",
          summary: "PersistentVolumeClaim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is not bound",
          description: "Claim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has been Pending for a while: no volume can be provisioned or bound (StorageClass, quota, zone), so the pod using it (a database instance, Prometheus) cannot start.",
          runbookUrl: r.runbookUrl("KubePersistentVolumeClaimPending"),
        }),
      ],
    },
  ];
}
