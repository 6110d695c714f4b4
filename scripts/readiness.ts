/**
 * `npm run readiness -- --stack <name>`: the production-readiness scorecard of
 * a stack, computed from its offline render; Markdown on stdout and in
 * out/readiness/<stack>.md, an SVG badge beside it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadStackConfig } from "../stacks/config";
import { ROOT, readStackConfig } from "../render/stack-file";
import type * as RunModule from "../render/run";
import { fromRecorded } from "../policy/resources";
import type { DrillRecord } from "../readiness/scorecard";
import { Progress, runCommand, UsageError, type CommandSpec } from "./lib/cli";

export const READINESS_COMMAND: CommandSpec = {
  name: "npm run readiness --",
  summary: "Score a stack's production readiness from what it would create: availability, recovery, observability, security, and what is missing with the config key that fixes it.",
  usage: ["--stack <name> [--out <dir>] [--format markdown|json] [--drill <file>]... [--quiet]"],
  options: {
    stack: { type: "string", short: "s", valueName: "name", required: true, description: "stack to score (local, dev, staging, prod, pr-<number>, ...)" },
    out: { type: "string", valueName: "dir", description: "where <stack>.md and <stack>.svg go (default: out/readiness/)" },
    format: { type: "string", valueName: "markdown|json", description: "what to print on stdout (default: markdown)" },
    drill: { type: "string", multiple: true, valueName: "file", description: "a restore drill record (JSON: at, destinationPath); out/drills/*.json are read too" },
    quiet: { type: "boolean", short: "q", description: "write the files, print nothing" },
  },
  examples: ["npm run readiness -- --stack prod", "npm run readiness -- --stack staging --format json | jq .total", "npm run readiness -- --stack prod --drill drills/2026-11-20.json"],
  notes: ["Exit status: 0 when the report was written (whatever the score); 2 for a bad argument or stack config."],
};

function readDrills(files: readonly string[]): DrillRecord[] {
  const dir = join(ROOT, "out", "drills");
  const all = [...(existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => join(dir, f)) : []), ...files];
  return all.map((f) => {
    if (!existsSync(f)) throw new UsageError(`--drill ${f}: no such file`);
    try {
      const d = JSON.parse(readFileSync(f, "utf8")) as DrillRecord;
      if (typeof d.at !== "string" || typeof d.destinationPath !== "string") throw new Error("needs \"at\" and \"destinationPath\"");
      return d;
    } catch (e) {
      throw new UsageError(`drill record ${f} is not valid: ${(e as Error).message}`);
    }
  });
}

async function main(values: Record<string, unknown>): Promise<number> {
  const stack = String(values.stack);
  const format = (values.format as string | undefined) ?? "markdown";
  if (format !== "markdown" && format !== "json") throw new UsageError(`--format must be markdown or json, got ${JSON.stringify(format)}`);
  const raw = readStackConfig(stack);
  const cfg = loadStackConfig(stack, raw);
  const drills = readDrills((values.drill as string[] | undefined) ?? []);
  const progress = new Progress(process.stderr, values.quiet === true);
  progress.step(`scoring stack "${stack}": rendering it under Pulumi's mocks`);
  const { runProgram } = require("../render/run") as typeof RunModule;
  const { scorecard } = require("../readiness/scorecard") as typeof import("../readiness/scorecard");
  const { toBadge, toMarkdown, testedAlerts } = require("../readiness/report") as typeof import("../readiness/report");
  const run = await runProgram(stack, { config: raw });
  progress.step(`scoring stack "${stack}": checking ${run.recorder.resources.length} resources`);
  const policyCfg = JSON.parse(readFileSync(join(ROOT, "policy", "config", `${cfg.environment}.json`), "utf8")) as { "postgres-backups"?: { minRetentionDays?: number } };
  const card = scorecard({
    cfg,
    resources: fromRecorded(run.recorder.resources),
    testedAlerts: testedAlerts(join(ROOT, "alerts")),
    minRetentionDays: policyCfg["postgres-backups"]?.minRetentionDays ?? 30,
    drills,
  });
  const outDir = (values.out as string | undefined) ?? join(ROOT, "out", "readiness");
  mkdirSync(outDir, { recursive: true });
  const md = toMarkdown(card, { badgeFile: `${stack}.svg`, generatedBy: `npm run readiness -- --stack ${stack}` });
  writeFileSync(join(outDir, `${stack}.md`), md);
  writeFileSync(join(outDir, `${stack}.svg`), toBadge(card));
  writeFileSync(join(outDir, `${stack}.json`), `${JSON.stringify(card, null, 2)}\n`);
  progress.done(`readiness of "${stack}": ${card.total}% — ${outDir}/${stack}.{md,svg,json}`);
  if (values.quiet !== true) process.stdout.write(format === "json" ? `${JSON.stringify(card, null, 2)}\n` : md);
  return 0;
}

if (require.main === module) runCommand(READINESS_COMMAND, (p) => main(p.values));
