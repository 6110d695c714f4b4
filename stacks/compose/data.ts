import { MONITORING_NAMESPACE } from "@readiness/platform";
import { selectorLabels } from "@readiness/platform";
import { instanceSelector, PostgresCluster, resolvePostgresClusterArgs, type ObjectStoreArgs, type PostgresClusterArgs } from "@readiness/platform";
import { PLATFORM_SECRETS } from "@readiness/platform";
import { operatorLabels } from "@readiness/platform";
import { STORE_CREDENTIAL_NAMES, type StackConfig } from "../config";
import { componentMonitoring, type ClusterParts, type DataParts, type MonitoringParts, type PlatformContext } from "./context";

/** The in-cluster store's credentials from `platform:suppliedSecrets` (both, checked by the config), or nothing: generated. */
function storeCredentials(cfg: StackConfig): { credentials?: { accessKeyId: string; secretAccessKey: string } } {
  const accessKeyId = cfg.suppliedSecrets[STORE_CREDENTIAL_NAMES.accessKeyId];
  const secretAccessKey = cfg.suppliedSecrets[STORE_CREDENTIAL_NAMES.secretAccessKey];
  return accessKeyId !== undefined && secretAccessKey !== undefined ? { credentials: { accessKeyId, secretAccessKey } } : {};
}

/**
 * The PostgresCluster args of a stack: every `postgres.*` setting, from config
 * alone (database owners come from the secrets catalogue). Pure, so the
 * platform can validate them before any resource is registered.
 */
export function postgresClusterArgs(cfg: StackConfig, monitoringNamespace: string = MONITORING_NAMESPACE): PostgresClusterArgs {
  const s = cfg.settings;
  const pg = s.postgres;
  const objectStore: ObjectStoreArgs =
    cfg.policies.objectStore === "s3" && s.aws
      ? { kind: "s3", region: s.aws.region, oidcProviderArn: s.aws.oidcProviderArn, oidcProviderUrl: s.aws.oidcProviderUrl }
      : { kind: "in-cluster", ...storeCredentials(cfg) };
  const userOf = (secretName: string, dflt: string) => {
    const spec = PLATFORM_SECRETS.find((x) => x.name === secretName)!.spec;
    return (spec.kind === "password" ? spec.username : undefined) ?? dflt;
  };
  const owner = (secretName: string, database: string) => ({ name: database, owner: userOf(secretName, database), passwordSecret: secretName });
  return {
    namespace: cfg.namespace,
    instance: cfg.stack,
    instances: pg.instances,
    storageSize: pg.storageSize,
    walStorageSize: pg.walStorageSize,
    resources: pg.resources,
    maxConnections: pg.maxConnections,
    archiveTimeoutSeconds: pg.archiveTimeoutSeconds,
    superuserAccess: pg.superuserAccess,
    antiAffinity: cfg.environment === "prod" ? "required" : "preferred",
    databases: [
      // core-api: Flyway migrates as the owner (directly to the primary), the app serves as the runtime role that RLS binds.
      { ...owner("core-api-migrate", "core_api"), runtime: { role: userOf("core-api-app", "core_api_app"), passwordSecret: "core-api-app" } },
      // Keycloak migrates its own schema with Liquibase at every start, with the one login it serves with.
      owner("keycloak-db", "keycloak"),
    ],
    // Direct to the primary: core-api's migrations, and Keycloak (one login, the owner; never through the pooler: components/keycloak/args.ts).
    directClients: [selectorLabels({ name: "core-api", instance: cfg.stack }), ...(s.keycloak.enabled ? [operatorLabels("keycloak")] : [])],
    pooler: pg.pooler,
    backup: pg.backup,
    objectStore,
    restore: pg.restore,
    monitoring: componentMonitoring(cfg, monitoringNamespace),
    // Local and preview stacks are disposable: no retained clusters.
    deletionProtection: cfg.environment !== "local" && cfg.environment !== "preview",
  };
}

/** Checks the PostgreSQL args a stack's config produces; throws the component's one-line error. */
export function preflightData(cfg: StackConfig): void {
  resolvePostgresClusterArgs("app-db", postgresClusterArgs(cfg));
}

/** The platform's PostgreSQL cluster, from `postgresClusterArgs`. */
export function composeData(ctx: PlatformContext, cluster: ClusterParts, monitoring: MonitoringParts): DataParts {
  const { cfg, secrets } = ctx;
  const pg = cfg.settings.postgres;
  const db = new PostgresCluster(
    "app-db",
    { ...postgresClusterArgs(cfg, monitoring.monitoringNamespace), operatorsReady: cluster.ready, monitoringCrdsReady: monitoring.crdsReady },
    { parent: ctx.parent, dependsOn: [ctx.namespace.namespace, ctx.namespace.defaultDeny, secrets] },
  );

  const { nodes, edges } = ctx.topology;
  const store = db.args.objectStore.kind === "s3" ? `S3 ${db.args.layout.bucket}` : `in-cluster S3 (versitygw) ${db.args.layout.bucket}`;
  nodes.push({ id: "app-db", label: `PostgreSQL ${db.clusterName} (${pg.instances}x, CloudNativePG)` });
  nodes.push({ id: "app-db-pooler", label: `PgBouncer ${db.args.pooler.name}` });
  nodes.push({ id: "pg-backups", label: `${store} (WAL + base backups, ${db.args.layout.retentionPolicy})` });
  edges.push({ from: "app-db-pooler", to: "app-db", label: "TLS :5432" });
  edges.push({ from: "app-db", to: "pg-backups", label: `Barman Cloud, server ${db.serverName}` });
  edges.push({ from: "app-db", to: "secrets", label: "role passwords" });
  if (nodes.some((n) => n.id === "cnpg-operator")) edges.push({ from: "cnpg-operator", to: "app-db", label: "reconciles" });

  edges.push({ from: "app-db-pooler", to: "app-db", label: "runtime roles only (owners refused)" });
  return {
    connectionSecrets: {
      "core-api-app": db.secretNames.core_api!,
      "core-api-migrate": db.ownerSecretNames.core_api!,
      "keycloak-db": db.secretNames.keycloak!,
      "postgres-ca": db.caSecretName,
    },
    coreApiDatabase: {
      host: db.host,
      port: db.port,
      database: "core_api",
      secretName: db.secretNames.core_api!,
      podLabels: db.poolerPodLabels,
      node: "app-db-pooler",
      migration: { host: db.directHost, port: db.port, secretName: db.ownerSecretNames.core_api!, podLabels: instanceSelector(db.clusterName) },
    },
    ready: [db],
  };
}
