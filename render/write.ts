/**
 * Turns a recorded run into the files of `out/<stack>/`: Kubernetes objects
 * per component (namespaces and CRDs first), Helm releases with pinned chart,
 * version, repository and values, AWS resources with their inputs, and a
 * README with a resource table and a Mermaid diagram. Secret values never
 * appear: Secret data and every secret-marked input become placeholders.
 * Deterministic: the same input gives byte-identical files.
 */
import * as yaml from "js-yaml";
import { isSecretValue, mapSecrets, type RecordedResource, type ResourceRecorder } from "./mocks";
import type { RunResult } from "./run";

export const SECRET_PLACEHOLDER = "<secret: redacted>";
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
/** Release manifests applied by URL (yaml/v2 ConfigFile): the render records which pinned file. */
export const CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile";

const KIND_ORDER = [
  "Namespace",
  "CustomResourceDefinition",
  "PriorityClass",
  "StorageClass",
  "ClusterRole",
  "ClusterRoleBinding",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "Secret",
  "ConfigMap",
  "PersistentVolumeClaim",
  "Service",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "NetworkPolicy",
  "Ingress",
];

function kindRank(obj: Record<string, unknown>): number {
  const i = KIND_ORDER.indexOf(String(obj.kind));
  if (i >= 0) return i;
  const group = String(obj.apiVersion).split("/");
  // Built-in groups (no dot, or *.k8s.io) before custom resources.
  return group.length === 1 || !group[0]!.includes(".") || group[0]!.endsWith(".k8s.io") ? KIND_ORDER.length : KIND_ORDER.length + 10;
}

/** js-yaml key order: apiVersion, kind, metadata first, then alphabetical. */
function keyOrder(a: string, b: string): number {
  const head = ["apiVersion", "kind", "metadata", "name", "namespace"];
  const ia = head.indexOf(a);
  const ib = head.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function toYaml(v: unknown): string {
  return yaml.dump(v, { sortKeys: keyOrder, lineWidth: -1, noRefs: true, quotingType: '"' });
}

/** Removes undefined/null fields so the YAML shows what is sent. */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || x === null) continue;
      out[k] = clean(x);
    }
    return out;
  }
  return v;
}

/** The object as sent, with every secret-marked value replaced by a placeholder. */
export function redact(inputs: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...inputs };
  if (raw.kind === "Secret" && raw.apiVersion === "v1") {
    // A Secret's whole data map arrives marked secret: keep its keys, never its values.
    for (const field of ["data", "stringData"]) {
      let d = raw[field];
      if (isSecretValue(d)) d = d.value;
      if (typeof d !== "object" || d === null) continue;
      const placeholders: Record<string, string> = {};
      for (const k of Object.keys(d).sort()) placeholders[k] = SECRET_PLACEHOLDER;
      raw[field] = placeholders;
    }
  }
  return clean(mapSecrets(raw, () => SECRET_PLACEHOLDER)) as Record<string, unknown>;
}

export function isKubernetesObject(r: RecordedResource): boolean {
  return r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh") && typeof r.inputs.kind === "string" && typeof r.inputs.apiVersion === "string";
}

/** The component a resource belongs to: its ancestor right below the Platform root. */
export function componentResourceOf(rec: ResourceRecorder, r: RecordedResource): RecordedResource {
  const chain = [...rec.ancestors(r), r];
  const rootIdx = chain.findIndex((x) => x.type === "platform:index:Platform");
  const below = rootIdx >= 0 ? chain[rootIdx + 1] : chain[0];
  return below ?? r;
}

export function componentOf(rec: ResourceRecorder, r: RecordedResource): string {
  return componentResourceOf(rec, r).name;
}

export interface RenderedFiles {
  /** Relative path → content. */
  readonly files: Map<string, string>;
  /** Rows of (component, kind, count) for the summary table. */
  readonly table: { component: string; kind: string; count: number }[];
}

function metaOf(obj: Record<string, unknown>): { name?: string; namespace?: string } {
  return (obj.metadata ?? {}) as { name?: string; namespace?: string };
}

