import type { ClusterParts, DataParts, MonitoringParts, PlatformContext } from "./context";

/** PostgreSQL for the platform (filled in by the PostgreSQL component). */
export function composeData(ctx: PlatformContext, cluster: ClusterParts, monitoring: MonitoringParts): DataParts {
  void ctx;
  void cluster;
  void monitoring;
  return { connectionSecrets: {}, ready: [] };
}
