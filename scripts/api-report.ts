/**
 * The public API reports (API Extractor): one per package entry point, kept in api/<entry>.api.md.
 *
 *   npm run api-report            rebuild, then rewrite the reports after an intended API change
 *   npm run api-report -- --check fail (exit 1) when the compiled API differs from the reports
 *
 * Undocumented items are marked `(undocumented)` in the reports (no source line numbers, so a
 * report changes only with the API); a symbol a public type refers to but no entry point exports
 * (ae-forgotten-export) is an error.
 * test/api-report.test.ts runs the check, and shows it fails on an unreported change.
 */
import { Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from "@microsoft/api-extractor";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The package's entry points: `exports` key → the declaration file under build/public. */
export const ENTRY_POINTS = { ".": "index", "./alerts": "alerts", "./dashboards": "dashboards", "./validation": "validation" } as const;

export interface ApiReportResult {
  readonly entry: string;
  readonly succeeded: boolean;
  /** The compiled API differs from api/<entry>.api.md (check mode), or the report was rewritten. */
  readonly changed: boolean;
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Runs API Extractor for every entry point. `root` holds package.json, tsdoc.json, build/
 * (compiled, with .d.ts) and api/. `update` rewrites the reports instead of
 * failing on a difference.
 */
export function apiReports(root: string, update: boolean): ApiReportResult[] {
  const temp = mkdtempSync(join(tmpdir(), "api-report-"));
  try {
    return Object.values(ENTRY_POINTS).map((entry) => {
      const configObject: IConfigFile = {
        projectFolder: root,
        newlineKind: "lf",
        mainEntryPointFilePath: join(root, "build", "public", `${entry}.d.ts`),
        // The compiled declarations only (no sources needed): the options they were compiled with.
        compiler: {
          overrideTsconfig: {
            compilerOptions: { strict: true, target: "ES2022", module: "nodenext", moduleResolution: "nodenext", lib: ["ES2023"], types: ["node"], esModuleInterop: true, skipLibCheck: true },
            files: [join(root, "build", "public", `${entry}.d.ts`)],
          },
        },
        apiReport: { enabled: true, reportFolder: join(root, "api"), reportTempFolder: temp, reportFileName: `${entry}.api.md` },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
          extractorMessageReporting: {
            default: { logLevel: ExtractorLogLevel.Warning },
            "ae-forgotten-export": { logLevel: ExtractorLogLevel.Error, addToApiReportFile: false },
            "ae-undocumented": { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
            // One release level (public) for the whole package: no @beta/@alpha tags.
            "ae-missing-release-tag": { logLevel: ExtractorLogLevel.None },
          },
          tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        },
      };
      const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: undefined, packageJsonFullPath: join(root, "package.json") });
      const errors: string[] = [];
      const warnings: string[] = [];
      const result = Extractor.invoke(config, {
        localBuild: update,
        messageCallback: (m) => {
          m.handled = true;
          if (m.logLevel === ExtractorLogLevel.Error) errors.push(`${m.messageId}: ${m.text}`);
          else if (m.logLevel === ExtractorLogLevel.Warning) warnings.push(`${m.messageId}: ${m.text}`);
        },
      });
      // A changed report fails the check; updating it (what `npm run api-report` does) is the fix.
      const succeeded = result.errorCount === 0 && errors.length === 0 && (update || !result.apiReportChanged);
      return { entry, succeeded, changed: result.apiReportChanged, errors, warnings };
    });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const root = resolve(__dirname, "..");
  const check = process.argv.includes("--check");
  let ok = true;
  for (const r of apiReports(root, !check)) {
    for (const e of r.errors) console.error(`api/${r.entry}.api.md: ${e}`);
    if (!r.succeeded) ok = false;
    const what = check ? (r.changed ? "DIFFERS from the compiled API: run `npm run api-report`, review and commit the report" : "matches the compiled API") : r.changed ? "updated" : "unchanged";
    console.log(`api/${r.entry}.api.md: ${what}${r.warnings.length ? ` (${r.warnings.length} warnings)` : ""}`);
  }
  process.exit(ok ? 0 : 1);
}
