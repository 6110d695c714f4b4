/**
 * The point-in-time-restore drill, against real PostgreSQL 15, real barman-cloud and a
 * loopback S3, using exactly the bucket / prefix / server names, compression and
 * retention that `resolveBackupLayout` renders for the ObjectStore and the Cluster.
 *
 * 1. initdb; archive_command = barman-cloud-wal-archive to generation 0; base backup.
 * 2. Write batch A, note T, write batch B, switch WAL, wait until archived.
 * 3. Stop, destroy the data dir; barman-cloud-restore + restore_command + recovery target T.
 * 4. Point archive_command at generation 1 (checked empty first), promote, archive.
 * 5. Retention on generation 1: the rendered policy keeps both recent backups;
 *    `REDUNDANCY 1` then deletes the older one and the WAL only it needed.
 *
 * It returns what it observed; the test asserts on it and the bench times it.
 * Every process it starts is stopped, whatever happens.
 */
import { join } from "node:path";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { resolveBackupLayout, type BackupLayout, type BackupLayoutInput } from "../../components/postgres/backup-layout";
import { freePort, makeTempDir, removeDir } from "../procs";
import {
  backupIdByName,
  baseBackup,
  checkWalArchive,
  deleteByPolicy,
  listBackups,
  requireBarman,
  restoreBackup,
  walArchiveCommand,
  walRestoreCommand,
  type BackupInfo,
  type BarmanTarget,
} from "./barman";
import { chownTree, execOk, Fatal, poll, postgresIds, type ExecResult } from "./exec";
import { PgServer, pgBin } from "./pg";
import { barmanEnv, startS3, type S3Object, type S3Server } from "./s3";
import { expiredByLifecycle, type LifecycleRule } from "./lifecycle";

