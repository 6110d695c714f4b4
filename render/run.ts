/**
 * Runs the real Pulumi program (`index.ts`) for a stack under the recording
 * mocks, with the config from that stack's file, exactly as `pulumi up` would
 * evaluate it — minus the engine and the providers.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import * as yaml from "js-yaml";
import { PlatformConfigError } from "../components/lib/errors";
import { PREVIEW_STACK } from "../stacks/environments";
import { PROJECT } from "../stacks/config";
import { installMocks, resolve, settle, type ResourceRecorder } from "./mocks";

export const ROOT = resolvePath(__dirname, "..");

export interface StackFileConfig {
  /** `project:key` → value as Pulumi passes it to the program (objects JSON-encoded). */
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
}

/**
 * Reads `Pulumi.<stack>.yaml` from `stacksDir`. Preview stack names need no
 * file; any other stack without one is unknown. `secure:` values (ciphertext
 * only the Pulumi CLI can decrypt) become opaque placeholders marked secret.
 */
export function readStackConfig(stack: string, stacksDir = join(ROOT, "stacks")): StackFileConfig {
  const file = join(stacksDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    if (PREVIEW_STACK.test(stack)) return { values: {}, secretKeys: [] };
    throw new PlatformConfigError(
      `stack "${stack}": unknown stack: no ${join("stacks", `Pulumi.${stack}.yaml`)}; use local, dev, staging, prod, pr-<number> or preview-<name>, or add a stack file`,
    );
  }
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(file, "utf8"));
  } catch (e) {
    throw new PlatformConfigError(`stack "${stack}": ${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const config = ((doc ?? {}) as { config?: Record<string, unknown> }).config ?? {};
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    const key = k.includes(":") ? k : `${PROJECT}:${k}`;
    if (typeof v === "object" && v !== null && "secure" in v) {
      values[key] = `<secure ${key}>`;
      secretKeys.push(key);
    } else {
      values[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
  }
  return { values, secretKeys };
}

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
  const mod = (await import(join(ROOT, "index.ts"))) as { default: unknown };
  // The program's default export; a CommonJS loader may wrap it once more.
  const program = (typeof mod.default === "function" ? mod.default : (mod.default as { default: unknown }).default) as () => Promise<Record<string, unknown>>;
  const outputs = await program();
  await settle();
  const resolved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) resolved[k] = await resolve(v);
  await settle();
  return { stack, recorder, outputs: resolved };
}
