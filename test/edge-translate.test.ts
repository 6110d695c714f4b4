/**
 * Envoy Gateway's own translator on every stack's edge (issue 8 item 7): egctl v1.9.1,
 * built from its Go module, loads the render's Gateway API and Envoy Gateway objects
 * (validating them against the CRD schemas it embeds: the v1.6.1 Gateway API bundle and
 * Envoy Gateway's own), computes their status and the Envoy configuration. Every route and
 * policy must be accepted with its references resolved, and the configuration must carry
 * the TLS listeners and their secrets, the per-client rate limits on API routes only, the
 * WebSocket upgrade, the timeouts and the PROXY protocol where the load balancer sends it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { GRAFANA_SERVICE } from "../stacks/compose/edge";
import { KEYCLOAK_FACTS } from "../components/keycloak/facts";
import { renderedObjects, renderStack, type RunResult } from "./harness";
import { egctl, problems, translate, translateStack, translatorInput, type Translation } from "./edge/egctl";
import { listeners, localRateLimit, replay, routeFor, findAll } from "./edge/xds";
import { makeTempDir, removeDir } from "./procs";

type Obj = Record<string, any>;
const STACKS = ["local", "dev", "staging", "prod"] as const;
const runs = new Map<string, RunResult>();
const translated = new Map<string, Translation>();
const chartServices = [{ ...GRAFANA_SERVICE, namespace: "monitoring" }];
/** The Keycloak operator's Service (components/keycloak/facts.ts, operator 26.5.5), which the render can't show. */
const keycloak = (s: string) => ({ name: KEYCLOAK_FACTS.service("keycloak"), namespace: `platform-${s}`, port: KEYCLOAK_FACTS.ports.https.port, portName: KEYCLOAK_FACTS.ports.https.name });

beforeAll(async () => {
  egctl(); // fail fast, with the fix, when the tool isn't built
  for (const s of [...STACKS, "pr-42"]) runs.set(s, await renderStack(s));
  for (const s of STACKS) translated.set(s, translateStack({ objects: renderedObjects(runs.get(s)!), chartServices: [...chartServices, keycloak(s)] }));
}, 600_000);

const dumpOf = (stack: string) => {
  const t = translated.get(stack)!;
  const key = Object.keys(t.xds).find((k) => k.endsWith(`platform-${stack}/edge`));
  if (!key) throw new Error(`${stack}: no xDS for its gateway (keys: ${Object.keys(t.xds).join(", ")}; ${t.stderr})`);
  return t.xds[key]!;
};
const domain = (stack: string) => ({ local: "platform.localhost", dev: "dev.platform.example.com", staging: "staging.platform.example.com", prod: "platform.example.com" })[stack as "prod"];

