/**
 * One Keycloak server for the real-server test: the pinned distribution from Maven Central
 * (scripts/keycloak.sh: fetched and built once into the toolchain cache), started with
 * `kc.sh start --optimized` on 127.0.0.1 from a temp home (its own bin, conf and data; links to
 * the cached lib, themes and providers), against a PostgreSQL database. Always stopped.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { request } from "node:https";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import type { Ids } from "../pitr/exec";
import { PgServer } from "../pitr/pg";
import { freePort, startDaemon, waitFor, StopWaiting, type Daemon } from "../procs";

const ROOT = resolve(__dirname, "../..");

/** The cached distribution and the JDK to run it with (scripts/keycloak.sh fetches and builds it when missing). */
export function keycloakDist(): { home: string; javaHome: string } {
  const script = join(ROOT, "scripts/keycloak.sh");
  const home = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  const javaHome = execFileSync("bash", [script, "--java-home"], { encoding: "utf8" }).trim();
  return { home, javaHome };
}

export interface KeycloakDb {
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
}

/**
 * A PostgreSQL 15 in `work` (owned by `ids`, CloudNativePG's authentication) holding Keycloak's
 * database as a render declares it: `name` owned by the login role `owner`, with a fresh password.
 * Stops the server again if anything after its start fails.
 */
export async function startKeycloakDatabase(work: string, ids: Ids, db: { name: string; owner: string }): Promise<{ pg: PgServer; db: KeycloakDb }> {
  const pg = new PgServer(join(work, "data"), join(work, "sock"), await freePort(), join(work, "postgres.log"), ids, { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", TZ: "UTC", HOME: work });
  await pg.initdb();
  pg.useCnpgAuth();
  await pg.start();
  try {
    const password = randomBytes(24).toString("hex");
    await pg.sql(`CREATE ROLE "${db.owner}" NOSUPERUSER NOCREATEDB NOCREATEROLE LOGIN PASSWORD '${password}'`);
    await pg.sql(`CREATE DATABASE "${db.name}" OWNER "${db.owner}"`);
    return { pg, db: { port: pg.port, database: db.name, username: db.owner, password } };
  } catch (e) {
    await pg.stop().catch(() => undefined);
    throw e;
  }
}

export class KeycloakServer {
  private daemon: Daemon | undefined;
  port = 0;
  managementPort = 0;
  startSeconds = 0;

  constructor(
    private readonly work: string,
    private readonly db: KeycloakDb,
    readonly admin: { readonly username: string; readonly password: string },
  ) {}

  httpsPort = 0;
  /** PEM of the server's self-signed certificate (trust it to call `httpsUrl`). */
  ca = "";

  /** Plain HTTP on 127.0.0.1: the admin API (the master realm requires TLS only from public addresses). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** HTTPS with the self-signed certificate: what the platform realm's `sslRequired: all` needs. */
  get httpsUrl(): string {
    return `https://127.0.0.1:${this.httpsPort}`;
  }

  get managementUrl(): string {
    return `http://127.0.0.1:${this.managementPort}`;
  }

  /** `extraOptions`: runtime options as `--name=value` (the CR's additionalOptions). */
  async start(timeoutMs: number, extraOptions: readonly { name: string; value: string }[] = []): Promise<void> {
    const dist = keycloakDist();
    const home = join(this.work, "kc-home");
    mkdirSync(home, { recursive: true });
    // kc.sh takes its home from its own resolved path: bin/ is copied (a symlinked kc.sh would run
    // from the cache, with its data/ there); the read-only parts are links.
    cpSync(join(dist.home, "bin"), join(home, "bin"), { recursive: true });
    for (const d of ["lib", "themes", "providers"]) symlinkSync(join(dist.home, d), join(home, d));
    cpSync(join(dist.home, "conf"), join(home, "conf"), { recursive: true });
    mkdirSync(join(home, "data"), { recursive: true });
    const cert = join(this.work, "tls.crt");
    const key = join(this.work, "tls.key");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "2", "-keyout", key, "-out", cert], { stdio: "ignore" });
    this.ca = readFileSync(cert, "utf8");
    this.port = await freePort();
    this.httpsPort = await freePort();
    this.managementPort = await freePort();
    const d = this.db;
    const args = [
      "start",
      "--optimized",
      "--http-enabled=true",
      "--http-host=127.0.0.1",
      `--http-port=${this.port}`,
      `--https-port=${this.httpsPort}`,
      `--https-certificate-file=${cert}`,
      `--https-certificate-key-file=${key}`,
      `--http-management-port=${this.managementPort}`,
      "--hostname-strict=false",
      // One node: no JGroups discovery on the machine's network.
      "--cache=local",
      "--db-url-host=127.0.0.1",
      `--db-url-port=${d.port}`,
      `--db-url-database=${d.database}`,
      `--db-username=${d.username}`,
      `--db-password=${d.password}`,
      // Prometheus scrapes the management port in plain HTTP (the CR's http-management-scheme).
      // The runtime options the Keycloak CR gives the operator's server (spec.ts additionalOptions, minus TLS and the database URL properties).
      ...extraOptions.map((o) => `--${o.name}=${o.value}`),
      "--log-level=WARN,org.keycloak.events:DEBUG",
    ];
    const started = Date.now();
    this.daemon = startDaemon(join(home, "bin", "kc.sh"), args, {
      logFile: join(this.work, "keycloak.log"),
      env: {
        PATH: "/usr/bin:/bin",
        HOME: this.work,
        LANG: "C.UTF-8",
        TZ: "UTC",
        JAVA_HOME: dist.javaHome,
        JAVA_OPTS_APPEND: "-Xms256m -Xmx768m -XX:TieredStopAtLevel=1 --add-opens=java.base/java.lang=ALL-UNNAMED",
        KC_BOOTSTRAP_ADMIN_USERNAME: this.admin.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: this.admin.password,
      },
    });
    const daemon = this.daemon;
    await waitFor(
      `Keycloak ready on ${this.managementUrl}/health/ready (log ${join(this.work, "keycloak.log")})`,
      async () => {
        if (daemon.proc.exitCode !== null) throw new StopWaiting(`keycloak exited ${daemon.proc.exitCode}: ${this.logTail()}`);
        const r = await fetch(`${this.managementUrl}/health/ready`);
        return r.status === 200;
      },
      timeoutMs,
      1000,
    );
    this.startSeconds = Math.round((Date.now() - started) / 1000);
  }

  logTail(chars = 4000): string {
    try {
      return readFileSync(join(this.work, "keycloak.log"), "utf8").slice(-chars);
    } catch {
      return "(no log)";
    }
  }

  async stop(): Promise<void> {
    const d = this.daemon;
    this.daemon = undefined;
    await d?.stop(20_000);
  }
}

/** `fetch` over HTTPS trusting `ca` (Node's fetch has no per-call CA): method, headers, body; never follows redirects. */
export function tlsFetch(ca: string): (url: string, init?: { method?: string; headers?: Record<string, string>; body?: URLSearchParams | string }) => Promise<Response> {
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const body = init.body === undefined ? undefined : String(init.body);
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.body instanceof URLSearchParams) headers["content-type"] ??= "application/x-www-form-urlencoded";
      const req = request(url, { method: init.method ?? (body ? "POST" : "GET"), headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) h.append(k, x);
          const status = res.statusCode ?? 0;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: h }));
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
}
