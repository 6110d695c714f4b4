/**
 * One PostgreSQL 15 server in a temp dir for the PITR drill: initdb, settings in an
 * included file (the drill rewrites it after a restore, as CloudNativePG does), start
 * as `postgres` with the AWS_* env in the postmaster, SQL over a private Unix socket,
 * and waits on `pg_stat_archiver`.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireProgram, startDaemon, TOOLS, type Daemon } from "../procs";
import { chownTree, execOk, exec, Fatal, poll, type Ids } from "./exec";

/** File, inside the data dir, holding every setting the drill controls. */
export const DRILL_CONF = "platform-drill.conf";

export function pgBin(name: string): string {
  return requireProgram(join(TOOLS.pgBin, name));
}

function confValue(v: string | number | boolean): string {
  return typeof v === "string" ? `'${v.replace(/'/g, "''")}'` : String(v);
}

export class PgServer {
  private daemon: Daemon | undefined;

  constructor(
    readonly dataDir: string,
    readonly socketDir: string,
    readonly port: number,
    readonly logFile: string,
    private readonly ids: Ids,
    /** Environment of the postmaster, inherited by archive_command / restore_command. */
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Creates the cluster (trust auth: the socket lives in a private temp dir, TCP on 127.0.0.1 only). */
  async initdb(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.socketDir, { recursive: true });
    chownTree(this.dataDir, this.ids);
    chownTree(this.socketDir, this.ids);
    await execOk(pgBin("initdb"), ["-D", this.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"], {
      env: this.env,
      ids: this.ids,
    });
    appendFileSync(join(this.dataDir, "postgresql.conf"), `\ninclude_if_exists '${DRILL_CONF}'\n`);
  }

  /** The drill settings currently in the data dir ("" when none). */
  readSettings(): string {
    const f = join(this.dataDir, DRILL_CONF);
    return existsSync(f) ? readFileSync(f, "utf8") : "";
  }

  /** (Re)writes the drill settings: loopback, private socket, plus `extra`. */
  writeSettings(extra: Readonly<Record<string, string | number | boolean>>): void {
    const all: Record<string, string | number | boolean> = {
      listen_addresses: "127.0.0.1",
      port: this.port,
      unix_socket_directories: this.socketDir,
      TimeZone: "UTC",
      log_timezone: "UTC",
      logging_collector: false,
      wal_level: "replica",
      ...extra,
    };
    const body = Object.entries(all)
      .map(([k, v]) => `${k} = ${confValue(v)}`)
      .join("\n");
    writeFileSync(join(this.dataDir, DRILL_CONF), `# written by test/pitr\n${body}\n`);
    chownTree(join(this.dataDir, DRILL_CONF), this.ids);
  }

  /**
   * Authentication as CloudNativePG sets it up: passwords (SCRAM) over TCP on loopback, the
   * superuser only on the local socket. Call after initdb, before start.
   */
  useCnpgAuth(): void {
    writeFileSync(join(this.dataDir, "pg_hba.conf"), "local all postgres trust\nhost all postgres 0.0.0.0/0 reject\nhost all all 127.0.0.1/32 scram-sha-256\n");
    chownTree(join(this.dataDir, "pg_hba.conf"), this.ids);
    this.writeSettings({ password_encryption: "scram-sha-256" });
  }

  async start(): Promise<void> {
    this.daemon = startDaemon(pgBin("postgres"), ["-D", this.dataDir], {
      env: this.env,
      logFile: this.logFile,
      uid: this.ids.uid,
      gid: this.ids.gid,
    });
    const d = this.daemon;
    await poll(
      `postgres on port ${this.port} (log ${this.logFile})`,
      async () => {
        if (d.proc.exitCode !== null) throw new Fatal(`postgres exited ${d.proc.exitCode}: ${this.logTail()}`);
        // Exit 0: accepting connections. During recovery we still only need the postmaster up.
        return (await exec(pgBin("pg_isready"), ["-h", this.socketDir, "-p", String(this.port)], { env: this.env })).code === 0;
      },
      120_000,
      100,
    );
  }

  /** Fast shutdown (SIGINT), KILL after 30 s. Safe to call when not running. */
  async stop(): Promise<void> {
    const d = this.daemon;
    this.daemon = undefined;
    if (!d || d.proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => d.proc.once("exit", () => r()));
    d.proc.kill("SIGINT");
    const t = setTimeout(() => d.proc.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(t);
  }

  get running(): boolean {
    return this.daemon !== undefined && this.daemon.proc.exitCode === null;
  }

  /** Runs SQL (may hold several statements) and returns the unaligned, tuples-only output, trimmed. */
  async sql(query: string, db = "postgres"): Promise<string> {
    const r = await execOk(
      pgBin("psql"),
      ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", this.socketDir, "-p", String(this.port), "-U", "postgres", "-d", db, "-c", query],
      { env: this.env },
    );
    return r.stdout.trim();
  }

  logTail(chars = 3000): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, "utf8").slice(-chars) : "(no log)";
  }

  /** Switches WAL and waits until the just-completed segment is archived; returns its name and the wait in ms. */
  async switchAndWaitArchived(timeoutMs = 120_000): Promise<{ wal: string; lagMs: number }> {
    const wal = await this.sql("select pg_walfile_name(pg_switch_wal())");
    const started = performance.now();
    await this.waitArchived(wal, timeoutMs);
    return { wal, lagMs: performance.now() - started };
  }

  /** Waits until pg_stat_archiver reports `wal` (or a later file) archived; fails fast on archive errors in the log. */
  async waitArchived(wal: string, timeoutMs = 120_000): Promise<void> {
    await poll(
      `WAL ${wal} archived (log ${this.logFile})`,
      async () => {
        const r = await this.sql(`select coalesce(last_archived_wal >= '${wal}' collate "C", false) from pg_stat_archiver`);
        if (r === "t") return true;
        const failed = await this.sql("select failed_count || ' ' || coalesce(last_failed_wal, '') from pg_stat_archiver");
        if (!failed.startsWith("0 ") && Number(failed.split(" ")[0]) >= 3) {
          throw new Fatal(`archive_command keeps failing (${failed}):\n${this.logTail()}`);
        }
        return false;
      },
      timeoutMs,
      100,
    );
  }
}
