/**
 * Redis on AWS ElastiCache instead of in the cluster: a replication group with a
 * primary and replicas across availability zones, automatic failover, encryption
 * in transit (TLS required) and at rest, an AUTH token from GeneratedSecrets, a
 * security group that admits only the given CIDRs, and a NetworkPolicy that lets
 * only the declared client pods leave the namespace for it.
 */
import type * as aws from "@pulumi/aws";
import { loadAws } from "../lib/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { invalidArg } from "../lib/errors";
import { standardLabels } from "../lib/labels";
import { applyTransform as apply, type Transform } from "../lib/transform";
import type { MaxmemoryPolicy, RedisClient } from "./args";
import type { RedisConnection } from "./connection";

/** Args of {@link ElastiCacheRedis}: engine and node type, replicas, VPC and subnets, allowed CIDRs, snapshots, the AUTH token and the client pods. */
export interface ElastiCacheArgs {
  /** Namespace of the client pods and of the endpoint Secret. */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance); also the prefix of the replication group id. */
  readonly instance: string;
  /** Base name; the replication group id is `<instance>-<name>`. @default - the component's name */
  readonly name?: string;
  /** `valkey` (7.2 and later, BSD-3) or `redis` (Redis OSS, ElastiCache's last is 7.1). @default "valkey" */
  readonly engine?: "valkey" | "redis";
  /** Engine major.minor; the parameter group family is `<engine><major>`. @example "8.0" */
  readonly engineVersion: string;
  /** ElastiCache node type (`aws.elasticache.ReplicationGroup` `nodeType`). @example "cache.r7g.large" */
  readonly nodeType: string;
  /** Replicas besides the primary (1..5), spread over the subnets' zones. @default 1 */
  readonly replicas?: number;
  /** VPC of the security group that admits `allowedCidrs`. */
  readonly vpcId: string;
  /** Subnets in at least two availability zones. */
  readonly subnetIds: readonly string[];
  /** CIDRs allowed to connect (the EKS cluster's pod and node CIDRs). */
  readonly allowedCidrs: readonly string[];
  /** Daily snapshots kept, 0 = none. @default 7 */
  readonly snapshotRetentionDays?: number;
  /** `maxmemory-policy` of the parameter group. @default "noeviction" */
  readonly maxmemoryPolicy?: MaxmemoryPolicy;
  /** The AUTH token (GeneratedSecrets) and the Secret apps read it from. */
  readonly authToken: { readonly secretName: string; readonly key: string; readonly value: pulumi.Input<string> };
  /** Pods allowed out to the replication group (a NetworkPolicy selecting them). @default [] */
  readonly clients?: readonly RedisClient[];
  /** Keep the replication group when Pulumi deletes or replaces it (`protect`), with a final snapshot on deletion. @default true */
  readonly deletionProtection?: boolean;
  /** Escape hatches for the replication group and the clients' egress NetworkPolicy. */
  readonly transform?: {
    readonly replicationGroup?: Transform<aws.elasticache.ReplicationGroupArgs>;
    readonly networkPolicy?: Transform<k8s.networking.v1.NetworkPolicyArgs>;
  };
}

/** {@link ElastiCacheArgs} with every default applied, as {@link resolveElastiCacheArgs} returns them. */
export interface ResolvedElastiCacheArgs extends Required<Omit<ElastiCacheArgs, "transform" | "name">> {
  /** Base name (default the component's name). */
  readonly name: string;
  /** `<instance>-<name>` in lower case, 1 to 40 characters. */
  readonly replicationGroupId: string;
  /** Parameter group family, `<engine><major>` (e.g. "valkey8"). */
  readonly family: string;
}

const C = "ElastiCacheRedis";
export const ELASTICACHE_PORT = 6379;

