/**
 * Loads the rendered realm document into a running Keycloak the way keycloak-config-cli does
 * (create the realm, or update it in place), through Keycloak's admin REST API with
 * @keycloak/keycloak-admin-client: keycloak-config-cli itself is a container image and a GitHub
 * release jar, neither of which this machine can fetch (it is not on Maven Central).
 *
 * What it does as config-cli does: `$(env:NAME)` substitution of the secrets; create-or-update
 * of the realm's settings, realm roles, client scopes, clients (by clientId) and the
 * authentication flows (by alias), with the flow's executions and their configs; the realm's
 * browserFlow set after the flow exists. What it leaves unproven: config-cli's own code (its
 * remote-state tracking, deletion of objects removed from the document, its ordering and
 * retries), the Job's environment wiring, and the image's compatibility with the server.
 */
import { readFileSync } from "node:fs";

type Obj = Record<string, any>;
// The admin client is an ES module; this file is CommonJS: load it dynamically.
type AdminClient = InstanceType<Awaited<typeof import("@keycloak/keycloak-admin-client")>["default"]>;

/** `$(env:NAME)` → value, as keycloak-config-cli's IMPORT_VARSUBSTITUTION_ENABLED does; a missing variable is an error. */
export function substitute(doc: unknown, env: Readonly<Record<string, string>>): Obj {
  const text = JSON.stringify(doc).replace(/\$\(env:([A-Za-z_][A-Za-z0-9_]*)\)/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new Error(`realm document needs environment variable ${name}, which is not set`);
    return JSON.stringify(v).slice(1, -1);
  });
  return JSON.parse(text) as Obj;
}

export async function adminClient(baseUrl: string, admin: { username: string; password: string }): Promise<AdminClient> {
  const { default: KcAdminClient } = await import("@keycloak/keycloak-admin-client");
  const kc = new KcAdminClient({ baseUrl, realmName: "master" });
  await kc.auth({ grantType: "password", clientId: "admin-cli", username: admin.username, password: admin.password });
  return kc;
}

const TOP_LEVEL_ONLY = ["clients", "roles", "clientScopes", "authenticationFlows", "authenticatorConfig", "browserFlow", "components", "users", "groups"];

function realmSettings(doc: Obj): Obj {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !TOP_LEVEL_ONLY.includes(k)));
}

async function applyFlows(kc: AdminClient, realm: string, doc: Obj): Promise<void> {
  const flows = (doc.authenticationFlows ?? []) as Obj[];
  const configs = new Map(((doc.authenticatorConfig ?? []) as Obj[]).map((c) => [c.alias as string, c]));
  const existing = (await kc.authenticationManagement.getFlows({ realm })) as Obj[];
  for (const top of flows.filter((f) => f.topLevel)) {
    if (existing.some((f) => f.alias === top.alias)) continue; // config-cli compares and recreates changed flows; the test's flow never changes
    await kc.authenticationManagement.createFlow({ realm, alias: top.alias, description: top.description, providerId: top.providerId, topLevel: true, builtIn: false });
    const addExecutions = async (flow: Obj) => {
      for (const e of [...flow.authenticationExecutions].sort((x: Obj, y: Obj) => x.priority - y.priority)) {
        if (e.autheticatorFlow) {
          const sub = flows.find((f) => f.alias === e.flowAlias)!;
          await kc.authenticationManagement.addFlowToFlow({ realm, flow: flow.alias, alias: sub.alias, type: "basic-flow", provider: "registration-page-form", description: sub.description });
        } else {
          await kc.authenticationManagement.addExecutionToFlow({ realm, flow: flow.alias, provider: e.authenticator });
        }
        const execs = (await kc.authenticationManagement.getExecutions({ realm, flow: flow.alias })) as Obj[];
        const added = execs.filter((x) => x.level === 0).at(-1)!;
        await kc.authenticationManagement.updateExecution({ realm, flow: flow.alias }, { ...added, requirement: e.requirement });
        if (e.authenticatorConfig) {
          const c = configs.get(e.authenticatorConfig)!;
          await kc.authenticationManagement.createConfig({ realm, id: added.id, alias: c.alias, config: c.config });
        }
        if (e.autheticatorFlow) await addExecutions(flows.find((f) => f.alias === e.flowAlias)!);
      }
    };
    await addExecutions(top);
  }
}

