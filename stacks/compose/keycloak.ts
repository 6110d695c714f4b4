/**
 * The stack's Keycloak, from `keycloak.*` config: the operator (in the stack's namespace: it
 * watches its own), the Keycloak CR with its database on the stack's PostgresCluster, the realm
 * Job, and the gateway routes (public: the realm's endpoints only; internal: the admin console).
 */
import type * as pulumi from "@pulumi/pulumi";
import { instanceSelector, Keycloak, KeycloakOperator, KEYCLOAK_FACTS, MONITORING_NAMESPACE, operatorLabels, PlatformConfigError, PLATFORM_SECRETS, resolveKeycloakArgs, resolvePostgresClusterArgs, selectorLabels, ServiceRoutes, type KeycloakArgs } from "@readiness/platform";
// Not part of the public API: the secrets catalogue's data key, CloudNativePG's -rw Service name, the Envoy pods' labels.
import { dataKeyOf } from "../../components/secrets/catalog";
import { rwServiceName } from "../../components/postgres";
import type { StackConfig } from "../config";
import { componentMonitoring, type ClusterParts, type MonitoringParts, type PlatformContext } from "./context";
import { postgresClusterArgs } from "./data";
import { adminHost, type EdgeParts } from "./edge";
import { ENVOY_GATEWAY_NAMESPACE, envoyDataPlaneLabels } from "../../components/edge/versions";

/** Name of the Keycloak CR (StatefulSet `keycloak`, Service `keycloak-service`). */
export const KEYCLOAK_NAME = "keycloak";
/** The realm every app signs in to. */
export const REALM = "platform";
/** Public host of Keycloak and the internal one of its admin console. */
export const publicAuthHost = (cfg: StackConfig) => `auth.${cfg.settings.domain}`;
export const adminAuthHost = (cfg: StackConfig) => adminHost(cfg, "auth-admin");

const secretKey = (name: string) => ({ secretName: name, key: dataKeyOf(PLATFORM_SECRETS.find((s) => s.name === name)!) });

/** The Keycloak args of a stack, from config alone. Pure. */
export function keycloakArgs(cfg: StackConfig, monitoringNamespace: string = MONITORING_NAMESPACE): KeycloakArgs {
  const s = cfg.settings;
  const k = s.keycloak;
  const pg = resolvePostgresClusterArgs("app-db", postgresClusterArgs(cfg));
  const app = `https://app.${s.domain}`;
  const grafana = `https://${adminHost(cfg, "grafana")}`;
  return {
    namespace: cfg.namespace,
    instance: cfg.stack,
    name: KEYCLOAK_NAME,
    instances: k.instances,
    resources: k.resources,
    hostname: publicAuthHost(cfg),
    adminHostname: adminAuthHost(cfg),
    database: {
      host: `${rwServiceName(pg.clusterName)}.${cfg.namespace}.svc.cluster.local`,
      database: "keycloak",
      login: { secretName: "keycloak-db" },
      caSecretName: `${pg.clusterName}-ca`,
      podLabels: instanceSelector(pg.clusterName),
      poolMaxSize: k.dbPoolMaxSize,
      maxConnections: s.postgres.maxConnections,
    },
    tls: { issuer: { name: "selfsigned", kind: "ClusterIssuer" } },
    bootstrapAdmin: { secretName: "keycloak-admin" },
    adminClient: secretKey("keycloak-admin-client"),
    realm: {
      name: REALM,
      settings: k.realm,
      clients: {
        // NextAuth's callback for a provider with id "keycloak".
        web: { redirectUris: [`${app}/api/auth/callback/keycloak`], webOrigins: [app], postLogoutRedirectUris: [`${app}/`] },
        grafana: { redirectUris: [`${grafana}/login/generic_oauth`], webOrigins: [grafana] },
      },
      clientSecrets: { "core-api": secretKey("keycloak-client-core-api"), web: secretKey("keycloak-client-web"), grafana: secretKey("keycloak-client-grafana") },
    },
    ingressFrom: {
      gateway: { namespace: ENVOY_GATEWAY_NAMESPACE, podLabels: envoyDataPlaneLabels({ name: s.edge.gateway.name, namespace: s.edge.gateway.namespace ?? cfg.namespace }) },
      // The app tier: core-api (token introspection, JWKS) and web (NextAuth's back channel).
      apps: [selectorLabels({ name: "core-api", instance: cfg.stack }), selectorLabels({ name: "web", instance: cfg.stack })],
    },
    antiAffinity: cfg.environment === "prod" ? "required" : "preferred",
    monitoring: componentMonitoring(cfg, monitoringNamespace),
  };
}

