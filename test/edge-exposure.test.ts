/**
 * What each stack's edge exposes to the internet (issue 7, items 4 and 9):
 * no route reaches a port or path Prometheus scrapes, rate limits sit on API
 * routes and not on static assets, and the client address the per-client
 * limit keys on is the real one (the gateway and the load balancer agree).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readStackConfig, renderedObjects, renderStack, withConfig, type RunResult } from "./harness";
import { exposures, metricsEndpoints, routeFor, type Exposure } from "./edge-model";

const STACKS = ["local", "dev", "staging", "prod", "pr-42"] as const;
const runs = new Map<string, RunResult>();
beforeAll(async () => {
  for (const s of STACKS) runs.set(s, await renderStack(s));
}, 300_000);

const domainOf = (stack: string) => (runs.get(stack)!.outputs.urls as Record<string, string>).web!.replace(/^https?:\/\/app\./, "");

describe.each(STACKS)("the edge of %s", (stack) => {
  let objs: Record<string, any>[];
  let exposed: Exposure[];
  beforeAll(() => {
    objs = renderedObjects(runs.get(stack)!);
    exposed = exposures(objs);
  });

  it("exposes the apps at all (the model reads the render)", () => {
    expect(exposed.length).toBeGreaterThan(0);
    // Services the render itself defines resolve to a container port (charts' own, such as Grafana's, can't be seen here).
    const rendered = new Set(objs.filter((o) => o.kind === "Service").map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
    const unresolved = exposed.filter((e) => rendered.has(`${e.namespace}/${e.service}`) && e.containerPort === undefined);
    expect(unresolved).toEqual([]);
    expect(exposed.filter((e) => e.service === "core-api" || e.service === "web").length).toBeGreaterThan(1);
  });

  it("every routed host name is on a certificate of the listener it attaches to", () => {
    const certs = objs.filter((o) => o.kind === "Certificate" && /^edge-/.test(o.metadata.name));
    const covered = (host: string, secret: string) =>
      certs.some((c) => c.spec.secretName === secret && (c.spec.dnsNames as string[]).some((n) => n === host || (n.startsWith("*.") && host.endsWith(n.slice(1)) && !host.slice(0, -n.length + 1).includes("."))));
    const missing = exposed.filter((e) => !covered(e.host, e.listener === "https-internal" ? "edge-internal-tls" : "edge-public-tls")).map((e) => `${e.host} (${e.route})`);
    // Grafana's route lives in the monitoring namespace but its certificate is the gateway's: same check.
    expect(missing).toEqual([]);
  });

  it("7.4: no route reaches a port that serves metrics or management endpoints", () => {
    const scraped = metricsEndpoints(objs);
    expect(scraped.map((m) => m.service).sort()).toEqual(expect.arrayContaining(["core-api", "web"]));
    const leaks: string[] = [];
    for (const m of scraped) {
      for (const e of exposed.filter((x) => x.namespace === m.namespace && x.service === m.service)) {
        if (e.containerPort === m.containerPort) leaks.push(`${e.host}${e.pathPrefix} (${e.via} ${e.route}) reaches ${m.service}:${m.containerPort}, which serves ${m.path}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("7.9: a page's static assets are not rate limited; API routes are, per client address", () => {
    const d = domainOf(stack);
    const asset = routeFor(exposed, `app.${d}`, "/_next/static/chunks/main-4f3a.js");
    expect(asset, "static assets are routed").toBeDefined();
    expect(asset!.perClientPerMinute, `assets on ${asset!.route}`).toBeUndefined();
    for (const [host, path] of [
      [`app.${d}`, "/api/orders"],
      [`api.${d}`, "/orders/42"],
    ] as const) {
      const api = routeFor(exposed, host, path);
      expect(api, `${host}${path} is routed`).toBeDefined();
      expect(api!.perClientPerMinute, `${host}${path}`).toBe(100);
    }
  });

  it("7.9: the per-client limit keys on the real client address, as the load balancer delivers it", () => {
    if (stack === "pr-42") {
      // A preview attaches to the cluster's gateway: the client address is that gateway's business.
      expect(objs.filter((o) => o.kind === "Gateway" || o.kind === "ClientTrafficPolicy")).toEqual([]);
      return;
    }
    const gateways = objs.filter((o) => o.kind === "Gateway");
    expect(gateways.length, "the stack's own gateway").toBe(1);
    const gw = gateways[0]!;
    const ctp = objs.filter(
      (o) => o.kind === "ClientTrafficPolicy" && o.metadata.namespace === gw.metadata.namespace && (o.spec.targetRefs as any[]).some((r) => r.kind === "Gateway" && r.name === gw.metadata.name),
    );
    expect(ctp.length, "a ClientTrafficPolicy on the gateway").toBe(1);
    const spec = ctp[0]!.spec;
    const proxy = objs.find((o) => o.kind === "EnvoyProxy")!;
    const lbAnnotations = (proxy.spec.provider.kubernetes.envoyService?.annotations ?? {}) as Record<string, string>;
    const lbSendsProxyProtocol = lbAnnotations["service.beta.kubernetes.io/aws-load-balancer-proxy-protocol"] === "*";
    // Both sides must agree: Envoy expecting PROXY headers the NLB doesn't send drops every connection, and the
    // reverse hands the per-client limit the NLB's address for every user.
    expect(spec.proxyProtocol !== undefined, "ClientTrafficPolicy proxyProtocol vs the NLB annotation").toBe(lbSendsProxyProtocol);
    if (stack === "local") {
      expect(spec.clientIPDetection?.xForwardedFor, "kind: Envoy sees the client directly; trusting X-Forwarded-For would let a client pick its address").toBeUndefined();
    } else {
      expect(lbSendsProxyProtocol, `${stack} runs behind an AWS NLB`).toBe(true);
      expect(spec.proxyProtocol.optional, "never accept a connection without the PROXY header").not.toBe(true);
    }
  });
});

describe("no rendered object refers to ingress-nginx", () => {
  it.each(STACKS)("%s", (stack) => {
    const run = runs.get(stack)!;
    const all = run.recorder.resources.map((r) => JSON.stringify(r.inputs)).join("\n");
    expect(all.match(/.{0,80}nginx.{0,40}/g) ?? []).toEqual([]);
    expect(renderedObjects(run, "Ingress")).toEqual([]);
  });
});

describe("Ingress mode (a cluster that runs the AWS Load Balancer Controller)", () => {
  let objs: Record<string, any>[];
  beforeAll(async () => {
    const base = readStackConfig("prod");
    const run = await renderStack(
      "prod",
      withConfig(base, { ingress: { className: "alb", clusterIssuer: "letsencrypt-prod", rateLimitPerMinute: 100, tls: true }, edge: { mode: "ingress", ingressFrom: { cidrs: ["10.20.0.0/16"] } },
        // Keycloak needs the gateway's internal listener for its admin console: preflight refuses it in ingress mode.
        keycloak: { enabled: false } }),
    );
    objs = renderedObjects(run);
  }, 120_000);

  it("renders Ingresses of the cluster's class instead of routes, and no gateway", () => {
    const ing = objs.filter((o) => o.kind === "Ingress");
    expect(ing.map((i) => [i.metadata.name, i.spec.ingressClassName, i.spec.rules[0].host]).sort()).toEqual([
      ["core-api", "alb", "api.platform.example.com"],
      ["web", "alb", "app.platform.example.com"],
    ]);
    expect(objs.filter((o) => ["Gateway", "HTTPRoute", "BackendTrafficPolicy", "EnvoyProxy"].includes(o.kind))).toEqual([]);
    expect(JSON.stringify(objs)).not.toContain("nginx");
  });

  it("7.4 holds here too: no Ingress reaches a metrics port", () => {
    const exposed = exposures(objs);
    expect(exposed.length).toBe(2);
    for (const m of metricsEndpoints(objs)) for (const e of exposed.filter((x) => x.service === m.service)) expect(e.containerPort, `${e.host} → ${m.path}`).not.toBe(m.containerPort);
  });

  it("admits the controller's load balancer addresses to the serving port only", () => {
    const np = objs.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "core-api")!;
    expect(np.spec.ingress[0]).toEqual({ from: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 8080 }] });
  });
});
