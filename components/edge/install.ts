/**
 * Envoy Gateway itself, as two pinned Helm releases: the CRDs (Envoy Gateway's
 * and the standard-channel Gateway API bundle) and the controller. Only stacks
 * that own their cluster install it; the rest attach to the cluster's gateway.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PinnedChart } from "../cluster-services/versions";
import { invalidArg } from "../lib/errors";
import { pinnedReleaseArgs } from "../lib/helm";
import { applyTransform as apply, type Transform } from "../lib/transform";
import { ENVOY_GATEWAY_CHART, ENVOY_GATEWAY_CRDS_CHART, ENVOY_GATEWAY_NAMESPACE } from "./versions";

/** Args of {@link EnvoyGatewayInstall}: namespace and Helm timeout of the pinned Envoy Gateway releases. */
export interface EnvoyGatewayInstallArgs {
  /** Namespace of both releases (created by Helm). @default "envoy-gateway-system" */
  readonly namespace?: string;
  /** Helm timeout per release, seconds. @default 600 */
  readonly timeoutSeconds?: number;
  /** Chart overrides (e.g. a newer patch); pinned versions are required. @default - versions.ts */
  readonly charts?: { readonly crds?: PinnedChart; readonly controller?: PinnedChart };
  /** Escape hatches for the CRDs release and the controller release. */
  readonly transform?: { readonly crds?: Transform<k8s.helm.v3.ReleaseArgs>; readonly controller?: Transform<k8s.helm.v3.ReleaseArgs> };
}

const PINNED = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/;

/** The two releases' args. Pure. */
export function envoyGatewayReleases(a: EnvoyGatewayInstallArgs = {}): { crds: k8s.helm.v3.ReleaseArgs; controller: k8s.helm.v3.ReleaseArgs; namespace: string } {
  const namespace = a.namespace ?? ENVOY_GATEWAY_NAMESPACE;
  const timeoutSeconds = a.timeoutSeconds ?? 600;
  const crds = a.charts?.crds ?? ENVOY_GATEWAY_CRDS_CHART;
  const controller = a.charts?.controller ?? ENVOY_GATEWAY_CHART;
  for (const [k, c] of Object.entries({ crds, controller })) if (!PINNED.test(c.version)) invalidArg("EnvoyGatewayInstall", `charts.${k}.version`, c.version, "must be a pinned semantic version such as v1.9.1");
  return {
    namespace,
    crds: pinnedReleaseArgs(crds, {
      name: "envoy-gateway-crds",
      namespace,
      createNamespace: true,
      timeoutSeconds,
      // CRDs are the chart's templates here (gateway-crds-helm), so they upgrade with it.
      values: { crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } } },
    }),
    controller: pinnedReleaseArgs(controller, {
      name: "envoy-gateway",
      namespace,
      createNamespace: true,
      timeoutSeconds,
      // Its bundled CRDs are the experimental channel: the release above owns the CRDs instead.
      values: {
        crds: { enabled: false },
        deployment: { replicas: 2, envoyGateway: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1024Mi" } } } },
        podDisruptionBudget: { minAvailable: 1 },
      },
    }),
  };
}

/** Envoy Gateway itself, once per cluster: the Gateway API and Envoy Gateway CRDs and the controller, as pinned Helm releases. */
export class EnvoyGatewayInstall extends pulumi.ComponentResource {
  /** Namespace of the controller and of the Envoy data plane. */
  public readonly namespace: string;
  /** Helm release envoy-gateway-crds: the Envoy Gateway CRDs and the standard-channel Gateway API CRDs. */
  public readonly crds: k8s.helm.v3.Release;
  /** Helm release envoy-gateway: the controller (2 replicas, PDB), after the CRDs. */
  public readonly controller: k8s.helm.v3.Release;
  /** What Gateway API and Envoy Gateway objects must wait for. */
  public readonly ready: readonly pulumi.Resource[];

  constructor(name: string, args: EnvoyGatewayInstallArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("platform:edge:EnvoyGatewayInstall", name, {}, opts);
    const r = envoyGatewayReleases(args);
    this.namespace = r.namespace;
    this.crds = new k8s.helm.v3.Release(`${name}-crds`, apply(args.transform?.crds, r.crds), { parent: this });
    this.controller = new k8s.helm.v3.Release(`${name}-controller`, apply(args.transform?.controller, r.controller), { parent: this, dependsOn: [this.crds] });
    this.ready = [this.crds, this.controller];
    this.registerOutputs({ namespace: this.namespace });
  }
}
