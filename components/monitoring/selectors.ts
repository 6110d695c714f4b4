/**
 * Kubernetes label-selector semantics as prometheus-operator applies them to
 * a Prometheus' `*Selector` / `*NamespaceSelector` fields. Pure; the render
 * tests use it to prove every monitor the library creates is selected.
 */
import type { LabelSelector } from "./monitors";

/**
 * Whether `labels` satisfy `selector`: `{}` matches everything, `null` /
 * `undefined` match nothing (prometheus-operator: "a null label selector
 * matches no objects").
 */
export function matchesLabelSelector(selector: LabelSelector | null | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector === null || selector === undefined) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(l[e.key]!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(l[e.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        throw new Error(`unknown label selector operator ${JSON.stringify((e as { operator: unknown }).operator)}`);
    }
  }
  return true;
}

/** The selector pair Prometheus applies to one kind of object. */
export interface ObjectSelection {
  readonly selector: LabelSelector | null | undefined;
  /** `{}` = every namespace; `null`/`undefined` = Prometheus' own namespace only. */
  readonly namespaceSelector: LabelSelector | null | undefined;
}

/**
 * Whether a Prometheus in `prometheusNamespace` picks up an object with these
 * labels in `namespace`. `namespaceLabels` gives the labels of known
 * namespaces (for label-based namespace selectors).
 */
export function isSelected(
  sel: ObjectSelection,
  obj: { readonly namespace: string; readonly labels?: Readonly<Record<string, string>> },
  prometheusNamespace: string,
  namespaceLabels: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): boolean {
  if (!matchesLabelSelector(sel.selector, obj.labels)) return false;
  if (sel.namespaceSelector === null || sel.namespaceSelector === undefined) return obj.namespace === prometheusNamespace;
  const nsLabels = { "kubernetes.io/metadata.name": obj.namespace, ...(namespaceLabels[obj.namespace] ?? {}) };
  return matchesLabelSelector(sel.namespaceSelector, nsLabels);
}
