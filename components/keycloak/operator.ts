/**
 * The Keycloak operator from its pinned release manifests (yaml/v2 ConfigFile with the release
 * URLs: nothing copied into the repository): the Keycloak and KeycloakRealmImport CRDs, then
 * the operator's Deployment and RBAC, in its own namespace.
 *
 * The release Deployment sets no securityContext, so in a namespace that enforces the
 * `restricted` Pod Security profile it would be refused: `restrictedOperatorTransform` gives
 * its pod and containers the restricted contexts. The manifest names no namespace: `intoNamespace`
 * puts it into the stack's (the operator watches its own namespace only).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import { invalidArg } from "../lib/errors";
import { RESTRICTED_CONTAINER, RESTRICTED_POD } from "./spec";
import { KEYCLOAK_VERSION, OPERATOR_MANIFESTS } from "./versions";

type Obj = Record<string, any>;

/** Pod and containers of a Deployment made to meet `restricted` (the operator writes to no file: its root can be read-only). */
export function restrictDeployment(props: Obj): Obj {
  const spec = props.spec ?? {};
  const pod = spec.template?.spec ?? {};
  return {
    ...props,
    spec: {
      ...spec,
      template: {
        ...spec.template,
        spec: {
          ...pod,
          securityContext: { ...(pod.securityContext ?? {}), ...RESTRICTED_POD },
          containers: (pod.containers ?? []).map((c: Obj) => ({ ...c, securityContext: { ...(c.securityContext ?? {}), ...RESTRICTED_CONTAINER } })),
        },
      },
    },
  };
}

export const restrictedOperatorTransform: pulumi.ResourceTransform = (args) => {
  if (args.type !== "kubernetes:apps/v1:Deployment") return undefined;
  return { props: restrictDeployment(args.props as Obj), opts: args.opts };
};

/** Namespaced kinds of the operator's `kubernetes.yml` that get the install namespace. */
const NAMESPACED = new Set(["ServiceAccount", "Deployment", "Service", "Role", "RoleBinding", "ConfigMap", "Secret"]);

/** Puts the manifest's namespaced objects (and the bindings' ServiceAccount subjects) into `namespace`. */
export function intoNamespace(namespace: string): pulumi.ResourceTransform {
  return (args) => {
    const props = args.props as Obj;
    const kind = String(props.kind ?? "");
    let out = props;
    if (NAMESPACED.has(kind)) out = { ...out, metadata: { ...(out.metadata ?? {}), namespace } };
    if ((kind === "RoleBinding" || kind === "ClusterRoleBinding") && Array.isArray(out.subjects)) {
      out = { ...out, subjects: out.subjects.map((s: Obj) => (s.kind === "ServiceAccount" ? { ...s, namespace } : s)) };
    }
    return out === props ? undefined : { props: out, opts: args.opts };
  };
}

/**
 * Labels of the operator's pods, for its NetworkPolicy: the Quarkus Kubernetes extension that
 * generates `kubernetes.yml` labels the Deployment's pods `app.kubernetes.io/name: <application
 * name>` (the operator module, `keycloak-operator`). Not read from the 26.5.5 manifest itself (no
 * copy of it was readable here): check it with `kubectl get pods --show-labels` after install.
 */
export const OPERATOR_POD_LABELS = { "app.kubernetes.io/name": "keycloak-operator" } as const;

/** Args of the Keycloak operator install. */
export interface KeycloakOperatorArgs {
  /**
   * Namespace the operator runs in. Its manifest is namespace-scoped: it watches only its own
   * namespace, so it goes where the Keycloak CRs are (the stack's namespace).
   */
  readonly namespace: string;
  /** Manifest overrides (a newer patch release): must name keycloak-k8s-resources files at a version tag. */
  readonly manifests?: Partial<Record<keyof typeof OPERATOR_MANIFESTS, string>>;
}

const RELEASE = /^https:\/\/raw\.githubusercontent\.com\/keycloak\/keycloak-k8s-resources\/[0-9]+\.[0-9]+\.[0-9]+\/kubernetes\/[a-z0-9.-]+\.ya?ml$/;

export function resolveOperatorManifests(a: Pick<KeycloakOperatorArgs, "manifests"> = {}): Record<keyof typeof OPERATOR_MANIFESTS, string> {
  const m: Record<keyof typeof OPERATOR_MANIFESTS, string> = { ...OPERATOR_MANIFESTS, ...(a.manifests ?? {}) };
  for (const [k, v] of Object.entries(m)) if (!RELEASE.test(v)) invalidArg("KeycloakOperator", `manifests.${k}`, v, "must be a keycloak-k8s-resources file at a version tag (…/keycloak-k8s-resources/X.Y.Z/kubernetes/<file>.yml)");
  return m;
}

/**
 * The operator's egress on the namespace's default-deny: the Kubernetes API (its Service on 443,
 * the endpoints behind it on 6443 on most distributions) and DNS. It serves nothing the platform calls.
 */
export function operatorPolicy(): k8s.types.input.networking.v1.NetworkPolicySpec {
  const anywhere = [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }];
  return {
    podSelector: { matchLabels: { ...OPERATOR_POD_LABELS } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [],
    egress: [
      { to: anywhere, ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 6443 }] },
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
    ],
  };
}

/** The operator; `ready` is what every Keycloak CR waits for. */
export class KeycloakOperator extends pulumi.ComponentResource {
  /** The operator's CRDs. */
  public readonly crds: readonly k8s.yaml.v2.ConfigFile[];
  /** The operator's Deployment and RBAC. */
  public readonly operator: k8s.yaml.v2.ConfigFile;
  /** NetworkPolicy of the servers. */
  public readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
  /** Namespace of the Keycloak CR and everything the component creates. */
  public readonly namespace: string;
  /** What every Keycloak CR waits for. */
  public readonly ready: readonly pulumi.Resource[];
  /** Operator version (the release manifests' tag). */
  public readonly version = KEYCLOAK_VERSION;

  constructor(name: string, args: KeycloakOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:cluster:KeycloakOperator", name, {}, opts);
    const m = resolveOperatorManifests(args);
    this.namespace = args.namespace;
    const dep = (...own: pulumi.Resource[]) => ({ parent: this, dependsOn: childDependsOn(opts?.dependsOn, ...own) });
    this.crds = [
      new k8s.yaml.v2.ConfigFile(`${name}-keycloak-crd`, { file: m.keycloakCrd }, dep()),
      new k8s.yaml.v2.ConfigFile(`${name}-realmimport-crd`, { file: m.realmImportCrd }, dep()),
    ];
    this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
      `${name}-networkpolicy`,
      { metadata: { name: "keycloak-operator", namespace: this.namespace, labels: { "app.kubernetes.io/name": "keycloak-operator", "app.kubernetes.io/part-of": "platform", "app.kubernetes.io/managed-by": "pulumi" } }, spec: operatorPolicy() },
      dep(),
    );
    this.operator = new k8s.yaml.v2.ConfigFile(`${name}-operator`, { file: m.operator }, { ...dep(...this.crds), transforms: [intoNamespace(this.namespace), restrictedOperatorTransform] });
    this.ready = [...this.crds, this.operator];
    this.registerOutputs({ namespace: this.namespace, manifests: m });
  }
}
