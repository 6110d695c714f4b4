/**
 * The alerting side every data component shares (PostgreSQL, Redis, RabbitMQ, Keycloak): the
 * `monitoring` args, the overrides passed on to its rules, and its PrometheusRule spec.
 * Pure.
 */
import { scrapePresenceGroup, toRuleFileObject, type ExpectedScrape, type RuleGroup } from "../../alerts";
import { isAlertRule, type AlertOptions } from "../../alerts/types";

/** The `monitoring` args of a data component (PostgreSQL, Redis, RabbitMQ, Keycloak): how its alerts are made and where it is scraped from. */
export interface ComponentMonitoringArgs {
  /** Base URL of docs/runbooks for the alerts' runbook links. */
  readonly runbookBaseUrl: string;
  /** Alert threshold overrides; the component keeps the keys with its own prefix (`pg.*`, `redis.*`, `rabbitmq.*`, `keycloak.*`). @default {} */
  readonly thresholds?: Readonly<Record<string, number>>;
  /** Alert duration overrides, same keys. @default {} */
  readonly durations?: Readonly<Record<string, string>>;
  /** Namespace Prometheus scrapes from. @default "monitoring" */
  readonly namespace?: string;
  /** Create the PrometheusRule (turn off for a second instance in the same namespace). @default true */
  readonly rules?: boolean;
  /**
   * `team` label on every alert of the component, so Alertmanager's team routes
   * (`alerting.teams.<team>`) reach its owners.
   * @default - "database" for PostgreSQL, "platform" for the others
   */
  readonly team?: string;
}

/** Overrides whose key starts with `<prefix>.` (a component's own, or the presence alerts' `monitoring.`). */
export function overridesWithPrefix<T>(r: Readonly<Record<string, T>> | undefined, prefix: string): Record<string, T> {
  return Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => k.startsWith(`${prefix}.`)));
}

/** Alert options of a component's rules: the runbook base and only its `<prefix>.*` overrides. */
export function componentAlertOptions(m: Pick<ComponentMonitoringArgs, "runbookBaseUrl" | "thresholds" | "durations">, prefix: string): AlertOptions {
  return { runbookBaseUrl: m.runbookBaseUrl, thresholds: overridesWithPrefix(m.thresholds, prefix), durations: overridesWithPrefix(m.durations, prefix) };
}

/**
 * PrometheusRule `spec` ({ groups }) of a component: its rule groups, then a presence group
 * (`<presenceGroup>`) with an absent-target alert per scrape, each alert labelled with `team`.
 */
export function componentRuleSpec(
  groups: readonly RuleGroup[],
  presence: { readonly group: string; readonly scrapes: readonly ExpectedScrape[] },
  m: Pick<ComponentMonitoringArgs, "runbookBaseUrl" | "durations">,
  team: string,
): Record<string, unknown> {
  const own = presence.scrapes.length > 0 ? [scrapePresenceGroup(presence.group, presence.scrapes, { runbookBaseUrl: m.runbookBaseUrl, durations: overridesWithPrefix(m.durations, "monitoring") })] : [];
  return toRuleFileObject(
    [...groups, ...own].map((g) => ({
      ...g,
      rules: g.rules.map((r) => (isAlertRule(r) ? { ...r, labels: { ...r.labels, team } } : r)),
    })),
  );
}
