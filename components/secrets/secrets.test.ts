import { describe, expect, it } from "vitest";
import { mockRuntime, resolve, settle } from "../../test/harness";
import * as pulumi from "@pulumi/pulumi";
import { LOGIN_SYMBOLS, PLATFORM_SECRETS } from "./catalog";
import { GeneratedSecrets, validateSecretsArgs } from "./secrets";

describe("GeneratedSecrets", () => {
  it("generates every secret REQUIREMENTS.md lists, as Kubernetes Secrets", async () => {
    const rec = mockRuntime();
    const g = new GeneratedSecrets("secrets", { namespace: "ns", instance: "test" });
    await settle();
    const names = rec.kind("Secret").map((r) => (r.inputs.metadata as { name: string }).name).sort();
    expect(names).toEqual(
      ["core-api-app", "core-api-migrate", "data-encryption-key", "grafana-admin", "jwt-signing-key", "keycloak-admin", "keycloak-admin-client", "keycloak-client-core-api", "keycloak-client-grafana", "keycloak-client-web", "keycloak-db", "nextauth", "rabbitmq", "redis", "redis-admin", "redis-elasticache-auth"].sort(),
    );
    expect(g.get("core-api-migrate").username).toBe("core_api");
    expect(g.get("core-api-app").username).toBe("core_api_app");
    expect(() => g.get("nope")).toThrow(/no secret "nope"; known: /);
  });

  it("fits length and alphabet to where the value lands", async () => {
    const rec = mockRuntime();
    const g = new GeneratedSecrets("secrets", { namespace: "ns", instance: "test" });
    await settle();
    const urlSafe = await resolve(g.get("redis").value);
    expect(urlSafe).toMatch(/^[A-Za-z0-9]{32}$/);
    const login = rec.get("random:index/randomPassword:RandomPassword", "secrets-keycloak-admin").inputs;
    expect(login).toMatchObject({ length: 24, special: true, overrideSpecial: LOGIN_SYMBOLS, minSpecial: 2 });
    const key = await resolve(g.get("data-encryption-key").value);
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect(rec.get("random:index/randomBytes:RandomBytes", "secrets-jwt-signing-key").inputs.length).toBe(64);
  });

  it("exposes values only as secret outputs and stores basic-auth secrets with username", async () => {
    const rec = mockRuntime();
    const g = new GeneratedSecrets("secrets", { namespace: "ns", instance: "test" });
    await settle();
    for (const s of Object.values(g.secrets)) expect(await pulumi.isSecret(s.value)).toBe(true);
    const db = rec.get("kubernetes:core/v1:Secret", "secrets-core-api-migrate-secret").inputs;
    expect(db.type).toBe("kubernetes.io/basic-auth");
  });

  it("rotation bumps only that secret's keeper", async () => {
    const rec = mockRuntime();
    new GeneratedSecrets("secrets", { namespace: "ns", instance: "test", rotation: { redis: 3 } });
    await settle();
    const keepers = Object.fromEntries(rec.resources.filter((r) => r.type.startsWith("random:")).map((r) => [r.name, (r.inputs.keepers as { rotation: string }).rotation]));
    expect(keepers["secrets-redis"]).toBe("3");
    expect(Object.entries(keepers).filter(([k, v]) => k !== "secrets-redis" && v !== "0")).toEqual([]);
  });

  it("rejects rotation of an unknown secret and bad specs", () => {
    expect(() => validateSecretsArgs({ namespace: "ns", instance: "t", rotation: { redsi: 1 } })).toThrow(/rotation\.redsi names no generated secret/);
    expect(() => validateSecretsArgs({ namespace: "ns", instance: "t", secrets: [{ name: "a", description: "", spec: { kind: "password", length: 8, alphabet: "url-safe" } }] })).toThrow(/a\.length must be between 16 and 128, got 8/);
    expect(PLATFORM_SECRETS.length).toBe(16);
  });

  it("a renamed secret keeps its resources by alias, and a rotation under its former name still applies", async () => {
    const rec = mockRuntime();
    const aliases: Record<string, unknown[]> = {};
    // Transformations see every child's options (aliases included), which the mocks don't record.
    const parent = new pulumi.ComponentResource("test:index:Parent", "p", {}, {
      transformations: [
        (a) => {
          aliases[a.name] = [...((a.opts.aliases as unknown[] | undefined) ?? [])];
          return undefined;
        },
      ],
    });
    new GeneratedSecrets("secrets", { namespace: "ns", instance: "test", rotation: { "core-api-db": 2 } }, { parent });
    await settle();
    expect(aliases["secrets-core-api-migrate"]).toEqual([{ name: "secrets-core-api-db" }]);
    expect(aliases["secrets-core-api-migrate-secret"]).toEqual([{ name: "secrets-core-api-db-secret" }]);
    expect(aliases["secrets-core-api-app"]).toEqual([]);
    const keepers = rec.get("random:index/randomPassword:RandomPassword", "secrets-core-api-migrate").inputs.keepers;
    expect(keepers).toEqual({ rotation: "2" });
    expect(() => validateSecretsArgs({ namespace: "ns", instance: "t", rotation: { "core-api-db": 1, "core-api-migrate": 2 } })).toThrow(/rotation\.core-api-db .*former name of core-api-migrate/);
  });
});

describe("GeneratedSecrets: supplied values", () => {
  const KEY = Buffer.alloc(32, 9).toString("base64");
  it("uses a supplied value instead of generating: no random resource, the same Secret, a secret output", async () => {
    const rec = mockRuntime();
    const g = new GeneratedSecrets("secrets", { namespace: "ns", instance: "test", supplied: { redis: "SuppliedRedisPassword0001", "data-encryption-key": KEY } });
    await settle();
    expect(rec.resources.filter((r) => r.name === "secrets-redis" || r.name === "secrets-data-encryption-key")).toEqual([]);
    expect(rec.resources.filter((r) => r.type.startsWith("random:"))).toHaveLength(PLATFORM_SECRETS.length - 2);
    expect(await resolve(g.get("redis").value)).toBe("SuppliedRedisPassword0001");
    expect(await pulumi.isSecret(g.get("redis").value)).toBe(true);
    expect(await resolve(g.get("data-encryption-key").value)).toBe(KEY);
    const secret = rec.get("kubernetes:core/v1:Secret", "secrets-redis-secret").inputs;
    expect(secret.type).toBe("kubernetes.io/basic-auth");
    expect(JSON.stringify(secret.stringData)).toContain("SuppliedRedisPassword0001");
  });
  it("rejects an unknown name or a value its spec refuses, without showing the value", () => {
    expect(() => validateSecretsArgs({ namespace: "ns", instance: "t", supplied: { nope: "x".repeat(20) } })).toThrow(/supplied\.nope.*names no generated secret/);
    let msg = "";
    try {
      validateSecretsArgs({ namespace: "ns", instance: "t", supplied: { "keycloak-admin": "has space in it 1234" } });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/supplied\.keycloak-admin.*must contain only letters, digits and/);
    expect(msg).not.toContain("has space in it");
  });
});
