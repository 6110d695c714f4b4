/**
 * The program as it runs for `npm start` and `pulumi up`: compiled JavaScript in build/
 * (Pulumi.yaml's main), run by plain node. Its render is byte-identical to the TypeScript
 * sources' (tsx), and @pulumi/aws is loaded only by stacks that create AWS resources.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../render/stack-file";

let tmp: string;
beforeAll(() => {
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-b", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8" });
  expect(r.stdout + r.stderr).toBe("");
  tmp = mkdtempSync(join(tmpdir(), "compiled-test-"));
  // Lists the modules a process loaded, at exit.
  writeFileSync(join(tmp, "modules.cjs"), `process.on("exit", () => require("node:fs").writeFileSync(process.env.MODULES_FILE, Object.keys(require.cache).join("\\n")));\n`);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

function render(stack: string, how: "compiled" | "source"): { out: string; modules: string[] } {
  const out = join(tmp, how);
  const modulesFile = join(tmp, `${how}-${stack}.modules`);
  const args = how === "compiled" ? [join(ROOT, "build", "scripts", "render.js")] : ["--import", "tsx", join(ROOT, "scripts", "render.ts")];
  const r = spawnSync(process.execPath, ["--require", join(tmp, "modules.cjs"), ...args, "--stack", stack, "--out", out, "--quiet"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, MODULES_FILE: modulesFile },
  });
  expect(r.status, r.stderr).toBe(0);
  return { out: join(out, stack), modules: readFileSync(modulesFile, "utf8").split("\n") };
}

describe("the compiled program", () => {
  it("is Pulumi.yaml's main, plain JavaScript", () => {
    const project = yaml.load(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { main: string; runtime: { options: { typescript: boolean } } };
    expect(project.main).toBe("build/index.js");
    expect(project.runtime.options.typescript).toBe(false);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^npm run --silent build && node build\/scripts\/render\.js --stack local$/);
  });

  it.each(["local", "prod"])("renders stack %s byte-identically to the TypeScript sources, without a TypeScript loader", (stack) => {
    const compiled = render(stack, "compiled");
    const source = render(stack, "source");
    expect(compiled.modules.some((m) => /node_modules\/tsx\//.test(m))).toBe(false);
    expect(compiled.modules.some((m) => m.endsWith(join("build", "index.js")))).toBe(true);
    expect(source.modules.some((m) => /node_modules\/tsx\//.test(m))).toBe(true);
    const a = tree(compiled.out);
    const b = tree(source.out);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [f, text] of a) expect(text, f).toBe(b.get(f));
  }, 300_000);

  it("rejects bad config before loading any Pulumi SDK", () => {
    const dir = join(tmp, "bad-stacks");
    mkdirSync(dir);
    const prod = readFileSync(join(ROOT, "stacks", "Pulumi.prod.yaml"), "utf8");
    writeFileSync(join(dir, "Pulumi.prod.yaml"), prod.replace("  platform:images:", "  platform:workloads:\n    coreApi:\n      replicas: -1\n  platform:images:"));
    const modulesFile = join(tmp, "bad.modules");
    const r = spawnSync(process.execPath, ["--require", join(tmp, "modules.cjs"), join(ROOT, "build", "scripts", "render.js"), "--stack", "prod", "--stacks-dir", dir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, MODULES_FILE: modulesFile },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/stack "prod".*workloads\.coreApi\.replicas/);
    expect(readFileSync(modulesFile, "utf8").split("\n").filter((m) => m.includes("@pulumi"))).toEqual([]);
  }, 300_000);

  it("loads @pulumi/aws only for a stack that creates AWS resources", () => {
    const aws = (modules: string[]) => modules.some((m) => /node_modules\/@pulumi\/aws\//.test(m));
    expect(aws(render("local", "compiled").modules)).toBe(false);
    const prod = render("prod", "compiled");
    expect(aws(prod.modules)).toBe(true);
    expect(readFileSync(join(prod.out, "aws", "resources.yaml"), "utf8")).toMatch(/aws:s3\/bucket:Bucket/);
  }, 300_000);
});
