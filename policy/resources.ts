/**
 * One shape for "what a stack registers", whether it comes from the Pulumi
 * engine (a policy pack's `PolicyResource`) or from the offline render (the
 * recording mocks' `RecordedResource`). Every policy and the readiness
 * scorecard read this shape only, so they judge `pulumi preview` and
 * `npm run render` by the same rules.
 *
 * Light on purpose: no Pulumi SDK import, so the readiness CLI and the tests
 * load it in milliseconds.
 */

/** A registered resource, its inputs plain (secrets unwrapped, as the engine hands them to policies). */
export interface StackResource {
  readonly urn: string;
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`, `aws:s3/bucket:Bucket`. */
  readonly type: string;
  /** Pulumi resource name (not `metadata.name`). */
  readonly name: string;
  readonly props: Record<string, any>;
  /** URN of the parent resource, "" for none. */
  readonly parent: string;
  /** URNs this resource depends on (explicitly or through its inputs). */
  readonly dependencies: readonly string[];
}

/** A Kubernetes object as registered (typed accessors over `props`). */
export interface KubeObject {
  readonly resource: StackResource;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** "" for cluster-scoped objects. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: any;
  readonly obj: Record<string, any>;
}

/** Helm releases (v3 Release, v4 Chart): the chart installs what the engine can't see object by object. */
export const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"] as const;

export function isHelmRelease(r: StackResource): boolean {
  return (HELM_TYPES as readonly string[]).includes(r.type);
}

export function isKubeObject(r: StackResource): boolean {
  return r.type.startsWith("kubernetes:") && !isHelmRelease(r) && typeof r.props.kind === "string" && typeof r.props.apiVersion === "string";
}

export function kubeObject(r: StackResource): KubeObject {
  const p = r.props;
  const meta = (p.metadata ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  return {
    resource: r,
    apiVersion: String(p.apiVersion),
    kind: String(p.kind),
    name: String(meta.name ?? r.name),
    namespace: String(meta.namespace ?? ""),
    labels: meta.labels ?? {},
    annotations: meta.annotations ?? {},
    spec: p.spec ?? {},
    obj: p,
  };
}

/** The API group of an apiVersion ("" for the core group). */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf("/");
  return i < 0 ? "" : apiVersion.slice(0, i);
}

/** `Kind namespace/name` (or `Kind name` when cluster-scoped): how every message names an object. */
export function describe(o: Pick<KubeObject, "kind" | "name" | "namespace">): string {
  return o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`;
}

/** A label selector (matchLabels + matchExpressions), as in the Kubernetes API. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

/** Kubernetes label-selector semantics; an empty selector selects everything, `undefined` selects nothing. */
export function selects(sel: LabelSelector | undefined | null, labels: Readonly<Record<string, string>>): boolean {
  if (sel === undefined || sel === null) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === "In" && !inValues) return false;
    if (e.operator === "NotIn" && inValues) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

export function isEmptySelector(sel: LabelSelector | undefined | null): boolean {
  return !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/** Secret wrappers the Pulumi SDK puts on secret inputs (`{ [sig]: secretSig, value }`). */
const SPECIAL_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Unwraps secret markers at any depth: what a policy sees from the engine. */
export function plain(v: unknown): any {
  if (typeof v === "object" && v !== null && (v as Record<string, unknown>)[SPECIAL_SIG] === SECRET_SIG) return plain((v as { value: unknown }).value);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plain(x);
    return out;
  }
  return v;
}

/** What the recording mocks record (render/mocks.ts), structurally. */
export interface RecordedLike {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  readonly parent: string;
  readonly dependencies: readonly string[];
}

/** The custom resources of an offline render, in the shape policies read. */
export function fromRecorded(resources: readonly RecordedLike[]): StackResource[] {
  return resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
    .map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: plain(r.inputs) as Record<string, any>, parent: r.parent, dependencies: r.dependencies }));
}

/** What @pulumi/policy hands `validateStack` (structurally; avoids importing the package here). */
export interface PolicyResourceLike {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, any>;
  readonly parent?: { urn: string };
  readonly dependencies: readonly { urn: string }[];
  readonly propertyDependencies: Readonly<Record<string, readonly { urn: string }[]>>;
}

export function fromPolicyResources(resources: readonly PolicyResourceLike[]): StackResource[] {
  return resources
    .filter((r) => !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack")
    .map((r) => {
      const deps = new Set<string>(r.dependencies.map((d) => d.urn));
      for (const list of Object.values(r.propertyDependencies ?? {})) for (const d of list) deps.add(d.urn);
      return { urn: r.urn, type: r.type, name: r.name, props: r.props, parent: r.parent?.urn ?? "", dependencies: [...deps].sort() };
    });
}