export interface DrillOptions {
  /** Layout input; the drill restores into `generation + 1`. @default stack "prod", cluster "app-db", bucket "platform-pitr-drill" */
  readonly layout?: Partial<BackupLayoutInput>;
  /** Rows per batch (A and B). @default 2000 */
  readonly batchRows?: number;
  /** Extra data loaded before the base backup, in MB of table payload. @default 0 */
  readonly seedMB?: number;
  /** Runs the retention part (step 5). @default true */
  readonly retention?: boolean;
  /**
   * A backup outage before the disaster: the archive is aged as if the only base backup
   * (with its WAL) had completed `retentionDays + outageDays` ago, and these S3 lifecycle
   * rules (the rendered bucket's) are applied to it through the S3 API before the restore.
   * @default - no outage
   */
  readonly outage?: { readonly outageDays: number; readonly lifecycleRules: readonly LifecycleRule[] };
  /** Called with the running generation-0 server just before the base backup (the bench copies the data dir here). */
  readonly beforeBaseBackup?: (pg: PgServer) => Promise<void>;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

export interface BatchState {
  readonly aCount: number;
  readonly aDigest: string;
  readonly bCount: number;
}

export interface DrillReport {
  readonly original: BackupLayout;
  readonly restored: BackupLayout;
  readonly endpointURL: string;
  readonly archiveCommand: { readonly original: string; readonly restored: string };
  readonly recoveryTargetTime: string;
  readonly before: BatchState;
  readonly after: BatchState;
  /** The log line where recovery stopped (proves it stopped at the target, not at end of WAL). */
  readonly recoveryStop: string | undefined;
  readonly timelineAfterPromotion: number;
  /** The restored data dir still carried the generation-0 archive_command before the drill rewrote it. */
  readonly restoredConfPointedAtOldServer: boolean;
  readonly checkNewBeforeStart: ExecResult;
  readonly checkOldAfterUse: ExecResult;
  readonly oldPrefixBefore: readonly S3Object[];
  readonly oldPrefixAfter: readonly S3Object[];
  /** WAL file names (compression suffix dropped) under the restored server after it archived. */
  readonly newWal: readonly string[];
  readonly retention?: RetentionReport;
  readonly outage?: OutageReport;
  /** `du -sb` of the data dir just before the base backup, and of its pg_wal (not part of a base backup). */
  readonly dataDirBytes: number;
  readonly pgWalBytes: number;
  /** `du -sb` of the data dir barman-cloud-restore wrote. */
  readonly restoredBytes: number;
  /** Sum of pg_database_size over all databases before the base backup. */
  readonly databaseBytes: number;
  readonly archiveLagMs: number;
  readonly timings: Readonly<Record<string, number>>;
}

export interface OutageReport {
  readonly outageDays: number;
  /** Age the archive was given, in days (retention window + outage). */
  readonly ageDays: number;
  /** Objects of the original server the lifecycle saw, and those it removed. */
  readonly objects: number;
  readonly expired: readonly { key: string; rule: string }[];
  /** Backups barman-cloud lists after the lifecycle ran. */
  readonly backupsAfter: readonly BackupInfo[];
}

export interface RetentionReport {
  readonly renderedPolicy: string;
  readonly backupsBefore: readonly BackupInfo[];
  readonly afterRenderedPolicy: readonly BackupInfo[];
  readonly objectsUnchangedByRenderedPolicy: boolean;
  readonly demoPolicy: string;
  readonly afterDemoPolicy: readonly BackupInfo[];
  readonly firstBackupObjectsBefore: number;
  readonly firstBackupObjectsAfter: number;
  /** WAL (basename) present before the demo policy and gone after it. */
  readonly deletedWal: readonly string[];
  /** WAL (basename) still present after the demo policy. */
  readonly keptWal: readonly string[];
}

async function duBytes(path: string): Promise<number> {
  return Number((await execOk("du", ["-sb", path])).stdout.split(/\s/)[0]);
}

/** WAL file name of an archived object: basename without barman's compression suffix. */
const walName = (key: string): string => key.slice(key.lastIndexOf("/") + 1).replace(/\.(gz|bz2|snappy)$/, "");

/** Runs the whole drill; returns what it saw. Throws on any step that fails. */
export async function runPitrDrill(opts: DrillOptions = {}): Promise<DrillReport> {
  const log = opts.log ?? (() => undefined);
  const input: BackupLayoutInput = { stack: "prod", clusterName: "app-db", bucket: "platform-pitr-drill", ...opts.layout };
  const original = resolveBackupLayout(input);
  const restored = resolveBackupLayout({ ...input, generation: original.generation + 1 });
  const batchRows = opts.batchRows ?? 2000;

  for (const p of ["initdb", "postgres", "psql", "pg_isready"]) pgBin(p);
  await requireBarman(original.data.compression, original.wal.compression);
  const ids = postgresIds();

  const timings: Record<string, number> = {};
  const t0 = performance.now();
  let mark = t0;
  const step = (name: string): void => {
    const now = performance.now();
    timings[name] = now - mark;
    mark = now;
    log(`${name}: ${(timings[name] / 1000).toFixed(2)} s`);
  };

  const work = makeTempDir("pitr");
  chownTree(work, ids);
  let s3: S3Server | undefined;
  const servers: PgServer[] = [];
  try {
    s3 = await startS3(work, original.bucket);
    const env = barmanEnv(work, ids);
    const t1: BarmanTarget = { layout: original, endpointURL: s3.endpointURL, env, ids };
    const t2: BarmanTarget = { layout: restored, endpointURL: s3.endpointURL, env, ids };
    const port = await freePort();
    const dataDir = join(work, "data");
    const newPg = () => new PgServer(dataDir, join(work, "sock"), port, join(work, `postgres-${servers.length}.log`), ids, env);
    step("setup");

    // 1. The original cluster, archiving to generation 0.
    const pg = newPg();
    servers.push(pg);
    await pg.initdb();
    const archiveSettings = { archive_mode: "on", archive_timeout: 60 };
    pg.writeSettings({ ...archiveSettings, archive_command: walArchiveCommand(t1) });
    await pg.start();
    step("initdb+start");
    await pg.sql("create table drill_rows (batch text not null, id int not null, payload text not null, primary key (batch, id))");
    if ((opts.seedMB ?? 0) > 0) {
      // ~256 bytes of hex per row (compresses about 2:1, like real text), ~320 bytes on disk.
      const rows = Math.round(((opts.seedMB ?? 0) * 1024 * 1024) / 320);
      await pg.sql(
        `create table drill_seed (id int primary key, payload text not null);
         insert into drill_seed select g, ${Array.from({ length: 8 }, (_, i) => `md5((g * ${2 * i + 1})::text)`).join(" || ")} from generate_series(1, ${rows}) g`,
      );
      await pg.switchAndWaitArchived(600_000);
      step("seed");
    }
    const databaseBytes = Number(await pg.sql("select sum(pg_database_size(datname)) from pg_database"));
    await pg.sql("checkpoint");
    const dataDirBytes = await duBytes(dataDir);
    const pgWalBytes = await duBytes(join(dataDir, "pg_wal"));
    if (opts.beforeBaseBackup) {
      await opts.beforeBaseBackup(pg);
      mark = performance.now();
    }
    await baseBackup(t1, pg, "drill-base");
    step("base backup");

    // 2. Batch A, T, batch B, all archived.
    const insert = (batch: string) =>
      pg.sql(`insert into drill_rows select '${batch}', g, md5('${batch}' || g) from generate_series(1, ${batchRows}) g`);
    await insert("A");
    const recoveryTargetTime = await pg.sql("select clock_timestamp()::text");
    await pg.sql("select pg_sleep(0.2)");
    await insert("B");
    const { lagMs: archiveLagMs } = await pg.switchAndWaitArchived();
    let current = pg;
    const state = async (): Promise<BatchState> => {
      const [aCount, aDigest, bCount] = (
        await current.sql(
          `select (select count(*) from drill_rows where batch = 'A') || '|' ||
                  (select coalesce(md5(string_agg(id || ':' || payload, ',' order by id)), '') from drill_rows where batch = 'A') || '|' ||
                  (select count(*) from drill_rows where batch = 'B')`,
        )
      ).split("|");
      return { aCount: Number(aCount), aDigest: aDigest ?? "", bCount: Number(bCount) };
    };
    const before = await state();
    step("write A, T, B, archive");

    // 3. Disaster: stop, destroy, restore, recover to T.
    await pg.stop();
    const oldPrefixBefore = await s3.list(original.serverPrefix);
    rmSync(dataDir, { recursive: true, force: true });
    step("stop+destroy");
    let outage: OutageReport | undefined;
    if (opts.outage) {
      // Backups stopped for outageDays: the one backup there is, the newest completed before the
      // window's start, is what Barman keeps and any restore needs. S3's lifecycle must leave it.
      const ageDays = original.retentionDays + opts.outage.outageDays;
      const objects = await s3.list(original.serverPrefix);
      s3.backdate(objects.map((o) => o.key), new Date(Date.now() - ageDays * 86_400_000));
      const expired = expiredByLifecycle(opts.outage.lifecycleRules, await s3.list(""), new Date());
      for (const e of expired) await s3.remove(e.key);
      const backupsAfter = await listBackups(t1, original.serverName);
      outage = { outageDays: opts.outage.outageDays, ageDays, objects: objects.length, expired, backupsAfter };
      if (expired.length > 0) {
        throw new Error(
          `after a ${opts.outage.outageDays}-day backup outage the S3 lifecycle removed ${expired.length} of ${objects.length} objects of the backup Barman still needs ` +
            `(rules ${[...new Set(expired.map((e) => e.rule))].join(", ")}; e.g. ${expired.slice(0, 2).map((e) => e.key).join(", ")}); barman-cloud now lists: ${JSON.stringify(backupsAfter.map((b) => b.backup_name))}`,
        );
      }
      step("outage + lifecycle");
    }
    mkdirSync(dataDir, { mode: 0o700 });
    chownTree(dataDir, ids);
    await restoreBackup(t1, original.serverName, await backupIdByName(t1, original.serverName, "drill-base"), dataDir);
    step("barman-cloud-restore");
    const restoredBytes = await duBytes(dataDir);
    const pg2 = newPg();
    servers.push(pg2);
    current = pg2;
    const restoredConfPointedAtOldServer = pg2.readSettings().includes(` ${original.serverName} %p`);
    mkdirSync(join(dataDir, "pg_wal"), { recursive: true });
    const checkNewBeforeStart = await checkWalArchive(t2, restored.serverName);
    pg2.writeSettings({
      ...archiveSettings,
      archive_command: walArchiveCommand(t2),
      restore_command: walRestoreCommand(t1, original.serverName),
      recovery_target_time: recoveryTargetTime,
      recovery_target_action: "promote",
    });
    writeFileSync(join(dataDir, "recovery.signal"), "");
    chownTree(dataDir, ids);
    await pg2.start();
    await poll(
      "promotion after recovery",
      async () => {
        if (!pg2.running) throw new Fatal(`restored postgres exited:\n${pg2.logTail()}`);
        return (await pg2.sql("select pg_is_in_recovery()")) === "f";
      },
      180_000,
    );
    step("recover to T + promote");
    const recoveryStop = /^.*recovery stopping before.*$/m.exec(pg2.logTail(1_000_000))?.[0];
    const timelineAfterPromotion = Number(await pg2.sql("select timeline_id from pg_control_checkpoint()"));
    const after = await state();

    // 4. The restored cluster archives under its own server name only.
    await pg2.sql("insert into drill_rows select 'C', g, md5('C' || g) from generate_series(1, 100) g");
    await pg2.switchAndWaitArchived();
    const newWal = (await s3.list(`${restored.serverPrefix}wals/`)).map((o) => walName(o.key));
    const checkOldAfterUse = await checkWalArchive(t1, original.serverName);
    step("archive as new server");

    // 5. Retention.
    let retention: RetentionReport | undefined;
    if (opts.retention ?? true) retention = await retentionDrill(t2, pg2, s3);
    if (retention) step("retention");

    const oldPrefixAfter = await s3.list(original.serverPrefix);
    timings.total = performance.now() - t0;
    return {
      original,
      restored,
      endpointURL: s3.endpointURL,
      archiveCommand: { original: walArchiveCommand(t1), restored: walArchiveCommand(t2) },
      recoveryTargetTime,
      before,
      after,
      recoveryStop,
      timelineAfterPromotion,
      restoredConfPointedAtOldServer,
      checkNewBeforeStart,
      checkOldAfterUse,
      oldPrefixBefore,
      oldPrefixAfter,
      newWal,
      retention,
      outage,
      dataDirBytes,
      pgWalBytes,
      restoredBytes,
      databaseBytes,
      archiveLagMs,
      timings,
    };
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    await s3?.stop().catch(() => undefined);
    removeDir(work);
  }
}

/**
 * The rendered recovery window keeps two fresh backups. Real deletion needs an older
 * backup, and the drill cannot wait 30 days: `REDUNDANCY 1` makes the first of two
 * backups obsolete now, through the same barman-cloud-backup-delete code path.
 */
async function retentionDrill(t: BarmanTarget, pg: PgServer, s3: S3Server): Promise<RetentionReport> {
  const server = t.layout.serverName;
  const walsPrefix = `${t.layout.serverPrefix}wals/`;
  // pg_backup_stop switches WAL and waits for it to be archived, so the second backup
  // starts on a later segment and everything it needs is archived when it returns.
  await baseBackup(t, pg, "drill-r-1");
  await pg.sql("insert into drill_rows select 'D', g, md5('D' || g) from generate_series(1, 100) g");
  await baseBackup(t, pg, "drill-r-2");
  const backupsBefore = await listBackups(t, server);
  const first = backupsBefore.find((b) => b.backup_name === "drill-r-1");
  if (!first) throw new Error(`backup drill-r-1 missing from ${JSON.stringify(backupsBefore)}`);

  const objectsBefore = await s3.list(t.layout.serverPrefix);
  await deleteByPolicy(t, server, t.layout.barmanRetentionPolicy);
  const afterRenderedPolicy = await listBackups(t, server);
  const objectsAfterRendered = await s3.list(t.layout.serverPrefix);

  const demoPolicy = "REDUNDANCY 1";
  const firstPrefix = `${t.layout.serverPrefix}base/${first.backup_id}/`;
  const walBefore = (await s3.list(walsPrefix)).map((o) => walName(o.key));
  await deleteByPolicy(t, server, demoPolicy);
  const afterDemoPolicy = await listBackups(t, server);
  const walAfter = (await s3.list(walsPrefix)).map((o) => walName(o.key));
  return {
    renderedPolicy: t.layout.barmanRetentionPolicy,
    backupsBefore,
    afterRenderedPolicy,
    objectsUnchangedByRenderedPolicy: JSON.stringify(objectsBefore) === JSON.stringify(objectsAfterRendered),
    demoPolicy,
    afterDemoPolicy,
    firstBackupObjectsBefore: objectsBefore.filter((o) => o.key.startsWith(firstPrefix)).length,
    firstBackupObjectsAfter: (await s3.list(firstPrefix)).length,
    deletedWal: walBefore.filter((w) => !walAfter.includes(w)),
    keptWal: walAfter,
  };
}
