/**
 * PITR figures on a ~200 MB database, through the same drill the test suite runs:
 * base-backup and restore throughput as ratios to a plain `cp -a` of the data dir on
 * the same disk (the physical limit here), WAL archive lag after `pg_switch_wal()`,
 * and the whole drill's wall time. Prints figures only; asserts nothing.
 *
 *   node --import tsx bench/pitr.ts [--mb 200]
 */
import { join } from "node:path";
import { execOk } from "../test/pitr/exec";
import { runPitrDrill } from "../test/pitr/drill";
import { makeTempDir, removeDir } from "../test/procs";

const MB = 1024 * 1024;
const arg = process.argv.indexOf("--mb");
const seedMB = arg > 0 ? Number(process.argv[arg + 1]) : 200;

async function main(): Promise<void> {
  const copy = { ms: Number.POSITIVE_INFINITY, bytes: 0 };
  const started = performance.now();
  const r = await runPitrDrill({
    seedMB,
    batchRows: 20_000,
    log: (l) => console.log(`  ${l}`),
    beforeBaseBackup: async (pg) => {
      // Best of two copies, caches warm as they are for the backup that follows.
      await execOk("sync", []);
      for (let i = 0; i < 2; i++) {
        const dir = makeTempDir("pitr-copy");
        try {
          const t = performance.now();
          await execOk("cp", ["-a", pg.dataDir, join(dir, "data")]);
          copy.ms = Math.min(copy.ms, performance.now() - t);
          copy.bytes = Number((await execOk("du", ["-sb", join(dir, "data")])).stdout.split(/\s/)[0]);
        } finally {
          removeDir(dir);
        }
      }
    },
  });
  const wall = performance.now() - started;

  const rate = (bytes: number, ms: number) => bytes / MB / (ms / 1000);
  const cpRate = rate(copy.bytes, copy.ms);
  const backupBytes = r.dataDirBytes - r.pgWalBytes; // a base backup leaves pg_wal out
  const backupMs = r.timings["base backup"] ?? NaN;
  const restoreMs = r.timings["barman-cloud-restore"] ?? NaN;
  const backupRate = rate(backupBytes, backupMs);
  const restoreRate = rate(r.restoredBytes, restoreMs);
  const f = (n: number, d = 1) => n.toFixed(d);

  console.log(`\nPITR bench (${r.original.data.compression}, s3rver on loopback, ${r.original.destinationPath})`);
  console.log(`  database size            ${f(r.databaseBytes / MB)} MB (data dir ${f(r.dataDirBytes / MB)} MB, of which pg_wal ${f(r.pgWalBytes / MB)} MB)`);
  console.log(`  cp -a data dir           ${f(copy.ms / 1000, 2)} s  ${f(cpRate)} MB/s  (physical limit, ratio 1.00)`);
  console.log(`  barman-cloud-backup      ${f(backupMs / 1000, 2)} s  ${f(backupRate)} MB/s  ratio ${f(backupRate / cpRate, 3)} (${f(backupMs / copy.ms)}x the copy time)`);
  console.log(`  barman-cloud-restore     ${f(restoreMs / 1000, 2)} s  ${f(restoreRate)} MB/s  ratio ${f(restoreRate / cpRate, 3)} (${f(restoreMs / copy.ms)}x the copy time)`);
  console.log(`  recover to T + promote   ${f((r.timings["recover to T + promote"] ?? NaN) / 1000, 2)} s`);
  console.log(`  WAL archive lag          ${f(r.archiveLagMs / 1000, 2)} s after pg_switch_wal() until pg_stat_archiver shows it`);
  console.log(`  seed load (+archiving)   ${f((r.timings.seed ?? NaN) / 1000, 2)} s`);
  const total = r.timings.total ?? NaN;
  const pitrOnly = total - (r.timings.retention ?? 0) - (r.timings.seed ?? 0);
  console.log(`  drill wall time          ${f(total / 1000, 1)} s in all (seed, PITR, retention); PITR part alone ${f(pitrOnly / 1000, 1)} s; bench wall ${f(wall / 1000, 1)} s incl. copies`);
  console.log(`  rows: A ${r.after.aCount}/${r.before.aCount} restored, B ${r.after.bCount} (want 0)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
