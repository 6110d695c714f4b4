/**
 * Checks of one resource at a time: every container's requests and limits,
 * probes, the Pod Security "restricted" profile, pinned images and charts,
 * and no secret written as a literal into an environment variable or a
 * ConfigMap. Each returns the violations of that resource (none: it passes).
 */
import { isPinnedImage } from "../stacks/config";
import type { Violation } from "./inventory";
import { describe, isHelmRelease, isKubeObject, kubeObject, type StackResource } from "./resources";
import { workloads, type Container, type Workload } from "./workloads";

function allContainers(w: Workload): { c: Container; init: boolean }[] {
  return [...w.pod.containers.map((c) => ({ c, init: false })), ...w.pod.initContainers.map((c) => ({ c, init: true }))];
}

function v(policy: string, w: Workload | { id: string; object: { resource: StackResource } }, message: string): Violation {
  return { policy, subject: w.id, urn: w.object.resource.urn, message: `${w.id}: ${message}` };
}

/** requests.cpu, requests.memory and limits.memory on every container (a CPU limit is left to the team: it throttles). */
export function checkResources(r: StackResource): Violation[] {
  const out: Violation[] = [];
  for (const w of workloads([r])) {
    if (w.pod.containers.length === 0) out.push(v("workload-resources", w, "has no containers to size"));
    for (const { c, init } of allContainers(w)) {
      const missing = [
        c.resources?.requests?.cpu ? "" : "requests.cpu",
        c.resources?.requests?.memory ? "" : "requests.memory",
        c.resources?.limits?.memory ? "" : "limits.memory",
      ].filter(Boolean);
      if (missing.length > 0) out.push(v("workload-resources", w, `${init ? "init " : ""}container "${c.name}" sets no ${missing.join(", ")}`));
    }
  }
  return out;
}

/** A readiness probe on every container; a liveness probe too, except where the operator supervises the process itself. */
export function checkProbes(r: StackResource): Violation[] {
  const out: Violation[] = [];
  for (const w of workloads([r])) {
    for (const c of w.pod.containers) {
      const liveByOperator = w.operator?.probes.liveness === false && w.templateBy === "operator";
      if (!c.readinessProbe) out.push(v("workload-probes", w, `container "${c.name}" has no readinessProbe`));
      if (!c.livenessProbe && !liveByOperator) out.push(v("workload-probes", w, `container "${c.name}" has no livenessProbe`));
    }
  }
  return out;
}

const ALLOWED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "name"];

/** The Pod Security Standard "restricted" profile (Kubernetes v1.36), for pods the stack writes; operator pods by the operator's recorded guarantee. */
export function checkRestricted(r: StackResource): Violation[] {
  const out: Violation[] = [];
  for (const w of workloads([r])) {
    // Operator pods whose security contexts come from a template the stack writes (Keycloak's podTemplate) are checked like the stack's.
    if (w.templateBy === "operator" && !w.operator?.securityFromTemplate) {
      if (!w.operator?.restricted) out.push(v("restricted-pods", w, `the operator (${w.operator?.source}) does not guarantee restricted pods`));
      continue;
    }
    const pod = w.pod.spec;
    const psc = (pod.securityContext ?? {}) as Record<string, any>;
    for (const f of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[f] === true) out.push(v("restricted-pods", w, `sets ${f}: true`));
    for (const vol of (pod.volumes ?? []) as Record<string, unknown>[]) {
      const type = Object.keys(vol).find((k) => k !== "name");
      if (type && !ALLOWED_VOLUMES.includes(type)) out.push(v("restricted-pods", w, `volume "${String(vol.name)}" is a ${type} volume`));
    }
    if (psc.runAsUser === 0) out.push(v("restricted-pods", w, "runs as user 0 (root)"));
    for (const { c, init } of allContainers(w)) {
      const sc = (c.securityContext ?? {}) as Record<string, any>;
      const who = `${init ? "init " : ""}container "${c.name}"`;
      if (sc.privileged === true) out.push(v("restricted-pods", w, `${who} is privileged`));
      if (sc.allowPrivilegeEscalation !== false) out.push(v("restricted-pods", w, `${who} does not set allowPrivilegeEscalation: false`));
      const drop = ((sc.capabilities?.drop ?? []) as string[]).map((x) => x.toUpperCase());
      if (!drop.includes("ALL")) out.push(v("restricted-pods", w, `${who} does not drop ALL capabilities`));
      const add = ((sc.capabilities?.add ?? []) as string[]).filter((x) => x.toUpperCase() !== "NET_BIND_SERVICE");
      if (add.length > 0) out.push(v("restricted-pods", w, `${who} adds capabilities ${add.join(", ")}`));
      if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) out.push(v("restricted-pods", w, `${who} does not set runAsNonRoot: true (container or pod)`));
      if (sc.runAsUser === 0) out.push(v("restricted-pods", w, `${who} runs as user 0 (root)`));
      const seccomp = (sc.seccompProfile ?? psc.seccompProfile)?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(v("restricted-pods", w, `${who} has no RuntimeDefault or Localhost seccompProfile (container or pod)`));
      for (const p of c.ports ?? []) if (p.hostPort) out.push(v("restricted-pods", w, `${who} uses hostPort ${p.hostPort}`));
    }
  }
  return out;
}

