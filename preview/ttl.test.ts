import { describe, expect, it } from "vitest";
import { DEFAULT_TTL, expired, formatDuration, parseDuration, previewInfo, previewStackName, TAGS, ttlLeft } from "./ttl";

const NOW = new Date("2026-09-01T12:00:00Z");
const tags = (lastUpdate: string, ttl?: string) => ({ [TAGS.preview]: "true", [TAGS.lastUpdate]: lastUpdate, ...(ttl ? { [TAGS.ttl]: ttl } : {}) });

describe("preview stack names", () => {
  it("accepts pr-<n>, a bare PR number and preview-<name>; refuses shared stacks", () => {
    expect(previewStackName("7")).toBe("pr-7");
    expect(previewStackName("pr-7")).toBe("pr-7");
    expect(previewStackName("preview-alice")).toBe("preview-alice");
    for (const bad of ["prod", "staging", "pr-0", "pr-x", "preview-", "Preview-A", "dev"]) expect(() => previewStackName(bad), bad).toThrow(/not a preview stack name/);
  });
});

describe("TTL bookkeeping", () => {
  it("parses and prints durations", () => {
    expect(parseDuration("90m")).toBe(5_400_000);
    expect(parseDuration("72h")).toBe(259_200_000);
    expect(parseDuration("3d")).toBe(259_200_000);
    expect(() => parseDuration("3 days")).toThrow(/not a duration/);
    expect(formatDuration(26 * 3_600_000 + 5 * 60_000)).toBe("1d2h");
    expect(formatDuration(-90 * 60_000)).toBe("-1h30m");
  });

  it("expires a stack idle past its TTL, and only that one", () => {
    const fresh = previewInfo("pr-7", tags("2026-09-01T10:00:00Z"), undefined);
    const stale = previewInfo("pr-8", tags("2026-08-28T11:59:00Z"), undefined);
    const shortTtl = previewInfo("pr-9", tags("2026-09-01T10:00:00Z", "90m"), undefined);
    expect(fresh.ttlMs).toBe(parseDuration(DEFAULT_TTL));
    expect(ttlLeft(fresh, NOW)).toBe(70 * 3_600_000);
    expect(expired([fresh, stale, shortTtl], NOW).map((p) => p.name)).toEqual(["pr-8", "pr-9"]);
    // One minute earlier the 72 h stack was still alive.
    expect(expired([stale], new Date("2026-08-31T11:58:00Z"))).toEqual([]);
  });

  it("falls back to the backend's last update, and treats a never-updated stack as expired", () => {
    const p = previewInfo("pr-7", { [TAGS.preview]: "true" }, "2026-09-01T11:00:00.000Z");
    expect(ttlLeft(p, NOW)).toBe(71 * 3_600_000);
    expect(ttlLeft(previewInfo("pr-8", { [TAGS.preview]: "true" }, undefined), NOW)).toBeLessThan(0);
    expect(previewInfo("pr-9", { [TAGS.ttl]: "forever" }, undefined).ttlMs).toBe(parseDuration(DEFAULT_TTL));
  });

  it("uses only tag names Pulumi accepts", () => {
    for (const t of Object.values(TAGS)) expect(t).toMatch(/^[a-zA-Z0-9-_.:]{1,40}$/);
  });
});
