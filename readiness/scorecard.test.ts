/**
 * The scorecard is derived from the render: breaking one property of a stack
 * changes its score and its list of missing items, each naming the config key
 * that fixes it; every key it names is one the stack schema accepts.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { previewImages, renderForPolicies, stackNames, type StackRender } from "../policy/render-fixtures";
import type { StackResource } from "../policy/resources";
import { ROOT } from "../render/stack-file";
import { loadStackConfig, PROJECT } from "../stacks/config";
import { platformSettings } from "../stacks/schema";
import { readStackConfig, withConfig } from "../test/harness";
import { testedAlerts, toBadge, toMarkdown } from "./report";
import { scorecard, type Scorecard } from "./scorecard";

const NOW = new Date("2026-09-01T00:00:00Z");
const TESTED = testedAlerts(join(ROOT, "alerts"));

function card(r: StackRender, extra: { drills?: { at: string; destinationPath: string }[]; resources?: StackResource[] } = {}): Scorecard {
  const base = readStackConfig(r.stack);
  const cfg = loadStackConfig(r.stack, /^pr-/.test(r.stack) ? withConfig(base, { images: previewImages(r.stack) }) : base);
  return scorecard({ cfg, resources: extra.resources ?? r.resources, testedAlerts: TESTED, minRetentionDays: 30, drills: extra.drills, now: NOW });
}

/** Does the stack schema accept a value at this `platform:` key path? */
function schemaHas(fixKey: string): boolean {
  const path = fixKey.slice(PROJECT.length + 1).split(".");
  let s: any = platformSettings;
  for (const seg of path) {
    for (let i = 0; i < 5 && s?._zod?.def && !s.shape && s._zod.def.type !== "record"; i++) s = s._zod.def.innerType ?? s._zod.def.in ?? s;
    if (s?._zod?.def?.type === "record") return true;
    if (!s?.shape || !(seg in s.shape)) return false;
    s = s.shape[seg];
  }
  return true;
}

const renders = new Map<string, StackRender>();
beforeAll(async () => {
  for (const s of stackNames()) renders.set(s, await renderForPolicies(s));
}, 240_000);

