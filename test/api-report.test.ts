/**
 * The public API is what the reports in api/ say it is. API Extractor compares the compiled
 * declarations of each entry point (package.json "exports") with api/<entry>.api.md; a change
 * not recorded there fails here. The probes run the same check in a temporary copy with an
 * added export, a changed signature and an unexported type in a public signature, so the
 * check is shown to fail. Update the reports with `npm run api-report` and review the diff.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../render/stack-file";
import { apiReports, ENTRY_POINTS } from "../scripts/api-report";

/**
 * Undocumented members (fields and properties of exported interfaces and classes) the reports
 * still mark `(undocumented)`. Every exported symbol is documented; members are being
 * documented — this number may only go down (lower it when you document some).
 */
const UNDOCUMENTED_MEMBERS_AT_MOST = 0;

const entries = Object.values(ENTRY_POINTS);
let tmp: string;

beforeAll(() => {
  // The compiled declarations the reports describe (incremental: about a second when up to date).
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-b", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8" });
  expect(r.stdout + r.stderr).toBe("");
  tmp = mkdtempSync(join(tmpdir(), "api-report-test-"));
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of what API Extractor reads (declarations, configs, reports), to change without touching the repository. */
function copy(name: string): string {
  const dir = join(tmp, name);
  for (const f of ["package.json", "tsdoc.json"]) cpSync(join(ROOT, f), join(dir, f));
  cpSync(join(ROOT, "api"), join(dir, "api"), { recursive: true });
  cpSync(join(ROOT, "build"), join(dir, "build"), { recursive: true, filter: (src) => !/\.(js|map)$/.test(src) });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

describe("public API reports (API Extractor)", () => {
  it("match the compiled public API of every entry point", () => {
    const results = apiReports(ROOT, false);
    expect(results.map((r) => r.entry)).toEqual(entries);
    for (const r of results) {
      expect(r.errors, r.entry).toEqual([]);
      expect(r.changed, `api/${r.entry}.api.md differs from the compiled API: run npm run api-report`).toBe(false);
      expect(r.succeeded, r.entry).toBe(true);
    }
  }, 300_000);

  it("fail when an export is added without updating the report", () => {
    const dir = copy("added");
    appendFileSync(join(dir, "build", "public", "dashboards.d.ts"), "\n/** A probe. */\nexport declare const API_REPORT_PROBE: number;\n");
    const byEntry = Object.fromEntries(apiReports(dir, false).map((r) => [r.entry, r]));
    expect(byEntry.dashboards!.changed).toBe(true);
    expect(byEntry.dashboards!.succeeded).toBe(false);
    expect(byEntry.index!.changed).toBe(false);
    // Updating the report (what `npm run api-report` does) records the export, and the check passes again.
    apiReports(dir, true);
    expect(readFileSync(join(dir, "api", "dashboards.api.md"), "utf8")).toContain("API_REPORT_PROBE");
    expect(apiReports(dir, false).every((r) => r.succeeded && !r.changed)).toBe(true);
  }, 300_000);

  it("fail when a public signature changes deep inside the library", () => {
    const dir = copy("changed");
    const file = join(dir, "build", "components", "postgres", "args.d.ts");
    const text = readFileSync(file, "utf8");
    const changed = text.replace(/export declare function resolvePostgresClusterArgs\(name: string,/, "export declare function resolvePostgresClusterArgs(name: number,");
    expect(changed).not.toBe(text);
    writeFileSync(file, changed);
    const byEntry = Object.fromEntries(apiReports(dir, false).map((r) => [r.entry, r]));
    expect(byEntry.index!.changed).toBe(true);
    expect(byEntry.index!.succeeded).toBe(false);
  }, 300_000);

  it("fail when a public signature names a type no entry point exports", () => {
    const dir = copy("forgotten");
    appendFileSync(join(dir, "build", "public", "alerts.d.ts"), "\ninterface Hidden { readonly x: number }\n/** A probe. */\nexport declare function probe(): Hidden;\n");
    const alerts = apiReports(dir, false).find((r) => r.entry === "alerts")!;
    expect(alerts.succeeded).toBe(false);
    expect(alerts.errors.join("\n")).toMatch(/ae-forgotten-export: The symbol "Hidden"/);
  }, 300_000);

  it("document every exported symbol (TSDoc), and no more undocumented members than before", () => {
    let members = 0;
    for (const e of entries) {
      const report = readFileSync(join(ROOT, "api", `${e}.api.md`), "utf8");
      const undocumented = [...report.matchAll(/^\/\/ @public \(undocumented\)\n(.*)$/gm)].map((m) => m[1]!.slice(0, 80));
      expect(undocumented, `api/${e}.api.md: exported symbols without TSDoc`).toEqual([]);
      members += [...report.matchAll(/^ +\/\/ \(undocumented\)$/gm)].length;
    }
    expect(members, "undocumented members").toBeLessThanOrEqual(UNDOCUMENTED_MEMBERS_AT_MOST);
  });
});
