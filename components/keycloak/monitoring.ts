/**
 * Alerting of a Keycloak deployment: the rules of alerts/keycloak.ts with the component's
 * `keycloak.*` overrides, plus an absent-target alert for the servers' job (Service
 * `<name>-service`, whose ServiceMonitor prometheus-operator names the job by).
 */
import { keycloakRuleGroups } from "../../alerts";
import type { ExpectedScrape } from "../../alerts/presence";
import { componentAlertOptions, componentRuleSpec } from "../lib/component-rules";
import type { KeycloakArgs } from "./args";

export function keycloakPrometheusRuleSpec(m: KeycloakArgs["monitoring"], scrapes: readonly ExpectedScrape[] = []): Record<string, unknown> {
  return componentRuleSpec(keycloakRuleGroups(componentAlertOptions(m, "keycloak")), { group: "keycloak.scrapes", scrapes }, m, m.team ?? "platform");
}
