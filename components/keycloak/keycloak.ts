import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { invalidArg } from "../lib/errors";
import { standardLabels } from "../lib/labels";
import { applyTransform as apply, type CustomResourceArgs as CR, type Transform } from "../lib/transform";
import { prometheusRule, serviceMonitor, type PrometheusRuleSpec, type ServiceMonitorSpec } from "../monitoring/monitors";
import { resolveKeycloakArgs, type KeycloakArgs, type ResolvedKeycloakArgs } from "./args";
import { KEYCLOAK_FACTS, operatorLabels } from "./facts";
import { keycloakPrometheusRuleSpec } from "./monitoring";
import { realmJobPolicy, serverPolicy } from "./network";
import { backendTlsHostname, certificateSpec, keycloakSpec, REALM_CONFIGMAP_KEY, realmDocumentJson, realmJobSpec, realmObjectName, realmRevision, serviceMonitorSpec, tlsSecretName } from "./spec";
import { KEYCLOAK_API_VERSION } from "./versions";


/** Escape hatches: each child's args, just before it is created. */
export interface KeycloakTransforms {
  /** The Keycloak CR. */
  readonly keycloak?: Transform<CR>;
  /** The pods' server certificate. */
  readonly certificate?: Transform<CR>;
  /** The gateway's BackendTLSPolicy to the pods. */
  readonly backendTlsPolicy?: Transform<CR>;
  /** The realm document (named by its hash). */
  readonly realmConfigMap?: Transform<k8s.core.v1.ConfigMapArgs>;
  /** The keycloak-config-cli Job (named by the document's hash). */
  readonly realmJob?: Transform<k8s.batch.v1.JobArgs>;
  /** PodDisruptionBudget of the servers. */
  readonly pdb?: Transform<k8s.policy.v1.PodDisruptionBudgetArgs>;
  /** NetworkPolicy of the servers. */
  readonly networkPolicy?: Transform<k8s.networking.v1.NetworkPolicyArgs>;
  /** NetworkPolicy of the realm Job. */
  readonly realmJobNetworkPolicy?: Transform<k8s.networking.v1.NetworkPolicyArgs>;
  /** ServiceMonitor on the management port. */
  readonly serviceMonitor?: Transform<CR>;
  /** The Keycloak alerts. */
  readonly prometheusRule?: Transform<CR>;
}

/** KeycloakArgs plus what the component waits for and its transforms. */
export interface KeycloakComponentArgs extends KeycloakArgs {
  /** The operator (KeycloakOperator.ready), or nothing when the cluster has its own. @default [] */
  readonly operatorReady?: readonly pulumi.Resource[];
  /** The prometheus-operator CRDs. */
  readonly monitoringCrdsReady?: readonly pulumi.Resource[];
  /** cert-manager. */
  readonly certManagerReady?: readonly pulumi.Resource[];
  /** Gateway API CRDs (BackendTLSPolicy), when this stack installs them. @default [] */
  readonly gatewayCrdsReady?: readonly pulumi.Resource[];
  /** The database and the Secrets the server and the realm Job read. @default [] */
  readonly dependsOnData?: readonly pulumi.Resource[];
  /** Escape hatches per child. */
  readonly transform?: KeycloakTransforms;
}

/**
 * Keycloak run by the Keycloak operator, hardened: the CR with TLS, proxy headers, hostnames
 * (admin on its own), management port, metrics, restricted pod template and its own database on
 * the PostgresCluster; the realm as code applied by a keycloak-config-cli Job whose name changes
 * with the document (so `pulumi up` re-runs it, and waits for it); the gateway's BackendTLSPolicy
 * (re-encrypting to 8443); PDB, NetworkPolicies, ServiceMonitor and alerts.
 */
export class Keycloak extends pulumi.ComponentResource {
  /** The resolved args. */
  public readonly args: ResolvedKeycloakArgs;
  /** The Keycloak CR. */
  public readonly keycloak: k8s.apiextensions.CustomResource;
  /** The pods' server certificate. */
  public readonly certificate: k8s.apiextensions.CustomResource;
  /** The gateway's BackendTLSPolicy to the pods. */
  public readonly backendTlsPolicy: k8s.apiextensions.CustomResource;
  /** The realm document (named by its hash). */
  public readonly realmConfigMap: k8s.core.v1.ConfigMap;
  /** The keycloak-config-cli Job (named by the document's hash). */
  public readonly realmJob: k8s.batch.v1.Job;
  /** PodDisruptionBudget of the servers. */
  public readonly pdb: k8s.policy.v1.PodDisruptionBudget;
  /** NetworkPolicy of the servers. */
  public readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
  /** ServiceMonitor on the management port. */
  public readonly serviceMonitor: k8s.apiextensions.CustomResource;
  /** The Keycloak alerts. */
  public readonly prometheusRule?: k8s.apiextensions.CustomResource;
  /** The operator's Service and its https port: what routes send to. */
  public readonly service: { readonly name: string; readonly port: number };
  /** The realm's issuer URL. */
  public readonly issuerUrl: string;

