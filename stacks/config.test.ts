import { describe, expect, it } from "vitest";
import { readStackConfig } from "../render/run";
import { PlatformConfigError } from "../components/lib/errors";
import { deepMerge, environmentOf, isPinnedImage, loadStackConfig, type RawConfig } from "./config";
import { PROFILES } from "./environments";

const NOW = new Date("2026-11-22T12:00:00Z");

function raw(stack: string, changes: Record<string, unknown> = {}, secret: string[] = []): RawConfig {
  const base = readStackConfig(stack);
  const values = { ...base.values };
  for (const [k, v] of Object.entries(changes)) {
    const key = `platform:${k}`;
    if (v === undefined) delete values[key];
    else values[key] = typeof v === "string" ? v : JSON.stringify(v);
  }
  // A key set here is plain text unless listed in `secret`.
  const keep = base.secretKeys.filter((k) => !(k.slice("platform:".length) in changes));
  return { values, secretKeys: [...keep, ...secret.map((s) => `platform:${s}`)].filter((k) => k in values) };
}

function errorOf(stack: string, changes: Record<string, unknown>, secret: string[] = []): string {
  try {
    loadStackConfig(stack, raw(stack, changes, secret), { now: NOW });
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformConfigError);
    const msg = (e as Error).message;
    expect(msg).not.toContain("\n");
    return msg;
  }
  throw new Error(`stack ${stack} with ${JSON.stringify(changes)} was accepted`);
}

describe("stack config: environments", () => {
  it("resolves each committed stack to its environment and namespace", () => {
    for (const stack of ["local", "dev", "staging", "prod"]) {
      const cfg = loadStackConfig(stack, raw(stack), { now: NOW });
      expect(cfg.environment).toBe(stack);
      expect(cfg.namespace).toBe(`platform-${stack}`);
    }
  });

  it("gives preview names the preview profile without a stack file", () => {
    for (const stack of ["pr-42", "preview-alice"]) {
      const cfg = loadStackConfig(stack, { values: {}, secretKeys: [] }, { now: NOW });
      expect(cfg.environment).toBe("preview");
      expect(cfg.namespace).toBe(`platform-${stack}`);
      expect(cfg.settings.clusterServices).toBe(false);
      expect(cfg.settings.domain).toBe(`${stack}.preview.platform.example.com`);
    }
  });

  it("rejects a stack that is neither declared nor a preview name", () => {
    expect(() => environmentOf("qa", {})).toThrow(/stack "qa": config "platform:environment": is missing/);
    expect(() => environmentOf("pr-0", {})).toThrow(/is missing/);
  });

  it("merges overrides over the profile and keeps the rest", () => {
    const cfg = loadStackConfig("prod", raw("prod", { workloads: { coreApi: { replicas: 4 } } }), { now: NOW });
    expect(cfg.settings.workloads.coreApi.replicas).toBe(4);
    expect(cfg.settings.workloads.coreApi.autoscaling).toEqual(PROFILES.prod.workloads.coreApi.autoscaling);
    expect(cfg.settings.postgres.instances).toBe(3);
  });

  it("deepMerge replaces scalars and arrays, merges objects", () => {
    expect(deepMerge({ a: { b: 1, c: [1] } }, { a: { c: [2] } })).toEqual({ a: { b: 1, c: [2] } });
  });

  it("knows pinned from unpinned images", () => {
    expect(isPinnedImage("ghcr.io/a/b:1.2.3")).toBe(true);
    expect(isPinnedImage(`ghcr.io/a/b@sha256:${"a".repeat(64)}`)).toBe(true);
    expect(isPinnedImage("ghcr.io/a/b:latest")).toBe(false);
    expect(isPinnedImage("ghcr.io/a/b")).toBe(false);
    expect(isPinnedImage("localhost:5000/b")).toBe(false);
  });
});

