/**
 * Runs Envoy Gateway's own translator (`egctl x translate`, v1.9.1, built from its Go
 * module by scripts/egctl.sh) on a stack's gateway objects, and reads what it says:
 * the loader's CRD-schema validation, the status it computes for every Gateway, route
 * and policy, and the Envoy xDS configuration it would push.
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { ROOT } from "../../render/run";
import { makeTempDir, removeDir, run } from "../procs";

type Obj = Record<string, any>;

/** The egctl binary: $PLATFORM_EGCTL (set by scripts/test.sh) or the toolchain cache. Never a skip. */
export function egctl(): string {
  const fromEnv = process.env.PLATFORM_EGCTL;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const r = run("bash", [join(ROOT, "scripts", "egctl.sh"), "--check"]);
  const path = r.stdout.trim();
  if (r.code !== 0 || !existsSync(path)) throw new Error('egctl is not built: run "npm test" (scripts/test.sh builds it with scripts/egctl.sh)');
  return path;
}

/** Kinds the gateway translator reads. */
export const GATEWAY_KINDS = new Set(["GatewayClass", "Gateway", "ListenerSet", "HTTPRoute", "GRPCRoute", "ReferenceGrant", "BackendTLSPolicy", "EnvoyProxy", "ClientTrafficPolicy", "BackendTrafficPolicy", "SecurityPolicy"]);

/** A self-signed certificate for these names, as cert-manager would leave it in the Certificate's Secret. */
function tlsSecret(name: string, namespace: string, dnsNames: readonly string[], dir: string): Obj {
  const key = join(dir, `${namespace}-${name}.key`);
  const crt = join(dir, `${namespace}-${name}.crt`);
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", `/CN=${dnsNames[0]}`, "-addext", `subjectAltName=${dnsNames.map((d) => `DNS:${d}`).join(",")}`, "-keyout", key, "-out", crt], { stdio: "ignore" });
  const b64 = (p: string) => execFileSync("base64", ["-w0", p], { encoding: "utf8" });
  // A self-signed issuer's Secret carries the certificate as its own CA (what a BackendTLSPolicy verifies against).
  return { apiVersion: "v1", kind: "Secret", type: "kubernetes.io/tls", metadata: { name, namespace }, data: { "tls.crt": b64(crt), "tls.key": b64(key), "ca.crt": b64(crt) } };
}

export interface TranslateInput {
  /** The render's objects (all kinds: the gateway's, Services, Namespaces, Certificates are picked from it). */
  readonly objects: readonly Obj[];
  /** Services installed by charts, which the render can't show (a recorded table of name and ports). */
  readonly chartServices?: readonly { readonly name: string; readonly namespace: string; readonly port: number; readonly portName?: string }[];
}

/** The translator's input for a stack: its gateway objects, the Services and Namespaces they name, and the TLS Secrets cert-manager would write. */
export function translatorInput(i: TranslateInput, dir: string): Obj[] {
  const docs: Obj[] = [];
  for (const o of i.objects) if (GATEWAY_KINDS.has(o.kind) || o.kind === "Service" || o.kind === "Namespace") docs.push(structuredClone(o));
  for (const s of i.chartServices ?? []) {
    docs.push({ apiVersion: "v1", kind: "Service", metadata: { name: s.name, namespace: s.namespace }, spec: { type: "ClusterIP", ports: [{ name: s.portName ?? "http", port: s.port, protocol: "TCP" }] } });
  }
  // The API server assigns each Service a cluster IP; Envoy Gateway routes to it (endpoint routing off, as egctl runs).
  let ip = 10;
  for (const d of docs) if (d.kind === "Service" && !d.spec.clusterIP) d.spec.clusterIP = `10.96.0.${ip++}`;
  const namespaces = new Set(docs.filter((d) => d.kind === "Namespace").map((d) => d.metadata.name));
  for (const o of i.objects) {
    if (o.kind !== "Certificate") continue;
    docs.push(tlsSecret(o.spec.secretName, o.metadata.namespace, o.spec.dnsNames, dir));
  }
  // Namespaces a chart creates (monitoring, the controller's) with the labels their creators set.
  for (const d of docs) {
    const ns = d.metadata?.namespace;
    if (ns && !namespaces.has(ns)) {
      namespaces.add(ns);
      docs.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns } } });
    }
  }
  return docs;
}

