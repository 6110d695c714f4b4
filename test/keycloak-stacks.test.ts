/**
 * Keycloak in the rendered stacks (issue 15 items 1-5 and 7): the operator from its pinned
 * manifests, the CR, its database on the PostgresCluster, the realm Job and document with every
 * hardening rule, the clients, Grafana's OAuth settings, ServiceMonitor, PDB, NetworkPolicy,
 * alerts and dashboard; secrets by reference only; no admin route on the public host.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { OPERATOR_MANIFESTS } from "../components/keycloak/versions";
import { operatorLabels } from "../components/keycloak/facts";
import { renderedObjects, renderStack, type RunResult } from "./harness";
import { redact } from "../render/write";

type Obj = Record<string, any>;
const runs = new Map<string, RunResult>();
const domain = { local: "platform.localhost", dev: "dev.platform.example.com", staging: "staging.platform.example.com", prod: "platform.example.com" } as const;

beforeAll(async () => {
  for (const s of ["local", "dev", "staging", "prod", "pr-42"]) runs.set(s, await renderStack(s));
}, 300_000);

const objs = (stack: string, kind?: string) => renderedObjects(runs.get(stack)!, kind);
const one = (stack: string, kind: string, pick: (o: Obj) => boolean = () => true) => {
  const hits = objs(stack, kind).filter(pick);
  expect(hits, `${stack}: ${kind}`).toHaveLength(1);
  return hits[0]!;
};
const realm = (stack: string) => JSON.parse(one(stack, "ConfigMap", (c) => c.metadata.name.startsWith("keycloak-realm-")).data["realm.json"]) as Obj;

describe.each(["local", "dev", "staging", "prod"] as const)("%s", (stack) => {
  it("installs the operator from its pinned release manifests; the CR waits for it", () => {
    const files = runs.get(stack)!.recorder.byType("kubernetes:yaml/v2:ConfigFile").filter((r) => String(r.inputs.file).includes("keycloak"));
    expect(files.map((f) => f.inputs.file).sort()).toEqual(Object.values(OPERATOR_MANIFESTS).sort());
    const kc = runs.get(stack)!.recorder.resources.find((r) => r.inputs.kind === "Keycloak")!;
    for (const f of files) expect(kc.dependencies).toContain(f.urn);
  });

  it("runs the CR hardened: TLS only, the admin console on its own internal host, proxy headers, management port, restricted pods", () => {
    const k = one(stack, "Keycloak");
    expect(k.apiVersion).toBe("k8s.keycloak.org/v2alpha1");
    expect(k.spec.http).toEqual({ tlsSecret: "keycloak-tls", httpEnabled: false });
    expect(k.spec.hostname).toEqual({ hostname: `https://auth.${domain[stack]}`, admin: `https://auth-admin.internal.${domain[stack]}`, strict: true, backchannelDynamic: true });
    expect(k.spec.proxy).toEqual({ headers: "xforwarded" });
    expect(k.spec.httpManagement).toEqual({ port: 9000 });
    const opts = Object.fromEntries((k.spec.additionalOptions as Obj[]).map((o) => [o.name, o.value]));
    expect(opts).toMatchObject({ "metrics-enabled": "true", "event-metrics-user-enabled": "true", "event-metrics-user-tags": "realm" });
    const pod = k.spec.unsupported.podTemplate.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
    // The image's Quarkus build is copied into the writable emptyDir the server rebuilds in (components/keycloak/spec.ts).
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0]).toMatchObject({ image: k.spec.image, securityContext: pod.containers[0].securityContext, volumeMounts: [{ name: "quarkus", mountPath: "/quarkus" }] });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "quarkus", mountPath: "/opt/keycloak/lib/quarkus" });
    expect(k.spec.instances).toBe({ local: 1, dev: 1, staging: 2, prod: 3 }[stack]);
  });

  it("keeps its database on the PostgresCluster: the Database, its owner and the Secret agree, direct to -rw with verify-full", () => {
    const k = one(stack, "Keycloak");
    const db = one(stack, "Database", (d) => d.spec.name === k.spec.db.database);
    const cluster = one(stack, "Cluster");
    const role = (cluster.spec.managed.roles as Obj[]).find((r) => r.name === db.spec.owner)!;
    expect(role.passwordSecret.name).toBe(k.spec.db.usernameSecret.name);
    expect(k.spec.db.passwordSecret).toEqual({ name: role.passwordSecret.name, key: "password" });
    expect(k.spec.db.host).toBe(`${cluster.metadata.name}-rw.platform-${stack}.svc.cluster.local`);
    expect((k.spec.additionalOptions as Obj[]).find((o) => o.name === "db-url-properties")!.value).toMatch(/sslmode=verify-full/);
    // The cluster admits the Keycloak pods on 5432 (they migrate as the owner, which the pooler refuses).
    const np = one(stack, "NetworkPolicy", (n) => n.metadata.name === `${cluster.metadata.name}-instances`);
    const admitted = (np.spec.ingress as Obj[]).filter((r) => r.from.some((f: Obj) => JSON.stringify(Object.entries(f.podSelector?.matchLabels ?? {}).sort()) === JSON.stringify(Object.entries(operatorLabels("keycloak")).sort())));
    expect(admitted.map((r) => r.ports)).toEqual([[{ protocol: "TCP", port: 5432 }]]);
  });

  it("applies the realm with a keycloak-config-cli Job whose secrets come from Secrets by substitution, never from the ConfigMap", () => {
    const job = one(stack, "Job", (j) => j.metadata.name.startsWith("keycloak-realm-"));
    const cm = one(stack, "ConfigMap", (c) => c.metadata.name.startsWith("keycloak-realm-"));
    expect(job.metadata.name).toBe(cm.metadata.name);
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe("docker.io/adorsys/keycloak-config-cli:6.5.1-26.5.5");
    const env = Object.fromEntries((c.env as Obj[]).map((e) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(env).toMatchObject({
      KEYCLOAK_URL: `https://keycloak-service.platform-${stack}.svc.cluster.local:8443`,
      IMPORT_VARSUBSTITUTION_ENABLED: "true",
      CLIENT_SECRET_CORE_API: { name: "keycloak-client-core-api", key: "client-secret" },
      CLIENT_SECRET_WEB: { name: "keycloak-client-web", key: "client-secret" },
      CLIENT_SECRET_GRAFANA: { name: "keycloak-client-grafana", key: "client-secret" },
      // keycloak-config-cli logs in as the admin service client, which the init container keeps current.
      KEYCLOAK_GRANTTYPE: "client_credentials",
      KEYCLOAK_CLIENTID: "platform-realm-job",
      KEYCLOAK_CLIENTSECRET: { name: "keycloak-admin-client", key: "client-secret" },
    });
    expect(env.KEYCLOAK_PASSWORD).toBeUndefined();
    // The operator creates the bootstrap admin from the same Secret the init container keeps it equal to.
    expect(one(stack, "Keycloak").spec.bootstrapAdmin).toEqual({ user: { secret: "keycloak-admin" } });
    const [init] = job.spec.template.spec.initContainers as Obj[];
    expect(init.name).toBe("admin-credentials");
    expect(init.image).toBe(one(stack, "Keycloak").spec.image);
    const initEnv = Object.fromEntries((init.env as Obj[]).map((e) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(initEnv).toMatchObject({
      KEYCLOAK_URL: env.KEYCLOAK_URL,
      ADMIN_USERNAME: { name: "keycloak-admin", key: "username" },
      ADMIN_PASSWORD: { name: "keycloak-admin", key: "password" },
      ADMIN_CLIENT_ID: "platform-realm-job",
      ADMIN_CLIENT_SECRET: { name: "keycloak-admin-client", key: "client-secret" },
    });
    // No secret on a command line: kcadm.sh reads them from KC_CLI_* variables the script sets per call.
    expect(init.command[2]).not.toMatch(/--password|--secret|--new-password/);
    expect(init.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
    const text = cm.data["realm.json"] as string;
    for (const m of text.matchAll(/"secret": "([^"]*)"/g)) expect(m[1]).toMatch(/^\$\(env:CLIENT_SECRET_[A-Z_]+\)$/);
    expect(job.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
  });

  it("carries every hardening rule in the realm document, all three clients, no wildcard anywhere", () => {
    const r = realm(stack);
    expect(r).toMatchObject({ sslRequired: stack === "prod" ? "all" : "external", bruteForceProtected: true, permanentLockout: false, revokeRefreshToken: true, eventsEnabled: true, adminEventsEnabled: true, browserFlow: "platform browser" });
    expect(r.accessTokenLifespan).toBeLessThanOrEqual(300);
    expect(r.ssoSessionIdleTimeout).toBeLessThanOrEqual(1800);
    expect(r.ssoSessionMaxLifespan).toBeLessThanOrEqual(36_000);
    expect(r.passwordPolicy).toMatch(/^length\((1[2-9]|[2-9][0-9])\) and notUsername and notEmail and passwordHistory\([1-9][0-9]*\)$/);
    expect((r.clients as Obj[]).map((c) => c.clientId).sort()).toEqual(["core-api", "grafana", "web"]);
    const web = (r.clients as Obj[]).find((c) => c.clientId === "web")!;
    expect(web.redirectUris).toEqual([`https://app.${domain[stack]}/api/auth/callback/keycloak`]);
    expect(web.attributes["pkce.code.challenge.method"]).toBe("S256");
    expect(JSON.stringify(r.clients)).not.toContain("*");
  });

  it("routes only /realms/platform and /resources on the public host; the admin console only on the internal listener", () => {
    const routes = objs(stack, "HTTPRoute").filter((h) => h.metadata.name.startsWith("keycloak"));
    const pub = routes.filter((h) => h.spec.hostnames.includes(`auth.${domain[stack]}`));
    const prefixes = pub.flatMap((h) => h.spec.rules.flatMap((rule: Obj) => rule.matches.map((m: Obj) => m.path.value))).sort();
    expect(prefixes).toEqual(["/realms/platform", "/resources"]);
    for (const h of pub) expect(h.spec.parentRefs.map((p: Obj) => p.sectionName)).toEqual(["https"]);
    const adm = routes.filter((h) => h.spec.hostnames.includes(`auth-admin.internal.${domain[stack]}`));
    expect(adm).toHaveLength(1);
    expect(adm[0]!.spec.parentRefs.map((p: Obj) => p.sectionName)).toEqual(["https-internal"]);
    for (const h of routes) expect(h.spec.rules[0].backendRefs).toEqual([{ name: "keycloak-service", port: 8443 }]);
    const tls = one(stack, "BackendTLSPolicy");
    expect(tls.spec).toEqual({
      targetRefs: [{ group: "", kind: "Service", name: "keycloak-service", sectionName: "https" }],
      validation: { caCertificateRefs: [{ group: "", kind: "Secret", name: "keycloak-tls" }], hostname: `keycloak-service.platform-${stack}.svc` },
    });
  });

  it("signs Grafana in through Keycloak: generic OAuth with PKCE, the realm's endpoints, roles mapped, secret from its own Secret", () => {
    const rel = runs.get(stack)!.recorder.byType("kubernetes:helm.sh/v3:Release").map((r) => redact(r.inputs) as Obj).find((x) => x.chart === "kube-prometheus-stack")!;
    const g = rel.values.grafana;
    const o = g["grafana.ini"]["auth.generic_oauth"];
    const issuer = `https://auth.${domain[stack]}/realms/platform`;
    expect(o).toMatchObject({ enabled: true, client_id: "grafana", use_pkce: true, auth_url: `${issuer}/protocol/openid-connect/auth`, token_url: `${issuer}/protocol/openid-connect/token`, api_url: `${issuer}/protocol/openid-connect/userinfo` });
    expect(o.role_attribute_path).toBe("contains(roles[*], 'grafana-admin') && 'Admin' || contains(roles[*], 'grafana-editor') && 'Editor' || 'Viewer'");
    expect(o.client_secret).toBeUndefined();
    expect(g.envValueFrom).toEqual({ GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: "grafana-oauth", key: "client-secret" } } });
    const grafana = (realm(stack).clients as Obj[]).find((c) => c.clientId === "grafana")!;
    expect(grafana.redirectUris).toEqual([`https://grafana.internal.${domain[stack]}/login/generic_oauth`]);
    one(stack, "Secret", (s) => s.metadata.name === "grafana-oauth" && s.metadata.namespace === "monitoring");
  });

  it("has its ServiceMonitor (labelled for Prometheus), PDB, NetworkPolicies, alerts and dashboard", () => {
    const sm = one(stack, "ServiceMonitor", (s) => s.metadata.name === "keycloak");
    expect(sm.metadata.labels).toMatchObject({ "platform.dev/monitoring": "platform" });
    expect(one(stack, "PodDisruptionBudget", (p) => p.metadata.name === "keycloak").spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: operatorLabels("keycloak") } });
    for (const n of ["keycloak", "keycloak-realm", "keycloak-operator"]) one(stack, "NetworkPolicy", (p) => p.metadata.name === n);
    const rules = one(stack, "PrometheusRule", (p) => p.metadata.name === "keycloak-alerts");
    const alerts = (rules.spec.groups as Obj[]).flatMap((g) => g.rules.map((r: Obj) => r.alert)).filter(Boolean).sort();
    expect(alerts).toEqual(["KeycloakDown", "KeycloakLoginFailureSpike", "KeycloakSlowResponses", "ScrapeTargetsMissing"].sort());
    one(stack, "ConfigMap", (c) => c.metadata.name === "dashboard-platform-keycloak");
  });
});

it("previews run no Keycloak of their own", () => {
  expect(objs("pr-42", "Keycloak")).toEqual([]);
});
