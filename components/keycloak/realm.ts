/**
 * The platform realm as code: typed settings with the hardening policy's limits, and the
 * realm document keycloak-config-cli applies (a Keycloak RealmRepresentation). Pure.
 *
 * Secrets never appear in the document: client secrets are `$(env:NAME)` placeholders that
 * keycloak-config-cli substitutes (IMPORT_VARSUBSTITUTION_ENABLED) from environment variables
 * the realm Job reads from the generated Secrets.
 */
import { invalidArg } from "../lib/errors";

/** The hardening policy: what a stack may choose, and no further. */
export const REALM_LIMITS = {
  /** Access tokens live at most 5 minutes. */
  accessTokenLifespanSeconds: { min: 60, max: 300 },
  /** SSO sessions end after at most 30 minutes idle ... */
  ssoSessionIdleTimeoutSeconds: { min: 300, max: 1800 },
  /** ... and at most 10 hours in all. */
  ssoSessionMaxLifespanSeconds: { min: 1800, max: 36_000 },
  passwordMinLength: { min: 12, max: 128 },
  passwordHistory: { min: 1, max: 24 },
  bruteForceFailureFactor: { min: 3, max: 30 },
  bruteForceWaitIncrementSeconds: { min: 30, max: 3600 },
  bruteForceMaxWaitSeconds: { min: 60, max: 86_400 },
  bruteForceMaxDeltaTimeSeconds: { min: 600, max: 86_400 },
  bruteForceQuickLoginCheckMilliSeconds: { min: 100, max: 10_000 },
  bruteForceMinimumQuickLoginWaitSeconds: { min: 30, max: 3600 },
  eventsExpirationSeconds: { min: 86_400, max: 90 * 86_400 },
} as const;

/** A setting the hardening policy bounds. */
export type RealmLimitKey = keyof typeof REALM_LIMITS;

/** Realm settings a stack chooses (stack config `keycloak.realm`), within REALM_LIMITS. */
export interface RealmSettings {
  /** `external`: TLS required except from private addresses; `all`: always. */
  readonly sslRequired: "external" | "all";
  /** Access token lifespan (at most 300). */
  readonly accessTokenLifespanSeconds: number;
  /** SSO session idle timeout (at most 1800). */
  readonly ssoSessionIdleTimeoutSeconds: number;
  /** SSO session max lifespan (at most 36000). */
  readonly ssoSessionMaxLifespanSeconds: number;
  /** Password policy: minimum length and history. */
  readonly password: { readonly minLength: number; readonly history: number };
  /** Brute-force detection: temporary lockouts only. */
  readonly bruteForce: {
    /** Failed logins before a temporary lockout. */
    readonly failureFactor: number;
    readonly waitIncrementSeconds: number;
    readonly maxWaitSeconds: number;
    /** Failures are forgotten after this long without one. */
    readonly maxDeltaTimeSeconds: number;
    readonly quickLoginCheckMilliSeconds: number;
    readonly minimumQuickLoginWaitSeconds: number;
  };
  /** Login and admin events: how long they are kept. */
  readonly events: { readonly expirationSeconds: number };
}

/** The realm settings every environment starts from: the policy's strictest-but-usable values. */
export const DEFAULT_REALM_SETTINGS: RealmSettings = {
  sslRequired: "external",
  accessTokenLifespanSeconds: 300,
  ssoSessionIdleTimeoutSeconds: 1800,
  ssoSessionMaxLifespanSeconds: 36_000,
  password: { minLength: 12, history: 5 },
  bruteForce: { failureFactor: 5, waitIncrementSeconds: 60, maxWaitSeconds: 900, maxDeltaTimeSeconds: 43_200, quickLoginCheckMilliSeconds: 1000, minimumQuickLoginWaitSeconds: 60 },
  events: { expirationSeconds: 7 * 86_400 },
};

