/**
 * Reads a stack's config file the way the Pulumi CLI hands it to the program.
 * Light on purpose (no Pulumi SDK): the render validates config with it before
 * loading the SDKs, so bad config fails in well under a second or two.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import * as yaml from "js-yaml";
import { PlatformConfigError } from "../components/lib/errors";
import { PREVIEW_STACK } from "../stacks/environments";
import { PROJECT } from "../stacks/config";

/**
 * The repository: the directory holding Pulumi.yaml above this file. From source that is `..`;
 * compiled, this file is `build/render/stack-file.js` and the repository is `../..`.
 */
export const ROOT = ((): string => {
  for (let dir = resolvePath(__dirname, ".."), up = 0; up < 3; dir = resolvePath(dir, ".."), up++) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
  }
  return resolvePath(__dirname, "..");
})();

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

