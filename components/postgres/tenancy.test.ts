/**
 * The CloudNativePG facts tenancy.ts relies on, pinned: they were read from v1.30.0
 * (`git show v1.30.0:<path>` in github.com/cloudnative-pg/cloudnative-pg; paths in tenancy.ts),
 * and these tests make a chart bump re-read them and make the render use them as read.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { renderedObjects, renderStack, type RunResult } from "../../test/harness";
import { CNPG_CHART } from "../cluster-services/versions";
import { CNPG_FACTS_VERSION } from "./cnpg-facts";
import { CNPG_FACTS, pgbouncerHbaFile, poolerHbaRules, rwServiceName } from "./tenancy";

/** PgBouncer's HBA evaluation for a TCP client: the first `host` line whose user list matches wins. */
function hbaVerdict(file: string, user: string): string | undefined {
  for (const line of file.split("\n").map((l) => l.trim())) {
    const [type, , users, , method] = line.split(/\s+/);
    if (type !== "host") continue;
    if (users === "all" || users!.split(",").includes(user)) return method;
  }
  return undefined;
}

describe("CloudNativePG facts of the role split", () => {
  it("were read from the operator version the pinned chart ships", () => {
    // A chart bump to another operator fails here until tenancy.ts and cnpg-facts.ts are re-read.
    expect(CNPG_FACTS.version).toBe(`v${CNPG_CHART.appVersion}`);
    expect(CNPG_FACTS_VERSION).toBe(CNPG_CHART.appVersion);
  });

  it("the primary's Service is <cluster>-rw", () => {
    expect(rwServiceName("app-db")).toBe("app-db-rw");
  });

  it("the HBA file CloudNativePG 1.30 writes puts the Pooler's pg_hba lines before its md5 catch-alls", () => {
    const file = pgbouncerHbaFile(poolerHbaRules({ databases: [{ owner: "core_api", runtime: { role: "core_api_app" } }] as never }));
    const lines = file.split("\n").filter((l) => l.trim() !== "");
    expect(lines).toEqual([
      "local pgbouncer pgbouncer peer",
      "host all core_api,postgres 0.0.0.0/0 reject",
      "host all core_api,postgres ::/0 reject",
      "host all all 0.0.0.0/0 md5",
      "host all all ::/0 md5",
    ]);
    expect(hbaVerdict(file, "core_api")).toBe("reject");
    expect(hbaVerdict(file, "postgres")).toBe("reject");
    expect(hbaVerdict(file, "core_api_app")).toBe("md5");
    // Without the Pooler's lines the owner would get through: the order is what the split relies on.
    expect(hbaVerdict(pgbouncerHbaFile([]), "core_api")).toBe("md5");
  });
});

describe.each(["prod", "local"])("the %s render uses the facts as read", (stack) => {
  let run: RunResult;
  beforeAll(async () => {
    run = await renderStack(stack);
  }, 60_000);

  it("managed roles use only RoleConfiguration's fields; the runtime roles are NOBYPASSRLS, no superuser", () => {
    const cluster = renderedObjects(run, "Cluster").find((c) => c.metadata.name === "app-db")!;
    const roles = cluster.spec.managed.roles as Record<string, unknown>[];
    expect(roles.length).toBeGreaterThan(0);
    for (const r of roles) for (const k of Object.keys(r)) expect(CNPG_FACTS.managedRoleFields).toContain(k);
    const runtime = roles.filter((r) => String(r.comment).startsWith("runtime role"));
    expect(runtime.length).toBeGreaterThan(0);
    for (const r of runtime) expect(r).toMatchObject({ bypassrls: false, superuser: false, createrole: false, inherit: false });
  });

  it("the Pooler carries the refusals under pgbouncer.pg_hba", () => {
    const pooler = renderedObjects(run, "Pooler")[0]!;
    const hba = pooler.spec.pgbouncer[CNPG_FACTS.poolerHbaField] as string[];
    expect(hba.length).toBeGreaterThan(0);
    const file = pgbouncerHbaFile(hba);
    expect(hbaVerdict(file, "core_api")).toBe("reject");
    expect(hbaVerdict(file, "core_api_app")).toBe("md5");
  });

  it("the grants Job reaches the primary through <cluster>-rw", () => {
    const job = renderedObjects(run, "Job").find((j) => j.metadata.name.startsWith("app-db-grants-"))!;
    const env = job.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(env.find((e) => e.name === "PGHOST")?.value).toMatch(/^app-db-rw\.[a-z0-9-]+\.svc$/);
  });
});