describe("stack config: one clear line per bad value", () => {
  const cases: [string, string, Record<string, unknown>, RegExp, string[]?][] = [
    ["replicas <= 0", "prod", { workloads: { coreApi: { replicas: -1 } } }, /^stack "prod": config "platform:workloads\.coreApi\.replicas" is -1: must be an integer >= 1$/],
    ["HPA min > max", "prod", { workloads: { web: { autoscaling: { minReplicas: 9, maxReplicas: 3 } } } }, /"platform:workloads\.web\.autoscaling\.minReplicas" is 9: must be <= autoscaling\.maxReplicas \(3\)/],
    ["unknown environment", "prod", { environment: "production" }, /"platform:environment" is "production": unknown environment; allowed: local, dev, staging, prod/],
    ["malformed domain", "prod", { domain: "Platform..example" }, /"platform:domain" is "Platform\.\.example": must be a lower-case DNS name/],
    ["invalid cron", "prod", { postgres: { backup: { schedule: "0 2 * * *" } } }, /"platform:postgres\.backup\.schedule" is "0 2 \* \* \*": must be a six-field cron/],
    ["invalid cron field", "prod", { postgres: { backup: { schedule: "0 0 25 * * *" } } }, /"platform:postgres\.backup\.schedule" is "0 0 25 \* \* \*": must be a valid cron expression/],
    ["retention out of range", "prod", { postgres: { backup: { retentionDays: 0 } } }, /"platform:postgres\.backup\.retentionDays" is 0: must be between 1 and 3650 days/],
    ["retention too long", "prod", { postgres: { backup: { retentionDays: 4000 } } }, /"platform:postgres\.backup\.retentionDays" is 4000: must be between 1 and 3650 days/],
    ["unknown backup codec", "prod", { postgres: { backup: { compression: "zstd" } } }, /"platform:postgres\.backup\.compression" is "zstd": must be one of none, gzip, bzip2, snappy/],
    ["unknown base-backup codec", "prod", { postgres: { backup: { compression: { data: "lz4" } } } }, /"platform:postgres\.backup\.compression\.data" is "lz4": must be one of none, gzip, bzip2, snappy/],
    ["backup jobs out of range", "prod", { postgres: { backup: { jobs: 16 } } }, /"platform:postgres\.backup\.jobs" is 16: /],
    ["bad CPU quantity", "prod", { workloads: { coreApi: { resources: { requests: { cpu: "2 cores", memory: "1Gi" } } } } }, /"platform:workloads\.coreApi\.resources\.requests\.cpu" is "2 cores": must be a Kubernetes CPU quantity/],
    ["bad memory quantity", "prod", { postgres: { storageSize: "100GB" } }, /"platform:postgres\.storageSize" is "100GB": must be a Kubernetes memory\/storage quantity/],
    ["unpinned image (latest)", "prod", { images: { coreApi: "ghcr.io/example/core-api:latest", web: "ghcr.io/example/web:1.4.2" } }, /"platform:images\.coreApi" is "ghcr\.io\/example\/core-api:latest": prod needs a pinned image/],
    ["unpinned image (no tag)", "staging", { images: { coreApi: "ghcr.io/example/core-api:0.1.0", web: "ghcr.io/example/web" } }, /"platform:images\.web" is "ghcr\.io\/example\/web": staging needs a pinned image/],
    ["required secret missing", "prod", { pagerdutyRoutingKey: undefined }, /^stack "prod": config "platform:pagerdutyRoutingKey": is missing: prod pages on-call; set it with pulumi config set --secret/],
    ["secret set in plain text", "prod", { slackWebhookUrl: "https://hooks.slack.example/T000" }, /"platform:slackWebhookUrl" is "<plain text>": must be set as a secret/],
    ["unknown key", "prod", { replicas: 3 }, /"platform:replicas" is 3: unknown key; known keys: /],
    ["unknown nested key", "prod", { postgres: { instancez: 3 } }, /"platform:postgres\.instancez" is 3: unknown key/],
    ["unknown alert threshold key", "prod", { monitoring: { alerts: { thresholds: { "app.errorRatoi": 0.1 } } } }, /^stack "prod": config "platform:monitoring\.alerts": unknown alert threshold key app\.errorRatoi \(value 0\.1\)/],
    ["alert threshold out of range", "prod", { monitoring: { alerts: { thresholds: { "app.errorRatio": 5 } } } }, /"platform:monitoring\.alerts": .*app\.errorRatio.*5/],
    ["missing kube context in prod", "prod", { kubernetes: {} }, /"platform:kubernetes\.context": is missing: prod never uses the ambient kubeconfig context/],
  ];
  for (const [what, stack, changes, expected, secret] of cases) {
    it(what, () => {
      expect(errorOf(stack, changes, secret)).toMatch(expected);
    });
  }

  it("accepts the local stack's unpinned images (only staging/prod require pins)", () => {
    const cfg = loadStackConfig("local", raw("local", { images: { coreApi: "core-api:latest", web: "web:latest" } }), { now: NOW });
    expect(cfg.settings.images.coreApi).toBe("core-api:latest");
  });

  it("rejects a restore target in the future or older than the retention window, naming the window", () => {
    const future = errorOf("prod", { postgres: { restore: { from: "app-db", targetTime: "2026-11-23T00:00:00Z" } } });
    expect(future).toMatch(/"platform:postgres\.restore\.targetTime" is "2026-11-23T00:00:00Z": is in the future; the restorable window is 2026-10-23T12:00:00\.000Z \.\. 2026-11-22T12:00:00\.000Z/);
    const old = errorOf("prod", { postgres: { restore: { from: "app-db", targetTime: "2026-10-01T00:00:00Z" } } });
    expect(old).toMatch(/is older than the retention window 2026-10-23T12:00:00\.000Z \.\. 2026-11-22T12:00:00\.000Z \(postgres\.backup\.retentionDays = 30\)/);
    const ok = loadStackConfig("prod", raw("prod", { postgres: { restore: { from: "app-db", targetTime: "2026-11-21T08:00:00Z" } } }), { now: NOW });
    expect(ok.settings.postgres.restore?.targetTime).toBe("2026-11-21T08:00:00Z");
  });
});