/** Where each setting sits (for errors) and which limit applies. */
const LIMITED: readonly { readonly path: string; readonly limit: RealmLimitKey; readonly get: (r: RealmSettings) => number }[] = [
  { path: "accessTokenLifespanSeconds", limit: "accessTokenLifespanSeconds", get: (r) => r.accessTokenLifespanSeconds },
  { path: "ssoSessionIdleTimeoutSeconds", limit: "ssoSessionIdleTimeoutSeconds", get: (r) => r.ssoSessionIdleTimeoutSeconds },
  { path: "ssoSessionMaxLifespanSeconds", limit: "ssoSessionMaxLifespanSeconds", get: (r) => r.ssoSessionMaxLifespanSeconds },
  { path: "password.minLength", limit: "passwordMinLength", get: (r) => r.password.minLength },
  { path: "password.history", limit: "passwordHistory", get: (r) => r.password.history },
  { path: "bruteForce.failureFactor", limit: "bruteForceFailureFactor", get: (r) => r.bruteForce.failureFactor },
  { path: "bruteForce.waitIncrementSeconds", limit: "bruteForceWaitIncrementSeconds", get: (r) => r.bruteForce.waitIncrementSeconds },
  { path: "bruteForce.maxWaitSeconds", limit: "bruteForceMaxWaitSeconds", get: (r) => r.bruteForce.maxWaitSeconds },
  { path: "bruteForce.maxDeltaTimeSeconds", limit: "bruteForceMaxDeltaTimeSeconds", get: (r) => r.bruteForce.maxDeltaTimeSeconds },
  { path: "bruteForce.quickLoginCheckMilliSeconds", limit: "bruteForceQuickLoginCheckMilliSeconds", get: (r) => r.bruteForce.quickLoginCheckMilliSeconds },
  { path: "bruteForce.minimumQuickLoginWaitSeconds", limit: "bruteForceMinimumQuickLoginWaitSeconds", get: (r) => r.bruteForce.minimumQuickLoginWaitSeconds },
  { path: "events.expirationSeconds", limit: "eventsExpirationSeconds", get: (r) => r.events.expirationSeconds },
];

/** Checks realm settings against the policy; throws naming `<prefix>.<key>` and the value. */
export function checkRealmSettings(component: string, prefix: string, r: RealmSettings): RealmSettings {
  if (r.sslRequired !== "external" && r.sslRequired !== "all") invalidArg(component, `${prefix}.sslRequired`, r.sslRequired, 'must be "external" or "all"');
  for (const f of LIMITED) {
    const v = f.get(r);
    const { min, max } = REALM_LIMITS[f.limit];
    if (!Number.isInteger(v) || v < min || v > max) invalidArg(component, `${prefix}.${f.path}`, v, `must be an integer between ${min} and ${max} (the platform's hardening policy)`);
  }
  if (r.ssoSessionIdleTimeoutSeconds > r.ssoSessionMaxLifespanSeconds) invalidArg(component, `${prefix}.ssoSessionIdleTimeoutSeconds`, r.ssoSessionIdleTimeoutSeconds, `must not exceed ssoSessionMaxLifespanSeconds (${r.ssoSessionMaxLifespanSeconds})`);
  if (r.bruteForce.maxWaitSeconds < r.bruteForce.waitIncrementSeconds) invalidArg(component, `${prefix}.bruteForce.maxWaitSeconds`, r.bruteForce.maxWaitSeconds, `must be at least bruteForce.waitIncrementSeconds (${r.bruteForce.waitIncrementSeconds})`);
  return r;
}

/** Realm roles of the platform. `platform-admin` holds realm-management's realm-admin and must use OTP. */
export const REALM_ROLES = {
  admin: "platform-admin",
  grafanaAdmin: "grafana-admin",
  grafanaEditor: "grafana-editor",
  apiUser: "api-user",
  tenantAdmin: "tenant-admin",
} as const;

