import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { invalidArg } from "../lib/errors";
import { standardLabels } from "../lib/labels";
import { podMonitor, prometheusRule, type PodMonitorSpec, type PrometheusRuleSpec } from "../monitoring/monitors";
import { resolvePostgresClusterArgs, type PostgresClusterArgs, type ResolvedPostgresClusterArgs } from "./args";
import { createInClusterStore, type InClusterStore, type InClusterStoreTransforms } from "./in-cluster-store";
import { instancePodMonitorSpec, poolerPodMonitorSpec, postgresScrapes, prometheusRuleSpec } from "./monitoring";
import { CUSTOM_QUERIES_KEY, customQueriesYaml } from "./queries";
import { grantsPolicy, instancesPolicy, poolerPolicy } from "./network";
import { grantsJobName, grantsJobSpec, rwServiceName, splitDatabases } from "./tenancy";
import { createS3Backups, type S3Backups, type S3Transforms } from "./s3";
import { clusterSpec, databaseSpec, objectStoreSpec, poolerSelector, poolerSpec, scheduledBackupSpec } from "./spec";
import { applyTransform as apply, type Transform } from "../lib/transform";

import type { CustomResourceArgs as CR } from "../lib/transform";

/** Escape hatches of {@link PostgresCluster}, one per child. */
export interface PostgresClusterTransforms extends S3Transforms, InClusterStoreTransforms {
  /** The CloudNativePG Cluster. */
  readonly cluster?: Transform<CR>;
  /** The CloudNativePG Pooler (PgBouncer). */
  readonly pooler?: Transform<CR>;
  /** The Barman Cloud ObjectStore. */
  readonly objectStore?: Transform<CR>;
  /** The CloudNativePG ScheduledBackup of the base backups. */
  readonly scheduledBackup?: Transform<CR>;
  /** Each CloudNativePG Database. */
  readonly database?: Transform<CR>;
  /** Each PodMonitor (instances, pooler); the monitoring label is re-applied after it. */
  readonly podMonitor?: Transform<CR>;
  /** The PrometheusRule with the PostgreSQL alerts; the monitoring label is re-applied after it. */
  readonly prometheusRule?: Transform<CR>;
  /** Each NetworkPolicy (instances, pooler, grants). */
  readonly networkPolicy?: Transform<k8s.networking.v1.NetworkPolicyArgs>;
  /** The pooler's PodDisruptionBudget (with more than one pooler instance). */
  readonly poolerPdb?: Transform<k8s.policy.v1.PodDisruptionBudgetArgs>;
  /** Each Job granting a runtime role its privileges. */
  readonly grantsJob?: Transform<k8s.batch.v1.JobArgs>;
}

/** {@link PostgresClusterArgs} plus what the custom resources wait for and the escape hatches per child. */
export interface PostgresClusterComponentArgs extends PostgresClusterArgs {
  /** Operators and CRDs (CloudNativePG, Barman Cloud plugin) every custom resource waits for. @default [] */
  readonly operatorsReady?: readonly pulumi.Resource[];
  /** prometheus-operator CRDs the PodMonitors and PrometheusRule wait for. @default [] */
  readonly monitoringCrdsReady?: readonly pulumi.Resource[];
  /** Clock of the restore-target guard. @default - now */
  readonly now?: Date;
  /** Escape hatch per child, applied to its args just before it is created. */
  readonly transform?: PostgresClusterTransforms;
}

/**
 * PostgreSQL on CloudNativePG with continuous WAL archiving and point-in-time
 * recovery through the Barman Cloud plugin: Cluster, PgBouncer Pooler, managed
 * roles and Databases, ObjectStore + ScheduledBackup, S3 bucket with IRSA (AWS)
 * or an in-cluster S3 store, NetworkPolicies, PodMonitors and alert rules.
 */
