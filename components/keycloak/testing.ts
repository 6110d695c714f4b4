/** Args of a small Keycloak for tests (pure). */
import type { KeycloakArgs } from "./args";
import { DEFAULT_REALM_SETTINGS } from "./realm";

export function testKeycloakArgs(over: Partial<KeycloakArgs> = {}): KeycloakArgs {
  return {
    namespace: "ns",
    instance: "test",
    instances: 2,
    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } },
    hostname: "auth.example.com",
    adminHostname: "auth-admin.internal.example.com",
    database: { host: "app-db-rw.ns.svc.cluster.local", database: "keycloak", login: { secretName: "keycloak-db" }, caSecretName: "app-db-ca", podLabels: { "cnpg.io/cluster": "app-db" }, poolMaxSize: 10, maxConnections: 200 },
    tls: { issuer: { name: "selfsigned", kind: "ClusterIssuer" } },
    bootstrapAdmin: { secretName: "keycloak-admin" },
    adminClient: { secretName: "keycloak-admin-client", key: "client-secret" },
    realm: {
      settings: DEFAULT_REALM_SETTINGS,
      clients: {
        web: { redirectUris: ["https://app.example.com/api/auth/callback/keycloak"], webOrigins: ["https://app.example.com"], postLogoutRedirectUris: ["https://app.example.com/"] },
        grafana: { redirectUris: ["https://grafana.internal.example.com/login/generic_oauth"], webOrigins: ["https://grafana.internal.example.com"] },
      },
      clientSecrets: { "core-api": { secretName: "kc-core-api", key: "client-secret" }, web: { secretName: "kc-web", key: "client-secret" }, grafana: { secretName: "kc-grafana", key: "client-secret" } },
    },
    ingressFrom: { gateway: { namespace: "envoy-gateway-system", podLabels: { "app.kubernetes.io/name": "envoy" } }, apps: [{ "app.kubernetes.io/name": "core-api" }] },
    monitoring: { runbookBaseUrl: "https://runbooks.example.com" },
    ...over,
  };
}
