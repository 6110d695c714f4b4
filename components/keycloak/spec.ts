/**
 * The Keycloak CR, the realm Job and the network and monitoring objects as plain data,
 * from resolved args: pure, so tests read them without mocks.
 */
import { createHash } from "node:crypto";
import { serverCertificateSpec } from "../lib/certificates";
import { ADMIN_CLIENT_ID, ADMIN_CREDENTIALS_SCRIPT, adminCredentialsEnv } from "./admin";
import type { ResolvedKeycloakArgs } from "./args";
import { KEYCLOAK_FACTS, operatorLabels } from "./facts";
import { CLIENT_SECRET_ENV, realmDocument, type RealmClientId } from "./realm";

type Obj = Record<string, unknown>;

/**
 * Build-time options of the server (Quarkus augmentation): the operator's stock image is built
 * with none of them, so the pod rebuilds at start into `/opt/keycloak/lib/quarkus`. The root
 * filesystem is read-only, so that dir is an emptyDir which an init container first fills with
 * the image's own build: Keycloak 26.5.5 refuses to start from an empty lib/quarkus
 * (NoSuchFileException quarkus-application.dat) but rebuilds in place from a copy (both checked
 * by hand with the Maven Central distribution). scripts/keycloak.sh builds the test's server with
 * the same list (a test checks).
 */
export const BUILD_OPTIONS = { db: "postgres", "health-enabled": "true", "metrics-enabled": "true", "event-metrics-user-enabled": "true" } as const;

/** User events counted in `keycloak_user_events_total`, tagged by realm only (bounded cardinality). */
export const EVENT_METRICS = { tags: "realm", events: ["login", "code_to_token", "refresh_token", "logout"] } as const;

/** Where the pods mount the PostgreSQL CA, and the JDBC properties that verify the server with it. */
export const PG_CA_DIR = "/opt/keycloak/conf/pg-ca";
export const dbUrlProperties = () => `?sslmode=verify-full&sslrootcert=${PG_CA_DIR}/ca.crt`;

/**
 * Runtime options the component adds (`spec.additionalOptions`, plain values only: secrets go
 * through the CR's secret fields). Never one the operator sets itself (KEYCLOAK_FACTS.operatorOptions).
 */
export function additionalOptions(a: ResolvedKeycloakArgs): { name: string; value: string }[] {
  const o: Record<string, string> = {
    "metrics-enabled": BUILD_OPTIONS["metrics-enabled"],
    "event-metrics-user-enabled": BUILD_OPTIONS["event-metrics-user-enabled"],
    "event-metrics-user-tags": EVENT_METRICS.tags,
    "event-metrics-user-events": EVENT_METRICS.events.join(","),
    "http-metrics-histograms-enabled": "true",
    // Prometheus scrapes the management port in plain HTTP (NetworkPolicy: the monitoring namespace only).
    "http-management-scheme": "http",
    "db-url-properties": dbUrlProperties(),
    "log-console-output": "json",
  };
  return Object.entries(o).map(([name, value]) => ({ name, value }));
}

export const tlsSecretName = (a: ResolvedKeycloakArgs) => `${a.name}-tls`;
/** The name the gateway verifies the pods' certificate against (BackendTLSPolicy hostname, a SAN of the certificate). */
export const backendTlsHostname = (a: ResolvedKeycloakArgs) => `${KEYCLOAK_FACTS.service(a.name)}.${a.namespace}.svc`;

export function certificateDnsNames(a: ResolvedKeycloakArgs): string[] {
  const s = KEYCLOAK_FACTS.service(a.name);
  return [s, `${s}.${a.namespace}`, `${s}.${a.namespace}.svc`, `${s}.${a.namespace}.svc.${a.clusterDomain}`];
}

/** Password of the PKCS#12 truststore cert-manager writes beside the certificate: it holds only the public CA. */
export const TRUSTSTORE_PASSWORD = "changeit";

export function certificateSpec(a: ResolvedKeycloakArgs): Obj {
  return serverCertificateSpec({
    secretName: tlsSecretName(a),
    issuer: a.tls.issuer,
    dnsNames: certificateDnsNames(a),
    // truststore.p12 for keycloak-config-cli's JVM (the realm Job verifies the server it configures).
    extra: { keystores: { pkcs12: { create: true, profile: "Modern2023", password: TRUSTSTORE_PASSWORD } } },
  });
}

/** The restricted Pod Security profile: the pod and container security contexts. */
export const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } as const;
export const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } } as const;

/** The init container that copies the image's Quarkus build into the writable emptyDir (same image, restricted). */
export function quarkusCopyContainer(a: ResolvedKeycloakArgs): Obj {
  return {
    name: "copy-quarkus-build",
    image: a.image,
    command: ["/bin/bash", "-c", `cp -a ${WRITABLE_DIRS.quarkus}/. /quarkus/`],
    securityContext: RESTRICTED_CONTAINER,
    resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "64Mi" } },
    volumeMounts: [{ name: "quarkus", mountPath: "/quarkus" }],
  };
}

