import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { invalidArg } from "../lib/errors";
import { BARMAN_CLOUD_CHART, CERT_MANAGER_CHART, CLUSTER_ISSUERS, CNPG_CHART, ACME_SERVERS, type ClusterIssuerName, type PinnedChart } from "./versions";
import { pinnedReleaseArgs } from "../lib/helm";
import { applyTransform as apply, type Transform } from "../lib/transform";

/** Args of {@link ClusterServices}: cert-manager, the CloudNativePG operator and the Barman Cloud plugin, installed once per cluster. */
export interface ClusterServicesArgs {
  /** Namespace of cert-manager. @default "cert-manager" */
  readonly certManagerNamespace?: string;
  /** Namespace of the CloudNativePG operator and the Barman Cloud plugin (they must share it). @default "cnpg-system" */
  readonly cnpgNamespace?: string;
  /** ClusterIssuers to create. @default ["selfsigned", "letsencrypt-staging", "letsencrypt-prod"] */
  readonly issuers?: readonly ClusterIssuerName[];
  /** IngressClass that solves ACME HTTP-01 challenges (Ingress mode only). @default "nginx" */
  readonly ingressClassName?: string;
  /**
   * Solve ACME challenges through Gateway API instead of an IngressClass: HTTP-01 with an HTTPRoute on this
   * Gateway listener (cert-manager's `gatewayHTTPRoute` solver, Gateway API support enabled in its config), or
   * DNS-01 in Route 53. Set `ready` to what installs the Gateway API CRDs: cert-manager must start after them.
   */
  readonly gatewayApi?: {
    readonly http01ParentRef: { readonly name: string; readonly namespace: string; readonly sectionName: string };
    readonly dns01?: { readonly route53: { readonly region: string; readonly hostedZoneId: string; readonly roleArn?: string } };
    readonly ready?: readonly pulumi.Resource[];
  };
  /** Contact e-mail registered with Let's Encrypt (expiry notices). @default - none */
  readonly acmeEmail?: string;
  /** Helm timeout per release, seconds. @default 600 */
  readonly timeoutSeconds?: number;
  /** Chart overrides (e.g. a newer patch); pinned versions are required. @default - versions.ts */
  readonly charts?: { readonly certManager?: PinnedChart; readonly cnpg?: PinnedChart; readonly barmanCloud?: PinnedChart };
  /** Escape hatch per child. */
  readonly transform?: {
    readonly certManager?: Transform<k8s.helm.v3.ReleaseArgs>;
    readonly cnpg?: Transform<k8s.helm.v3.ReleaseArgs>;
    readonly barmanCloud?: Transform<k8s.helm.v3.ReleaseArgs>;
    readonly issuer?: Transform<k8s.apiextensions.CustomResourceArgs>;
  };
}

/** {@link ClusterServicesArgs} with every default applied, as {@link resolveClusterServicesArgs} returns them. */
export interface ResolvedClusterServicesArgs {
  /** Namespace of cert-manager (default "cert-manager"). */
  readonly certManagerNamespace: string;
  /** Namespace of the CloudNativePG operator and the Barman Cloud plugin (default "cnpg-system"). */
  readonly cnpgNamespace: string;
  /** ClusterIssuers to create (default all of CLUSTER_ISSUERS). */
  readonly issuers: readonly ClusterIssuerName[];
  /** IngressClass of the ACME HTTP-01 solver, without `gatewayApi` (default "nginx"). */
  readonly ingressClassName: string;
  /** Gateway API (or DNS-01) ACME solving, as given; undefined means Ingress mode. */
  readonly gatewayApi?: ClusterServicesArgs["gatewayApi"];
  /** Contact e-mail registered with Let's Encrypt; undefined means none. */
  readonly acmeEmail?: string;
  /** Helm timeout per release, seconds (default 600; 60 to 3600). */
  readonly timeoutSeconds: number;
  /** Chart pins (default CERT_MANAGER_CHART, CNPG_CHART and BARMAN_CLOUD_CHART). */
  readonly charts: { readonly certManager: PinnedChart; readonly cnpg: PinnedChart; readonly barmanCloud: PinnedChart };
}

