/** Runs the example program under the recording mocks (the render and the tests share it). */
import { installMocks, resolve, settle } from "../../render/mocks";
import type { RunResult } from "../../render/run";
import main from "./index";

export async function renderRealtime(stack: string): Promise<RunResult> {
  const recorder = installMocks({ project: "realtime", stack, config: {}, secretKeys: [] });
  const outputs = await main();
  await settle();
  const resolved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) resolved[k] = await resolve(v);
  await settle();
  return { stack, recorder, outputs: resolved };
}