export class PostgresCluster extends pulumi.ComponentResource {
  /** The resolved args the component was built from. */
  public readonly args: ResolvedPostgresClusterArgs;
  /** Kubernetes name of the running generation's Cluster (and its Barman server name). */
  public readonly clusterName: string;
  /** Barman server name this generation archives under. */
  public readonly serverName: string;
  /** Host apps connect to: the PgBouncer pooler's Service. */
  public readonly host: string;
  /** Port apps connect to, on `host` and `directHost`. */
  public readonly port = 5432;
  /** Labels of the pooler pods (for the apps' egress policies). */
  public readonly poolerPodLabels: Readonly<Record<string, string>>;
  /**
   * Credentials apps serve requests with (basic-auth Secret names), by database: the runtime
   * role's where the database has one, else the owner's.
   */
  public readonly secretNames: Readonly<Record<string, string>>;
  /** Owner credentials by database: for migrations, over `directHost`, never through the pooler. */
  public readonly ownerSecretNames: Readonly<Record<string, string>>;
  /** The primary's `-rw` Service (migrations connect here directly). */
  public readonly directHost: string;
  /** Jobs granting each runtime role its privileges (as the owner), by database. */
  public readonly grantsJobs: Readonly<Record<string, k8s.batch.v1.Job>>;
  /** CA of the cluster's server certificates (CloudNativePG-generated), for `sslmode=verify-full`. */
  public readonly caSecretName: string;
  /** Where backups go: `s3://bucket/prefix/cluster`. */
  public readonly destinationPath: string;
  /** The CloudNativePG Cluster (kept on delete while `deletionProtection` is on). */
  public readonly cluster: k8s.apiextensions.CustomResource;
  /** The CloudNativePG Pooler `<baseName>-pooler-rw` in front of the primary. */
  public readonly pooler: k8s.apiextensions.CustomResource;
  /** The PgBouncer pods' PodDisruptionBudget (maxUnavailable 1), with more than one pooler instance; CloudNativePG makes none. */
  public readonly poolerPdb?: k8s.policy.v1.PodDisruptionBudget;
  /** The Barman Cloud ObjectStore the cluster archives WAL and base backups to. */
  public readonly objectStore: k8s.apiextensions.CustomResource;
  /** ConfigMap of custom monitoring queries (pg_stat_statements top statements). */
  public readonly monitoringQueries: k8s.core.v1.ConfigMap;
  /** The ScheduledBackup `<clusterName>-daily` of base backups. */
  public readonly scheduledBackup: k8s.apiextensions.CustomResource;
  /** One CloudNativePG Database per entry of `databases`. */
  public readonly databases: readonly k8s.apiextensions.CustomResource[];
  /** NetworkPolicies of the instances, the pooler and (with runtime roles) the grants Jobs. */
  public readonly networkPolicies: readonly k8s.networking.v1.NetworkPolicy[];
  /** PodMonitors of the instances and of the pooler. */
  public readonly podMonitors: readonly k8s.apiextensions.CustomResource[];
  /** PrometheusRule `<baseName>-alerts`; undefined when `monitoring.rules` is false. */
  public readonly prometheusRule?: k8s.apiextensions.CustomResource;
  /** The S3 bucket and IRSA role; undefined unless `objectStore.kind` is "s3". */
  public readonly s3?: S3Backups;
  /** The in-cluster object store; undefined unless `objectStore.kind` is "in-cluster". */
  public readonly store?: InClusterStore;

