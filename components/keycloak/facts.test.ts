import { describe, expect, it } from "vitest";
import { KEYCLOAK_CR_FIELDS, KEYCLOAK_FACTS, operatorLabels } from "./facts";
import { testKeycloakArgs } from "./testing";
import { resolveKeycloakArgs } from "./args";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { additionalOptions, BUILD_OPTIONS, keycloakSpec, serviceMonitorSpec } from "./spec";
import { CONFIG_CLI_IMAGE, KEYCLOAK_VERSION } from "./versions";
import { serverPolicy } from "./network";

type Obj = Record<string, any>;

/** Fields of `o` not in `allowed`, as paths. */
const unknown = (o: Obj | undefined, allowed: readonly string[], at: string) => Object.keys(o ?? {}).filter((k) => !allowed.includes(k)).map((k) => `${at}.${k}`);

describe("the Keycloak CR against the pinned operator's spec", () => {
  const a = resolveKeycloakArgs("keycloak", testKeycloakArgs());
  const spec = keycloakSpec(a) as Obj;

  it("uses only fields the operator declares, with values its enums accept", () => {
    const f = KEYCLOAK_CR_FIELDS;
    const problems = [
      ...unknown(spec, f.spec, "spec"),
      ...(["db", "http", "hostname", "proxy", "httpManagement", "bootstrapAdmin", "ingress", "serviceMonitor", "networkPolicy", "unsupported"] as const).flatMap((k) => unknown(spec[k], f[k], `spec.${k}`)),
      ...(spec.additionalOptions as Obj[]).flatMap((o, i) => unknown(o, f.option, `spec.additionalOptions[${i}]`)),
    ];
    expect(problems).toEqual([]);
    expect(f.enums["proxy.headers"]).toContain(spec.proxy.headers);
    expect(f.enums["db.vendor"]).toContain(spec.db.vendor);
  });

  it("never sets an option the operator writes itself, and keeps secrets out of additionalOptions", () => {
    const names = additionalOptions(a).map((o) => o.name);
    for (const n of KEYCLOAK_FACTS.operatorOptions) expect(names).not.toContain(n);
    expect(names.filter((n) => /password|secret/.test(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it("turns off the operator's ServiceMonitor, Ingress and NetworkPolicy (the platform brings its own)", () => {
    expect(spec.serviceMonitor).toEqual({ enabled: false });
    expect(spec.ingress).toEqual({ enabled: false });
    expect(spec.networkPolicy).toEqual({ enabled: false });
  });

  it("selects the operator's pods and Service by the labels it sets (26.5: app=keycloak, managed-by, instance)", () => {
    expect(operatorLabels("kc")).toEqual({ app: "keycloak", "app.kubernetes.io/managed-by": "keycloak-operator", "app.kubernetes.io/instance": "kc" });
    expect(serviceMonitorSpec(a)).toMatchObject({ selector: { matchLabels: operatorLabels("keycloak") }, endpoints: [{ port: "management", path: "/metrics" }] });
    expect(KEYCLOAK_FACTS.service("keycloak")).toBe("keycloak-service");
    const np = serverPolicy(a);
    const ports = (np.ingress as Obj[]).flatMap((r) => (r.ports as Obj[]).map((p) => p.port));
    expect(ports.sort()).toEqual([8443, 8443, 8443, 9000, 7800, 57800].sort());
    expect((np.egress as Obj[]).flatMap((r) => (r.ports as Obj[]).map((p) => p.port)).sort()).toEqual([5432, 7800, 57800, 53, 53].sort());
  });
});

describe("pins", () => {
  it("scripts/keycloak.sh fetches and builds the server version and build options the component uses", () => {
    const sh = readFileSync(join(__dirname, "../../scripts/keycloak.sh"), "utf8");
    expect(sh).toContain(`KEYCLOAK_VERSION="${KEYCLOAK_VERSION}"`);
    const opts = /KEYCLOAK_BUILD_OPTIONS=\(([^)]*)\)/.exec(sh)![1]!.trim().split(/\s+/);
    expect(opts).toEqual(Object.entries(BUILD_OPTIONS).map(([k, v]) => `--${k}=${v}`));
    // config-cli images are built per server version: `<cli>-<server>`.
    expect(CONFIG_CLI_IMAGE.endsWith(`-${KEYCLOAK_VERSION}`)).toBe(true);
  });
});