  constructor(name: string, args: KeycloakComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:identity:Keycloak", name, {}, opts);
    const a = resolveKeycloakArgs(name, args);
    this.args = a;
    const t = args.transform ?? {};
    const ns = a.namespace;
    const labels = { ...a.labels, ...standardLabels({ name: a.name, instance: a.instance, component: "identity" }) };
    const child = (...own: (pulumi.Resource | undefined)[]): pulumi.CustomResourceOptions => ({ parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...own) });
    this.service = { name: KEYCLOAK_FACTS.service(a.name), port: KEYCLOAK_FACTS.ports.https.port };
    this.issuerUrl = a.issuerUrl;

    this.certificate = new k8s.apiextensions.CustomResource(
      `${name}-certificate`,
      apply(t.certificate, { apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: tlsSecretName(a), namespace: ns, labels }, spec: certificateSpec(a) }),
      child(...(args.certManagerReady ?? [])),
    );

    this.keycloak = new k8s.apiextensions.CustomResource(
      `${name}-keycloak`,
      apply(t.keycloak, {
        apiVersion: KEYCLOAK_API_VERSION,
        kind: "Keycloak",
        // Pulumi waits for the operator's Ready condition (KeycloakStatusCondition.READY), so the realm Job starts after the server.
        metadata: { name: a.name, namespace: ns, labels, annotations: { "pulumi.com/waitFor": "condition=Ready" } },
        spec: keycloakSpec(a),
      }),
      child(...(args.operatorReady ?? []), this.certificate, ...(args.dependsOnData ?? [])),
    );

    // The operator creates no PodDisruptionBudget: one server at a time (sessions live on the others).
    this.pdb = new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      apply(t.pdb, { metadata: { name: a.name, namespace: ns, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: operatorLabels(a.name) } } }),
      child(),
    );
    this.networkPolicy = new k8s.networking.v1.NetworkPolicy(`${name}-networkpolicy`, apply(t.networkPolicy, { metadata: { name: a.name, namespace: ns, labels }, spec: serverPolicy(a) }), child());
    new k8s.networking.v1.NetworkPolicy(`${name}-realm-networkpolicy`, apply(t.realmJobNetworkPolicy, { metadata: { name: `${a.name}-realm`, namespace: ns, labels }, spec: realmJobPolicy(a) }), child());

    // Gateway API BackendTLSPolicy: the gateway re-encrypts to the pods' https port and verifies their certificate.
    this.backendTlsPolicy = new k8s.apiextensions.CustomResource(
      `${name}-backendtlspolicy`,
      apply(t.backendTlsPolicy, {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "BackendTLSPolicy",
        metadata: { name: a.name, namespace: ns, labels },
        spec: {
          targetRefs: [{ group: "", kind: "Service", name: this.service.name, sectionName: KEYCLOAK_FACTS.ports.https.name }],
          validation: { caCertificateRefs: [{ group: "", kind: "Secret", name: tlsSecretName(a) }], hostname: backendTlsHostname(a) },
        },
      }),
      child(...(args.gatewayCrdsReady ?? [])),
    );

    // The realm: document in a ConfigMap and a Job, both named by the document's hash.
    const objName = realmObjectName(a);
    const revision = realmRevision(a);
    const realmLabels = { ...labels, "platform.dev/realm-revision": revision };
    this.realmConfigMap = new k8s.core.v1.ConfigMap(
      `${name}-realm`,
      apply(t.realmConfigMap, { metadata: { name: objName, namespace: ns, labels: realmLabels }, immutable: true, data: { [REALM_CONFIGMAP_KEY]: realmDocumentJson(a) } }),
      { ...child(), deleteBeforeReplace: true },
    );
    this.realmJob = new k8s.batch.v1.Job(
      `${name}-realm-job`,
      apply(t.realmJob, { metadata: { name: objName, namespace: ns, labels: realmLabels, annotations: { "platform.dev/realm-revision": revision } }, spec: realmJobSpec(a, objName) as unknown as k8s.types.input.batch.v1.JobSpec }),
      { ...child(this.keycloak, this.realmConfigMap, ...(args.dependsOnData ?? [])), deleteBeforeReplace: true },
    );

    const monOpts = child(...(args.monitoringCrdsReady ?? []));
    this.serviceMonitor = serviceMonitor(`${name}-servicemonitor`, { name: a.name, namespace: ns, labels, spec: serviceMonitorSpec(a) as ServiceMonitorSpec, transform: t.serviceMonitor }, monOpts);
    if (args.monitoring.rules ?? true) {
      let spec: Record<string, unknown>;
      try {
        spec = keycloakPrometheusRuleSpec(args.monitoring, [{ job: this.service.name, namespace: ns, reads: "the Keycloak alerts and dashboard" }]);
      } catch (e) {
        throw invalidArg("Keycloak", "monitoring", "alert options", `are invalid: ${(e as Error).message}`);
      }
      this.prometheusRule = prometheusRule(`${name}-prometheusrule`, { name: `${a.name}-alerts`, namespace: ns, labels, spec: spec as unknown as PrometheusRuleSpec, transform: t.prometheusRule }, monOpts);
    }
    this.registerOutputs({ issuerUrl: a.issuerUrl, service: this.service, realmRevision: revision });
  }
}
