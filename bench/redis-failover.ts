/**
 * Sentinel failover time of the prod stack's rendered Redis on loopback (see
 * test/redis/failover.ts): kill → `+switch-master`, and kill → the first write the
 * ioredis client gets acknowledged by the new primary, side by side with the
 * configured floor: down-after-milliseconds, which no failover can beat (a
 * Sentinel must miss the primary that long before it calls it down). The phases
 * after it — agreement (+odown), election (+elected-leader), promotion
 * (+promoted-slave), switch — are Sentinel's own work. No assertions on time.
 *
 *   node --import tsx bench/redis-failover.ts [--runs 3] [--down-after 2000]
 */
import { runFailover } from "../test/redis/failover";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${process.argv[i + 1]}`);
  return v;
}

async function main(): Promise<void> {
  const runs = Math.floor(arg("runs", 3));
  const downAfter = Math.floor(arg("down-after", 2000));
  console.log(`Sentinel failover, prod render (primary + 2 replicas, 3 Sentinels, quorum 2), down-after ${downAfter} ms = the floor`);
  console.log("run | +sdown | +odown | +elected-leader | +promoted-slave | +switch-master | client writes | switch / floor | lost / acknowledged");
  const ratios: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const r = await runFailover({ downAfterMilliseconds: downAfter, checkIsolatedPrimary: false });
    const at = (e: string) => r.events.find((x) => x.event === e)?.at ?? Number.NaN;
    const ratio = r.switchMs / downAfter;
    ratios.push(ratio);
    console.log(
      `${i} | ${at("+sdown")} ms | ${at("+odown")} ms | ${at("+elected-leader")} ms | ${at("+promoted-slave")} ms | ${r.switchMs} ms | ${r.clientRecoveredMs} ms | ${ratio.toFixed(2)} | ${r.lostIndices.length} / ${r.ackedBeforeKill}`,
    );
  }
  const mean = ratios.reduce((x, y) => x + y, 0) / ratios.length;
  console.log(`mean switch / floor: ${mean.toFixed(2)} (1.00 would be a failover the instant down-after expires)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
