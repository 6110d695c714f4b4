/**
 * The shared test harness: runs components or the whole program for a stack
 * under the recording mocks, and awaits outputs properly.
 *
 *   const rec = mockRuntime();              // before constructing components
 *   new Workload("api", {...});
 *   await settle();                          // every registration done
 *   rec.kind("Deployment")[0].inputs.spec...
 */
import { installMocks, resolve, settle, type ResourceRecorder } from "../render/mocks";
import { readStackConfig, runProgram, type RunResult, type StackFileConfig } from "../render/run";
import { isKubernetesObject, redact } from "../render/write";
import { PROJECT } from "../stacks/config";

export { resolve, settle, readStackConfig };
export type { ResourceRecorder, RunResult, StackFileConfig };

/** Installs fresh recording mocks (stack "test" unless given) and returns the recorder. */
export function mockRuntime(stack = "test", config: Record<string, string> = {}, secretKeys: string[] = []): ResourceRecorder {
  return installMocks({ project: PROJECT, stack, config, secretKeys });
}

/** Runs the whole program for a stack (its file in stacks/, or the given config). */
export async function renderStack(stack: string, config?: StackFileConfig): Promise<RunResult> {
  return await runProgram(stack, { config });
}

/** Runs the program expecting a config error; returns the error and what got registered (should be nothing). */
export async function renderStackError(stack: string, config?: StackFileConfig): Promise<{ error: Error; registered: number }> {
  let recorder: ResourceRecorder | undefined;
  try {
    await runProgram(stack, { config, onRecorder: (r) => (recorder = r) });
  } catch (e) {
    await settle();
    return { error: e as Error, registered: recorder?.resources.length ?? -1 };
  }
  throw new Error(`stack ${stack} rendered without error`);
}

/** A stack file's config with some keys replaced (value undefined removes the key). */
export function withConfig(base: StackFileConfig, changes: Record<string, unknown>, secret: string[] = []): StackFileConfig {
  const values = { ...base.values };
  const secretKeys = [...base.secretKeys, ...secret];
  for (const [k, v] of Object.entries(changes)) {
    const key = k.includes(":") ? k : `${PROJECT}:${k}`;
    if (v === undefined) delete values[key];
    else values[key] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return { values, secretKeys: secretKeys.filter((k) => k in values) };
}

/** The Kubernetes objects of a run as the render writes them (secrets redacted), optionally of one kind. */
export function renderedObjects(run: RunResult, kind?: string): Record<string, any>[] {
  return run.recorder.resources
    .filter((r) => isKubernetesObject(r) && (kind === undefined || r.inputs.kind === kind))
    .map((r) => redact(r.inputs) as Record<string, any>);
}
