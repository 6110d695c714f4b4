/**
 * The alerting side every data component shares (PostgreSQL, Redis, RabbitMQ): the
 * `monitoring` args, the overrides passed on to its rules, and its PrometheusRule spec.
 * Pure.
 */
import { scrapePresenceGroup, toRuleFileObject, type ExpectedScrape, type RuleGroup } from "../../alerts";
import { isAlertRule, type AlertOptions } from "../../alerts/types";

/** Overrides whose key starts with `<prefix>.` (a component's own, or the presence alerts' `monitoring.`). */
export function overridesWithPrefix<T>(r: Readonly<Record<string, T>> | undefined, prefix: string): Record<string, T> {
  return Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => k.startsWith(`${prefix}.`)));
}

/** Alert options of a component's rules: the runbook base and only its `<prefix>.*` overrides. */
export function componentAlertOptions(m: { readonly runbookBaseUrl: string; readonly thresholds?: Readonly<Record<string, number>>; readonly durations?: Readonly<Record<string, string>> }, prefix: string): AlertOptions {
  return { runbookBaseUrl: m.runbookBaseUrl, thresholds: overridesWithPrefix(m.thresholds, prefix), durations: overridesWithPrefix(m.durations, prefix) };
}

/**
 * PrometheusRule `spec` ({ groups }) of a component: its rule groups, then a presence group
 * (`<presenceGroup>`) with an absent-target alert per scrape, each alert labelled with `team`.
 */
export function componentRuleSpec(
  groups: readonly RuleGroup[],
  presence: { readonly group: string; readonly scrapes: readonly ExpectedScrape[] },
  m: { readonly runbookBaseUrl: string; readonly durations?: Readonly<Record<string, string>> },
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
