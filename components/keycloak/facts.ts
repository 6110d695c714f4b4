/**
 * What the Keycloak operator 26.5.x creates for a `Keycloak` CR, read from its sources
 * (keycloak/keycloak `operator/src/main/java/org/keycloak/operator/Constants.java`,
 * `controllers/KeycloakServiceDependentResource.java`, `controllers/KeycloakDiscoveryServiceDependentResource.java`,
 * `Utils.allInstanceLabels`). The component's PDB, NetworkPolicy, ServiceMonitor and routes rely
 * on these names; facts.test.ts pins them.
 */

/** Labels on every object and pod the operator makes for CR `name` (DEFAULT_LABELS + INSTANCE_LABEL). */
export function operatorLabels(name: string): Record<string, string> {
  return { app: "keycloak", "app.kubernetes.io/managed-by": "keycloak-operator", "app.kubernetes.io/instance": name };
}

/** Names, labels and ports the Keycloak operator 26.5 gives what it creates for a CR. */
export const KEYCLOAK_FACTS = {
  /** The StatefulSet is named after the CR; pods `<name>-0..n`. */
  statefulSet: (name: string) => name,
  /** Container name in the StatefulSet's pod template (KeycloakDeploymentDependentResource: `keycloak`). */
  container: "keycloak",
  /** Client Service `<name>-service` (KEYCLOAK_SERVICE_SUFFIX); headless discovery Service `<name>-discovery`. */
  service: (name: string) => `${name}-service`,
  discoveryService: (name: string) => `${name}-discovery`,
  podLabels: operatorLabels,
  /** Service ports: `https` 8443 when TLS is configured, `http` 8080 only without TLS or with httpEnabled, `management` 9000 always. */
  ports: {
    http: { name: "http", port: 8080 },
    https: { name: "https", port: 8443 },
    management: { name: "management", port: 9000 },
  },
  /** JGroups (Infinispan clustering, cache-stack kubernetes): data 7800, failure detection 57800, pod to pod. */
  jgroups: { data: 7800, failureDetection: 57800 },
  /** The operator always sets `health-enabled=true`; probes hit /health/{started,live,ready} on the management port. */
  healthPaths: ["/health/started", "/health/live", "/health/ready"],
  /** Options the operator writes itself: never set them in additionalOptions (it rejects duplicates). */
  operatorOptions: ["health-enabled", "cache", "cache-stack"],
} as const;

/**
 * The `Keycloak` CR's spec fields (JSON names) as the 26.5 operator declares them
 * (`crds/v2alpha1/deployment/KeycloakSpec.java` and its `spec/*Spec.java`), with the enum values
 * the operator accepts. facts.test.ts checks the rendered CR against this table: no unknown field,
 * no value outside an enum (the CRD would reject or silently drop them).
 */
export const KEYCLOAK_CR_FIELDS = {
  spec: [
    "instances", "image", "startOptimized", "imagePullSecrets", "additionalOptions", "env", "http", "unsupported", "ingress", "features", "transaction", "db",
    "hostname", "truststores", "cache", "resources", "proxy", "httpManagement", "scheduling", "bootstrapAdmin", "networkPolicy", "tracing", "update",
    "readinessProbe", "livenessProbe", "startupProbe", "serviceMonitor",
  ],
  db: ["vendor", "schema", "url", "host", "port", "database", "usernameSecret", "passwordSecret", "poolInitialSize", "poolMinSize", "poolMaxSize"],
  http: ["httpEnabled", "httpPort", "httpsPort", "tlsSecret", "annotations", "labels"],
  hostname: ["hostname", "admin", "strict", "backchannelDynamic"],
  proxy: ["headers"],
  httpManagement: ["port"],
  bootstrapAdmin: ["user", "service"],
  ingress: ["enabled", "className", "annotations", "tlsSecret"],
  serviceMonitor: ["enabled", "interval", "scrapeTimeout"],
  networkPolicy: ["enabled", "http", "https", "management"],
  unsupported: ["podTemplate"],
  /** ValueOrSecret: an additionalOptions entry. */
  option: ["name", "value", "secret"],
  enums: { "proxy.headers": ["forwarded", "xforwarded"], "db.vendor": ["postgres", "mysql", "mariadb", "mssql", "oracle", "dev-file", "dev-mem"] },
} as const;
