/**
 * `@readiness/platform/alerts`: Prometheus alerting and recording rules as data, built from
 * options (thresholds, durations, SLOs), and the helpers that write them as rule files.
 *
 * @packageDocumentation
 */
export {
  platformRuleGroups,
  postgresRuleGroups,
  redisRuleGroups,
  rabbitmqRuleGroups,
  keycloakRuleGroups,
  validateAlertOptions,
  resolveAlertOptions,
  toRuleFileObject,
  toRuleFileYaml,
  SLO_DEFAULTS,
  DEFAULT_THRESHOLDS,
  DEFAULT_DURATIONS,
  type AlertOptions,
  type RuleGroup,
  type WorkloadSlo,
  type LatencyObjective,
  type Rule,
  type AlertRule,
  type RecordingRule,
  type Severity,
} from "../alerts/index";