const C = "ClusterServices";
const NS = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PINNED = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/;

/** Resolves defaults and validates; pure. */
export function resolveClusterServicesArgs(a: ClusterServicesArgs = {}): ResolvedClusterServicesArgs {
  const certManagerNamespace = a.certManagerNamespace ?? "cert-manager";
  const cnpgNamespace = a.cnpgNamespace ?? "cnpg-system";
  for (const [f, v] of [["certManagerNamespace", certManagerNamespace], ["cnpgNamespace", cnpgNamespace]] as const) {
    if (!NS.test(v)) invalidArg(C, f, v, "must be a DNS-1123 label");
  }
  const issuers = a.issuers ?? CLUSTER_ISSUERS;
  for (const i of issuers) if (!(CLUSTER_ISSUERS as readonly string[]).includes(i)) invalidArg(C, "issuers", i, `must be one of ${CLUSTER_ISSUERS.join(", ")}`);
  if (a.acmeEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a.acmeEmail)) invalidArg(C, "acmeEmail", a.acmeEmail, "must be an e-mail address");
  const timeoutSeconds = a.timeoutSeconds ?? 600;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60 || timeoutSeconds > 3600) invalidArg(C, "timeoutSeconds", timeoutSeconds, "must be an integer between 60 and 3600");
  const charts = { certManager: a.charts?.certManager ?? CERT_MANAGER_CHART, cnpg: a.charts?.cnpg ?? CNPG_CHART, barmanCloud: a.charts?.barmanCloud ?? BARMAN_CLOUD_CHART };
  for (const [k, c] of Object.entries(charts)) if (!PINNED.test(c.version)) invalidArg(C, `charts.${k}.version`, c.version, "must be a pinned semantic version such as 0.29.0");
  return { certManagerNamespace, cnpgNamespace, issuers, ingressClassName: a.ingressClassName ?? "nginx", ...(a.gatewayApi ? { gatewayApi: a.gatewayApi } : {}), acmeEmail: a.acmeEmail, timeoutSeconds, charts };
}

/** The ClusterIssuer `spec` for one of the platform's issuer names. */
export function issuerSpec(name: ClusterIssuerName, a: ResolvedClusterServicesArgs): Record<string, unknown> {
  if (name === "selfsigned") return { selfSigned: {} };
  return {
    acme: {
      server: ACME_SERVERS[name],
      ...(a.acmeEmail ? { email: a.acmeEmail } : {}),
      privateKeySecretRef: { name: `${name}-account-key` },
      solvers: [acmeSolver(a)],
    },
  };
}

