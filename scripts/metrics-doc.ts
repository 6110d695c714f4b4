/**
 * Writes docs/metrics.md: every metric an alert rule or dashboard reads, with the
 * exporter that produces it, from alerts/metrics-catalog.ts (the single source;
 * a test fails when the doc is stale).  `node --import tsx scripts/metrics-doc.ts`
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { METRICS } from "../alerts/metrics-catalog";

export function metricsDoc(): string {
  const byExporter = new Map<string, [string, string][]>();
  for (const [name, m] of Object.entries(METRICS)) {
    const list = byExporter.get(m.exporter) ?? [];
    list.push([name, m.description]);
    byExporter.set(m.exporter, list);
  }
  const out = [
    "# Metrics the platform reads",
    "",
    "Every metric used by an alert rule (`alerts/`) or a dashboard (`dashboards/`), grouped by the exporter that produces it.",
    "Generated from `alerts/metrics-catalog.ts` by `node --import tsx scripts/metrics-doc.ts`; tests fail when a rule or",
    "dashboard reads a metric missing from the catalogue, or when this file is stale.",
    "",
  ];
  for (const exporter of [...byExporter.keys()].sort()) {
    out.push(`## ${exporter}`, "", "| metric | what it is |", "| --- | --- |");
    for (const [name, description] of byExporter.get(exporter)!.sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`| \`${name}\` | ${description.replace(/\|/g, "\\|")} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

if (require.main === module) {
  writeFileSync(join(__dirname, "..", "docs", "metrics.md"), metricsDoc());
}
