import type { ClusterParts, PlatformContext } from "./context";

/** Cluster-wide operators: CloudNativePG, the Barman Cloud plugin, cert-manager (filled in with the PostgreSQL component). */
export function composeClusterServices(ctx: PlatformContext): ClusterParts {
  void ctx;
  return { ready: [] };
}
