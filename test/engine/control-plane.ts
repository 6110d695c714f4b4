/**
 * A real Kubernetes control plane for the engine tests, from the programs toolchain/build.sh built:
 * etcd and kube-apiserver (Kubernetes v1.36.3, RBAC on) on 127.0.0.1 in a temp dir, certificates
 * made with openssl, kube-controller-manager and kube-scheduler, kwok faking the nodes (labelled
 * with hostnames and zones) and the pods' status, a StorageClass with PersistentVolumes ready to
 * bind, the generated CRDs installed, and an admin kubeconfig. `stop()` ends every process and
 * removes the directory; call it in `afterAll` (processes are also killed at exit).
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { StopWaiting, freePort, makeTempDir, removeDir, run, startDaemon, waitFor, type Daemon } from "../procs";
import { KubeClient, describeFailure, type KubeObject } from "./kube";
import type { ControlPlanePrograms } from "./toolchain";

export interface ControlPlaneOptions {
  /** kwok nodes to register: hostname -> zone. */
  readonly nodes?: Readonly<Record<string, string>>;
  /** PersistentVolumes to create up front (each 10Gi, StorageClass `standard`). */
  readonly persistentVolumes?: number;
  /** Start kube-controller-manager, kube-scheduler and kwok (the dry-run test needs only the API server). */
  readonly controllers?: boolean;
}

export interface ControlPlane {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly client: KubeClient;
  /** The CRDs installed, by `<plural>.<group>`. */
  readonly crds: readonly string[];
  logs(): string;
  stop(): Promise<void>;
}

export const DEFAULT_NODES: Readonly<Record<string, string>> = {
  "kwok-node-a": "zone-a",
  "kwok-node-b": "zone-b",
  "kwok-node-c": "zone-c",
};