/** Writable dirs of the server on its read-only root: the rebuilt Quarkus app, data (transaction logs, tmp) and /tmp. */
export const WRITABLE_DIRS = { quarkus: "/opt/keycloak/lib/quarkus", data: "/opt/keycloak/data", tmp: "/tmp" } as const;

export function keycloakSpec(a: ResolvedKeycloakArgs): Obj {
  const db = a.database;
  const term = { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: operatorLabels(a.name) } };
  return {
    instances: a.instances,
    image: a.image,
    // The stock image is not optimized for these build options: the server builds at start.
    startOptimized: false,
    resources: a.resources,
    db: {
      vendor: "postgres",
      host: db.host,
      port: db.port,
      database: db.database,
      usernameSecret: { name: db.login.secretName, key: "username" },
      passwordSecret: { name: db.login.secretName, key: "password" },
      poolMinSize: 2,
      poolInitialSize: 2,
      poolMaxSize: db.poolMaxSize,
    },
    http: { tlsSecret: tlsSecretName(a), httpEnabled: false },
    hostname: { hostname: `https://${a.hostname}`, admin: `https://${a.adminHostname}`, strict: true, backchannelDynamic: true },
    proxy: { headers: a.proxyHeaders },
    httpManagement: { port: KEYCLOAK_FACTS.ports.management.port },
    bootstrapAdmin: { user: { secret: a.bootstrapAdmin.secretName } },
    // The platform brings its own Ingress (gateway routes), ServiceMonitor and NetworkPolicy.
    ingress: { enabled: false },
    serviceMonitor: { enabled: false },
    networkPolicy: { enabled: false },
    additionalOptions: additionalOptions(a),
    unsupported: {
      podTemplate: {
        metadata: { labels: { ...a.labels, "app.kubernetes.io/part-of": "platform" } },
        spec: {
          securityContext: RESTRICTED_POD,
          affinity: {
            podAntiAffinity:
              a.antiAffinity === "required" ? { requiredDuringSchedulingIgnoredDuringExecution: [term] } : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
          },
          initContainers: [quarkusCopyContainer(a)],
          containers: [
            {
              name: KEYCLOAK_FACTS.container,
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: [
                { name: "pg-ca", mountPath: PG_CA_DIR, readOnly: true },
                { name: "quarkus", mountPath: WRITABLE_DIRS.quarkus },
                { name: "data", mountPath: WRITABLE_DIRS.data },
                { name: "tmp", mountPath: WRITABLE_DIRS.tmp },
              ],
            },
          ],
          volumes: [
            { name: "pg-ca", secret: { secretName: db.caSecretName, items: [{ key: "ca.crt", path: "ca.crt" }] } },
            { name: "quarkus", emptyDir: { sizeLimit: "256Mi" } },
            { name: "data", emptyDir: { sizeLimit: "512Mi" } },
            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
          ],
        },
      },
    },
  };
}

/** The realm document of the deployment (secrets as `$(env:...)` placeholders). */
export function realmDocumentOf(a: ResolvedKeycloakArgs): Record<string, unknown> {
  return realmDocument({ realm: a.realm.name, settings: a.realm.settings, clients: a.realm.clients });
}

/** The realm document as the ConfigMap holds it (stable key order, so its hash is stable). */
export function realmDocumentJson(a: ResolvedKeycloakArgs): string {
  return `${JSON.stringify(realmDocumentOf(a), null, 2)}\n`;
}

/**
 * Short content hash of the realm document, the Job's images and script, and the rotation counters
 * of the secrets the Job writes: names the ConfigMap and the Job, so a change re-runs the Job.
 */
export function realmRevision(a: ResolvedKeycloakArgs): string {
  // The rotation counters too: a rotated client secret, admin password or admin client secret must
  // reach Keycloak, and only the Job writes them.
  return createHash("sha256").update(realmDocumentJson(a)).update(a.configCliImage).update(a.image).update(ADMIN_CREDENTIALS_SCRIPT).update(a.realmJobRotation).digest("hex").slice(0, 10);
}

export const realmObjectName = (a: ResolvedKeycloakArgs) => `${a.name}-realm-${realmRevision(a)}`;

/** Labels of the realm Job's pods (NetworkPolicy). */
export const realmJobPodLabels = (a: ResolvedKeycloakArgs) => ({ "app.kubernetes.io/name": `${a.name}-realm`, "app.kubernetes.io/instance": a.instance, "app.kubernetes.io/component": "realm-config" });

const REALM_FILE = "realm.json";
const TRUSTSTORE_DIR = "/opt/truststore";

