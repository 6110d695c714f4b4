/**
 * The package as a consumer gets it: `npm run pack` (scripts/pack.ts) stages and packs the
 * library; a fresh project in a temp dir, with its own package.json and Pulumi.yaml, installs
 * the tarball; the README's "Use it in your own program" example (a namespace, secrets, a
 * PostgreSQL cluster and a workload) type-checks there against the installed declarations and
 * renders under Pulumi's mocks, set up by the consumer itself.
 *
 * Offline: the tarball is the package; its dependencies and peers are linked from this
 * repository's node_modules (`file:` directories, --legacy-peer-deps so npm does not try to
 * resolve the peers itself), and the registry is pointed at a closed port, so an install that
 * needed the network fails here. The engine tier's real `pulumi preview` of this project waits
 * for issue 10's toolchain.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../render/stack-file";
import { packLibrary, type PackResult } from "../scripts/pack";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  exports: Record<string, unknown>;
};
let tmp: string;
let packed: PackResult;
let project: string;

function readmeExample(): string {
  const m = /## Use it in your own program[\s\S]*?```ts\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, "README.md"), "utf8"));
  if (!m) throw new Error("README has no TypeScript example under 'Use it in your own program'");
  return m[1]!;
}

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The consumer's own render: Pulumi's mocks, the compiled program, a JSON list of what registered. */
const RENDER_JS = `"use strict";
const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks({
  newResource(args) {
    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
    const state = { ...args.inputs };
    if (args.type === "random:index/randomPassword:RandomPassword") state.result = "x".repeat(Number(args.inputs.length || 16));
    if (args.type === "random:index/randomBytes:RandomBytes") { state.base64 = "eA=="; state.hex = "78"; }
    return { id: args.name + "-id", state };
  },
  call(args) { return args.inputs; },
}, "consumer", "prod", false);
require("./build/index.js");
const settings = require("@pulumi/pulumi/runtime/settings");
(async () => {
  for (let i = 0; i < 3; i++) { await settings.waitForRPCs(); await new Promise((r) => setImmediate(r)); }
  process.stdout.write(JSON.stringify(registered));
})().catch((e) => { console.error(e); process.exit(1); });
`;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "consumer-test-"));
  packed = packLibrary(ROOT, join(tmp, "dist"));
  project = join(tmp, "shop");
  mkdirSync(project);
  const link = (m: string) => `file:${join(ROOT, "node_modules", m)}`;
  const deps: Record<string, string> = { "@readiness/platform": `file:${packed.tarball}` };
  for (const m of [...Object.keys(pkg.dependencies), "@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random"]) deps[m] = link(m);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "shop", version: "1.0.0", private: true, main: "build/index.js", dependencies: deps, devDependencies: { "@types/node": link("@types/node"), typescript: link("typescript") } }, null, 2),
  );
  writeFileSync(join(project, "Pulumi.yaml"), "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: build/index.js\n");
  // A strict project of its own (no paths, no aliases: the package resolves through node_modules and its exports map).
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "nodenext", moduleResolution: "nodenext", outDir: "build", types: ["node"], skipLibCheck: true }, include: ["index.ts"] }),
  );
  writeFileSync(join(project, "index.ts"), readmeExample());
  writeFileSync(join(project, "render.js"), RENDER_JS);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the packed library", () => {
  it("contains the compiled public API and nothing from stacks/, test/, bench/ or the sources", () => {
    const tops = new Set(packed.files.map((f) => f.split("/").slice(0, f.startsWith("build/") ? 2 : 1).join("/")));
    expect([...tops].sort()).toEqual(["LICENSE", "README.md", "build/alerts", "build/components", "build/dashboards", "build/public", "package.json"]);
    for (const f of packed.files) {
      expect(f, f).not.toMatch(/\.test\.|\.cases\.|^(stacks|test|bench|render|scripts|policy)\//);
      // Compiled JavaScript and declarations; no source maps (they would point at sources the package does not ship).
      if (f.startsWith("build/")) expect(f, f).toMatch(/\.(js|d\.ts)$/);
    }
    for (const entry of ["index", "alerts", "dashboards", "validation"]) {
      expect(packed.files).toContain(`build/public/${entry}.js`);
      expect(packed.files).toContain(`build/public/${entry}.d.ts`);
    }
    const published = JSON.parse(readFileSync(join(packed.dir, "package.json"), "utf8")) as Record<string, unknown>;
    expect(published.name).toBe("@readiness/platform");
    expect(published.private).toBeUndefined();
    for (const k of ["scripts", "devDependencies", "optionalDependencies"]) expect(published[k], k).toBeUndefined();
    expect(published.exports).toEqual(pkg.exports);
  });

  it("installs into a fresh project without the network", () => {
    const r = sh("npm", ["install", "--offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund"], project, { npm_config_registry: "http://127.0.0.1:9/" });
    expect(r.out).not.toMatch(/ERR!|npm error/);
    expect(r.code).toBe(0);
    const installed = JSON.parse(readFileSync(join(project, "node_modules", "@readiness", "platform", "package.json"), "utf8")) as { version: string };
    expect(installed.version).toBe(pkg.version);
    // The linked peers are the versions the package asks for (npm skipped that check with --legacy-peer-deps).
    for (const [m, range] of Object.entries(pkg.peerDependencies)) {
      if (m === "@pulumi/aws") continue; // optional, and not installed: the program creates no AWS resources
      const v = (JSON.parse(readFileSync(join(project, "node_modules", m, "package.json"), "utf8")) as { version: string }).version;
      expect(range, m).toBe(`^${v}`);
    }
  }, 300_000);

  it("type-checks the README's program against the installed declarations", () => {
    const r = sh(process.execPath, [join(project, "node_modules", "typescript", "bin", "tsc"), "-p", "."], project);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  }, 300_000);

  it("fails to type-check a program that misuses the API", () => {
    const bad = join(project, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "index.ts"), `import { PostgresCluster } from "@readiness/platform";\nnew PostgresCluster("db", { namespace: "x", instance: "prod", storageSize: 20 });\n`);
    writeFileSync(join(bad, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", compilerOptions: { noEmit: true }, include: ["index.ts"] }));
    const r = sh(process.execPath, [join(project, "node_modules", "typescript", "bin", "tsc"), "-p", bad], project);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/index\.ts\(2,\d+\): error TS2\d+/);
  }, 300_000);

  it("renders the program under the consumer's own mocks", () => {
    const r = sh(process.execPath, ["render.js"], project);
    expect(r.code, r.out).toBe(0);
    const registered = JSON.parse(r.out) as { type: string; name: string; inputs: Record<string, any> }[];
    const kinds = (t: string) => registered.filter((x) => x.type === t);
    for (const t of [
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:Secret",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:apps/v1:Deployment",
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      "kubernetes:policy/v1:PodDisruptionBudget",
      "kubernetes:postgresql.cnpg.io/v1:Cluster",
      "kubernetes:postgresql.cnpg.io/v1:Pooler",
    ]) {
      expect(kinds(t).length, t).toBeGreaterThan(0);
    }
    expect(kinds("kubernetes:apps/v1:Deployment").map((d) => d.inputs.metadata.namespace)).toContain("shop-prod");
    expect(kinds("kubernetes:postgresql.cnpg.io/v1:Cluster")[0]!.inputs.spec.instances).toBe(3);
    // No AWS resource, and @pulumi/aws was never needed: it is not installed.
    expect(registered.filter((x) => x.type.startsWith("aws:"))).toEqual([]);
  }, 300_000);

  it("validates config through /validation without loading a Pulumi SDK", () => {
    const r = sh(
      process.execPath,
      ["-e", `const v = require("@readiness/platform/validation"); if (!v.isByteQuantity("1Gi") || v.isByteQuantity("1 GB")) process.exit(3); const sdk = Object.keys(require.cache).filter((m) => m.includes("@pulumi")); if (sdk.length) { console.error(sdk[0]); process.exit(4); }`],
      project,
    );
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  }, 300_000);

  it("resolves only the entry points in exports", () => {
    const probe = (spec: string) => sh(process.execPath, ["-e", `require(${JSON.stringify(spec)})`], project);
    for (const spec of ["@readiness/platform", "@readiness/platform/alerts", "@readiness/platform/dashboards", "@readiness/platform/validation"]) expect(probe(spec).code, spec).toBe(0);
    for (const spec of ["@readiness/platform/build/components/postgres/index.js", "@readiness/platform/components/postgres", "@readiness/platform/stacks/platform"]) {
      const r = probe(spec);
      expect(r.code, spec).not.toBe(0);
      expect(r.out, spec).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    }
  }, 300_000);
});
