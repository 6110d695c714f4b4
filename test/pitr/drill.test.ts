/**
 * A real point-in-time-restore drill: PostgreSQL 15 + barman-cloud + s3rver on
 * loopback, laid out exactly as the offline render of stack "prod" declares it:
 * the bucket, path, server names, compression and retention are read from the
 * rendered ObjectStore and Cluster (and from a render with a restore declared),
 * not restated here. See drill.ts for the steps.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../render/stack-file";
import { readStackConfig, renderedObjects, renderStack, withConfig, type RunResult } from "../harness";
import { runPitrDrill, type DrillReport } from "./drill";
import type { LifecycleRule } from "./lifecycle";
import type { BackupCompression } from "../../components/postgres/backup-layout";
import { redact } from "../../render/write";

/** The rendered objects the drill must agree with. */
interface Rendered {
  readonly destinationPath: string;
  readonly compression: { data: BackupCompression; wal: BackupCompression };
  readonly jobs: number;
  readonly retentionPolicy: string;
  readonly serverName: string;
  /** From a render of the same stack with `postgres.restore` declared. */
  readonly restoredServerName: string;
  readonly restoreSourceServerName: string;
  /** The S3 bucket's lifecycle rules. */
  readonly lifecycleRules: LifecycleRule[];
}

function objectOf(run: RunResult, kind: string, name: string): Record<string, any> {
  const o = renderedObjects(run, kind).find((x) => x.metadata.name === name);
  if (!o) throw new Error(`render of ${run.stack} has no ${kind} ${name}`);
  return o;
}

async function renderedLayout(): Promise<Rendered> {
  const prod = await renderStack("prod");
  const store = objectOf(prod, "ObjectStore", "app-db-backups").spec;
  const plugin = objectOf(prod, "Cluster", "app-db").spec.plugins.find((p: { name: string }) => p.name === "barman-cloud.cloudnative-pg.io");
  const oneDayAgo = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  const restoring = await renderStack("prod", withConfig(readStackConfig("prod"), { postgres: { restore: { from: "app-db", targetTime: oneDayAgo } } }));
  const restored = objectOf(restoring, "Cluster", "app-db-r1").spec;
  return {
    destinationPath: store.configuration.destinationPath,
    // An unset compression is "none": the plugin then passes no codec flag (backup-layout.ts).
    compression: { data: store.configuration.data.compression ?? "none", wal: store.configuration.wal.compression ?? "none" },
    jobs: store.configuration.data.jobs,
    retentionPolicy: store.retentionPolicy,
    serverName: plugin.parameters.serverName,
    restoredServerName: restored.plugins.find((p: { name: string }) => p.name === "barman-cloud.cloudnative-pg.io").parameters.serverName,
    restoreSourceServerName: restored.externalClusters[0].plugin.parameters.serverName,
    lifecycleRules: (redact(prod.recorder.byType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0]!.inputs) as { rules: LifecycleRule[] }).rules,
  };
}

const walSegment = /^[0-9A-F]{24}$/;
const timelineOf = (wal: string): number => parseInt(wal.slice(0, 8), 16);