function openssl(dir: string, args: string[]): void {
  const r = run("openssl", args, { cwd: dir });
  if (r.code !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
}

/** A CA, the API server's serving certificate, the admin client (system:masters), the service-account key pair. */
function makeCertificates(dir: string): void {
  openssl(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=platform-test-ca"]);
  const leaf = (name: string, subj: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subj]);
    openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`]);
  };
  leaf(
    "apiserver",
    "/CN=kube-apiserver",
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n",
  );
  leaf("admin", "/O=system:masters/CN=platform-test-admin", "extendedKeyUsage=clientAuth\n");
  openssl(dir, ["genrsa", "-out", "sa.key", "2048"]);
  openssl(dir, ["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
}

function kubeconfigYaml(dir: string, server: string): string {
  const b64 = (f: string) => readFileSync(join(dir, f)).toString("base64");
  return yaml.dump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "platform-test", cluster: { server, "certificate-authority-data": b64("ca.crt") } }],
    users: [{ name: "admin", user: { "client-certificate-data": b64("admin.crt"), "client-key-data": b64("admin.key") } }],
    contexts: [{ name: "platform-test", context: { cluster: "platform-test", user: "admin" } }],
    "current-context": "platform-test",
  });
}

/** Every CRD document controller-gen wrote under `crdsDir`. */
export function generatedCrds(crdsDir: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const sub of readdirSync(crdsDir).sort()) {
    for (const f of readdirSync(join(crdsDir, sub)).sort()) {
      if (!f.endsWith(".yaml")) continue;
      for (const doc of yaml.loadAll(readFileSync(join(crdsDir, sub, f), "utf8"))) {
        if (doc && typeof doc === "object") out.push(doc as KubeObject);
      }
    }
  }
  return out;
}

export async function startControlPlane(programs: ControlPlanePrograms, opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const dir = makeTempDir("engine");
  const daemons: Daemon[] = [];
  const logFiles: string[] = [];
  const stop = async () => {
    for (const d of [...daemons].reverse()) await d.stop(10_000);
    removeDir(dir);
  };
  const logs = () =>
    logFiles
      .map((f) => {
        let text = "";
        try {
          text = readFileSync(f, "utf8");
        } catch {
          /* not written */
        }
        return `==> ${f} (last lines)\n${text.split("\n").slice(-30).join("\n")}`;
      })
      .join("\n");
  const start = (name: string, cmd: string, args: string[]) => {
    const logFile = join(dir, `${name}.log`);
    logFiles.push(logFile);
    const d = startDaemon(cmd, args, { logFile, cwd: dir });
    daemons.push(d);
    return d;
  };
  try {
    makeCertificates(dir);
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    start("etcd", programs.etcd, [
      "--name=default",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      "--unsafe-no-fsync", // a throwaway store: durability is not what is tested
      "--log-level=warn",
    ]);
    const server = `https://127.0.0.1:${apiPort}`;
    start("kube-apiserver", programs.kubeApiserver, [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, "apiserver-certs")}`,
      `--tls-cert-file=${join(dir, "apiserver.crt")}`,
      `--tls-private-key-file=${join(dir, "apiserver.key")}`,
      `--client-ca-file=${join(dir, "ca.crt")}`,
      `--service-account-key-file=${join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      "--service-cluster-ip-range=10.96.0.0/16",
      "--authorization-mode=Node,RBAC",
      "--endpoint-reconciler-type=none", // the advertise address is loopback, which Endpoints refuse
      "--allow-privileged=true",
      "--v=1",
    ]);
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml(dir, server));
    const client = new KubeClient({
      server,
      ca: readFileSync(join(dir, "ca.crt"), "utf8"),
      cert: readFileSync(join(dir, "admin.crt"), "utf8"),
      key: readFileSync(join(dir, "admin.key"), "utf8"),
    });
    for (const d of daemons) d.proc.once("exit", (code) => code !== 0 && code !== null && logFiles.push(`(exited ${code})`));
    await waitFor(
      "kube-apiserver /readyz",
      async () => {
        for (const d of daemons) if (d.proc.exitCode !== null) throw new StopWaiting(`a control-plane process exited early\n${logs()}`);
        const r = await client.request("GET", "/readyz");
        return r.status === 200;
      },
      180_000,
      500,
    );
    // RBAC is on: the admin is in system:masters; the default ServiceAccount exists once the
    // controller-manager runs. The bootstrap roles are in place when /readyz answers.

    const crds = programs.crdsDir ? generatedCrds(programs.crdsDir) : [];
    for (const crd of crds) {
      const r = await client.apply(crd, { fieldManager: "platform-engine-crds" });
      if (r.status >= 300) throw new Error(`installing CRD ${crd.metadata.name}: ${describeFailure(crd, r)}`);
    }
    await waitFor(
      "the CRDs to be Established",
      async () => {
        for (const crd of crds) {
          const r = await client.get(crd);
          const est = (r.body?.status?.conditions ?? []).find((c: { type: string }) => c.type === "Established");
          if (est?.status !== "True") return false;
        }
        return true;
      },
      120_000,
      500,
    );
    client.forgetDiscovery();

    if (opts.controllers) {
      writeFileSync(join(dir, "ca-copy.crt"), readFileSync(join(dir, "ca.crt")));
      start("kube-controller-manager", programs.kubeControllerManager, [
        `--kubeconfig=${kubeconfig}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${await freePort()}`,
        `--cert-dir=${join(dir, "kcm-certs")}`,
        `--service-account-private-key-file=${join(dir, "sa.key")}`,
        `--root-ca-file=${join(dir, "ca.crt")}`,
        "--use-service-account-credentials=false",
        "--leader-elect=false",
        // Every default controller: node-lifecycle lifts the not-ready taint once kwok reports Ready.
        "--controllers=*",
        "--v=1",
      ]);
      start("kube-scheduler", programs.kubeScheduler, [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${await freePort()}`,
        `--cert-dir=${join(dir, "sched-certs")}`,
        "--leader-elect=false",
        "--v=1",
      ]);
      start("kwok", programs.kwok, [
        `--kubeconfig=${kubeconfig}`,
        `--config=${join(__dirname, "kwok-stages.yaml")}`,
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--node-ip=127.0.0.1",
        "--node-lease-duration-seconds=40",
      ]);
      const nodes = opts.nodes ?? DEFAULT_NODES;
      for (const [host, zone] of Object.entries(nodes)) {
        const node: KubeObject = {
          apiVersion: "v1",
          kind: "Node",
          metadata: {
            name: host,
            annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
            labels: {
              "kubernetes.io/hostname": host,
              "kubernetes.io/os": "linux",
              "kubernetes.io/arch": "amd64",
              "topology.kubernetes.io/zone": zone,
              "topology.kubernetes.io/region": "test",
              type: "kwok",
            },
          },
          spec: {},
          status: {
            allocatable: { cpu: "32", memory: "256Gi", pods: "110" },
            capacity: { cpu: "32", memory: "256Gi", pods: "110" },
          },
        };
        const r = await client.apply(node, { fieldManager: "platform-engine-nodes" });
        if (r.status >= 300) throw new Error(`registering node ${host}: ${describeFailure(node, r)}`);
      }
      await waitFor(
        "kwok to mark the nodes Ready",
        async () => {
          for (const d of daemons) if (d.proc.exitCode !== null) throw new StopWaiting(`a control-plane process exited early\n${logs()}`);
          const r = await client.request("GET", "/api/v1/nodes");
          const items = (r.body?.items ?? []) as Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
          return items.length === Object.keys(nodes).length && items.every((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
        },
        120_000,
        500,
      );
      // StatefulSet PVCs bind to PersistentVolumes made up front (no provisioner runs here).
      const sc: KubeObject = {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "kubernetes.io/no-provisioner",
        volumeBindingMode: "Immediate",
      };
      const scr = await client.apply(sc, { fieldManager: "platform-engine-storage" });
      if (scr.status >= 300) throw new Error(describeFailure(sc, scr));
      const hosts = Object.keys(nodes);
      for (let i = 0; i < (opts.persistentVolumes ?? 0); i++) {
        mkdirSync(join(dir, "pv", String(i)), { recursive: true });
        const pv: KubeObject = {
          apiVersion: "v1",
          kind: "PersistentVolume",
          metadata: { name: `pv-${i}` },
          spec: {
            capacity: { storage: "100Gi" },
            accessModes: ["ReadWriteOnce"],
            storageClassName: "standard",
            persistentVolumeReclaimPolicy: "Delete",
            local: { path: join(dir, "pv", String(i)) },
            nodeAffinity: {
              required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [hosts[i % hosts.length]!] }] }] },
            },
          },
        };
        const r = await client.apply(pv, { fieldManager: "platform-engine-storage" });
        if (r.status >= 300) throw new Error(describeFailure(pv, r));
      }
    }
    return { dir, kubeconfig, client, crds: crds.map((c) => c.metadata.name), logs, stop };
  } catch (e) {
    const text = `${e instanceof Error ? e.message : String(e)}\n${logs()}`;
    await stop();
    throw new Error(text);
  }
}
