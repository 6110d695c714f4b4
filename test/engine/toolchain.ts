/**
 * The engine toolchain (toolchain/manifest, built by toolchain/build.sh into a cache outside the
 * repository): where each built program is, or why the engine tests cannot run.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../render/stack-file";
import { run } from "../procs";

export interface ManifestProgram {
  readonly key: string;
  readonly version: string;
  readonly module: string;
  readonly moduleVersion: string;
}

export interface ManifestCrd {
  readonly module: string;
  readonly version: string;
  readonly packages: readonly string[];
}

export interface Manifest {
  readonly programs: readonly ManifestProgram[];
  readonly crds: readonly ManifestCrd[];
}

export function readManifest(): Manifest {
  const programs: ManifestProgram[] = [];
  const crds: ManifestCrd[] = [];
  for (const raw of readFileSync(join(ROOT, "toolchain", "manifest"), "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [key, a, b] = line.split(/\s+/) as [string, string, string];
    if (key === "crd") {
      const at = a.lastIndexOf("@");
      crds.push({ module: a.slice(0, at), version: a.slice(at + 1), packages: b.split(",") });
    } else {
      const at = b.lastIndexOf("@");
      programs.push({ key, version: a, module: b.slice(0, at), moduleVersion: b.slice(at + 1) });
    }
  }
  return { programs, crds };
}

export function toolchainDir(): string {
  return process.env.PLATFORM_TOOLCHAIN_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "platform-toolchain");
}

/** Built program dirs by manifest key ("kubernetes", "etcd", "crds", ...), as toolchain/build.sh reports them. */
export function builtPrograms(): Map<string, string> {
  const r = run("bash", [join(ROOT, "toolchain", "build.sh"), "--print"]);
  if (r.code !== 0) throw new Error(`toolchain/build.sh --print failed: ${r.stderr}`);
  const out = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const [k, dir] = line.split(" ");
    if (k && dir) out.set(k, dir);
  }
  return out;
}

export interface ControlPlanePrograms {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kwok: string;
  readonly crdsDir: string;
}

/**
 * The control plane's programs, or the reason they are missing (then the engine tests skip, and
 * are reported as skipped: build them with `toolchain/build.sh`, or `PLATFORM_ENGINE=1 npm test`).
 */
export function controlPlanePrograms(): { programs?: ControlPlanePrograms; missing?: string } {
  const built = builtPrograms();
  const need = ["kubernetes", "etcd", "kwok", "crds"];
  const absent = need.filter((k) => !built.has(k));
  if (absent.length > 0) return { missing: `engine toolchain not built (${absent.join(", ")}): run toolchain/build.sh or PLATFORM_ENGINE=1 npm test` };
  const k8s = join(built.get("kubernetes")!, "bin");
  const programs: ControlPlanePrograms = {
    etcd: join(built.get("etcd")!, "bin", "etcd"),
    kubeApiserver: join(k8s, "kube-apiserver"),
    kubeControllerManager: join(k8s, "kube-controller-manager"),
    kubeScheduler: join(k8s, "kube-scheduler"),
    kwok: join(built.get("kwok")!, "bin", "kwok"),
    crdsDir: join(built.get("crds")!, "crds"),
  };
  for (const p of Object.values(programs)) if (!existsSync(p)) return { missing: `${p} is missing although toolchain/build.sh lists it as built` };
  return { programs };
}
