import { invalidArg } from "../lib/errors";
import { isByteQuantity, isCpuQuantity, parseQuantity } from "../lib/quantities";
import type { ComponentMonitoringArgs } from "../lib/component-rules";
import { KEYCLOAK_FACTS } from "./facts";
import { rotationStamp } from "../secrets/rotation";
import { checkExactUrl, checkRealmSettings, type RealmSettings } from "./realm";
import { CONFIG_CLI_IMAGE, KEYCLOAK_IMAGE } from "./versions";

/** Resources of each Keycloak server pod. */
export interface KeycloakResources {
  /** Requested CPU and memory. */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** CPU and memory limits. */
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** A `kubernetes.io/basic-auth`-style Secret (keys `username`, `password`). */
export interface LoginSecretRef {
  /** Name of the Secret. */
  readonly secretName: string;
}

/** A Secret key holding a value (a client secret). */
export interface SecretKeyRef {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Data key in the Secret. */
  readonly key: string;
}

/**
 * Keycloak's database, on the platform's PostgresCluster.
 *
 * Keycloak connects DIRECTLY to the primary's `-rw` Service, never through the PgBouncer pooler:
 * - it has one login, the database owner, which migrates its schema with Liquibase at every
 *   start (DDL, and a lock row held across the migration), and the platform's pooler admits
 *   runtime roles only (components/postgres/tenancy.ts refuses owners);
 * - under transaction pooling its JDBC driver's server-side prepared statements and its
 *   session-scoped settings would land on other server connections;
 * - it pools its own connections (Agroal, `db-pool-max-size` per pod), so a pooler adds nothing:
 *   `instances × poolMaxSize` must fit the cluster's max_connections, which resolveKeycloakArgs checks.
 * TLS: the cluster only admits `hostssl` (scram-sha-256), so the JDBC URL verifies the server
 * against the cluster's CA (`sslmode=verify-full`).
 */
export interface KeycloakDatabaseArgs {
  /** The primary's `-rw` Service host. */
  readonly host: string;
  /** The primary's port. @default 5432 */
  readonly port?: number;
  /** The database on the PostgresCluster (direct to the primary). */
  readonly database: string;
  /** The owner's login Secret (username, password). */
  readonly login: LoginSecretRef;
  /** Secret with the cluster CA (`ca.crt`): CloudNativePG's `<cluster>-ca`. */
  readonly caSecretName: string;
  /** Labels of the primary's pods (NetworkPolicy egress). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Connections per Keycloak pod. @default 20 */
  readonly poolMaxSize?: number;
  /** The cluster's max_connections, which the pools of every instance must leave room in. */
  readonly maxConnections: number;
}

/** The platform realm: settings within policy, exact client URLs, where client secrets live. */
export interface KeycloakRealmArgs {
  /** Realm name. @default "platform" */
  readonly name?: string;
  /** Realm settings within the hardening policy. */
  readonly settings: RealmSettings;
  /** Exact redirect URIs and web origins; a wildcard is refused. */
  readonly clients: {
    readonly web: { readonly redirectUris: readonly string[]; readonly webOrigins: readonly string[]; readonly postLogoutRedirectUris: readonly string[] };
    readonly grafana: { readonly redirectUris: readonly string[]; readonly webOrigins: readonly string[] };
  };
  /** Where each confidential client's secret lives (GeneratedSecrets). */
  readonly clientSecrets: { readonly "core-api": SecretKeyRef; readonly web: SecretKeyRef; readonly grafana: SecretKeyRef };
}

/** Args of the Keycloak component (pure data; `resolveKeycloakArgs` validates them). */
export interface KeycloakArgs {
  /** Namespace (must exist, with the platform's default-deny NetworkPolicy). */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance on what the component creates). */
  readonly instance: string;
  /** Name of the Keycloak CR: StatefulSet `<name>`, Services `<name>-service`, `<name>-discovery`. @default - the component's name */
  readonly name?: string;
  /** Server image, pinned. @default KEYCLOAK_IMAGE */
  readonly image?: string;
  /** Server pods; 2 or more cluster their caches (Infinispan over JGroups). */
  readonly instances: number;
  /** Requests and limits of each server pod. */
  readonly resources: KeycloakResources;
  /** Public host name: only /realms/ and /resources/ are routed there. @example "auth.example.com" */
  readonly hostname: string;
  /** Internal host name of the admin console and admin API (the gateway's internal listener). */
  readonly adminHostname: string;
  /** The database on the PostgresCluster (direct to the primary). */
  readonly database: KeycloakDatabaseArgs;
  /** Server certificate of the pods (the gateway re-encrypts to port 8443): a cert-manager issuer. */
  readonly tls: { readonly issuer: { readonly name: string; readonly kind: "Issuer" | "ClusterIssuer" } };
  /**
   * The bootstrap admin (GeneratedSecrets' keycloak-admin: username, password). Keycloak creates it
   * on its first start; afterwards the realm Job keeps its password equal to the Secret's.
   */
  readonly bootstrapAdmin: LoginSecretRef;
  /**
   * Secret of the master realm's service client the realm Job logs in as (`ADMIN_CLIENT_ID`;
   * GeneratedSecrets' keycloak-admin-client, letters and digits). The Job creates the client and keeps
   * its secret equal to this one; with the admin user it is the second credential that lets either be rotated.
   * @example { secretName: "keycloak-admin-client", key: "client-secret" }
   */
  readonly adminClient: SecretKeyRef;
  /** The platform realm. */
  readonly realm: KeycloakRealmArgs;
  /** keycloak-config-cli image, built for this server version. @default CONFIG_CLI_IMAGE */
  readonly configCliImage?: string;
  /**
   * Rotation counters of the generated secrets (`secrets.rotation`). The realm Job writes the client
   * secrets, the admin's password and the admin client's secret into Keycloak, so bumping one of them
   * renames and re-runs the Job (a Job that only reads a Secret is left alone; this one is the writer).
   * Rotate `bootstrapAdmin` and `adminClient` in separate updates: the Job logs in with the one not rotated.
   * @default {}
   */
  readonly secretRotation?: Readonly<Record<string, string>>;
  /** Who may reach the server: the gateway's Envoy pods and the app tier. */
  readonly ingressFrom: {
    readonly gateway: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
    readonly apps: readonly Readonly<Record<string, string>>[];
  };
  /** The header the edge sets. @default "xforwarded" */
  readonly proxyHeaders?: "xforwarded" | "forwarded";
  /** Pod anti-affinity across nodes. @default "preferred" */
  readonly antiAffinity?: "required" | "preferred";
  /** Kubernetes cluster domain. @default "cluster.local" */
  readonly clusterDomain?: string;
  /** Alerting options (runbooks, `keycloak.*` overrides, team). */
  readonly monitoring: ComponentMonitoringArgs;
  /** Extra labels on what the component creates. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** KeycloakArgs with defaults applied and validated. */
export interface ResolvedKeycloakArgs {
  /** Namespace of the Keycloak CR and everything the component creates. */
  readonly namespace: string;
  /** The stack (app.kubernetes.io/instance). */
  readonly instance: string;
  /** Name of the Keycloak CR. */
  readonly name: string;
  /** Pinned server image. */
  readonly image: string;
  /** Pinned keycloak-config-cli image of the realm Job. */
  readonly configCliImage: string;
  /** Server pods. */
  readonly instances: number;
  /** Requests and limits of each server pod. */
  readonly resources: KeycloakResources;
  /** Public host name (realm endpoints only). */
  readonly hostname: string;
  /** Internal host name of the admin console and API. */
  readonly adminHostname: string;
  /** The database on the PostgresCluster (direct to the primary). */
  readonly database: Required<Omit<KeycloakDatabaseArgs, "podLabels">> & { readonly podLabels: Readonly<Record<string, string>> };
  /** Issuer of the pods' server certificate. */
  readonly tls: KeycloakArgs["tls"];
  /** The bootstrap admin's login Secret. */
  readonly bootstrapAdmin: LoginSecretRef;
  /** Secret of the admin service client the realm Job logs in as. */
  readonly adminClient: SecretKeyRef;
  /** The platform realm. */
  readonly realm: Required<KeycloakRealmArgs>;
  /** Rotation counters of the secrets the realm Job writes into Keycloak: client secrets, admin password, admin client (`name=N,...`; "" when none is rotatable). */
  readonly realmJobRotation: string;
  /** Pods allowed to reach the servers. */
  readonly ingressFrom: KeycloakArgs["ingressFrom"];
  /** Proxy header the edge sets. */
  readonly proxyHeaders: "xforwarded" | "forwarded";
  /** Pod anti-affinity across nodes. */
  readonly antiAffinity: "required" | "preferred";
  /** Kubernetes cluster domain. */
  readonly clusterDomain: string;
  /** Namespace Prometheus scrapes from. */
  readonly monitoringNamespace: string;
  /** Extra labels on what the component creates. */
  readonly labels: Readonly<Record<string, string>>;
  /** `https://<hostname>/realms/<realm>`: the issuer every client and token uses. */
  readonly issuerUrl: string;
  /** In-cluster host of the operator's Service. */
  readonly serviceHost: string;
}

const C = "Keycloak";
const LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const HOST = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;
const PINNED = /:[A-Za-z0-9._-]+$|@sha256:[a-f0-9]{64}$/;

/** Resolves defaults and validates; pure. Throws an error naming the field and value. */
export function resolveKeycloakArgs(componentName: string, a: KeycloakArgs): ResolvedKeycloakArgs {
  const name = a.name ?? componentName;
  if (!LABEL.test(name) || name.length > 40) invalidArg(C, "name", name, "must be a DNS-1123 label of at most 40 characters, starting with a letter");
  if (!Number.isInteger(a.instances) || a.instances < 1 || a.instances > 9) invalidArg(C, "instances", a.instances, "must be an integer between 1 and 9");
  const r = a.resources;
  for (const [f, v] of [["requests.memory", r.requests.memory], ["limits.memory", r.limits.memory]] as const) if (!isByteQuantity(v)) invalidArg(C, `resources.${f}`, v, 'must be a Kubernetes quantity such as "1Gi"');
  if (!isCpuQuantity(r.requests.cpu)) invalidArg(C, "resources.requests.cpu", r.requests.cpu, 'must be a CPU quantity such as "500m"');
  if (r.limits.cpu !== undefined && !isCpuQuantity(r.limits.cpu)) invalidArg(C, "resources.limits.cpu", r.limits.cpu, 'must be a CPU quantity such as "2"');
  // The JVM sizes its heap at 70 % of the limit (the image's JAVA_OPTS_KC_HEAP); below 1 GiB it thrashes.
  if (parseQuantity(r.limits.memory)! < 2 ** 30) invalidArg(C, "resources.limits.memory", r.limits.memory, 'must be at least "1Gi"');
  if (parseQuantity(r.requests.memory)! > parseQuantity(r.limits.memory)!) invalidArg(C, "resources.requests.memory", r.requests.memory, `must not exceed limits.memory (${r.limits.memory})`);
  for (const [f, v] of [["hostname", a.hostname], ["adminHostname", a.adminHostname]] as const) if (!HOST.test(v)) invalidArg(C, f, v, "must be a lower-case DNS name");
  if (a.hostname === a.adminHostname) invalidArg(C, "adminHostname", a.adminHostname, "must differ from hostname (the admin console is never served on the public host)");
  const image = a.image ?? KEYCLOAK_IMAGE;
  const configCliImage = a.configCliImage ?? CONFIG_CLI_IMAGE;
  for (const [f, v] of [["image", image], ["configCliImage", configCliImage]] as const) if (!PINNED.test(v) || /:latest$/.test(v)) invalidArg(C, f, v, "must be pinned to a tag (not latest) or a digest");

  const db = a.database;
  if (!HOST.test(db.host)) invalidArg(C, "database.host", db.host, "must be the DNS name of the primary's -rw Service");
  if (/-pooler-|pgbouncer/.test(db.host)) invalidArg(C, "database.host", db.host, "must be the primary's -rw Service, not a pooler (Keycloak migrates as the owner, which the pooler refuses)");
  const port = db.port ?? 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) invalidArg(C, "database.port", port, "must be a TCP port");
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(db.database)) invalidArg(C, "database.database", db.database, "must be a PostgreSQL identifier");
  const poolMaxSize = db.poolMaxSize ?? 20;
  if (!Number.isInteger(poolMaxSize) || poolMaxSize < 2 || poolMaxSize > 200) invalidArg(C, "database.poolMaxSize", poolMaxSize, "must be an integer between 2 and 200");
  // A rolling update runs one extra pod; the rest of max_connections is the platform's other clients'.
  if ((a.instances + 1) * poolMaxSize > db.maxConnections / 2) {
    invalidArg(C, "database.poolMaxSize", poolMaxSize, `must leave half of max_connections (${db.maxConnections}) to others: (instances + 1) × poolMaxSize = ${(a.instances + 1) * poolMaxSize}`);
  }
  if (Object.keys(db.podLabels).length === 0) invalidArg(C, "database.podLabels", db.podLabels, "must select the database's pods");

  const realmName = a.realm.name ?? "platform";
  if (!/^[a-z][a-z0-9-]{0,35}$/.test(realmName) || realmName === "master") invalidArg(C, "realm.name", realmName, 'must be a lower-case name other than "master"');
  checkRealmSettings(C, "realm.settings", a.realm.settings);
  const cl = a.realm.clients;
  const urls = (f: string, list: readonly string[], min: number) => {
    if (list.length < min) invalidArg(C, f, list, `must list at least ${min}`);
    list.forEach((u, i) => checkExactUrl(C, `${f}[${i}]`, u));
  };
  urls("realm.clients.web.redirectUris", cl.web.redirectUris, 1);
  urls("realm.clients.web.webOrigins", cl.web.webOrigins, 1);
  urls("realm.clients.web.postLogoutRedirectUris", cl.web.postLogoutRedirectUris, 0);
  urls("realm.clients.grafana.redirectUris", cl.grafana.redirectUris, 1);
  urls("realm.clients.grafana.webOrigins", cl.grafana.webOrigins, 1);
  if (!LABEL.test(a.bootstrapAdmin.secretName)) invalidArg(C, "bootstrapAdmin.secretName", a.bootstrapAdmin.secretName, "must be the name of a Secret");
  const secretRefs: [string, SecretKeyRef][] = [["adminClient", a.adminClient], ...Object.entries(a.realm.clientSecrets).map(([k, ref]): [string, SecretKeyRef] => [`realm.clientSecrets.${k}`, ref])];
  for (const [field, ref] of secretRefs) {
    if (!LABEL.test(ref.secretName)) invalidArg(C, `${field}.secretName`, ref.secretName, "must be the name of a Secret");
    if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) invalidArg(C, `${field}.key`, ref.key, "must be a Secret data key");
  }
  if (a.adminClient.secretName === a.bootstrapAdmin.secretName) invalidArg(C, "adminClient.secretName", a.adminClient.secretName, "must differ from bootstrapAdmin.secretName (two credentials, rotated one at a time)");
  if (Object.keys(a.ingressFrom.gateway.podLabels).length === 0) invalidArg(C, "ingressFrom.gateway.podLabels", a.ingressFrom.gateway.podLabels, "must select the gateway's pods");
  a.ingressFrom.apps.forEach((l, i) => {
    if (Object.keys(l).length === 0) invalidArg(C, `ingressFrom.apps[${i}]`, l, "must select some pods (an empty selector admits every pod)");
  });
  const proxyHeaders = a.proxyHeaders ?? "xforwarded";
  if (proxyHeaders !== "xforwarded" && proxyHeaders !== "forwarded") invalidArg(C, "proxyHeaders", proxyHeaders, 'must be "xforwarded" or "forwarded"');
  const antiAffinity = a.antiAffinity ?? "preferred";
  if (antiAffinity !== "required" && antiAffinity !== "preferred") invalidArg(C, "antiAffinity", antiAffinity, 'must be "required" or "preferred"');
  const clusterDomain = a.clusterDomain ?? "cluster.local";
  return {
    namespace: a.namespace,
    instance: a.instance,
    name,
    image,
    configCliImage,
    instances: a.instances,
    resources: a.resources,
    hostname: a.hostname,
    adminHostname: a.adminHostname,
    database: { host: db.host, port, database: db.database, login: db.login, caSecretName: db.caSecretName, podLabels: db.podLabels, poolMaxSize, maxConnections: db.maxConnections },
    tls: a.tls,
    bootstrapAdmin: a.bootstrapAdmin,
    adminClient: a.adminClient,
    realm: { name: realmName, settings: a.realm.settings, clients: a.realm.clients, clientSecrets: a.realm.clientSecrets },
    realmJobRotation: rotationStamp([...Object.values(a.realm.clientSecrets).map((r) => r.secretName), a.bootstrapAdmin.secretName, a.adminClient.secretName], a.secretRotation ?? {}) ?? "",
    ingressFrom: a.ingressFrom,
    proxyHeaders,
    antiAffinity,
    clusterDomain,
    monitoringNamespace: a.monitoring.namespace ?? "monitoring",
    labels: a.labels ?? {},
    issuerUrl: `https://${a.hostname}/realms/${realmName}`,
    serviceHost: `${KEYCLOAK_FACTS.service(name)}.${a.namespace}.svc.${clusterDomain}`,
  };
}
