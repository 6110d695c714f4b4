/**
 * Which stack config key changes a thing the scorecard found missing. Derived
 * from the stack's own settings: a workload's settings live under a key named
 * after it (`core-api` → `workloads.coreApi`), or under the key of its kind
 * (KIND_KEYS); the leaf is whichever of the candidate fields exists there.
 * A test checks that every key a scorecard names is one the schema accepts.
 */
import { PROJECT } from "../stacks/config";
import type { PlatformSettings } from "../stacks/schema";
import type { Workload } from "../policy/workloads";

/** Settings subtree of workloads whose name says nothing about it, by API group/kind. Append for new kinds. */
export const KIND_KEYS: Readonly<Record<string, string>> = {
  "postgresql.cnpg.io/Cluster": "postgres",
  "postgresql.cnpg.io/Pooler": "postgres.pooler",
};

export function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Where a workload's settings live in the stack's settings, if anywhere. */
export function settingsPathOf(w: Workload, settings: PlatformSettings): string | undefined {
  const group = w.object.apiVersion.includes("/") ? w.object.apiVersion.split("/")[0] : "";
  const names = [w.name, w.object.labels["app.kubernetes.io/name"], w.object.labels["app.kubernetes.io/component"]].filter((x): x is string => !!x).map(camel);
  const candidates = [KIND_KEYS[`${group}/${w.kind}`], ...names.flatMap((n) => [`workloads.${n}`, n])].filter((x): x is string => !!x);
  return candidates.find((p) => isObject(at(settings, p)));
}

/** `platform:<path>.<leaf>` for the first leaf that exists under the workload's settings. */
export function workloadKey(w: Workload, settings: PlatformSettings, leaves: readonly string[]): string | undefined {
  const base = settingsPathOf(w, settings);
  if (!base) return undefined;
  const leaf = leaves.find((l) => at(settings, `${base}.${l}`) !== undefined);
  return leaf ? `${PROJECT}:${base}.${leaf}` : undefined;
}

/** `platform:images.<app>` when the workload's image comes from stack config. */
export function imageKey(w: Workload, settings: PlatformSettings): string | undefined {
  const n = camel(w.name);
  return isObject(settings.images) && n in settings.images ? `${PROJECT}:images.${n}` : undefined;
}

export const key = (path: string): string => `${PROJECT}:${path}`;
