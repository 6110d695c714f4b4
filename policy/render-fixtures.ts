/**
 * Renders of every stack in the shape policies read, for the policy and
 * readiness tests. Preview stacks get the images the preview workflow passes
 * (the PR's build, never `:latest`).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { renderStack, withConfig, readStackConfig, type RunResult } from "../test/harness";
import { ROOT } from "../render/stack-file";
import { fromRecorded, type StackResource } from "./resources";

/** Every committed stack file's stack, plus one preview stack. */
export function stackNames(): string[] {
  // Preview stacks' files are the Automation API's (gitignored): not committed stacks.
  const files = readdirSync(join(ROOT, "stacks")).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f) && !/^Pulumi\.(pr|preview)-/.test(f));
  return [...files.map((f) => f.slice("Pulumi.".length, -".yaml".length)).sort(), "pr-42"];
}

/** Images a preview stack gets from its PR's build. */
export function previewImages(stack: string): Record<string, string> {
  return { coreApi: `ghcr.io/example/core-api:${stack}-0123abc`, web: `ghcr.io/example/web:${stack}-0123abc` };
}

export interface StackRender {
  readonly stack: string;
  readonly environment: string;
  readonly run: RunResult;
  readonly resources: StackResource[];
}

export async function renderForPolicies(stack: string, changes: Record<string, unknown> = {}): Promise<StackRender> {
  const base = readStackConfig(stack);
  const preview = /^(pr|preview)-/.test(stack);
  const cfg = withConfig(base, { ...(preview ? { images: previewImages(stack) } : {}), ...changes });
  const run = await renderStack(stack, cfg);
  const environment = preview ? "preview" : String(JSON.parse(JSON.stringify(cfg.values["platform:environment"] ?? "local")));
  return { stack, environment, run, resources: fromRecorded(run.recorder.resources) };
}
