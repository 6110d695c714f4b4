import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { serverCertificateSpec } from "../lib/certificates";
import { childDependsOn } from "../lib/deps";
import { invalidArg } from "../lib/errors";
import { standardLabels } from "../lib/labels";
import { applyTransform as apply, type Transform } from "../lib/transform";
import { prometheusRule, serviceMonitor, type PrometheusRuleSpec, type ServiceMonitorSpec } from "../monitoring/monitors";
import { resolveRedisArgs, type RedisArgs, type ResolvedRedisArgs } from "./args";
import type { RedisConnection } from "./connection";
import { redisFiles } from "./files";
import { dataServiceMonitorSpec, redisPrometheusRuleSpec, redisScrapes, sentinelServiceMonitorSpec } from "./monitoring";
import { dataPolicy, sentinelPolicy } from "./network";
import { derivedFromAnnotations, rotationAnnotationsFor } from "../secrets/rotation";
import {
  certificateDnsNames,
  clientServiceSpec,
  configHash,
  configNames,
  dataSelector,
  dataStatefulSetSpec,
  headlessServiceSpec,
  sentinelHeadlessServiceSpec,
  sentinelSelector,
  sentinelServiceSpec,
  sentinelStatefulSetSpec,
} from "./spec";

import type { CustomResourceArgs as CR } from "../lib/transform";

/** Escape hatches of {@link Redis}, one per child. */
export interface RedisTransforms {
  /** The data pods' StatefulSet. */
  readonly statefulSet?: Transform<k8s.apps.v1.StatefulSetArgs>;
  /** The Sentinels' StatefulSet (mode "sentinel"). */
  readonly sentinelStatefulSet?: Transform<k8s.apps.v1.StatefulSetArgs>;
  /** Every Service (headless, client, Sentinel). */
  readonly service?: Transform<k8s.core.v1.ServiceArgs>;
  /** ConfigMap `<name>-config` with the non-secret configuration files. */
  readonly configMap?: Transform<k8s.core.v1.ConfigMapArgs>;
  /** Secret `<name>-config` with the ACL file and other files carrying passwords. */
  readonly secret?: Transform<k8s.core.v1.SecretArgs>;
  /** Every PodDisruptionBudget (data pods and Sentinels). */
  readonly pdb?: Transform<k8s.policy.v1.PodDisruptionBudgetArgs>;
  /** Every NetworkPolicy (data pods and Sentinels). */
  readonly networkPolicy?: Transform<k8s.networking.v1.NetworkPolicyArgs>;
  /** Every ServiceMonitor; the monitoring label is re-applied after it. */
  readonly serviceMonitor?: Transform<CR>;
  /** The PrometheusRule with the Redis alerts; the monitoring label is re-applied after it. */
  readonly prometheusRule?: Transform<CR>;
  /** The cert-manager Certificate of the server (with `tls`). */
  readonly certificate?: Transform<CR>;
}

/** {@link RedisArgs} plus what the monitors wait for and the escape hatches per child. */
export interface RedisComponentArgs extends RedisArgs {
  /** prometheus-operator CRDs the monitors and the PrometheusRule wait for. @default [] */
  readonly monitoringCrdsReady?: readonly pulumi.Resource[];
  /** cert-manager (CRDs and controller) the Certificate waits for, with TLS on. @default [] */
  readonly certManagerReady?: readonly pulumi.Resource[];
  /**
   * Rotation counters of the generated secrets (`GeneratedSecrets.rotation`): the pods carry
   * those of `users.app` and `users.admin`, whose passwords go hashed into the ACL file, so a
   * rotated password rolls them onto the new ACL (components/secrets/rotation.ts).
   * @default {} - no rotation stamp
   */
  readonly secretRotation?: Readonly<Record<string, string>>;
  /** Escape hatch per child, applied to its args just before it is created. */
  readonly transform?: RedisTransforms;
}

/**
 * Redis or Valkey on an official image: a StatefulSet with a volume per pod, AOF +
 * RDB persistence, ACL users (default off, an app user, an admin user), maxmemory
 * from the memory limit, authenticated probes, a redis_exporter sidecar, restricted
 * pods; standalone, or a primary with replicas and Sentinels that address every
 * pod by its stable DNS name. Services, PDBs, NetworkPolicies, ServiceMonitors and
 * alert rules included.
 */
