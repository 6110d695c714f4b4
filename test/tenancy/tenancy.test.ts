/**
 * Tenant isolation on a real PostgreSQL 15 (Debian's) and a real PgBouncer (Debian's
 * 1.18), with what the prod stack renders: the managed roles of its Cluster, created
 * the way CloudNativePG v1.30.0's role reconciler creates them; the grants SQL of its
 * grants Job, run as the owner (never as a superuser); the owner's migration creating a
 * tenant table with FORCE ROW LEVEL SECURITY; and its Pooler's `pg_hba` lines in the HBA
 * file CloudNativePG writes around them.
 *
 * The same isolation probes run as the runtime role (all hold) and as the owner (some
 * fail), so the test can tell an app bound by RLS from one that is not.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgbouncerHbaFile } from "../../components/postgres/tenancy";
import { renderedObjects, renderStack } from "../harness";
import { chownTree, exec, Fatal, poll, postgresIds, type ExecResult } from "../pitr/exec";
import { PgServer, pgBin } from "../pitr/pg";
import { freePort, makeTempDir, removeDir, requireProgram, startDaemon, type Daemon } from "../procs";

const PGBOUNCER = "/usr/sbin/pgbouncer";
const DB = "core_api";

type Role = Record<string, unknown> & { name: string };

/** CREATE ROLE as CloudNativePG v1.30.0 issues it (internal/management/controller/roles/postgres.go `Create`/`appendRoleOptions`). */
function createRoleSql(r: Role, password: string): string {
  const flag = (on: unknown, word: string) => (on ? ` ${word}` : ` NO${word}`);
  return (
    `CREATE ROLE "${r.name}"` +
    flag(r.bypassrls, "BYPASSRLS") +
    flag(r.createdb, "CREATEDB") +
    flag(r.createrole, "CREATEROLE") +
    flag(r.inherit ?? true, "INHERIT") +
    flag(r.login, "LOGIN") +
    flag(r.replication, "REPLICATION") +
    flag(r.superuser, "SUPERUSER") +
    ` CONNECTION LIMIT ${Number(r.connectionLimit ?? -1)} PASSWORD '${password}'`
  );
}