  constructor(name: string, args: PostgresClusterComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:PostgresCluster", name, {}, opts);
    const a = resolvePostgresClusterArgs(name, args, args.now);
    this.args = a;
    const t = args.transform ?? {};
    const ns = a.namespace;
    const labels = { ...args.labels, ...standardLabels({ name: a.baseName, instance: a.instance, component: "database" }) };
    const crOpts = (extra: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({ parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...(args.operatorsReady ?? []), ...extra) });

    let credentialsSecret: string | undefined;
    let roleArn: pulumi.Output<string> | undefined;
    const storeDeps: pulumi.Resource[] = [];
    if (a.objectStore.kind === "s3") {
      this.s3 = createS3Backups(name, a, this, t);
      roleArn = this.s3.role.arn;
      storeDeps.push(this.s3.rolePolicy, this.s3.policy);
    } else {
      this.store = createInClusterStore(name, a, this, t, childDependsOn(opts?.dependsOn));
      credentialsSecret = `${a.storeName}-credentials`;
      storeDeps.push(this.store.credentials, this.store.service);
    }

    this.objectStore = new k8s.apiextensions.CustomResource(
      `${name}-objectstore`,
      apply(t.objectStore, {
        apiVersion: "barmancloud.cnpg.io/v1",
        kind: "ObjectStore",
        metadata: { name: a.objectStoreName, namespace: ns, labels },
        spec: objectStoreSpec(a, credentialsSecret),
      }),
      crOpts(storeDeps),
    );

    // Slowest statements from pg_stat_statements, exported by the instance manager (see queries.ts).
    this.monitoringQueries = new k8s.core.v1.ConfigMap(
      `${name}-monitoring-queries`,
      {
        metadata: { name: `${a.baseName}-monitoring`, namespace: ns, labels: { ...labels, "cnpg.io/reload": "" } },
        data: { [CUSTOM_QUERIES_KEY]: customQueriesYaml(a.databases[0]!.name) },
      },
      { parent: this, dependsOn: childDependsOn(opts?.dependsOn) },
    );

    const clusterArgs: CR = {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: {
        name: a.clusterName,
        namespace: ns,
        labels: { ...labels, "platform.dev/restore-generation": String(a.generation) },
        annotations: {
          // `pulumi up` waits until the cluster serves (recovery included) before the pooler and apps switch to it.
          "pulumi.com/waitFor": "condition=Ready",
          "pulumi.com/timeoutSeconds": a.restore ? "21600" : "1800",
        },
      },
      spec: { ...clusterSpec(a, labels, roleArn), monitoring: { customQueriesConfigMap: [{ name: `${a.baseName}-monitoring`, key: CUSTOM_QUERIES_KEY }] } },
    };
    this.cluster = new k8s.apiextensions.CustomResource(`${name}-cluster`, apply(t.cluster, clusterArgs), {
      ...crOpts([this.objectStore, this.monitoringQueries]),
      // A restore creates a new Cluster; the old one keeps running until it is retired by hand.
      retainOnDelete: a.deletionProtection,
      // Bootstrap only matters at creation: dropping restore.targetTime afterwards changes nothing.
      ignoreChanges: ["spec.bootstrap"],
    });

    this.databases = a.databases.map(
      (d) =>
        new k8s.apiextensions.CustomResource(
          `${name}-database-${d.name.replace(/_/g, "-")}`,
          apply(t.database, {
            apiVersion: "postgresql.cnpg.io/v1",
            kind: "Database",
            metadata: {
              name: `${a.clusterName}-${d.name.replace(/_/g, "-")}`,
              namespace: ns,
              labels,
              // Applied = the database exists with its owner (CloudNativePG v1.30.0 DatabaseStatus.applied): the grants wait for it.
              annotations: { "pulumi.com/waitFor": "jsonpath={.status.applied}=true", "pulumi.com/timeoutSeconds": "900" },
            },
            spec: databaseSpec(a, d),
          }),
          crOpts([this.cluster]),
        ),
    );

    const grantsJobs: Record<string, k8s.batch.v1.Job> = {};
    for (const d of splitDatabases(a)) {
      const i = a.databases.indexOf(d);
      grantsJobs[d.name] = new k8s.batch.v1.Job(
        `${name}-grants-${d.name.replace(/_/g, "-")}`,
        apply(t.grantsJob, {
          metadata: { name: grantsJobName(a, d), namespace: ns, labels: { ...labels, "app.kubernetes.io/component": "database-grants" }, annotations: { "pulumi.com/timeoutSeconds": "900" } },
          spec: grantsJobSpec(a, d, labels),
        }),
        { parent: this, dependsOn: childDependsOn(opts?.dependsOn, this.cluster, this.databases[i]!) },
      );
    }
    this.grantsJobs = grantsJobs;

    this.pooler = new k8s.apiextensions.CustomResource(
      `${name}-pooler`,
      apply(t.pooler, { apiVersion: "postgresql.cnpg.io/v1", kind: "Pooler", metadata: { name: a.pooler.name, namespace: ns, labels }, spec: poolerSpec(a) }),
      crOpts([this.cluster]),
    );

    if (a.pooler.instances > 1) {
      this.poolerPdb = new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pooler-pdb`,
        apply(t.poolerPdb, {
          metadata: { name: a.pooler.name, namespace: ns, labels },
          spec: { maxUnavailable: 1, selector: { matchLabels: poolerSelector(a.pooler.name) }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
        }),
        { parent: this, dependsOn: childDependsOn(opts?.dependsOn) },
      );
    }

    this.scheduledBackup = new k8s.apiextensions.CustomResource(
      `${name}-scheduledbackup`,
      apply(t.scheduledBackup, {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "ScheduledBackup",
        metadata: { name: `${a.clusterName}-daily`, namespace: ns, labels },
        spec: scheduledBackupSpec(a),
      }),
      crOpts([this.cluster]),
    );

    const np = (role: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
      new k8s.networking.v1.NetworkPolicy(
        `${name}-networkpolicy-${role}`,
        apply(t.networkPolicy, { metadata: { name: `${a.baseName}-${role}`, namespace: ns, labels }, spec }),
        { parent: this, dependsOn: childDependsOn(opts?.dependsOn) },
      );
    this.networkPolicies = [np("instances", instancesPolicy(a)), np("pooler", poolerPolicy(a)), ...(splitDatabases(a).length > 0 ? [np("grants", grantsPolicy(a))] : [])];

    const monOpts: pulumi.CustomResourceOptions = { parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...(args.monitoringCrdsReady ?? [])) };
    // Through the labelled factories: a monitor without the selector label can't be built.
    this.podMonitors = [
      podMonitor(`${name}-podmonitor`, { name: a.baseName, namespace: ns, labels, spec: instancePodMonitorSpec(a) as PodMonitorSpec, transform: t.podMonitor }, monOpts),
      podMonitor(`${name}-pooler-podmonitor`, { name: a.pooler.name, namespace: ns, labels, spec: poolerPodMonitorSpec(a) as PodMonitorSpec, transform: t.podMonitor }, monOpts),
    ];
    if (args.monitoring.rules ?? true) {
      let spec: Record<string, unknown>;
      try {
        spec = prometheusRuleSpec(args.monitoring, postgresScrapes(a), splitDatabases(a).map((d) => d.owner));
      } catch (e) {
        throw invalidArg("PostgresCluster", "monitoring", "alert options", `are invalid: ${(e as Error).message}`);
      }
      this.prometheusRule = prometheusRule(
        `${name}-prometheusrule`,
        { name: `${a.baseName}-alerts`, namespace: ns, labels, spec: spec as unknown as PrometheusRuleSpec, transform: t.prometheusRule },
        monOpts,
      );
    }

    this.clusterName = a.clusterName;
    this.serverName = a.layout.serverName;
    this.host = `${a.pooler.name}.${ns}.svc.cluster.local`;
    this.poolerPodLabels = poolerSelector(a.pooler.name);
    this.secretNames = Object.fromEntries(a.databases.map((d) => [d.name, d.runtime?.passwordSecret ?? d.passwordSecret]));
    this.ownerSecretNames = Object.fromEntries(a.databases.map((d) => [d.name, d.passwordSecret]));
    this.directHost = `${rwServiceName(a.clusterName)}.${ns}.svc.cluster.local`;
    this.caSecretName = `${a.clusterName}-ca`;
    this.destinationPath = a.layout.destinationPath;
    this.registerOutputs({
      clusterName: this.clusterName,
      serverName: this.serverName,
      host: this.host,
      port: this.port,
      secretNames: this.secretNames,
      ownerSecretNames: this.ownerSecretNames,
      directHost: this.directHost,
      destinationPath: this.destinationPath,
      bucket: a.layout.bucket,
    });
  }
}
