import type { ClusterParts, MonitoringParts, PlatformContext } from "./context";

/** Monitoring for the platform (filled in by the Monitoring component). */
export function composeMonitoring(ctx: PlatformContext, cluster: ClusterParts): MonitoringParts {
  void ctx;
  void cluster;
  return { urls: {}, monitoringNamespace: "monitoring", crdsReady: [] };
}
