/**
 * Grafana dashboards as code, built with Grafana's foundation SDK.
 *
 * `platformDashboards()` and `postgresDashboards()` return `DashboardJson`s;
 * the Monitoring component puts each in a ConfigMap with
 * `data: dashboardConfigMapData(d)` and the label the Grafana sidecar of
 * kube-prometheus-stack watches (`grafana_dashboard: "1"`), optionally the
 * annotation `grafana_folder: d.folder`.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { apiDashboard } from "./api";
import { jvmDashboard } from "./jvm";
import { kubernetesDashboard } from "./kubernetes";
import { type DashboardOptions, resolveDashboardOptions } from "./options";
import { overviewDashboard } from "./overview";
import { postgresDashboard } from "./postgres";
import { redisDashboard } from "./redis";
import { rabbitmqDashboard } from "./rabbitmq";
import { keycloakDashboard } from "./keycloak";

export { API_DASHBOARD_UID } from "./api";
export { JVM_DASHBOARD_UID } from "./jvm";
export { KUBERNETES_DASHBOARD_UID } from "./kubernetes";
export { OVERVIEW_DASHBOARD_UID } from "./overview";
export { POSTGRES_DASHBOARD_UID } from "./postgres";
export { REDIS_DASHBOARD_UID } from "./redis";
export { RABBITMQ_DASHBOARD_UID } from "./rabbitmq";
export { KEYCLOAK_DASHBOARD_UID } from "./keycloak";
export { type DashboardOptions, type LatencyTarget, resolveDashboardOptions, type ResolvedDashboardOptions } from "./options";
export { dashboardQueries, type DashboardQuery, substituteGrafanaVariables } from "./inspect";

/** One dashboard, ready for a ConfigMap. */
export interface DashboardJson {
  /** Grafana uid, stable across releases (URLs and links depend on it), e.g. `platform-api`. */
  readonly uid: string;
  /** Title shown in Grafana, e.g. `Platform / API`. */
  readonly title: string;
  /** `platform` plus the area, e.g. `["platform", "api"]`. */
  readonly tags: readonly string[];
  /** Grafana folder to file it under (sidecar annotation `grafana_folder`). @default "Platform" */
  readonly folder: string;
  /** The dashboard model as stable JSON: keys sorted, compact, byte-identical on every call. */
  readonly json: string;
}

/** Folder every dashboard of this library goes to. */
export const DASHBOARD_FOLDER = "Platform";

function toJson(model: Dashboard): DashboardJson {
  if (!model.uid || !model.title) throw new Error("a dashboard needs a uid and a title");
  return Object.freeze({
    uid: model.uid,
    title: model.title,
    tags: Object.freeze([...(model.tags ?? [])]),
    folder: DASHBOARD_FOLDER,
    json: stableJson(model),
  });
}

/** Overview, API, JVM and Kubernetes workloads dashboards. */
export function platformDashboards(opts: Readonly<DashboardOptions> = {}): DashboardJson[] {
  const o = resolveDashboardOptions(opts);
  return [overviewDashboard(o), apiDashboard(o), jvmDashboard(o), kubernetesDashboard(o)].map(toJson);
}

/** The CloudNativePG dashboard; separate so a stack without PostgreSQL can leave it out. */
export function postgresDashboards(opts: Readonly<DashboardOptions> = {}): DashboardJson[] {
  return [postgresDashboard(resolveDashboardOptions(opts))].map(toJson);
}

/** The Redis dashboard; separate so a stack without an in-cluster Redis can leave it out. */
export function redisDashboards(opts: Readonly<DashboardOptions> = {}): DashboardJson[] {
  return [redisDashboard(resolveDashboardOptions(opts))].map(toJson);
}

/** The RabbitMQ dashboard; separate so a stack without a broker can leave it out. */
export function rabbitmqDashboards(opts: Readonly<DashboardOptions> = {}): DashboardJson[] {
  return [rabbitmqDashboard(resolveDashboardOptions(opts))].map(toJson);
}

/** The Keycloak dashboard; separate so a stack without Keycloak can leave it out. */
export function keycloakDashboards(opts: Readonly<DashboardOptions> = {}): DashboardJson[] {
  return [keycloakDashboard(resolveDashboardOptions(opts))].map(toJson);
}

/** ConfigMap `data` for one dashboard: `{ "<uid>.json": <stable JSON> }`. */
export function dashboardConfigMapData(d: Pick<DashboardJson, "uid" | "json">): Record<string, string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/.test(d.uid)) {
    throw new Error(`dashboard uid must be 1-40 characters of [A-Za-z0-9_.-] (a Grafana uid and a ConfigMap key), got ${JSON.stringify(d.uid)}`);
  }
  return { [`${d.uid}.json`]: d.json };
}

/**
 * JSON with object keys sorted at every level, `undefined` and functions
 * dropped (in arrays too), no whitespace: the same model always gives the same bytes.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined && typeof x !== "function").map(normalize);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined && typeof x !== "function") out[k] = normalize(x);
    }
    return out;
  }
  if (typeof v === "number" && !Number.isFinite(v)) throw new Error(`stableJson: ${v} has no JSON form`);
  return v;
}
