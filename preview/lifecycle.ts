/**
 * Preview stacks through Pulumi's Automation API: `up` creates or updates
 * `pr-<n>` with the preview profile and the PR's images, `down` destroys it
 * and removes the stack, `list` shows every preview stack with its age, TTL
 * left and URLs, `reap` destroys those idle past their TTL. The same code runs
 * on a developer's machine (`npm run preview`) and in the preview workflows.
 *
 * Any backend and secrets provider: whatever `pulumi login` / PULUMI_BACKEND_URL
 * and `--secrets-provider` (or PULUMI_CONFIG_PASSPHRASE) say.
 */
import { join } from "node:path";
import type * as automation from "@pulumi/pulumi/automation";
import { ROOT } from "../render/stack-file";
import { loadStackConfig, PROJECT } from "../stacks/config";
import { expired, isPreviewStack, previewInfo, TAGS, type PreviewInfo } from "./ttl";

export interface PreviewOptions {
  /** Backend URL (`file://...`, `s3://...`); default: the CLI's login. */
  readonly backendUrl?: string;
  /** `passphrase`, `awskms://...`, ...; default: the backend's default. */
  readonly secretsProvider?: string;
  /** Environment for the Pulumi CLI (PULUMI_HOME, PULUMI_CONFIG_PASSPHRASE, KUBECONFIG, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** A `pulumi` binary to use instead of the one on PATH. */
  readonly pulumiBinary?: string;
  /** Progress: one call per engine step or message. */
  readonly onProgress?: (line: string) => void;
  /** Clock for tags and TTLs. @default - now */
  readonly now?: () => Date;
}

export interface UpArgs {
  readonly stack: string;
  /** Images of the PR's build, by app (`coreApi`, `web`): never `:latest`. */
  readonly images: Readonly<Record<string, string>>;
  readonly owner: string;
  readonly pr?: string;
  readonly ttl: string;
  /** Kubernetes context of the dev cluster; default: the kubeconfig's current context. */
  readonly kubeContext?: string;
  /** Enforce the policy pack (preview config: isolation and pinned images mandatory). @default true */
  readonly policies?: boolean;
}

export interface UpResult {
  readonly stack: string;
  readonly urls: Record<string, string>;
  readonly namespace: string;
  readonly changes: Record<string, number>;
}

type Auto = typeof automation;

function auto(): Auto {
  return require("@pulumi/pulumi/automation") as Auto;
}

/** The CLI's absence as one actionable line, instead of the Automation API's stack trace. */
export class MissingPulumiCli extends Error {
  override readonly name = "MissingPulumiCli";
}

async function workspace(o: PreviewOptions): Promise<automation.LocalWorkspace> {
  const a = auto();
  let pulumiCommand: automation.PulumiCommand | undefined;
  try {
    pulumiCommand = o.pulumiBinary
      ? await a.PulumiCommand.get({ root: join(o.pulumiBinary, "..", ".."), skipVersionCheck: true })
      : await a.PulumiCommand.get({ skipVersionCheck: true });
  } catch (e) {
    const first = (e as Error).message.split("\n")[0]!;
    const why = /code: -2|ENOENT/.test(first) ? `${o.pulumiBinary ?? "pulumi"} is not on PATH` : first;
    throw new MissingPulumiCli(`the Pulumi CLI is needed for preview stacks and ${why}: install it, or put the engine toolchain's bin directory on PATH`);
  }
  const envVars: Record<string, string> = { PULUMI_SKIP_UPDATE_CHECK: "true", ...(o.env ?? {}) };
  if (o.backendUrl) envVars.PULUMI_BACKEND_URL = o.backendUrl;
  return await a.LocalWorkspace.create({ workDir: ROOT, pulumiCommand, envVars, secretsProvider: o.secretsProvider });
}

function progressOf(o: PreviewOptions): (e: automation.EngineEvent) => void {
  let steps = 0;
  return (e) => {
    if (e.resourcePreEvent) {
      const m = e.resourcePreEvent.metadata;
      if (m.op === "same" || m.type.startsWith("pulumi:")) return;
      steps++;
      o.onProgress?.(`${m.op} ${m.type.split(":").pop()} ${m.urn.split("::").pop()} (${steps} changes so far)`);
    } else if (e.diagnosticEvent && (e.diagnosticEvent.severity === "error" || e.diagnosticEvent.severity === "warning")) {
      o.onProgress?.(`${e.diagnosticEvent.severity}: ${e.diagnosticEvent.message.trim().split("\n")[0]}`);
    } else if (e.policyEvent) {
      o.onProgress?.(`policy ${e.policyEvent.policyName} (${e.policyEvent.enforcementLevel}): ${e.policyEvent.message.trim().split("\n")[0]}`);
    }
  };
}

