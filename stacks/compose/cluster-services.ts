import { ClusterServices } from "@readiness/platform";
import type { ClusterParts, PlatformContext } from "./context";
import type { EdgeInstallParts } from "./edge";

/**
 * Cluster-wide operators: cert-manager (+ ClusterIssuers), CloudNativePG and the
 * Barman Cloud plugin — only in stacks that own their cluster
 * (`clusterServices: true`); others rely on the cluster's own and wait for nothing.
 */
export function composeClusterServices(ctx: PlatformContext, edge: EdgeInstallParts = { ready: [] }): ClusterParts {
  const s = ctx.cfg.settings;
  if (!s.clusterServices) return { ready: [] };
  const services = new ClusterServices(
    "cluster-services",
    {
      ...(s.ingress.className ? { ingressClassName: s.ingress.className } : {}),
      ...(edge.certManager ? { gatewayApi: edge.certManager } : {}),
      acmeEmail: s.alerting.email?.to,
    },
    { parent: ctx.parent },
  );
  const { nodes, edges } = ctx.topology;
  nodes.push({ id: "cert-manager", label: `cert-manager ${services.args.charts.certManager.appVersion}` });
  nodes.push({ id: "cnpg-operator", label: `CloudNativePG operator ${services.args.charts.cnpg.appVersion}` });
  nodes.push({ id: "barman-cloud-plugin", label: `Barman Cloud plugin ${services.args.charts.barmanCloud.appVersion}` });
  edges.push({ from: "barman-cloud-plugin", to: "cert-manager", label: "TLS certificates" });
  edges.push({ from: "cnpg-operator", to: "barman-cloud-plugin", label: "CNPG-I gRPC (mTLS)" });
  return { ready: [...services.ready], certManagerNamespace: services.args.certManagerNamespace };
}
