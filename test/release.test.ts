/**
 * Releases with Changesets: `changeset version` turns the pending changesets into package.json's
 * version (semver bump) and a CHANGELOG.md entry. Run in a temporary git copy of package.json
 * and .changeset/ with one changeset of each kind of bump, so the repository is not touched.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../render/stack-file";

const CLI = join(ROOT, "node_modules", "@changesets", "cli", "bin.js");
const version = (dir: string) => (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;

function copyWith(changesets: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "changesets-"));
  cpSync(join(ROOT, "package.json"), join(dir, "package.json"));
  cpSync(join(ROOT, ".changeset", "config.json"), join(dir, ".changeset", "config.json"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  for (const [name, text] of Object.entries(changesets)) writeFileSync(join(dir, ".changeset", `${name}.md`), text);
  const git = (...a: string[]) => spawnSync("git", ["-c", "user.email=test@example.com", "-c", "user.name=test", ...a], { cwd: dir, encoding: "utf8" });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "base");
  return dir;
}
const changeset = (bump: string, text: string) => `---\n"@readiness/platform": ${bump}\n---\n\n${text}\n`;
function runVersion(dir: string) {
  return spawnSync(process.execPath, [CLI, "version"], { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" } });
}

describe("Changesets", () => {
  it("has a valid config and every pending changeset names the package", () => {
    const config = JSON.parse(readFileSync(join(ROOT, ".changeset", "config.json"), "utf8")) as Record<string, unknown>;
    expect(config).toMatchObject({ baseBranch: "main", access: "public", commit: false });
    for (const f of readdirSync(join(ROOT, ".changeset")).filter((x) => x.endsWith(".md") && x !== "README.md")) {
      expect(readFileSync(join(ROOT, ".changeset", f), "utf8"), f).toMatch(/^---\n"@readiness\/platform": (patch|minor|major)\n---\n\n\S/);
    }
  });

  it("turns a minor and a patch changeset into a minor bump and changelog entries", () => {
    const dir = copyWith({ "add-thing": changeset("minor", "Adds a thing."), "fix-other": changeset("patch", "Fixes the other thing.") });
    try {
      const before = version(dir).split(".").map(Number);
      const r = runVersion(dir);
      expect(r.status, r.stderr).toBe(0);
      expect(version(dir)).toBe(`${before[0]}.${before[1]! + 1}.0`);
      const log = readFileSync(join(dir, "CHANGELOG.md"), "utf8");
      expect(log).toMatch(new RegExp(`^# @readiness/platform\\n\\n## ${before[0]}\\.${before[1]! + 1}\\.0\\n`));
      expect(log).toMatch(/### Minor Changes\n\n- [0-9a-f]{7}: Adds a thing\./);
      expect(log).toMatch(/### Patch Changes\n\n- [0-9a-f]{7}: Fixes the other thing\./);
      // The changesets are consumed.
      expect(readdirSync(join(dir, ".changeset")).filter((x) => x.endsWith(".md"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("makes a major bump of a breaking changeset", () => {
    const dir = copyWith({ breaking: changeset("major", "Removes a thing.") });
    try {
      const major = Number(version(dir).split(".")[0]);
      const r = runVersion(dir);
      expect(r.status, r.stderr).toBe(0);
      expect(version(dir)).toBe(`${major + 1}.0.0`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
