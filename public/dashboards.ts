/**
 * `@readiness/platform/dashboards`: the Grafana dashboards as JSON models, built from
 * options, and the helper that turns one into a provisioning ConfigMap's data.
 *
 * @packageDocumentation
 */
export {
  platformDashboards,
  postgresDashboards,
  redisDashboards,
  rabbitmqDashboards,
  keycloakDashboards,
  dashboardConfigMapData,
  DASHBOARD_FOLDER,
  type DashboardJson,
  type DashboardOptions,
  type LatencyTarget,
} from "../dashboards/index";
