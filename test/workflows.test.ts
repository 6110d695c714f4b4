/**
 * The delivery workflows' properties, read from the YAML: least-privilege
 * permissions, one update per stack at a time (concurrency groups shared by
 * deploy and drift), production behind a protected environment after a staging
 * smoke check, the policy pack on every preview and update, OIDC to AWS (no
 * keys), the backend and secrets provider as documented inputs, and every
 * action pinned by a full commit SHA with its tag beside it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../render/stack-file";

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string; id?: string };
type Job = {
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  environment?: string | { name: string };
  needs?: string | string[];
  steps: Step[];
  strategy?: { matrix?: { include?: Record<string, string>[] } };
  if?: string;
};
type Workflow = { name: string; on: Record<string, unknown>; permissions?: Record<string, string> | string; env?: Record<string, string>; concurrency?: Job["concurrency"]; jobs: Record<string, Job> };

const DIR = join(ROOT, ".github", "workflows");
const files = readdirSync(DIR).filter((f) => f.endsWith(".yml"));
const raw = (f: string) => readFileSync(join(DIR, f), "utf8");
const wf = (f: string) => yaml.load(raw(f)) as Workflow;
const SETUP = join(ROOT, ".github", "actions", "pulumi-setup", "action.yml");
const ALL_TEXT = [...files.map((f) => [f, raw(f)] as const), ["actions/pulumi-setup/action.yml", readFileSync(SETUP, "utf8")] as const];

/** Steps that change a stack's state. */
const MUTATES = (s: Step) => (s.with?.command === "up" || s.with?.command === "destroy") || /\b(preview -- (up|down|reap)|pulumi (up|destroy|refresh))\b/.test(s.run ?? "") && !/--preview-only/.test(s.run ?? "");
/** npm publish with provenance signs with the job's OIDC token (release.yml). */
const publishesWithProvenance = (j: Job) => j.steps.some((s) => /\bnpm publish\b[^\n]*--provenance/.test(s.run ?? ""));
const usesAws = (j: Job) => j.steps.some((s) => s.uses === "./.github/actions/pulumi-setup" || /configure-aws-credentials/.test(s.uses ?? ""));
const comments = (j: Job) => j.steps.some((s) => s.with?.["comment-on-pr"] === true || /issues\.(create|update)Comment/.test(String(s.with?.script ?? "")));
const opensIssues = (j: Job) => j.steps.some((s) => /issues\.create\(/.test(String(s.with?.script ?? "")));
const runsPulumi = (w: Workflow) => Object.values(w.jobs).some((j) => j.steps.some((s) => /pulumi\/actions|pulumi-setup/.test(s.uses ?? "") || /\bpulumi\b|preview --/.test(s.run ?? "")));

describe("delivery workflows", () => {
  it("has the test, preview, deploy, drift, preview-stack and release workflows", () => {
    expect(files.sort()).toEqual(["ci.yml", "deploy.yml", "drift.yml", "preview-reap.yml", "preview-stack.yml", "pulumi-preview.yml", "release.yml"]);
  });

  it("pins every action by a full commit SHA with its version tag beside it", () => {
    let n = 0;
    for (const [f, text] of ALL_TEXT) {
      for (const line of text.split("\n")) {
        const m = /^\s*-?\s*uses:\s*(\S+)(.*)$/.exec(line);
        if (!m) continue;
        n++;
        if (m[1]!.startsWith("./")) continue;
        expect(m[1], `${f}: ${line.trim()}`).toMatch(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+(\/[^@]+)?@[0-9a-f]{40}$/);
        expect(m[2], `${f}: ${line.trim()}`).toMatch(/^ # v[0-9]+\.[0-9]+\.[0-9]+$/);
      }
    }
    expect(n).toBeGreaterThan(15);
    // One version per action across the files: a bump is one change everywhere.
    const pins = new Map<string, Set<string>>();
    for (const [, text] of ALL_TEXT) for (const m of text.matchAll(/uses:\s*([^@\s]+)@(\S+)/g)) pins.set(m[1]!, (pins.get(m[1]!) ?? new Set()).add(m[2]!));
    for (const [action, shas] of pins) expect(shas.size, action).toBe(1);
  });

  it("grants least privilege: nothing at the top, only what each job uses", () => {
    for (const f of files) {
      const w = wf(f);
      expect(w.permissions, `${f}: top-level permissions`).toBeDefined();
      expect(typeof w.permissions === "string" ? w.permissions : "", f).not.toMatch(/write-all|read-all/);
      for (const [name, j] of Object.entries(w.jobs)) {
        const where = `${f} ${name}`;
        expect(typeof j.permissions, `${where}: job permissions`).toBe("object");
        const p = j.permissions as Record<string, string>;
        for (const [scope, level] of Object.entries(p)) {
          expect(["contents", "id-token", "pull-requests", "issues"], `${where}: ${scope}`).toContain(scope);
          if (scope === "contents") expect(level, where).toBe("read");
        }
        expect(p["id-token"] === "write", `${where}: id-token write iff it assumes an AWS role or signs npm provenance`).toBe(usesAws(j) || publishesWithProvenance(j));
        expect(p["pull-requests"] === "write", `${where}: pull-requests write iff it comments on the PR`).toBe(comments(j) && f !== "drift.yml");
        expect(p.issues === "write", `${where}: issues write iff it opens issues`).toBe(opensIssues(j));
      }
    }
  });

  it("never lets two updates of one stack overlap", () => {
    const groups = new Map<string, string[]>();
    for (const f of files) {
      const w = wf(f);
      for (const [name, j] of Object.entries(w.jobs)) {
        const c = j.concurrency ?? w.concurrency;
        const mutating = j.steps.some(MUTATES) || (f === "drift.yml" && name === "drift");
        if (!mutating) continue;
        expect(c, `${f} ${name}: concurrency`).toBeDefined();
        expect(c!["cancel-in-progress"], `${f} ${name}: a running update is never cancelled`).toBe(false);
        expect(c!.group, `${f} ${name}`).toMatch(/^pulumi-stack-|^preview-reap$/);
        const stacks = j.strategy?.matrix?.include?.map((i) => i.stack) ?? [name];
        for (const s of stacks) groups.set(c!.group.replace("${{ matrix.stack }}", s), [...(groups.get(c!.group.replace("${{ matrix.stack }}", s)) ?? []), `${f}:${name}`]);
      }
    }
    // deploy and drift share each long-lived stack's group.
    expect(groups.get("pulumi-stack-staging")).toEqual(expect.arrayContaining(["deploy.yml:staging", "drift.yml:drift"]));
    expect(groups.get("pulumi-stack-prod")).toEqual(expect.arrayContaining(["deploy.yml:prod", "drift.yml:drift"]));
  });

  it("deploys staging, smoke-checks it, then prod behind the protected production environment", () => {
    const w = wf("deploy.yml");
    expect(Object.keys(w.on)).toContain("push");
    expect((w.on.push as { branches: string[] }).branches).toEqual(["main"]);
    const { staging, prod } = w.jobs;
    expect(staging!.steps.find((s) => s.with?.command === "up")?.with?.["stack-name"]).toBe("staging");
    const upAt = staging!.steps.findIndex((s) => s.with?.command === "up");
    const smokeAt = staging!.steps.findIndex((s) => /smoke\.sh/.test(s.run ?? ""));
    expect(smokeAt).toBeGreaterThan(upAt);
    expect(prod!.needs).toBe("staging");
    expect(prod!.environment).toBe("production");
    expect(prod!.steps.find((s) => s.with?.command === "up")?.with?.["stack-name"]).toBe("prod");
    expect(prod!.steps.some((s) => /smoke\.sh/.test(s.run ?? ""))).toBe(true);
  });

  it("runs the policy pack with the stack's environment config on every preview and update of staging and prod", () => {
    const steps = ["pulumi-preview.yml", "deploy.yml"].flatMap((f) => Object.values(wf(f).jobs).flatMap((j) => j.steps.filter((s) => s.with?.command === "up" || s.with?.command === "preview")));
    expect(steps.length).toBe(3);
    for (const s of steps) {
      expect(s.with?.policyPacks).toBe("policy");
      expect(String(s.with?.policyPackConfigs)).toMatch(/^policy\/config\/(staging|prod|\$\{\{ matrix\.stack \}\})\.json$/);
    }
    const pr = wf("pulumi-preview.yml");
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    expect(pr.jobs.preview!.strategy!.matrix!.include!.map((i) => i.stack)).toEqual(["staging", "prod"]);
    const preview = pr.jobs.preview!.steps.find((s) => s.with?.command === "preview")!;
    expect(preview.with).toMatchObject({ "comment-on-pr": true, diff: true });
  });

  it("checks drift nightly with refresh --preview-only and preview --expect-no-changes, and opens an issue", () => {
    const w = wf("drift.yml");
    expect((w.on.schedule as { cron: string }[])[0]!.cron).toMatch(/^\S+ \S+ \* \* \*$/);
    const run = w.jobs.drift!.steps.map((s) => s.run ?? "").join("\n");
    expect(run).toMatch(/pulumi refresh [^\n]*--preview-only[^\n]*--expect-no-changes/);
    expect(run).toMatch(/pulumi preview [^\n]*--expect-no-changes/);
    expect(opensIssues(w.jobs.drift!)).toBe(true);
    expect(w.jobs.drift!.strategy!.matrix!.include!.map((i) => i.stack)).toEqual(["dev", "staging", "prod"]);
  });

  it("creates preview stacks on PR open/update with the PR's images, destroys them on close, reaps idle ones", () => {
    const w = wf("preview-stack.yml");
    expect((w.on.pull_request as { types: string[] }).types).toEqual(["opened", "synchronize", "reopened", "closed"]);
    expect(w.env!.STACK).toBe("pr-${{ github.event.pull_request.number }}");
    const up = w.jobs.up!.steps.map((s) => s.run ?? "").join("\n");
    expect(up).toMatch(/preview -- up "\$STACK" [^\n]*--ttl/);
    expect(up).toContain('--image "coreApi=$PREFIX/core-api:$SHA"');
    expect(w.jobs.up!.steps.find((s) => /preview -- up/.test(s.run ?? ""))!.env!.SHA).toBe("${{ github.event.pull_request.head.sha }}");
    expect(w.jobs.down!.if).toMatch(/github\.event\.action == 'closed'/);
    expect(w.jobs.down!.steps.map((s) => s.run ?? "").join("\n")).toMatch(/preview -- down "\$STACK"/);
    const reap = wf("preview-reap.yml");
    expect(Object.keys(reap.on)).toContain("schedule");
    expect(reap.jobs.reap!.steps.map((s) => s.run ?? "").join("\n")).toMatch(/preview -- reap/);
  });

  it("publishes the package on a version tag only, after the package tests, with npm provenance", () => {
    const w = wf("release.yml");
    expect(Object.keys(w.on)).toEqual(["push"]);
    const push = w.on.push as { tags?: string[]; branches?: string[] };
    expect(push.branches).toBeUndefined();
    expect(push.tags).toEqual(["v[0-9]+.[0-9]+.[0-9]+"]);
    expect(Object.keys(w.jobs)).toEqual(["publish"]);
    const j = w.jobs.publish!;
    expect(j.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(j.environment).toBe("npm");
    expect(w.concurrency?.["cancel-in-progress"]).toBe(false);
    const runs = j.steps.map((s) => s.run ?? "");
    const at = (re: RegExp) => runs.findIndex((r) => re.test(r));
    // The tag must name package.json's version; tests, then the staged pack, then publish.
    const tagCheck = at(/require\("\.\/package\.json"\)\.version/);
    const tests = at(/vitest run test\/api-report\.test\.ts test\/consumer\.test\.ts/);
    const pack = at(/npm run pack -- --out dist/);
    const publish = at(/npm publish --provenance --access public/);
    expect(tagCheck).toBeGreaterThanOrEqual(0);
    expect(tagCheck).toBeLessThan(tests);
    expect(tests).toBeLessThan(pack);
    expect(pack).toBeLessThan(publish);
    const step = j.steps[publish]!;
    expect((step as Step & { "working-directory"?: string })["working-directory"]).toBe("dist/package");
    expect(step.env?.NODE_AUTH_TOKEN).toBe("${{ secrets.NPM_TOKEN }}");
    expect(step.run).toMatch(/npm pkg set [^\n]*repository\.url="git\+\$REPOSITORY\.git"/);
    const setup = j.steps.find((s) => /actions\/setup-node/.test(s.uses ?? ""))!;
    expect(setup.with?.["registry-url"]).toBe("https://registry.npmjs.org");
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain("NPM_TOKEN");
  });

  it("reaches AWS by OIDC only, and takes the backend and secrets provider as documented inputs", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const [f, text] of ALL_TEXT) {
      expect(text, f).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
    }
    const setup = yaml.load(readFileSync(SETUP, "utf8")) as { runs: { steps: Step[] } };
    const aws = setup.runs.steps.find((s) => /configure-aws-credentials/.test(s.uses ?? ""))!;
    expect(aws.with!["role-to-assume"]).toBe("${{ inputs.role-to-assume }}");
    expect(String(setup.runs.steps.find((s) => /pulumi\/actions/.test(s.uses ?? ""))!.with!["pulumi-version"])).toMatch(/^\d+\.\d+\.\d+$/);
    const inputs = new Set<string>();
    for (const f of files) {
      const w = wf(f);
      if (!runsPulumi(w) || f === "ci.yml") continue;
      expect(w.env?.PULUMI_BACKEND_URL, f).toBe("${{ vars.PULUMI_BACKEND_URL }}");
      expect(w.env?.PULUMI_CONFIG_PASSPHRASE, f).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
      for (const m of raw(f).matchAll(/\bvars\.([A-Z_]+)/g)) inputs.add(m[1]!);
      for (const m of raw(f).matchAll(/role: (AWS_ROLE_ARN_[A-Z]+)|cluster: (EKS_CLUSTER_[A-Z]+)/g)) inputs.add((m[1] ?? m[2])!);
    }
    expect(inputs.size).toBeGreaterThan(6);
    for (const i of [...inputs, "PULUMI_CONFIG_PASSPHRASE"]) expect(readme, `README documents ${i}`).toContain(i);
  });
});

/**
 * actionlint, built from its Go module by scripts/actionlint.sh (npm test builds it and passes
 * its path in PLATFORM_ACTIONLINT). Keep the version in step with that script.
 */
const ACTIONLINT_VERSION = "v1.7.12";
function actionlintBinary(): string | undefined {
  if (process.env.PLATFORM_ACTIONLINT) return process.env.PLATFORM_ACTIONLINT;
  const built = spawnSync("bash", [join(ROOT, "scripts", "actionlint.sh"), "--check"], { encoding: "utf8" });
  return built.status === 0 ? built.stdout.trim() : undefined;
}
const actionlint = actionlintBinary();
if (!actionlint) console.warn("workflows.test: actionlint is not built (bash scripts/actionlint.sh builds it; npm test does): the actionlint tests are SKIPPED, not passed");

describe("actionlint", () => {
  it("is pinned to one version, in the build script and here", () => {
    expect(readFileSync(join(ROOT, "scripts", "actionlint.sh"), "utf8")).toContain(`ACTIONLINT_VERSION="${ACTIONLINT_VERSION}"`);
  });

  it.skipIf(!actionlint)("is the pinned version", () => {
    const r = spawnSync(actionlint!, ["-version"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(ACTIONLINT_VERSION);
  });

  it.skipIf(!actionlint)("finds nothing in any workflow", () => {
    const r = spawnSync(actionlint!, ["-color=false", ...files.map((f) => join(DIR, f))], { cwd: ROOT, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it.skipIf(!actionlint)("reports a broken workflow (the check can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "actionlint-"));
    try {
      const broken = raw("release.yml").replace("${{ github.ref_name }}", "${{ github.ref_nme }}").replace("runs-on: ubuntu-24.04", "runs-on: ubuntu-24.04\n    timeout-minutes: soon");
      writeFileSync(join(dir, "release.yml"), broken);
      const r = spawnSync(actionlint!, ["-color=false", join(dir, "release.yml")], { encoding: "utf8" });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/property "ref_nme" is not defined/);
      expect(r.stdout).toMatch(/timeout-minutes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
