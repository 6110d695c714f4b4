/**
 * Offline render of the example, like the stacks': `npm run render:example -- --stack dev|prod`
 * runs examples/realtime/index.ts under the mocks and writes out/examples/realtime-<stack>/.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../../render/stack-file";
import { formatTable, renderFiles } from "../../render/write";
import { renderRealtime } from "./program";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { stack: { type: "string", default: "dev" } }, strict: true });
  const stack = values.stack!;
  const run = await renderRealtime(stack);
  const { files, table } = renderFiles(run);
  const out = join(ROOT, "out", "examples", `realtime-${stack}`);
  rmSync(out, { recursive: true, force: true });
  for (const [rel, content] of files) {
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    writeFileSync(join(out, rel), content);
  }
  process.stdout.write(`${formatTable(table)}\n\nrendered example "realtime" (${stack}): ${files.size} files in ${out}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`render failed: ${String((e as Error)?.stack ?? e)}\n`);
    process.exit(1);
  },
);
