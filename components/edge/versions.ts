/**
 * The pinned edge: Envoy Gateway and the Gateway API it implements, with the
 * cross-object facts of those versions that the rest of the library relies on.
 * Every fact below was read from the pinned sources (module
 * github.com/envoyproxy/gateway@v1.9.1, cert-manager v1.21.0); bump them together.
 */
import type { PinnedChart } from "../cluster-services/versions";

/** Envoy Gateway release line in use (the newest the Go module proxy serves: v1.9.1, 2026-08-28). */
export const ENVOY_GATEWAY_VERSION = "v1.9.1";

/**
 * Gateway API bundle that Envoy Gateway v1.9.1 is built against (its go.mod:
 * sigs.k8s.io/gateway-api v1.6.1; its bundled CRDs carry bundle-version v1.6.1).
 */
export const GATEWAY_API_VERSION = "v1.6.1";

/**
 * Envoy Gateway's CRDs and the standard-channel Gateway API CRDs, from the
 * `gateway-crds-helm` chart (values `crds.gatewayAPI.{enabled,channel}`,
 * `crds.envoyGateway.enabled`). The `gateway-helm` chart bundles the
 * experimental channel instead, so it is installed with `crds.enabled: false`.
 */
export const ENVOY_GATEWAY_CRDS_CHART: PinnedChart = {
  chart: "gateway-crds-helm",
  version: ENVOY_GATEWAY_VERSION,
  repo: "oci://docker.io/envoyproxy",
  appVersion: `${ENVOY_GATEWAY_VERSION} (Gateway API ${GATEWAY_API_VERSION} standard channel)`,
};

/** The Envoy Gateway controller. */
export const ENVOY_GATEWAY_CHART: PinnedChart = { chart: "gateway-helm", version: ENVOY_GATEWAY_VERSION, repo: "oci://docker.io/envoyproxy", appVersion: ENVOY_GATEWAY_VERSION };

/** The GatewayClass controller name Envoy Gateway answers to (api/v1alpha1 GatewayControllerName). */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";

/** Where the chart's controller runs, and (in the default ControllerNamespace deploy mode) the Envoy data plane too. */
export const ENVOY_GATEWAY_NAMESPACE = "envoy-gateway-system";

/**
 * Labels Envoy Gateway v1.9.1 puts on every Envoy data-plane pod: `EnvoyAppLabel()` in
 * internal/infrastructure/kubernetes/proxy/resource.go, plus the owning-Gateway labels of
 * `GatewayOwnerLabels()` (internal/gatewayapi/helpers.go, names in translator.go) when
 * gateways are not merged. The pods run in the controller's namespace
 * (`GetResourceNamespace`, internal/infrastructure/kubernetes/proxy_infra.go).
 */
export function envoyDataPlaneLabels(gateway: { readonly name: string; readonly namespace: string }): Record<string, string> {
  return {
    "app.kubernetes.io/name": "envoy",
    "app.kubernetes.io/component": "proxy",
    "app.kubernetes.io/managed-by": "envoy-gateway",
    "gateway.envoyproxy.io/owning-gateway-name": gateway.name,
    "gateway.envoyproxy.io/owning-gateway-namespace": gateway.namespace,
  };
}

/**
 * The Envoy container's Prometheus port (named `metrics`, 19001 = internal/xds/bootstrap `EnvoyStatsPort`, path /stats/prometheus) in the
 * container `envoy` (`envoyContainerName`): v1.9.1 internal/infrastructure/kubernetes/proxy/resource.go.
 */
export const ENVOY_METRICS_PORT = { name: "metrics", port: 19001, path: "/stats/prometheus", container: "envoy" } as const;

/**
 * cert-manager v1.21.0's HTTP-01 solver pods: label `acme.cert-manager.io/http01-solver: "true"`
 * (pkg/apis/acme/v1/types.go SolverIdentificationLabelKey, set in pkg/issuer/acme/http/pod.go) and
 * listen port 8089 (pkg/issuer/acme/http/http.go acmeSolverListenPort), in the Challenge's namespace,
 * i.e. the namespace of the Certificate.
 */
export const ACME_HTTP01_SOLVER = { labels: { "acme.cert-manager.io/http01-solver": "true" }, port: 8089 } as const;
