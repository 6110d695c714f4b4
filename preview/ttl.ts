/**
 * Preview stacks' bookkeeping, kept in stack tags so it works on any backend
 * (Pulumi Cloud, or a self-managed S3/GCS/Azure/file backend, which stores
 * tags since Pulumi v3.21x): which PR a stack previews, who owns it, when it
 * was last updated and how long it may stay idle. Pure: the clock is passed in.
 */
import { PREVIEW_STACK } from "../stacks/environments";

/** Stack tag names (Pulumi allows `[a-zA-Z0-9-_.:]{1,40}`). */
export const TAGS = {
  preview: "platform:preview",
  pr: "platform:pr",
  owner: "platform:owner",
  lastUpdate: "platform:last-update",
  ttl: "platform:ttl",
} as const;

/** Idle time after which `reap` destroys a preview stack. */
export const DEFAULT_TTL = "72h";

export function isPreviewStack(name: string): boolean {
  return PREVIEW_STACK.test(name);
}

/** `pr-7`, or `preview-<name>`; throws on anything else so a typo can never aim at a shared stack. */
export function previewStackName(arg: string): string {
  const name = /^[1-9][0-9]{0,8}$/.test(arg) ? `pr-${arg}` : arg;
  if (!isPreviewStack(name)) throw new Error(`"${arg}" is not a preview stack name: use pr-<number> (or just the number) or preview-<name> (lower-case, at most 30 characters)`);
  return name;
}

/** `72h`, `3d`, `90m` → milliseconds. */
export function parseDuration(s: string): number {
  const m = /^([1-9][0-9]*)(m|h|d)$/.exec(s.trim());
  if (!m) throw new Error(`"${s}" is not a duration: use minutes, hours or days such as 90m, 72h, 3d`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "m" | "h" | "d"];
}

export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  const a = Math.abs(ms);
  const d = Math.floor(a / 86_400_000);
  const h = Math.floor((a % 86_400_000) / 3_600_000);
  const m = Math.floor((a % 3_600_000) / 60_000);
  return `${sign}${d > 0 ? `${d}d${h}h` : h > 0 ? `${h}h${m}m` : `${m}m`}`;
}

export interface PreviewInfo {
  readonly name: string;
  readonly pr?: string;
  readonly owner?: string;
  /** Last `up` (tag), falling back to the backend's last update time. */
  readonly lastUpdate?: Date;
  readonly ttlMs: number;
  readonly urls: Readonly<Record<string, string>>;
}

/** Reads a stack's tags into its preview bookkeeping. */
export function previewInfo(name: string, tags: Readonly<Record<string, string>>, backendLastUpdate: string | undefined, urls: Record<string, string> = {}): PreviewInfo {
  const tagged = tags[TAGS.lastUpdate] ? new Date(tags[TAGS.lastUpdate]!) : undefined;
  const fallback = backendLastUpdate ? new Date(backendLastUpdate) : undefined;
  const lastUpdate = tagged && !Number.isNaN(tagged.getTime()) ? tagged : fallback && !Number.isNaN(fallback.getTime()) ? fallback : undefined;
  let ttlMs = parseDuration(DEFAULT_TTL);
  try {
    if (tags[TAGS.ttl]) ttlMs = parseDuration(tags[TAGS.ttl]!);
  } catch {
    // A hand-edited tag that doesn't parse: keep the default rather than never expiring.
  }
  return { name, pr: tags[TAGS.pr], owner: tags[TAGS.owner], lastUpdate, ttlMs, urls };
}

/** Time left before the stack expires (negative: expired). A stack never updated counts as expired. */
export function ttlLeft(p: PreviewInfo, now: Date): number {
  if (!p.lastUpdate) return -1;
  return p.lastUpdate.getTime() + p.ttlMs - now.getTime();
}

/** The preview stacks `reap` destroys at `now`. */
export function expired(previews: readonly PreviewInfo[], now: Date): PreviewInfo[] {
  return previews.filter((p) => ttlLeft(p, now) <= 0);
}
