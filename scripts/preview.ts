/**
 * `npm run preview -- up|down|list|reap [name]`: preview stacks for developers,
 * through Pulumi's Automation API (the same code the preview workflows run).
 */
import { execFileSync } from "node:child_process";
import { isPinnedImage } from "../stacks/config";
import { platformSettings } from "../stacks/schema";
import type * as Lifecycle from "../preview/lifecycle";
import { DEFAULT_TTL, formatDuration, parseDuration, previewStackName, ttlLeft } from "../preview/ttl";
import { formatTable, Progress, runCommand, UsageError, type CommandSpec } from "./lib/cli";

const APPS = Object.keys((platformSettings.shape.images as unknown as { shape: Record<string, unknown> }).shape);

export const PREVIEW_COMMAND: CommandSpec = {
  name: "npm run preview --",
  summary: "Preview stacks (pr-<number>, preview-<name>) in the dev cluster: create or update, destroy, list, and reap the ones idle past their TTL.",
  usage: [
    `up <name> ${APPS.map((a) => `--image ${a}=<ref>`).join(" ")} [--owner <who>] [--ttl <72h>] [--pr <number>] [--kube-context <ctx>]`,
    "down <name>",
    "list [--format table|json]",
    "reap [--dry-run] [--now <time>]",
  ],
  maxPositionals: 2,
  options: {
    image: { type: "string", multiple: true, valueName: "app=ref", description: `an image of the PR's build, per app (${APPS.join(", ")}); a tag other than latest, or a digest` },
    owner: { type: "string", valueName: "who", description: "who the preview belongs to (default: git user.email, or $USER)" },
    ttl: { type: "string", valueName: "duration", description: `idle time before reap destroys it: 90m, 72h, 3d (default ${DEFAULT_TTL})` },
    pr: { type: "string", valueName: "number", description: "the pull request it previews (default: the number in pr-<number>)" },
    "kube-context": { type: "string", valueName: "ctx", description: "Kubernetes context of the dev cluster (default: the kubeconfig's current one)" },
    "secrets-provider": { type: "string", valueName: "url", description: "secrets provider of new stacks (default: the backend's; passphrase needs PULUMI_CONFIG_PASSPHRASE)" },
    "no-policies": { type: "boolean", description: "up without the policy pack (it is enforced by default)" },
    "dry-run": { type: "boolean", description: "reap: list what would be destroyed, destroy nothing" },
    now: { type: "string", valueName: "time", description: "reap/list: the clock to judge TTLs by (ISO 8601; default: now)" },
    format: { type: "string", valueName: "table|json", description: "list: output format (default: table)" },
  },
  notes: [
    "The state backend is whatever `pulumi login` chose (or PULUMI_BACKEND_URL); stack tags carry the PR,",
    "the owner, the TTL and the last update, so this works with any backend. Needs the Pulumi CLI on PATH.",
  ],
  examples: [
    "npm run preview -- up pr-7 --image coreApi=ghcr.io/acme/core-api:pr-7-3f9c2d1 --image web=ghcr.io/acme/web:pr-7-3f9c2d1",
    "npm run preview -- list",
    "npm run preview -- reap --dry-run",
    "npm run preview -- down pr-7",
  ],
};

