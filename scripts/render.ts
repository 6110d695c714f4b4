/**
 * Offline render: `npm run render -- --stack <name> [--out <dir>] [--stacks-dir <dir>]`.
 * Runs the real program under Pulumi's mocks with the stack's config and writes
 * `out/<stack>/`. Bad config or an unknown stack: one line on stderr, exit 2.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { loadStackConfig } from "../stacks/config";
import { ROOT, readStackConfig } from "../render/stack-file";
import type * as RunModule from "../render/run";
import type * as WriteModule from "../render/write";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, out: { type: "string" }, "stacks-dir": { type: "string" }, quiet: { type: "boolean" } },
    strict: true,
  });
  const stack = values.stack;
  if (!stack) {
    process.stderr.write("error: --stack <name> is required (local, dev, staging, prod, pr-<number>, preview-<name>)\n");
    return 2;
  }
  // Validate first, before the Pulumi SDKs load: bad config fails in a fraction of a second.
  const config = readStackConfig(stack, values["stacks-dir"]);
  loadStackConfig(stack, config);
  const { runProgram } = require("../render/run") as typeof RunModule;
  const { formatTable, renderFiles } = require("../render/write") as typeof WriteModule;
  const run = await runProgram(stack, { config });
  const { files, table } = renderFiles(run);
  const outDir = join(values.out ?? join(ROOT, "out"), stack);
  rmSync(outDir, { recursive: true, force: true });
  for (const [rel, content] of files) {
    const p = join(outDir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  if (!values.quiet) {
    process.stdout.write(`${formatTable(table)}\n\nrendered stack "${stack}": ${files.size} files in ${outDir}\n`);
  }
  return 0;
}

function isConfigError(e: unknown): e is Error {
  return e instanceof Error && (e.name === "PlatformConfigError" || e.constructor.name === "PlatformConfigError");
}

process.on("unhandledRejection", (e) => {
  process.stderr.write(isConfigError(e) ? `error: ${e.message}\n` : `render failed: ${String((e as Error)?.stack ?? e)}\n`);
  process.exit(isConfigError(e) ? 2 : 1);
});

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (isConfigError(e)) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(2);
    }
    if (e instanceof Error && e.message.startsWith("Unknown option")) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`render failed: ${String((e as Error)?.stack ?? e)}\n`);
    process.exit(1);
  },
);