/**
 * Creates the realm from the document, or updates it in place; returns what it did. `renewToken`
 * runs right after the realm is created, as keycloak-config-cli (v6.5.0 RealmImportService
 * createRealm) renews its token there: a service account's token (client credentials) carries the
 * new realm's admin roles only from then on (Keycloak 26.5.5 answers 403 before).
 */
export async function applyRealm(kc: AdminClient, doc: Obj, renewToken?: () => Promise<void>): Promise<"created" | "updated"> {
  const realm = doc.realm as string;
  const found = await kc.realms.findOne({ realm });
  let did: "created" | "updated";
  if (!found) {
    // Created with its roles and user profile, so Keycloak adds its default client scopes and
    // flows; then the document's scopes, clients and flows (as config-cli does), and the browser flow.
    await kc.realms.create({ ...realmSettings(doc), roles: doc.roles, components: doc.components } as Obj);
    await renewToken?.();
    for (const s of doc.clientScopes as Obj[]) await kc.clientScopes.create({ realm, ...s });
    for (const c of doc.clients as Obj[]) await kc.clients.create({ realm, ...c });
    did = "created";
  } else {
    await kc.realms.update({ realm }, realmSettings(doc));
    const roles = (await kc.roles.find({ realm })) as Obj[];
    for (const r of doc.roles.realm as Obj[]) {
      if (!roles.some((x) => x.name === r.name)) await kc.roles.create({ realm, ...r });
      else await kc.roles.updateByName({ realm, name: r.name }, { ...r, composites: undefined });
    }
    const scopes = (await kc.clientScopes.find({ realm })) as Obj[];
    for (const s of doc.clientScopes as Obj[]) {
      const cur = scopes.find((x) => x.name === s.name);
      if (!cur) await kc.clientScopes.create({ realm, ...s });
      else await kc.clientScopes.update({ realm, id: cur.id }, { ...s, id: cur.id, protocolMappers: undefined });
    }
    for (const c of doc.clients as Obj[]) {
      const [cur] = (await kc.clients.find({ realm, clientId: c.clientId })) as Obj[];
      if (!cur) await kc.clients.create({ realm, ...c });
      else await kc.clients.update({ realm, id: cur.id }, { ...c, id: cur.id, defaultClientScopes: undefined, optionalClientScopes: undefined });
    }
    did = "updated";
  }
  await applyFlows(kc, realm, doc);
  if (doc.browserFlow) await kc.realms.update({ realm }, { browserFlow: doc.browserFlow });
  return did;
}

/** What the realm looks like through the admin API (for comparing two loads). */
export async function realmState(kc: AdminClient, realm: string): Promise<Obj> {
  const r = (await kc.realms.findOne({ realm })) as Obj;
  // Scope lists are sets (the server returns them in no fixed order).
  const clients = ((await kc.clients.find({ realm })) as Obj[])
    .map((c): Obj => ({ ...c, defaultClientScopes: [...(c.defaultClientScopes ?? [])].sort(), optionalClientScopes: [...(c.optionalClientScopes ?? [])].sort() }))
    .sort((a, b) => String(a.clientId).localeCompare(String(b.clientId)));
  const roles = ((await kc.roles.find({ realm })) as Obj[]).sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const flows = ((await kc.authenticationManagement.getFlows({ realm })) as Obj[]).sort((a, b) => String(a.alias).localeCompare(String(b.alias)));
  return { realm: r, clients, roles, flows };
}

export function readJson(path: string): Obj {
  return JSON.parse(readFileSync(path, "utf8")) as Obj;
}
