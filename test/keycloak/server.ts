/**
 * One Keycloak server for the real-server test: the pinned distribution from Maven Central
 * (scripts/keycloak.sh: fetched and built once into the toolchain cache), started with
 * `kc.sh start --optimized` on 127.0.0.1 from a temp home (symlinks to the cached bin, lib,
 * themes and providers; its own conf and data), against a PostgreSQL database. Always stopped.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, startDaemon, waitFor, StopWaiting, type Daemon } from "../procs";
import { readFileSync } from "node:fs";

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

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get managementUrl(): string {
    return `http://127.0.0.1:${this.managementPort}`;
  }

  /** `extraOptions`: runtime options as `--name=value` (the CR's additionalOptions). */
  async start(timeoutMs: number, extraOptions: readonly { name: string; value: string }[] = []): Promise<void> {
    const dist = keycloakDist();
    const home = join(this.work, "kc-home");
    mkdirSync(home, { recursive: true });
    for (const d of ["bin", "lib", "themes", "providers"]) symlinkSync(join(dist.home, d), join(home, d));
    cpSync(join(dist.home, "conf"), join(home, "conf"), { recursive: true });
    mkdirSync(join(home, "data"), { recursive: true });
    this.port = await freePort();
    this.managementPort = await freePort();
    const d = this.db;
    const args = [
      "start",
      "--optimized",
      "--http-enabled=true",
      "--http-host=127.0.0.1",
      `--http-port=${this.port}`,
      `--http-management-port=${this.managementPort}`,
      "--hostname-strict=false",
      // One node: no JGroups discovery on the machine's network.
      "--cache=local",
      "--db-url-host=127.0.0.1",
      `--db-url-port=${d.port}`,
      `--db-url-database=${d.database}`,
      `--db-username=${d.username}`,
      `--db-password=${d.password}`,
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
