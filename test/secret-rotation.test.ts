/**
 * Rotating a generated secret (`secrets.rotation.<name>`) must roll exactly the pods
 * that read it: CloudNativePG changes a role's password as soon as its Secret changes
 * (v1.30.0 internal/management/controller/roles/contract.go, passwordNeedsUpdating on the
 * Secret's resourceVersion), while running pods keep the old value in their environment.
 * Readers are found here from the rendered pod templates themselves (env secretKeyRef,
 * envFrom, secret volumes) and from the chart values that name a Secret; a pod that reads a
 * Secret built from generated ones (annotation platform.dev/derived-from: a Grafana copy, the
 * Redis ACL file) reads those too.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_SECRETS } from "../components/secrets/catalog";
import { redact } from "../render/write";
import { readStackConfig, renderStack, withConfig, type RunResult } from "./harness";

type Obj = Record<string, any>;

/** Pod templates of a render, by "Kind namespace/name": workload kinds, Pooler templates, and chart pods whose values name a Secret. */
function podTemplates(run: RunResult): Map<string, { template: unknown; reads: string[] }> {
  const out = new Map<string, { template: unknown; reads: string[] }>();
  const objects = run.recorder.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && !x.type.startsWith("kubernetes:helm.sh")).map((r) => redact(r.inputs) as Obj);
  // Secrets built from generated ones, "namespace/name" → the generated secrets they hold.
  const derived = new Map<string, string[]>();
  for (const o of objects.filter((x) => x.kind === "Secret")) {
    const from = o.metadata.annotations?.["platform.dev/derived-from"] as string | undefined;
    if (from) derived.set(`${o.metadata.namespace}/${o.metadata.name}`, from.split(","));
  }
  const expand = (namespace: string, names: readonly string[]) => [...new Set(names.flatMap((n) => [n, ...(derived.get(`${namespace}/${n}`) ?? [])]))].sort();
  for (const o of objects) {
    const template =
      ["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"].includes(o.kind) ? o.spec?.template : o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template : o.kind === "Pooler" ? o.spec?.template : undefined;
    if (template) out.set(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, { template, reads: expand(o.metadata.namespace, secretNames(template.spec)) });
  }
  // Chart pods: kube-prometheus-stack's Grafana reads its admin login from `grafana.admin.existingSecret`.
  for (const r of run.recorder.byType("kubernetes:helm.sh/v3:Release")) {
    const rel = redact(r.inputs) as Obj;
    const v = rel.values as Obj;
    if (v?.grafana?.admin?.existingSecret) out.set(`chart ${String(rel.name)} grafana`, { template: { podAnnotations: v.grafana.podAnnotations }, reads: expand(rel.namespace, [v.grafana.admin.existingSecret]) });
  }
  return out;
}

/** Every Secret name a pod spec reads, found by walking it (independent of the helper the components use). */
function secretNames(spec: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === "object") {
      const o = v as Obj;
      if ((key === "secretKeyRef" || key === "secretRef") && typeof o.name === "string") found.add(o.name);
      if (key === "secret" && typeof o.secretName === "string") found.add(o.secretName);
      for (const [k, x] of Object.entries(o)) walk(x, k);
    }
  };
  walk(spec);
  return [...found].sort();
}

const ROTATED = ["core-api-migrate", "core-api-app", "nextauth", "grafana-admin", "redis", "redis-admin", "keycloak-admin", "keycloak-admin-client"] as const;

