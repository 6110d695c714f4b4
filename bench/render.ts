/**
 * bench/render: wall time and peak memory of the prod-stack offline render,
 * next to a baseline process that only loads the Pulumi SDKs, measured side
 * by side (A B A B ...) in one run and printed as ratios.
 *
 *   npm run bench:render [-- --runs 5]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(__dirname, "..");
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, stack: { type: "string", default: "prod" } } });
const runs = Number(values.runs);
const tmp = mkdtempSync(join(tmpdir(), "bench-render-"));

function measure(args: string[], expectStatus = 0): { wallMs: number; rssKiB: number } {
  const rssFile = join(tmp, "rss");
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", join(ROOT, "bench/rss-probe.cjs"), "--import", "tsx", ...args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
    encoding: "utf8",
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expectStatus) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { wallMs, rssKiB: Number(readFileSync(rssFile, "utf8")) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const render = ["scripts/render.ts", "--stack", values.stack!, "--out", join(tmp, "out"), "--quiet"];
const baseline = ["bench/sdk-baseline.ts"];

measure(render); // warm-up: file-system caches, tsx's transform cache
measure(baseline);
const a: { wallMs: number; rssKiB: number }[] = [];
const b: { wallMs: number; rssKiB: number }[] = [];
for (let i = 0; i < runs; i++) {
  a.push(measure(render));
  b.push(measure(baseline));
}
// A bad value (replicas: -1) must fail fast: config is validated before the SDKs load.
const badDir = join(tmp, "bad");
mkdirSync(badDir);
const prodFile = readFileSync(join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
writeFileSync(join(badDir, "Pulumi.prod.yaml"), prodFile.replace("  platform:images:", "  platform:workloads:\n    coreApi:\n      replicas: -1\n  platform:images:"));
const bad: number[] = [];
for (let i = 0; i < runs; i++) bad.push(measure(["scripts/render.ts", "--stack", "prod", "--stacks-dir", badDir], 2).wallMs);
rmSync(tmp, { recursive: true, force: true });

const wallRatios = a.map((x, i) => x.wallMs / b[i]!.wallMs);
const rssRatios = a.map((x, i) => x.rssKiB / b[i]!.rssKiB);
const fmt = (n: number) => n.toFixed(0).padStart(7);
console.log(`render of stack "${values.stack}" vs SDK-only baseline, ${runs} alternating runs after a warm-up (medians)`);
console.log(`                    render   baseline   ratio (median of pairs, min..max)`);
console.log(
  `wall time (ms)     ${fmt(median(a.map((x) => x.wallMs)))}    ${fmt(median(b.map((x) => x.wallMs)))}   ${median(wallRatios).toFixed(2)} (${Math.min(...wallRatios).toFixed(2)}..${Math.max(...wallRatios).toFixed(2)})`,
);
console.log(
  `peak RSS (MiB)     ${fmt(median(a.map((x) => x.rssKiB / 1024)))}    ${fmt(median(b.map((x) => x.rssKiB / 1024)))}   ${median(rssRatios).toFixed(2)} (${Math.min(...rssRatios).toFixed(2)}..${Math.max(...rssRatios).toFixed(2)})`,
);
const badRatios = bad.map((x, i) => x / b[i]!.wallMs);
console.log(
  `bad config (ms)    ${fmt(median(bad))}    ${fmt(median(b.map((x) => x.wallMs)))}   ${median(badRatios).toFixed(2)} (replicas: -1 rejected before the SDKs load)`,
);
