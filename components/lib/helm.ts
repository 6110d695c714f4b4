import type * as k8s from "@pulumi/kubernetes";

/** A Helm chart pinned to one version of one repository. */
export interface HelmChart {
  /** Chart name in the repository, e.g. "cert-manager". */
  readonly chart: string;
  /** An exact version, never a range. */
  readonly version: string;
  /** A chart repository URL, or an OCI registry path (`oci://registry/namespace`, the chart's name appended). */
  readonly repo: string;
}

export interface PinnedReleaseOptions {
  /** The release's name (explicit, so the render and `pulumi up` agree). */
  readonly name: string;
  readonly namespace: string;
  readonly createNamespace: boolean;
  readonly timeoutSeconds: number;
  readonly values: Record<string, unknown>;
  readonly skipCrds?: boolean;
  readonly maxHistory?: number;
}

/**
 * The args of a Helm release of a pinned chart: explicit name and namespace,
 * atomic with cleanup on failure, so a failed upgrade rolls back whole.
 */
export function pinnedReleaseArgs(c: HelmChart, o: PinnedReleaseOptions): k8s.helm.v3.ReleaseArgs {
  return {
    name: o.name,
    namespace: o.namespace,
    createNamespace: o.createNamespace,
    // An OCI chart is addressed by its full reference; a classic repository by name + repo URL.
    ...(c.repo.startsWith("oci://") ? { chart: `${c.repo.replace(/\/$/, "")}/${c.chart}` } : { chart: c.chart, repositoryOpts: { repo: c.repo } }),
    version: c.version,
    atomic: true,
    cleanupOnFail: true,
    ...(o.skipCrds !== undefined ? { skipCrds: o.skipCrds } : {}),
    timeout: o.timeoutSeconds,
    ...(o.maxHistory !== undefined ? { maxHistory: o.maxHistory } : {}),
    values: o.values,
  };
}
