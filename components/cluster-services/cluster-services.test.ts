import { beforeAll, describe, expect, it } from "vitest";
import { mockRuntime, settle, type ResourceRecorder } from "../../test/harness";
import { validateObject } from "../../test/k8s-schema";
import { ClusterServices, issuerSpec, resolveClusterServicesArgs } from "./cluster-services";
import { BARMAN_CLOUD_CHART, CNPG_CHART } from "./versions";

type Any = Record<string, any>;

describe("resolveClusterServicesArgs", () => {
  it("defaults: pinned charts, operator and plugin share cnpg-system, all three issuers", () => {
    const a = resolveClusterServicesArgs();
    expect(a.cnpgNamespace).toBe("cnpg-system");
    expect(a.charts.cnpg).toEqual(CNPG_CHART);
    expect(a.charts.cnpg.appVersion).toMatch(/^1\.30\./);
    expect(a.charts.barmanCloud.repo).toBe(CNPG_CHART.repo);
    expect(a.issuers).toEqual(["selfsigned", "letsencrypt-staging", "letsencrypt-prod"]);
  });

  it("rejects unpinned charts, unknown issuers and bad e-mail, naming the field", () => {
    expect(() => resolveClusterServicesArgs({ charts: { cnpg: { ...CNPG_CHART, version: "latest" } } })).toThrow(/charts\.cnpg\.version must be a pinned semantic version.*got "latest"/);
    expect(() => resolveClusterServicesArgs({ issuers: ["letsencrypt" as never] })).toThrow(/issuers must be one of/);
    expect(() => resolveClusterServicesArgs({ acmeEmail: "nobody" })).toThrow(/acmeEmail must be an e-mail address, got "nobody"/);
  });

  it("issuers: self-signed, and ACME HTTP-01 through the ingress class", () => {
    const a = resolveClusterServicesArgs({ ingressClassName: "nginx", acmeEmail: "ops@example.com" });
    expect(issuerSpec("selfsigned", a)).toEqual({ selfSigned: {} });
    expect(issuerSpec("letsencrypt-prod", a)).toEqual({
      acme: {
        server: "https://acme-v02.api.letsencrypt.org/directory",
        email: "ops@example.com",
        privateKeySecretRef: { name: "letsencrypt-prod-account-key" },
        solvers: [{ http01: { ingress: { ingressClassName: "nginx" } } }],
      },
    });
  });
});

describe("ClusterServices under mocks", () => {
  let rec: ResourceRecorder;
  let ready: number;
  beforeAll(async () => {
    rec = mockRuntime("test");
    const cs = new ClusterServices("cluster-services", { acmeEmail: "ops@example.com" });
    ready = cs.ready.length;
    await settle();
  });

  const release = (chart: string): Any => rec.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chart)!;

  it("three Helm releases with explicit name, namespace, pinned version, repo, atomic and timeout", () => {
    for (const chart of ["cert-manager", "cloudnative-pg", "plugin-barman-cloud"]) {
      const r = release(chart);
      expect(r.inputs, chart).toMatchObject({ createNamespace: true, atomic: true, timeout: 600 });
      expect(r.inputs.name, chart).toMatch(/^[a-z-]+$/);
      expect(r.inputs.namespace, chart).toMatch(/^(cert-manager|cnpg-system)$/);
      expect(r.inputs.version, chart).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(r.inputs.repositoryOpts.repo, chart).toMatch(/^https:\/\//);
    }
    expect(release("plugin-barman-cloud").inputs.version).toBe(BARMAN_CLOUD_CHART.version);
  });

  it("CRDs are installed as chart templates (upgraded with the chart)", () => {
    expect(release("cert-manager").inputs.values.crds).toEqual({ enabled: true, keep: true });
    expect(release("cloudnative-pg").inputs.values.crds).toEqual({ create: true });
    expect(release("plugin-barman-cloud").inputs.values.crds).toEqual({ create: true });
    for (const chart of ["cert-manager", "cloudnative-pg", "plugin-barman-cloud"]) expect(release(chart).inputs.skipCrds ?? false).toBe(false);
  });

  it("the plugin depends on cert-manager and the operator; issuers on cert-manager", () => {
    const plugin = release("plugin-barman-cloud");
    expect(plugin.dependencies).toEqual(expect.arrayContaining([release("cert-manager").urn, release("cloudnative-pg").urn]));
    const issuers = rec.kind("ClusterIssuer");
    expect(issuers).toHaveLength(3);
    for (const i of issuers) expect(i.dependencies).toContain(release("cert-manager").urn);
    expect(ready).toBe(6);
  });

  it("ClusterIssuers validate against the cert-manager schema", async () => {
    for (const i of rec.kind("ClusterIssuer")) expect(await validateObject(i.inputs)).toEqual({ status: "valid" });
  });
});