/** The ClusterIssuers' ACME solver: an Ingress class, or Gateway API (cert-manager v1.21 `gatewayHTTPRoute`), or DNS-01. */
function acmeSolver(a: ResolvedClusterServicesArgs): Record<string, unknown> {
  const g = a.gatewayApi;
  if (!g) return { http01: { ingress: { ingressClassName: a.ingressClassName } } };
  if (g.dns01) return { dns01: { route53: { region: g.dns01.route53.region, hostedZoneID: g.dns01.route53.hostedZoneId } } };
  return { http01: { gatewayHTTPRoute: { parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", ...g.http01ParentRef }] } } };
}

/**
 * Cluster-wide services the platform's custom resources need: cert-manager
 * (+ ClusterIssuers), the CloudNativePG operator and the Barman Cloud plugin,
 * as pinned Helm releases whose CRDs are chart templates (upgraded with the chart).
 * `ready` is what every dependent custom resource must wait for.
 */
export class ClusterServices extends pulumi.ComponentResource {
  /** The resolved args the component was built from. */
  public readonly args: ResolvedClusterServicesArgs;
  /** Helm release cert-manager (CRDs kept on uninstall). */
  public readonly certManager: k8s.helm.v3.Release;
  /** Helm release cnpg: the CloudNativePG operator, cluster-wide, with its CRDs. */
  public readonly cnpg: k8s.helm.v3.Release;
  /** Helm release plugin-barman-cloud: the Barman Cloud plugin, after cert-manager and the operator. */
  public readonly barmanCloud: k8s.helm.v3.Release;
  /** The ClusterIssuers created, by name. */
  public readonly issuers: Readonly<Partial<Record<ClusterIssuerName, k8s.apiextensions.CustomResource>>>;
  /** Operators, CRDs and issuers: make custom resources depend on these. */
  public readonly ready: readonly pulumi.Resource[];

  constructor(name: string, args: ClusterServicesArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:ClusterServices", name, {}, opts);
    const a = resolveClusterServicesArgs(args);
    this.args = a;
    const t = args.transform ?? {};
    const release = (c: PinnedChart, releaseName: string, namespace: string, values: Record<string, unknown>): k8s.helm.v3.ReleaseArgs =>
      pinnedReleaseArgs(c, { name: releaseName, namespace, createNamespace: true, timeoutSeconds: a.timeoutSeconds, values });

    this.certManager = new k8s.helm.v3.Release(
      `${name}-cert-manager`,
      apply(
        t.certManager,
        release(a.charts.certManager, "cert-manager", a.certManagerNamespace, {
          crds: { enabled: true, keep: true },
          global: { leaderElection: { namespace: a.certManagerNamespace } },
          // cert-manager v1.21.0 pkg/apis/config/controller/v1alpha1 ControllerConfiguration.gatewayAPI.enabled:
          // the HTTPRoute-based HTTP-01 solver and Gateway support (needs the Gateway API CRDs at start-up).
          ...(a.gatewayApi ? { config: { apiVersion: "controller.config.cert-manager.io/v1alpha1", kind: "ControllerConfiguration", gatewayAPI: { enabled: true } } } : {}),
          ...(a.gatewayApi?.dns01?.route53.roleArn ? { serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": a.gatewayApi.dns01.route53.roleArn } } } : {}),
          resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        }),
      ),
      { parent: this, dependsOn: [...(a.gatewayApi?.ready ?? [])] },
    );

    this.cnpg = new k8s.helm.v3.Release(
      `${name}-cnpg`,
      apply(
        t.cnpg,
        release(a.charts.cnpg, "cnpg", a.cnpgNamespace, {
          crds: { create: true },
          config: { clusterWide: true },
          // The platform makes its own PodMonitors (the chart's needs prometheus-operator CRDs first).
          monitoring: { podMonitorEnabled: false, grafanaDashboard: { create: false } },
          resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
        }),
      ),
      { parent: this },
    );

    this.barmanCloud = new k8s.helm.v3.Release(
      `${name}-barman-cloud`,
      apply(
        t.barmanCloud,
        release(a.charts.barmanCloud, "plugin-barman-cloud", a.cnpgNamespace, {
          crds: { create: true },
          resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        }),
      ),
      // Its certificates need cert-manager; it registers with the operator.
      { parent: this, dependsOn: [this.certManager, this.cnpg] },
    );

    const issuers: Partial<Record<ClusterIssuerName, k8s.apiextensions.CustomResource>> = {};
    for (const issuer of a.issuers) {
      issuers[issuer] = new k8s.apiextensions.CustomResource(
        `${name}-issuer-${issuer}`,
        apply(t.issuer, {
          apiVersion: "cert-manager.io/v1",
          kind: "ClusterIssuer",
          metadata: { name: issuer, labels: { "app.kubernetes.io/part-of": "platform", "app.kubernetes.io/managed-by": "pulumi" } },
          spec: issuerSpec(issuer, a),
        }),
        { parent: this, dependsOn: [this.certManager] },
      );
    }
    this.issuers = issuers;
    this.ready = [this.certManager, this.cnpg, this.barmanCloud, ...Object.values(issuers)];
    this.registerOutputs({ cnpgNamespace: a.cnpgNamespace, certManagerNamespace: a.certManagerNamespace });
  }
}
