/**
 * `@readiness/platform`: Pulumi components that turn a production-readiness checklist into
 * code, with their Args types and the pure `resolveXArgs` helpers that validate Args and
 * apply defaults without creating anything. Alert rules and Grafana dashboards are in the
 * `@readiness/platform/alerts` and `@readiness/platform/dashboards` entry points.
 *
 * This file is the package's public API: what it exports is listed by name, and
 * `api/index.api.md` (API Extractor) records it; a test fails when they disagree.
 *
 * @packageDocumentation
 */

// Shared: transforms, labels, quantities, config errors, the data components' monitoring args.
export { type Transform, type CustomResourceArgs } from "../components/lib/transform";
export { type HelmChart } from "../components/lib/helm";
export { selectorLabels, standardLabels, type LabelArgs } from "../components/lib/labels";
export { parseQuantity, isCpuQuantity, isByteQuantity } from "../components/lib/quantities";
export { PlatformConfigError } from "../components/lib/errors";
export { type ComponentMonitoringArgs } from "../components/lib/component-rules";

// Namespace and generated secrets.
export { PlatformNamespace, type PlatformNamespaceArgs } from "../components/namespace";
export {
  GeneratedSecrets,
  PLATFORM_SECRETS,
  suppliedValueProblem,
  type GeneratedSecretsArgs,
  type GeneratedSecret,
  type SecretSpec,
  type PasswordSpec,
  type KeySpec,
  type SecretAlphabet,
  type RotationStamps,
} from "../components/secrets";

// Workloads.
export {
  Workload,
  resolveWorkloadArgs,
  type WorkloadArgs,
  type WorkloadComponentArgs,
  type WorkloadTransforms,
  type ResolvedWorkloadArgs,
  type SecretRef,
  type Peer,
  type AutoscalingArgs,
  type ResourcesArgs,
  type IngressArgs,
  type WorkloadRouteArgs,
  type ProbePaths,
} from "../components/workload";
export { jvmProblems, type JvmArgs, type JvmProblem, type JvmInput } from "../components/workload/jvm";

// PostgreSQL (CloudNativePG + Barman Cloud).
export {
  PostgresCluster,
  resolvePostgresClusterArgs,
  restoreTargetProblem,
  instanceSelector,
  type PostgresClusterArgs,
  type PostgresClusterComponentArgs,
  type PostgresClusterTransforms,
  type ResolvedPostgresClusterArgs,
  type ObjectStoreArgs,
  type BackupArgs,
  type RestoreArgs,
  type PoolerArgs,
  type DatabaseArgs,
  type RuntimeRoleArgs,
  type ResolvedDatabase,
  type ResolvedRuntimeRole,
  BACKUP_COMPRESSIONS,
  type BackupCompression,
  type BackupCompressionInput,
  DEFAULT_DATA_COMPRESSION,
  DEFAULT_WAL_COMPRESSION,
  DEFAULT_DATA_JOBS,
  type BackupLayout,
  type S3Transforms,
  type S3Backups,
  type InClusterStoreTransforms,
  type InClusterStore,
} from "../components/postgres";

// Redis / Valkey in the cluster, or ElastiCache.
export {
  Redis,
  resolveRedisArgs,
  springRedisEnv,
  nodeRedisEnv,
  type RedisArgs,
  type RedisComponentArgs,
  type RedisTransforms,
  type ResolvedRedisArgs,
  type RedisConnection,
  type RedisUserSecret,
  type SentinelArgs,
  type RedisTlsArgs,
  type RedisFlavor,
  type RedisUse,
  type RedisResources,
  type ResolvedSentinel,
  type SecretKeyRef,
  type RedisEndpoint,
  type AppEnv,
  type MaxmemoryPolicy,
  type RedisClient,
  FLAVORS,
  MAXMEMORY_POLICIES,
} from "../components/redis";
export { ElastiCacheRedis, resolveElastiCacheArgs, type ElastiCacheArgs, type ResolvedElastiCacheArgs } from "../components/redis/elasticache";

// RabbitMQ (cluster + messaging-topology operators).
export {
  RabbitMq,
  RabbitMqOperators,
  resolveRabbitMqArgs,
  springRabbitEnv,
  type RabbitMqArgs,
  type RabbitMqComponentArgs,
  type RabbitMqTransforms,
  type ResolvedRabbitMqArgs,
  type RabbitMqOperatorsArgs,
  type RabbitMqConnection,
  type WorkQueueArgs,
  type RabbitMqAppArgs,
  type RabbitMqTlsArgs,
  type RabbitMqResources,
  type ResolvedApp,
  type ResolvedWorkQueue,
} from "../components/rabbitmq";

