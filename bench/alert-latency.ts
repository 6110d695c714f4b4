/**
 * Fault → page latency of the whole alert path on loopback (fake app → Prometheus →
 * Alertmanager with the rendered routing → PagerDuty stand-in), using the e2e
 * harness and its test-sized windows. Prints each run next to the theoretical
 * minimum (threshold crossing within the rate window + `for:` + group_wait; scrape
 * and evaluation phase add up to one interval each). No assertions on time.
 *
 *   node --import tsx bench/alert-latency.ts [--runs 3] [--ratio 0.5]
 */
import { waitFor } from "../test/procs";
import { queryValue, startAlertPipeline } from "../test/e2e/pipeline";
import { E2E_ROUTING, E2E_SECRETS, E2E_TIMING, ERROR_ALERT, PAGER_PATH, e2eRulesYaml, firstEvent, theoreticalPageLatency } from "../test/e2e/scenario";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${process.argv[i + 1]}`);
  return v;
}

async function oneRun(ratio: number): Promise<number> {
  const p = await startAlertPipeline({ rulesYaml: e2eRulesYaml(), routing: E2E_ROUTING, secrets: E2E_SECRETS });
  try {
    await waitFor("request rate in Prometheus", async () => ((await queryValue(p.prometheus.url, "sum(rate(http_server_requests_seconds_count[5s]))")) ?? 0) > 0, 20_000, 250);
    // A full window of healthy traffic before the fault, as the minimum assumes.
    await new Promise((r) => setTimeout(r, (E2E_TIMING.windowSeconds + 1) * 1000));
    const flip = Date.now();
    p.app.setErrorRatio(ratio);
    const page = await waitFor("page", () => firstEvent(p.sink, PAGER_PATH, "trigger", ERROR_ALERT), 60_000, 50);
    return (page.at - flip) / 1000;
  } finally {
    await p.stop();
  }
}

async function main(): Promise<void> {
  const runs = Math.floor(arg("runs", 3));
  const ratio = arg("ratio", 0.5);
  if (ratio > 1) throw new Error(`--ratio must be at most 1, got ${ratio}`);
  const { min, phase } = theoreticalPageLatency(ratio);
  console.log(
    `alert latency: window ${E2E_TIMING.windowSeconds}s, for ${E2E_TIMING.forSeconds}s, group_wait ${E2E_TIMING.groupWaitSeconds}s, ` +
      `scrape ${E2E_TIMING.scrapeSeconds}s, eval ${E2E_TIMING.evalSeconds}s, 5xx ratio after fault ${ratio}`,
  );
  console.log(`theoretical minimum ${min.toFixed(2)} s (up to ${(min + phase).toFixed(2)} s with scrape/eval phase)`);
  const results: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const s = await oneRun(ratio);
    results.push(s);
    console.log(`run ${i}: fault→page ${s.toFixed(2)} s  ratio to minimum ${(s / min).toFixed(2)}  to minimum+phase ${(s / (min + phase)).toFixed(2)}`);
  }
  const mean = results.reduce((a, b) => a + b, 0) / results.length;
  console.log(
    `summary: ${runs} runs, min ${Math.min(...results).toFixed(2)} s, mean ${mean.toFixed(2)} s, max ${Math.max(...results).toFixed(2)} s; ` +
      `mean/theoretical minimum ${(mean / min).toFixed(2)}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