/** User attribute and token claim carrying the user's tenant (the multi-tenant API reads `tenant_id`). */
export const TENANT_ATTRIBUTE = "tenant_id";
export const TENANT_CLAIM = "tenant_id";

/** Environment variables keycloak-config-cli substitutes for each client secret (`$(env:NAME)`). */
export const CLIENT_SECRET_ENV = {
  "core-api": "CLIENT_SECRET_CORE_API",
  web: "CLIENT_SECRET_WEB",
  grafana: "CLIENT_SECRET_GRAFANA",
} as const;

export type RealmClientId = keyof typeof CLIENT_SECRET_ENV;

/** The browser flow with OTP forced for `platform-admin` (top-level alias; set as the realm's browserFlow). */
export const ADMIN_OTP_FLOW = "platform browser";

/** What the realm document is built from. */
export interface RealmDocumentArgs {
  /** Realm name. */
  readonly realm: string;
  /** Realm settings within the hardening policy. */
  readonly settings: RealmSettings;
  /** Redirect URIs and web origins per client; exact URLs, never a wildcard. */
  readonly clients: {
    readonly web: { readonly redirectUris: readonly string[]; readonly webOrigins: readonly string[]; readonly postLogoutRedirectUris: readonly string[] };
    readonly grafana: { readonly redirectUris: readonly string[]; readonly webOrigins: readonly string[] };
  };
}

const envRef = (name: string) => `$(env:${name})`;

/** `length(12) and notUsername and notEmail and passwordHistory(5)` (Keycloak's policy syntax). */
export function passwordPolicy(p: RealmSettings["password"]): string {
  return `length(${p.minLength}) and notUsername and notEmail and passwordHistory(${p.history})`;
}

/** Checks a redirect URI or origin: absolute https (http only on localhost), no `*`, no `+` deferral. */
export function checkExactUrl(component: string, field: string, u: string): string {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    invalidArg(component, field, u, "must be an absolute URL");
  }
  if (u.includes("*") || u.includes("+")) invalidArg(component, field, u, "must be an exact URL (no wildcard)");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1"))) invalidArg(component, field, u, "must use https (http only for localhost)");
  return u;
}

const mapper = (name: string, protocolMapper: string, config: Record<string, string>) => ({ name, protocol: "openid-connect", protocolMapper, consentRequired: false, config });

/** The user profile: Keycloak's four default attributes plus `tenant_id`, which only administrators may set. */
export function userProfileConfig(): Record<string, unknown> {
  const person = (name: string, displayName: string) => ({
    name,
    displayName,
    validations: { length: { max: 255 }, "person-name-prohibited-characters": {} },
    required: { roles: ["user"] },
    permissions: { view: ["admin", "user"], edit: ["admin", "user"] },
    multivalued: false,
  });
  return {
    attributes: [
      { name: "username", displayName: "${username}", validations: { length: { min: 3, max: 255 }, "username-prohibited-characters": {}, "up-username-not-idn-homograph": {} }, permissions: { view: ["admin", "user"], edit: ["admin", "user"] }, multivalued: false },
      { name: "email", displayName: "${email}", validations: { email: {}, length: { max: 255 } }, required: { roles: ["user"] }, permissions: { view: ["admin", "user"], edit: ["admin", "user"] }, multivalued: false },
      person("firstName", "${firstName}"),
      person("lastName", "${lastName}"),
      { name: TENANT_ATTRIBUTE, displayName: "Tenant", validations: { pattern: { pattern: "^[a-z0-9][a-z0-9-]{0,62}$", "error-message": "invalid tenant id" } }, permissions: { view: ["admin", "user"], edit: ["admin"] }, multivalued: false },
    ],
    groups: [{ name: "user-metadata", displayHeader: "User metadata", displayDescription: "Attributes, which refer to user metadata" }],
  };
}

/**
 * The realm document: every hardening rule, the three clients, the realm roles, the tenant
 * claim, and the admin OTP flow. Client secrets are `$(env:...)` placeholders (CLIENT_SECRET_ENV).
 */
