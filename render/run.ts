/**
 * Runs the real Pulumi program (`index.ts`) for a stack under the recording
 * mocks, with the config from that stack's file, exactly as `pulumi up` would
 * evaluate it — minus the engine and the providers.
 */
import { join } from "node:path";
import { PROJECT } from "../stacks/config";
import { installMocks, resolve, settle, type ResourceRecorder } from "./mocks";
import { ROOT, readStackConfig, type StackFileConfig } from "./stack-file";

export { ROOT, readStackConfig, type StackFileConfig };

export interface RunResult {
  readonly stack: string;
  readonly recorder: ResourceRecorder;
  readonly outputs: Record<string, unknown>;
}

/**
 * Runs the program for `stack`. Throws `PlatformConfigError` for bad config;
 * in that case nothing was registered (the recorder passed to `onRecorder` stays empty).
 */
export async function runProgram(
  stack: string,
  opts: { stacksDir?: string; config?: StackFileConfig; onRecorder?: (r: ResourceRecorder) => void } = {},
): Promise<RunResult> {
  const cfg = opts.config ?? readStackConfig(stack, opts.stacksDir);
  const recorder = installMocks({ project: PROJECT, stack, config: cfg.values, secretKeys: cfg.secretKeys });
  opts.onRecorder?.(recorder);
  // The program beside this file: index.ts from source, build/index.js when compiled.
  const mod = (await import(join(__dirname, "..", __filename.endsWith(".ts") ? "index.ts" : "index.js"))) as { default: unknown };
  // The program's default export; a CommonJS loader may wrap it once more.
  const program = (typeof mod.default === "function" ? mod.default : (mod.default as { default: unknown }).default) as () => Promise<Record<string, unknown>>;
  const outputs = await program();
  await settle();
  const resolved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) resolved[k] = await resolve(v);
  await settle();
  return { stack, recorder, outputs: resolved };
}
