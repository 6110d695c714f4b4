/**
 * The PostgreSQL settings and pg_hba rules the prod render declares on its
 * CloudNativePG Cluster, loaded into a real PostgreSQL 15: every parameter is
 * accepted with the rendered value, every pg_hba line parses, and
 * pg_stat_statements (preloaded by CloudNativePG when its parameters are set)
 * works in the databases the render declares.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderedObjects, renderStack } from "./harness";
import { chownTree, postgresIds } from "./pitr/exec";
import { PgServer } from "./pitr/pg";
import { freePort, makeTempDir, removeDir, run } from "./procs";

let dir: string;
let pg: PgServer;
let parameters: Record<string, string>;
let hba: string[];
let databases: { name: string; owner: string; extensions: string[] }[];
let customQueries: Record<string, { query: string; target_databases: string[]; metrics: Record<string, { usage: string }>[] }>;

beforeAll(async () => {
  const rendered = await renderStack("prod");
  const objects = renderedObjects(rendered);
  const cluster = objects.find((o) => o.kind === "Cluster" && o.metadata.name === "app-db")!;
  parameters = cluster.spec.postgresql.parameters;
  hba = cluster.spec.postgresql.pg_hba;
  databases = objects
    .filter((o) => o.kind === "Database")
    .map((d) => ({ name: d.spec.name, owner: d.spec.owner, extensions: (d.spec.extensions ?? []).map((e: { name: string }) => e.name) }));

  const queriesMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === cluster.spec.monitoring.customQueriesConfigMap[0].name)!;
  customQueries = yaml.load(queriesMap.data[cluster.spec.monitoring.customQueriesConfigMap[0].key]) as typeof customQueries;

  dir = makeTempDir("pgconf");
  const ids = postgresIds();
  chownTree(dir, ids);
  pg = new PgServer(join(dir, "data"), join(dir, "sock"), await freePort(), join(dir, "postgres.log"), ids, { ...process.env });
  await pg.initdb();
  // CloudNativePG adds pg_stat_statements to shared_preload_libraries when pg_stat_statements.* is set;
  // its own fixed rules come first in pg_hba (local access for the instance manager).
  // TLS on, as CloudNativePG always runs it (the rendered pg_hba only admits hostssl).
  const cert = run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=app-db-rw", "-keyout", join(dir, "server.key"), "-out", join(dir, "server.crt")]);
  if (cert.code !== 0) throw new Error(`openssl failed: ${cert.stderr}`);
  chmodSync(join(dir, "server.key"), 0o600);
  chownTree(dir, ids);
  pg.writeSettings({ ...parameters, shared_preload_libraries: "pg_stat_statements", ssl: "on", ssl_cert_file: join(dir, "server.crt"), ssl_key_file: join(dir, "server.key") });
  writeFileSync(join(dir, "data", "pg_hba.conf"), ["local all all trust", ...hba, ""].join("\n"));
  chownTree(join(dir, "data", "pg_hba.conf"), ids);
  await pg.start();
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  if (dir) removeDir(dir);
});

describe("rendered PostgreSQL configuration on a real PostgreSQL 15", () => {
  it("accepts every rendered parameter with its value", async () => {
    expect(Object.keys(parameters).length).toBeGreaterThanOrEqual(5);
    // A bad name or value in the configuration file stops PostgreSQL at start; here each one is also in effect.
    for (const [name, value] of Object.entries(parameters)) {
      const source = await pg.sql(`SELECT source FROM pg_settings WHERE name = '${name}'`);
      expect(source, `${name} = ${value}: not in effect from the configuration file (log: ${pg.logTail(500)})`).toBe("configuration file");
    }
    expect(await pg.sql("SHOW max_connections")).toBe(parameters.max_connections);
    expect(await pg.sql("SHOW archive_timeout")).toBe("1min");
    expect(await pg.sql("SHOW pg_stat_statements.track")).toBe(parameters["pg_stat_statements.track"]);
  });

  it("runs with the memory settings derived from the 8Gi instance (not the 128MB default)", async () => {
    const setting = async (n: string) => (await pg.sql(`SELECT setting || coalesce(unit, '') FROM pg_settings WHERE name = '${n}'`)).trim();
    // pg_settings reports shared_buffers and effective_cache_size in 8kB pages, work_mem in kB.
    expect(await pg.sql("SHOW shared_buffers")).toBe("2GB");
    expect(await setting("shared_buffers")).toBe(`${(2 * 1024 * 1024) / 8}8kB`);
    expect(await pg.sql("SHOW effective_cache_size")).toBe("6GB");
    expect(await setting("work_mem")).toBe("5242kB");
    expect(await pg.sql("SHOW maintenance_work_mem")).toBe("512MB");
  });

  it("parses every rendered pg_hba line, and refuses non-TLS TCP connections", async () => {
    const rules = await pg.sql("SELECT line_number, type, coalesce(error, '') FROM pg_hba_file_rules ORDER BY line_number");
    const lines = rules.split("\n").map((l) => l.split("|"));
    expect(lines.map((l) => l[2]).filter((e) => e !== "")).toEqual([]);
    expect(lines.map((l) => l[1])).toEqual(["local", ...hba.map((h) => h.split(/\s+/)[0])]);
    expect(hba.some((h) => /^hostnossl\s+all\s+all\s+all\s+reject$/.test(h))).toBe(true);
    // Over TCP without TLS the server refuses; with TLS the rules let a password login through to authentication.
    const psql = (sslmode: string) =>
      run("/usr/lib/postgresql/15/bin/psql", ["-X", "-w", "-h", "127.0.0.1", "-p", String(pg.port), "-U", "core_api", "-d", "postgres", "-c", "SELECT 1"], {
        env: { ...process.env, PGSSLMODE: sslmode, PGPASSWORD: "wrong" },
      });
    expect(psql("disable").stderr).toMatch(/rejects connection|no encryption/);
    expect(psql("require").stderr).toMatch(/password authentication failed|role "core_api" does not exist/);
  });

  it("creates the rendered databases with pg_stat_statements working", async () => {
    expect(databases.map((d) => d.name).sort()).toEqual(["core_api", "keycloak"]);
    for (const d of databases) {
      await pg.sql(`CREATE ROLE ${d.owner} LOGIN`);
      await pg.sql(`CREATE DATABASE ${d.name} OWNER ${d.owner}`);
      for (const e of d.extensions) await pg.sql(`CREATE EXTENSION IF NOT EXISTS ${e}`, d.name);
      await pg.sql("SELECT 1", d.name);
      expect(Number(await pg.sql("SELECT count(*) FROM pg_stat_statements", d.name))).toBeGreaterThan(0);
    }
  });

  it("runs the rendered custom monitoring queries: one row per top statement, a column per declared metric", async () => {
    expect(Object.keys(customQueries)).toEqual(["pg_stat_statements_top"]);
    for (const [name, q] of Object.entries(customQueries)) {
      for (const db of q.target_databases) {
        await pg.sql("SELECT count(*) FROM pg_class; SELECT pg_sleep(0.01)", db);
        const out = await pg.sql(`COPY (SELECT * FROM (${q.query}) AS q) TO STDOUT WITH (FORMAT csv, HEADER true)`, db);
        const [header, ...rows] = out.split("\n");
        expect(header!.split(","), name).toEqual(q.metrics.map((m) => Object.keys(m)[0]));
        expect(rows.length, `${name} in ${db}`).toBeGreaterThan(0);
        expect(rows.length).toBeLessThanOrEqual(20);
      }
    }
  });
});
