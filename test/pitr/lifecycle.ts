/**
 * S3 lifecycle rules applied to a bucket's objects the way S3 applies them to current
 * versions (AWS S3 user guide, "Lifecycle configuration elements": an Expiration of N
 * days removes an object at the first midnight UTC at least N days after its creation;
 * a rule's Filter prefix selects keys). Only the rule parts the platform renders are
 * understood; anything else throws, so a new rule can't be ignored silently.
 */

export interface LifecycleRule {
  readonly id: string;
  readonly status: string;
  readonly filter?: { readonly prefix?: string };
  readonly expiration?: { readonly days?: number; readonly expiredObjectDeleteMarker?: boolean };
  readonly noncurrentVersionExpiration?: { readonly noncurrentDays: number };
  readonly abortIncompleteMultipartUpload?: { readonly daysAfterInitiation: number };
}

export interface StoredObject {
  readonly key: string;
  readonly lastModified: Date;
}

const KNOWN = new Set(["id", "status", "filter", "expiration", "noncurrentVersionExpiration", "abortIncompleteMultipartUpload"]);
const DAY = 86_400_000;

/** When S3 removes an object created at `created` under an Expiration of `days`. */
export function expiresAt(created: Date, days: number): Date {
  const t = created.getTime() + days * DAY;
  return new Date(Math.ceil(t / DAY) * DAY);
}

/** The current versions the rules remove by `now`, with the rule that removes each. */
export function expiredByLifecycle(rules: readonly LifecycleRule[], objects: readonly StoredObject[], now: Date): { key: string; rule: string }[] {
  const out: { key: string; rule: string }[] = [];
  for (const r of rules) {
    for (const k of Object.keys(r)) if (!KNOWN.has(k)) throw new Error(`lifecycle rule ${r.id}: ${k} is not modelled`);
    for (const k of Object.keys(r.filter ?? {})) if (k !== "prefix") throw new Error(`lifecycle rule ${r.id}: filter.${k} is not modelled`);
  }
  for (const o of objects) {
    const rule = rules.find((r) => r.status === "Enabled" && r.expiration?.days !== undefined && o.key.startsWith(r.filter?.prefix ?? "") && expiresAt(o.lastModified, r.expiration.days) <= now);
    if (rule) out.push({ key: o.key, rule: rule.id });
  }
  return out;
}
