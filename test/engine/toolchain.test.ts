/**
 * toolchain/manifest against the pins elsewhere in the repo: the CRDs are generated from the same
 * operator versions the components install, and the engine is no older than the SDKs need.
 * Needs no toolchain: reads files only.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BARMAN_CLOUD_CHART, CERT_MANAGER_CHART, CNPG_CHART } from "../../components/cluster-services/versions";
import { ENVOY_GATEWAY_VERSION, GATEWAY_API_VERSION } from "../../components/edge/versions";
import { KUBE_PROMETHEUS_STACK, PROMETHEUS_OPERATOR_CRDS } from "../../components/monitoring/versions";
import { TOPOLOGY_OPERATOR_VERSION } from "../../components/rabbitmq/versions";
import { ROOT } from "../../render/stack-file";
import { readManifest } from "./toolchain";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
/** The exact version the repository installs (the Pulumi SDKs are peer dependencies of the package, pinned among the dev dependencies). */
const pinned = (name: string): string => {
  const v = pkg.devDependencies?.[name] ?? pkg.dependencies?.[name];
  if (!v) throw new Error(`package.json pins no ${name}`);
  return v;
};
const manifest = readManifest();
const program = (key: string) => {
  const p = manifest.programs.find((x) => x.key === key);
  if (!p) throw new Error(`toolchain/manifest has no ${key}`);
  return p;
};
const crd = (module: string) => {
  const c = manifest.crds.find((x) => x.module === module);
  if (!c) throw new Error(`toolchain/manifest has no CRD source ${module}`);
  return c;
};
const semver = (v: string) => v.replace(/^v/, "").split(/[.-]/).slice(0, 3).map(Number) as [number, number, number];
const atLeast = (a: string, b: string) => {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return true;
};

describe("toolchain/manifest", () => {
  it("generates the CRDs from the operator versions the components pin", () => {
    expect(crd("github.com/cert-manager/cert-manager").version).toBe(CERT_MANAGER_CHART.appVersion);
    expect(crd("github.com/cloudnative-pg/cloudnative-pg").version).toBe(`v${CNPG_CHART.appVersion}`);
    expect(crd("github.com/cloudnative-pg/plugin-barman-cloud").version).toBe(BARMAN_CLOUD_CHART.appVersion);
    expect(crd("github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring").version).toBe(KUBE_PROMETHEUS_STACK.operatorVersion);
    expect(PROMETHEUS_OPERATOR_CRDS.operatorVersion).toBe(KUBE_PROMETHEUS_STACK.operatorVersion);
    expect(crd("sigs.k8s.io/gateway-api").version).toBe(GATEWAY_API_VERSION);
    expect(crd("github.com/envoyproxy/gateway").version).toBe(ENVOY_GATEWAY_VERSION);
    expect(crd("github.com/rabbitmq/messaging-topology-operator").version).toBe(TOPOLOGY_OPERATOR_VERSION);
  });

  it("builds a Pulumi CLI no older than @pulumi/pulumi, from one tag for the CLI module", () => {
    const cli = program("pulumi");
    expect(atLeast(cli.version, pinned("@pulumi/pulumi"))).toBe(true);
    expect(cli.moduleVersion).toBe(cli.version);
  });

  it("names the @pulumi/kubernetes pin beside the provider commit it builds instead", () => {
    const text = readFileSync(join(ROOT, "toolchain", "manifest"), "utf8");
    expect(text).toContain(`@pulumi/kubernetes is pinned at ${pinned("@pulumi/kubernetes")}`);
    const p = program("pulumi-resource-kubernetes");
    // A pseudo-version names its commit: v4.0.0-<UTC time>-<12 hex>.
    expect(p.moduleVersion).toMatch(/^v4\.0\.0-\d{14}-[0-9a-f]{12}$/);
  });

  it("pins Kubernetes 1.36.x with an etcd of the 3.6 line (what Kubernetes 1.36's go.mod requires)", () => {
    expect(program("kubernetes").version).toMatch(/^v1\.36\.\d+$/);
    expect(program("etcd").version).toMatch(/^v3\.6\.\d+$/);
    for (const p of manifest.programs) expect(p.version, p.key).toMatch(/^v\d+\.\d+\.\d+$/);
  });
});