/**
 * The admin-credentials init container (admin.ts): the server image's kcadm.sh logs in with
 * whichever admin credential Keycloak still accepts and writes the other one's current Secret value.
 */
export function adminCredentialsContainer(a: ResolvedKeycloakArgs): Obj {
  return {
    name: "admin-credentials",
    image: a.image,
    command: ["/bin/bash", "-c", ADMIN_CREDENTIALS_SCRIPT],
    env: adminCredentialsEnv(a, { path: `${TRUSTSTORE_DIR}/truststore.p12`, password: TRUSTSTORE_PASSWORD }),
    securityContext: RESTRICTED_CONTAINER,
    // A short-lived kcadm.sh JVM (its default heap is a quarter of the limit).
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "384Mi" } },
    volumeMounts: [
      { name: "truststore", mountPath: TRUSTSTORE_DIR, readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

/**
 * The realm Job: first the admin credentials (adminCredentialsContainer), then keycloak-config-cli
 * in the cluster, against the Service's https port, as the admin service client (client
 * credentials); the document from the ConfigMap, the client secrets from their Secrets by variable
 * substitution. `no-delete` for every managed kind: objects Keycloak creates itself (default
 * scopes, roles, flows, built-in clients) are never deleted because the document doesn't list them.
 */
export function realmJobSpec(a: ResolvedKeycloakArgs, configMapName: string): Obj {
  const secretEnv = (Object.keys(CLIENT_SECRET_ENV) as RealmClientId[]).map((id) => ({
    name: CLIENT_SECRET_ENV[id],
    valueFrom: { secretKeyRef: { name: a.realm.clientSecrets[id].secretName, key: a.realm.clientSecrets[id].key } },
  }));
  const env = [
    { name: "KEYCLOAK_URL", value: `https://${a.serviceHost}:${KEYCLOAK_FACTS.ports.https.port}` },
    // keycloak-config-cli 6.5 KeycloakConfigProperties: grant-type, client-id, client-secret (login realm master).
    { name: "KEYCLOAK_GRANTTYPE", value: "client_credentials" },
    { name: "KEYCLOAK_CLIENTID", value: ADMIN_CLIENT_ID },
    { name: "KEYCLOAK_CLIENTSECRET", valueFrom: { secretKeyRef: { name: a.adminClient.secretName, key: a.adminClient.key } } },
    { name: "KEYCLOAK_AVAILABILITYCHECK_ENABLED", value: "true" },
    { name: "KEYCLOAK_AVAILABILITYCHECK_TIMEOUT", value: "300s" },
    { name: "IMPORT_FILES_LOCATIONS", value: `/config/${REALM_FILE}` },
    { name: "IMPORT_VARSUBSTITUTION_ENABLED", value: "true" },
    ...["CLIENT", "CLIENTSCOPE", "ROLE", "AUTHENTICATIONFLOW", "GROUP", "COMPONENT", "REQUIREDACTION"].map((k) => ({ name: `IMPORT_MANAGED_${k}`, value: "no-delete" })),
    { name: "JAVA_TOOL_OPTIONS", value: `-Djavax.net.ssl.trustStore=${TRUSTSTORE_DIR}/truststore.p12 -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=${TRUSTSTORE_PASSWORD}` },
    ...secretEnv,
  ];
  return {
    backoffLimit: 4,
    activeDeadlineSeconds: 1200,
    template: {
      metadata: { labels: realmJobPodLabels(a) },
      spec: {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: RESTRICTED_POD,
        initContainers: [adminCredentialsContainer(a)],
        containers: [
          {
            name: "keycloak-config-cli",
            image: a.configCliImage,
            env,
            securityContext: RESTRICTED_CONTAINER,
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
            volumeMounts: [
              { name: "realm", mountPath: "/config", readOnly: true },
              { name: "truststore", mountPath: TRUSTSTORE_DIR, readOnly: true },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [
          { name: "realm", configMap: { name: configMapName, items: [{ key: REALM_FILE, path: REALM_FILE }] } },
          { name: "truststore", secret: { secretName: tlsSecretName(a), items: [{ key: "truststore.p12", path: "truststore.p12" }] } },
          { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
        ],
      },
    },
  };
}

export const REALM_CONFIGMAP_KEY = REALM_FILE;

/** ServiceMonitor on the operator's Service, management port, /metrics. */
export function serviceMonitorSpec(a: ResolvedKeycloakArgs): Obj {
  return {
    selector: { matchLabels: operatorLabels(a.name) },
    namespaceSelector: { matchNames: [a.namespace] },
    endpoints: [{ port: KEYCLOAK_FACTS.ports.management.name, path: "/metrics", scheme: "http", interval: "30s", scrapeTimeout: "10s" }],
  };
}
