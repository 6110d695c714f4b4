/**
 * Rolling the pods that read a rotated secret. A pod reads a Secret once, at start
 * (environment variables) or keeps a stale copy until the kubelet refreshes it
 * (volumes); CloudNativePG, on the other hand, changes a role's password as soon as
 * the role's Secret changes (v1.30.0 internal/management/controller/roles/contract.go).
 * So every pod template that reads a generated secret carries a rotation stamp of the
 * secrets it reads, as an annotation: bumping `secrets.rotation.<name>` changes the
 * stamp of exactly the templates that read `<name>`, and their controllers roll them.
 * The stamp holds rotation counters only (`core-api-migrate=2,jwt-signing-key=0`), never a value.
 *
 * For a component of your own (Redis, RabbitMQ, Keycloak, ...):
 *
 *   const podSpec = { containers: [...], volumes: [...] };
 *   const template = { metadata: { labels, annotations: rotationAnnotations(podSpec, secrets.rotation) }, spec: podSpec };
 *
 * or, when the pods read the generated secrets through something else (a Secret of the
 * component's own built from them, an operator's CR naming a Secret, a chart's
 * `existingSecret`), `rotationAnnotationsFor(["redis", "redis-admin"], secrets.rotation)` on
 * whatever pod template or `podAnnotations` is there. A Secret built from generated ones
 * says so with `derivedFromAnnotations([...])`, so tests (and readers) can follow the chain.
 */

/** The pod-template annotation holding the stamp. */
export const SECRET_ROTATION_ANNOTATION = "platform.dev/secret-rotation";
/** On a Secret built from generated secrets (a copy, a rendered config file): which ones, comma-separated. */
export const DERIVED_FROM_ANNOTATION = "platform.dev/derived-from";

/** `{ [DERIVED_FROM_ANNOTATION]: "a,b" }` for a Secret whose values come from the generated secrets `sources`. */
export function derivedFromAnnotations(sources: readonly string[]): Record<string, string> {
  return sources.length === 0 ? {} : { [DERIVED_FROM_ANNOTATION]: [...new Set(sources)].sort().join(",") };
}

/** Rotation counters by Secret name, as `GeneratedSecrets.rotation` exposes them (every generated secret, "0" when never rotated). */
export type RotationStamps = Readonly<Record<string, string>>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const nameOf = (v: unknown): string | undefined => (isObj(v) && typeof v.name === "string" ? v.name : undefined);

/**
 * Names of the Secrets a pod spec reads: env `valueFrom.secretKeyRef`, `envFrom[].secretRef`,
 * `volumes[].secret.secretName` and projected volumes' `sources[].secret`, in containers,
 * init containers and ephemeral containers. Sorted, unique. Names given as Pulumi outputs are skipped.
 */
export function secretsReadBy(podSpec: unknown): string[] {
  const found = new Set<string>();
  if (!isObj(podSpec)) return [];
  for (const list of [podSpec.containers, podSpec.initContainers, podSpec.ephemeralContainers]) {
    for (const c of Array.isArray(list) ? list : []) {
      if (!isObj(c)) continue;
      for (const e of Array.isArray(c.env) ? c.env : []) {
        const n = isObj(e) && isObj(e.valueFrom) ? nameOf(e.valueFrom.secretKeyRef) : undefined;
        if (n) found.add(n);
      }
      for (const e of Array.isArray(c.envFrom) ? c.envFrom : []) {
        const n = isObj(e) ? nameOf(e.secretRef) : undefined;
        if (n) found.add(n);
      }
    }
  }
  for (const v of Array.isArray(podSpec.volumes) ? podSpec.volumes : []) {
    if (!isObj(v)) continue;
    if (isObj(v.secret) && typeof v.secret.secretName === "string") found.add(v.secret.secretName);
    const sources = isObj(v.projected) && Array.isArray(v.projected.sources) ? v.projected.sources : [];
    for (const s of sources) {
      const n = isObj(s) ? nameOf(s.secret) : undefined;
      if (n) found.add(n);
    }
  }
  return [...found].sort();
}

/** The stamp of `secrets` (those in `stamps`; others aren't rotated by the platform), or undefined when none is. */
export function rotationStamp(secrets: readonly string[], stamps: RotationStamps): string | undefined {
  const known = [...new Set(secrets)].filter((s) => stamps[s] !== undefined).sort();
  return known.length === 0 ? undefined : known.map((s) => `${s}=${stamps[s]}`).join(",");
}

/** `{ [SECRET_ROTATION_ANNOTATION]: stamp }` for the named secrets, or `{}` when none is rotatable. */
export function rotationAnnotationsFor(secrets: readonly string[], stamps: RotationStamps): Record<string, string> {
  const stamp = rotationStamp(secrets, stamps);
  return stamp === undefined ? {} : { [SECRET_ROTATION_ANNOTATION]: stamp };
}

/** The rotation annotation of a pod spec: the stamp of every generated secret it reads (`{}` when none). */
export function rotationAnnotations(podSpec: unknown, stamps: RotationStamps): Record<string, string> {
  return rotationAnnotationsFor(secretsReadBy(podSpec), stamps);
}