/** Creates or updates a preview stack; returns its URLs. */
export async function previewUp(args: UpArgs, o: PreviewOptions = {}): Promise<UpResult> {
  if (!isPreviewStack(args.stack)) throw new Error(`refusing to touch "${args.stack}": not a preview stack name`);
  const now = o.now ?? (() => new Date());
  const config: Record<string, automation.ConfigValue> = { [`${PROJECT}:images`]: { value: JSON.stringify(args.images) } };
  if (args.kubeContext) config[`${PROJECT}:kubernetes`] = { value: JSON.stringify({ context: args.kubeContext }) };
  // Validate before touching the backend: a bad image or config stops here, with nothing created.
  loadStackConfig(args.stack, { values: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value])), secretKeys: [] });
  const ws = await workspace(o);
  o.onProgress?.(`selecting stack ${args.stack}`);
  const stack = await auto().Stack.createOrSelect(args.stack, ws);
  await stack.setAllConfig(config);
  await ws.setTag(args.stack, TAGS.preview, "true");
  await ws.setTag(args.stack, TAGS.owner, args.owner.slice(0, 256));
  await ws.setTag(args.stack, TAGS.ttl, args.ttl);
  if (args.pr) await ws.setTag(args.stack, TAGS.pr, args.pr);
  const policies = args.policies ?? true;
  const result = await stack.up({
    onEvent: progressOf(o),
    color: "never",
    ...(policies ? { policyPacks: [join(ROOT, "policy")], policyPackConfigs: [join(ROOT, "policy", "config", "preview.json")] } : {}),
  });
  await ws.setTag(args.stack, TAGS.lastUpdate, now().toISOString());
  const outputs = result.outputs;
  return {
    stack: args.stack,
    urls: (outputs.urls?.value ?? {}) as Record<string, string>,
    namespace: String(outputs.namespace?.value ?? ""),
    changes: (result.summary.resourceChanges ?? {}) as Record<string, number>,
  };
}

/** Destroys a preview stack and removes it (and its config file) from the backend. */
export async function previewDown(stackName: string, o: PreviewOptions = {}): Promise<void> {
  if (!isPreviewStack(stackName)) throw new Error(`refusing to touch "${stackName}": not a preview stack name`);
  const ws = await workspace(o);
  const stacks = await ws.listStacks();
  if (!stacks.some((s) => s.name === stackName)) throw new Error(`no preview stack "${stackName}" in this backend`);
  const stack = await auto().Stack.select(stackName, ws);
  o.onProgress?.(`destroying ${stackName}`);
  await stack.destroy({ onEvent: progressOf(o), color: "never" });
  await ws.removeStack(stackName);
  o.onProgress?.(`removed ${stackName}`);
}

/** Every preview stack of the backend (tagged by `up`), with its bookkeeping and URLs. */
export async function previewList(o: PreviewOptions = {}): Promise<PreviewInfo[]> {
  const ws = await workspace(o);
  const out: PreviewInfo[] = [];
  for (const s of await ws.listStacks()) {
    if (!isPreviewStack(s.name)) continue;
    const tags = (await ws.listTags(s.name)) as Record<string, string>;
    if (tags[TAGS.preview] !== "true") continue;
    let urls: Record<string, string> = {};
    try {
      const outputs = await ws.stackOutputs(s.name);
      urls = (outputs.urls?.value ?? {}) as Record<string, string>;
    } catch {
      // A stack whose first update failed has no outputs.
    }
    out.push(previewInfo(s.name, tags, s.lastUpdate, urls));
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Destroys and removes the preview stacks idle past their TTL; returns what it reaped (or would, with dryRun). */
export async function previewReap(o: PreviewOptions & { dryRun?: boolean } = {}): Promise<PreviewInfo[]> {
  const now = (o.now ?? (() => new Date()))();
  const victims = expired(await previewList(o), now);
  if (!o.dryRun) for (const v of victims) await previewDown(v.name, o);
  return victims;
}