export class Redis extends pulumi.ComponentResource {
  /** The resolved args the component was built from. */
  public readonly args: ResolvedRedisArgs;
  /** How applications connect (for springRedisEnv / nodeRedisEnv). */
  public readonly connection: RedisConnection;
  /** StatefulSet `<name>` of the data pods. */
  public readonly statefulSet: k8s.apps.v1.StatefulSet;
  /** StatefulSet `<name>-sentinel` of the Sentinels; undefined in mode "standalone". */
  public readonly sentinelStatefulSet?: k8s.apps.v1.StatefulSet;
  /** ConfigMap `<name>-config` with the non-secret configuration files. */
  public readonly configMap: k8s.core.v1.ConfigMap;
  /** Secret `<name>-config` with the ACL file and other files carrying passwords. */
  public readonly configSecret: k8s.core.v1.Secret;
  /** Services: `<name>-headless`, and `<name>` (standalone) or `<name>-sentinel-headless` and `<name>-sentinel` (Sentinel). */
  public readonly services: readonly k8s.core.v1.Service[];
  /** PodDisruptionBudgets (`maxUnavailable: 1`) of the data pods and the Sentinels. */
  public readonly pdbs: readonly k8s.policy.v1.PodDisruptionBudget[];
  /** NetworkPolicies of the data pods and the Sentinels. */
  public readonly networkPolicies: readonly k8s.networking.v1.NetworkPolicy[];
  /** ServiceMonitors of the data pods' and the Sentinels' exporters. */
  public readonly serviceMonitors: readonly k8s.apiextensions.CustomResource[];
  /** PrometheusRule `<name>-alerts`; undefined when `monitoring.rules` is false. */
  public readonly prometheusRule?: k8s.apiextensions.CustomResource;
  /** cert-manager Certificate `<name>-tls` of the server; undefined without `tls`. */
  public readonly certificate?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: RedisComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:Redis", name, {}, opts);
    const a = resolveRedisArgs(name, args);
    this.args = a;
    const t = args.transform ?? {};
    const ns = a.namespace;
    const labels = { ...a.labels, ...standardLabels({ name: a.name, instance: a.instance, component: "cache" }) };
    const sentinelLabels = { ...a.labels, ...standardLabels({ name: `${a.name}-sentinel`, instance: a.instance, component: "sentinel" }) };
    const child = (...own: (pulumi.Resource | undefined)[]): pulumi.CustomResourceOptions => ({ parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...own) });
    const names = configNames(a);

    // The non-secret shape of every file (passwords as placeholders) decides when pods roll; a password
    // rotation (GeneratedSecrets `rotation`) rolls them through the rotation stamp below.
    const shape = redisFiles(a, { app: "<app>", admin: "<admin>" });
    // A rotated password changes the ACL file: its rotation stamp rolls the pods (components/secrets/rotation.ts).
    const rotation = rotationAnnotationsFor([a.users.app.secretName, a.users.admin.secretName], args.secretRotation ?? {});
    const stamped = (spec: k8s.types.input.apps.v1.StatefulSetSpec): k8s.types.input.apps.v1.StatefulSetSpec => {
      const tpl = spec.template as k8s.types.input.core.v1.PodTemplateSpec;
      const meta = (tpl.metadata ?? {}) as k8s.types.input.meta.v1.ObjectMeta;
      return { ...spec, template: { ...tpl, metadata: { ...meta, annotations: { ...(meta.annotations as Record<string, string> | undefined), ...rotation } } } };
    };
    const hash = configHash({ ...shape.config, ...shape.secret });

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-serviceaccount`,
      { metadata: { name: a.name, namespace: ns, labels }, automountServiceAccountToken: false },
      child(),
    );
    this.configMap = new k8s.core.v1.ConfigMap(
      `${name}-configmap`,
      apply(t.configMap, { metadata: { name: names.configMap, namespace: ns, labels }, data: { ...shape.config } }),
      child(),
    );
    const secretFiles = pulumi
      .all([a.users.app.password, a.users.admin.password])
      .apply(([app, admin]) => ({ ...redisFiles(a, { app, admin }).secret }));
    this.configSecret = new k8s.core.v1.Secret(
      `${name}-config-secret`,
      apply(t.secret, {
        metadata: { name: names.secret, namespace: ns, labels, annotations: derivedFromAnnotations([a.users.app.secretName, a.users.admin.secretName]) },
        type: "Opaque",
        stringData: pulumi.secret(secretFiles),
      }),
      child(),
    );

    if (a.tls) {
      const certArgs: CR = {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: names.tls, namespace: ns, labels },
        spec: serverCertificateSpec({ secretName: names.tls, issuer: a.tls.issuer, dnsNames: certificateDnsNames(a), ipAddresses: ["127.0.0.1"], usages: ["server auth", "client auth"] }),
      };
      this.certificate = new k8s.apiextensions.CustomResource(`${name}-certificate`, apply(t.certificate, certArgs), child(...(args.certManagerReady ?? [])));
    }

    const svc = (role: string, svcName: string, l: Record<string, string>, spec: k8s.types.input.core.v1.ServiceSpec) =>
      new k8s.core.v1.Service(`${name}-${role}`, apply(t.service, { metadata: { name: svcName, namespace: ns, labels: l }, spec }), child());
    const services = [svc("headless", a.headless, labels, headlessServiceSpec(a))];
    if (a.mode === "standalone") services.push(svc("service", a.name, labels, clientServiceSpec(a)));

    const podDeps = [serviceAccount, this.configMap, this.configSecret, this.certificate];
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      apply(t.statefulSet, { metadata: { name: a.name, namespace: ns, labels }, spec: stamped(dataStatefulSetSpec(a, labels, hash)) }),
      child(...podDeps, services[0]),
    );

    // maxUnavailable: 1 can never block a drain, whatever the replica count.
    const pdb = (role: string, pdbName: string, l: Record<string, string>, selector: Record<string, string>) =>
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-${role}`,
        apply(t.pdb, { metadata: { name: pdbName, namespace: ns, labels: l }, spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" } }),
        child(),
      );
    const pdbs = [pdb("pdb", a.name, labels, dataSelector(a))];
    const np = (role: string, npName: string, l: Record<string, string>, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
      new k8s.networking.v1.NetworkPolicy(`${name}-networkpolicy-${role}`, apply(t.networkPolicy, { metadata: { name: npName, namespace: ns, labels: l }, spec }), child());
    const policies = [np("data", a.name, labels, dataPolicy(a))];

    const monOpts = child(...(args.monitoringCrdsReady ?? []));
    const monitors = [
      serviceMonitor(`${name}-servicemonitor`, { name: a.name, namespace: ns, labels, spec: dataServiceMonitorSpec(a) as ServiceMonitorSpec, transform: t.serviceMonitor }, monOpts),
    ];

    if (a.sentinel) {
      const s = a.sentinel;
      services.push(svc("sentinel-headless", s.headless, sentinelLabels, sentinelHeadlessServiceSpec(a)));
      services.push(svc("sentinel-service", s.name, sentinelLabels, sentinelServiceSpec(a)));
      this.sentinelStatefulSet = new k8s.apps.v1.StatefulSet(
        `${name}-sentinel-statefulset`,
        apply(t.sentinelStatefulSet, { metadata: { name: s.name, namespace: ns, labels: sentinelLabels }, spec: stamped(sentinelStatefulSetSpec(a, sentinelLabels, hash)) }),
        child(...podDeps, services[services.length - 2]),
      );
      pdbs.push(pdb("sentinel-pdb", s.name, sentinelLabels, sentinelSelector(a)));
      policies.push(np("sentinel", s.name, sentinelLabels, sentinelPolicy(a)));
      monitors.push(
        serviceMonitor(
          `${name}-sentinel-servicemonitor`,
          { name: s.name, namespace: ns, labels: sentinelLabels, spec: sentinelServiceMonitorSpec(a) as ServiceMonitorSpec, transform: t.serviceMonitor },
          monOpts,
        ),
      );
    }
    this.services = services;
    this.pdbs = pdbs;
    this.networkPolicies = policies;
    this.serviceMonitors = monitors;

    if (args.monitoring.rules ?? true) {
      let spec: Record<string, unknown>;
      try {
        spec = redisPrometheusRuleSpec(args.monitoring, redisScrapes(a), a.sentinel !== undefined);
      } catch (e) {
        throw invalidArg("Redis", "monitoring", "alert options", `are invalid: ${(e as Error).message}`);
      }
      this.prometheusRule = prometheusRule(
        `${name}-prometheusrule`,
        { name: `${a.name}-alerts`, namespace: ns, labels, spec: spec as unknown as PrometheusRuleSpec, transform: t.prometheusRule },
        monOpts,
      );
    }

    const app = a.users.app;
    const password = { secret: app.secretName, key: app.key };
    this.connection =
      a.mode === "sentinel"
        ? {
            mode: "sentinel",
            port: a.port,
            sentinels: Array.from({ length: a.sentinel!.replicas }, (_, i) => ({ host: a.sentinelHost(i), port: a.sentinelPort })),
            masterName: a.sentinel!.masterName,
            username: app.username,
            password,
            tls: a.tls !== undefined,
            peers: [
              { podLabels: dataSelector(a), ports: [a.port] },
              { podLabels: sentinelSelector(a), ports: [a.sentinelPort] },
            ],
          }
        : {
            mode: "standalone",
            host: `${a.name}.${ns}.svc.${a.clusterDomain}`,
            port: a.port,
            username: app.username,
            password,
            tls: a.tls !== undefined,
            peers: [{ podLabels: dataSelector(a), ports: [a.port] }],
          };
    this.registerOutputs({ mode: a.mode, host: this.connection.host, sentinels: this.connection.sentinels, port: a.port });
  }
}
