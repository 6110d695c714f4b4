/**
 * A real `pulumi up` with the Pulumi CLI and the kubernetes provider built from their Go modules,
 * against the test control plane: the library's PlatformNamespace and Workload components and a
 * Secret, through the Automation API (an inline program: the CLI talks to the language runtime in
 * this process, so no pulumi-language-nodejs binary is needed, which the Go module proxy does not
 * serve), a file backend and a passphrase secrets provider in a temp dir.
 *
 * Not the whole `local` stack: its generated secrets need the random provider, which the proxy does
 * not serve either (README "Engine tests"). Skips (reported as skipped) when the toolchain is not built.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlatformNamespace } from "../../components/namespace";
import { Workload } from "../../components/workload";
import { makeTempDir, removeDir, waitFor } from "../procs";
import { startControlPlane, type ControlPlane } from "./control-plane";
import { builtPrograms, controlPlanePrograms } from "./toolchain";

const cpPrograms = controlPlanePrograms();
const built = builtPrograms();
const missing =
  cpPrograms.missing ??
  (["pulumi", "pulumi-resource-kubernetes"].filter((k) => !built.has(k)).length > 0
    ? "engine toolchain not built (pulumi, pulumi-resource-kubernetes): run toolchain/build.sh or PLATFORM_ENGINE=1 npm test"
    : undefined);
if (missing && process.env.PLATFORM_ENGINE === "1") throw new Error(`PLATFORM_ENGINE=1 but ${missing}`);
if (missing) console.warn(`test/engine/up: skipped: ${missing}`);

const NS = "engine-up";
/** A value that must never appear in the exported state in plain text. */
const SECRET_VALUE = `engine-up-secret-${process.pid}-${Date.now()}`;

describe.skipIf(missing !== undefined)("pulumi up with the real engine and kubernetes provider", () => {
  let cp: ControlPlane;
  let dir: string;
  let stack: Stack;

  beforeAll(async () => {
    cp = await startControlPlane(cpPrograms.programs!, { controllers: true, persistentVolumes: 2 });
    dir = makeTempDir("engine-up");
    const kubeconfig = readFileSync(cp.kubeconfig, "utf8");
    const program = async () => {
      const provider = new k8s.Provider("k8s", { kubeconfig, enableServerSideApply: true });
      const ns = new PlatformNamespace("ns", { name: NS, instance: "local" }, { providers: [provider] });
      new k8s.core.v1.Secret(
        "token",
        { metadata: { name: "token", namespace: NS }, stringData: { token: pulumi.secret(SECRET_VALUE) } },
        { provider, dependsOn: [ns] },
      );
      const web = new Workload(
        "web",
        {
          namespace: NS,
          instance: "local",
          component: "web",
          image: "registry.invalid/web:1.0.0",
          probes: { startup: "/livez", liveness: "/livez", readiness: "/readyz" },
          replicas: 2,
          resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "64Mi" } },
        },
        { providers: [provider], dependsOn: [ns] },
      );
      return { deployment: web.deployment.metadata.name };
    };
    const pulumiCommand = await PulumiCommand.get({ root: built.get("pulumi")! });
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "engine-up", projectName: "platform-engine-up", program },
      {
        pulumiCommand,
        workDir: dir,
        envVars: {
          PULUMI_HOME: join(dir, "home"),
          PULUMI_BACKEND_URL: `file://${dir}`,
          PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
          PULUMI_SKIP_UPDATE_CHECK: "true",
          PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
          // The provider built by toolchain/build.sh, found on PATH (an ambient plugin): nothing is downloaded.
          PATH: `${join(built.get("pulumi-resource-kubernetes")!, "bin")}:${process.env.PATH}`,
        },
      },
    );
  }, 600_000);

  afterAll(async () => {
    await cp?.stop();
    if (dir) removeDir(dir);
  });

  it("pulumi up exits 0 and the Deployment is Available in the API server", async () => {
    const up = await stack.up({ color: "never" });
    expect(up.summary.result).toBe("succeeded");
    const dep = await cp.client.request("GET", `/apis/apps/v1/namespaces/${NS}/deployments/${String(up.outputs.deployment!.value)}`);
    expect(dep.status).toBe(200);
    expect(dep.body.status.availableReplicas).toBe(2);
    const ns = await cp.client.request("GET", `/api/v1/namespaces/${NS}`);
    expect(ns.body.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const secret = await cp.client.request("GET", `/api/v1/namespaces/${NS}/secrets/token`);
    expect(Buffer.from(secret.body.data.token, "base64").toString()).toBe(SECRET_VALUE);
  }, 600_000);

  it("a second preview changes nothing (--expect-no-changes)", async () => {
    const pv = await stack.preview({ expectNoChanges: true, color: "never" });
    expect(pv.changeSummary.same).toBeGreaterThan(0);
    expect(Object.keys(pv.changeSummary).filter((k) => k !== "same")).toEqual([]);
  }, 600_000);

  it("keeps the secret out of the exported state in plain text", async () => {
    const state = JSON.stringify(await stack.exportStack());
    expect(state).not.toContain(SECRET_VALUE);
    expect(state).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));
    expect(state).toContain("ciphertext");
  }, 120_000);

  it("pulumi destroy removes everything, namespace included", async () => {
    const d = await stack.destroy({ color: "never" });
    expect(d.summary.result).toBe("succeeded");
    await waitFor("namespace gone", async () => (await cp.client.request("GET", `/api/v1/namespaces/${NS}`)).status === 404, 180_000, 1000);
  }, 600_000);
});
