/**
 * What the real Redis tests boot: the files of the Redis component as a stack
 * renders them. `renderedRedis` runs the whole program for a stack (stack-config
 * changes allowed: they are the user's knobs, e.g. a shorter down-after) and
 * returns the ConfigMap and Secret it rendered, unredacted, with the generated
 * passwords. `podFiles` renders the same args again through the same function
 * (`redisFiles`) with only what a test machine must change — the ports (picked
 * free at run time) and the directories the pod's volumes stand for — and
 * checks that the result is the rendered file with exactly those substitutions.
 */
import { mapSecrets } from "../../render/mocks";
import { isKubernetesObject } from "../../render/write";
import { loadStackConfig, type StackConfig } from "../../stacks/config";
import { redisArgs } from "../../stacks/compose/redis";
import { POD_PATHS, redisFiles, type RedisFiles, type RedisPasswords, type RedisPaths } from "../../components/redis/files";
import { resolveRedisArgs, type RedisArgs, type ResolvedRedisArgs } from "../../components/redis/args";
import { readStackConfig, renderStack, withConfig } from "../harness";

export interface RenderedRedis {
  readonly cfg: StackConfig;
  readonly passwords: RedisPasswords;
  readonly usernames: { readonly app: string; readonly admin: string };
  /** ConfigMap `redis-config` data, as rendered. */
  readonly config: Record<string, string>;
  /** Secret `redis-config` stringData, as rendered (unredacted). */
  readonly secret: Record<string, string>;
  /** The StatefulSets, as rendered (unredacted). */
  readonly statefulSets: Record<string, any>[];
  readonly resolved: ResolvedRedisArgs;
}

function raw(objects: Record<string, any>[], kind: string, name: string): Record<string, any> {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`render has no ${kind} ${name}`);
  return o;
}

export async function renderedRedis(stack: string, changes: Record<string, unknown> = {}): Promise<RenderedRedis> {
  const config = withConfig(readStackConfig(stack), changes);
  const run = await renderStack(stack, config);
  const objects = run.recorder.resources.filter(isKubernetesObject).map((r) => mapSecrets(r.inputs, (v) => v) as Record<string, any>);
  const app = raw(objects, "Secret", "redis").stringData;
  const admin = raw(objects, "Secret", "redis-admin").stringData;
  const passwords = { app: app.password as string, admin: admin.password as string };
  const cfg = loadStackConfig(stack, config);
  return {
    cfg,
    passwords,
    usernames: { app: app.username, admin: admin.username },
    config: raw(objects, "ConfigMap", "redis-config").data,
    secret: raw(objects, "Secret", "redis-config").stringData,
    statefulSets: objects.filter((o) => o.kind === "StatefulSet" && String(o.metadata.name).startsWith("redis")),
    resolved: resolveRedisArgs("redis", redisArgs(cfg, passwords)),
  };
}

/** What a test machine changes: ports free here, directories standing for the pod's volumes. */
export interface HostOverrides {
  readonly port: number;
  readonly sentinelPort?: number;
  readonly paths: RedisPaths;
}

/**
 * The files for one simulated pod: the same stack args through the same
 * renderer, with only the ports and paths of `host`. Asserts that they are the
 * rendered files with exactly those substitutions.
 */
export function podFiles(r: RenderedRedis, host: HostOverrides): RedisFiles {
  return podFilesFor(redisArgs(r.cfg, r.passwords), { config: r.config, secret: r.secret }, r.passwords, host);
}

/** `podFiles` for any program: the args it gave the Redis component, and what it rendered. */
export function podFilesFor(stackArgs: RedisArgs, rendered: RedisFiles, passwords: RedisPasswords, host: HostOverrides): RedisFiles {
  const original = resolveRedisArgs("redis", stackArgs);
  const args: RedisArgs = { ...stackArgs, port: host.port, ...(host.sentinelPort ? { sentinelPort: host.sentinelPort } : {}) };
  const files = redisFiles(resolveRedisArgs("redis", args), passwords, host.paths);
  const substitute = (text: string) => {
    let t = text;
    for (const k of Object.keys(POD_PATHS) as (keyof RedisPaths)[]) t = t.split(POD_PATHS[k]).join(host.paths[k]);
    t = t.replace(new RegExp(`\\b${original.port}\\b`, "g"), String(host.port));
    if (host.sentinelPort) t = t.replace(new RegExp(`\\b${original.sentinelPort}\\b`, "g"), String(host.sentinelPort));
    return t;
  };
  // Plain checks (no vitest here: the bench runs this too).
  const same = (what: string, want: Readonly<Record<string, string>>, booted: Readonly<Record<string, string>>) => {
    if (Object.keys(booted).sort().join() !== Object.keys(want).sort().join()) throw new Error(`${what}: booted files ${Object.keys(booted)} differ from rendered ${Object.keys(want)}`);
    for (const [name, text] of Object.entries(want)) {
      const expected = substitute(text);
      if (booted[name] !== expected) {
        const lines = expected.split("\n");
        const got = (booted[name] ?? "").split("\n");
        const i = lines.findIndex((l, k) => l !== got[k]);
        throw new Error(`${what} ${name}: booted file is not the rendered one with this host's ports and paths; first difference at line ${i + 1}: rendered ${JSON.stringify(lines[i])}, booted ${JSON.stringify(got[i])}`);
      }
    }
  };
  same("ConfigMap", rendered.config, files.config);
  same("Secret", rendered.secret, files.secret);
  return files;
}