describe("stack config: runbook links", () => {
  it("accepts an https runbook base URL and rejects anything else", () => {
    const cfg = loadStackConfig("prod", raw("prod", { monitoring: { alerts: { runbookBaseUrl: "https://git.example.com/acme/platform/-/blob/main/docs/runbooks" } } }), { now: NOW });
    expect(cfg.settings.monitoring.alerts.runbookBaseUrl).toBe("https://git.example.com/acme/platform/-/blob/main/docs/runbooks");
    expect(errorOf("prod", { monitoring: { alerts: { runbookBaseUrl: "docs/runbooks" } } })).toMatch(/"platform:monitoring\.alerts\.runbookBaseUrl" is "docs\/runbooks"/);
  });
});

describe("stack config: supplied secrets", () => {
  const KEY = Buffer.alloc(32, 7).toString("base64");
  it("accepts values for catalogue secrets and the store's credentials, given as a secret", () => {
    const supplied = { redis: "AbCdEfGh12345678AbCd", "data-encryption-key": KEY, "object-store-access-key": "ACCESSKEY0123456789X", "object-store-secret-key": "s3cretS3cretS3cretS3cretS3cretS3cret0000" };
    const cfg = loadStackConfig("local", raw("local", { suppliedSecrets: supplied }, ["suppliedSecrets"]), { now: NOW });
    expect(cfg.suppliedSecrets).toEqual(supplied);
    expect(loadStackConfig("local", raw("local"), { now: NOW }).suppliedSecrets).toEqual({});
  });
  const cases: [string, Record<string, unknown>, RegExp, string[]][] = [
    ["set in plain text", { redis: "AbCdEfGh12345678AbCd" }, /"platform:suppliedSecrets" is "<plain text>": must be set as a secret: pulumi config set --secret --path 'platform:suppliedSecrets\.<name>' <value>/, []],
    ["not an object", ["AbCdEfGh12345678AbCd"] as unknown as Record<string, unknown>, /"platform:suppliedSecrets" is "<secret>": must be an object of secret name to value/, ["suppliedSecrets"]],
    ["an unknown name", { redsi: "AbCdEfGh12345678AbCd" }, /"platform:suppliedSecrets\.redsi" is "<secret>": names no generated secret; known: core-api-migrate, .*object-store-secret-key/, ["suppliedSecrets"]],
    ["a short password", { redis: "short1" }, /"platform:suppliedSecrets\.redis" is "<secret>": must be at least 16 characters of letters and digits/, ["suppliedSecrets"]],
    ["a URL-unsafe password", { redis: "AbCdEfGh12345678/@:x" }, /"platform:suppliedSecrets\.redis" is "<secret>": must contain only letters and digits \(it lands in connection URLs\)/, ["suppliedSecrets"]],
    ["a key of the wrong size", { "jwt-signing-key": KEY }, /"platform:suppliedSecrets\.jwt-signing-key" is "<secret>": must be base64 of exactly 64 bytes/, ["suppliedSecrets"]],
    ["a non-string value", { redis: 12345678901234567890 }, /"platform:suppliedSecrets\.redis" is "<secret>": must be a non-empty string/, ["suppliedSecrets"]],
    ["one store credential without the other", { "object-store-access-key": "ACCESSKEY0123456789X" }, /"platform:suppliedSecrets\.object-store-secret-key": is missing: the store's credentials are supplied both or neither/, ["suppliedSecrets"]],
  ];
  for (const [what, value, expected, secret] of cases) {
    it(`rejects ${what}, never showing a value`, () => {
      const msg = errorOf("local", { suppliedSecrets: value }, secret);
      expect(msg).toMatch(expected);
      for (const v of Object.values(value)) if (typeof v === "string" && secret.length > 0) expect(msg).not.toContain(v);
    });
  }
});
