/**
 * The platform program: resolve the stack's environment, build the platform,
 * export its outputs. Everything else lives in `stacks/` and `components/`.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, readRawConfig } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";

export default async function main(): Promise<Record<string, unknown>> {
  const cfg = loadStackConfig(pulumi.getStack(), readRawConfig());
  const platform = buildPlatform(cfg);
  return {
    namespace: platform.namespace,
    urls: platform.urls,
    connectionSecrets: platform.connectionSecrets,
    topology: platform.topology,
  };
}
