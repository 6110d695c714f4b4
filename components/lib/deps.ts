import * as pulumi from "@pulumi/pulumi";

/**
 * Children don't inherit a component's `dependsOn` (the SDK applies it to the
 * component only), so a Deployment in a component that "depends on" its
 * Namespace could still be created first. Components pass this to their
 * children: what the caller named, plus the child's own dependencies.
 */
export function childDependsOn(
  inherited: pulumi.ComponentResourceOptions["dependsOn"],
  ...own: readonly (pulumi.Resource | undefined)[]
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
  const mine = own.filter((r): r is pulumi.Resource => r !== undefined);
  if (inherited === undefined) return mine;
  if (Array.isArray(inherited)) return [...inherited, ...mine];
  if (pulumi.Resource.isInstance(inherited)) return [inherited, ...mine];
  return pulumi
    .output(inherited as pulumi.Input<pulumi.Resource | pulumi.Input<pulumi.Resource>[]>)
    .apply((d) => [...(Array.isArray(d) ? d : [d]), ...mine]);
}