describe("rotating one generated secret", () => {
  let base: Map<string, { template: unknown; reads: string[] }>;
  let baseRun: RunResult;
  const rotated = new Map<string, { run: RunResult; templates: Map<string, { template: unknown; reads: string[] }> }>();
  beforeAll(async () => {
    baseRun = await renderStack("prod");
    base = podTemplates(baseRun);
    for (const s of ROTATED) {
      const run = await renderStack("prod", withConfig(readStackConfig("prod"), { secrets: { rotation: { [s]: 2 } } }));
      rotated.set(s, { run, templates: podTemplates(run) });
    }
  }, 300_000);

  it("reads the secrets the apps and Grafana consume", () => {
    const readers = (s: string) => [...base].filter(([, t]) => t.reads.includes(s)).map(([k]) => k).sort();
    // The grants Job runs as the owner too: a one-shot pod that reads the Secret when it starts.
    expect(readers("core-api-migrate")).toEqual(["Deployment platform-prod/core-api", expect.stringMatching(/^Job platform-prod\/app-db-grants-core-api-[0-9a-f]{10}$/)]);
    expect(readers("core-api-app")).toEqual(["Deployment platform-prod/core-api"]);
    expect(readers("nextauth")).toEqual(["Deployment platform-prod/web"]);
    expect(readers("grafana-admin")).toEqual(["chart kube-prometheus-stack grafana"]);
    // The Redis pods read the ACL file built from both passwords; the apps connect as the app user.
    expect(readers("redis")).toEqual(["Deployment platform-prod/core-api", "Deployment platform-prod/web", "StatefulSet platform-prod/redis", "StatefulSet platform-prod/redis-sentinel"]);
    expect(readers("redis-admin")).toEqual(["StatefulSet platform-prod/redis", "StatefulSet platform-prod/redis-sentinel"].sort());
    // The Keycloak operator reads the bootstrap admin (a CR field, no pod template of the stack's); the realm Job writes both admin credentials.
    expect(readers("keycloak-admin")).toEqual([expect.stringMatching(/^Job platform-prod\/keycloak-realm-[0-9a-f]{10}$/)]);
    expect(readers("keycloak-admin-client")).toEqual([expect.stringMatching(/^Job platform-prod\/keycloak-realm-[0-9a-f]{10}$/)]);
  });

  it.each(ROTATED)("%s: changes exactly the pod templates that read it", (secret) => {
    const after = rotated.get(secret)!.templates;
    const changed = [...base].filter(([k, t]) => JSON.stringify(t.template) !== JSON.stringify(after.get(k)?.template)).map(([k]) => k);
    // Jobs are left alone: they run once and read the Secret as it is when they start, so they never
    // hold a stale copy (re-running a finished Job on every rotation would only repeat its work).
    // Except the Keycloak realm Job, which WRITES the admin credentials into Keycloak: it is renamed (the test below).
    const writer = (k: string) => secret.startsWith("keycloak-admin") && /^Job platform-prod\/keycloak-realm-[0-9a-f]{10}$/.test(k);
    const readers = [...base].filter(([k, t]) => t.reads.includes(secret) && (!k.startsWith("Job ") || writer(k))).map(([k]) => k);
    expect(changed).toEqual(readers);
  });

  it("a rotated Keycloak client secret, admin password or admin client secret re-runs the realm Job (the one writer of each into Keycloak)", async () => {
    const jobOf = (run: RunResult) => run.recorder.kind("Job").map((r) => (r.inputs.metadata as Obj).name as string).filter((n) => n.startsWith("keycloak-realm-"));
    const before = jobOf(baseRun);
    expect(before).toHaveLength(1);
    const bumped = await renderStack("prod", withConfig(readStackConfig("prod"), { secrets: { rotation: { "keycloak-client-core-api": 2 } } }));
    const after = jobOf(bumped);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    // The Job reads the secrets by reference: the new value reaches it, never the document.
    const job = bumped.recorder.kind("Job").find((r) => (r.inputs.metadata as Obj).name === after[0])!;
    expect(secretNames((job.inputs.spec as Obj).template.spec)).toEqual(expect.arrayContaining(["keycloak-client-core-api", "keycloak-client-web", "keycloak-client-grafana", "keycloak-admin", "keycloak-admin-client"]));
    // Each admin credential alone renames the Job too (and each to a name of its own); the document stays the same.
    const admin = jobOf(rotated.get("keycloak-admin")!.run);
    const adminClient = jobOf(rotated.get("keycloak-admin-client")!.run);
    expect(new Set([before[0], after[0], admin[0], adminClient[0]]).size).toBe(4);
    const doc = (run: RunResult) => run.recorder.kind("ConfigMap").map((r) => r.inputs as Obj).find((c) => c.metadata.name.startsWith("keycloak-realm-"))!.data["realm.json"];
    expect(doc(rotated.get("keycloak-admin")!.run)).toBe(doc(baseRun));
  }, 120_000);

  it("stamps rotation counters, never a secret value", () => {
    const { run } = rotated.get("core-api-migrate")!;
    const api = run.recorder.kind("Deployment").find((r) => (r.inputs.metadata as Obj).name === "core-api")!;
    const annotations = (api.inputs.spec as Obj).template.metadata.annotations as Record<string, string>;
    expect(annotations["platform.dev/secret-rotation"]).toBe("core-api-app=0,core-api-migrate=2,data-encryption-key=0,jwt-signing-key=0,rabbitmq=0,redis=0");
    for (const v of run.recorder.generatedSecrets) expect(JSON.stringify(annotations).includes(v)).toBe(false);
    expect(PLATFORM_SECRETS.map((s) => s.name)).toEqual(expect.arrayContaining([...ROTATED]));
  });
});
