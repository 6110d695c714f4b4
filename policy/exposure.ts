/**
 * Public routes and what they reach. A route (Ingress, Gateway API HTTPRoute
 * or GRPCRoute, or a chart's `ingress.enabled` values) is public unless its
 * Ingress class, its Gateway, or the route itself is marked internal
 * (annotation or label `platform.dev/exposure: internal`, or named in the
 * policy config). An admin surface is:
 * - a path the stack itself shows is a management endpoint of the backend: the
 *   scrape path of a monitor on that port, a probe path under `/actuator`,
 *   `/management`, `/admin` or `/q` (Spring Boot, Quarkus);
 * - an admin path of a known server image (Keycloak's `/admin` console);
 * - a Service port named for management (`management`, `admin`, `metrics`, ...);
 * - an operator UI installed by a chart (Grafana, Prometheus, Alertmanager, ...).
 */
import type { Inventory, Violation } from "./inventory";
import { scrapeTargets } from "./observability";
import { describe, type KubeObject, selects } from "./resources";

export interface ExposureConfig {
  /** Ingress classes that only serve internal networks. */
  readonly internalIngressClasses?: readonly string[];
  /** Gateways (`name` or `namespace/name`) that only serve internal networks. */
  readonly internalGateways?: readonly string[];
}

export interface Route {
  readonly object?: KubeObject;
  /** `Ingress ns/name`, `HTTPRoute ns/name`, `Helm release kube-prometheus-stack (grafana.ingress)`. */
  readonly id: string;
  readonly urn?: string;
  readonly hosts: readonly string[];
  readonly public: boolean;
  readonly tls: boolean | undefined;
  readonly paths: readonly { type: "Prefix" | "Exact" | "Regex"; value: string; service?: string; port?: string | number }[];
  /** For chart-made routes: the values key (e.g. `grafana`). */
  readonly chartSurface?: string;
}

const INTERNAL = (o: { labels: Readonly<Record<string, string>>; annotations: Readonly<Record<string, string>> }) =>
  o.annotations["platform.dev/exposure"] === "internal" || o.labels["platform.dev/exposure"] === "internal";

const ADMIN_PORT_NAMES = /^(https?-)?(admin|management|mgmt|metrics|http-metrics|prometheus|monitoring|debug|pprof)$/;
const ADMIN_PREFIXES = ["/actuator", "/management", "/admin", "/q"];
/** Admin paths of server images, by image name. Append when a component adds a server with a console. */
export const ADMIN_PATHS_BY_IMAGE: readonly { image: RegExp; paths: readonly string[] }[] = [
  { image: /(^|\/)keycloak(:|@|$)/, paths: ["/admin"] },
  { image: /(^|\/)rabbitmq(:|@|$)/, paths: ["/api", "/#"] },
];
/** Values keys of charts whose `ingress` exposes an operator UI. */
const ADMIN_CHART_KEYS = /^(grafana|prometheus|alertmanager|thanos.*|kibana|pgadmin.*|adminer|rabbitmq|keycloak.*|argocd.*|dashboard)$/i;

/** Every route of the stack, with whether it is public. */
export function routes(inv: Inventory, cfg: ExposureConfig = {}): Route[] {
  const out: Route[] = [];
  const internalClasses = new Set(cfg.internalIngressClasses ?? []);
  for (const o of inv.ofKind("Ingress")) {
    const cls = String(o.spec.ingressClassName ?? o.annotations["kubernetes.io/ingress.class"] ?? "");
    const tlsHosts = new Set(((o.spec.tls ?? []) as { hosts?: string[] }[]).flatMap((t) => t.hosts ?? []));
    const hosts: string[] = [];
    const paths: Route["paths"][number][] = [];
    for (const rule of (o.spec.rules ?? []) as { host?: string; http?: { paths?: any[] } }[]) {
      if (rule.host) hosts.push(rule.host);
      for (const p of rule.http?.paths ?? []) {
        const type = p.pathType === "Exact" ? "Exact" : "Prefix";
        paths.push({ type, value: String(p.path ?? "/"), service: p.backend?.service?.name, port: p.backend?.service?.port?.name ?? p.backend?.service?.port?.number });
      }
    }
    out.push({ object: o, id: describe(o), urn: o.resource.urn, hosts, public: !INTERNAL(o) && !internalClasses.has(cls), tls: hosts.length > 0 && hosts.every((h) => tlsHosts.has(h)), paths });
  }
  const gateways = inv.objects.filter((o) => o.kind === "Gateway" && o.apiVersion.startsWith("gateway.networking.k8s.io/"));
  const internalGateways = new Set(cfg.internalGateways ?? []);
  for (const o of inv.objects.filter((x) => (x.kind === "HTTPRoute" || x.kind === "GRPCRoute") && x.apiVersion.startsWith("gateway.networking.k8s.io/"))) {
    const parents = (o.spec.parentRefs ?? []) as { name: string; namespace?: string; sectionName?: string }[];
    const parentGateways = parents.map((p) => ({ ref: p, gw: gateways.find((g) => g.name === p.name && g.namespace === (p.namespace ?? o.namespace)) }));
    const isInternal = (p: (typeof parentGateways)[number]) =>
      internalGateways.has(p.ref.name) || internalGateways.has(`${p.ref.namespace ?? o.namespace}/${p.ref.name}`) || (p.gw !== undefined && INTERNAL(p.gw));
    const hosts = (o.spec.hostnames ?? []) as string[];
    const tls = parentGateways.every((p) => {
      if (!p.gw) return true; // the cluster's gateway: not in this render
      const listeners = (p.gw.spec.listeners ?? []) as { name: string; protocol: string }[];
      const used = p.ref.sectionName ? listeners.filter((l) => l.name === p.ref.sectionName) : listeners;
      return used.length > 0 && used.every((l) => l.protocol === "HTTPS" || l.protocol === "TLS");
    });
    const paths: Route["paths"][number][] = [];
    for (const rule of (o.spec.rules ?? []) as { matches?: { path?: { type?: string; value?: string } }[]; backendRefs?: { name: string; port?: number; kind?: string }[] }[]) {
      const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
      for (const b of (rule.backendRefs ?? []).filter((x) => (x.kind ?? "Service") === "Service")) {
        for (const m of matches) {
          const type = m.path?.type === "Exact" ? "Exact" : m.path?.type === "RegularExpression" ? "Regex" : "Prefix";
          paths.push({ type, value: m.path?.value ?? "/", service: b.name, port: b.port });
        }
      }
    }
    out.push({ object: o, id: describe(o), urn: o.resource.urn, hosts, public: !INTERNAL(o) && !(parentGateways.length > 0 && parentGateways.every(isInternal)), tls, paths });
  }
  for (const r of inv.helmReleases) {
    const walk = (node: unknown, key: string, depth: number) => {
      if (typeof node !== "object" || node === null || depth > 4) return;
      const ing = (node as Record<string, any>).ingress;
      if (ing && typeof ing === "object" && ing.enabled === true) {
        const hosts = ((ing.hosts ?? []) as (string | { host?: string })[]).map((h) => (typeof h === "string" ? h : String(h.host ?? ""))).filter(Boolean);
        const tlsHosts = new Set(((ing.tls ?? []) as { hosts?: string[] }[]).flatMap((t) => t.hosts ?? []));
        const internal = ing.annotations?.["platform.dev/exposure"] === "internal" || internalClasses.has(String(ing.ingressClassName ?? ""));
        const id = `Helm release ${String(r.props.name ?? r.name)} (${key ? `${key}.` : ""}ingress)`;
        out.push({ id, urn: r.urn, hosts, public: !internal, tls: hosts.every((h) => tlsHosts.has(h)), paths: [{ type: "Prefix", value: String(ing.path ?? "/") }], chartSurface: key.split(".").pop() || String(r.props.chart ?? "") });
      }
      for (const [k, child] of Object.entries(node as Record<string, unknown>)) if (k !== "ingress") walk(child, key ? `${key}.${k}` : k, depth + 1);
    };
    walk(r.props.values, "", 0);
  }
  return out;
}