describe.each(STACKS)("egctl translates the %s edge", (stack) => {
  it("accepts the GatewayClass, the Gateway and every listener, route and policy, with every reference resolved", () => {
    const t = translated.get(stack)!;
    expect(problems(t)).toEqual([]);
    expect((t.resources.httpRoutes ?? []).length, "routes translated").toBeGreaterThanOrEqual(4);
    expect((t.resources.backendTrafficPolicies ?? []).length, "policies translated").toBeGreaterThanOrEqual(4);
    expect((t.resources.clientTrafficPolicies ?? []).length).toBe(1);
    expect((t.resources.securityPolicies ?? []).length).toBe(1);
  });

  it("re-encrypts to Keycloak (BackendTLSPolicy): its clusters speak TLS to the Service's name, verified against its CA; /admin is not routed publicly", () => {
    const dump = dumpOf(stack);
    // Envoy Gateway v1.9.1 puts the upstream TLS into each route cluster's transportSocketMatches (`<cluster>/tls/0`).
    const matches = findAll(dump, (o) => typeof o.name === "string" && /^httproute\/platform-[a-z0-9-]+\/keycloak(-admin|-unlimited)?\/rule\/0\/tls\/0$/.test(o.name) && o.transportSocket !== undefined);
    expect(new Set(matches.map((m) => m.name.split("/")[2])).size).toBe(3);
    for (const c of matches) {
      const tlsCtx = JSON.stringify(c.transportSocket);
      expect(tlsCtx).toContain("envoy.transport_sockets.tls");
      expect(tlsCtx).toContain(`"exact":"keycloak-service.platform-${stack}.svc"`);
      expect(tlsCtx).toContain("validationContextSdsSecretConfig");
    }
    expect(routeFor(dump, `auth.${domain(stack)}`, "/realms/platform/protocol/openid-connect/token")).toBeDefined();
    expect(routeFor(dump, `auth.${domain(stack)}`, "/admin/master/console/")).toBeUndefined();
    expect(routeFor(dump, `auth.${domain(stack)}`, "/realms/master/protocol/openid-connect/token")).toBeUndefined();
  });

  it("terminates TLS on the public and the internal listener with the certificates' secrets", () => {
    const d = domain(stack);
    const chains = findAll(listeners(dumpOf(stack)), (o) => !!(o.filterChainMatch ?? o.filter_chain_match)?.serverNames || !!(o.filterChainMatch ?? o.filter_chain_match)?.server_names);
    const byName = new Map(chains.map((c) => [((c.filterChainMatch ?? c.filter_chain_match).serverNames ?? (c.filterChainMatch ?? c.filter_chain_match).server_names).join(","), JSON.stringify(c)]));
    expect([...byName.keys()].sort()).toEqual([`*.${d}`, `*.internal.${d}`].sort());
    expect(byName.get(`*.${d}`)).toContain(`platform-${stack}/edge-public-tls`);
    expect(byName.get(`*.internal.${d}`)).toContain(`platform-${stack}/edge-internal-tls`);
  });

  it(stack === "local" ? "takes the client address from the peer (no PROXY protocol on kind)" : "expects the NLB's PROXY protocol header on every listener", () => {
    const ls = listeners(dumpOf(stack)).filter((l) => /platform-/.test(String(l.name)));
    expect(ls.length).toBeGreaterThan(0);
    for (const l of ls) expect(JSON.stringify(l.listenerFilters ?? l.listener_filters ?? []).includes("proxy_protocol"), String(l.name)).toBe(stack !== "local");
  });

  it("7.9: limits API routes per client address (100/min) and leaves pages and static assets alone", () => {
    const d = domain(stack);
    const dump = dumpOf(stack);
    const api = routeFor(dump, `api.${d}`, "/orders/42");
    const webApi = routeFor(dump, `app.${d}`, "/api/orders");
    const asset = routeFor(dump, `app.${d}`, "/_next/static/chunks/main-4f3a.js");
    const page = routeFor(dump, `app.${d}`, "/orders");
    for (const [what, r] of [["api", api], ["web api", webApi], ["asset", asset], ["page", page]] as const) expect(r, `${what} is routed`).toBeDefined();
    for (const r of [api!, webApi!]) expect(localRateLimit(r)).toEqual({ maxTokens: 100, tokensPerFill: 100, fillIntervalSeconds: 60, perClientAddress: true });
    expect(localRateLimit(asset!)).toBeUndefined();
    expect(localRateLimit(page!)).toBeUndefined();

    // A page load: the document, then 60 assets within a second, from one address: all pass.
    const burst = Array.from({ length: 60 }, (_, i) => [i / 100, "203.0.113.7"] as const);
    expect(replay(localRateLimit(asset!), burst)).toBe(60);
    // An API flood from one address: cut at 100 in the minute; another address keeps its own budget.
    const flood = Array.from({ length: 300 }, (_, i) => [i / 10, "203.0.113.7"] as const);
    expect(replay(localRateLimit(webApi!), flood)).toBe(100);
    expect(replay(localRateLimit(webApi!), [...flood, [30, "198.51.100.1"]])).toBe(101);
    // After the minute, the bucket is full again.
    expect(replay(localRateLimit(api!), [...flood, ...Array.from({ length: 5 }, () => [61, "203.0.113.7"] as const)])).toBe(105);
  });

  it("applies the request timeout (30 s) and the WebSocket settings of Grafana's route", () => {
    const d = domain(stack);
    const dump = dumpOf(stack);
    expect(routeFor(dump, `api.${d}`, "/x")!.route.timeout).toBe("30s");
    expect(routeFor(dump, `api.${d}`, "/x")!.route.idleTimeout).toBe("300s");
    const grafana = routeFor(dump, `grafana.internal.${d}`, "/api/live/ws")!;
    expect(grafana, "grafana is routed on the internal listener").toBeDefined();
    expect(JSON.stringify(grafana.route.upgradeConfigs ?? grafana.route.upgrade_configs)).toContain("websocket");
    expect(grafana.route.timeout).toBe("0s");
    expect(grafana.route.idleTimeout).toBe("3600s");
    // Only the internal client ranges: the SecurityPolicy's RBAC sits on the route.
    expect(JSON.stringify(grafana.typedPerFilterConfig ?? {})).toContain("envoy.filters.http.rbac");
    expect(localRateLimit(grafana)).toBeUndefined();
  });
});