// Keycloak (operator + keycloak-config-cli): identity, hardened, with the realm as code.
export {
  Keycloak,
  KeycloakOperator,
  resolveKeycloakArgs,
  realmDocument,
  checkRealmSettings,
  operatorLabels,
  KEYCLOAK_FACTS,
  KEYCLOAK_VERSION,
  CONFIG_CLI_IMAGE,
  OPERATOR_MANIFESTS as KEYCLOAK_OPERATOR_MANIFESTS,
  REALM_LIMITS,
  REALM_ROLES,
  DEFAULT_REALM_SETTINGS,
  type KeycloakArgs,
  type KeycloakComponentArgs,
  type KeycloakTransforms,
  type ResolvedKeycloakArgs,
  type KeycloakOperatorArgs,
  type KeycloakDatabaseArgs,
  type KeycloakRealmArgs,
  type KeycloakResources,
  type LoginSecretRef,
  type SecretKeyRef as KeycloakSecretKeyRef,
  type RealmSettings,
  type RealmLimitKey,
  type RealmDocumentArgs,
} from "../components/keycloak";

// Monitoring (kube-prometheus-stack), alert routing, scrape objects.
export {
  Monitoring,
  resolveMonitoringArgs,
  resolveAlertRoutingArgs,
  serviceMonitor,
  MONITORING_NAMESPACE,
  RUNBOOK_BASE_URL,
  DEFAULT_SECRET_KEYS,
  KUBE_PROMETHEUS_STACK,
  type MonitoringArgs,
  type MonitoringComponentArgs,
  type MonitoringTransforms,
  type ResolvedMonitoringArgs,
  type AlertRoutingArgs,
  type ResolvedAlertRoutingArgs,
  type TeamRouteArgs,
  type PagerDutyReceiverArgs,
  type SlackReceiverArgs,
  type EmailReceiverArgs,
  type HeartbeatReceiverArgs,
  type PrometheusArgs,
  type AlertmanagerArgs,
  type GrafanaArgs,
  type GrafanaOAuthArgs,
  type GrafanaIngressArgs,
  type AlertRulesArgs,
  type ResourceRequirements,
  type RoutedSeverity,
  type AlertRoutingTimings,
  type AlertmanagerConfig,
  type AmRoute,
  type AmInhibitRule,
  type AmReceiver,
  type LabelSelector,
  type ScrapeEndpoint,
  type MonitorObjectArgs,
  type ServiceMonitorSpec,
  type PinnedChart as MonitoringChart,
} from "../components/monitoring";
export { CHART_SERVICE_PORTS, type ChartServicePort, type ControlPlane } from "../components/monitoring/chart-facts";
// Types of the alert and dashboard entry points that the monitoring Args take.
export type { WorkloadSlo, LatencyObjective, ExpectedScrape } from "../alerts/index";
export type { DashboardJson } from "../dashboards/index";

// Cluster-wide services (cert-manager, CloudNativePG operator, Barman Cloud plugin).
export {
  ClusterServices,
  resolveClusterServicesArgs,
  type ClusterServicesArgs,
  type ResolvedClusterServicesArgs,
  type ClusterIssuerName,
  CLUSTER_ISSUERS,
  type PinnedChart as ClusterServiceChart,
} from "../components/cluster-services";

// Edge: Gateway API + Envoy Gateway.
export {
  EdgeGateway,
  EdgeListeners,
  EnvoyGatewayInstall,
  ServiceRoutes,
  resolveEdgeGatewayArgs,
  resolveRouteArgs,
  ENVOY_GATEWAY_VERSION,
  LISTENERS,
  type EdgeGatewayArgs,
  type EdgeGatewayComponentArgs,
  type ResolvedEdgeGatewayArgs,
  type EdgeListenersArgs,
  type EnvoyGatewayInstallArgs,
  type ServiceRoutesArgs,
  type RouteArgs,
  type ResolvedRouteArgs,
  type ClientAddressArgs,
  type EdgeTlsArgs,
  type EnvoyFleetArgs,
  gatewayRefFor,
  type GatewayRefArgs,
  type GatewayRef,
  type GatewayListenerRef,
  type ListenerKind,
  type RoutePathArgs,
  type RouteTimeoutsArgs,
  type WebsocketArgs,
  type ResolvedPath,
  type ParentReference,
} from "../components/edge";
