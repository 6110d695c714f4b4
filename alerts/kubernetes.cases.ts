/** promtool unit-test scenarios for alerts/kubernetes.ts (default thresholds and durations). */
import { gauge, series, type DomainCases } from "./promtool-harness";

const KSM = { job: "kube-state-metrics", namespace: "shop" };
const CONTAINER = { ...KSM, pod: "core-api-1", container: "core-api" };
const HPA = { ...KSM, horizontalpodautoscaler: "core-api" };
const PDB = { ...KSM, poddisruptionbudget: "core-api" };
const POD = { ...KSM, pod: "core-api-1" };
const JOB_POD = { ...KSM, pod: "migrate-x7k2p" };
const CADVISOR = { job: "kubelet", namespace: "shop", pod: "core-api-1", container: "core-api", image: "ghcr.io/acme/core-api:1.4.2" };
const LIMIT = { ...CONTAINER, resource: "memory", unit: "byte" };
const PVC = { job: "kubelet", namespace: "shop", persistentvolumeclaim: "data-redis-0" };
const JOB = { ...KSM, job_name: "app-db-1-initdb" };
const DEPLOY = { ...KSM, deployment: "core-api" };
const PV = { job: "kube-state-metrics", persistentvolume: "pvc-0a1b2c" };
const CLAIM = { ...KSM, persistentvolumeclaim: "app-db-1" };

