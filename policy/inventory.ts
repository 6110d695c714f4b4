/**
 * A stack's resources indexed once: Kubernetes objects, workloads, the
 * Prometheus side, Helm releases. Every check reads an Inventory.
 */
import { monitoringOf, type Monitoring } from "./observability";
import { isHelmRelease, type KubeObject, type StackResource } from "./resources";
import { kubeObjects, workloads, type Workload } from "./workloads";

export interface Inventory {
  readonly resources: readonly StackResource[];
  readonly objects: readonly KubeObject[];
  readonly workloads: readonly Workload[];
  readonly helmReleases: readonly StackResource[];
  readonly monitoring: Monitoring;
  ofKind(kind: string): KubeObject[];
}

const cache = new WeakMap<readonly StackResource[], Inventory>();

export function inventory(resources: readonly StackResource[]): Inventory {
  const hit = cache.get(resources);
  if (hit) return hit;
  const objects = kubeObjects(resources);
  const inv: Inventory = {
    resources,
    objects,
    workloads: workloads(resources),
    helmReleases: resources.filter(isHelmRelease),
    monitoring: monitoringOf(resources, objects),
    ofKind: (kind) => objects.filter((o) => o.kind === kind),
  };
  cache.set(resources, inv);
  return inv;
}

/** One finding of a check: what is wrong, on which resource. */
export interface Violation {
  /** The policy (check) name, e.g. `pdb-per-workload`. */
  readonly policy: string;
  readonly message: string;
  /** URN of the offending resource, when there is one. */
  readonly urn?: string;
  /** What it is about, for grouping in reports (`Deployment ns/name`, `Bucket x`). */
  readonly subject: string;
}