describe("tenancy on a real PostgreSQL 15 and PgBouncer", () => {
  // What the prod stack renders: roles, owner, the grants Job's SQL, the Pooler's pg_hba, core-api's runtime login.
  let roles: Role[] = [];
  let owner = "";
  let app = "";
  let grants = "";
  let poolerHba: string[] = [];
  const passwords: Record<string, string> = {};
  const ids = postgresIds();
  let work: string;
  let pg: PgServer;
  let bouncer: Daemon | undefined;
  let bouncerPort = 0;
  let env: NodeJS.ProcessEnv;

  /** psql over TCP as `role` with its password (SCRAM), one implicit transaction; never throws. */
  const as = (role: string, sql: string, port = pg.port): Promise<ExecResult> =>
    exec(pgBin("psql"), ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", role, "-d", DB, "-c", sql], {
      env: { ...env, PGPASSWORD: passwords[role] ?? "", PGCONNECT_TIMEOUT: "10" },
    });
  const ok = async (role: string, sql: string, port?: number): Promise<string> => {
    const r = await as(role, sql, port);
    if (r.code !== 0) throw new Error(`${role}: ${sql}\n${r.stderr}`);
    return r.stdout.trim();
  };
  /** Reads and writes of tenant `t` as `role` (the app sets the tenant per transaction). */
  const tenant = (t: string, sql: string) => `SET LOCAL app.tenant = '${t}'; ${sql}`;

  beforeAll(async () => {
    requireProgram(PGBOUNCER);
    const run = await renderStack("prod");
    const one = (kind: string, pick: (o: Record<string, any>) => boolean) => {
      const hits = renderedObjects(run, kind).filter(pick);
      if (hits.length !== 1) throw new Error(`prod render: ${hits.length} ${kind} objects match, want 1`);
      return hits[0]!;
    };
    roles = one("Cluster", () => true).spec.managed.roles as Role[];
    owner = one("Database", (o) => o.spec.name === DB).spec.owner as string;
    const api = one("Deployment", (o) => o.metadata.name === "core-api");
    const userRef = (api.spec.template.spec.containers[0].env as Record<string, any>[]).find((e) => e.name === "SPRING_DATASOURCE_USERNAME")!.valueFrom.secretKeyRef;
    app = roles.find((r) => (r.passwordSecret as { name: string }).name === userRef.name)!.name;
    const job = one("Job", (o) => o.metadata.name.startsWith("app-db-grants-"));
    const cmd = job.spec.template.spec.containers[0].command as string[];
    expect(cmd.slice(0, -1)).toEqual(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c"]);
    grants = cmd.at(-1)!;
    poolerHba = one("Pooler", () => true).spec.pgbouncer.pg_hba as string[];
    work = makeTempDir("tenancy");
    chownTree(work, ids);
    env = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", TZ: "UTC", HOME: work };
    pg = new PgServer(join(work, "data"), join(work, "sock"), await freePort(), join(work, "postgres.log"), ids, env);
    await pg.initdb();
    pg.useCnpgAuth();
    await pg.start();
    // The rendered managed roles, then the database the Database CR declares (owned by the owner).
    for (const r of roles) {
      passwords[r.name] = `pw-${r.name}-${Math.random().toString(36).slice(2, 10)}`;
      await pg.sql(createRoleSql(r, passwords[r.name]!));
    }
    await pg.sql(`CREATE DATABASE ${DB} OWNER "${owner}"`);
  }, 180_000);

  afterAll(async () => {
    await bouncer?.stop().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    if (work) removeDir(work);
  });

  it("renders the roles as the split needs them: the runtime role is NOSUPERUSER NOBYPASSRLS and owns nothing", async () => {
    expect(await pg.sql(`SELECT rolname || ':' || rolsuper || rolbypassrls || rolcreaterole || rolcreatedb || rolcanlogin FROM pg_roles WHERE rolname IN ('${owner}', '${app}') ORDER BY 1`)).toBe(
      `${owner}:falsefalsefalsefalsetrue\n${app}:falsefalsefalsefalsetrue`,
    );
  });

  it("applies the grants Job's SQL as the owner, not a superuser, twice (idempotent)", async () => {
    expect(await ok(owner, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).toBe("f");
    await ok(owner, grants);
    await ok(owner, grants);
  });

  it("the grants refuse a runtime role that could bypass row-level security", async () => {
    await pg.sql(`ALTER ROLE "${app}" BYPASSRLS`);
    try {
      const r = await as(owner, grants);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(new RegExp(`role ${app} must be NOSUPERUSER NOBYPASSRLS`));
    } finally {
      await pg.sql(`ALTER ROLE "${app}" NOBYPASSRLS`);
    }
  });

  it("the owner migrates: a tenant table with FORCE ROW LEVEL SECURITY and a policy on app.tenant", async () => {
    await ok(
      owner,
      `CREATE TABLE notes (id bigserial PRIMARY KEY, tenant_id text NOT NULL DEFAULT current_setting('app.tenant'), body text NOT NULL);
       ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
       ALTER TABLE notes FORCE ROW LEVEL SECURITY;
       CREATE POLICY tenant_isolation ON notes USING (tenant_id = current_setting('app.tenant', true)) WITH CHECK (tenant_id = current_setting('app.tenant', true));`,
    );
    // Seeded by the app, per tenant.
    await ok(app, tenant("a", "INSERT INTO notes (body) VALUES ('a1'), ('a2')"));
    await ok(app, tenant("b", "INSERT INTO notes (body) VALUES ('b1')"));
    expect(await pg.sql("SELECT string_agg(tenant_id || body, ',' ORDER BY id) FROM notes", DB)).toBe("aa1,aa2,bb1");
  });

  /** The isolation probes: each returns true when isolation holds for `role` acting as tenant a. */
  const probes = (role: string): Record<string, () => Promise<boolean>> => ({
    "reads only its tenant's rows": async () => (await ok(role, tenant("a", "SELECT string_agg(body, ',' ORDER BY id) FROM notes"))) === "a1,a2",
    "reads nothing without a tenant": async () => (await ok(role, "SELECT count(*) FROM notes")) === "0",
    "cannot insert a row for another tenant": async () => (await as(role, tenant("a", "INSERT INTO notes (tenant_id, body) VALUES ('b', 'x')"))).code !== 0,
    "cannot update or delete another tenant's rows": async () =>
      (await ok(role, tenant("a", "WITH u AS (UPDATE notes SET body = 'hacked' WHERE tenant_id = 'b' RETURNING 1), x AS (DELETE FROM notes WHERE tenant_id = 'b' RETURNING 1) SELECT (SELECT count(*) FROM u) + (SELECT count(*) FROM x)"))) === "0",
    "cannot turn row security off for its queries": async () => (await as(role, tenant("a", "SET LOCAL row_security = off; SELECT count(*) FROM notes"))).code !== 0,
    "cannot disable row-level security": async () => (await as(role, "BEGIN; ALTER TABLE notes DISABLE ROW LEVEL SECURITY; ROLLBACK;")).code !== 0,
    "cannot stop forcing row-level security": async () => (await as(role, "BEGIN; ALTER TABLE notes NO FORCE ROW LEVEL SECURITY; ROLLBACK;")).code !== 0,
    "cannot drop or alter the policy": async () => (await as(role, "BEGIN; DROP POLICY tenant_isolation ON notes; ROLLBACK;")).code !== 0,
    "cannot alter the table": async () => (await as(role, "BEGIN; ALTER TABLE notes ADD COLUMN x int; ROLLBACK;")).code !== 0,
    "cannot drop the table": async () => (await as(role, "BEGIN; DROP TABLE notes; ROLLBACK;")).code !== 0,
    "cannot truncate the table": async () => (await as(role, "BEGIN; TRUNCATE notes; ROLLBACK;")).code !== 0,
    "cannot create tables (migrations are the owner's)": async () => (await as(role, "BEGIN; CREATE TABLE sneaky (id int); ROLLBACK;")).code !== 0,
  });

  it("binds the runtime role: every isolation probe holds", async () => {
    const held: Record<string, boolean> = {};
    for (const [name, probe] of Object.entries(probes(app))) held[name] = await probe();
    expect(held).toEqual(Object.fromEntries(Object.keys(probes(app)).map((k) => [k, true])));
    // And the rows are untouched.
    expect(await pg.sql("SELECT string_agg(tenant_id || body, ',' ORDER BY id) FROM notes", DB)).toBe("aa1,aa2,bb1");
  });

  it("does not bind the owner: the same probes fail when the app connects as the owner", async () => {
    const failed: string[] = [];
    for (const [name, probe] of Object.entries(probes(owner))) if (!(await probe())) failed.push(name);
    // FORCE ROW LEVEL SECURITY still filters the owner's reads and writes, but the owner can switch it off.
    expect(failed).toEqual(
      expect.arrayContaining([
        "cannot disable row-level security",
        "cannot stop forcing row-level security",
        "cannot drop or alter the policy",
        "cannot alter the table",
        "cannot drop the table",
        "cannot truncate the table",
        "cannot create tables (migrations are the owner's)",
      ]),
    );
    // Without FORCE (the usual oversight) the owner reads every tenant's rows; the runtime role still reads its own.
    await ok(owner, "CREATE TABLE notes_unforced (tenant_id text NOT NULL, body text NOT NULL); ALTER TABLE notes_unforced ENABLE ROW LEVEL SECURITY; CREATE POLICY t ON notes_unforced USING (tenant_id = current_setting('app.tenant', true)); INSERT INTO notes_unforced VALUES ('a', 'a1'), ('b', 'b1');");
    expect(await ok(owner, tenant("a", "SELECT string_agg(body, ',' ORDER BY body) FROM notes_unforced"))).toBe("a1,b1");
    expect(await ok(app, tenant("a", "SELECT string_agg(body, ',' ORDER BY body) FROM notes_unforced"))).toBe("a1");
  });

  it("can use a table, sequence and function the owner creates after the grants ran (default privileges)", async () => {
    await ok(
      owner,
      `CREATE TABLE invoices (id serial PRIMARY KEY, tenant_id text NOT NULL DEFAULT current_setting('app.tenant'), total numeric NOT NULL);
       ALTER TABLE invoices ENABLE ROW LEVEL SECURITY; ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
       CREATE POLICY t ON invoices USING (tenant_id = current_setting('app.tenant', true)) WITH CHECK (tenant_id = current_setting('app.tenant', true));
       CREATE FUNCTION invoice_total(t text) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT coalesce(sum(total), 0) FROM invoices WHERE tenant_id = t $$;`,
    );
    await ok(app, tenant("a", "INSERT INTO invoices (total) VALUES (10), (5)"));
    await ok(app, tenant("b", "INSERT INTO invoices (total) VALUES (7)"));
    expect(await ok(app, tenant("a", "SELECT count(*) || ' ' || invoice_total('b') || ' ' || invoice_total('a') FROM invoices"))).toBe("2 0 15");
    expect(await ok(app, tenant("a", "SELECT nextval('invoices_id_seq') > 3"))).toBe("t");
  });

  describe("through a real PgBouncer with the Pooler's rendered HBA", () => {
    beforeAll(async () => {
      // CloudNativePG's auth query (api/v1/pooler_types.go DefaultPgBouncerPoolerAuthQuery) against the
      // user_search function its instance manager creates (internal/management/controller/instance_controller.go).
      // PgBouncer 1.18 has no auth_dbname, so the function lives in the target database.
      passwords.cnpg_pooler_pgbouncer = "pw-pooler-auth";
      await pg.sql(`CREATE ROLE cnpg_pooler_pgbouncer LOGIN PASSWORD '${passwords.cnpg_pooler_pgbouncer}'`);
      await pg.sql(
        `CREATE OR REPLACE FUNCTION public.user_search(uname TEXT) RETURNS TABLE (usename name, passwd text) AS 'SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename=$1;' LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
         REVOKE ALL ON FUNCTION public.user_search(text) FROM public;
         GRANT EXECUTE ON FUNCTION public.user_search(text) TO cnpg_pooler_pgbouncer;`,
        DB,
      );
      const dir = join(work, "pgbouncer");
      mkdirSync(dir);
      bouncerPort = await freePort();
      writeFileSync(join(dir, "pg_hba.conf"), pgbouncerHbaFile(poolerHba));
      writeFileSync(join(dir, "userlist.txt"), `"cnpg_pooler_pgbouncer" "${passwords.cnpg_pooler_pgbouncer}"\n`);
      writeFileSync(
        join(dir, "pgbouncer.ini"),
        [
          "[databases]",
          `* = host=127.0.0.1 port=${pg.port}`,
          "[pgbouncer]",
          "pool_mode = transaction",
          "auth_type = hba",
          `auth_hba_file = ${join(dir, "pg_hba.conf")}`,
          `auth_file = ${join(dir, "userlist.txt")}`,
          "auth_user = cnpg_pooler_pgbouncer",
          "auth_query = SELECT usename, passwd FROM public.user_search($1)",
          "listen_addr = 127.0.0.1",
          `listen_port = ${bouncerPort}`,
          "unix_socket_dir =",
          "admin_users = pgbouncer",
          "ignore_startup_parameters = extra_float_digits,options",
          `logfile = ${join(dir, "pgbouncer.log")}`,
          "",
        ].join("\n"),
      );
      chownTree(dir, ids);
      bouncer = startDaemon(PGBOUNCER, [join(dir, "pgbouncer.ini")], { logFile: join(dir, "stdout.log"), uid: ids.uid, gid: ids.gid, env });
      const b = bouncer;
      await poll(
        `pgbouncer on ${bouncerPort}`,
        async () => {
          if (b.proc.exitCode !== null) throw new Fatal(`pgbouncer exited ${b.proc.exitCode}`);
          return (await exec(pgBin("pg_isready"), ["-h", "127.0.0.1", "-p", String(bouncerPort)])).code === 0;
        },
        30_000,
      );
    }, 60_000);

    it("admits the runtime role, still bound by row-level security", async () => {
      expect(await ok(app, tenant("a", "SELECT current_user || ' ' || string_agg(body, ',' ORDER BY id) FROM notes"), bouncerPort)).toBe(`${app} a1,a2`);
    });

    it("refuses the owner with the right password, and the superuser", async () => {
      const r = await as(owner, "SELECT 1", bouncerPort);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/login rejected|reject/i);
      // The owner's password is right: it logs in directly to the primary.
      expect(await ok(owner, "SELECT current_user")).toBe(owner);
      const su = await as("postgres", "SELECT 1", bouncerPort);
      expect(su.code).not.toBe(0);
    });

    it("a wrong password of the runtime role is refused (the md5/SCRAM fallback lines still authenticate)", async () => {
      const r = await exec(pgBin("psql"), ["-X", "-h", "127.0.0.1", "-p", String(bouncerPort), "-U", app, "-d", DB, "-c", "SELECT 1"], { env: { ...env, PGPASSWORD: "wrong" } });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/password authentication failed|SASL authentication failed/);
    });
  });
});
