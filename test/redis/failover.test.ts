/**
 * Sentinel failover of the prod stack's rendered Redis on Debian 12's
 * redis-server / redis-sentinel 7.0.15 (see failover.ts). down-after is set to
 * 2 s through stack config (`platform:redis.sentinel.downAfterMilliseconds`),
 * the same rendering path every other value takes; the rest is prod's render.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runFailover, type FailoverReport } from "./failover";

describe("Sentinel failover (prod render: primary, 2 replicas, 3 Sentinels on 127.x addresses by pod DNS name)", () => {
  let r: FailoverReport;
  beforeAll(async () => {
    r = await runFailover({ downAfterMilliseconds: 2000, log: (line) => console.log(`[redis-failover] ${line}`) });
    console.log(`[redis-failover] events (ms after kill): ${r.events.map((e) => `${e.event}@${e.at}`).join(", ")}`);
    console.log(
      `[redis-failover] acknowledged before the kill: ${r.ackedBeforeKill} (WAIT 2 confirmed up to w:${r.syncedUpTo}); lost: ${r.lostIndices.length}` +
        (r.lostIndices.length ? ` (w:${r.lostIndices[0]}..w:${r.lostIndices[r.lostIndices.length - 1]})` : "") +
        `; failed during failover: ${r.failedWrites}; acknowledged after: ${r.ackedAfterFailover}, missing: ${r.missingAfterFailover}`,
    );
  }, 180_000);

  it("fails over to a replica when the primary is killed, after down-after and a Sentinel vote", () => {
    expect(r.primaryBefore).toBe("redis-0");
    expect(["redis-1", "redis-2"]).toContain(r.primaryAfter);
    const at = (e: string) => r.events.find((x) => x.event === e)?.at ?? Number.NaN;
    // No Sentinel may call the primary down before down-after has passed.
    expect(at("+sdown")).toBeGreaterThanOrEqual(r.downAfterMilliseconds - 100);
    expect(at("+odown")).toBeGreaterThanOrEqual(at("+sdown"));
    expect(at("+odown")).toBeLessThan(at("+switch-master"));
    expect(r.events.map((e) => e.event)).toEqual(expect.arrayContaining(["+sdown", "+odown", "+try-failover", "+elected-leader", "+selected-slave", "+promoted-slave", "+switch-master"]));
    expect(r.switchMs).toBe(at("+switch-master"));
    expect(r.switchMs).toBeLessThan(r.downAfterMilliseconds + 15_000);
  });

  it("the client's Sentinel lookup finds the new primary, and every Sentinel agrees", () => {
    expect(r.sentinelAnswers).toEqual([r.primaryAfter, r.primaryAfter, r.primaryAfter]);
    expect(r.clientPrimary).toBe(r.primaryAfter);
    expect(r.clientRole).toBe("master");
    // The client writes again only once Sentinel has switched (it asks Sentinel, not the dead primary's address).
    expect(r.clientRecoveredMs).toBeGreaterThanOrEqual(r.switchMs - 100);
  });

  it("keeps every write acknowledged by both replicas (WAIT 2), and states what the asynchronous tail lost", () => {
    expect(r.ackedBeforeKill).toBeGreaterThanOrEqual(1000);
    expect(r.syncedUpTo).toBeGreaterThanOrEqual(99);
    expect(r.lostIndices.filter((i) => i <= r.syncedUpTo)).toEqual([]);
    // Replication is asynchronous: only writes after the last replica acknowledgement can be lost,
    // and with the writer at loopback speed that tail is small.
    expect(r.lostIndices.length).toBeLessThan(r.ackedBeforeKill - r.syncedUpTo);
    expect(r.missingAfterFailover).toBe(0);
    expect(r.ackedAfterFailover).toBeGreaterThanOrEqual(50);
  });

  it("brings the old primary back as a replica of the new one (start.sh asks Sentinel first), not as a second primary", () => {
    expect(r.oldPrimary).toEqual({ role: "slave", masterHost: r.primaryAfter, linkUp: true, hasPostFailoverWrite: true });
    expect(r.sentinelsSeeOldPrimaryAsReplica).toBe(true);
  });

  it("a Sentinel restarted after the failover monitors the new primary and is the same voter to its peers", () => {
    expect(r.restartedSentinel).toEqual({ sameId: true, monitors: r.primaryAfter, peersKnown: [2, 2] });
  });

  it("a primary cut off from its replicas refuses writes after min-replicas-max-lag (the split-brain limit)", () => {
    expect(r.isolatedPrimaryError).toMatch(/^NOREPLICAS Not enough good replicas to write/);
    expect(r.isolatedAfterMs).toBeGreaterThanOrEqual((r.maxLagSeconds - 1) * 1000);
    // Upper bound generous for a loaded machine (each poll spawns redis-cli).
    expect(r.isolatedAfterMs).toBeLessThanOrEqual((r.maxLagSeconds + 8) * 1000);
  });
});
