/**
 * Validates rendered Kubernetes objects against the official schemas
 * (kubernetes-models: built-in kinds from the Kubernetes OpenAPI spec, and the
 * CRD schemas of prometheus-operator, CloudNativePG and cert-manager).
 */

/** Groups whose CRD schemas we ship a model package for. */
const CRD_PACKAGES: Record<string, string> = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "postgresql.cnpg.io": "@kubernetes-models/cloudnative-pg",
  "cert-manager.io": "@kubernetes-models/cert-manager",
  "acme.cert-manager.io": "@kubernetes-models/cert-manager",
};

/** Module path of the model class for an apiVersion/kind, or undefined when no schema is packaged. */
export function modelModule(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  // Gateway API ends in .k8s.io but is CRDs, not in kubernetes-models: egctl's loader validates it (test/edge-translate.test.ts).
  if (group === "gateway.networking.k8s.io") return undefined;
  const pkg = CRD_PACKAGES[group];
  if (pkg) return `${pkg}/${group}/${version}/${kind}`;
  if (!group.includes(".") || group.endsWith(".k8s.io")) return `kubernetes-models/${group}/${version}/${kind}`;
  return undefined;
}

export type SchemaResult = { status: "valid" } | { status: "invalid"; error: string } | { status: "no-schema" };

/** Validates one object; `no-schema` for custom resources no model package covers. */
export async function validateObject(obj: Record<string, unknown>): Promise<SchemaResult> {
  const path = modelModule(String(obj.apiVersion), String(obj.kind));
  if (!path) return { status: "no-schema" };
  let mod: Record<string, unknown>;
  try {
    mod = (await import(path)) as Record<string, unknown>;
  } catch (e) {
    return { status: "invalid", error: `no schema for ${String(obj.apiVersion)} ${String(obj.kind)} (${(e as Error).message.split("\n")[0]})` };
  }
  const Model = mod[String(obj.kind)] as (new (data: unknown) => { validate(): void }) | undefined;
  if (!Model) return { status: "invalid", error: `no model ${String(obj.kind)} in ${path}` };
  try {
    new Model(obj).validate();
    return { status: "valid" };
  } catch (e) {
    return { status: "invalid", error: (e as Error).message };
  }
}