function reaches(p: Route["paths"][number], path: string): boolean {
  if (p.type === "Exact") return p.value === path;
  if (p.type === "Regex") {
    try {
      return new RegExp(`^(?:${p.value})`).test(path);
    } catch {
      return true;
    }
  }
  const prefix = p.value.replace(/\/+$/, "");
  return prefix === "" || path === prefix || path.startsWith(`${prefix}/`);
}

/** The admin surfaces a public route reaches, as readable phrases. */
export function adminSurfaces(route: Route, inv: Inventory): string[] {
  const found = new Set<string>();
  if (route.chartSurface !== undefined && ADMIN_CHART_KEYS.test(route.chartSurface)) found.add(`the ${route.chartSurface} UI`);
  for (const p of route.paths) {
    if (!p.service) continue;
    const ns = route.object?.namespace ?? "";
    const svc = inv.objects.find((o) => o.kind === "Service" && o.namespace === ns && o.name === p.service);
    if (!svc) continue;
    const sp = ((svc.spec.ports ?? []) as { name?: string; port: number; targetPort?: string | number }[]).find((x) => x.name === p.port || x.port === Number(p.port));
    if (!sp) continue;
    if (sp.name && ADMIN_PORT_NAMES.test(sp.name)) found.add(`Service ${ns}/${svc.name} port "${sp.name}"`);
    const target = sp.targetPort ?? sp.port;
    for (const w of inv.workloads.filter((x) => x.namespace === ns && selects({ matchLabels: svc.spec.selector ?? {} }, x.pod.labels))) {
      for (const c of w.pod.containers) {
        const cp = (c.ports ?? []).find((x) => x.name === target || x.containerPort === Number(target));
        if (!cp) continue;
        for (const t of scrapeTargets(w, inv.objects, { ...inv.monitoring, monitorSelector: undefined }).filter((t) => t.port === cp.containerPort)) {
          if (reaches(p, t.path)) found.add(`the metrics endpoint ${t.path} of ${w.id}`);
        }
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe] as { httpGet?: { path?: string; port?: string | number } }[]) {
          const path = probe?.httpGet?.path;
          const port = probe?.httpGet?.port;
          if (!path || (port !== cp.name && Number(port) !== cp.containerPort)) continue;
          const admin = ADMIN_PREFIXES.find((a) => path === a || path.startsWith(`${a}/`));
          if (admin && reaches(p, admin)) found.add(`the management endpoints under ${admin} of ${w.id}`);
        }
        for (const known of ADMIN_PATHS_BY_IMAGE.filter((k) => c.image && k.image.test(c.image))) {
          for (const a of known.paths) if (reaches(p, a)) found.add(`${a} of ${w.id}`);
        }
      }
    }
  }
  return [...found].sort();
}

/** No public route reaches an admin surface. */
export function checkAdminRoutes(inv: Inventory, cfg: ExposureConfig = {}): Violation[] {
  const out: Violation[] = [];
  for (const r of routes(inv, cfg)) {
    if (!r.public) continue;
    const surfaces = adminSurfaces(r, inv);
    if (surfaces.length > 0) {
      out.push({ policy: "no-public-admin-routes", subject: r.id, urn: r.urn, message: `${r.id} (${r.hosts.join(", ") || "any host"}) publicly reaches ${surfaces.join("; ")}: serve it on an internal listener, or mark the route platform.dev/exposure: internal` });
    }
  }
  return out;
}