describe("the translation test can fail", () => {
  let prod: Obj[];
  beforeAll(() => {
    prod = renderedObjects(runs.get("prod")!);
  });
  const withChanged = (change: (objs: Obj[]) => Obj[]) => translateStack({ objects: change(structuredClone(prod)), chartServices: [...chartServices, keycloak("prod")] });

  it("a route to a missing Service", () => {
    const t = withChanged((objs) => {
      const r = objs.find((o) => o.kind === "HTTPRoute" && o.metadata.name === "core-api")!;
      r.spec.rules[0].backendRefs[0].name = "core-api-gone";
      return objs;
    });
    expect(problems(t).join("\n")).toMatch(/core-api.*ResolvedRefs False BackendNotFound/);
  });

  it("a policy attached to nothing", () => {
    const t = withChanged((objs) => [
      ...objs,
      { apiVersion: "gateway.envoyproxy.io/v1alpha1", kind: "BackendTrafficPolicy", metadata: { name: "ghost", namespace: "platform-prod" }, spec: { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "ghost" }] } },
    ]);
    expect(problems(t)).toContain("backendTrafficPolicies platform-prod/ghost: attached to nothing");
  });

  it("a listener whose certificate Secret is missing", () => {
    const t = withChanged((objs) => objs.filter((o) => !(o.kind === "Certificate" && o.metadata.name === "edge-internal")));
    expect(problems(t).join("\n")).toMatch(/listener https-internal: ResolvedRefs False/);
  });

  it("CRD schema: an unknown field and a value outside the enum are rejected by egctl's loader", () => {
    const dir = makeTempDir("egctl-bad");
    try {
      const base = translatorInput({ objects: prod, chartServices }, dir);
      const typo = structuredClone(base);
      typo.find((o) => o.kind === "HTTPRoute" && o.metadata.name === "core-api")!.spec.rules[0].timeout = { request: "30s" };
      const t1 = translate(typo);
      expect(t1.code).not.toBe(0);
      expect(t1.stderr).toMatch(/validation/i);
      const unit = structuredClone(base);
      unit.find((o) => o.kind === "BackendTrafficPolicy" && o.metadata.name === "core-api")!.spec.rateLimit.local.rules[0].limit.unit = "Fortnight";
      const t2 = translate(unit);
      expect(t2.code).not.toBe(0);
      expect(t2.stderr).toMatch(/Fortnight/);
    } finally {
      removeDir(dir);
    }
  });
});

describe("a preview's edge", () => {
  // egctl v1.9.1's offline loader validates every Gateway API document but does not load ListenerSets
  // into the translation (internal/gatewayapi/resource/load.go has no case for them), so a preview's
  // listeners and the routes attached to them are schema-checked here, not translated.
  const previewOn = (change: (o: Obj[]) => void = () => undefined) => {
    const own = renderedObjects(runs.get("pr-42")!).filter((o) => o.kind !== "Namespace" || o.metadata.name === "platform-pr-42");
    change(own);
    return translateStack({ objects: [...renderedObjects(runs.get("dev")!), ...own], chartServices: [...chartServices, keycloak("dev")] });
  };

  it("passes egctl's CRD-schema validation (its ListenerSet, routes and policies) next to the cluster's gateway", () => {
    const t = previewOn();
    expect(t.code, t.stderr).toBe(0);
    // The cluster's own edge stays sound with the preview beside it; the preview's policies attach to routes on
    // its ListenerSet, which this egctl does not translate (unproven here: see the comment above).
    expect(problems(t).filter((p) => !/platform-pr-42\/(core-api|web|web-unlimited): attached to nothing$/.test(p))).toEqual([]);
  });

  it("and that validation reaches the preview's own objects", () => {
    const t = previewOn((objs) => {
      objs.find((o) => o.kind === "ListenerSet")!.spec.listeners[0].port = 70000;
    });
    expect(t.code).not.toBe(0);
    expect(t.stderr).toMatch(/ListenerSet|listeners|port/i);
  });
});