/** A chart version is pinned when it is one exact version (no range, no "latest"). */
export function isPinnedChartVersion(version: unknown): boolean {
  return typeof version === "string" && /^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/.test(version);
}

/** Every container image pinned; every Helm chart at an exact version. */
export function checkPinnedImages(r: StackResource): Violation[] {
  const out: Violation[] = [];
  if (isHelmRelease(r)) {
    if (!isPinnedChartVersion(r.props.version)) {
      const subject = `Helm release ${String(r.props.name ?? r.name)}`;
      out.push({ policy: "pinned-images", subject, urn: r.urn, message: `${subject}: chart ${String(r.props.chart)} is not pinned to an exact version (got ${JSON.stringify(r.props.version ?? null)})` });
    }
    return out;
  }
  for (const w of workloads([r])) {
    for (const { c } of allContainers(w)) {
      // Operator workloads may leave the image to the operator's pinned default.
      if (c.image === undefined && w.templateBy === "operator") continue;
      if (!c.image || !isPinnedImage(c.image)) out.push(v("pinned-images", w, `container "${c.name}" image ${JSON.stringify(c.image ?? null)} is not pinned (a tag other than latest, or a digest)`));
    }
  }
  return out;
}

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY)$/i;
const REFERENCE_NAME = /_(FILE|PATH|DIR|NAME|ID|URL_PATH)$/i;
const SECRET_VALUE: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/\bAKIA[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\b(xox[abprs]-[0-9A-Za-z-]{10,}|gh[pousr]_[0-9A-Za-z]{30,})\b/, "an API token"],
  [/hooks\.slack\.com\/services\/[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+/, "a Slack webhook URL"],
  [/[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/$<{]+@/i, "a URL with a password"],
];
const CONFIG_ASSIGNMENT = /(?:^|[\s{,"'])(password|passwd|secret|token|api[_-]?key|private[_-]?key)["']?\s*[:=]\s*["']?([^\s"',}]+)/im;
const PLACEHOLDER = /^(\$|<|\{\{|%|\*+$|changeme$|redacted)/i;

function literalSecret(name: string, value: string): string | undefined {
  for (const [re, what] of SECRET_VALUE) if (re.test(value)) return what;
  if (value.trim() !== "" && SECRET_NAME.test(name) && !REFERENCE_NAME.test(name) && !PLACEHOLDER.test(value.trim())) return "a secret-named literal";
  return undefined;
}

/** No secret as a literal in a container's environment or in a ConfigMap: secrets go in Secrets (secretKeyRef). */
export function checkSecretLiterals(r: StackResource): Violation[] {
  const out: Violation[] = [];
  for (const w of workloads([r])) {
    for (const { c } of allContainers(w)) {
      for (const e of c.env ?? []) {
        if (typeof e.value !== "string") continue;
        const what = literalSecret(e.name, e.value);
        if (what) out.push(v("no-secret-literals", w, `container "${c.name}" env ${e.name} holds ${what}; use valueFrom.secretKeyRef`));
      }
    }
  }
  if (isKubeObject(r)) {
    const o = kubeObject(r);
    if (o.kind === "ConfigMap" && o.apiVersion === "v1") {
      const id = describe(o);
      for (const [k, val] of Object.entries({ ...((o.obj.data ?? {}) as Record<string, string>) })) {
        if (typeof val !== "string") continue;
        let what = literalSecret(k.replace(/[.-]/g, "_"), val);
        if (!what) {
          const m = CONFIG_ASSIGNMENT.exec(val);
          if (m && !PLACEHOLDER.test(m[2]!)) what = `a ${m[1]!.toLowerCase()} assignment`;
        }
        if (what) out.push({ policy: "no-secret-literals", subject: id, urn: r.urn, message: `${id}: key "${k}" holds ${what}; put it in a Secret` });
      }
    }
  }
  return out;
}
