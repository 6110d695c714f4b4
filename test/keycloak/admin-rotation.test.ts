/**
 * Rotating Keycloak's admin credentials against the real server (Keycloak 26.5.5 from Maven
 * Central on Temurin 25, PostgreSQL 15, as test/keycloak/keycloak.test.ts starts them).
 *
 * Keycloak creates its bootstrap admin from the Secret on its first start only. The realm Job's
 * admin-credentials container (components/keycloak/admin.ts) is what keeps the stored admin equal
 * to the Secret afterwards: this test runs that container's command exactly as the prod render
 * has it (its script and environment; the Secrets' values given as the kubelet would), with the
 * distribution's own kcadm.sh (the image's /opt/keycloak/bin/kcadm.sh) against the server. Then
 * what keycloak-config-cli does next: it logs in with the rendered grant (client credentials as
 * the admin client) and loads the realm document, through the admin REST API (keycloak-config-cli
 * is not on Maven Central: test/keycloak/apply.ts).
 *
 * Proven: the first run creates the admin client, logged in as the bootstrap admin; after a
 * rotated keycloak-admin the stored admin's password is the new Secret value (the old one is
 * refused); after a rotated keycloak-admin-client the client's secret is; both at once fail with
 * a message and change nothing. Started ONCE for the file and always stopped.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_CLIENT_ID } from "../../components/keycloak/admin";
import { CLIENT_SECRET_ENV } from "../../components/keycloak/realm";
import { readStackConfig, renderedObjects, renderStack, withConfig, type RunResult } from "../harness";
import { chownTree, postgresIds } from "../pitr/exec";
import { PgServer } from "../pitr/pg";
import { makeTempDir, removeDir, run } from "../procs";
import { applyRealm, substitute } from "./apply";
import { keycloakDist, KeycloakServer, startKeycloakDatabase } from "./server";

type Obj = Record<string, any>;

function one(r: RunResult, kind: string, pick: (o: Obj) => boolean = () => true): Obj {
  const hits = renderedObjects(r, kind).filter(pick);
  if (hits.length !== 1) throw new Error(`prod render: ${hits.length} ${kind} objects match, want 1`);
  return hits[0]!;
}
const realmJob = (r: RunResult) => one(r, "Job", (j) => /^keycloak-realm-[0-9a-f]{10}$/.test(j.metadata.name));

/** The Secrets' values, by Secret name and key (what the kubelet puts into secretKeyRef env). */
type SecretValues = Record<string, Record<string, string>>;
const password = () => `${randomBytes(15).toString("base64url").replace(/[-_]/g, "x")}!#9a`;
const clientSecret = () => randomBytes(30).toString("base64url").replace(/[-_]/g, "x").slice(0, 40);