/** Validates {@link ElastiCacheArgs} and applies the defaults, creating nothing. Throws {@link PlatformConfigError} naming the bad field and value. */
export function resolveElastiCacheArgs(componentName: string, a: ElastiCacheArgs): ResolvedElastiCacheArgs {
  const name = a.name ?? componentName;
  const replicationGroupId = `${a.instance}-${name}`.toLowerCase();
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(replicationGroupId) || replicationGroupId.includes("--") || replicationGroupId.endsWith("-")) {
    invalidArg(C, "name", name, `makes replication group id "${replicationGroupId}", which must be 1-40 lower-case letters, digits and single hyphens, starting with a letter`);
  }
  const engine = a.engine ?? "valkey";
  const m = /^([0-9]+)\.([0-9]+)$/.exec(a.engineVersion);
  if (!m) invalidArg(C, "engineVersion", a.engineVersion, 'must be major.minor such as "8.0"');
  const major = Number(m[1]);
  if (engine === "redis" && major > 7) invalidArg(C, "engineVersion", a.engineVersion, "is not offered for engine redis: ElastiCache's Redis OSS ends at 7.1 (use engine valkey)");
  if (engine === "valkey" && (major < 7 || (major === 7 && Number(m[2]) < 2))) invalidArg(C, "engineVersion", a.engineVersion, "must be 7.2 or later for engine valkey");
  const replicas = a.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) invalidArg(C, "replicas", replicas, "must be between 1 and 5 (Multi-AZ failover needs a replica)");
  if (a.subnetIds.length < 2) invalidArg(C, "subnetIds", a.subnetIds, "must list subnets in at least two availability zones");
  if (a.allowedCidrs.length === 0) invalidArg(C, "allowedCidrs", [], "must list the CIDRs of the clients (the cluster's pods)");
  const snapshotRetentionDays = a.snapshotRetentionDays ?? 7;
  if (!Number.isInteger(snapshotRetentionDays) || snapshotRetentionDays < 0 || snapshotRetentionDays > 35) invalidArg(C, "snapshotRetentionDays", snapshotRetentionDays, "must be between 0 and 35");
  return {
    namespace: a.namespace,
    instance: a.instance,
    name,
    engine,
    engineVersion: a.engineVersion,
    nodeType: a.nodeType,
    replicas,
    vpcId: a.vpcId,
    subnetIds: a.subnetIds,
    allowedCidrs: a.allowedCidrs,
    snapshotRetentionDays,
    maxmemoryPolicy: a.maxmemoryPolicy ?? "noeviction",
    authToken: a.authToken,
    clients: a.clients ?? [],
    deletionProtection: a.deletionProtection ?? true,
    replicationGroupId,
    family: `${engine}${major}`,
  };
}

/** Redis on AWS ElastiCache (a replication group with its subnet group, security group and parameters), with the same {@link RedisConnection} as the in-cluster {@link Redis}. */
export class ElastiCacheRedis extends pulumi.ComponentResource {
  /** The resolved args the component was built from. */
  public readonly args: ResolvedElastiCacheArgs;
  /** How applications connect (for springRedisEnv / nodeRedisEnv): TLS, host read from `endpointSecret`. */
  public readonly connection: RedisConnection;
  /** The ElastiCache replication group (protected while `deletionProtection` is on). */
  public readonly replicationGroup: aws.elasticache.ReplicationGroup;
  /** Security group admitting TCP 6379 from `allowedCidrs` only. */
  public readonly securityGroup: aws.ec2.SecurityGroup;
  /** Secret holding the primary endpoint's host name (known only once the group exists). */
  public readonly endpointSecret: k8s.core.v1.Secret;
  /** Egress NetworkPolicy for the client pods; undefined when no clients are declared. */
  public readonly networkPolicy?: k8s.networking.v1.NetworkPolicy;

