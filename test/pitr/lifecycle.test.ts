/**
 * The rendered S3 lifecycle against Barman's retention: Barman keeps the newest backup
 * completed before the recovery window's start, plus its WAL, so the objects it still
 * needs can be older than the window by the time between backups (a schedule gap, an
 * outage). The lifecycle must never expire those; Barman deletes what it no longer needs.
 * The drill (drill.test.ts) runs the same check against real barman-cloud objects.
 */
import { describe, expect, it } from "vitest";
import { readStackConfig, renderStack, withConfig } from "../harness";
import { redact } from "../../render/write";
import { expiredByLifecycle, expiresAt, type LifecycleRule } from "./lifecycle";

const DAY = 86_400_000;

async function renderedRules(changes: Record<string, unknown> = {}): Promise<{ rules: LifecycleRule[]; prefix: string; retentionDays: number }> {
  const run = await renderStack("prod", withConfig(readStackConfig("prod"), changes));
  const lc = run.recorder.byType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0]!;
  const store = run.recorder.kind("ObjectStore")[0]!;
  const spec = (redact(store.inputs) as { spec: { retentionPolicy: string; configuration: { destinationPath: string } } }).spec;
  return {
    rules: (redact(lc.inputs) as { rules: LifecycleRule[] }).rules,
    prefix: spec.configuration.destinationPath.replace(/^s3:\/\/[^/]+\//, ""),
    retentionDays: Number(/^(\d+)d$/.exec(spec.retentionPolicy)![1]),
  };
}

describe("expiredByLifecycle", () => {
  it("expires at the first midnight UTC N days after creation, under the rule's prefix only", () => {
    expect(expiresAt(new Date("2026-01-01T10:00:00Z"), 2).toISOString()).toBe("2026-01-04T00:00:00.000Z");
    const rules: LifecycleRule[] = [{ id: "x", status: "Enabled", filter: { prefix: "a/" }, expiration: { days: 2 } }];
    const objs = [
      { key: "a/1", lastModified: new Date("2026-01-01T10:00:00Z") },
      { key: "b/1", lastModified: new Date("2026-01-01T10:00:00Z") },
    ];
    expect(expiredByLifecycle(rules, objs, new Date("2026-01-03T23:59:59Z"))).toEqual([]);
    expect(expiredByLifecycle(rules, objs, new Date("2026-01-04T00:00:00Z"))).toEqual([{ key: "a/1", rule: "x" }]);
    expect(() => expiredByLifecycle([{ ...rules[0]!, transitions: [] } as never], objs, new Date())).toThrow(/transitions is not modelled/);
  });
});

describe.each([
  ["daily backups, an 8-day outage", {}, 8],
  ["a weekly schedule (the schema accepts it) and one backup a day late", { postgres: { backup: { schedule: "0 0 2 * * 0" } } }, 8],
  ["daily backups, a 90-day outage", {}, 90],
])("prod's lifecycle with %s", (_what, changes, gapDays) => {
  it("keeps every object of the oldest backup Barman still needs", async () => {
    const { rules, prefix, retentionDays } = await renderedRules(changes);
    const now = new Date("2026-06-30T12:00:00Z");
    // The newest backup completed before the window's start: retentionDays + the gap old, with its WAL.
    const created = new Date(now.getTime() - (retentionDays + gapDays) * DAY);
    const needed = ["base/20260101T020000/data.tar.gz", "base/20260101T020000/backup.info", "wals/0000000100000000/000000010000000000000003.gz"].map((k) => ({ key: `${prefix}/app-db/${k}`, lastModified: created }));
    expect(expiredByLifecycle(rules, needed, now)).toEqual([]);
  }, 60_000);
});

describe("prod's lifecycle still cleans up", () => {
  it("noncurrent versions (what Barman's own retention deleted), delete markers and stalled uploads", async () => {
    const { rules } = await renderedRules();
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    expect(byId["expire-noncurrent-versions"]!.noncurrentVersionExpiration).toEqual({ noncurrentDays: 7 });
    expect(byId["remove-expired-delete-markers"]!.expiration).toEqual({ expiredObjectDeleteMarker: true });
    expect(byId["abort-incomplete-uploads"]!.abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: 2 });
  }, 60_000);
});
