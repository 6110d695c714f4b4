/**
 * Bad config through the real command: non-zero exit, one line naming stack,
 * key and value, no stack trace, nothing registered and nothing written.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, describe, expect, it } from "vitest";
import { readStackConfig, renderStackError, withConfig } from "./harness";
import { makeTempDir, removeDir, run } from "./procs";
import { ROOT } from "../render/run";

const tmp = makeTempDir("bad-config");
afterAll(() => removeDir(tmp));

/** Writes a copy of a committed stack file with `mutate` applied to its config map. */
function stackDir(name: string, stack: string, mutate: (config: Record<string, unknown>) => void): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const doc = yaml.load(readFileSync(join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  mutate(doc.config);
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), yaml.dump(doc));
  return dir;
}

function render(stack: string, stacksDir?: string) {
  const out = join(tmp, "out");
  const args = ["--import", "tsx", join(ROOT, "scripts/render.ts"), "--stack", stack, "--out", out, "--quiet"];
  if (stacksDir) args.push("--stacks-dir", stacksDir);
  const r = run(process.execPath, args, { cwd: ROOT });
  return { ...r, wrote: existsSync(join(out, stack)) };
}

describe("render command on bad input", () => {
  it("replicas: -1 stops with one line naming the stack, key and value", () => {
    const dir = stackDir("replicas", "prod", (c) => {
      c["platform:workloads"] = { coreApi: { replicas: -1 } };
    });
    const r = render("prod", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: stack "prod": config "platform:workloads.coreApi.replicas" is -1: must be an integer >= 1\n');
    expect(r.stdout).toBe("");
    expect(r.wrote).toBe(false);
  });

  it("a realm setting outside policy (a one-hour access token) is one line naming stack, key and value", () => {
    const dir = stackDir("access-token", "prod", (c) => {
      c["platform:keycloak"] = { realm: { accessTokenLifespanSeconds: 3600 } };
    });
    const r = render("prod", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: stack "prod": config "platform:keycloak.realm.accessTokenLifespanSeconds" is 3600: must be an integer between 60 and 300 seconds (the platform\'s hardening policy)\n');
    expect(r.wrote).toBe(false);
  });

  it("an unknown stack is one line too", () => {
    const r = render("qa");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: stack "qa": unknown stack: no stacks\/Pulumi\.qa\.yaml; use local, dev, staging, prod, pr-<number> or preview-<name>/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a missing required secret in prod is one line", () => {
    const dir = stackDir("secret", "prod", (c) => {
      delete c["platform:slackWebhookUrl"];
    });
    const r = render("prod", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: stack "prod": config "platform:slackWebhookUrl": is missing/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.wrote).toBe(false);
  });

  it("a good stack renders through the same command", () => {
    const r = render("pr-42");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.wrote).toBe(true);
  });
});

describe("bad config registers nothing", () => {
  const base = readStackConfig("prod");
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["replicas <= 0", { workloads: { web: { replicas: 0 } } }, /"platform:workloads\.web\.replicas" is 0/],
    ["HPA min > max", { workloads: { coreApi: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } } }, /autoscaling\.minReplicas" is 5: must be <= autoscaling\.maxReplicas \(2\)/],
    ["unknown environment", { environment: "qa" }, /"platform:environment" is "qa": unknown environment/],
    ["malformed domain", { domain: "exa mple.com" }, /"platform:domain" is "exa mple\.com"/],
    ["invalid cron", { postgres: { backup: { schedule: "every day" } } }, /"platform:postgres\.backup\.schedule" is "every day"/],
    ["retention out of range", { postgres: { backup: { retentionDays: 0 } } }, /"platform:postgres\.backup\.retentionDays" is 0: must be between 1 and 3650 days/],
    ["bad quantity", { workloads: { web: { resources: { requests: { cpu: "100m", memory: "1 GB" }, limits: { memory: "2Gi" } } } } }, /resources\.requests\.memory" is "1 GB"/],
    ["unpinned image", { images: { coreApi: "ghcr.io/example/core-api", web: "ghcr.io/example/web:1" } }, /"platform:images\.coreApi" is "ghcr\.io\/example\/core-api": prod needs a pinned image/],
    ["required secret missing", { pagerdutyRoutingKey: undefined }, /"platform:pagerdutyRoutingKey": is missing/],
    ["PROXY protocol without a load balancer that sends it", { edge: { loadBalancer: "cluster-default" } }, /"platform:edge\.clientAddress\.source" is "proxy-protocol": proxy-protocol needs loadBalancer "aws-nlb"/],
    ["X-Forwarded-For without a hop count", { edge: { clientAddress: { source: "x-forwarded-for" } } }, /"platform:edge\.clientAddress\.trustedHops": must be set with source x-forwarded-for/],
    ["Ingress mode without the controller's source", { edge: { mode: "ingress" } }, /"platform:edge\.ingressFrom": must say where the Ingress controller's traffic comes from/],
    ["a bad internal CIDR", { edge: { internal: { clientCidrs: ["10.0.0.0/40"] } } }, /"platform:edge\.internal\.clientCidrs\.0" is "10\.0\.0\.0\/40": must be a CIDR/],
    // The realm's hardening policy (components/keycloak/realm.ts REALM_LIMITS).
    ["a one-hour access token", { keycloak: { realm: { accessTokenLifespanSeconds: 3600 } } }, /"platform:keycloak\.realm\.accessTokenLifespanSeconds" is 3600: must be an integer between 60 and 300 seconds \(the platform's hardening policy\)$/],
    ["a six-character password policy", { keycloak: { realm: { password: { minLength: 6 } } } }, /"platform:keycloak\.realm\.password\.minLength" is 6: must be an integer between 12 and 128 characters/],
    ["an SSO session of a day", { keycloak: { realm: { ssoSessionMaxLifespanSeconds: 86400 } } }, /"platform:keycloak\.realm\.ssoSessionMaxLifespanSeconds" is 86400: must be an integer between 1800 and 36000 seconds/],
    ["sslRequired none", { keycloak: { realm: { sslRequired: "none" } } }, /"platform:keycloak\.realm\.sslRequired" is "none"/],
  ];
  for (const [what, changes, expected] of cases) {
    it(what, async () => {
      const { error, registered } = await renderStackError("prod", withConfig(base, changes));
      expect(error.name).toBe("PlatformConfigError");
      expect(error.message).toMatch(/^stack "prod": config "platform:/);
      expect(error.message).toMatch(expected);
      expect(error.message).not.toContain("\n");
      expect(registered).toBe(0);
    });
  }
});

describe("config-driven component checks run before anything registers", () => {
  const base = readStackConfig("prod");
  const local = readStackConfig("local");
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ["restore from a cluster that isn't this one", "prod", { postgres: { restore: { from: "other-db" } } }, /^stack "prod": PostgresCluster: restore\.from must name a generation of cluster "app-db"/],
    ["object lock without S3", "local", { postgres: { backup: { objectLock: true } } }, /^stack "local": PostgresCluster: backup\.objectLock needs objectStore\.kind "s3"/],
    ["Keycloak pools crowding out max_connections", "prod", { keycloak: { dbPoolMaxSize: 100 } }, /^stack "prod": Keycloak: database\.poolMaxSize must leave half of max_connections \(400\) to others: \(instances \+ 1\) × poolMaxSize = 400, got 100$/],
  ];
  for (const [what, stack, changes, expected] of cases) {
    it(what, async () => {
      const { error, registered } = await renderStackError(stack, withConfig(stack === "local" ? local : base, changes));
      expect(error.message).toMatch(expected);
      expect(error.message).not.toContain("\n");
      expect(registered).toBe(0);
    });
  }
});