export interface Translation {
  readonly code: number;
  readonly stderr: string;
  /** The Gateway API resources with the status the translator computed. */
  readonly resources: Obj;
  /** xDS config dumps by `<namespace>/<gateway>`. */
  readonly xds: Record<string, { configs: Obj[] }>;
}

/** Runs `egctl x translate --from gateway-api --to gateway-api,xds` on the documents. */
export function translate(docs: readonly Obj[]): Translation {
  const dir = makeTempDir("egctl");
  try {
    const file = join(dir, "input.yaml");
    writeFileSync(file, docs.map((d) => yaml.dump(d, { noRefs: true, lineWidth: -1 })).join("---\n"));
    const r = run(egctl(), ["x", "translate", "--from", "gateway-api", "--to", "gateway-api,xds", "-t", "all", "-o", "json", "-f", file], { cwd: dir, timeout: 120_000 });
    if (r.code !== 0) return { code: r.code, stderr: r.stderr + r.stdout, resources: {}, xds: {} };
    const out = JSON.parse(r.stdout) as Obj;
    return { code: 0, stderr: r.stderr, resources: out, xds: (out.xds ?? {}) as Translation["xds"] };
  } finally {
    removeDir(dir);
  }
}

/** Same, with the TLS Secrets made in a temp dir. */
export function translateStack(i: TranslateInput): Translation {
  const dir = makeTempDir("egctl-certs");
  try {
    return translate(translatorInput(i, dir));
  } finally {
    removeDir(dir);
  }
}

const condition = (conds: Obj[] | undefined, type: string) => (conds ?? []).find((c) => c.type === type);

/**
 * Everything the translator did not accept: a Gateway or listener not accepted or with
 * unresolved references, a route whose parent or backend is wrong, a policy attached to
 * nothing or rejected. Empty when the stack's edge is sound.
 */
export function problems(t: Translation): string[] {
  if (t.code !== 0) return [`egctl failed: ${t.stderr.trim().slice(0, 1500)}`];
  const out: string[] = [];
  const r = t.resources;
  const id = (o: Obj) => `${o.kind ?? ""} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;
  if (condition(r.gatewayClass?.status?.conditions, "Accepted")?.status !== "True") out.push(`GatewayClass ${r.gatewayClass?.metadata?.name} not accepted`);
  for (const g of (r.gateways ?? []) as Obj[]) {
    // The Gateway's own conditions are the provider's to set (egctl leaves them empty): its listeners carry the verdict.
    if ((g.status?.listeners ?? []).length !== g.spec.listeners.length) out.push(`Gateway ${g.metadata.namespace}/${g.metadata.name}: listeners without status`);
    for (const l of (g.status?.listeners ?? []) as Obj[]) {
      for (const type of ["Accepted", "ResolvedRefs", "Programmed"]) {
        const c = condition(l.conditions, type);
        if (c?.status !== "True") out.push(`Gateway ${g.metadata.name} listener ${l.name}: ${type} ${c?.status} ${c?.reason} ${c?.message}`);
      }
    }
  }
  for (const kind of ["httpRoutes", "grpcRoutes"]) {
    for (const route of (r[kind] ?? []) as Obj[]) {
      const parents = (route.status?.parents ?? []) as Obj[];
      if (parents.length === 0) out.push(`${kind} ${route.metadata.namespace}/${route.metadata.name}: attached to no parent`);
      for (const p of parents) {
        for (const type of ["Accepted", "ResolvedRefs"]) {
          const c = condition(p.conditions, type);
          if (c?.status !== "True") out.push(`${kind} ${route.metadata.namespace}/${route.metadata.name} → ${p.parentRef?.sectionName}: ${type} ${c?.status} ${c?.reason} ${c?.message}`);
        }
      }
    }
  }
  for (const kind of ["clientTrafficPolicies", "backendTrafficPolicies", "securityPolicies"]) {
    for (const p of (r[kind] ?? []) as Obj[]) {
      const ancestors = (p.status?.ancestors ?? []) as Obj[];
      if (ancestors.length === 0) out.push(`${kind} ${p.metadata.namespace}/${p.metadata.name}: attached to nothing`);
      for (const a of ancestors) {
        const c = condition(a.conditions, "Accepted");
        if (c?.status !== "True") out.push(`${kind} ${p.metadata.namespace}/${p.metadata.name}: ${c?.reason} ${c?.message}`);
      }
    }
  }
  void id;
  return out;
}
