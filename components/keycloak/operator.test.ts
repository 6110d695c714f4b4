import { describe, expect, it } from "vitest";
import { intoNamespace, resolveOperatorManifests, restrictDeployment } from "./operator";
import { OPERATOR_MANIFESTS } from "./versions";

type Obj = Record<string, any>;
const transform = (t: ReturnType<typeof intoNamespace>, props: Obj) => (t({ type: "x", name: "n", props, opts: {} } as never) as { props: Obj } | undefined)?.props;

describe("the Keycloak operator's release manifests", () => {
  it("makes the operator's Deployment meet restricted, keeping what the manifest set", () => {
    const d = restrictDeployment({ kind: "Deployment", spec: { replicas: 1, template: { metadata: { labels: { a: "b" } }, spec: { serviceAccountName: "keycloak-operator", containers: [{ name: "keycloak-operator", image: "quay.io/keycloak/keycloak-operator:26.5.5" }] } } } });
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.template.metadata.labels).toEqual({ a: "b" });
    expect(d.spec.template.spec.serviceAccountName).toBe("keycloak-operator");
    expect(d.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ image: "quay.io/keycloak/keycloak-operator:26.5.5", securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } } });
  });

  it("puts namespaced objects and the bindings' ServiceAccounts into the stack's namespace, and leaves cluster-scoped ones", () => {
    const t = intoNamespace("platform-prod");
    expect(transform(t, { kind: "Deployment", metadata: { name: "keycloak-operator" } })!.metadata.namespace).toBe("platform-prod");
    expect(transform(t, { kind: "ClusterRoleBinding", metadata: { name: "x" }, subjects: [{ kind: "ServiceAccount", name: "keycloak-operator" }] })!.subjects).toEqual([{ kind: "ServiceAccount", name: "keycloak-operator", namespace: "platform-prod" }]);
    expect(transform(t, { kind: "ClusterRole", metadata: { name: "x" } })).toBeUndefined();
  });

  it("accepts only manifests at a version tag", () => {
    expect(resolveOperatorManifests()).toEqual(OPERATOR_MANIFESTS);
    expect(() => resolveOperatorManifests({ manifests: { operator: "https://raw.githubusercontent.com/keycloak/keycloak-k8s-resources/main/kubernetes/kubernetes.yml" } })).toThrow(/manifests\.operator must be a keycloak-k8s-resources file at a version tag/);
  });
});
