/**
 * Offline render: `npm run render -- --stack <name> [--out <dir>] [--stacks-dir <dir>] [--quiet]`.
 * Runs the real program under Pulumi's mocks with the stack's config and writes
 * `out/<stack>/`. Bad config, an unknown stack or a bad argument: one line on stderr, exit 2.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadStackConfig } from "../stacks/config";
import { ROOT, readStackConfig } from "../render/stack-file";
import type * as RunModule from "../render/run";
import type * as WriteModule from "../render/write";
import { Progress, runCommand, type CommandSpec } from "./lib/cli";

export const RENDER_COMMAND: CommandSpec = {
  name: "npm run render --",
  summary: "Render a stack offline: the real program under Pulumi's mocks, writing what `pulumi up` would send to out/<stack>/.",
  usage: ["--stack <name> [--out <dir>] [--stacks-dir <dir>] [--quiet]"],
  options: {
    stack: { type: "string", short: "s", valueName: "name", required: true, description: "stack to render: local, dev, staging, prod, pr-<number>, preview-<name>, or any stacks/Pulumi.<name>.yaml" },
    out: { type: "string", valueName: "dir", description: "output root (default: out/); the stack goes to <dir>/<stack>/" },
    "stacks-dir": { type: "string", valueName: "dir", description: "where the Pulumi.<stack>.yaml files are (default: stacks/)" },
    quiet: { type: "boolean", short: "q", description: "print nothing on success" },
  },
  examples: ["npm run render -- --stack prod", "npm run render -- --stack pr-42 --out /tmp/renders", "npm start                      # the local stack"],
};

async function main(values: Record<string, unknown>): Promise<number> {
  const stack = String(values.stack);
  const quiet = values.quiet === true;
  // Validate first, before the Pulumi SDKs load: bad config fails in a fraction of a second.
  const config = readStackConfig(stack, values["stacks-dir"] as string | undefined);
  loadStackConfig(stack, config);
  const progress = new Progress(process.stderr, quiet);
  progress.step(`rendering stack "${stack}": loading the Pulumi SDKs`);
  const { runProgram } = require("../render/run") as typeof RunModule;
  const { formatTable, renderFiles } = require("../render/write") as typeof WriteModule;
  progress.step(`rendering stack "${stack}": running the program under mocks`);
  const run = await runProgram(stack, { config });
  const { files, table } = renderFiles(run);
  const outDir = join((values.out as string | undefined) ?? join(ROOT, "out"), stack);
  progress.step(`rendering stack "${stack}": writing ${files.size} files`);
  rmSync(outDir, { recursive: true, force: true });
  for (const [rel, content] of files) {
    const p = join(outDir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  progress.done();
  if (!quiet) {
    process.stdout.write(`${formatTable(table)}\n\nrendered stack "${stack}": ${files.size} files in ${outDir}\n`);
  }
  return 0;
}

if (require.main === module) runCommand(RENDER_COMMAND, (p) => main(p.values));