export function realmDocument(a: RealmDocumentArgs): Record<string, unknown> {
  const s = a.settings;
  const b = s.bruteForce;
  const web = a.clients.web;
  const grafana = a.clients.grafana;
  const pkce = { "pkce.code.challenge.method": "S256" };
  const confidential = (clientId: RealmClientId) => ({ clientId, protocol: "openid-connect", enabled: true, publicClient: false, clientAuthenticatorType: "client-secret", secret: envRef(CLIENT_SECRET_ENV[clientId]) });
  return {
    realm: a.realm,
    enabled: true,
    sslRequired: s.sslRequired,
    registrationAllowed: false,
    loginWithEmailAllowed: true,
    duplicateEmailsAllowed: false,
    resetPasswordAllowed: true,
    editUsernameAllowed: false,
    // Brute-force detection: temporary lockouts that grow and expire, never permanent ones.
    bruteForceProtected: true,
    permanentLockout: false,
    failureFactor: b.failureFactor,
    waitIncrementSeconds: b.waitIncrementSeconds,
    maxFailureWaitSeconds: b.maxWaitSeconds,
    maxDeltaTimeSeconds: b.maxDeltaTimeSeconds,
    quickLoginCheckMilliSeconds: b.quickLoginCheckMilliSeconds,
    minimumQuickLoginWaitSeconds: b.minimumQuickLoginWaitSeconds,
    passwordPolicy: passwordPolicy(s.password),
    // Token lifespans.
    accessTokenLifespan: s.accessTokenLifespanSeconds,
    accessTokenLifespanForImplicitFlow: s.accessTokenLifespanSeconds,
    ssoSessionIdleTimeout: s.ssoSessionIdleTimeoutSeconds,
    ssoSessionMaxLifespan: s.ssoSessionMaxLifespanSeconds,
    revokeRefreshToken: true,
    refreshTokenMaxReuse: 0,
    // OTP: TOTP, SHA-256, six digits.
    otpPolicyType: "totp",
    otpPolicyAlgorithm: "HmacSHA256",
    otpPolicyDigits: 6,
    otpPolicyPeriod: 30,
    // Login and admin events, kept for events.expirationSeconds.
    eventsEnabled: true,
    eventsExpiration: s.events.expirationSeconds,
    eventsListeners: ["jboss-logging"],
    adminEventsEnabled: true,
    adminEventsDetailsEnabled: true,
    browserFlow: ADMIN_OTP_FLOW,
    roles: {
      realm: [
        { name: REALM_ROLES.admin, description: "Realm administrator (realm-management realm-admin); OTP required", composite: true, composites: { realm: [REALM_ROLES.grafanaAdmin], client: { "realm-management": ["realm-admin"] } } },
        { name: REALM_ROLES.grafanaAdmin, description: "Grafana Admin" },
        { name: REALM_ROLES.grafanaEditor, description: "Grafana Editor" },
        { name: REALM_ROLES.apiUser, description: "May call core-api" },
        { name: REALM_ROLES.tenantAdmin, description: "Administers their own tenant in core-api" },
      ],
    },
    clientScopes: [
      {
        name: "tenant",
        description: "The user's tenant (tenant_id), for the multi-tenant API",
        protocol: "openid-connect",
        attributes: { "include.in.token.scope": "true", "display.on.consent.screen": "false" },
        protocolMappers: [
          mapper("tenant id", "oidc-usermodel-attribute-mapper", { "user.attribute": TENANT_ATTRIBUTE, "claim.name": TENANT_CLAIM, "jsonType.label": "String", "access.token.claim": "true", "id.token.claim": "true", "userinfo.token.claim": "true", "introspection.token.claim": "true", multivalued: "false" }),
        ],
      },
      {
        name: "platform-roles",
        description: "Realm roles as a flat `roles` claim (Grafana's role mapping reads it)",
        protocol: "openid-connect",
        attributes: { "include.in.token.scope": "false", "display.on.consent.screen": "false" },
        protocolMappers: [mapper("realm roles", "oidc-usermodel-realm-role-mapper", { "claim.name": "roles", "jsonType.label": "String", multivalued: "true", "access.token.claim": "true", "id.token.claim": "true", "userinfo.token.claim": "true", "introspection.token.claim": "true" })],
      },
    ],
    clients: [
      {
        ...confidential("core-api"),
        name: "core-api",
        description: "The multi-tenant API: a resource server; its own calls use client credentials",
        standardFlowEnabled: false,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: true,
        redirectUris: [],
        webOrigins: [],
        defaultClientScopes: ["tenant", "roles", "basic"],
        optionalClientScopes: [],
      },
      {
        ...confidential("web"),
        name: "web",
        description: "The web front end (NextAuth): authorization code with PKCE S256",
        standardFlowEnabled: true,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: false,
        redirectUris: [...web.redirectUris],
        webOrigins: [...web.webOrigins],
        attributes: { ...pkce, "post.logout.redirect.uris": web.postLogoutRedirectUris.join("##") },
        defaultClientScopes: ["web-origins", "acr", "profile", "email", "roles", "basic", "tenant"],
        optionalClientScopes: ["offline_access"],
      },
      {
        ...confidential("grafana"),
        name: "grafana",
        description: "Grafana generic OAuth: authorization code with PKCE S256, roles mapped to Grafana roles",
        standardFlowEnabled: true,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: false,
        redirectUris: [...grafana.redirectUris],
        webOrigins: [...grafana.webOrigins],
        attributes: { ...pkce },
        defaultClientScopes: ["web-origins", "acr", "profile", "email", "roles", "basic", "platform-roles"],
        optionalClientScopes: [],
      },
    ],
    // OTP for administrators: the browser flow with a conditional OTP step for platform-admin.
    authenticatorConfig: [{ alias: "platform-admin otp", config: { condUserRole: REALM_ROLES.admin, negate: "false" } }],
    authenticationFlows: [
      {
        alias: ADMIN_OTP_FLOW,
        description: "Browser login; OTP required for platform-admin",
        providerId: "basic-flow",
        topLevel: true,
        builtIn: false,
        authenticationExecutions: [
          { authenticator: "auth-cookie", requirement: "ALTERNATIVE", priority: 10, autheticatorFlow: false, userSetupAllowed: false },
          { flowAlias: "platform browser forms", requirement: "ALTERNATIVE", priority: 20, autheticatorFlow: true, userSetupAllowed: false },
        ],
      },
      {
        alias: "platform browser forms",
        description: "Username and password, then OTP for administrators",
        providerId: "basic-flow",
        topLevel: false,
        builtIn: false,
        authenticationExecutions: [
          { authenticator: "auth-username-password-form", requirement: "REQUIRED", priority: 10, autheticatorFlow: false, userSetupAllowed: false },
          { flowAlias: "platform admin otp", requirement: "CONDITIONAL", priority: 20, autheticatorFlow: true, userSetupAllowed: false },
        ],
      },
      {
        alias: "platform admin otp",
        description: "OTP for users with platform-admin (set up at first login)",
        providerId: "basic-flow",
        topLevel: false,
        builtIn: false,
        authenticationExecutions: [
          { authenticator: "conditional-user-role", authenticatorConfig: "platform-admin otp", requirement: "REQUIRED", priority: 10, autheticatorFlow: false, userSetupAllowed: false },
          { authenticator: "auth-otp-form", requirement: "REQUIRED", priority: 20, autheticatorFlow: false, userSetupAllowed: false },
        ],
      },
    ],
    components: {
      "org.keycloak.userprofile.UserProfileProvider": [{ providerId: "declarative-user-profile", subComponents: {}, config: { "kc.user.profile.config": [JSON.stringify(userProfileConfig())] } }],
    },
  };
}