describe("PITR drill (real PostgreSQL 15, barman-cloud, s3rver)", () => {
  let r: DrillReport;
  let rendered: Rendered;
  beforeAll(async () => {
    rendered = await renderedLayout();
    const m = /^s3:\/\/([^/]+)\/prod\/app-db$/.exec(rendered.destinationPath);
    if (!m) throw new Error(`unexpected rendered destinationPath ${rendered.destinationPath}`);
    const days = /^(\d+)d$/.exec(rendered.retentionPolicy);
    if (!days) throw new Error(`unexpected rendered retentionPolicy ${rendered.retentionPolicy}`);
    r = await runPitrDrill({
      layout: { stack: "prod", clusterName: "app-db", bucket: m[1]!, retentionDays: Number(days[1]), compression: rendered.compression, dataJobs: rendered.jobs },
      batchRows: 5000,
      // Eight days without a base backup before the disaster (a week's outage and a bit).
      outage: { outageDays: 8, lifecycleRules: rendered.lifecycleRules },
      log: (line) => console.log(`[pitr] ${line}`),
    });
    console.log(`[pitr] timings (s): ${Object.entries(r.timings).map(([k, v]) => `${k}=${(v / 1000).toFixed(1)}`).join(", ")}`);
  }, 900_000);

  it("uses the rendered layout: the ObjectStore's path, compression, jobs and retention, the Cluster's server names", () => {
    const walFlag = rendered.compression.wal === "none" ? "" : ` --${rendered.compression.wal}`;
    expect(r.original.data).toEqual({ compression: rendered.compression.data, jobs: rendered.jobs });
    expect(r.original.wal.compression).toBe(rendered.compression.wal);
    expect(r.original.destinationPath).toBe(rendered.destinationPath);
    expect(r.original.serverName).toBe(rendered.serverName);
    expect(r.original.retentionPolicy).toBe(rendered.retentionPolicy);
    expect(r.restored.serverName).toBe(rendered.restoredServerName);
    expect(r.restored.previousServerName).toBe(rendered.restoreSourceServerName);
    expect(r.restored.destinationPath).toBe(rendered.destinationPath);
    expect(r.archiveCommand.original).toBe(
      `/usr/bin/barman-cloud-wal-archive --cloud-provider aws-s3 --endpoint-url ${r.endpointURL}${walFlag} ${rendered.destinationPath} ${rendered.serverName} %p`,
    );
    expect(r.archiveCommand.restored).toContain(`${walFlag} ${rendered.destinationPath} ${rendered.restoredServerName} %p`);
  });

  it("stores what the rendered compression says: base backup tars and WAL segments with their codec's suffix, or none", () => {
    // barman-cloud 3.4 names a base backup's tar data.tar[.gz|.bz2|.snappy] and a WAL object <segment>[.gz|.bz2|.snappy].
    const suffix = { none: "", gzip: ".gz", bzip2: ".bz2", snappy: ".snappy" } as const;
    const tars = r.oldPrefixBefore.filter((o) => /\/base\/[^/]+\/data\.tar/.test(o.key)).map((o) => o.key.replace(/^.*\//, ""));
    expect(tars.length).toBeGreaterThan(0);
    for (const t of tars) expect(t).toBe(`data.tar${suffix[rendered.compression.data]}`);
    const segments = r.oldPrefixBefore.filter((o) => /\/wals\/[0-9A-F]{16}\/[0-9A-F]{24}(\.gz|\.bz2|\.snappy)?$/.test(o.key)).map((o) => o.key.replace(/^.*\//, ""));
    expect(segments.length).toBeGreaterThan(0);
    for (const w of segments) expect(w).toMatch(new RegExp(`^[0-9A-F]{24}${suffix[rendered.compression.wal].replace(".", "\\.")}$`));
  });

  it("keeps the backup Barman still needs through an 8-day outage under the rendered S3 lifecycle, and restores from it", () => {
    const o = r.outage!;
    expect(o.ageDays).toBe(30 + 8);
    expect(o.objects).toBeGreaterThan(3);
    expect(o.expired).toEqual([]);
    expect(o.backupsAfter.map((b) => b.backup_name)).toEqual(["drill-base"]);
    expect(rendered.lifecycleRules.length).toBeGreaterThan(0);
    // ...and the restore below ran from exactly those aged objects.
    expect(r.after.aCount).toBe(r.before.aCount);
  });

  it("wrote both batches before the disaster", () => {
    expect(r.before.aCount).toBe(5000);
    expect(r.before.bCount).toBe(5000);
  });

  it("recovers every row of batch A and none of batch B, stopping at the target", () => {
    expect(r.after.aCount).toBe(r.before.aCount);
    expect(r.after.aDigest).toBe(r.before.aDigest);
    expect(r.after.bCount).toBe(0);
    // Recovery stopped because it reached T (B's commit is in the archive), not at end of WAL.
    expect(r.recoveryStop).toMatch(/recovery stopping before commit of transaction \d+, time /);
    expect(r.timelineAfterPromotion).toBe(2);
  });

  it("archives the restored cluster under its new server name only", () => {
    expect(r.restoredConfPointedAtOldServer).toBe(true); // what a restore brings back; the drill rewrote it
    expect(r.checkNewBeforeStart.code, r.checkNewBeforeStart.stderr).toBe(0);
    // The old name is a used archive: reusing it for a new server is refused.
    expect(r.checkOldAfterUse.code).not.toBe(0);
    expect(r.checkOldAfterUse.stderr).toContain("Expected empty archive");

    expect(r.oldPrefixBefore.some((o) => o.key.includes("/base/"))).toBe(true);
    expect(r.oldPrefixBefore.some((o) => o.key.includes("/wals/"))).toBe(true);
    // Same objects, same content (the outage step backdated them, nothing else touched them).
    const content = (l: readonly { key: string; size: number; etag: string }[]) => l.map((o) => `${o.key} ${o.size} ${o.etag}`);
    expect(content(r.oldPrefixAfter)).toEqual(content(r.oldPrefixBefore));

    expect(r.newWal).toContain("00000002.history");
    const tl2 = r.newWal.filter((w) => walSegment.test(w) && timelineOf(w) === 2);
    expect(tl2.length).toBeGreaterThan(0);
  });

  it("keeps recent backups under the rendered policy and deletes an obsolete one with its WAL", () => {
    const ret = r.retention;
    expect(ret).toBeDefined();
    if (!ret) return;
    expect(rendered.retentionPolicy).toBe("30d");
    expect(ret.renderedPolicy).toBe("RECOVERY WINDOW OF 30 DAYS");
    const names = (list: readonly { backup_name?: string }[]) => list.map((b) => b.backup_name).sort();
    expect(names(ret.backupsBefore)).toEqual(["drill-r-1", "drill-r-2"]);
    expect(names(ret.afterRenderedPolicy)).toEqual(["drill-r-1", "drill-r-2"]);
    expect(ret.objectsUnchangedByRenderedPolicy).toBe(true);

    expect(ret.demoPolicy).toBe("REDUNDANCY 1");
    expect(names(ret.afterDemoPolicy)).toEqual(["drill-r-2"]);
    expect(ret.firstBackupObjectsBefore).toBeGreaterThan(0);
    expect(ret.firstBackupObjectsAfter).toBe(0);

    const second = ret.afterDemoPolicy[0];
    expect(second).toBeDefined();
    if (!second) return;
    const seg = (w: string) => w.slice(0, 24);
    // Something was deleted, and only WAL older than the surviving backup's start.
    expect(ret.deletedWal.length).toBeGreaterThan(0);
    for (const w of ret.deletedWal) expect(seg(w) < second.begin_wal, `${w} deleted`).toBe(true);
    // Everything the surviving backup needs is still there.
    const kept = ret.keptWal.filter((w) => walSegment.test(w));
    for (const w of [second.begin_wal, second.end_wal]) expect(kept, `${w} kept`).toContain(w);
    expect(ret.keptWal).toContain("00000002.history");
  });
  it("records the drill for the readiness scorecard (out/drills/prod.json) once the data is proven restored", () => {
    // Only a drill that recovered batch A exactly and none of batch B counts as a drill.
    const proven = r.after.aCount === r.before.aCount && r.after.aDigest === r.before.aDigest && r.after.bCount === 0;
    expect(proven).toBe(true);
    const dir = join(ROOT, "out", "drills");
    mkdirSync(dir, { recursive: true });
    const durationSeconds = Object.values(r.timings).reduce((n, ms) => n + ms, 0) / 1000;
    writeFileSync(join(dir, "prod.json"), `${JSON.stringify({ at: new Date().toISOString(), destinationPath: r.original.destinationPath, recoveredTo: r.recoveryTargetTime, durationSeconds }, null, 2)}\n`);
  });
});
