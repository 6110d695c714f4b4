/**
 * Backup throughput by compression × upload jobs, measured side by side in one run on
 * the same database: `pg_basebackup` of the same data to local disk is the floor (no
 * compression, no upload, the same disk), then `barman-cloud-backup` with every
 * compression Debian's barman-cli-cloud 3.4 offers (none included) and 1, 2 and 4
 * upload jobs, then `barman-cloud-restore` of each compression, then WAL archiving per
 * compression. CPU is the user+system time of the barman-cloud process tree (what the
 * Barman Cloud plugin's sidecar pays inside the instance pod), not of the S3 server.
 * Prints the table; asserts nothing.
 *
 *   node --import tsx bench/pitr.ts [--mb 150] [--jobs 1,2,4] [--codecs none,gzip,bzip2,snappy] [--drill]
 *
 * `--drill` also runs the whole PITR drill of the test suite and prints its timings.
 * The object store is s3rver on loopback (a single Node process): absolute MB/s are
 * those of this machine, the ratios between rows are what the defaults follow.
 */
import { mkdirSync, readdirSync, statSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { chownTree, exec, execOk, postgresIds, type Ids } from "../test/pitr/exec";
import { runPitrDrill } from "../test/pitr/drill";
import { DEFAULT_DATA_COMPRESSION, DEFAULT_DATA_JOBS, DEFAULT_WAL_COMPRESSION } from "../components/postgres/backup-layout";
import { PgServer, pgBin } from "../test/pitr/pg";
import { barmanEnv, startS3, type S3Server } from "../test/pitr/s3";
import { freePort, makeTempDir, removeDir } from "../test/procs";

const MB = 1024 * 1024;
const argOf = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const seedMB = Number(argOf("--mb", "150"));
const JOBS = argOf("--jobs", "1,2,4").split(",").map(Number);
type Codec = "none" | "gzip" | "bzip2" | "snappy";
const CODECS = argOf("--codecs", "none,gzip,bzip2,snappy").split(",") as Codec[];
const FLAG: Record<Codec, string[]> = { none: [], gzip: ["--gzip"], bzip2: ["--bzip2"], snappy: ["--snappy"] };

interface Run {
  readonly ms: number;
  /** user+system CPU seconds of the process and its children. */
  readonly cpu: number;
}

let errDir = "/tmp";

/** Runs `cmd` through bash so that `times` reports the CPU of the whole process tree. */
async function timed(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, ids: Ids): Promise<Run> {
  const t = performance.now();
  const r = await execOk("/bin/bash", ["-c", '"$@" >/dev/null 2>"$0.err" || { s=$?; tail -c 3000 "$0.err" >&2; exit $s; }; times', join(errDir, "last"), cmd, ...args], { env, ids, timeoutMs: 1_800_000 });
  const ms = performance.now() - t;
  const children = r.stdout.trim().split("\n").pop() ?? "";
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { ms, cpu: (secs[0] ?? NaN) + (secs[1] ?? NaN) };
}

async function duBytes(path: string): Promise<number> {
  return Number((await execOk("du", ["-sb", path])).stdout.split(/\s/)[0]);
}

async function s3Bytes(s3: S3Server, prefix: string): Promise<number> {
  return (await s3.list(prefix)).reduce((n, o) => n + o.size, 0);
}

async function pythonHas(mod: string): Promise<boolean> {
  return (await exec("/usr/bin/python3", ["-c", `import ${mod}`])).code === 0;
}

async function main(): Promise<void> {
  const ids = postgresIds();
  const work = makeTempDir("pitr-bench");
  errDir = work;
  chownTree(work, ids);
  let s3: S3Server | undefined;
  let pg: PgServer | undefined;
  const started = performance.now();
  try {
    const bucket = "platform-pitr-bench";
    s3 = await startS3(work, bucket);
    const env = barmanEnv(work, ids);
    const cloud = ["--cloud-provider", "aws-s3", "--endpoint-url", s3.endpointURL];
    const dest = `s3://${bucket}/bench`;
    pg = new PgServer(join(work, "data"), join(work, "sock"), await freePort(), join(work, "postgres.log"), ids, env);
    await pg.initdb();
    pg.writeSettings({ max_wal_size: "2GB" });
    await pg.start();
    // ~256 bytes of hex per row (compresses about 2:1, like real text), ~320 bytes on disk.
    const rows = Math.round((seedMB * MB) / 320);
    await pg.sql(
      `create table seed (id int primary key, payload text not null);
       insert into seed select g, ${Array.from({ length: 8 }, (_, i) => `md5((g * ${2 * i + 1})::text)`).join(" || ")} from generate_series(1, ${rows}) g;
       checkpoint`,
    );
    const dbBytes = Number(await pg.sql("select sum(pg_database_size(datname)) from pg_database"));
    const dataBytes = (await duBytes(pg.dataDir)) - (await duBytes(join(pg.dataDir, "pg_wal")));
    const socket = ["-h", pg.socketDir, "-p", String(pg.port), "-U", "postgres"];
    console.log(`database ${(dbBytes / MB).toFixed(0)} MB, data dir without pg_wal ${(dataBytes / MB).toFixed(0)} MB; codecs ${CODECS.join(", ")}; jobs ${JOBS.join(", ")}`);

    const skipped: string[] = [];
    const codecs: Codec[] = [];
    for (const c of CODECS) {
      if (c === "snappy" && !(await pythonHas("snappy"))) skipped.push("snappy: python3 cannot import snappy (barman-cloud needs python-snappy)");
      else codecs.push(c);
    }

    // The floor: pg_basebackup to local disk, tar format, no WAL, no compression (best of two).
    let floor: Run = { ms: Infinity, cpu: NaN };
    for (let i = 0; i < 2; i++) {
      const dir = join(work, `basebackup-${i}`);
      const r = await timed(pgBin("pg_basebackup"), ["-D", dir, "-Ft", "-X", "none", "-c", "fast", ...socket], env, ids);
      if (r.ms < floor.ms) floor = r;
      removeDir(dir);
    }
    const rate = (ms: number) => dataBytes / MB / (ms / 1000);

    // The matrix: every codec × jobs on the same, unchanged database.
    const backups: Record<string, Run & { stored: number; id: string }> = {};
    for (const c of [...codecs]) {
      for (const j of JOBS) {
        const server = `${c}-j${j}`;
        let r: Run;
        try {
          r = await timed("/usr/bin/barman-cloud-backup", [...cloud, ...FLAG[c], "-J", String(j), "--immediate-checkpoint", "-n", server, ...socket, dest, server], env, ids);
        } catch (e) {
          // A codec whose library is broken fails every run: say why and leave it out of the table.
          const why = /ERROR: ([^\n]+)/.exec((e as Error).message)?.[1] ?? (e as Error).message.split("\n").slice(-1)[0];
          skipped.push(`${c}: barman-cloud-backup failed (${why})`);
          codecs.splice(codecs.indexOf(c), 1);
          break;
        }
        const stored = await s3Bytes(s3, `bench/${server}/base/`);
        const list = await execOk("/usr/bin/barman-cloud-backup-list", [...cloud, "--format", "json", dest, server], { env, ids });
        const id = (JSON.parse(list.stdout) as { backups_list: { backup_id: string }[] }).backups_list[0]!.backup_id;
        backups[server] = { ...r, stored, id };
        console.log(`  backup ${server}: ${(r.ms / 1000).toFixed(1)} s, cpu ${r.cpu.toFixed(1)} s, stored ${(stored / MB).toFixed(0)} MB`);
      }
    }

    // Restore of each codec (barman-cloud-restore 3.4 has no jobs option), from the 2-job backup or the first one made.
    const restores: Record<string, Run> = {};
    for (const c of codecs) {
      const j = JOBS.includes(2) ? 2 : JOBS[0]!;
      const server = `${c}-j${j}`;
      const dir = join(work, `restore-${server}`);
      mkdirSync(dir, { mode: 0o700 });
      chownTree(dir, ids);
      restores[c] = await timed("/usr/bin/barman-cloud-restore", [...cloud, dest, server, backups[server]!.id, dir], env, ids);
      removeDir(dir);
    }

    // WAL: the same four 16 MB segments archived with each codec, one call per segment as PostgreSQL's archive_command does.
    const walDir = join(work, "wal-sample");
    mkdirSync(walDir);
    const allSegs = readdirSync(join(pg.dataDir, "pg_wal"))
      .filter((f) => /^[0-9A-F]{24}$/.test(f))
      .sort();
    // Segments written by the seed load: skip the first (initdb) and the current one; take four from the middle.
    const mid = Math.max(1, Math.floor(allSegs.length / 2) - 2);
    const segs = allSegs.slice(mid, mid + 4);
    for (const s of segs) copyFileSync(join(pg.dataDir, "pg_wal", s), join(walDir, s));
    chownTree(walDir, ids);
    const walBytes = segs.reduce((n, s) => n + statSync(join(walDir, s)).size, 0);
    const wal: Record<string, Run & { stored: number }> = {};
    for (const c of codecs) {
      let ms = 0;
      let cpu = 0;
      for (const s of segs) {
        const r = await timed("/usr/bin/barman-cloud-wal-archive", [...cloud, ...FLAG[c], dest, `wal-${c}`, join(walDir, s)], env, ids);
        ms += r.ms;
        cpu += r.cpu;
      }
      wal[c] = { ms, cpu, stored: await s3Bytes(s3, `bench/wal-${c}/wals/`) };
    }

    const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");
    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(`\nBase backup of ${f(dataBytes / MB, 0)} MB (s3rver on loopback, ${segs.length} WAL segments for the WAL rows); ratio = MB/s ÷ pg_basebackup's MB/s`);
    console.log(`  ${pad("pg_basebackup -Ft (local disk, floor)", 40)} ${f(floor.ms / 1000, 1).padStart(6)} s ${f(rate(floor.ms)).padStart(7)} MB/s  ratio 1.00  cpu ${f(floor.cpu)} s`);
    const header = JOBS.map((j) => pad(`jobs ${j}: s · MB/s · ratio · cpu s`, 36)).join("");
    console.log(`  ${pad("barman-cloud-backup", 10)} ${pad("stored", 9)} ${header}`);
    for (const c of codecs) {
      const first = backups[`${c}-j${JOBS[0]}`]!;
      const cells = JOBS.map((j) => {
        const b = backups[`${c}-j${j}`]!;
        return pad(`${f(b.ms / 1000)} · ${f(rate(b.ms))} · ${f(rate(b.ms) / rate(floor.ms), 3)} · ${f(b.cpu)}`, 36);
      }).join("");
      console.log(`  ${pad(c, 10)} ${pad(`${f(first.stored / MB, 0)} MB`, 9)} ${cells}`);
    }
    console.log(`\nRestore (barman-cloud-restore, no jobs option in 3.4)`);
    for (const c of codecs) {
      const r = restores[c]!;
      console.log(`  ${pad(c, 10)} ${f(r.ms / 1000)} s  ${f(rate(r.ms))} MB/s  ratio ${f(rate(r.ms) / rate(floor.ms), 3)}  cpu ${f(r.cpu)} s`);
    }
    console.log(`\nWAL archive (${segs.length} × 16 MB segments, one barman-cloud-wal-archive call each)`);
    for (const c of codecs) {
      const w = wal[c]!;
      console.log(`  ${pad(c, 10)} ${f(w.ms / 1000 / segs.length, 2)} s/segment  stored ${f((100 * w.stored) / walBytes, 0)}% of the WAL  cpu ${f(w.cpu / segs.length, 2)} s/segment`);
    }
    for (const s of skipped) console.log(`  not measured: ${s}`);
    console.log(
      `\nThe ObjectStore defaults this table chose (components/postgres/backup-layout.ts, docs/postgres.md): ` +
        `data.compression ${DEFAULT_DATA_COMPRESSION}, data.jobs ${DEFAULT_DATA_JOBS}, wal.compression ${DEFAULT_WAL_COMPRESSION}`,
    );
    console.log(`\nbench wall ${f((performance.now() - started) / 1000)} s`);
  } finally {
    await pg?.stop().catch(() => undefined);
    await s3?.stop().catch(() => undefined);
    removeDir(work);
  }
  if (process.argv.includes("--drill")) await drill();
}

async function drill(): Promise<void> {
  const r = await runPitrDrill({ seedMB, batchRows: 20_000, log: (l) => console.log(`  ${l}`) });
  console.log(`PITR drill: total ${((r.timings.total ?? NaN) / 1000).toFixed(1)} s; WAL archive lag ${(r.archiveLagMs / 1000).toFixed(2)} s; rows A ${r.after.aCount}/${r.before.aCount}, B ${r.after.bCount}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