function defaultOwner(): string {
  try {
    const email = execFileSync("git", ["config", "user.email"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    if (email) return email;
  } catch {
    // no git identity
  }
  return process.env.GITHUB_ACTOR ?? process.env.USER ?? "unknown";
}

function parseImages(list: readonly string[]): Record<string, string> {
  const images: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--image ${item}: use app=ref, e.g. --image ${APPS[0]}=ghcr.io/acme/${APPS[0]}:pr-7-3f9c2d1`);
    const app = item.slice(0, eq);
    const ref = item.slice(eq + 1);
    if (!APPS.includes(app)) throw new UsageError(`--image ${item}: unknown app "${app}"; apps: ${APPS.join(", ")}`);
    if (!isPinnedImage(ref)) throw new UsageError(`--image ${item}: preview images come from the PR's build: a tag other than latest, or a digest`);
    images[app] = ref;
  }
  const missing = APPS.filter((a) => !(a in images));
  if (missing.length > 0) throw new UsageError(`up needs an image per app, missing: ${missing.map((a) => `--image ${a}=<ref>`).join(" ")}`);
  return images;
}

function clock(values: Record<string, unknown>): () => Date {
  if (values.now === undefined) return () => new Date();
  const t = new Date(String(values.now));
  if (Number.isNaN(t.getTime())) throw new UsageError(`--now ${String(values.now)}: not a time (use ISO 8601, e.g. 2026-11-20T14:30:00Z)`);
  return () => t;
}

async function main(positionals: string[], values: Record<string, unknown>): Promise<number> {
  const [verb, name] = positionals;
  if (!verb) throw new UsageError("a command is required: up, down, list or reap");
  if (!["up", "down", "list", "reap"].includes(verb)) throw new UsageError(`unknown command "${verb}": use up, down, list or reap`);
  if ((verb === "list" || verb === "reap") && name) throw new UsageError(`${verb} takes no stack name`);
  const only = (opts: string[], verbs: string) => {
    for (const o of opts) if (values[o] !== undefined) throw new UsageError(`--${o} only applies to ${verbs}`);
  };
  if (verb !== "up") only(["image", "owner", "ttl", "pr", "kube-context", "no-policies", "secrets-provider"], "up");
  if (verb !== "reap") only(["dry-run"], "reap");
  if (verb !== "list") only(["format"], "list");
  if (verb !== "reap" && verb !== "list") only(["now"], "list and reap");
  const now = clock(values);
  const progress = new Progress(process.stderr);
  const { previewDown, previewList, previewReap, previewUp, MissingPulumiCli } = require("../preview/lifecycle") as typeof Lifecycle;
  const opts = { onProgress: (l: string) => progress.step(l), now, secretsProvider: values["secrets-provider"] as string | undefined };
  try {
    if (verb === "up" || verb === "down") {
      if (!name) throw new UsageError(`${verb} needs a stack name: pr-<number> or preview-<name>`);
      let stack: string;
      try {
        stack = previewStackName(name);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (verb === "down") {
        await previewDown(stack, opts);
        progress.done(`destroyed and removed ${stack}`);
        return 0;
      }
      const ttl = (values.ttl as string | undefined) ?? DEFAULT_TTL;
      try {
        parseDuration(ttl);
      } catch (e) {
        throw new UsageError(`--ttl: ${(e as Error).message}`);
      }
      const pr = (values.pr as string | undefined) ?? /^pr-([0-9]+)$/.exec(stack)?.[1];
      const r = await previewUp(
        { stack, images: parseImages((values.image as string[] | undefined) ?? []), owner: (values.owner as string | undefined) ?? defaultOwner(), pr, ttl, kubeContext: values["kube-context"] as string | undefined, policies: values["no-policies"] !== true },
        opts,
      );
      progress.done(`${stack} is up in namespace ${r.namespace}`);
      process.stdout.write(`${formatTable(["app", "url"], Object.entries(r.urls).sort().map(([k, v]) => [k, v]))}\n`);
      return 0;
    }
    if (verb === "list") {
      const format = (values.format as string | undefined) ?? "table";
      if (format !== "table" && format !== "json") throw new UsageError(`--format must be table or json, got ${JSON.stringify(format)}`);
      progress.step("listing preview stacks");
      const list = await previewList(opts);
      progress.done();
      const t = now();
      if (format === "json") {
        process.stdout.write(`${JSON.stringify(list.map((p) => ({ ...p, lastUpdate: p.lastUpdate?.toISOString(), ttlLeftMs: ttlLeft(p, t) })), null, 2)}\n`);
        return 0;
      }
      const rows = list.map((p) => [
        p.name,
        p.pr ?? "",
        p.owner ?? "",
        p.lastUpdate ? formatDuration(t.getTime() - p.lastUpdate.getTime()) : "never",
        ttlLeft(p, t) > 0 ? formatDuration(ttlLeft(p, t)) : "expired",
        Object.values(p.urls).sort().join(" "),
      ]);
      process.stdout.write(list.length === 0 ? "no preview stacks\n" : `${formatTable(["stack", "pr", "owner", "age", "ttl left", "urls"], rows)}\n`);
      return 0;
    }
    const reaped = await previewReap({ ...opts, dryRun: values["dry-run"] === true });
    progress.done(values["dry-run"] ? `would reap ${reaped.length} preview stack(s)` : `reaped ${reaped.length} preview stack(s)`);
    for (const p of reaped) process.stdout.write(`${p.name}\n`);
    return 0;
  } catch (e) {
    if (e instanceof MissingPulumiCli) {
      progress.done();
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) runCommand(PREVIEW_COMMAND, (p) => main(p.positionals, p.values));