export const kubernetesCases: DomainCases = {
  firing: [
    {
      alert: "KubePodCrashLooping",
      name: "CrashLoopBackOff during minutes 0-30",
      series: [series("kube_pod_container_status_waiting_reason", { ...CONTAINER, reason: "CrashLoopBackOff" }, gauge([31, 1]))],
      onset: 0,
      labels: { namespace: "shop", pod: "core-api-1", container: "core-api", severity: "warning" },
      resolvedAt: 37,
    },
    {
      alert: "KubeHpaMaxedOut",
      name: "10 of max 10 replicas until minute 20",
      value: 10,
      series: [
        series("kube_horizontalpodautoscaler_status_current_replicas", HPA, gauge([21, 10], [10, 8])),
        series("kube_horizontalpodautoscaler_spec_max_replicas", HPA, gauge([31, 10])),
        series("kube_horizontalpodautoscaler_spec_min_replicas", HPA, gauge([31, 2])),
      ],
      onset: 0,
      labels: { namespace: "shop", horizontalpodautoscaler: "core-api", severity: "warning" },
      resolvedAt: 21,
    },
    {
      alert: "KubePdbUnhealthy",
      name: "1 healthy of 2 desired until minute 20",
      value: 1,
      series: [
        series("kube_poddisruptionbudget_status_current_healthy", PDB, gauge([21, 1], [10, 2])),
        series("kube_poddisruptionbudget_status_desired_healthy", PDB, gauge([31, 2])),
      ],
      onset: 0,
      labels: { namespace: "shop", poddisruptionbudget: "core-api", severity: "warning" },
      resolvedAt: 21,
    },
    {
      alert: "KubePodNotReady",
      name: "running pod not ready until minute 20",
      series: [
        series("kube_pod_status_ready", { ...POD, condition: "false" }, gauge([21, 1], [10, 0])),
        series("kube_pod_status_ready", { ...POD, condition: "true" }, gauge([21, 0], [10, 1])),
        series("kube_pod_status_phase", { ...POD, phase: "Running" }, gauge([31, 1])),
        series("kube_pod_status_phase", { ...POD, phase: "Succeeded" }, gauge([31, 0])),
      ],
      onset: 0,
      labels: { namespace: "shop", pod: "core-api-1", severity: "warning" },
      resolvedAt: 21,
    },
    {
      alert: "KubeContainerMemoryNearLimit",
      name: "90% of the limit until minute 20",
      value: 0.9,
      series: [
        series("container_memory_working_set_bytes", CADVISOR, gauge([21, 900], [10, 500])),
        series("kube_pod_container_resource_limits", LIMIT, gauge([31, 1000])),
      ],
      onset: 0,
      labels: { namespace: "shop", pod: "core-api-1", container: "core-api", severity: "warning" },
      resolvedAt: 21,
    },
    {
      alert: "KubePersistentVolumeFillingUp",
      name: "85% full until minute 10",
      value: 0.85,
      series: [
        series("kubelet_volume_stats_used_bytes", PVC, gauge([11, 85], [10, 50])),
        series("kubelet_volume_stats_capacity_bytes", PVC, gauge([21, 100])),
      ],
      onset: 0,
      labels: { namespace: "shop", persistentvolumeclaim: "data-redis-0", severity: "warning" },
      resolvedAt: 11,
    },
    {
      alert: "KubeJobFailed",
      name: "a Job failed at minute 2 and was deleted at minute 20",
      series: [
        series("kube_job_failed", { ...JOB, condition: "true" }, gauge([2, 0], [18, 1], [11, 0])),
        series("kube_job_failed", { ...JOB, condition: "false" }, gauge([2, 1], [18, 0], [11, 1])),
      ],
      onset: 2,
      labels: { namespace: "shop", job_name: "app-db-1-initdb", severity: "warning" },
      resolvedAt: 20,
    },
    {
      alert: "KubeDeploymentRolloutStuck",
      name: "progress deadline exceeded during minutes 1-25",
      series: [
        series("kube_deployment_status_condition", { ...DEPLOY, condition: "Progressing", status: "false", reason: "ProgressDeadlineExceeded" }, gauge([1, 0], [25, 1], [10, 0])),
        series("kube_deployment_status_condition", { ...DEPLOY, condition: "Progressing", status: "true", reason: "ProgressDeadlineExceeded" }, gauge([1, 1], [25, 0], [10, 1])),
      ],
      onset: 1,
      labels: { namespace: "shop", deployment: "core-api", severity: "warning" },
      resolvedAt: 26,
    },
    {
      alert: "KubePersistentVolumeErrors",
      name: "a volume Failed (reclaim failed) during minutes 3-14",
      series: [
        series("kube_persistentvolume_status_phase", { ...PV, phase: "Failed" }, gauge([3, 0], [12, 1], [10, 0])),
        series("kube_persistentvolume_status_phase", { ...PV, phase: "Released" }, gauge([3, 1], [12, 0], [10, 1])),
      ],
      onset: 3,
      labels: { persistentvolume: "pvc-0a1b2c", phase: "Failed", severity: "warning" },
      resolvedAt: 15,
    },
    {
      alert: "KubePersistentVolumeClaimPending",
      name: "a claim no provisioner binds, minutes 0-19",
      series: [
        series("kube_persistentvolumeclaim_status_phase", { ...CLAIM, phase: "Pending" }, gauge([20, 1], [10, 0])),
        series("kube_persistentvolumeclaim_status_phase", { ...CLAIM, phase: "Bound" }, gauge([20, 0], [10, 1])),
      ],
      onset: 0,
      labels: { namespace: "shop", persistentvolumeclaim: "app-db-1", severity: "warning" },
      resolvedAt: 20,
    },
  ],
  silent: [
    {
      alert: "KubeJobFailed",
      name: "a Job that succeeded, and one still running (failed=false)",
      series: [
        series("kube_job_failed", { ...JOB, condition: "true" }, gauge([31, 0])),
        series("kube_job_failed", { ...JOB, condition: "false" }, gauge([31, 1])),
      ],
      at: [10, 30],
    },
    {
      alert: "KubeDeploymentRolloutStuck",
      name: "a rollout that is progressing; stuck for 14 minutes only",
      series: [
        series("kube_deployment_status_condition", { ...DEPLOY, condition: "Progressing", status: "true", reason: "NewReplicaSetAvailable" }, gauge([31, 1])),
        series("kube_deployment_status_condition", { ...DEPLOY, deployment: "web", condition: "Progressing", status: "false", reason: "ProgressDeadlineExceeded" }, gauge([1, 0], [14, 1], [16, 0])),
      ],
      at: [14, 15, 30],
    },
    {
      alert: "KubePersistentVolumeErrors",
      name: "Bound and Released volumes; Failed for 4 minutes only",
      series: [
        series("kube_persistentvolume_status_phase", { ...PV, phase: "Bound" }, gauge([31, 1])),
        series("kube_persistentvolume_status_phase", { ...PV, persistentvolume: "pvc-9", phase: "Failed" }, gauge([1, 0], [4, 1], [26, 0])),
      ],
      at: [4, 5, 30],
    },
    {
      alert: "KubePersistentVolumeClaimPending",
      name: "a claim bound after 14 minutes (WaitForFirstConsumer, slow provisioner)",
      series: [series("kube_persistentvolumeclaim_status_phase", { ...CLAIM, phase: "Pending" }, gauge([14, 1], [17, 0])), series("kube_persistentvolumeclaim_status_phase", { ...CLAIM, phase: "Bound" }, gauge([14, 0], [17, 1]))],
      at: [13, 14, 30],
    },
    {
      alert: "KubePodCrashLooping",
      name: "waiting for another reason",
      series: [series("kube_pod_container_status_waiting_reason", { ...CONTAINER, reason: "ContainerCreating" }, gauge([31, 1]))],
      at: [15, 30],
    },
    {
      alert: "KubeHpaMaxedOut",
      name: "9 of max 10; a fixed-size HPA (min = max) at max",
      series: [
        series("kube_horizontalpodautoscaler_status_current_replicas", HPA, gauge([31, 9])),
        series("kube_horizontalpodautoscaler_spec_max_replicas", HPA, gauge([31, 10])),
        series("kube_horizontalpodautoscaler_spec_min_replicas", HPA, gauge([31, 2])),
        series("kube_horizontalpodautoscaler_status_current_replicas", { ...HPA, horizontalpodautoscaler: "web" }, gauge([31, 3])),
        series("kube_horizontalpodautoscaler_spec_max_replicas", { ...HPA, horizontalpodautoscaler: "web" }, gauge([31, 3])),
        series("kube_horizontalpodautoscaler_spec_min_replicas", { ...HPA, horizontalpodautoscaler: "web" }, gauge([31, 3])),
      ],
      at: [15, 30],
    },
    {
      alert: "KubePdbUnhealthy",
      name: "2 healthy of 2 desired",
      series: [
        series("kube_poddisruptionbudget_status_current_healthy", PDB, gauge([31, 2])),
        series("kube_poddisruptionbudget_status_desired_healthy", PDB, gauge([31, 2])),
      ],
      at: [15, 30],
    },
    {
      alert: "KubePodNotReady",
      name: "a completed Job pod is not ready but Succeeded",
      series: [
        series("kube_pod_status_ready", { ...JOB_POD, condition: "false" }, gauge([31, 1])),
        series("kube_pod_status_phase", { ...JOB_POD, phase: "Succeeded" }, gauge([31, 1])),
        series("kube_pod_status_ready", { ...POD, condition: "false" }, gauge([31, 0])),
        series("kube_pod_status_phase", { ...POD, phase: "Running" }, gauge([31, 1])),
      ],
      at: [15, 30],
    },
    {
      alert: "KubeContainerMemoryNearLimit",
      name: "84.9% of the limit; the pod-level cgroup series is ignored",
      series: [
        series("container_memory_working_set_bytes", CADVISOR, gauge([31, 849])),
        series("container_memory_working_set_bytes", { ...CADVISOR, container: "", image: "" }, gauge([31, 5000])),
        series("kube_pod_container_resource_limits", LIMIT, gauge([31, 1000])),
      ],
      at: [15, 30],
    },
    {
      alert: "KubePersistentVolumeFillingUp",
      name: "79% full",
      series: [
        series("kubelet_volume_stats_used_bytes", PVC, gauge([21, 79])),
        series("kubelet_volume_stats_capacity_bytes", PVC, gauge([21, 100])),
      ],
      at: [5, 20],
    },
  ],
};