export function renderFiles(run: RunResult): RenderedFiles {
  const rec = run.recorder;
  const files = new Map<string, string>();
  const counts = new Map<string, number>();
  const count = (component: string, kind: string) => counts.set(`${component}\u0000${kind}`, (counts.get(`${component}\u0000${kind}`) ?? 0) + 1);

  // Kubernetes objects, grouped by component.
  const groups = new Map<string, { objects: Record<string, unknown>[]; firstSeq: number }>();
  for (const r of rec.resources) {
    if (!isKubernetesObject(r)) continue;
    const obj = redact(r.inputs);
    if (!metaOf(obj).name) throw new Error(`render: ${r.type} ${r.name} has no explicit metadata.name`);
    const owner = componentResourceOf(rec, r);
    const component = owner.name;
    // Components register synchronously in program order: a stable file order.
    const g = groups.get(component) ?? { objects: [], firstSeq: owner.seq };
    g.objects.push(obj);
    groups.set(component, g);
    count(component, String(obj.kind));
  }
  const groupRank = (g: { objects: Record<string, unknown>[] }) => Math.min(...g.objects.map((o) => (o.kind === "Namespace" ? 0 : o.kind === "CustomResourceDefinition" ? 1 : 2)));
  const ordered = [...groups.entries()].sort(([an, a], [bn, b]) => groupRank(a) - groupRank(b) || a.firstSeq - b.firstSeq || an.localeCompare(bn));
  ordered.forEach(([component, g], i) => {
    const objs = [...g.objects].sort((a, b) => {
      const ma = metaOf(a);
      const mb = metaOf(b);
      return kindRank(a) - kindRank(b) || String(a.kind).localeCompare(String(b.kind)) || (ma.namespace ?? "").localeCompare(mb.namespace ?? "") || (ma.name ?? "").localeCompare(mb.name ?? "");
    });
    files.set(`kubernetes/${String(i + 1).padStart(2, "0")}-${component}.yaml`, objs.map((o) => `---\n${toYaml(o)}`).join(""));
  });

  // Helm releases.
  for (const r of rec.byType(HELM_RELEASE)) {
    const inp = redact(r.inputs);
    const release = {
      name: inp.name,
      namespace: inp.namespace,
      chart: inp.chart,
      version: inp.version,
      repository: (inp.repositoryOpts as { repo?: string } | undefined)?.repo,
      createNamespace: inp.createNamespace ?? false,
      skipCrds: inp.skipCrds ?? false,
      atomic: inp.atomic,
      timeout: inp.timeout,
      values: inp.values ?? {},
    };
    if (!release.name || !release.version) throw new Error(`render: Helm release ${r.name} must have an explicit name and a pinned version`);
    files.set(`helm/${String(release.name)}.yaml`, toYaml(release));
    count(componentOf(rec, r), "HelmRelease");
  }

  // Release manifests applied from a pinned URL (the objects in them are only known to the engine).
  const manifests = rec
    .byType(CONFIG_FILE)
    .map((r) => ({ name: r.name, component: componentOf(rec, r), file: String(r.inputs.file ?? "") }))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const m of manifests) {
    // A GitHub release asset, or a file of a repository at a version tag (the Keycloak operator publishes its manifests so).
    const pinned = /^https:\/\/.+\/releases\/download\/v?[0-9]+\.[0-9]+\.[0-9]+\//.test(m.file) || /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/v?[0-9]+\.[0-9]+\.[0-9]+\//.test(m.file);
    if (!pinned) throw new Error(`render: ConfigFile ${m.name} must name a pinned release asset, got ${JSON.stringify(m.file)}`);
    count(m.component, "ReleaseManifest");
  }
  if (manifests.length > 0) files.set("manifests.yaml", toYaml(manifests));

  // AWS resources.
  const awsResources = rec.resources
    .filter((r) => r.custom && r.type.startsWith("aws:"))
    .map((r) => ({ type: r.type, name: r.name, inputs: redact(r.inputs) }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  for (const r of rec.resources.filter((x) => x.custom && x.type.startsWith("aws:"))) count(componentOf(rec, r), r.type.split(":").pop()!);
  if (awsResources.length > 0) files.set("aws/resources.yaml", toYaml(awsResources));

  for (const r of rec.resources.filter((x) => x.custom && x.type.startsWith("random:"))) count(componentOf(rec, r), r.type.split(":").pop()!);

  const table = [...counts.entries()]
    .map(([k, n]) => {
      const [component, kind] = k.split("\u0000") as [string, string];
      return { component, kind, count: n };
    })
    .sort((a, b) => a.component.localeCompare(b.component) || a.kind.localeCompare(b.kind));
  files.set("README.md", readme(run, table, [...files.keys()].sort()));
  return { files, table };
}

export function formatTable(table: RenderedFiles["table"]): string {
  const rows = [["component", "kind", "count"], ...table.map((r) => [r.component, r.kind, String(r.count)])];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r, j) => (j === 1 ? `${w.map((n) => "-".repeat(n)).join("-+-")}\n` : "") + r.map((c, i) => c.padEnd(w[i]!)).join(" | ")).join("\n");
}

function readme(run: RunResult, table: RenderedFiles["table"], paths: string[]): string {
  const topo = (run.outputs.topology ?? { nodes: [], edges: [] }) as { nodes: { id: string; label: string }[]; edges: { from: string; to: string; label: string }[] };
  const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
  const mermaid = [
    "flowchart LR",
    ...topo.nodes.map((n) => `  ${id(n.id)}["${n.label.replace(/"/g, "'")}"]`),
    ...topo.edges.map((e) => `  ${id(e.from)} -->|${e.label.replace(/[|"]/g, " ")}| ${id(e.to)}`),
  ].join("\n");
  const total = table.reduce((n, r) => n + r.count, 0);
  return [
    `# Stack \`${run.stack}\` — offline render`,
    "",
    `Generated by \`npm run render -- --stack ${run.stack}\` from the real program under Pulumi's mocks: what \`pulumi up\` would send. Secret values are replaced by \`${SECRET_PLACEHOLDER}\`.`,
    "",
    `Namespace: \`${String(run.outputs.namespace ?? "")}\`. ${total} resources.`,
    "",
    "## Resources per component and kind",
    "",
    "| component | kind | count |",
    "| --- | --- | ---: |",
    ...table.map((r) => `| ${r.component} | ${r.kind} | ${r.count} |`),
    "",
    "## Components and connections",
    "",
    "```mermaid",
    mermaid,
    "```",
    "",
    "## Files",
    "",
    ...paths.filter((p) => p !== "README.md").map((p) => `- [${p}](${p})`),
    "",
  ].join("\n");
}