/** Checks the Keycloak args a stack's config produces; throws the component's one-line error. */
export function preflightKeycloak(cfg: StackConfig): void {
  if (!cfg.settings.keycloak.enabled) return;
  if (cfg.settings.edge.mode !== "gateway" || !cfg.settings.clusterServices) {
    throw new PlatformConfigError('Keycloak: keycloak.enabled needs edge.mode "gateway" and clusterServices (its admin console lives on the gateway\'s internal listener, its operator in the stack)');
  }
  resolveKeycloakArgs(KEYCLOAK_NAME, keycloakArgs(cfg));
}

export interface KeycloakParts {
  readonly issuerUrl: string;
  readonly ready: pulumi.Resource[];
}

/** Labels of the Keycloak server pods (the PostgresCluster admits them as direct clients). */
export const keycloakPodLabels = () => operatorLabels(KEYCLOAK_NAME);

export function composeKeycloak(ctx: PlatformContext, cluster: ClusterParts, monitoring: MonitoringParts, edge: EdgeParts, data: readonly pulumi.Resource[]): KeycloakParts | undefined {
  const { cfg, secrets } = ctx;
  if (!cfg.settings.keycloak.enabled) return undefined;
  const { nodes, edges } = ctx.topology;
  const operator = new KeycloakOperator("keycloak-operator", { namespace: cfg.namespace }, { parent: ctx.parent, dependsOn: [ctx.namespace.namespace, ctx.namespace.defaultDeny] });
  nodes.push({ id: "keycloak-operator", label: `Keycloak operator ${operator.version}` });
  const kc = new Keycloak(
    "keycloak",
    {
      ...keycloakArgs(cfg, monitoring.monitoringNamespace),
      secretRotation: secrets.rotation,
      operatorReady: operator.ready,
      monitoringCrdsReady: monitoring.crdsReady,
      certManagerReady: cluster.ready,
      gatewayCrdsReady: edge.ready,
      dependsOnData: [...data, ...["keycloak-db", "keycloak-admin", "keycloak-admin-client", "keycloak-client-core-api", "keycloak-client-web", "keycloak-client-grafana"].map((n) => secrets.get(n).secret)],
    },
    { parent: ctx.parent, dependsOn: [ctx.namespace.namespace, ctx.namespace.defaultDeny] },
  );
  const a = kc.args;
  nodes.push({ id: "keycloak", label: `Keycloak ${a.image.split(":").pop()} (${a.instances}x, realm ${a.realm.name})` });
  edges.push({ from: "keycloak-operator", to: "keycloak", label: "reconciles" });
  edges.push({ from: "keycloak", to: "app-db", label: `database keycloak, TLS :5432 (direct to ${rwServiceName("app-db")})` });
  edges.push({ from: "keycloak", to: "secrets", label: "bootstrap admin, client secrets (realm Job)" });

  const gw = edge.gateway!;
  const labels = { "app.kubernetes.io/part-of": "platform", "app.kubernetes.io/managed-by": "pulumi" };
  const service = { name: KEYCLOAK_FACTS.service(a.name), port: KEYCLOAK_FACTS.ports.https.port, namespace: a.namespace };
  // Public: the realm's own endpoints and the static resources; never /admin nor the master realm.
  new ServiceRoutes(
    "keycloak",
    {
      gateway: gw,
      namespace: gw.gateway.namespace,
      service,
      host: a.hostname,
      paths: [{ prefix: `/realms/${a.realm.name}` }, { prefix: "/resources", rateLimit: false }],
      labels,
      dependsOn: [...edge.ready, kc],
    },
    { parent: ctx.parent, dependsOn: [ctx.namespace.namespace] },
  );
  // Internal: the admin console and admin API (and the master realm they sign in with).
  if (gw.listeners.internal) {
    new ServiceRoutes(
      "keycloak-admin",
      { gateway: gw, namespace: gw.gateway.namespace, service, host: a.adminHostname, listener: "internal", paths: [{ prefix: "/", rateLimit: false }], labels, dependsOn: [...edge.ready, kc] },
      { parent: ctx.parent, dependsOn: [ctx.namespace.namespace] },
    );
    edges.push({ from: "edge", to: "keycloak", label: "internal listener: admin console" });
  }
  edges.push({ from: "edge", to: "keycloak", label: `https://${a.hostname}/realms/${a.realm.name} (re-encrypted to :8443)` });
  return { issuerUrl: a.issuerUrl, ready: [kc] };
}
