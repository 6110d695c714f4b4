/**
 * What the edge of a rendered stack exposes, read from the objects as the API
 * defines them: every (host, path prefix) a client on the internet can reach,
 * the Service port and container port it lands on, and the per-client rate
 * limit that applies to it. Understands both edges the library can render:
 * Gateway API (HTTPRoute + Envoy Gateway BackendTrafficPolicy) and an Ingress
 * (with ingress-nginx's `limit-rpm` annotation, the library's old edge).
 */

type Obj = Record<string, any>;

export interface Exposure {
  readonly via: "HTTPRoute" | "Ingress";
  /** The route object's name. */
  readonly route: string;
  readonly namespace: string;
  readonly host: string;
  readonly pathPrefix: string;
  /** Which listener of the gateway the route attaches to (`sectionName`), when a Gateway route. */
  readonly listener?: string;
  readonly service: string;
  /** The container port the traffic lands on, resolved through the Service and the pod template. */
  readonly containerPort?: number;
  /** Requests per minute per client address, when limited. */
  readonly perClientPerMinute?: number;
}

export interface MetricsEndpoint {
  readonly monitor: string;
  readonly namespace: string;
  readonly service: string;
  readonly path: string;
  readonly containerPort?: number;
}

const ofKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);

/** The container port a Service port (by name or number) forwards to, looking up the selected pods' named ports. */
export function containerPortOf(objs: Obj[], namespace: string, service: string, port: string | number): number | undefined {
  const svc = ofKind(objs, "Service").find((s) => s.metadata.name === service && s.metadata.namespace === namespace);
  if (!svc) return undefined;
  const sp = (svc.spec.ports as Obj[]).find((p) => (typeof port === "number" ? p.port === port : p.name === port));
  if (!sp) return undefined;
  const target = sp.targetPort ?? sp.port;
  if (typeof target === "number") return target;
  const sel = svc.spec.selector as Record<string, string>;
  for (const d of [...ofKind(objs, "Deployment"), ...ofKind(objs, "StatefulSet")]) {
    if (d.metadata.namespace !== namespace) continue;
    const labels = d.spec.template.metadata.labels as Record<string, string>;
    if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) continue;
    for (const c of d.spec.template.spec.containers as Obj[]) {
      const p = ((c.ports ?? []) as Obj[]).find((x) => x.name === target);
      if (p) return p.containerPort as number;
    }
  }
  return undefined;
}

function perMinute(limit: { requests: number; unit: string }): number {
  const per = { Second: 1 / 60, Minute: 1, Hour: 60, Day: 1440 }[limit.unit] ?? NaN;
  return limit.requests / per;
}

/** The per-client-address limit an Envoy Gateway BackendTrafficPolicy puts on an HTTPRoute, if any. */
function routeLimit(objs: Obj[], namespace: string, route: string): number | undefined {
  for (const p of ofKind(objs, "BackendTrafficPolicy")) {
    if (p.metadata.namespace !== namespace) continue;
    const refs = (p.spec.targetRefs ?? (p.spec.targetRef ? [p.spec.targetRef] : [])) as Obj[];
    if (!refs.some((r) => r.kind === "HTTPRoute" && r.name === route)) continue;
    for (const rule of (p.spec.rateLimit?.local?.rules ?? []) as Obj[]) {
      const distinctIp = ((rule.clientSelectors ?? []) as Obj[]).some((s) => s.sourceCIDR?.type === "Distinct");
      if (distinctIp) return perMinute(rule.limit);
    }
  }
  return undefined;
}

/** Every (host, path prefix) the render exposes at the edge. */
export function exposures(objs: Obj[]): Exposure[] {
  const out: Exposure[] = [];
  for (const ing of ofKind(objs, "Ingress")) {
    const ns = ing.metadata.namespace as string;
    const rpm = ing.metadata.annotations?.["nginx.ingress.kubernetes.io/limit-rpm"];
    for (const rule of ing.spec.rules as Obj[]) {
      for (const p of rule.http.paths as Obj[]) {
        const svc = p.backend.service;
        out.push({
          via: "Ingress",
          route: ing.metadata.name,
          namespace: ns,
          host: rule.host,
          pathPrefix: p.path ?? "/",
          service: svc.name,
          containerPort: containerPortOf(objs, ns, svc.name, svc.port.name ?? svc.port.number),
          perClientPerMinute: rpm === undefined ? undefined : Number(rpm),
        });
      }
    }
  }
  for (const r of ofKind(objs, "HTTPRoute")) {
    const ns = r.metadata.namespace as string;
    const limit = routeLimit(objs, ns, r.metadata.name);
    const listeners = ((r.spec.parentRefs ?? []) as Obj[]).map((p) => p.sectionName as string | undefined);
    for (const rule of (r.spec.rules ?? []) as Obj[]) {
      const backends = (rule.backendRefs ?? []) as Obj[];
      if (backends.length === 0) continue; // a redirect: nothing is reached
      const matches = (rule.matches ?? [{ path: { type: "PathPrefix", value: "/" } }]) as Obj[];
      for (const host of (r.spec.hostnames ?? ["*"]) as string[]) {
        for (const m of matches) {
          for (const b of backends) {
            for (const listener of listeners) {
              out.push({
                via: "HTTPRoute",
                route: r.metadata.name,
                namespace: ns,
                host,
                pathPrefix: m.path?.value ?? "/",
                listener,
                service: b.name,
                containerPort: containerPortOf(objs, b.namespace ?? ns, b.name, b.port),
                perClientPerMinute: limit,
              });
            }
          }
        }
      }
    }
  }
  return out;
}

/** The exposure a request for host + path is routed by: the longest matching path prefix (both APIs agree on that). */
export function routeFor(all: Exposure[], host: string, path: string): Exposure | undefined {
  const covers = (prefix: string) => prefix === "/" || path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);
  return all.filter((e) => e.host === host && covers(e.pathPrefix)).sort((a, b) => b.pathPrefix.length - a.pathPrefix.length)[0];
}

/** Where Prometheus scrapes, resolved to container ports. */
export function metricsEndpoints(objs: Obj[]): MetricsEndpoint[] {
  const out: MetricsEndpoint[] = [];
  for (const m of ofKind(objs, "ServiceMonitor")) {
    const ns = m.metadata.namespace as string;
    const sel = (m.spec.selector?.matchLabels ?? {}) as Record<string, string>;
    for (const svc of ofKind(objs, "Service").filter((s) => s.metadata.namespace === ns)) {
      const labels = (svc.metadata.labels ?? {}) as Record<string, string>;
      if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) continue;
      for (const e of m.spec.endpoints as Obj[]) {
        out.push({ monitor: m.metadata.name, namespace: ns, service: svc.metadata.name, path: e.path ?? "/metrics", containerPort: containerPortOf(objs, ns, svc.metadata.name, e.port) });
      }
    }
  }
  return out;
}
