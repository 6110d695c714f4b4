/**
 * The real Keycloak server (issue 15 item 6): Keycloak 26.5.5 from its Maven Central
 * distribution on the machine's JDK (Temurin 25), against the Debian PostgreSQL 15 with the
 * database and owner the prod render declares on its PostgresCluster. It loads the prod render's
 * realm document (the realm ConfigMap, secrets substituted as keycloak-config-cli would) and proves
 * with real HTTP calls what the document says: token lifetime, brute-force lockout and its expiry,
 * the password policy, PKCE and exact redirect URIs on `web`, OTP for administrators, the tenant
 * claim, core-api's client secret; loading again changes nothing; a changed lifespan is updated in place.
 *
 * The realm is loaded through the admin REST API (test/keycloak/apply.ts says what that leaves
 * unproven of keycloak-config-cli). The server runs the Keycloak CR's runtime options except the
 * database TLS properties (this PostgreSQL has no certificate) and plain HTTP on 127.0.0.1 instead
 * of the pods' TLS; one server with local caches (no JGroups cluster).
 *
 * Started ONCE for the file (about a minute here, several under load) and always stopped.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_SECRET_ENV, TENANT_ATTRIBUTE, TENANT_CLAIM } from "../../components/keycloak/realm";
import { METRICS } from "../../alerts/metrics-catalog";
import { readStackConfig, renderedObjects, renderStack, withConfig, type RunResult } from "../harness";
import { chownTree, postgresIds } from "../pitr/exec";
import { PgServer } from "../pitr/pg";
import { makeTempDir, removeDir } from "../procs";
import { adminClient, applyRealm, realmState, substitute } from "./apply";
import { Browser, claims, formAction, pkce } from "./browser";
import { KeycloakServer, startKeycloakDatabase, tlsFetch } from "./server";

type Obj = Record<string, any>;
const REALM = "platform";

function one(run: RunResult, kind: string, pick: (o: Obj) => boolean = () => true): Obj {
  const hits = renderedObjects(run, kind).filter(pick);
  if (hits.length !== 1) throw new Error(`prod render: ${hits.length} ${kind} objects match, want 1`);
  return hits[0]!;
}

const realmDoc = (run: RunResult) => JSON.parse(one(run, "ConfigMap", (c) => /^keycloak-realm-[0-9a-f]{10}$/.test(c.metadata.name)).data["realm.json"]) as Obj;

describe("a real Keycloak 26.5.5 with the rendered realm", () => {
  const ids = postgresIds();
  let work = "";
  let pg: PgServer | undefined;
  let kc: KeycloakServer | undefined;
  let admin: Awaited<ReturnType<typeof adminClient>>;
  let doc: Obj;
  let changedDoc: Obj;
  let cr: Obj;
  let webRedirect = "";
  // Generated like the secrets catalogue's client secrets (40 url-safe characters).
  const secrets = Object.fromEntries(Object.values(CLIENT_SECRET_ENV).map((k) => [k, randomBytes(30).toString("base64url").replace(/[-_]/g, "x").slice(0, 40)]));
  const strong = "Correct-Horse-Battery-9";

  beforeAll(async () => {
    const prod = await renderStack("prod");
    cr = one(prod, "Keycloak");
    doc = realmDoc(prod);
    changedDoc = realmDoc(await renderStack("prod", withConfig(readStackConfig("prod"), { keycloak: { realm: { accessTokenLifespanSeconds: 240 } } })));
    webRedirect = (doc.clients as Obj[]).find((c) => c.clientId === "web")!.redirectUris[0];
    // The database and owner as the prod render declares them on the PostgresCluster.
    const database = one(prod, "Database", (d) => d.spec.name === cr.spec.db.database);
    const role = (one(prod, "Cluster").spec.managed.roles as Obj[]).find((r) => r.name === database.spec.owner)!;
    expect(role.passwordSecret.name).toBe(cr.spec.db.passwordSecret.name);

    work = makeTempDir("keycloak");
    chownTree(work, ids);
    const started = await startKeycloakDatabase(work, ids, { name: database.spec.name, owner: role.name });
    pg = started.pg;

    kc = new KeycloakServer(work, started.db, { username: "admin", password: randomBytes(18).toString("base64url") });
    const options = (cr.spec.additionalOptions as { name: string; value: string }[]).filter((o) => o.name !== "db-url-properties");
    await kc.start(900_000, options);
    console.log(`keycloak started in ${kc.startSeconds} s`);
    admin = await adminClient(kc.url, kc.admin);
    expect(await applyRealm(admin, substitute(doc, secrets))).toBe("created");
  }, 1_200_000);

  afterAll(async () => {
    await kc?.stop().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    if (work) removeDir(work);
  }, 60_000);

  // The platform realm over HTTPS (prod's sslRequired is "all"); the admin API over plain HTTP.
  const tls = (url: string, init?: Parameters<ReturnType<typeof tlsFetch>>[1]) => tlsFetch(kc!.ca)(url, init);
  const browser = () => new Browser(tls);
  const token = (form: Record<string, string>) => tls(`${kc!.httpsUrl}/realms/${REALM}/protocol/openid-connect/token`, { method: "POST", body: new URLSearchParams(form) });
  const clientToken = async (secret: string) => token({ grant_type: "client_credentials", client_id: "core-api", client_secret: secret });

  async function createUser(username: string, opts: { tenant?: string; roles?: string[] } = {}): Promise<string> {
    const { id } = await admin.users.create({ realm: REALM, username, email: `${username}@example.com`, firstName: username, lastName: "Test", enabled: true, emailVerified: true, attributes: opts.tenant ? { [TENANT_ATTRIBUTE]: [opts.tenant] } : {} });
    await admin.users.resetPassword({ realm: REALM, id, credential: { type: "password", value: strong, temporary: false } });
    const roles = await admin.roles.find({ realm: REALM });
    const mine = roles.filter((r) => opts.roles?.includes(r.name!)).map((r) => ({ id: r.id!, name: r.name! }));
    if (mine.length > 0) await admin.users.addRealmRoleMappings({ realm: REALM, id, roles: mine });
    return id;
  }

  /** Starts a `web` authorization (PKCE S256) and posts the login form; returns the last response and the PKCE pair. */
  async function webLogin(b: Browser, username: string, password: string) {
    const p = pkce();
    const q = new URLSearchParams({ client_id: "web", response_type: "code", scope: "openid", redirect_uri: webRedirect, state: "s1", code_challenge: p.challenge, code_challenge_method: "S256" });
    const page = await b.get(`${kc!.httpsUrl}/realms/${REALM}/protocol/openid-connect/auth?${q}`);
    expect(page.status).toBe(200);
    const res = await b.post(formAction(await page.text()), { username, password, credentialId: "" });
    return { res, pkce: p };
  }

  it("refuses plain HTTP in the realm (prod's sslRequired: all), even from a loopback address", async () => {
    expect(doc.sslRequired).toBe("all");
    const r = await fetch(`${kc!.url}/realms/${REALM}/protocol/openid-connect/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: "core-api", client_secret: secrets[CLIENT_SECRET_ENV["core-api"]]! }) });
    expect(r.status).toBe(403);
    expect(await r.text()).toMatch(/HTTPS required/);
  });

  it("issues core-api's tokens for the generated client secret only, living as long as the document says", async () => {
    const ok = await clientToken(secrets[CLIENT_SECRET_ENV["core-api"]]!);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Obj;
    const c = claims(body.access_token);
    expect(c.exp - c.iat).toBe(doc.accessTokenLifespan);
    // expires_in is counted when the response is written: it may have lost a second by then.
    expect(body.expires_in).toBeGreaterThanOrEqual(doc.accessTokenLifespan - 1);
    expect(body.expires_in).toBeLessThanOrEqual(doc.accessTokenLifespan);
    expect((await clientToken(secrets[CLIENT_SECRET_ENV.web]!)).status).toBe(401);
  });

  it("puts the user's tenant into the access token (code flow with PKCE on web, its generated secret)", async () => {
    await createUser("alice", { tenant: "acme", roles: ["api-user"] });
    const b = browser();
    const { res, pkce: p } = await webLogin(b, "alice", strong);
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(webRedirect);
    const t = await token({ grant_type: "authorization_code", client_id: "web", client_secret: secrets[CLIENT_SECRET_ENV.web]!, code: back.searchParams.get("code")!, redirect_uri: webRedirect, code_verifier: p.verifier });
    expect(t.status).toBe(200);
    const c = claims(((await t.json()) as Obj).access_token);
    expect(c[TENANT_CLAIM]).toBe("acme");
    expect(c.exp - c.iat).toBe(doc.accessTokenLifespan);
  });

  it("refuses an authorization request on web without PKCE, and any redirect URI web doesn't declare", async () => {
    const b = browser();
    const base = { client_id: "web", response_type: "code", scope: "openid", state: "s2" };
    const noPkce = await b.get(`${kc!.httpsUrl}/realms/${REALM}/protocol/openid-connect/auth?${new URLSearchParams({ ...base, redirect_uri: webRedirect })}`);
    expect(noPkce.status).toBe(302);
    const err = new URL(noPkce.headers.get("location")!).searchParams;
    expect(err.get("error")).toBe("invalid_request");
    expect(err.get("error_description")).toMatch(/code_challenge_method/);
    const p = pkce();
    for (const uri of ["https://evil.example.com/api/auth/callback/keycloak", `${webRedirect}/extra`, new URL(webRedirect).origin + "/"]) {
      const bad = await b.get(`${kc!.httpsUrl}/realms/${REALM}/protocol/openid-connect/auth?${new URLSearchParams({ ...base, redirect_uri: uri, code_challenge: p.challenge, code_challenge_method: "S256" })}`);
      expect(bad.status, uri).toBe(400);
      expect(await bad.text()).toMatch(/Invalid parameter: redirect_uri/);
    }
  });

  it("refuses weak passwords: too short, the username, the email, a reused one", async () => {
    const id = await createUser("bob");
    const set = (value: string) => admin.users.resetPassword({ realm: REALM, id, credential: { type: "password", value, temporary: false } });
    for (const weak of ["Sh0rt-pw", "bob", "bob@example.com", strong]) await expect(set(weak), weak).rejects.toThrow(/invalidPassword|400/);
    await expect(set("Another-Long-Passphrase-7")).resolves.not.toThrow();
  });

  it("gives an administrator the OTP required action at sign-in, and not an ordinary user", async () => {
    const id = await createUser("root", { roles: ["platform-admin"] });
    const b = browser();
    const { res } = await webLogin(b, "root", strong);
    // Not back to the app with a code: on to the required action that sets up OTP.
    expect(res.status).toBe(302);
    const next = new URL(res.headers.get("location")!, kc!.httpsUrl);
    expect(next.pathname).toBe(`/realms/${REALM}/login-actions/required-action`);
    expect(next.searchParams.get("execution")).toBe("CONFIGURE_TOTP");
    const page = await b.get(next.toString());
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/kc-totp-settings|totp/i);
    // Keycloak 26.5 puts the action on the login session (not the stored user): until OTP is set up, every sign-in ends here.
    expect(((await admin.users.findOne({ realm: REALM, id })) as Obj).totp).toBe(false);
    const plain = await webLogin(browser(), "alice", strong);
    expect(plain.res.status).toBe(302);
    expect(plain.res.headers.get("location")!.startsWith(`${webRedirect}?`)).toBe(true);
  });

  it(`locks a user out after the document's failureFactor failed logins, and the lockout expires`, async () => {
    const id = await createUser("carol");
    const failures = doc.failureFactor as number;
    for (let i = 0; i < failures; i++) {
      const { res } = await webLogin(browser(), "carol", "wrong-password-123456");
      expect(res.status).toBe(200);
      // Slower than quickLoginCheckMilliSeconds apart: only the failure count locks the user.
      await new Promise((r) => setTimeout(r, doc.quickLoginCheckMilliSeconds + 200));
    }
    const status = (await admin.attackDetection.findOne({ realm: REALM, id })) as Obj;
    expect(status).toMatchObject({ disabled: true, numFailures: failures });
    const locked = await webLogin(browser(), "carol", strong);
    expect(locked.res.status).toBe(200); // the right password is refused while locked
    // Temporary, never permanent: the wait is waitIncrementSeconds for the first lockout.
    await new Promise((r) => setTimeout(r, (doc.waitIncrementSeconds as number) * 1000 + 2000));
    const after = await webLogin(browser(), "carol", strong);
    expect(after.res.status).toBe(302);
    expect(((await admin.users.findOne({ realm: REALM, id })) as Obj).enabled).toBe(true);
  }, 240_000);

  it("counts user events by realm only (bounded tags), under the catalogued metric names", async () => {
    const text = await (await fetch(`${kc!.managementUrl}/metrics`)).text();
    const events = text.split("\n").filter((l) => l.startsWith("keycloak_user_events_total{") && l.includes(`realm="${REALM}"`));
    expect(events.length).toBeGreaterThan(0);
    for (const l of events) expect(Object.keys(Object.fromEntries([...l.matchAll(/([a-z_]+)="/g)].map((m) => [m[1], 1]))).sort()).toEqual(["error", "event", "realm"]);
    expect(events.some((l) => /error="invalid_user_credentials"/.test(l))).toBe(true);
    for (const name of ["keycloak_user_events_total", "http_server_requests_seconds_bucket", "http_server_requests_seconds_count", "vendor_statistics_approximate_entries"]) {
      expect(METRICS[name], name).toBeDefined();
      expect(text).toMatch(new RegExp(`^${name}\\{`, "m"));
    }
    expect(text).toMatch(/^vendor_statistics_approximate_entries\{[^}]*cache="sessions"/m);
  });

  it("loading the same document again changes nothing; a changed lifespan is updated in place", async () => {
    const before = await realmState(admin, REALM);
    expect(await applyRealm(admin, substitute(doc, secrets))).toBe("updated");
    expect(await realmState(admin, REALM)).toEqual(before);
    expect(changedDoc.accessTokenLifespan).toBe(240);
    expect(await applyRealm(admin, substitute(changedDoc, secrets))).toBe("updated");
    const after = await realmState(admin, REALM);
    expect(after.realm.accessTokenLifespan).toBe(240);
    expect(after.realm.id).toBe(before.realm.id);
    const c = claims(((await (await clientToken(secrets[CLIENT_SECRET_ENV["core-api"]]!)).json()) as Obj).access_token);
    expect(c.exp - c.iat).toBe(240);
  });
});
