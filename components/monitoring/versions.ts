/**
 * The charts the Monitoring component installs, pinned. Bump them together:
 * `PROMETHEUS_OPERATOR_CRDS` must carry the prometheus-operator version that
 * `KUBE_PROMETHEUS_STACK` ships (its Chart.yaml `appVersion`), and the CRDs are
 * upgraded first (see docs/monitoring.md, "Upgrading").
 */
import type { HelmChart } from "../lib/helm";

/** A pinned chart of the prometheus-operator family. */
export interface PinnedChart extends HelmChart {
  /** The prometheus-operator release the chart carries (its `appVersion`). */
  readonly operatorVersion: string;
}

export const PROMETHEUS_COMMUNITY_REPO = "https://prometheus-community.github.io/helm-charts";

/** kube-prometheus-stack 88.5.3 (prometheus-operator v0.93.1), the newest 88.x release. */
export const KUBE_PROMETHEUS_STACK: PinnedChart = {
  chart: "kube-prometheus-stack",
  version: "88.5.3",
  repo: PROMETHEUS_COMMUNITY_REPO,
  operatorVersion: "v0.93.1",
};

/**
 * The prometheus-operator CRDs as chart templates (not Helm's `crds/` folder),
 * so `helm upgrade` applies new CRD versions. 31.0.1 carries v0.93.1.
 */
export const PROMETHEUS_OPERATOR_CRDS: PinnedChart = {
  chart: "prometheus-operator-crds",
  version: "31.0.1",
  repo: PROMETHEUS_COMMUNITY_REPO,
  operatorVersion: "v0.93.1",
};