describe("rotating Keycloak's admin credentials (a real Keycloak 26.5.5)", () => {
  const ids = postgresIds();
  let work = "";
  let pg: PgServer | undefined;
  let kc: KeycloakServer | undefined;
  let prod: RunResult;
  let doc: Obj;
  let dist: ReturnType<typeof keycloakDist>;
  const A = password();
  const realmSecrets = Object.fromEntries(Object.values(CLIENT_SECRET_ENV).map((k) => [k, clientSecret()]));

  beforeAll(async () => {
    dist = keycloakDist();
    prod = await renderStack("prod");
    doc = JSON.parse(one(prod, "ConfigMap", (c) => /^keycloak-realm-[0-9a-f]{10}$/.test(c.metadata.name)).data["realm.json"]) as Obj;
    const cr = one(prod, "Keycloak");
    const database = one(prod, "Database", (d) => d.spec.name === cr.spec.db.database);
    work = makeTempDir("keycloak-admin");
    chownTree(work, ids);
    const started = await startKeycloakDatabase(work, ids, { name: database.spec.name, owner: database.spec.owner });
    pg = started.pg;
    // The bootstrap admin from the Secret's first value (the operator's bootstrapAdmin.user.secret).
    kc = new KeycloakServer(work, started.db, { username: "admin", password: A });
    await kc.start(900_000, (cr.spec.additionalOptions as { name: string; value: string }[]).filter((o) => o.name !== "db-url-properties"));
    // cert-manager's truststore.p12 holds the CA as a trusted certificate: keytool writes the same.
    execFileSync(join(dist.javaHome, "bin/keytool"), ["-importcert", "-noprompt", "-storetype", "PKCS12", "-keystore", join(work, "truststore.p12"), "-storepass", "changeit", "-alias", "ca", "-file", join(work, "tls.crt")], { stdio: "ignore" });
  }, 1_200_000);

  afterAll(async () => {
    await kc?.stop().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    if (work) removeDir(work);
  }, 60_000);

  /** The rendered container's environment with the Secrets' values; the in-cluster URL and paths replaced by this machine's. */
  function containerEnv(container: Obj, values: SecretValues, local: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const e of container.env as Obj[]) {
      if (e.value !== undefined) env[e.name] = e.value;
      else {
        const ref = e.valueFrom.secretKeyRef;
        const v = values[ref.name]?.[ref.key];
        if (v === undefined) throw new Error(`${container.name}: env ${e.name} reads Secret ${ref.name} key ${ref.key}, which the test does not have`);
        env[e.name] = v;
      }
    }
    for (const [k, v] of Object.entries(local)) {
      if (env[k] === undefined) throw new Error(`${container.name}: no env ${k} to replace`);
      env[k] = v;
    }
    return env;
  }

  /** Runs the Job of a render as the cluster would: the admin-credentials container, then (when it succeeds) keycloak-config-cli's login and load. */
  async function runJob(r: RunResult, values: SecretValues): Promise<{ code: number; log: string }> {
    const spec = realmJob(r).spec.template.spec;
    const init = (spec.initContainers as Obj[]).find((c) => c.name === "admin-credentials");
    if (!init) throw new Error("the realm Job has no admin-credentials container");
    expect(init.command.slice(0, 2)).toEqual(["/bin/bash", "-c"]);
    // The image's kcadm.sh is the distribution's bin/kcadm.sh (/opt/keycloak is the distribution's home in the image).
    const env = containerEnv(init, values, {
      KEYCLOAK_URL: kc!.httpsUrl,
      KCADM: init.env.find((e: Obj) => e.name === "KCADM").value.replace(/^\/opt\/keycloak\//, `${dist.home}/`),
      KCADM_CONFIG: join(work, "kcadm.config"),
      TRUSTSTORE: join(work, "truststore.p12"),
      HOME: work,
      // The cluster waits out a rolling restart; here the server is up or never will be.
      LOGIN_ATTEMPTS: "2",
      LOGIN_RETRY_SECONDS: "1",
    });
    const res = run("/bin/bash", ["-c", init.command[2]], { env: { ...env, PATH: "/usr/bin:/bin", JAVA_HOME: dist.javaHome }, timeout: 300_000 });
    if (res.code !== 0) return { code: res.code, log: res.stderr };
    // keycloak-config-cli: the login its environment names, then the document with the client secrets substituted.
    const main = (spec.containers as Obj[]).find((c) => c.name === "keycloak-config-cli")!;
    const m = containerEnv(main, values, {});
    expect(m.KEYCLOAK_GRANTTYPE).toBe("client_credentials");
    const { default: KcAdminClient } = await import("@keycloak/keycloak-admin-client");
    const cli = new KcAdminClient({ baseUrl: kc!.url, realmName: "master" });
    const login = () => cli.auth({ grantType: "client_credentials", clientId: m.KEYCLOAK_CLIENTID!, clientSecret: m.KEYCLOAK_CLIENTSECRET! });
    await login();
    await applyRealm(cli, substitute(doc, realmSecrets), login);
    return { code: 0, log: res.stderr };
  }

  const adminLogin = async (pw: string) =>
    (await fetch(`${kc!.url}/realms/master/protocol/openid-connect/token`, { method: "POST", body: new URLSearchParams({ grant_type: "password", client_id: "admin-cli", username: "admin", password: pw }) })).status;
  const clientLogin = async (secret: string) =>
    (await fetch(`${kc!.url}/realms/master/protocol/openid-connect/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: ADMIN_CLIENT_ID, client_secret: secret }) })).status;

  const values = (adminPassword: string, adminClientSecret: string): SecretValues => ({
    "keycloak-admin": { username: "admin", password: adminPassword },
    "keycloak-admin-client": { "client-secret": adminClientSecret },
    ...Object.fromEntries(Object.entries(CLIENT_SECRET_ENV).map(([id, env]) => [`keycloak-client-${id}`, { "client-secret": realmSecrets[env]! }])),
  });

  const B = password();
  const C1 = clientSecret();
  const C2 = clientSecret();

  it("first run: logs in as the bootstrap admin, creates the admin client; config-cli's client-credentials login then loads the realm", async () => {
    expect(await clientLogin(C1)).toBe(401);
    const r = await runJob(prod, values(A, C1));
    expect(r.code, r.log).toBe(0);
    expect(r.log).toMatch(/logged in as admin: writing the secret of platform-realm-job/);
    expect(r.log).toMatch(/both credentials match their Secrets/);
    expect(await clientLogin(C1)).toBe(200);
    expect(await adminLogin(A)).toBe(200);
  }, 300_000);

  it("keycloak-admin rotated: a new Job, and the stored admin's password becomes the new Secret value", async () => {
    const rotated = await renderStack("prod", withConfig(readStackConfig("prod"), { secrets: { rotation: { "keycloak-admin": 1 } } }));
    expect(realmJob(rotated).metadata.name).not.toBe(realmJob(prod).metadata.name);
    // Keycloak still has A: what the Job would fail with if it logged in as the admin.
    expect(await adminLogin(B)).toBe(401);
    const r = await runJob(rotated, values(B, C1));
    expect(r.code, r.log).toBe(0);
    expect(r.log).toMatch(/logged in as platform-realm-job: setting the password of admin/);
    expect(await adminLogin(B)).toBe(200);
    expect(await adminLogin(A)).toBe(401);
  }, 300_000);

  it("keycloak-admin-client rotated: the Job logs in as the admin and writes the client's new secret", async () => {
    const rotated = await renderStack("prod", withConfig(readStackConfig("prod"), { secrets: { rotation: { "keycloak-admin": 1, "keycloak-admin-client": 1 } } }));
    const r = await runJob(rotated, values(B, C2));
    expect(r.code, r.log).toBe(0);
    expect(r.log).toMatch(/logged in as admin: writing the secret of platform-realm-job/);
    expect(await clientLogin(C2)).toBe(200);
    expect(await clientLogin(C1)).toBe(401);
    expect(await adminLogin(B)).toBe(200);
  }, 300_000);

  it("the same Secrets again: the Job succeeds and changes nothing", async () => {
    const r = await runJob(prod, values(B, C2));
    expect(r.code, r.log).toBe(0);
    expect(await adminLogin(B)).toBe(200);
    expect(await clientLogin(C2)).toBe(200);
  }, 300_000);

  it("both rotated in one update: the Job fails, says why, and leaves both credentials as they were", async () => {
    const r = await runJob(prod, values(password(), clientSecret()));
    console.log(r.log);
    expect(r.code).not.toBe(0);
    expect(r.log).toMatch(/Keycloak accepts neither the current secret of platform-realm-job nor the current password of admin: were both rotated in one update\?/);
    expect(await adminLogin(B)).toBe(200);
    expect(await clientLogin(C2)).toBe(200);
  }, 300_000);
});
