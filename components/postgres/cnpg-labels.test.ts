/**
 * Labels the Cluster hands down to what CloudNativePG creates must not be labels
 * the operator owns: CloudNativePG 1.30.0 re-sets its own app.kubernetes.io/* on
 * every PVC after applying the inherited ones (cnpg-facts.ts), so an inherited
 * value for one of them never sticks and the PVC is patched on every reconcile.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { renderedObjects, renderStack, type RunResult } from "../../test/harness";
import { CNPG_PVC_LABELS, isCnpgOwnedLabel } from "./cnpg-facts";

/** CloudNativePG's PVC label reconciler (metadata.go newLabelReconciler), one pass: inherited, then its own. */
function reconcilePvc(labels: Readonly<Record<string, string>>, inherited: Readonly<Record<string, string>>): Record<string, string> {
  return { ...labels, ...inherited, ...CNPG_PVC_LABELS };
}
/** Its up-to-date check: the inherited labels are a subset of the PVC's. */
const upToDate = (pvc: Readonly<Record<string, string>>, inherited: Readonly<Record<string, string>>) => Object.entries(inherited).every(([k, v]) => pvc[k] === v);

describe("the reconcile model", () => {
  it("loops forever on an inherited value for a label CloudNativePG owns, settles otherwise", () => {
    const owned = { "app.kubernetes.io/name": "app-db" };
    expect(upToDate(reconcilePvc({}, owned), owned)).toBe(false);
    const mine = { "app.kubernetes.io/part-of": "platform", team: "core" };
    expect(upToDate(reconcilePvc({}, mine), mine)).toBe(true);
  });
});

describe.each(["local", "prod", "pr-42"])("the %s Cluster's inheritedMetadata", (stack) => {
  let cluster: Record<string, any>;
  beforeAll(async () => {
    const run: RunResult = await renderStack(stack);
    cluster = renderedObjects(run, "Cluster").find((c) => c.metadata.name === "app-db")!;
  }, 60_000);

  it("holds no label CloudNativePG owns, and the PVCs settle after one reconcile", () => {
    const inherited = cluster.spec.inheritedMetadata.labels as Record<string, string>;
    expect(Object.keys(inherited).filter(isCnpgOwnedLabel)).toEqual([]);
    expect(upToDate(reconcilePvc({}, inherited), inherited)).toBe(true);
  });

  it("still hands down the platform's own labels (part-of, the stack)", () => {
    expect(cluster.spec.inheritedMetadata.labels).toMatchObject({ "app.kubernetes.io/part-of": "platform" });
    // The Cluster object itself keeps the full set.
    expect(cluster.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "app-db", "app.kubernetes.io/managed-by": "pulumi" });
  });
});
