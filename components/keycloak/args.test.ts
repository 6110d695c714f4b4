import { describe, expect, it } from "vitest";
import { resolveKeycloakArgs } from "./args";
import { DEFAULT_REALM_SETTINGS, passwordPolicy, realmDocument, type RealmSettings } from "./realm";
import { realmDocumentJson, realmObjectName } from "./spec";
import { testKeycloakArgs } from "./testing";

type Obj = Record<string, any>;
const withRealm = (settings: Partial<RealmSettings>) => testKeycloakArgs({ realm: { ...testKeycloakArgs().realm, settings: { ...DEFAULT_REALM_SETTINGS, ...settings } } });

describe("resolveKeycloakArgs", () => {
  it("resolves defaults: realm platform, the issuer on the public host, the operator's Service", () => {
    const a = resolveKeycloakArgs("keycloak", testKeycloakArgs());
    expect(a.issuerUrl).toBe("https://auth.example.com/realms/platform");
    expect(a.serviceHost).toBe("keycloak-service.ns.svc.cluster.local");
    expect(a.image).toBe("quay.io/keycloak/keycloak:26.5.5");
    expect(a.configCliImage).toBe("docker.io/adorsys/keycloak-config-cli:6.5.1-26.5.5");
  });

  it.each([
    ["access token of 1 h", { accessTokenLifespanSeconds: 3600 }, /Keycloak: realm\.settings\.accessTokenLifespanSeconds must be an integer between 60 and 300 .*got 3600/],
    ["password length 6", { password: { minLength: 6, history: 5 } }, /realm\.settings\.password\.minLength must be an integer between 12 and 128 .*got 6/],
    ["SSO idle of 2 h", { ssoSessionIdleTimeoutSeconds: 7200 }, /realm\.settings\.ssoSessionIdleTimeoutSeconds .*got 7200/],
    ["SSO max of 24 h", { ssoSessionMaxLifespanSeconds: 86_400 }, /realm\.settings\.ssoSessionMaxLifespanSeconds .*got 86400/],
    ["no password history", { password: { minLength: 12, history: 0 } }, /realm\.settings\.password\.history .*got 0/],
    ["brute force after 100 failures", { bruteForce: { ...DEFAULT_REALM_SETTINGS.bruteForce, failureFactor: 100 } }, /realm\.settings\.bruteForce\.failureFactor .*got 100/],
    ["sslRequired none", { sslRequired: "none" as "all" }, /realm\.settings\.sslRequired must be "external" or "all", got "none"/],
  ])("refuses a realm outside policy: %s", (_, settings, msg) => {
    expect(() => resolveKeycloakArgs("keycloak", withRealm(settings))).toThrow(msg);
  });

  it.each([
    ["a wildcard redirect", { web: { ...testKeycloakArgs().realm.clients.web, redirectUris: ["https://app.example.com/*"] } }, /redirectUris\[0\] must be an exact URL \(no wildcard\)/],
    ["a wildcard origin", { web: { ...testKeycloakArgs().realm.clients.web, webOrigins: ["*"] } }, /webOrigins\[0\] must be an absolute URL, got "\*"/],
    ["plain http", { grafana: { ...testKeycloakArgs().realm.clients.grafana, redirectUris: ["http://grafana.example.com/login/generic_oauth"] } }, /must use https/],
  ])("refuses %s", (_, clients, msg) => {
    const base = testKeycloakArgs();
    expect(() => resolveKeycloakArgs("keycloak", { ...base, realm: { ...base.realm, clients: { ...base.realm.clients, ...clients } } })).toThrow(msg);
  });

  it("refuses the pooler, the admin console on the public host, and pools that crowd out max_connections", () => {
    const b = testKeycloakArgs();
    expect(() => resolveKeycloakArgs("keycloak", { ...b, database: { ...b.database, host: "app-db-pooler-rw.ns.svc" } })).toThrow(/database\.host must be the primary's -rw Service, not a pooler/);
    expect(() => resolveKeycloakArgs("keycloak", { ...b, adminHostname: b.hostname })).toThrow(/adminHostname must differ from hostname/);
    expect(() => resolveKeycloakArgs("keycloak", { ...b, database: { ...b.database, poolMaxSize: 50, maxConnections: 200 } })).toThrow(/poolMaxSize must leave half of max_connections \(200\)/);
    expect(() => resolveKeycloakArgs("keycloak", { ...b, resources: { ...b.resources, limits: { memory: "512Mi" } } })).toThrow(/limits\.memory must be at least "1Gi"/);
  });
});

describe("the realm document", () => {
  const doc = realmDocument({ realm: "platform", settings: DEFAULT_REALM_SETTINGS, clients: testKeycloakArgs().realm.clients }) as Obj;

  it("carries every hardening rule", () => {
    expect(doc).toMatchObject({
      sslRequired: "external",
      bruteForceProtected: true,
      permanentLockout: false,
      failureFactor: 5,
      waitIncrementSeconds: 60,
      maxFailureWaitSeconds: 900,
      quickLoginCheckMilliSeconds: 1000,
      accessTokenLifespan: 300,
      ssoSessionIdleTimeout: 1800,
      ssoSessionMaxLifespan: 36_000,
      revokeRefreshToken: true,
      refreshTokenMaxReuse: 0,
      eventsEnabled: true,
      adminEventsEnabled: true,
      eventsExpiration: 604_800,
      browserFlow: "platform browser",
    });
    expect(doc.passwordPolicy).toBe("length(12) and notUsername and notEmail and passwordHistory(5)");
    expect(passwordPolicy({ minLength: 16, history: 3 })).toBe("length(16) and notUsername and notEmail and passwordHistory(3)");
  });

  it("has core-api (confidential, no browser flow), web and grafana (code flow with PKCE S256), secrets only as placeholders", () => {
    const c = Object.fromEntries((doc.clients as Obj[]).map((x) => [x.clientId, x]));
    expect(Object.keys(c).sort()).toEqual(["core-api", "grafana", "web"]);
    expect(c["core-api"]).toMatchObject({ publicClient: false, standardFlowEnabled: false, serviceAccountsEnabled: true, secret: "$(env:CLIENT_SECRET_CORE_API)" });
    for (const id of ["web", "grafana"]) {
      expect(c[id]).toMatchObject({ publicClient: false, standardFlowEnabled: true, implicitFlowEnabled: false, directAccessGrantsEnabled: false, attributes: { "pkce.code.challenge.method": "S256" } });
    }
    expect(c.web.secret).toBe("$(env:CLIENT_SECRET_WEB)");
    expect(c.grafana.secret).toBe("$(env:CLIENT_SECRET_GRAFANA)");
  });

  it("has no wildcard redirect or origin anywhere", () => {
    const text = JSON.stringify(doc.clients);
    expect(text).not.toMatch(/\*/);
    for (const c of doc.clients as Obj[]) for (const u of [...c.redirectUris, ...c.webOrigins]) expect(u).toMatch(/^https:\/\/[a-z0-9.-]+(\/[A-Za-z0-9/_-]*)?$/);
  });

  it("requires OTP of platform-admin through the browser flow, and maps the tenant claim", () => {
    const flows = Object.fromEntries((doc.authenticationFlows as Obj[]).map((f) => [f.alias, f]));
    expect(flows["platform admin otp"].authenticationExecutions.map((e: Obj) => [e.authenticator, e.requirement])).toEqual([["conditional-user-role", "REQUIRED"], ["auth-otp-form", "REQUIRED"]]);
    expect(doc.authenticatorConfig).toEqual([{ alias: "platform-admin otp", config: { condUserRole: "platform-admin", negate: "false" } }]);
    const tenant = (doc.clientScopes as Obj[]).find((s) => s.name === "tenant")!;
    expect(tenant.protocolMappers[0].config).toMatchObject({ "user.attribute": "tenant_id", "claim.name": "tenant_id", "access.token.claim": "true" });
  });

  it("names its ConfigMap and Job by its content: a changed lifespan is a new revision", () => {
    const a = resolveKeycloakArgs("keycloak", testKeycloakArgs());
    const b = resolveKeycloakArgs("keycloak", withRealm({ accessTokenLifespanSeconds: 240 }));
    expect(realmObjectName(a)).toMatch(/^keycloak-realm-[0-9a-f]{10}$/);
    expect(realmObjectName(b)).not.toBe(realmObjectName(a));
    expect(realmObjectName(resolveKeycloakArgs("keycloak", testKeycloakArgs()))).toBe(realmObjectName(a));
    expect(realmDocumentJson(a)).not.toMatch(/"secret": "(?!\$\(env:)/);
  });

  it("re-runs the Job when a secret it writes rotates (client secrets, the admin's password, the admin client's), not another", () => {
    const stamps = { "kc-core-api": "0", "kc-web": "0", "kc-grafana": "0", "keycloak-admin": "0", "keycloak-admin-client": "0", redis: "0" };
    const at = (over: Record<string, string>) => resolveKeycloakArgs("keycloak", testKeycloakArgs({ secretRotation: { ...stamps, ...over } }));
    const base = at({});
    expect(base.realmJobRotation).toBe("kc-core-api=0,kc-grafana=0,kc-web=0,keycloak-admin=0,keycloak-admin-client=0");
    const names = ["keycloak-admin", "keycloak-admin-client", "kc-web"].map((s) => realmObjectName(at({ [s]: "1" })));
    expect(new Set([realmObjectName(base), ...names]).size).toBe(4);
    expect(realmObjectName(at({ redis: "5" }))).toBe(realmObjectName(base));
    expect(realmDocumentJson(at({ "keycloak-admin": "1" }))).toBe(realmDocumentJson(base));
  });

  it("keeps the two admin credentials apart: one Secret for both could never be rotated", () => {
    expect(() => resolveKeycloakArgs("keycloak", testKeycloakArgs({ adminClient: { secretName: "keycloak-admin", key: "client-secret" } }))).toThrow(
      /Keycloak: adminClient\.secretName must differ from bootstrapAdmin\.secretName .*got "keycloak-admin"/,
    );
    expect(() => resolveKeycloakArgs("keycloak", testKeycloakArgs({ adminClient: { secretName: "Bad_Name", key: "client-secret" } }))).toThrow(/adminClient\.secretName must be the name of a Secret/);
  });
});
