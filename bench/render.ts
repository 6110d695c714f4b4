/**
 * bench/render: wall time and peak memory of the compiled offline render (`node
 * build/scripts/render.js`, no TypeScript loader) of the local and prod stacks, each next to
 * its floor: a plain node process that only loads the Pulumi SDKs that stack loads
 * (bench/sdk-floor.cjs; @pulumi/aws only for stacks with AWS resources). Measured side by
 * side (render, floor, render, floor, ...) in one run and printed as ratios, with the
 * targets of issue 10 §4 beside them (prod <= 1.5x, local <= 1.3x in wall time and peak RSS).
 *
 *   npm run bench:render [-- --runs 5]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(__dirname, "..");
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const RENDER = join(ROOT, "build", "scripts", "render.js");
if (!existsSync(RENDER)) {
  console.error("bench/render: build/scripts/render.js is missing; run `npm run build` (npm run bench:render does)");
  process.exit(2);
}
const tmp = mkdtempSync(join(tmpdir(), "bench-render-"));

interface Sample {
  wallMs: number;
  rssKiB: number;
}
function measure(args: string[], expectStatus = 0): Sample {
  const rssFile = join(tmp, "rss");
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", join(ROOT, "bench/rss-probe.cjs"), ...args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
    encoding: "utf8",
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expectStatus) throw new Error(`${args.join(" ")} exited ${r.status}, expected ${expectStatus}: ${r.stderr}`);
  return { wallMs, rssKiB: Number(readFileSync(rssFile, "utf8")) };
}

const STACKS = [
  { stack: "local", aws: false, target: 1.3 },
  { stack: "prod", aws: true, target: 1.5 },
] as const;
const renderArgs = (stack: string) => [RENDER, "--stack", stack, "--out", join(tmp, "out"), "--quiet"];
const floorArgs = (aws: boolean) => [join(ROOT, "bench", "sdk-floor.cjs"), ...(aws ? ["--aws"] : [])];

// Warm-up: file-system caches.
for (const s of STACKS) {
  measure(renderArgs(s.stack));
  measure(floorArgs(s.aws));
}
const samples = new Map<string, { render: Sample[]; floor: Sample[] }>(STACKS.map((s) => [s.stack, { render: [], floor: [] }]));
for (let i = 0; i < runs; i++) {
  for (const s of STACKS) {
    samples.get(s.stack)!.render.push(measure(renderArgs(s.stack)));
    samples.get(s.stack)!.floor.push(measure(floorArgs(s.aws)));
  }
}
// A bad value (replicas: -1) must fail fast: config is validated before the SDKs load.
const badDir = join(tmp, "bad");
mkdirSync(badDir);
const prodFile = readFileSync(join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
writeFileSync(join(badDir, "Pulumi.prod.yaml"), prodFile.replace("  platform:images:", "  platform:workloads:\n    coreApi:\n      replicas: -1\n  platform:images:"));
const bad: Sample[] = [];
for (let i = 0; i < runs; i++) bad.push(measure([RENDER, "--stack", "prod", "--stacks-dir", badDir], 2));
rmSync(tmp, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => n.toFixed(0).padStart(7);
const ratioCell = (rs: number[], target: number) => {
  const m = median(rs);
  return `${m.toFixed(2)} (${Math.min(...rs).toFixed(2)}..${Math.max(...rs).toFixed(2)})  target <= ${target}  ${m <= target ? "met" : "NOT met"}`;
};
console.log(`compiled render vs SDK-only floor (plain node), ${runs} alternating runs per stack after a warm-up (medians; ratio = median of pairs, min..max)`);
console.log(`stack  measure            render    floor   ratio`);
for (const s of STACKS) {
  const { render, floor } = samples.get(s.stack)!;
  const wall = render.map((x, i) => x.wallMs / floor[i]!.wallMs);
  const rss = render.map((x, i) => x.rssKiB / floor[i]!.rssKiB);
  const floorName = s.aws ? "pulumi+kubernetes+random+aws" : "pulumi+kubernetes+random";
  console.log(`${s.stack.padEnd(6)} wall time (ms)   ${fmt(median(render.map((x) => x.wallMs)))}  ${fmt(median(floor.map((x) => x.wallMs)))}   ${ratioCell(wall, s.target)}`);
  console.log(`${s.stack.padEnd(6)} peak RSS (MiB)   ${fmt(median(render.map((x) => x.rssKiB / 1024)))}  ${fmt(median(floor.map((x) => x.rssKiB / 1024)))}   ${ratioCell(rss, s.target)}`);
  console.log(`${"".padEnd(6)} (floor loads ${floorName})`);
}
// Where a render's time goes (bench/render-phases.cjs: the same modules, timed phase by phase).
const phaseNames = ["config", "sdks", "program", "write"] as const;
for (const s of STACKS) {
  const ps: Record<(typeof phaseNames)[number], number>[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [join(ROOT, "bench", "render-phases.cjs"), s.stack], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`render-phases ${s.stack} exited ${r.status}: ${r.stderr}`);
    ps.push(JSON.parse(r.stdout));
  }
  const floorMs = median(samples.get(s.stack)!.floor.map((x) => x.wallMs));
  console.log(
    `${s.stack.padEnd(6)} phases (ms)      ${phaseNames.map((n) => `${n} ${median(ps.map((p) => p[n])).toFixed(0)}`).join(", ")}  (config = validation before any SDK loads; sdks = the floor's work, ${floorMs.toFixed(0)} ms there; program = index.js registering under the mocks; write = building the files)`,
  );
}
const prodFloor = samples.get("prod")!.floor;
const badRatios = bad.map((x, i) => x.wallMs / prodFloor[i]!.wallMs);
console.log(`prod   bad config (ms)  ${fmt(median(bad.map((x) => x.wallMs)))}  ${fmt(median(prodFloor.map((x) => x.wallMs)))}   ${median(badRatios).toFixed(2)} (replicas: -1 rejected before the SDKs load)`);
