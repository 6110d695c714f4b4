/**
 * Pinned Helm charts of the cluster-wide services. Bump deliberately, one at a
 * time, and read the upstream upgrade notes first (CRDs are upgraded with the chart).
 */
import type { HelmChart } from "../lib/helm";

/** A pinned chart of a cluster-wide service. */
export interface PinnedChart extends HelmChart {
  /** What the chart installs, for the record. */
  readonly appVersion: string;
}

/** cert-manager (needed by the Barman Cloud plugin's TLS and by Ingress certificates). */
export const CERT_MANAGER_CHART: PinnedChart = { chart: "cert-manager", version: "v1.21.0", repo: "https://charts.jetstack.io", appVersion: "v1.21.0" };

/** CloudNativePG operator 1.30 (chart 0.29.x ships operator 1.30.x). */
export const CNPG_CHART: PinnedChart = { chart: "cloudnative-pg", version: "0.29.0", repo: "https://cloudnative-pg.github.io/charts", appVersion: "1.30.0" };

/** Barman Cloud CNPG-I plugin (chart 0.7.0 ships plugin v0.13.0); must share the operator's namespace. */
export const BARMAN_CLOUD_CHART: PinnedChart = { chart: "plugin-barman-cloud", version: "0.7.0", repo: "https://cloudnative-pg.github.io/charts", appVersion: "v0.13.0" };

/** Names of the ClusterIssuers the stacks refer to (`settings.ingress.clusterIssuer`). */
export const CLUSTER_ISSUERS = ["selfsigned", "letsencrypt-staging", "letsencrypt-prod"] as const;
/** The name of a cert-manager ClusterIssuer {@link ClusterServices} creates (one of {@link CLUSTER_ISSUERS}). */
export type ClusterIssuerName = (typeof CLUSTER_ISSUERS)[number];

export const ACME_SERVERS: Readonly<Record<Exclude<ClusterIssuerName, "selfsigned">, string>> = {
  "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
  "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory",
};
