/**
 * Scrape presence: one `ScrapeTargetsMissing` alert per scrape job that alerts or
 * dashboards read, firing when Prometheus discovers no target of that job at all
 * (`absent(up{job=..., namespace=...})`). A target that is down is `up == 0` and
 * has its own alerts (ApplicationTargetDown, PostgresInstanceDown, TargetDown); a
 * monitor whose selector or port name stopped matching produces no `up` series at
 * all, and every alert reading that job stays silent. This one pages instead.
 *
 * Components that create a ServiceMonitor or PodMonitor add a presence rule for
 * its job (Workload, PostgresCluster, Monitoring for the chart's jobs); so can a
 * component of your own: `scrapePresenceGroup(name, [{ job, namespace, reads }], opts)`.
 */
import { alertRule, resolveDomain } from "./options";
import { MONITORING_SPEC } from "./monitoring";
import type { AlertOptions, RuleGroup } from "./types";

/** A scrape job that must have targets. */
export interface ExpectedScrape {
  /**
   * The `job` label its targets get: the Service name (or the value of its
   * `jobLabel`) for a ServiceMonitor, `<namespace>/<name>` for a PodMonitor.
   */
  readonly job: string;
  /** Namespace of the scraped pods (the `namespace` target label). */
  readonly namespace: string;
  /** What goes blind without it, for the alert's description, e.g. "the PostgreSQL alerts and dashboard". */
  readonly reads: string;
}

const QUOTE = (v: string) => JSON.stringify(v);
const LABEL_VALUE = /^[^"\\\n]+$/;

/** The `ScrapeTargetsMissing` rules of `scrapes`, as one rule group. */
export function scrapePresenceGroup(name: string, scrapes: readonly ExpectedScrape[], opts: AlertOptions): RuleGroup {
  const r = resolveDomain(MONITORING_SPEC, opts);
  const seen = new Set<string>();
  const rules = scrapes.map((s) => {
    for (const [field, v] of [["job", s.job], ["namespace", s.namespace]] as const) {
      if (!LABEL_VALUE.test(v)) throw new Error(`scrape presence: ${field} must be a non-empty label value without quotes or backslashes, got ${QUOTE(v)}`);
    }
    const id = `${s.namespace}/${s.job}`;
    if (seen.has(id)) throw new Error(`scrape presence: job ${QUOTE(s.job)} in ${QUOTE(s.namespace)} is listed twice`);
    seen.add(id);
    return alertRule({
      alert: "ScrapeTargetsMissing",
      expr: `absent(up{job=${QUOTE(s.job)}, namespace=${QUOTE(s.namespace)}})`,
      for: r.durations["monitoring.scrapeMissing.for"],
      severity: "critical",
      summary: "Prometheus finds no target of job {{ $labels.job }} in {{ $labels.namespace }}",
      description: `No scrape target of job {{ $labels.job }} in {{ $labels.namespace }} has been discovered: its ServiceMonitor or PodMonitor selects no Service/pod or names a port they don't have, or the component is gone. What reads this job cannot fire meanwhile: ${s.reads}.`,
      runbookUrl: r.runbookUrl("ScrapeTargetsMissing"),
      // absent() carries them too; as static labels they tell the rules apart (promtool's duplicate-rule lint).
      labels: { job: s.job, namespace: s.namespace },
    });
  });
  return { name, rules };
}