  constructor(name: string, args: ElastiCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:ElastiCacheRedis", name, {}, opts);
    const a = resolveElastiCacheArgs(name, args);
    const sdk = loadAws();
    this.args = a;
    const id = a.replicationGroupId;
    const tags = { "platform:component": "redis", "platform:stack": a.instance };
    const subnets = new sdk.elasticache.SubnetGroup(`${name}-subnets`, { name: id, subnetIds: [...a.subnetIds], description: `Redis of ${a.instance}`, tags }, { parent: this });
    this.securityGroup = new sdk.ec2.SecurityGroup(
      `${name}-securitygroup`,
      {
        name: `${id}-redis`,
        vpcId: a.vpcId,
        description: `Redis of ${a.instance}: TLS on ${ELASTICACHE_PORT} from the cluster only`,
        ingress: [{ protocol: "tcp", fromPort: ELASTICACHE_PORT, toPort: ELASTICACHE_PORT, cidrBlocks: [...a.allowedCidrs], description: "clients in the cluster" }],
        egress: [],
        tags,
      },
      { parent: this },
    );
    const params = new sdk.elasticache.ParameterGroup(
      `${name}-parameters`,
      { name: `${id}-${a.family}`, family: a.family, description: `Redis of ${a.instance}`, parameters: [{ name: "maxmemory-policy", value: a.maxmemoryPolicy }], tags },
      { parent: this },
    );
    const groupArgs: aws.elasticache.ReplicationGroupArgs = {
      replicationGroupId: id,
      description: `Redis of ${a.instance} (platform)`,
      engine: a.engine,
      engineVersion: a.engineVersion,
      nodeType: a.nodeType,
      port: ELASTICACHE_PORT,
      numCacheClusters: 1 + a.replicas,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      authToken: pulumi.secret(a.authToken.value),
      authTokenUpdateStrategy: "ROTATE",
      subnetGroupName: subnets.name,
      securityGroupIds: [this.securityGroup.id],
      parameterGroupName: params.name,
      snapshotRetentionLimit: a.snapshotRetentionDays,
      ...(a.deletionProtection ? { finalSnapshotIdentifier: `${id}-final` } : {}),
      autoMinorVersionUpgrade: true,
      applyImmediately: false,
      tags,
    };
    this.replicationGroup = new sdk.elasticache.ReplicationGroup(`${name}-replicationgroup`, apply(args.transform?.replicationGroup, groupArgs), {
      parent: this,
      protect: a.deletionProtection,
    });

    const labels = standardLabels({ name: a.name, instance: a.instance, component: "cache" });
    const endpointSecretName = `${a.name}-endpoint`;
    this.endpointSecret = new k8s.core.v1.Secret(
      `${name}-endpoint`,
      {
        metadata: { name: endpointSecretName, namespace: a.namespace, labels, annotations: { "platform.dev/description": "primary endpoint of the ElastiCache replication group" } },
        type: "Opaque",
        stringData: { host: this.replicationGroup.primaryEndpointAddress },
      },
      { parent: this, dependsOn: childDependsOn(opts?.dependsOn) },
    );
    if (a.clients.length > 0) {
      const spec: k8s.types.input.networking.v1.NetworkPolicySpec = {
        podSelector: { matchLabels: { "app.kubernetes.io/instance": a.instance }, matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: a.clients.map((c) => c.podLabels["app.kubernetes.io/name"] ?? "") }] },
        policyTypes: ["Egress"],
        egress: [{ to: a.allowedCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: ELASTICACHE_PORT }] }],
      };
      for (const [i, c] of a.clients.entries()) {
        if (!c.podLabels["app.kubernetes.io/name"]) invalidArg(C, `clients[${i}].podLabels`, c.podLabels, 'must carry "app.kubernetes.io/name"');
      }
      this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
        `${name}-networkpolicy`,
        apply(args.transform?.networkPolicy, { metadata: { name: `${a.name}-clients-egress`, namespace: a.namespace, labels }, spec }),
        { parent: this, dependsOn: childDependsOn(opts?.dependsOn) },
      );
    }
    this.connection = {
      mode: "standalone",
      hostSecret: { secret: endpointSecretName, key: "host" },
      port: ELASTICACHE_PORT,
      password: { secret: a.authToken.secretName, key: a.authToken.key },
      tls: true,
      peers: [],
      cidrs: a.allowedCidrs,
    };
    this.registerOutputs({ primaryEndpoint: this.replicationGroup.primaryEndpointAddress, port: ELASTICACHE_PORT });
  }
}