describe("readiness scorecard", () => {
  it("scores each area as the share of its checks that pass, and the total as their mean", () => {
    const c = card(renders.get("prod")!);
    for (const a of c.areas) {
      const of = c.checks.filter((x) => x.area === a.area);
      expect(a.total).toBe(of.length);
      expect(a.passed).toBe(of.filter((x) => x.pass).length);
      expect(a.total, a.area).toBeGreaterThan(0);
    }
    expect(c.total).toBe(Math.round(c.areas.reduce((n, a) => n + a.score!, 0) / c.areas.length));
    expect(c.missing).toEqual(c.checks.filter((x) => !x.pass));
  });

  it("covers every workload of the render in every area", () => {
    const r = renders.get("prod")!;
    const c = card(r);
    for (const subject of ["Deployment platform-prod/core-api", "Deployment platform-prod/web", "Cluster platform-prod/app-db", "Pooler platform-prod/app-db-pooler-rw"]) {
      expect(c.checks.filter((x) => x.subject === subject).map((x) => x.area)).toEqual(expect.arrayContaining(["availability", "observability", "security"]));
    }
  });

  it("drops availability and names the key when a workload loses its replicas", async () => {
    const r = renders.get("prod")!;
    const before = card(r);
    const one = { replicas: 1, autoscaling: { minReplicas: 1 } };
    const broken = await renderForPolicies("prod", { workloads: { web: one } });
    const after = scorecard({ cfg: loadStackConfig("prod", withConfig(readStackConfig("prod"), { workloads: { web: one } })), resources: broken.resources, testedAlerts: TESTED, minRetentionDays: 30, now: NOW });
    const avail = (x: Scorecard) => x.areas.find((a) => a.area === "availability")!.score!;
    expect(avail(after)).toBeLessThan(avail(before));
    expect(after.total).toBeLessThan(before.total);
    const item = after.missing.find((m) => m.check === "replicas" && m.subject === "Deployment platform-prod/web");
    expect(item?.fixKey).toBe("platform:workloads.web.autoscaling.minReplicas");
    expect(before.missing.some((m) => m.subject === "Deployment platform-prod/web" && m.check === "replicas")).toBe(false);
  });

  it("drops recovery and names the key when the PITR window shrinks", async () => {
    const before = card(renders.get("prod")!);
    const changes = { postgres: { backup: { retentionDays: 14 } } };
    const broken = await renderForPolicies("prod", changes);
    const after = scorecard({ cfg: loadStackConfig("prod", withConfig(readStackConfig("prod"), changes)), resources: broken.resources, testedAlerts: TESTED, minRetentionDays: 30, now: NOW });
    const rec = (x: Scorecard) => x.areas.find((a) => a.area === "recovery")!.score!;
    expect(rec(after)).toBeLessThan(rec(before));
    const item = after.missing.find((m) => m.check === "pitr-window");
    expect(item).toMatchObject({ subject: "Cluster platform-prod/app-db", fixKey: "platform:postgres.backup.retentionDays" });
    expect(item!.detail).toMatch(/14 days \(target 30 for prod\)/);
  });

  it("drops observability when a workload's monitor goes", () => {
    const r = renders.get("prod")!;
    const before = card(r);
    const resources = r.resources.filter((x) => !(x.props.kind === "ServiceMonitor" && x.props.metadata?.name === "web"));
    const after = card(r, { resources });
    expect(after.areas.find((a) => a.area === "observability")!.score!).toBeLessThan(before.areas.find((a) => a.area === "observability")!.score!);
    expect(after.missing.map((m) => `${m.check} ${m.subject}`)).toContain("scraped Deployment platform-prod/web");
  });

  it("counts a restore drill only for this stack's backups and only while it is recent", () => {
    const r = renders.get("prod")!;
    const dest = String(r.resources.find((x) => x.props.kind === "ObjectStore")!.props.spec.configuration.destinationPath);
    const drill = (c: Scorecard) => c.checks.find((x) => x.check === "restore-drill")!;
    expect(drill(card(r)).pass).toBe(false);
    expect(drill(card(r, { drills: [{ at: "2026-08-20T10:00:00Z", destinationPath: dest }] })).pass).toBe(true);
    expect(drill(card(r, { drills: [{ at: "2026-01-01T10:00:00Z", destinationPath: dest }] })).detail).toMatch(/older than 90 days/);
    expect(drill(card(r, { drills: [{ at: "2026-08-20T10:00:00Z", destinationPath: "s3://elsewhere/prod/app-db" }] })).pass).toBe(false);
  });

  it("names only config keys the stack schema accepts, in every stack", () => {
    let keys = 0;
    for (const [stack, r] of renders) {
      for (const c of card(r).checks) {
        if (!c.fixKey) continue;
        keys++;
        expect(schemaHas(c.fixKey), `${stack}: ${c.check} ${c.subject} -> ${c.fixKey}`).toBe(true);
      }
    }
    expect(keys).toBeGreaterThan(20);
    expect(schemaHas("platform:postgres.backup.nope")).toBe(false);
  });

  it("writes Markdown with the scores and the missing items, and a badge with the total", () => {
    const c = card(renders.get("prod")!);
    const md = toMarkdown(c, { badgeFile: "prod.svg" });
    expect(md).toContain(`**Score: ${c.total}%**`);
    expect(md).toContain("| area | check | subject | found | fix (stack config key) |");
    for (const m of c.missing) expect(md).toContain(m.fixKey ?? m.fixHint!);
    const svg = toBadge(c);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain(`>${c.total}%</text>`);
  });

  it("knows the promtool-tested alerts from the repository's suites", () => {
    expect(TESTED.has("PostgresWalArchiveStale")).toBe(true);
    expect(TESTED.has("SloErrorBudgetBurnFast")).toBe(true);
    expect(TESTED.has("NoSuchAlert")).toBe(false);
  });
});
